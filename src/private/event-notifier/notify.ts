import { createHash } from 'crypto';
import { isoFromMillis, parseCloudTrailRecord, parseRecordObject, RootEvent } from './cloudtrail';
import { decodeEventBridgeEvent, decodeSubscriptionEvent, isEventBridgeEvent } from './decode';
import { classifyDraft, CONSOLE_SESSION_WINDOW_SECONDS, EventGroup, SessionDraft, sessionDrafts } from './group';
import { Continuation, DEFAULT_LIMITS, RenderLimits, renderFallback, RenderedMessage, renderWithinLimit } from './render';
import { MAX_REMEMBERED_EVENTS, mapBounded, ReportedVia, SessionLink, SessionMemory, SessionStore, STORE_TIMEOUT_MS, withTimeout } from './session-store';
import { WatchedConfig } from './tamper';

/** What `notify` needs from the outside world (the handler wires the AWS SDK in). */
export interface NotifierDeps {
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
  /** The account-name lookup gives up after this many ms (ACCOUNT_NAME_TIMEOUT_MS when absent). */
  readonly accountNameTimeoutMs?: number;
  /** At most this many sessions are handled (looked up, published) at a time (PUBLISH_CONCURRENCY when absent). */
  readonly concurrency?: number;
  /** The clock (ms since the epoch); Date.now when absent. */
  readonly now?: () => number;
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
}

/** The account-name lookup gives up after this long: then the ID alone. */
export const ACCOUNT_NAME_TIMEOUT_MS = 2000;

/** Sessions handled at a time: bounds the concurrent SNS, Organizations and DynamoDB calls. */
export const PUBLISH_CONCURRENCY = 8;

function errorFields(err: unknown): { error: string; reason?: string } {
  const e = err as { name?: string; message?: string } | undefined;
  return { error: e?.name ?? 'Error', reason: e?.message };
}

/** Looks account names up once per account per invocation; any error or a slow answer gives undefined. */
export class AccountNames {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(private readonly deps: Pick<NotifierDeps, 'describeAccount' | 'log' | 'accountNameTimeoutMs'>) {}

  public lookup(accountId: string): Promise<string | undefined> {
    if (!/^\d{12}$/.test(accountId)) return Promise.resolve(undefined);
    let name = this.cache.get(accountId);
    if (!name) {
      const timeout = this.deps.accountNameTimeoutMs ?? ACCOUNT_NAME_TIMEOUT_MS;
      name = withTimeout(this.deps.describeAccount(accountId), timeout, 'organizations:DescribeAccount').then(
        (n) => (typeof n === 'string' && n !== '' ? n : undefined),
        (err: unknown) => {
          this.deps.log('warn', 'account name not available, using the account ID alone', { accountId, ...errorFields(err) });
          return undefined;
        });
      this.cache.set(accountId, name);
    }
    return name;
  }
}

/** The log lines of a failing store (docs/event-notifications.md quotes them). */
const STORE_READ_FAILED = 'session store read failed: reporting without session memory for the rest of this invocation';
const STORE_WRITE_FAILED = 'session store write failed: reporting without session memory for the rest of this invocation';

/**
 * The session memory for one invocation: every call bounded by the timeout; after the first
 * failure the store is not asked again in this invocation (so a delivery of thousands of sessions
 * is never held by a store that does not answer), and every message goes out as if nothing were
 * remembered: a duplicate rather than a loss.
 */
class Memory {
  private down = false;

  constructor(private readonly deps: NotifierDeps) {}

  public get available(): boolean {
    return this.deps.store !== undefined && !this.down;
  }

  public get(accountId: string, sessionKey: string): Promise<SessionMemory | undefined> {
    return this.call('session store GetItem', STORE_READ_FAILED, (store) => store.get(accountId, sessionKey));
  }

  public getLink(accountId: string, name: string): Promise<SessionLink | undefined> {
    return this.call('session store GetItem', STORE_READ_FAILED, (store) => store.getLink(accountId, name));
  }

  public async putLink(accountId: string, name: string, link: SessionLink, now: number): Promise<void> {
    await this.call('session store UpdateItem', STORE_WRITE_FAILED, (store) => store.putLink(accountId, name, link, now));
  }

  public async record(update: Parameters<SessionStore['recordPublished']>[0]): Promise<void> {
    await this.call('session store UpdateItem', STORE_WRITE_FAILED, (store) => store.recordPublished(update));
  }

  /** One store call, bounded by the timeout; undefined when the store is down, slow or failing. */
  private async call<T>(operation: string, failure: string, op: (store: SessionStore) => Promise<T>): Promise<T | undefined> {
    if (!this.available) return undefined;
    try {
      return await withTimeout(op(this.deps.store!), this.deps.storeTimeoutMs ?? STORE_TIMEOUT_MS, operation);
    } catch (err) {
      this.fail(failure, err);
      return undefined;
    }
  }

