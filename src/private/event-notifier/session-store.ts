/**
 * The session memory: what the notifier remembers of each root session across deliveries (a
 * CloudWatch Logs delivery holds one log stream, so one account and region; a session spans
 * several; its AssumeRoot call is in another account's stream; the same events may arrive in real
 * time from EventBridge and minutes later from the log group). The store behind it is an
 * interface: the handler wires a DynamoDB table (dynamodb-store.ts), the tests a map.
 */
import { FirstSeenStore, InMemoryFirstSeen, SeenRecord, SeenUpdate } from './first-seen';
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
  /**
   * The event time of the session's first reported event (ms since the epoch; 0 when unknown):
   * the session's thread lasts at most its real life from it (group.ts, sessionLifeSeconds).
   */
  readonly firstEventAt: number;
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
  /**
   * The session outlived its real life: this message starts a new one under the same key (a new
   * thread, counts from zero); the published event IDs are kept.
   */
  readonly restart?: boolean;
  /** The event time of this message's first event (ms since the epoch; 0 when unknown). */
  readonly firstEventAt: number;
}

/** A session's memory to read: the session key in its account. */
export interface SessionRef {
  readonly accountId: string;
  readonly sessionKey: string;
}

/** A link to read: its name in its account. */
export interface LinkRef {
  readonly accountId: string;
  readonly name: string;
}

/** The flood counter of one account and kind in one RATE_WINDOW_SECONDS window (by invocation time). */
export interface RateRef {
  readonly accountId: string;
  readonly kind: string;
  /** The window's start, ms since the epoch. */
  readonly window: number;
}

/** What a flood counter holds. */
export interface RateCount {
  /** Messages published in the window (summaries not counted). */
  readonly sent: number;
  /** Sessions held back in the window. */
  readonly held: number;
  /** Of them, how many a summary message already reported. */
  readonly reported: number;
}

/** What one batched read asks for (at most STORE_BATCH_SIZE items in all). */
export interface StoreReadRequest {
  readonly sessions: readonly SessionRef[];
  readonly links: readonly LinkRef[];
  readonly rates: readonly RateRef[];
}

/** What one batched read found (absent: never written, or expired). Keys: storeRefKey. */
export interface StoreReadResult {
  readonly sessions: ReadonlyMap<string, SessionMemory>;
  readonly links: ReadonlyMap<string, SessionLink>;
  readonly rates: ReadonlyMap<string, RateCount>;
}

