/**
 * The session memory in a DynamoDB table (created by EventNotifier: partition key `pk` (S), TTL
 * attribute `expiresAt`, on-demand, encrypted with the notifier's customer managed key). One item
 * per session, `pk` = `session#<account ID>#<session key>`, one per link (`link#...`), one per
 * flood counter (`rate#<account>#<kind>#<window>`), one per session's real-time slot
 * (`slot#<account>#<session key>`: when its last real-time message went out, what was held back
 * since) and one per delivery (`delivery#<hash>`, the sessions it handled, so that a retry reads
 * and publishes only the rest). Read with strongly consistent BatchGetItem (sessions, links,
 * counters) and GetItem (the delivery) before publishing; the real-time slot claimed with a
 * conditional UpdateItem before publishing; the rest written with UpdateItem after. The function's role may do exactly these three
 * actions on this table. No SDK import here: the handler passes the three calls.
 */
import { createHash } from 'crypto';
import { SeenRecord, SeenUpdate } from './first-seen';
import { AssumeRootInfo } from './group';
import {
  MAX_HELD_EVENTS, MAX_REMEMBERED_EVENTS, MAX_REMEMBERED_IDS, RATE_WINDOW_SECONDS, RateCount, RateRef, RealTimeClaim, REALTIME_CONTINUATION_SECONDS,
  ReportedEvent, SESSION_MEMORY_SECONDS, SessionLink, SessionMemory, SessionRef, SessionStore, SessionUpdate, sortedEvents, StoreReadRequest,
  StoreReadResult, storeRefKey,
} from './session-store';

/** A DynamoDB attribute value, as the low-level API writes it (only the types used here). */
export type AttributeValue = { S: string } | { N: string } | { SS: string[] };
type Item = Record<string, AttributeValue | Record<string, unknown>>;

/** The three DynamoDB calls the store makes (the handler binds them to a DynamoDBClient). */
export interface DynamoDbCalls {
  batchGetItem(input: {
    RequestItems: Record<string, { Keys: Array<Record<string, AttributeValue>>; ConsistentRead: boolean }>;
  }): Promise<{ Responses?: Record<string, Array<Record<string, any>>>; UnprocessedKeys?: Record<string, { Keys?: Array<Record<string, any>> }> }>;
  getItem(input: { TableName: string; Key: Record<string, AttributeValue>; ConsistentRead: boolean }): Promise<{ Item?: Record<string, any> }>;
  updateItem(input: {
    TableName: string;
    Key: Record<string, AttributeValue>;
    UpdateExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, AttributeValue>;
    ConditionExpression?: string;
    ReturnValues?: 'ALL_OLD';
  }): Promise<{ Attributes?: Record<string, any> } | undefined | void>;
}