  private fail(message: string, err: unknown): void {
    if (!this.down) {
      this.deps.log('warn', message, errorFields(err));
    }
    this.down = true;
  }
}

/** The event ID as remembered: CloudTrail's are 36 characters; anything longer is cut (the item stays small). */
function eventKey(e: RootEvent): string {
  return e.eventId.slice(0, 128);
}

/** A chat thread per session, never shared by two sessions: the session key and its first event time, hashed. */
export function threadIdFor(accountId: string, sessionKey: string, firstEventTime: string): string {
  const digest = createHash('sha256').update(`${accountId}|${sessionKey}|${firstEventTime}`).digest('hex').slice(0, 24);
  return `root-usage-${accountId.replace(/[^0-9]/g, '').slice(0, 12)}-${digest}`;
}

/**
 * What is remembered of a delivery's session: its own memory and, for a console session whose
 * actions joined its sign-in in this delivery, the memory of each of its access keys (those
 * actions may have been reported on their own before, in real time). Merged: the earliest first
 * report, its thread, every published event ID.
 */
async function rememberedSession(memory: Memory, draft: SessionDraft): Promise<SessionMemory | undefined> {
  const keys = [draft.sessionKey, ...draft.accessKeys.map((k) => `key:${k}`).filter((k) => k !== draft.sessionKey)];
  const found = (await Promise.all(keys.map((k) => memory.get(draft.accountId, k)))).filter((m): m is SessionMemory => m !== undefined);
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

/**
 * A console session's actions delivered without their sign-in (a later delivery, another region's
 * stream, another EventBridge event) join the sign-in's session when the sign-in left a link for
 * their source IP and their credentials were issued within CONSOLE_SESSION_WINDOW_SECONDS after
 * it (the evidence `sessionDrafts` uses within one delivery). Returns the draft under the sign-in's
 * session key, or the draft unchanged.
 */
async function linkedConsoleSession(memory: Memory, draft: SessionDraft): Promise<SessionDraft> {
  const key = draft.accessKeys.length === 1 ? draft.accessKeys[0] : '';
  if (!draft.sessionKey.startsWith('key:ASIA') || !key.startsWith('ASIA')) return draft;
  if (draft.events.some((e) => e.identityType !== 'Root' || e.assumedRoot || (e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot'))) {
    return draft;
  }
  const issued = Date.parse(draft.events[0].sessionCreationDate);
  const ip = draft.events[0].sourceIp;
  if (Number.isNaN(issued) || ip === '') return draft;
  const link = await memory.getLink(draft.accountId, `signin:${ip.slice(0, 128)}`);
  if (!link || issued < link.at - 60_000 || issued > link.at + CONSOLE_SESSION_WINDOW_SECONDS * 1000) return draft;
  return { ...draft, sessionKey: link.sessionKey, signInIp: ip };
}

/** The records of one invocation, whichever path delivered them. */
interface Decoded {
  readonly messageType: string;
  readonly via: ReportedVia;
  readonly logGroup: string;
  readonly logStream: string;
  readonly records: RootEvent[];
  readonly skipped: number;
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
    return { messageType: 'EVENTBRIDGE', via: 'realtime', logGroup: deps.logGroupName, logStream: '', records: [parsed], skipped: 0 };
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
  return { messageType: payload.messageType, via: 'log', logGroup: payload.logGroup, logStream: payload.logStream, records, skipped };
}

type SessionOutcome = { published: boolean; suppressed: number };

/**
 * Handles one invocation: a CloudWatch Logs subscription delivery (one log stream) or one
 * EventBridge event. Decodes it, parses each record (skipping, with a log line, anything that is
 * not a root-usage CloudTrail record), splits the events into root sessions, and for each session,
 * at most `concurrency` at a time: reads its memory, drops the events already published, and
 * publishes one message (a continuation when the session was reported before), then remembers
 * it. Every session is attempted; if any publish fails, it then throws, so Lambda retries the
 * delivery, and the retry publishes only what was not published yet (when the store is available;
 * otherwise a duplicate rather than a loss).
 */
export async function notify(event: unknown, deps: NotifierDeps): Promise<BatchResult> {
  const decoded = decode(event, deps);
  if (!('records' in decoded)) return decoded;
  const { records, via } = decoded;
  const drafts = sessionDrafts(records);
  const names = new AccountNames(deps);
  const memory = new Memory(deps);
  const now = deps.now ?? Date.now;
  const results = await mapBounded(drafts, deps.concurrency ?? PUBLISH_CONCURRENCY, async (delivered): Promise<SessionOutcome> => {
    let draft = delivered;
    // Tamper groups are never remembered, so never suppressed (a retry may repeat one: a duplicate rather than a loss).
    const tamperGroup = draft.sessionKey.startsWith('tamper:');
    let remembered = tamperGroup ? undefined : await rememberedSession(memory, draft);
    if (!remembered && !tamperGroup) {
      const linked = await linkedConsoleSession(memory, draft);
      if (linked !== draft) {
        const signInMemory = await memory.get(linked.accountId, linked.sessionKey);
        if (signInMemory) {
          draft = linked;
          remembered = signInMemory;
        }
      }
    }
    const fresh = remembered
      ? draft.events.filter((e) => e.eventId === '' || e.tamper !== '' || !remembered.publishedIds.has(eventKey(e)))
      : draft.events;
    const suppressed = draft.events.length - fresh.length;
    if (fresh.length === 0) {
      deps.log('info', 'not published again: every event of this session was published before', {
        accountId: draft.accountId, session: draft.sessionKey, events: draft.events.length, via,
      });
      return { published: false, suppressed };
    }
    const group = classifyDraft({ ...draft, events: fresh } satisfies SessionDraft, remembered?.assumeRoot);
    const threadId = remembered?.threadId || threadIdFor(group.accountId, group.sessionKey, group.events[0].event.eventTime);
    const continuation: Continuation | undefined = remembered ? {
      firstReportedAt: remembered.firstReportedAt,
      via: remembered.firstReportedVia,
      eventsSoFar: remembered.eventCount,
      earlier: remembered.events,
      callArrivedLate: group.assumeRootCall !== undefined && remembered.assumeRoot === undefined && remembered.eventCount > 0,
    } : undefined;
    const rendered = await render(group, deps, names, decoded.logGroup, threadId, continuation);
    await deps.publish({ TopicArn: deps.topicArn, Subject: rendered.subject, Message: rendered.message, MessageStructure: 'json' });
    deps.log('info', 'published', {
      accountId: group.accountId,
      kind: group.headlineKind,
      events: group.events.length,
      suppressed,
      continuation: continuation !== undefined,
      via,
      subject: rendered.subject,
    });
    if (tamperGroup) return { published: true, suppressed };
    await memory.record({
      accountId: group.accountId,
      sessionKey: group.sessionKey,
      now: now(),
      via,
      threadId,
      events: group.events.map((c) => ({ id: eventKey(c.event), name: c.event.eventName.slice(0, 128), time: c.event.eventTime.slice(0, 40) })),
      assumeRoot: group.assumeRoot,
      previous: remembered,
    });
    // A successful console sign-in leaves a link for its console actions delivered later.
    if (group.sessionKey.startsWith('login:') && group.signInIp !== '') {
      const login = group.events.find((c) => c.event.eventName === 'ConsoleLogin');
      const at = login ? Date.parse(login.event.eventTime) : NaN;
      if (!Number.isNaN(at)) await memory.putLink(group.accountId, `signin:${group.signInIp.slice(0, 128)}`, { sessionKey: group.sessionKey, at }, now());
    }
    return { published: true, suppressed };
  });
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const done = results.filter((r): r is PromiseFulfilledResult<SessionOutcome> => r.status === 'fulfilled').map((r) => r.value);
  const suppressed = done.reduce((n, r) => n + r.suppressed, 0);
  if (failures.length > 0) {
    for (const f of failures) deps.log('error', 'publish failed', errorFields(f.reason));
    throw new Error(`${failures.length} of ${drafts.length} notification(s) could not be published: ${(failures[0].reason as Error)?.message ?? failures[0].reason}`);
  }
  return {
    messageType: decoded.messageType,
    events: records.length,
    skipped: decoded.skipped,
    published: done.filter((r) => r.published).length,
    suppressed,
  };
}

/** Renders a group; if that fails for any reason, the minimal fallback message. */
async function render(
  group: EventGroup, deps: NotifierDeps, names: AccountNames, logGroupName: string, threadId: string, continuation: Continuation | undefined,
): Promise<RenderedMessage> {
  const [accountName, callerAccountName] = await Promise.all([
    names.lookup(group.accountId),
    group.assumeRoot ? names.lookup(group.assumeRoot.callerAccountId) : Promise.resolve(undefined),
  ]);
  const ctx = { accountName, callerAccountName, region: deps.region, logGroupName, alarmName: deps.alarmName, threadId, continuation };
  try {
    return renderWithinLimit(group, ctx, deps.limits ?? DEFAULT_LIMITS);
  } catch (err) {
    deps.log('error', 'a message could not be rendered: publishing the minimal fallback message', {
      accountId: group.accountId, kind: group.headlineKind, events: group.events.length, ...errorFields(err),
    });
    return renderFallback(group, ctx, (deps.now ?? Date.now)());
  }
}