/** The key of a ref in a StoreReadResult map: `<account>|<session key, link name, or kind#window>`. */
export function storeRefKey(ref: SessionRef | LinkRef | RateRef): string {
  if ('sessionKey' in ref) return `${ref.accountId}|${ref.sessionKey}`;
  if ('name' in ref) return `${ref.accountId}|${ref.name}`;
  return `${ref.accountId}|${ref.kind}#${ref.window}`;
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

/**
 * The store of session memories (DynamoDB in Lambda). Every call may reject or hang: the caller
 * bounds it, and the caller's deadline bounds them all.
 */
export interface SessionStore extends Partial<FirstSeenStore> {
  /** One batched read (DynamoDB BatchGetItem) of at most STORE_BATCH_SIZE items. */
  getMany(request: StoreReadRequest): Promise<StoreReadResult>;
  /** The sessions a delivery already handled (published, summarized), by deliveryId; undefined when none. */
  getDelivery(deliveryId: string): Promise<ReadonlySet<string> | undefined>;
  /** Adds `done` (session IDs, see `notify`) to what the delivery handled; kept for SESSION_MEMORY_SECONDS. */
  recordDelivery(deliveryId: string, done: readonly string[], now: number): Promise<void>;
  /** Records a published message (creates the memory on the first one). */
  recordPublished(update: SessionUpdate): Promise<void>;
  /** Sets (or replaces) the link named `name` in the account; it expires with the session memory. */
  putLink(accountId: string, name: string, link: SessionLink, now: number): Promise<void>;
  /** Adds to a flood counter (sent, held, reported); it expires after two windows. */
  addRate(ref: RateRef, add: RateCount, now: number): Promise<void>;
  /**
   * The real-time continuation bound: claims the session's real-time slot at `now` when its last
   * real-time message is REALTIME_CONTINUATION_SECONDS old or more (or always, with `force`: the
   * alarming kinds), and then empties and returns what was held back since. Atomic (a conditional
   * write), so concurrent invocations of one session's events claim it once. `claimant` (the
   * delivery's ID) claims it again on a retry of the same delivery, whose publish may have failed.
   */
  claimRealTime(ref: SessionRef, now: number, force: boolean, claimant: string): Promise<RealTimeClaim>;
  /** Adds events to what the session's real-time slot holds back (at most MAX_HELD_EVENTS listed, all counted). */
  holdRealTime(ref: SessionRef, events: readonly ReportedEvent[], now: number): Promise<void>;
}

/** What claiming a session's real-time slot found. */
export interface RealTimeClaim {
  /** Whether the message may go out now. */
  readonly claimed: boolean;
  /** When claimed: the events held back since the slot's previous message (at most MAX_HELD_EVENTS, oldest first). */
  readonly held: ReportedEvent[];
  /** When claimed: how many events were held back since the previous message (`held` may list fewer). */
  readonly heldCount: number;
}

/**
 * In real time, a session's messages that are not alarming go out at most once per this long:
 * the first at once, then the events in between are held back and go out with the session's next
 * real-time message (an alarming one goes out at once and carries them), or with the log path's
 * delivery at the latest, which says they were held.
 */
export const REALTIME_CONTINUATION_SECONDS = 300;

/** Events a real-time slot lists while it holds them back (all are counted). */
export const MAX_HELD_EVENTS = 50;

/** DynamoDB's BatchGetItem reads at most 100 items per call. */
export const STORE_BATCH_SIZE = 100;

/** The flood bound's window (by invocation time). */
export const RATE_WINDOW_SECONDS = 300;

/**
 * At most this many messages per account and kind in a RATE_WINDOW_SECONDS window, for the kinds
 * that are not alarming (classify.ts ALARMING_KINDS); beyond it, one summary message.
 */
export const MAX_MESSAGES_PER_WINDOW = 5;

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

/**
 * All the store reads of one invocation (the delivery's record, the batched reads of the
 * sessions' memory, links and flood counters) stop after this long in total: whatever has not
 * answered by then is treated as not remembered, and every message goes out.
 */
export const STORE_READ_BUDGET_MS = 5000;

/** All the store writes after publishing stop after this long in total (a duplicate later, never a loss now). */
export const STORE_WRITE_BUDGET_MS = 10_000;

/** The memory after `update`, as the store should hold it (used by the stores, and by tests). */
export function nextMemory(update: SessionUpdate): SessionMemory {
  const kept = update.previous;
  const prev = update.restart ? undefined : kept;
  const ids = new Set(kept?.publishedIds ?? []);
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
    firstEventAt: prev ? prev.firstEventAt : update.firstEventAt,
  };
}