/** DynamoDB's answer to a write whose condition does not hold. */
function conditionFailed(err: unknown): boolean {
  return (err as { name?: unknown } | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * A partition key `<kind>#<account>#<name>`. A key longer than 512 characters (only a malformed
 * record makes one: DynamoDB refuses partition keys over 2,048 bytes) is replaced by its hash.
 */
function itemKey(kind: 'session' | 'link' | 'rate' | 'slot', accountId: string, name: string): string {
  const key = `${kind}#${accountId}#${name}`;
  return key.length <= 512 ? key : `${kind}#sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** The partition key of a session's item. */
export function sessionItemKey(accountId: string, sessionKey: string): string {
  return itemKey('session', accountId, sessionKey);
}

/** The partition key of a link's item. */
export function linkItemKey(accountId: string, name: string): string {
  return itemKey('link', accountId, name);
}

/** The partition key of a session's real-time slot (the continuation bound). */
export function slotItemKey(accountId: string, sessionKey: string): string {
  return itemKey('slot', accountId, sessionKey);
}

/** The partition key of a flood counter's item. */
export function rateItemKey(ref: RateRef): string {
  return itemKey('rate', ref.accountId, `${ref.kind}#${ref.window}`);
}

/** The partition key of a delivery's item (the delivery ID is a hash already). */
export function deliveryItemKey(deliveryId: string): string {
  return `delivery#${deliveryId.slice(0, 200)}`;
}

function s(item: Item, name: string): string {
  const v = item[name] as { S?: unknown } | undefined;
  return typeof v?.S === 'string' ? v.S : '';
}

function n(item: Item, name: string): number {
  const v = item[name] as { N?: unknown } | undefined;
  const x = typeof v?.N === 'string' ? Number(v.N) : NaN;
  return Number.isFinite(x) ? x : 0;
}

function json<T>(text: string, check: (v: unknown) => v is T): T | undefined {
  if (text === '') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return check(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const isEvents = (v: unknown): v is ReportedEvent[] => Array.isArray(v)
  && v.every((e) => typeof e === 'object' && e !== null && typeof e.id === 'string' && typeof e.name === 'string' && typeof e.time === 'string');
const isAssumeRoot = (v: unknown): v is AssumeRootInfo => typeof v === 'object' && v !== null
  && ['callerArn', 'callerAccountId', 'taskPolicyArn', 'targetAccountId', 'issuedAccessKeyId', 'eventId', 'eventTime']
    .every((k) => typeof (v as Record<string, unknown>)[k] === 'string');

/** The session memory read back from an item (anything malformed reads as absent). */
export function memoryFromItem(item: Item, now: number): SessionMemory | undefined {
  const expiresAt = n(item, 'expiresAt') * 1000;
  const firstReportedAt = n(item, 'firstReportedAt');
  // DynamoDB deletes expired items within days, not at once: an expired item is no memory.
  if (expiresAt <= now || firstReportedAt <= 0) return undefined;
  const ids = (item.publishedIds as { SS?: unknown } | undefined)?.SS;
  return {
    firstReportedAt,
    firstReportedVia: s(item, 'firstReportedVia') === 'realtime' ? 'realtime' : 'log',
    threadId: s(item, 'threadId'),
    eventCount: n(item, 'eventCount'),
    events: json(s(item, 'events'), isEvents) ?? [],
    publishedIds: new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []),
    assumeRoot: json(s(item, 'assumeRoot'), isAssumeRoot),
    expiresAt,
    firstEventAt: n(item, 'firstEventAt'),
  };
}

/** The UpdateItem input that records a published message. */
export function updateInput(tableName: string, u: SessionUpdate): Parameters<DynamoDbCalls['updateItem']>[0] {
  const names: Record<string, string> = {
    '#first': 'firstReportedAt',
    '#via': 'firstReportedVia',
    '#thread': 'threadId',
    '#exp': 'expiresAt',
    '#events': 'events',
    '#count': 'eventCount',
    '#account': 'accountId',
    '#session': 'sessionKey',
    '#fe': 'firstEventAt',
  };
  const values: Record<string, AttributeValue> = {
    ':now': { N: String(u.now) },
    ':via': { S: u.via },
    ':thread': { S: u.threadId },
    ':exp': { N: String(Math.floor(u.now / 1000) + SESSION_MEMORY_SECONDS) },
    ':events': { S: JSON.stringify([...(u.previous?.events ?? []), ...u.events].slice(-MAX_REMEMBERED_EVENTS)) },
    ':n': { N: String(u.events.length) },
    ':account': { S: u.accountId },
    ':session': { S: u.sessionKey },
    ':fe': { N: String(u.firstEventAt) },
  };
  // A restart (the session outlived its real life): a new first report, thread and count; the published IDs stay.
  const set = u.restart ? [
    '#first = :now', '#via = :via', '#thread = :thread', '#fe = :fe', '#count = :n',
    '#exp = :exp', '#events = :events', '#account = :account', '#session = :session',
  ] : [
    '#first = if_not_exists(#first, :now)', '#via = if_not_exists(#via, :via)', '#thread = if_not_exists(#thread, :thread)',
    '#fe = if_not_exists(#fe, :fe)', '#exp = :exp', '#events = :events', '#account = :account', '#session = :session',
  ];
  if (u.restart) values[':events'] = { S: JSON.stringify(u.events.slice(-MAX_REMEMBERED_EVENTS)) };
  const add = u.restart ? [] : ['#count :n'];
  if (u.assumeRoot) {
    names['#ar'] = 'assumeRoot';
    values[':ar'] = { S: JSON.stringify(u.assumeRoot) };
    set.push('#ar = :ar');
  }
  const room = MAX_REMEMBERED_IDS - (u.previous?.publishedIds.size ?? 0);
  const ids = [...new Set(u.events.map((e) => e.id).filter((id) => id !== ''))].slice(0, Math.max(0, room));
  if (ids.length > 0) {
    names['#ids'] = 'publishedIds';
    values[':ids'] = { SS: ids };
    add.push('#ids :ids');
  }
  return {
    TableName: tableName,
    Key: { pk: { S: sessionItemKey(u.accountId, u.sessionKey) } },
    UpdateExpression: `SET ${set.join(', ')}${add.length > 0 ? ` ADD ${add.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The session memory in DynamoDB. */
export class DynamoDbSessionStore implements SessionStore {
  constructor(
    private readonly tableName: string,
    private readonly calls: DynamoDbCalls,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * One BatchGetItem (at most 100 keys, strongly consistent). Keys DynamoDB leaves unprocessed
   * (throttling) are asked once more; any still unprocessed read as not remembered.
   */
  public async getMany(request: StoreReadRequest): Promise<StoreReadResult> {
    const byPk = new Map<string, { kind: 'session' | 'link' | 'rate'; key: string; ref: RateRef | undefined }>();
    for (const r of request.sessions) byPk.set(sessionItemKey(r.accountId, r.sessionKey), { kind: 'session', key: storeRefKey(r), ref: undefined });
    for (const r of request.links) byPk.set(linkItemKey(r.accountId, r.name), { kind: 'link', key: storeRefKey(r), ref: undefined });
    for (const r of request.rates) byPk.set(rateItemKey(r), { kind: 'rate', key: storeRefKey(r), ref: r });
    const sessions = new Map<string, SessionMemory>();
    const links = new Map<string, SessionLink>();
    const rates = new Map<string, RateCount>();
    let keys = [...byPk.keys()].map((pk) => ({ pk: { S: pk } }));
    const now = this.clock();
    for (let attempt = 0; attempt < 2 && keys.length > 0; attempt++) {
      const out = await this.calls.batchGetItem({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } });
      for (const item of out.Responses?.[this.tableName] ?? []) {
        const pk = s(item, 'pk');
        const what = byPk.get(pk);
        if (!what) continue;
        if (what.kind === 'session') {
          const m = memoryFromItem(item, now);
          if (m) sessions.set(what.key, m);
        } else if (what.kind === 'link') {
          const target = s(item, 'target');
          if (target !== '' && n(item, 'expiresAt') * 1000 > now) links.set(what.key, { sessionKey: target, at: n(item, 'at') });
        } else if (n(item, 'expiresAt') * 1000 > now) {
          rates.set(what.key, { sent: n(item, 'sent'), held: n(item, 'held'), reported: n(item, 'reported') });
        }
      }
      keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []).filter((k) => typeof k?.pk?.S === 'string' && byPk.has(k.pk.S))
        .map((k) => ({ pk: { S: k.pk.S as string } }));
    }
    return { sessions, links, rates };
  }

  public async getDelivery(deliveryId: string): Promise<ReadonlySet<string> | undefined> {
    const out = await this.calls.getItem({ TableName: this.tableName, Key: { pk: { S: deliveryItemKey(deliveryId) } }, ConsistentRead: true });
    const item = out.Item;
    if (!item || n(item, 'expiresAt') * 1000 <= this.clock()) return undefined;
    const done = (item.done as { SS?: unknown } | undefined)?.SS;
    return new Set(Array.isArray(done) ? done.filter((x): x is string => typeof x === 'string') : []);
  }

  public async recordDelivery(deliveryId: string, done: readonly string[], now: number): Promise<void> {
    if (done.length === 0) return;
    await this.calls.updateItem({
      TableName: this.tableName,
      Key: { pk: { S: deliveryItemKey(deliveryId) } },
      UpdateExpression: 'SET #exp = :exp ADD #done :done',
      ExpressionAttributeNames: { '#exp': 'expiresAt', '#done': 'done' },
      ExpressionAttributeValues: { ':exp': { N: String(Math.floor(now / 1000) + SESSION_MEMORY_SECONDS) }, ':done': { SS: [...new Set(done)] } },
    });
  }

  public async recordPublished(update: SessionUpdate): Promise<void> {
    await this.calls.updateItem(updateInput(this.tableName, update));
  }

  public async putLink(accountId: string, name: string, link: SessionLink, now: number): Promise<void> {
    await this.calls.updateItem({
      TableName: this.tableName,
      Key: { pk: { S: linkItemKey(accountId, name) } },
      UpdateExpression: 'SET #target = :target, #at = :at, #exp = :exp',
      ExpressionAttributeNames: { '#target': 'target', '#at': 'at', '#exp': 'expiresAt' },
      ExpressionAttributeValues: {
        ':target': { S: link.sessionKey },
        ':at': { N: String(link.at) },
        ':exp': { N: String(Math.floor(now / 1000) + SESSION_MEMORY_SECONDS) },
      },
    });
  }

  public async claimRealTime(ref: SessionRef, now: number, force: boolean, claimant: string): Promise<RealTimeClaim> {
    const input = {
      TableName: this.tableName,
      Key: { pk: { S: slotItemKey(ref.accountId, ref.sessionKey) } },
      UpdateExpression: 'SET #at = :now, #by = :by, #exp = :exp REMOVE #held, #count',
      ExpressionAttributeNames: { '#at': 'at', '#by': 'claimedBy', '#exp': 'expiresAt', '#held': 'held', '#count': 'heldCount' },
      ExpressionAttributeValues: {
        ':now': { N: String(now) },
        ':by': { S: claimant.slice(0, 200) || '-' },
        ':exp': { N: String(Math.floor(now / 1000) + SESSION_MEMORY_SECONDS) },
        ...(force ? {} : { ':cutoff': { N: String(now - REALTIME_CONTINUATION_SECONDS * 1000) }, ':nowS': { N: String(Math.floor(now / 1000)) } }),
      } as Record<string, AttributeValue>,
      // Free: never claimed, its last message old enough, expired (TTL deletes within days, not at
      // once), or claimed by this same delivery (a retry, whose publish may have failed).
      ...(force ? {} : { ConditionExpression: 'attribute_not_exists(#at) OR #at <= :cutoff OR #exp <= :nowS OR #by = :by' }),
      ReturnValues: 'ALL_OLD' as const,
    };
    let out: Awaited<ReturnType<DynamoDbCalls['updateItem']>>;
    try {
      out = await this.calls.updateItem(input);
    } catch (err) {
      if (conditionFailed(err)) return { claimed: false, held: [], heldCount: 0 };
      throw err;
    }
    const old = (out && typeof out === 'object' ? out.Attributes : undefined) ?? {};
    // What an expired slot held was reported by the log path long ago.
    if (n(old, 'expiresAt') * 1000 <= now) return { claimed: true, held: [], heldCount: 0 };
    const raw = (old.held as { SS?: unknown } | undefined)?.SS;
    const held = (Array.isArray(raw) ? raw : []).flatMap((x) => {
      const e = typeof x === 'string' ? json(x, (v): v is ReportedEvent => isEvents([v])) : undefined;
      return e ? [e] : [];
    });
    return { claimed: true, held: sortedEvents(held).slice(0, MAX_HELD_EVENTS), heldCount: Math.max(n(old, 'heldCount'), held.length) };
  }

  public async holdRealTime(ref: SessionRef, events: readonly ReportedEvent[], now: number): Promise<void> {
    if (events.length === 0) return;
    const base = {
      TableName: this.tableName,
      Key: { pk: { S: slotItemKey(ref.accountId, ref.sessionKey) } },
    };
    const exp = { N: String(Math.floor(now / 1000) + SESSION_MEMORY_SECONDS) };
    const count = { N: String(events.length) };
    try {
      // A string set: a retry that holds the same events again lists them once.
      await this.calls.updateItem({
        ...base,
        UpdateExpression: 'SET #exp = :exp ADD #held :ev, #count :n',
        ConditionExpression: 'attribute_not_exists(#held) OR size(#held) < :max',
        ExpressionAttributeNames: { '#exp': 'expiresAt', '#held': 'held', '#count': 'heldCount' },
        ExpressionAttributeValues: {
          ':exp': exp,
          ':n': count,
          ':ev': { SS: [...new Set(events.map((e) => JSON.stringify({ id: e.id, name: e.name, time: e.time })))] },
          ':max': { N: String(MAX_HELD_EVENTS) },
        },
      });
    } catch (err) {
      if (!conditionFailed(err)) throw err;
      // The list is full: counted only.
      await this.calls.updateItem({
        ...base,
        UpdateExpression: 'SET #exp = :exp ADD #count :n',
        ExpressionAttributeNames: { '#exp': 'expiresAt', '#count': 'heldCount' },
        ExpressionAttributeValues: { ':exp': exp, ':n': count },
      });
    }
  }

  /**
   * The first-seen items (`seen#<hash>`, first-seen.ts): one strongly consistent BatchGetItem of
   * at most 100 keys (the caller passes fewer); unprocessed keys are asked once more, then read as
   * not seen... which would say "first time" wrongly, so they make the whole read fail instead.
   */
  public async getSeen(keys: readonly string[]): Promise<ReadonlyMap<string, SeenRecord>> {
    const out = new Map<string, SeenRecord>();
    const wanted = new Set(keys);
    let pending = [...wanted].map((pk) => ({ pk: { S: pk } }));
    const now = this.clock();
    for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
      const res = await this.calls.batchGetItem({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } });
      for (const item of res.Responses?.[this.tableName] ?? []) {
        const pk = s(item, 'pk');
        if (wanted.has(pk) && n(item, 'expiresAt') * 1000 > now) out.set(pk, { lastSeenAt: n(item, 'lastSeenAt'), firstEventId: s(item, 'firstEventId') });
      }
      pending = (res.UnprocessedKeys?.[this.tableName]?.Keys ?? []).filter((k) => typeof k?.pk?.S === 'string' && wanted.has(k.pk.S))
        .map((k) => ({ pk: { S: k.pk.S as string } }));
    }
    if (pending.length > 0) throw new Error(`${pending.length} first-seen item(s) not read (unprocessed keys)`);
    return out;
  }

  /** Records a sighting: the latest time, the item's expiry (the window), and the first call's event ID when it was the first. */
  public async recordSeen(key: string, u: SeenUpdate): Promise<void> {
    const set = ['#last = :now', '#exp = :exp'];
    const names: Record<string, string> = { '#last': 'lastSeenAt', '#exp': 'expiresAt' };
    const values: Record<string, AttributeValue> = { ':now': { N: String(u.now) }, ':exp': { N: String(Math.floor(u.now / 1000) + u.windowSeconds) } };
    if (u.firstTime && u.eventId !== '') {
      set.push('#first = :first');
      names['#first'] = 'firstEventId';
      values[':first'] = { S: u.eventId.slice(0, 128) };
    }
    await this.calls.updateItem({ TableName: this.tableName, Key: { pk: { S: key } }, UpdateExpression: `SET ${set.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values });
  }

  public async addRate(ref: RateRef, add: RateCount, _now: number): Promise<void> {
    await this.calls.updateItem({
      TableName: this.tableName,
      Key: { pk: { S: rateItemKey(ref) } },
      UpdateExpression: 'SET #exp = :exp ADD #sent :sent, #held :held, #reported :reported',
      ExpressionAttributeNames: { '#exp': 'expiresAt', '#sent': 'sent', '#held': 'held', '#reported': 'reported' },
      ExpressionAttributeValues: {
        ':exp': { N: String(Math.floor(ref.window / 1000) + 3 * RATE_WINDOW_SECONDS) },
        ':sent': { N: String(add.sent) },
        ':held': { N: String(add.held) },
        ':reported': { N: String(add.reported) },
      },
    });
  }
}
