import { createHash } from 'crypto';
import { isAlarming, KIND_PRIORITY, RootUseKind } from './classify';
import { isoFromMillis, parseCloudTrailRecord, parseRecordObject, RootEvent } from './cloudtrail';
import { decodeEventBridgeEvent, decodeSubscriptionEvent, isEventBridgeEvent } from './decode';
import { expectationLabel } from './expectation';
import { FindingDeps, importSessionFindings } from './finding';
import { firstSeenOf, SeenRecord } from './first-seen';
import { classifyDraft, CONSOLE_SESSION_WINDOW_SECONDS, EventGroup, isAssumeRootSession, SessionDraft, sessionDrafts, sessionLifeSeconds } from './group';
import {
  AccountName, Continuation, DEFAULT_LIMITS, HeldSummary, RenderLimits, renderFallback, RenderedMessage, renderSummary, renderWithinLimit, Verdict,
} from './render';
import {
  LinkRef, MAX_MESSAGES_PER_WINDOW, MAX_REMEMBERED_EVENTS, RATE_WINDOW_SECONDS, RateCount, RateRef, REALTIME_CONTINUATION_SECONDS, ReportedEvent,
  ReportedVia, SessionLink, SessionMemory, SessionRef, SessionStore, STORE_BATCH_SIZE, STORE_READ_BUDGET_MS, STORE_TIMEOUT_MS, STORE_WRITE_BUDGET_MS,
  storeRefKey, withTimeout,
} from './session-store';
import { WatchedConfig } from './tamper';
// Expected or not, first seen, severity and routing (issue 22): verdict.ts and the files it uses.
import { firstSeenCall, firstSeenWindow, highPriorityTopicFor, summarySeverity, VerdictConfig, verdictFor } from './verdict';

/** What `notify` needs from the outside world (the handler wires the AWS SDK in). */
export interface NotifierDeps extends FindingDeps {
  readonly topicArn: string;
  readonly alarmName: string;
  readonly region: string;
  /**
   * The trail's log group, as configured: a subscription delivery from any other log group is
   * logged and skipped.
   */
  readonly logGroupName: string;
  /**
   * The library's resources: tamper calls that name them are reported (kind 'tamper'), other
   * tamper calls are skipped; without it, tamper calls are skipped as not root usage.
   */
  readonly watched?: WatchedConfig;
  /** Message bounds; DEFAULT_LIMITS when absent. */
  readonly limits?: RenderLimits;
  /** The session memory; without it every delivery is reported as if nothing came before. */
  readonly store?: SessionStore;
  /** Each store call gives up after this many ms (STORE_TIMEOUT_MS when absent). */
  readonly storeTimeoutMs?: number;
  /** All store reads of an invocation stop after this many ms in total (STORE_READ_BUDGET_MS when absent). */
  readonly storeReadBudgetMs?: number;
  /** All store writes of an invocation stop after this many ms in total (STORE_WRITE_BUDGET_MS when absent). */
  readonly storeWriteBudgetMs?: number;
  /** The account-name lookup gives up after this many ms (ACCOUNT_NAME_TIMEOUT_MS when absent). */
  readonly accountNameTimeoutMs?: number;
  /** Each publish gives up after this many ms (PUBLISH_TIMEOUT_MS when absent). */
  readonly publishTimeoutMs?: number;
  /** At most this many sessions are handled (looked up, published) at a time (PUBLISH_CONCURRENCY when absent). */
  readonly concurrency?: number;
  /** The clock (ms since the epoch); Date.now when absent. */
  readonly now?: () => number;
  /**
   * The time this invocation has left, in ms (Lambda's context.getRemainingTimeInMillis); no
   * deadline when absent (tests, the benchmark).
   */
  readonly remainingTimeMs?: () => number;
  /** Account names the platform team set (the construct's `accountNames`): shown as they are, never looked up. */
  readonly accountNames?: ReadonlyMap<string, string>;
  /** Account names looked up, kept across invocations (the handler keeps one per execution environment). */
  readonly accountNameCache?: AccountNameCache;
  /**
   * The regions the real-time path covers (RealTimeRootAlerts sets REALTIME_REGIONS): a root event
   * of one of them that the log path delivers and the session memory shows was never reported in
   * real time gets a "Not seen in real time" line (and is counted in the result). Absent: no
   * real-time path, no check.
   */
  readonly realTimeRegions?: readonly string[];
  /**
   * Declared expected root use, first seen, the management account and the high-priority topic
   * (verdict.ts): every message gets a severity and a label; absent: nothing is expected, no routing.
   */
  readonly verdict?: VerdictConfig;
  /** Publishes one message; rejects when SNS does. */
  publish(input: { TopicArn: string; Subject: string; Message: string; MessageStructure: 'json' }): Promise<void>;
  /** The account's name (Organizations DescribeAccount); rejects on any error. */
  describeAccount(accountId: string): Promise<string | undefined>;
  /** Structured log lines (console.log / console.warn in Lambda). */
  log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void;
}

/** What one invocation did. */
export interface BatchResult {
  readonly messageType: string;
  readonly events: number;
  readonly skipped: number;
  readonly published: number;
  /** Events not published again: the session memory says they were (a retry, or the log path after real time). */
  readonly suppressed: number;
  /** Sessions held back by the flood bound (counted in a summary message). */
  readonly held?: number;
  /** Sessions held back in real time by the continuation bound (REALTIME_CONTINUATION_SECONDS). */
  readonly heldForContinuation?: number;
  /**
   * The log path's messages that said "Not seen in real time": the account and region of the
   * forwarder that should have sent each session's events (the handler counts them as a metric).
   */
  readonly notSeenInRealTime?: ReadonlyArray<{ readonly accountId: string; readonly region: string }>;
  /** Security Hub findings (finding.ts; only with `findingProductArn`): imported, and not imported (logged and counted). */
  readonly findingsImported?: number;
  readonly findingImportFailures?: number;
}

/** The account-name lookup gives up after this long: then the ID alone. */
export const ACCOUNT_NAME_TIMEOUT_MS = 2000;

/** A looked-up account name is reused for this long across invocations (a rename shows within it). */
export const ACCOUNT_NAME_CACHE_MS = 15 * 60 * 1000;

/** A failed lookup is not tried again for this long (a flood does not repeat it per session). */
export const ACCOUNT_NAME_FAILURE_CACHE_MS = 60 * 1000;

/** The cache holds at most this many accounts (the oldest go first). */
export const ACCOUNT_NAME_CACHE_ENTRIES = 5000;

/** Sessions handled at a time: bounds the concurrent SNS, Organizations and DynamoDB calls. */
export const PUBLISH_CONCURRENCY = 8;