/** Events in event time order (then by ID), as a slot returns what it held. */
export function sortedEvents(events: readonly ReportedEvent[]): ReportedEvent[] {
  return [...events].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A store in memory: for tests and the benchmark (optionally with a latency per call). */
export class InMemorySessionStore implements SessionStore {
  public readonly items = new Map<string, SessionMemory>();
  public readonly links = new Map<string, SessionLink & { expiresAt: number }>();
  public readonly rates = new Map<string, RateCount & { expiresAt: number }>();
  public readonly deliveries = new Map<string, { done: Set<string>; expiresAt: number }>();
  /** The real-time slots, by storeRefKey of the session. */
  public readonly slots = new Map<string, { at: number; by: string; held: ReportedEvent[]; heldCount: number; expiresAt: number }>();
  /** Every call, by name (getMany counts once per batch). */
  public readonly callLog: string[] = [];
  /** The session keys each getMany asked for, in order. */
  public readonly readSessions: string[] = [];

  /** The first-seen memory (first-seen.ts). */
  public readonly firstSeen: InMemoryFirstSeen;

  constructor(private readonly latencyMs = 0, private readonly clock: () => number = Date.now) {
    this.firstSeen = new InMemoryFirstSeen(clock);
  }

  public async getSeen(keys: readonly string[]): Promise<ReadonlyMap<string, SeenRecord>> {
    await this.delay('getSeen');
    return this.firstSeen.getSeen(keys);
  }

  public async recordSeen(key: string, update: SeenUpdate): Promise<void> {
    await this.delay('recordSeen');
    return this.firstSeen.recordSeen(key, update);
  }

  public get calls(): number {
    return this.callLog.length;
  }

  /** One session's memory (tests). */
  public get(accountId: string, sessionKey: string): SessionMemory | undefined {
    const m = this.items.get(`${accountId}|${sessionKey}`);
    return m && m.expiresAt > this.clock() ? m : undefined;
  }

  public async getMany(request: StoreReadRequest): Promise<StoreReadResult> {
    await this.delay('getMany');
    const now = this.clock();
    const sessions = new Map<string, SessionMemory>();
    const links = new Map<string, SessionLink>();
    const rates = new Map<string, RateCount>();
    for (const r of request.sessions) {
      this.readSessions.push(storeRefKey(r));
      const m = this.items.get(storeRefKey(r));
      if (m && m.expiresAt > now) sessions.set(storeRefKey(r), m);
    }
    for (const r of request.links) {
      const l = this.links.get(storeRefKey(r));
      if (l && l.expiresAt > now) links.set(storeRefKey(r), { sessionKey: l.sessionKey, at: l.at });
    }
    for (const r of request.rates) {
      const c = this.rates.get(storeRefKey(r));
      if (c && c.expiresAt > now) rates.set(storeRefKey(r), { sent: c.sent, held: c.held, reported: c.reported });
    }
    return { sessions, links, rates };
  }

  public async getDelivery(deliveryId: string): Promise<ReadonlySet<string> | undefined> {
    await this.delay('getDelivery');
    const d = this.deliveries.get(deliveryId);
    return d && d.expiresAt > this.clock() ? new Set(d.done) : undefined;
  }

  public async recordDelivery(deliveryId: string, done: readonly string[], now: number): Promise<void> {
    await this.delay('recordDelivery');
    const d = this.deliveries.get(deliveryId);
    const set = d && d.expiresAt > now ? d.done : new Set<string>();
    for (const x of done) set.add(x);
    this.deliveries.set(deliveryId, { done: set, expiresAt: now + SESSION_MEMORY_SECONDS * 1000 });
  }

  public async putLink(accountId: string, name: string, link: SessionLink, now: number): Promise<void> {
    await this.delay('putLink');
    this.links.set(`${accountId}|${name}`, { ...link, expiresAt: now + SESSION_MEMORY_SECONDS * 1000 });
  }

  public async addRate(ref: RateRef, add: RateCount, now: number): Promise<void> {
    await this.delay('addRate');
    const c = this.rates.get(storeRefKey(ref));
    const base = c && c.expiresAt > now ? c : { sent: 0, held: 0, reported: 0 };
    this.rates.set(storeRefKey(ref), {
      sent: base.sent + add.sent,
      held: base.held + add.held,
      reported: base.reported + add.reported,
      expiresAt: ref.window + 3 * RATE_WINDOW_SECONDS * 1000,
    });
  }

  public async claimRealTime(ref: SessionRef, now: number, force: boolean, claimant: string): Promise<RealTimeClaim> {
    await this.delay('claimRealTime');
    const key = storeRefKey(ref);
    const slot = this.slots.get(key);
    const live = slot && slot.expiresAt > now ? slot : undefined;
    const busy = live !== undefined && now - live.at < REALTIME_CONTINUATION_SECONDS * 1000 && live.by !== claimant;
    if (!force && busy) return { claimed: false, held: [], heldCount: 0 };
    this.slots.set(key, { at: now, by: claimant, held: [], heldCount: 0, expiresAt: now + SESSION_MEMORY_SECONDS * 1000 });
    return { claimed: true, held: sortedEvents(live?.held ?? []), heldCount: live?.heldCount ?? 0 };
  }

  public async holdRealTime(ref: SessionRef, events: readonly ReportedEvent[], now: number): Promise<void> {
    await this.delay('holdRealTime');
    const key = storeRefKey(ref);
    const slot = this.slots.get(key) ?? { at: now, by: '', held: [], heldCount: 0, expiresAt: 0 };
    const known = new Set(slot.held.map((e) => e.id));
    const fresh = events.filter((e) => e.id === '' || !known.has(e.id));
    this.slots.set(key, {
      at: slot.at,
      by: slot.by,
      held: slot.held.length < MAX_HELD_EVENTS ? [...slot.held, ...fresh] : slot.held,
      heldCount: slot.heldCount + events.length,
      expiresAt: now + SESSION_MEMORY_SECONDS * 1000,
    });
  }

  public async recordPublished(update: SessionUpdate): Promise<void> {
    await this.delay('recordPublished');
    const key = `${update.accountId}|${update.sessionKey}`;
    // Like the DynamoDB store: extend what is stored now, not what was read before publishing.
    const stored = this.items.get(key);
    this.items.set(key, nextMemory({ ...update, previous: stored && stored.expiresAt > update.now ? stored : update.previous }));
  }

  private async delay(call: string): Promise<void> {
    this.callLog.push(call);
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
