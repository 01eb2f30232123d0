/**
 * The session memory: what the notifier remembers of each root session across deliveries (a
 * CloudWatch Logs delivery holds one log stream, so one account and region; a session spans
 * several; its AssumeRoot call is in another account's stream; the same events may arrive in real
 * time from EventBridge and minutes later from the log group). The store behind it is an
 * interface: the handler wires a DynamoDB table (dynamodb-store.ts), the tests a map.
 */
import { AssumeRootInfo } from './group';

/** How an event was first reported. */
export type ReportedVia = 'log' | 'realtime';

/** One event a message reported. */
export interface ReportedEvent {
  readonly id: string;
  readonly name: string;
  readonly time: string;
}

/** What is remembered of one session. */
export interface SessionMemory {
  /** When the session was first reported (ms since the epoch). */
  readonly firstReportedAt: number;
  readonly firstReportedVia: ReportedVia;
  /** The chat thread of the session: set by its first message, reused by every later one. */
  readonly threadId: string;
  /** How many events were reported so far. */
  readonly eventCount: number;
  /** The latest reported events, at most MAX_REMEMBERED_EVENTS, oldest first. */
  readonly events: ReportedEvent[];
  /** The CloudTrail event IDs already published (at most MAX_REMEMBERED_IDS). */
  readonly publishedIds: ReadonlySet<string>;
  /** The AssumeRoot call that opened the session, once it was seen. */
  readonly assumeRoot?: AssumeRootInfo;
  /** When the memory expires (ms since the epoch). */
  readonly expiresAt: number;
}

/** What one published message adds to a session's memory. */
export interface SessionUpdate {
  readonly accountId: string;
  readonly sessionKey: string;
  /** When this message was published (ms since the epoch). */
  readonly now: number;
  readonly via: ReportedVia;
  readonly threadId: string;
  /** The events this message reported (in event time order). */
  readonly events: ReportedEvent[];
  /** The session's AssumeRoot data, when this message knows it. */
  readonly assumeRoot?: AssumeRootInfo;
  /** The memory this update extends (as read before publishing), if any. */
  readonly previous?: SessionMemory;
}

/**
 * A pointer from something a later record carries to the session it belongs to: a successful
 * console sign-in leaves `signin:<source IP>` -> `login:<event ID>`, so that its console actions
 * delivered later (another delivery, another region's stream) join its session.
 */
export interface SessionLink {
  /** The session key it points to. */
  readonly sessionKey: string;
  /** When the session began (ms since the epoch): the sign-in's time. */
  readonly at: number;
}

/** The store of session memories (DynamoDB in Lambda). Every call may reject or hang: the caller bounds it. */
export interface SessionStore {
  /** The session's memory, or undefined when there is none (never seen, or expired). */
  get(accountId: string, sessionKey: string): Promise<SessionMemory | undefined>;
  /** Records a published message (creates the memory on the first one). */
  recordPublished(update: SessionUpdate): Promise<void>;
  /** The link named `name` in the account, or undefined (never set, or expired). */
  getLink(accountId: string, name: string): Promise<SessionLink | undefined>;
  /** Sets (or replaces) the link named `name` in the account; it expires with the session memory. */
  putLink(accountId: string, name: string, link: SessionLink, now: number): Promise<void>;
}

/**
 * How long a session is remembered after its latest reported event: 24 hours. An AssumeRoot
 * session lasts at most 900 s and a console session at most a few hours, but CloudTrail delivers
 * to CloudWatch Logs "typically within about 5 minutes", with no guarantee, and an asynchronous
 * invocation may be retried for up to 6 hours; 24 hours covers a late delivery and every retry,
 * and still lets an idle root access key's next use a day later start a new thread.
 */
export const SESSION_MEMORY_SECONDS = 24 * 60 * 60;

/** The latest events listed in a continuation. */
export const MAX_REMEMBERED_EVENTS = 20;

/** Event IDs remembered per session for idempotency (about 40 KB of a 400 KB item). Beyond it, a retry may repeat. */
export const MAX_REMEMBERED_IDS = 1000;

/** The session table is named after the function: `<function name>-sessions` (see EventNotifier). */
export const SESSION_TABLE_SUFFIX = '-sessions';

/** Each store call gives up after this long: the alert never waits longer for its memory. */
export const STORE_TIMEOUT_MS = 1500;

/** The memory after `update`, as the store should hold it (used by the stores, and by tests). */
export function nextMemory(update: SessionUpdate): SessionMemory {
  const prev = update.previous;
  const ids = new Set(prev?.publishedIds ?? []);
  for (const e of update.events) {
    if (e.id !== '' && ids.size < MAX_REMEMBERED_IDS) ids.add(e.id);
  }
  return {
    firstReportedAt: prev?.firstReportedAt ?? update.now,
    firstReportedVia: prev?.firstReportedVia ?? update.via,
    threadId: prev?.threadId ?? update.threadId,
    eventCount: (prev?.eventCount ?? 0) + update.events.length,
    events: [...(prev?.events ?? []), ...update.events].slice(-MAX_REMEMBERED_EVENTS),
    publishedIds: ids,
    assumeRoot: update.assumeRoot ?? prev?.assumeRoot,
    expiresAt: update.now + SESSION_MEMORY_SECONDS * 1000,
  };
}

/** A store in memory: for tests and the benchmark (optionally with a latency per call). */
export class InMemorySessionStore implements SessionStore {
  public readonly items = new Map<string, SessionMemory>();
  public readonly links = new Map<string, SessionLink & { expiresAt: number }>();
  public calls = 0;

  constructor(private readonly latencyMs = 0, private readonly clock: () => number = Date.now) {}

  public async get(accountId: string, sessionKey: string): Promise<SessionMemory | undefined> {
    await this.delay();
    const m = this.items.get(`${accountId}|${sessionKey}`);
    return m && m.expiresAt > this.clock() ? m : undefined;
  }

  public async getLink(accountId: string, name: string): Promise<SessionLink | undefined> {
    await this.delay();
    const l = this.links.get(`${accountId}|${name}`);
    return l && l.expiresAt > this.clock() ? { sessionKey: l.sessionKey, at: l.at } : undefined;
  }

  public async putLink(accountId: string, name: string, link: SessionLink, now: number): Promise<void> {
    await this.delay();
    this.links.set(`${accountId}|${name}`, { ...link, expiresAt: now + SESSION_MEMORY_SECONDS * 1000 });
  }

  public async recordPublished(update: SessionUpdate): Promise<void> {
    await this.delay();
    const key = `${update.accountId}|${update.sessionKey}`;
    // Like the DynamoDB store: extend what is stored now, not what was read before publishing.
    const stored = this.items.get(key);
    this.items.set(key, nextMemory({ ...update, previous: stored && stored.expiresAt > update.now ? stored : update.previous }));
  }

  private async delay(): Promise<void> {
    this.calls++;
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
  }
}

/** Rejects after `ms` (the timer never keeps the process alive); resolves or rejects with `p` otherwise. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not answer within ${ms} ms`), { name: 'TimeoutError' })), ms);
    timer.unref?.();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `fn` on every item with at most `limit` at a time; settles like Promise.allSettled, in order. */
export async function mapBounded<T, R>(
  items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