/** Each publish gives up after this long (the SNS client's own timeout and retries sit inside it). */
export const PUBLISH_TIMEOUT_MS = 10_000;

/**
 * No publish starts with less than this left before the function's timeout: the time to write
 * which sessions went out and to fail the invocation, so Lambda retries the rest (and, after two
 * retries, sends the delivery to the failure queue).
 */
export const FINISH_RESERVE_MS = 5000;

/** No publish starts with less than this on top of FINISH_RESERVE_MS left: it could not finish. */
export const MIN_PUBLISH_MS = 1000;

/** With less than this left when the invocation starts, nothing is read from the store: publishing comes first. */
export const MIN_REMAINING_FOR_MEMORY_MS = 30_000;

function errorFields(err: unknown): { error: string; reason?: string } {
  const e = err as { name?: string; message?: string } | undefined;
  return { error: e?.name ?? 'Error', reason: e?.message };
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/** Account names across invocations, each for a bounded time (ACCOUNT_NAME_CACHE_MS). */
export class AccountNameCache {
  private readonly entries = new Map<string, { name: string | undefined; expiresAt: number }>();

  constructor(private readonly maxEntries = ACCOUNT_NAME_CACHE_ENTRIES) {}

  public get(accountId: string, now: number): { name: string | undefined } | undefined {
    const e = this.entries.get(accountId);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.entries.delete(accountId);
      return undefined;
    }
    return { name: e.name };
  }

  public set(accountId: string, name: string | undefined, now: number): void {
    this.entries.delete(accountId);
    this.entries.set(accountId, { name, expiresAt: now + (name === undefined ? ACCOUNT_NAME_FAILURE_CACHE_MS : ACCOUNT_NAME_CACHE_MS) });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  public get size(): number {
    return this.entries.size;
  }

  /** Forgets every name (tests). */
  public clear(): void {
    this.entries.clear();
  }
}

/**
 * Account names: the platform team's (`accountNames`) as they are; else the name the account set
 * for itself (Organizations), marked so; looked up once per account per cache lifetime, any
 * error or a slow answer gives the ID alone.
 */
export class AccountNames {
  private readonly pending = new Map<string, Promise<AccountName | undefined>>();
  private readonly cache: AccountNameCache;

  constructor(private readonly deps: Pick<NotifierDeps, 'describeAccount' | 'log' | 'accountNameTimeoutMs' | 'accountNames' | 'accountNameCache' | 'now'>) {
    this.cache = deps.accountNameCache ?? new AccountNameCache();
  }

  public lookup(accountId: string): Promise<AccountName | undefined> {
    if (!/^\d{12}$/.test(accountId)) return Promise.resolve(undefined);
    const platform = this.deps.accountNames?.get(accountId);
    if (platform !== undefined && platform !== '') return Promise.resolve({ name: platform, setByAccount: false });
    const now = (this.deps.now ?? Date.now)();
    const cached = this.cache.get(accountId, now);
    if (cached) return Promise.resolve(cached.name !== undefined ? { name: cached.name, setByAccount: true } : undefined);
    let name = this.pending.get(accountId);
    if (!name) {
      const timeout = this.deps.accountNameTimeoutMs ?? ACCOUNT_NAME_TIMEOUT_MS;
      name = withTimeout(this.deps.describeAccount(accountId), timeout, 'organizations:DescribeAccount').then(
        (n) => {
          const v = typeof n === 'string' && n !== '' ? n : undefined;
          this.cache.set(accountId, v, (this.deps.now ?? Date.now)());
          return v !== undefined ? { name: v, setByAccount: true } : undefined;
        },
        (err: unknown) => {
          this.deps.log('warn', 'account name not available, using the account ID alone', { accountId, ...errorFields(err) });
          this.cache.set(accountId, undefined, (this.deps.now ?? Date.now)());
          return undefined;
        });
      this.pending.set(accountId, name);
    }
    return name;
  }
}

/** The log lines of a failing store (docs/event-notifications.md quotes them). */
const STORE_READ_FAILED = 'session store read failed: reporting without session memory for the rest of this invocation';
const STORE_WRITE_FAILED = 'session store write failed: reporting without session memory for the rest of this invocation';
const STORE_READ_BUDGET_SPENT = 'session store reads stopped at their budget: the sessions not read yet are reported without memory';
const STORE_SKIPPED_SHORT_TIME = 'too little time left: publishing without reading the session memory';
const STORE_WRITES_CUT = 'session store writes stopped at their budget or the deadline: these sessions may be reported again (a duplicate, never a loss)';

/** The invocation's clock and deadline. */
class Clock {
  constructor(private readonly deps: NotifierDeps) {}
  public now(): number {
    return (this.deps.now ?? Date.now)();
  }
  /** Time left before the function's timeout (Infinity without a deadline). */
  public remaining(): number {
    const r = this.deps.remainingTimeMs?.();
    return typeof r === 'number' && Number.isFinite(r) ? r : Infinity;
  }
}

/**
 * The store for one invocation: every call bounded by the timeout and by its phase's budget;
 * after the first failure the store is not asked again in this invocation (so a delivery of
 * thousands of sessions is never held by a store that does not answer), and every message goes
 * out as if nothing were remembered: a duplicate rather than a loss.
 */
class Memory {
  private down = false;
  /** Calls cut by their phase's budget (not a failure of the store). */
  public budgetCuts = 0;

  constructor(private readonly deps: NotifierDeps, private readonly clock: Clock) {}

  public get available(): boolean {
    return this.deps.store !== undefined && !this.down;
  }

  /** One store call, bounded by the timeout and `budgetEnd` (a clock time); undefined when down, slow, failing or out of budget. */
  public async call<T>(operation: string, failure: string, budgetEnd: number, op: (store: SessionStore) => Promise<T>): Promise<T | undefined> {
    if (!this.available) return undefined;
    const callTimeout = this.deps.storeTimeoutMs ?? STORE_TIMEOUT_MS;
    const left = Math.min(callTimeout, budgetEnd - this.clock.now(), this.clock.remaining() - FINISH_RESERVE_MS / 2);
    if (left <= 0) {
      this.budgetCuts++;
      return undefined;
    }
    try {
      return await withTimeout(op(this.deps.store!), left, operation);
    } catch (err) {
      if (left < callTimeout && (err as Error)?.name === 'TimeoutError') {
        // Cut by the budget or the deadline, not failed: the store stays usable for the other phase.
        this.budgetCuts++;
        return undefined;
      }
      if (!this.down) this.deps.log('warn', failure, { operation, ...errorFields(err) });
      this.down = true;
      return undefined;
    }
  }
}

/** The event ID as remembered: CloudTrail's are 36 characters; anything longer is cut (the item stays small). */
function eventKey(e: RootEvent): string {
  return e.eventId.slice(0, 128);
}

/** An event as a session's memory and slot remember it. */
function reportedEvent(e: RootEvent): ReportedEvent {
  return { id: eventKey(e), name: e.eventName.slice(0, 128), time: e.eventTime.slice(0, 40) };
}

/** A session's ID in the delivery's record (the same on every retry). */
function draftId(d: { accountId: string; sessionKey: string }): string {
  return hash(`${d.accountId}|${d.sessionKey}`).slice(0, 20);
}

/** A chat thread per session, never shared by two sessions: the session key and its first event time, hashed. */
export function threadIdFor(accountId: string, sessionKey: string, firstEventTime: string): string {
  const digest = createHash('sha256').update(`${accountId}|${sessionKey}|${firstEventTime}`).digest('hex').slice(0, 24);
  return `root-usage-${accountId.replace(/[^0-9]/g, '').slice(0, 12)}-${digest}`;
}

/** The memory keys a session's draft reads: its own, and each access key of a console session that joined its sign-in. */
function memoryKeys(draft: SessionDraft): string[] {
  return [draft.sessionKey, ...draft.accessKeys.map((k) => `key:${k}`).filter((k) => k !== draft.sessionKey)];
}

/**
 * What is remembered of a delivery's session: its own memory and, for a console session whose
 * actions joined its sign-in in this delivery, the memory of each of its access keys (those
 * actions may have been reported on their own before, in real time). Merged: the earliest first
 * report, its thread, every published event ID.
 */
function rememberedSession(read: ReadonlyMap<string, SessionMemory>, draft: SessionDraft): SessionMemory | undefined {
  const found = memoryKeys(draft).map((k) => read.get(storeRefKey({ accountId: draft.accountId, sessionKey: k })))
    .filter((m): m is SessionMemory => m !== undefined);
  if (found.length <= 1) return found[0];
  const [base] = [...found].sort((a, b) => a.firstReportedAt - b.firstReportedAt);
  return {
    ...base,
    eventCount: found.reduce((n, m) => n + m.eventCount, 0),
    events: found.flatMap((m) => m.events).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)).slice(-MAX_REMEMBERED_EVENTS),
    publishedIds: new Set(found.flatMap((m) => [...m.publishedIds])),
    assumeRoot: found.find((m) => m.assumeRoot)?.assumeRoot,
  };
}

/** The sign-in link a console session's actions delivered without their sign-in may follow, or undefined. */
function consoleLinkRef(draft: SessionDraft): LinkRef | undefined {
  const key = draft.accessKeys.length === 1 ? draft.accessKeys[0] : '';
  if (!draft.sessionKey.startsWith('key:ASIA') || !key.startsWith('ASIA')) return undefined;
  if (draft.events.some((e) => e.identityType !== 'Root' || e.assumedRoot || (e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot'))) {
    return undefined;
  }
  const ip = draft.events[0].sourceIp;
  if (Number.isNaN(Date.parse(draft.events[0].sessionCreationDate)) || ip === '') return undefined;
  return { accountId: draft.accountId, name: `signin:${ip.slice(0, 128)}` };
}

/**
 * A console session's actions delivered without their sign-in (a later delivery, another region's
 * stream, another EventBridge event) join the sign-in's session when the sign-in left a link for
 * their source IP and their credentials were issued at or after it, within
 * CONSOLE_SESSION_WINDOW_SECONDS (links go forward in time only). Returns the sign-in's session key, or undefined.
 */
function linkedSignIn(draft: SessionDraft, link: SessionLink | undefined): string | undefined {
  if (!link) return undefined;
  const issued = Date.parse(draft.events[0].sessionCreationDate);
  if (Number.isNaN(issued) || issued < link.at || issued > link.at + CONSOLE_SESSION_WINDOW_SECONDS * 1000) return undefined;
  return link.sessionKey;
}

/**
 * The marker a session held back in real time by the flood bound leaves (a link to itself), so
 * that the log path's later delivery says so rather than "not seen in real time".
 */
function heldLinkRef(accountId: string, sessionKey: string): LinkRef {
  return { accountId, name: `held:${sessionKey}` };
}

/**
 * Whether the real-time path forwards this event in every configuration: root activity that is
 * not read-only (read-only calls are forwarded only with allRootApiCalls), and AssumeRoot calls.
 * Tamper calls (not root activity) are never forwarded.
 */
function forwardedInRealTime(e: RootEvent): boolean {
  if (e.tamper !== '') return false;
  if (e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot') return true;
  return e.raw.readOnly !== true;
}

/** The earliest event time of a set of events, ms (0 when none is a time). */
function firstEventMs(events: readonly RootEvent[]): number {
  const times = events.map((e) => Date.parse(e.eventTime)).filter((t) => !Number.isNaN(t));
  return times.length > 0 ? Math.min(...times) : 0;
}

/** The records of one invocation, whichever path delivered them. */
interface Decoded {
  readonly messageType: string;
  readonly via: ReportedVia;
  readonly logGroup: string;
  readonly logStream: string;
  readonly records: RootEvent[];
  readonly skipped: number;
  /** The delivery's identity, the same on every retry: a hash of its log event IDs, or the EventBridge event's ID. */
  readonly deliveryId: string;
}

function decode(event: unknown, deps: NotifierDeps): Decoded | BatchResult {
  const skippedInvocation = (reason: string, details: Record<string, unknown> = {}): BatchResult => {
    deps.log('warn', reason, details);
    return { messageType: '', events: 0, skipped: 1, published: 0, suppressed: 0 };
  };
  if (isEventBridgeEvent(event)) {
    let envelope: ReturnType<typeof decodeEventBridgeEvent>;
    try {
      envelope = decodeEventBridgeEvent(event);
    } catch (e) {
      return skippedInvocation('skipped an EventBridge event that is not a CloudTrail event', { reason: (e as Error).message });
    }
    const parsed = parseRecordObject(envelope.detail, isoFromMillis(Date.parse(envelope.time)), deps.watched);
    if (typeof parsed === 'string') {
      deps.log('warn', 'skipped an EventBridge event whose detail is not a root-usage CloudTrail record', {
        reason: parsed, eventBridgeId: envelope.id, detailType: envelope.detailType, account: envelope.account, region: envelope.region,
      });
      return { messageType: 'EVENTBRIDGE', events: 0, skipped: 1, published: 0, suppressed: 0 };
    }
    const deliveryId = hash(`eventbridge|${envelope.id}|${parsed.eventId}`);
    return { messageType: 'EVENTBRIDGE', via: 'realtime', logGroup: deps.logGroupName, logStream: '', records: [parsed], skipped: 0, deliveryId };
  }
  let decoded: ReturnType<typeof decodeSubscriptionEvent>;
  try {
    decoded = decodeSubscriptionEvent(event);
  } catch (e) {
    // Not a subscription delivery: nothing a retry could fix. Log and skip.
    return skippedInvocation('skipped an invocation that is not a CloudWatch Logs subscription delivery', { reason: (e as Error).message });
  }
  const { payload, droppedLogEvents } = decoded;
  if (payload.messageType !== 'DATA_MESSAGE') {
    deps.log('info', 'ignored a non-data message', { messageType: payload.messageType, logGroup: payload.logGroup });
    return { messageType: payload.messageType, events: 0, skipped: 0, published: 0, suppressed: 0 };
  }
  if (payload.logGroup !== deps.logGroupName) {
    deps.log('warn', 'skipped a delivery from a log group this notifier is not configured for', {
      logGroup: payload.logGroup, configuredLogGroup: deps.logGroupName, logStream: payload.logStream, logEvents: payload.logEvents.length,
    });
    return { messageType: payload.messageType, events: 0, skipped: payload.logEvents.length + droppedLogEvents, published: 0, suppressed: 0 };
  }
  let skipped = droppedLogEvents;
  if (droppedLogEvents > 0) {
    deps.log('warn', 'skipped log events without a message string', { count: droppedLogEvents, logGroup: payload.logGroup });
  }
  const records: RootEvent[] = [];
  for (const le of payload.logEvents) {
    const parsed = parseCloudTrailRecord(le.message, isoFromMillis(le.timestamp), deps.watched);
    if (parsed === 'not-watched') {
      skipped++;
      deps.log('info', 'skipped a change to a resource this notifier does not watch', {
        logEventId: le.id, logGroup: payload.logGroup, logStream: payload.logStream,
      });
    } else if (typeof parsed === 'string') {
      skipped++;
      deps.log('warn', parsed === 'not-root-usage'
        ? 'skipped a CloudTrail record that is not root usage (the subscription filter would not deliver it)'
        : 'skipped a log event that is not a CloudTrail record', {
        reason: parsed, logEventId: le.id, logGroup: payload.logGroup, logStream: payload.logStream, length: le.message.length,
      });
    } else {
      records.push(parsed);
    }
  }
  const deliveryId = hash(`log|${payload.logGroup}|${payload.logStream}|${payload.logEvents.map((le) => le.id).join(',')}`);
  return { messageType: payload.messageType, via: 'log', logGroup: payload.logGroup, logStream: payload.logStream, records, skipped, deliveryId };
}

/** One session ready to publish. */
interface Planned {
  readonly id: string;
  readonly group: EventGroup;
  readonly remembered?: SessionMemory;
  readonly restart: boolean;
  readonly threadId: string;
  readonly continuation?: Continuation;
  readonly suppressed: number;
  readonly tamper: boolean;
  /** Sessions held back earlier by the flood bound, reported by this message. */
  carried: number;
  /** The log path: the real-time path should have forwarded this session and did not (its forwarder's account and region). */
  readonly notSeen?: { readonly accountId: string; readonly region: string };
  /** The log path: the real-time path held this session back (the flood bound or the continuation bound). */
  readonly heldInRealTime?: boolean;
  /** Real time: the events the session's slot held back since its previous real-time message, reported by this one. */
  heldSince?: { readonly count: number; readonly events: ReportedEvent[] };
  /** Severity and label (verdict.ts). */
  readonly verdict: Verdict;
  /** The first-seen item this message's AssumeRoot call writes once published. */
  readonly seen?: { readonly key: string; readonly eventId: string; readonly firstTime: boolean };
}

/** One publish: a session's message, or a flood summary. */
interface Job {
  readonly planned?: Planned;
  readonly summary?: HeldSummary & { readonly rate: RateRef; readonly ids: string[] };
  readonly priority: number;
}

const priorityOf = (kind: RootUseKind) => KIND_PRIORITY.indexOf(kind);

/** Runs `fn` over `items`, at most `limit` at a time, starting none once `stop()` says so; the items not started are returned. */
async function runBounded<T>(items: readonly T[], limit: number, stop: () => boolean, fn: (item: T) => Promise<void>): Promise<T[]> {
  const left: T[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      if (stop()) {
        left.push(items[i]);
        continue;
      }
      await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return left;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Handles one invocation: a CloudWatch Logs subscription delivery (one log stream) or one
 * EventBridge event, against the invocation's deadline.
 *
 * 1. Decodes and parses (skipping, with a log line, anything that is not a root-usage CloudTrail
 *    record) and splits the events into root sessions.
 * 2. Reads, within STORE_READ_BUDGET_MS in total and only with time to spare: the delivery's
 *    record (the sessions an earlier attempt of this delivery handled: not read nor published
 *    again), then the other sessions' memory, links and flood counters in batches.
 * 3. In real time, claims each session's real-time slot (one conditional write): a session's
 *    messages that are not alarming go out at most once per REALTIME_CONTINUATION_SECONDS; the
 *    events in between are held in the slot and reported by its next message (or by the log
 *    path's delivery, which says so). Alarming kinds go out at once and carry what was held.
 * 4. Publishes, at most `concurrency` at a time, most alarming first: each session's message
 *    (a continuation when the session was reported before, within its real life); for the kinds
 *    that are not alarming, at most MAX_MESSAGES_PER_WINDOW per account and kind per window, then
 *    one summary. No publish starts within FINISH_RESERVE_MS of the deadline.
 * 5. Writes, within STORE_WRITE_BUDGET_MS: the delivery's record first, then flood counters,
 *    session memories, links and the events held back in real time.
 * 6. If any session was not published (SNS failed, or the deadline came first), throws: Lambda
 *    retries the delivery, and the retry publishes only the rest; after two retries the delivery
 *    goes to the failure queue. A duplicate is possible (a store that failed), never a silent loss.
 */
export async function notify(event: unknown, deps: NotifierDeps): Promise<BatchResult> {
  const decoded = decode(event, deps);
  if (!('records' in decoded)) return decoded;
  const { records, via } = decoded;
  const clock = new Clock(deps);
  const drafts = sessionDrafts(records);
  const names = new AccountNames(deps);
  const memory = new Memory(deps, clock);
  const concurrency = deps.concurrency ?? PUBLISH_CONCURRENCY;
  const startedAt = clock.now();
  const window = Math.floor(startedAt / (RATE_WINDOW_SECONDS * 1000)) * RATE_WINDOW_SECONDS * 1000;
  const previousWindow = window - RATE_WINDOW_SECONDS * 1000;

  // 2. Reads.
  const readEnd = startedAt + (deps.storeReadBudgetMs ?? STORE_READ_BUDGET_MS);
  const sessions = new Map<string, SessionMemory>();
  const links = new Map<string, SessionLink>();
  const rates = new Map<string, RateCount>();
  /** The session and link keys whose read answered (found or not): what the memory knows rather than guesses. */
  const read = new Set<string>();
  const realTimeRegions = new Set(deps.realTimeRegions ?? []);
  const checkRealTime = via === 'log' && realTimeRegions.size > 0;
  let done: ReadonlySet<string> = new Set();
  const readMemory = memory.available && clock.remaining() >= MIN_REMAINING_FOR_MEMORY_MS;
  if (memory.available && !readMemory) deps.log('warn', STORE_SKIPPED_SHORT_TIME, { remainingMs: clock.remaining(), sessions: drafts.length });
  if (readMemory) {
    done = await memory.call('session store GetItem (delivery)', STORE_READ_FAILED, readEnd, (st) => st.getDelivery(decoded.deliveryId)) ?? new Set();
  }
  const todo = drafts.filter((d) => !done.has(draftId(d)));
  const alreadyDone = drafts.length - todo.length;
  if (alreadyDone > 0) deps.log('info', 'sessions of this delivery handled by an earlier attempt: not read nor published again', { sessions: alreadyDone, via });
  if (readMemory && memory.available) {
    const sessionRefs: SessionRef[] = [];
    const linkRefs: LinkRef[] = [];
    const rateRefs = new Map<string, RateRef>();
    for (const d of todo) {
      if (d.sessionKey.startsWith('tamper:')) continue;
      for (const k of memoryKeys(d)) sessionRefs.push({ accountId: d.accountId, sessionKey: k });
      const l = consoleLinkRef(d);
      if (l) linkRefs.push(l);
      if (checkRealTime) for (const k of memoryKeys(d)) linkRefs.push(heldLinkRef(d.accountId, k));
      const kind = classifyDraft(d).headlineKind;
      if (!isAlarming(kind)) {
        for (const w of [window, previousWindow]) {
          const r = { accountId: d.accountId, kind, window: w };
          rateRefs.set(storeRefKey(r), r);
        }
      }
    }
    const refs = [
      ...sessionRefs.map((r) => ({ sessions: [r], links: [], rates: [] })),
      ...linkRefs.map((r) => ({ sessions: [], links: [r], rates: [] })),
      ...[...rateRefs.values()].map((r) => ({ sessions: [], links: [], rates: [r] })),
    ];
    const batches = chunks(refs, STORE_BATCH_SIZE).map((c) => ({
      sessions: c.flatMap((x) => x.sessions), links: c.flatMap((x) => x.links), rates: c.flatMap((x) => x.rates),
    }));
    const readBatch = async (b: typeof batches[number]) => {
      const got = await memory.call('session store BatchGetItem', STORE_READ_FAILED, readEnd, (st) => st.getMany(b));
      if (!got) return;
      for (const r of [...b.sessions, ...b.links]) read.add(storeRefKey(r));
      for (const [k, v] of got.sessions) sessions.set(k, v);
      for (const [k, v] of got.links) links.set(k, v);
      for (const [k, v] of got.rates) rates.set(k, v);
    };
    const unread = await runBounded(batches, concurrency, () => !memory.available || clock.now() >= readEnd, readBatch);
    // The sign-ins that console actions link to, when their memory was not in the batches.
    const signIns: SessionRef[] = [];
    for (const d of todo) {
      const l = consoleLinkRef(d);
      const target = l ? linkedSignIn(d, links.get(storeRefKey(l))) : undefined;
      const ref = target ? { accountId: d.accountId, sessionKey: target } : undefined;
      if (ref && !sessions.has(storeRefKey(ref))) signIns.push(ref);
    }
    const unreadSignIns = await runBounded(chunks(signIns, STORE_BATCH_SIZE).map((c) => ({ sessions: c, links: [], rates: [] })), concurrency,
      () => !memory.available || clock.now() >= readEnd, readBatch);
    if (memory.available && unread.length + unreadSignIns.length + memory.budgetCuts > 0) {
      deps.log('warn', STORE_READ_BUDGET_SPENT, {
        batchesNotRead: unread.length + unreadSignIns.length + memory.budgetCuts, budgetMs: deps.storeReadBudgetMs ?? STORE_READ_BUDGET_MS,
      });
    }
  }

  // First seen: the (caller, target, task) of each AssumeRoot call that opened a session (issue 22).
  const seenRecords = new Map<string, SeenRecord>();
  let seenRead = false;
  const seenKeys = [...new Set(todo.map(firstSeenCall).filter((c) => c !== undefined).map((c) => c!.key))].slice(0, STORE_BATCH_SIZE);
  if (seenKeys.length > 0 && readMemory && memory.available && deps.store?.getSeen) {
    const got = await memory.call('session store BatchGetItem (first seen)', STORE_READ_FAILED, readEnd, (st) => st.getSeen!(seenKeys));
    if (got) {
      seenRead = true;
      for (const [k, v] of got) seenRecords.set(k, v);
    }
  }

  // Each session: its memory, its fresh events, its classification.
  const planned: Planned[] = [];
  // The events of sessions an earlier attempt handled are not published again.
  let suppressedTotal = drafts.filter((d) => done.has(draftId(d))).reduce((n, d) => n + d.events.length, 0);
  const doneNow: string[] = [];
  for (const delivered of todo) {
    let draft = delivered;
    const tamper = draft.sessionKey.startsWith('tamper:');
    // Tamper groups are never remembered, so never suppressed (a retry may repeat one: a duplicate rather than a loss).
    let remembered = tamper ? undefined : rememberedSession(sessions, draft);
    if (!remembered && !tamper) {
      const l = consoleLinkRef(draft);
      const target = l ? linkedSignIn(draft, links.get(storeRefKey(l))) : undefined;
      const signIn = target ? sessions.get(storeRefKey({ accountId: draft.accountId, sessionKey: target })) : undefined;
      if (target && signIn) {
        draft = { ...draft, sessionKey: target, signInIp: draft.events[0].sourceIp };
        remembered = signIn;
      }
    }
    const fresh = remembered
      ? draft.events.filter((e) => e.eventId === '' || e.tamper !== '' || !remembered.publishedIds.has(eventKey(e)))
      : draft.events;
    const suppressed = draft.events.length - fresh.length;
    suppressedTotal += suppressed;
    if (fresh.length === 0) {
      deps.log('info', 'not published again: every event of this session was published before', {
        accountId: draft.accountId, session: draft.sessionKey, events: draft.events.length, via,
      });
      doneNow.push(draftId(delivered));
      continue;
    }
    let group = classifyDraft({ ...draft, events: fresh } satisfies SessionDraft, remembered?.assumeRoot);
    // A session lasts at most its real life: after it, the same key starts a new session and thread.
    const firstMs = firstEventMs(fresh);
    const life = sessionLifeSeconds(group.sessionKey, isAssumeRootSession(group) || group.assumeRoot !== undefined) * 1000;
    const restart = remembered !== undefined && remembered.firstEventAt > 0 && firstMs > 0 && firstMs - remembered.firstEventAt > life;
    if (restart) {
      deps.log('info', 'a new session under a key seen before: the earlier one outlived its real life', {
        accountId: group.accountId, session: group.sessionKey, lifeSeconds: life / 1000,
      });
      group = classifyDraft({ ...draft, events: fresh }, undefined);
    }
    const current = restart ? undefined : remembered;
    const threadId = current?.threadId || threadIdFor(group.accountId, group.sessionKey, group.events[0].event.eventTime);
    const continuation: Continuation | undefined = current ? {
      firstReportedAt: current.firstReportedAt,
      via: current.firstReportedVia,
      eventsSoFar: current.eventCount,
      earlier: current.events,
      callArrivedLate: group.assumeRootCall !== undefined && current.assumeRoot === undefined && current.eventCount > 0,
    } : undefined;
    // The log path checks the real-time path: a covered region's forwardable events that the
    // memory (read, so known) shows were never reported in real time, nor held back there.
    let notSeen: Planned['notSeen'];
    let heldInRealTime = false;
    if (checkRealTime && !tamper && memory.available) {
      const keys = memoryKeys(delivered);
      const known = keys.every((k) => read.has(storeRefKey({ accountId: delivered.accountId, sessionKey: k }))
        && read.has(storeRefKey(heldLinkRef(delivered.accountId, k))));
      heldInRealTime = keys.some((k) => links.has(storeRefKey(heldLinkRef(delivered.accountId, k))))
        || (draft.sessionKey !== delivered.sessionKey && links.has(storeRefKey(heldLinkRef(draft.accountId, draft.sessionKey))));
      const forwarded = fresh.find((e) => forwardedInRealTime(e) && realTimeRegions.has(e.awsRegion));
      if (known && forwarded && !heldInRealTime && remembered?.firstReportedVia !== 'realtime') {
        const recipient = typeof forwarded.raw.recipientAccountId === 'string' ? forwarded.raw.recipientAccountId : '';
        notSeen = { accountId: /^\d{12}$/.test(recipient) ? recipient : forwarded.accountId, region: forwarded.awsRegion };
      }
    }
    const call = group.assumeRootCall ? firstSeenCall({ events: [group.assumeRootCall] }) : undefined;
    const firstSeen = call ? firstSeenOf(seenRead, seenRecords.get(call.key), call.eventId) : undefined;
    planned.push({
      id: draftId(delivered),
      group,
      remembered,
      restart,
      threadId,
      continuation,
      suppressed,
      tamper,
      carried: 0,
      notSeen,
      heldInRealTime,
      verdict: verdictFor(group, deps.verdict, firstSeen),
      ...(call && firstSeen !== undefined ? { seen: { ...call, firstTime: firstSeen === 'first-time' } } : {}),
    });
  }

  // 3. In real time, the continuation bound: a session's messages that are not alarming go out at
  // most once per REALTIME_CONTINUATION_SECONDS (the first at once); the events in between are
  // held in the session's slot and go out with its next real-time message (an alarming message
  // goes out at once and carries them) or with the log path's delivery, which says they were held.
  // A store that fails or is slow holds nothing back: the message goes out (a duplicate, never a loss).
  const heldForContinuation: Planned[] = [];
  if (via === 'realtime' && readMemory && memory.available) {
    const claimEnd = clock.now() + (deps.storeTimeoutMs ?? STORE_TIMEOUT_MS);
    const claiming = planned.filter((p) => !p.tamper);
    await runBounded(claiming, concurrency, () => !memory.available || clock.now() >= claimEnd, async (p) => {
      const ref = { accountId: p.group.accountId, sessionKey: p.group.sessionKey };
      // Denied AssumeRoot calls too go out at once, named as what they are (bounded only by the flood bound, across callers and targets).
      const force = isAlarming(p.group.headlineKind) || p.group.headlineKind === 'assume-root-denied';
      const claim = await memory.call('session store UpdateItem (real-time slot)', STORE_WRITE_FAILED, claimEnd,
        (st) => st.claimRealTime(ref, clock.now(), force, decoded.deliveryId));
      if (!claim) return;
      if (!claim.claimed) {
        heldForContinuation.push(p);
        return;
      }
      const publishedBefore = p.remembered?.publishedIds ?? new Set<string>();
      const fresh = new Set(p.group.events.map((c) => eventKey(c.event)));
      const events = claim.held.filter((e) => !publishedBefore.has(e.id) && !fresh.has(e.id));
      const count = Math.max(events.length, claim.heldCount - (claim.held.length - events.length));
      if (count > 0) p.heldSince = { count, events };
    });
  }
  const heldNow = new Set(heldForContinuation);
  for (const p of heldForContinuation) {
    doneNow.push(p.id);
    deps.log('info', 'held back in real time: one message per session per continuation interval; it goes out with the session\'s next message or the log path\'s', {
      accountId: p.group.accountId, kind: p.group.headlineKind, events: p.group.events.length, intervalSeconds: REALTIME_CONTINUATION_SECONDS,
    });
  }

  // 4. The flood bound, then the order: most alarming first.
  const jobs: Job[] = [];
  const rateAdds = new Map<string, { ref: RateRef; add: { sent: number; held: number; reported: number } }>();
  const addRate = (ref: RateRef, add: Partial<RateCount>) => {
    const k = storeRefKey(ref);
    const cur = rateAdds.get(k) ?? { ref, add: { sent: 0, held: 0, reported: 0 } };
    cur.add.sent += add.sent ?? 0;
    cur.add.held += add.held ?? 0;
    cur.add.reported += add.reported ?? 0;
    rateAdds.set(k, cur);
  };
  const byKind = new Map<string, Planned[]>();
  for (const p of planned) {
    if (heldNow.has(p)) continue;
    if (isAlarming(p.group.headlineKind) || p.tamper) {
      jobs.push({ planned: p, priority: priorityOf(p.group.headlineKind) });
      continue;
    }
    const k = `${p.group.accountId}|${p.group.headlineKind}`;
    byKind.set(k, [...(byKind.get(k) ?? []), p]);
  }
  let heldTotal = 0;
  const heldMarkers: EventGroup[] = [];
  for (const group of byKind.values()) {
    const { accountId, headlineKind: kind } = group[0].group;
    const ref: RateRef = { accountId, kind, window };
    const prevRef: RateRef = { accountId, kind, window: previousWindow };
    const cur = rates.get(storeRefKey(ref)) ?? { sent: 0, held: 0, reported: 0 };
    const prev = rates.get(storeRefKey(prevRef));
    const allowed = Math.max(0, MAX_MESSAGES_PER_WINDOW - cur.sent);
    const sent = group.slice(0, allowed);
    const held = group.slice(allowed);
    // Held back in the previous window after its summary: carried into the first message of this one.
    const carried = cur.sent === 0 && cur.reported === 0 && prev ? Math.max(0, prev.held - prev.reported) : 0;
    if (carried > 0) addRate(prevRef, { reported: carried });
    for (const p of sent) jobs.push({ planned: p, priority: priorityOf(kind) });
    if (sent.length > 0) {
      sent[0].carried = carried;
      addRate(ref, { sent: sent.length });
    }
    if (held.length > 0) {
      heldTotal += held.length;
      // Held in real time: a marker for the log path's later delivery, which then says so.
      if (via === 'realtime' && realTimeRegions.size > 0) heldMarkers.push(...held.map((p) => p.group));
      const ids = held.map((p) => p.id);
      if (cur.reported === 0) {
        // The first summary of this window: one message.
        jobs.push({
          summary: {
            accountId,
            kind,
            groups: held.map((p) => p.group),
            heldBefore: cur.held,
            carried: sent.length === 0 ? carried : 0,
            windowStart: window,
            windowSeconds: RATE_WINDOW_SECONDS,
            bound: MAX_MESSAGES_PER_WINDOW,
            rate: ref,
            ids,
          },
          priority: priorityOf(kind) + 0.5,
        });
      } else {
        // A summary of this window went out already: counted, and carried into the next window's first message.
        addRate(ref, { held: held.length });
        doneNow.push(...ids);
        deps.log('info', 'held back by the flood bound: counted for the next window', { accountId, kind, sessions: held.length });
      }
    }
  }
  jobs.sort((a, b) => a.priority - b.priority);

  // The account names, before publishing (bounded by the lookup timeout), so that messages go out in the jobs' order.
  const accountIds = [...new Set(jobs.flatMap((j) => (j.summary ? [j.summary.accountId]
    : [j.planned!.group.accountId, ...(j.planned!.group.assumeRoot ? [j.planned!.group.assumeRoot.callerAccountId] : [])])))];
  const resolved = new Map<string, AccountName | undefined>();
  await runBounded(accountIds, concurrency, () => clock.remaining() < FINISH_RESERVE_MS * 2, async (id) => {
    resolved.set(id, await names.lookup(id));
  });

  // Publishing.
  const publishedIds: string[] = [];
  const published: Planned[] = [];
  const failures: unknown[] = [];
  let summaries = 0;
  // The main topic gets every message; the high-priority topic also those at or above its severity.
  // A message whose main publish went out and whose high-priority one failed is recorded as
  // `<id>#main` in the delivery's record: the retry publishes to the high-priority topic only.
  const mainOnly: string[] = [];
  const publishRouted = async (key: string, severity: Verdict['severity'], rendered: RenderedMessage, timeout: number) => {
    const input = { Subject: rendered.subject, Message: rendered.message, MessageStructure: 'json' as const };
    if (!done.has(`${key}#main`)) await withTimeout(deps.publish({ TopicArn: deps.topicArn, ...input }), timeout, 'sns:Publish');
    const high = highPriorityTopicFor(severity, deps.verdict);
    if (!high) return;
    try {
      await withTimeout(deps.publish({ TopicArn: high, ...input }), Math.min(timeout, clock.remaining() - FINISH_RESERVE_MS), 'sns:Publish (high priority)');
    } catch (err) {
      if (!done.has(`${key}#main`)) mainOnly.push(`${key}#main`);
      throw err;
    }
  };
  const publishOne = async (job: Job) => {
    try {
      const timeout = Math.min(deps.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS, clock.remaining() - FINISH_RESERVE_MS);
      if (job.summary) {
        const s = job.summary;
        const severity = summarySeverity(s.kind, s.accountId, deps.verdict);
        const rendered = renderSummary(s, {
          accountName: resolved.get(s.accountId), region: deps.region, logGroupName: decoded.logGroup, alarmName: deps.alarmName, severity,
        });
        await publishRouted(s.ids[0] ?? 'summary', severity, rendered, timeout);
        deps.log('info', 'published a flood summary', { accountId: s.accountId, kind: s.kind, held: s.groups.length, subject: rendered.subject });
        addRate(s.rate, { held: s.groups.length, reported: s.groups.length });
        publishedIds.push(...s.ids);
        summaries++;
        return;
      }
      const p = job.planned!;
      const rendered = render(p, deps, resolved, decoded.logGroup);
      await publishRouted(p.id, p.verdict.severity, rendered, timeout);
      deps.log('info', 'published', {
        accountId: p.group.accountId,
        kind: p.group.headlineKind,
        events: p.group.events.length,
        suppressed: p.suppressed,
        continuation: p.continuation !== undefined,
        via,
        subject: rendered.subject,
        severity: p.verdict.severity,
        expected: p.verdict.expectation.expected,
        ...(p.verdict.firstSeen ? { firstSeen: p.verdict.firstSeen } : {}),
      });
      publishedIds.push(p.id);
      published.push(p);
    } catch (err) {
      failures.push(err);
    }
  };
  const notStarted = await runBounded(jobs, concurrency, () => clock.remaining() < FINISH_RESERVE_MS + MIN_PUBLISH_MS, publishOne);

  // 5. Writes: the delivery's record first, then counters, memories and links.
  const writeEnd = clock.now() + (deps.storeWriteBudgetMs ?? STORE_WRITE_BUDGET_MS);
  const writes: Array<() => Promise<unknown>> = [];
  const handled = [...doneNow, ...publishedIds, ...mainOnly];
  // Time ran short before the reads: no writes either (a duplicate is possible later, never a loss now).
  if (readMemory && memory.available && handled.length > 0) {
    await memory.call('session store UpdateItem (delivery)', STORE_WRITE_FAILED, writeEnd, (st) => st.recordDelivery(decoded.deliveryId, handled, clock.now()));
  }
  for (const { ref, add } of rateAdds.values()) {
    if (add.sent + add.held + add.reported > 0) writes.push(() => memory.call('session store UpdateItem (counter)', STORE_WRITE_FAILED, writeEnd, (st) => st.addRate(ref, add, clock.now())));
  }
  for (const p of published) {
    if (p.tamper) continue;
    const g = p.group;
    writes.push(async () => {
      await memory.call('session store UpdateItem', STORE_WRITE_FAILED, writeEnd, (st) => st.recordPublished({
        accountId: g.accountId,
        sessionKey: g.sessionKey,
        now: clock.now(),
        via,
        threadId: p.threadId,
        // The events it held back in real time are reported by this message: the log path does not repeat them.
        events: [...(p.heldSince?.events ?? []), ...g.events.map((c) => reportedEvent(c.event))],
        assumeRoot: g.assumeRoot,
        previous: p.remembered,
        restart: p.restart,
        firstEventAt: firstEventMs(g.events.map((c) => c.event)),
      }));
      // A successful console sign-in leaves a link for its console actions delivered later.
      if (g.sessionKey.startsWith('login:') && g.signInIp !== '') {
        const login = g.events.find((c) => c.event.eventName === 'ConsoleLogin');
        const at = login ? Date.parse(login.event.eventTime) : NaN;
        if (!Number.isNaN(at)) {
          await memory.call('session store UpdateItem (link)', STORE_WRITE_FAILED, writeEnd,
            (st) => st.putLink(g.accountId, `signin:${g.signInIp.slice(0, 128)}`, { sessionKey: g.sessionKey, at }, clock.now()));
        }
      }
    });
  }
  for (const p of heldForContinuation) {
    const g = p.group;
    const ref = { accountId: g.accountId, sessionKey: g.sessionKey };
    const events = g.events.map((c) => reportedEvent(c.event));
    writes.push(() => memory.call('session store UpdateItem (real-time slot)', STORE_WRITE_FAILED, writeEnd,
      (st) => st.holdRealTime(ref, events, clock.now())));
    heldMarkers.push(g);
  }
  const seenWindow = firstSeenWindow(deps.verdict);
  for (const p of published) {
    const seen = p.seen;
    if (seen && deps.store?.recordSeen) {
      writes.push(() => memory.call('session store UpdateItem (first seen)', STORE_WRITE_FAILED, writeEnd,
        (st) => st.recordSeen!(seen.key, { now: clock.now(), eventId: seen.eventId, firstTime: seen.firstTime, windowSeconds: seenWindow })));
    }
  }
  for (const g of heldMarkers) {
    const at = firstEventMs(g.events.map((c) => c.event)) || clock.now();
    const ref = heldLinkRef(g.accountId, g.sessionKey);
    writes.push(() => memory.call('session store UpdateItem (held)', STORE_WRITE_FAILED, writeEnd,
      (st) => st.putLink(ref.accountId, ref.name, { sessionKey: g.sessionKey, at }, clock.now())));
  }
  memory.budgetCuts = 0;
  if (readMemory && memory.available) {
    const stopWriting = () => !memory.available || clock.now() >= writeEnd || clock.remaining() < FINISH_RESERVE_MS / 2;
    const cut = await runBounded(writes, concurrency, stopWriting, (w) => w().then(() => undefined));
    if (cut.length + memory.budgetCuts > 0 && memory.available) deps.log('warn', STORE_WRITES_CUT, { writesNotMade: cut.length + memory.budgetCuts });
  }
  // Security Hub findings (finding.ts): one per published session message, after the messages and
  // the memory, never before them; a failure is logged and counted, never thrown (no retry
  // of the invocation for it, so no message twice).
  const findings = deps.findingProductArn && deps.importFindings && published.length > 0
    ? await importSessionFindings(deps, published.map((p) => ({
      group: p.group,
      threadId: p.threadId,
      continuation: p.continuation,
      firstEventAt: p.continuation ? p.remembered?.firstEventAt : undefined,
      accountName: resolved.get(p.group.accountId),
      via,
      productArn: deps.findingProductArn!,
      logGroupName: decoded.logGroup,
      region: deps.region,
      now: clock.now(),
      // The message's severity and label (issue 22), so that the finding and the message agree.
      severity: p.verdict.severity,
      expectation: expectationLabel(p.verdict.expectation),
    })), () => clock.remaining(), FINISH_RESERVE_MS)
    : undefined;

  // 6. Nothing lost silently.
  const notSeen = published.flatMap((p) => (p.notSeen ? [p.notSeen] : []));
  for (const n of notSeen) {
    deps.log('warn', 'not seen in real time: the log path delivered root use that the real-time path should have forwarded', {
      accountId: n.accountId, region: n.region,
    });
  }
  const unpublished = failures.length + notStarted.length;
  if (unpublished > 0) {
    for (const f of failures) deps.log('error', 'publish failed', errorFields(f));
    if (notStarted.length > 0) {
      deps.log('error', 'not published before the deadline: failing the invocation so that Lambda retries the rest', {
        notPublished: notStarted.length, remainingMs: clock.remaining(),
      });
    }
    const reason = failures.length > 0
      ? `${(failures[0] as Error)?.message ?? failures[0]}`
      : 'the function\'s deadline came first';
    throw new Error(`${unpublished} of ${jobs.length} notification(s) could not be published: ${reason}`
      + (failures.length > 0 && notStarted.length > 0 ? ` (and ${notStarted.length} not started before the deadline)` : ''));
  }
  return {
    messageType: decoded.messageType,
    events: records.length,
    skipped: decoded.skipped,
    published: published.length + summaries,
    suppressed: suppressedTotal,
    ...(heldTotal > 0 ? { held: heldTotal } : {}),
    ...(heldForContinuation.length > 0 ? { heldForContinuation: heldForContinuation.length } : {}),
    ...(notSeen.length > 0 ? { notSeenInRealTime: notSeen } : {}),
    ...(findings ? { findingsImported: findings.imported, findingImportFailures: findings.failed } : {}),
  };
}

/** Renders a session's message; if that fails for any reason, the minimal fallback message. */
function render(p: Planned, deps: NotifierDeps, names: ReadonlyMap<string, AccountName | undefined>, logGroupName: string): RenderedMessage {
  const group = p.group;
  const accountName = names.get(group.accountId);
  const callerAccountName = group.assumeRoot ? names.get(group.assumeRoot.callerAccountId) : undefined;
  const ctx = {
    accountName,
    callerAccountName,
    region: deps.region,
    logGroupName,
    alarmName: deps.alarmName,
    threadId: p.threadId,
    continuation: p.continuation,
    heldBefore: p.carried,
    notSeenInRealTime: p.notSeen,
    heldInRealTime: p.heldInRealTime,
    heldSince: p.heldSince,
    verdict: p.verdict,
  };
  try {
    return renderWithinLimit(group, ctx, deps.limits ?? DEFAULT_LIMITS);
  } catch (err) {
    deps.log('error', 'a message could not be rendered: publishing the minimal fallback message', {
      accountId: group.accountId, kind: group.headlineKind, events: group.events.length, ...errorFields(err),
    });
    return renderFallback(group, ctx, (deps.now ?? Date.now)());
  }
}
