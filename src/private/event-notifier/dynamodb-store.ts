/**
 * The session memory in a DynamoDB table (created by EventNotifier: partition key `pk` (S), TTL
 * attribute `expiresAt`, on-demand, encrypted with the notifier's customer managed key). One item
 * per session, `pk` = `session#<account ID>#<session key>`; read with a strongly consistent
 * GetItem before a message, written with one UpdateItem after it. The function's role may do
 * exactly these two actions on this table. No SDK import here: the handler passes the two calls.
 */
import { createHash } from 'crypto';
import { AssumeRootInfo } from './group';
import {
  MAX_REMEMBERED_EVENTS, MAX_REMEMBERED_IDS, ReportedEvent, SESSION_MEMORY_SECONDS, SessionLink, SessionMemory, SessionStore, SessionUpdate,
} from './session-store';

/** A DynamoDB attribute value, as the low-level API writes it (only the types used here). */
export type AttributeValue = { S: string } | { N: string } | { SS: string[] };
type Item = Record<string, AttributeValue | Record<string, unknown>>;

/** The two DynamoDB calls the store makes (the handler binds them to a DynamoDBClient). */
export interface DynamoDbCalls {
  getItem(input: { TableName: string; Key: Record<string, AttributeValue>; ConsistentRead: boolean }): Promise<{ Item?: Record<string, any> }>;
  updateItem(input: {
    TableName: string;
    Key: Record<string, AttributeValue>;
    UpdateExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, AttributeValue>;
  }): Promise<unknown>;
}

/**
 * A partition key `<kind>#<account>#<name>`. A key longer than 512 characters (only a malformed
 * record makes one: DynamoDB refuses partition keys over 2,048 bytes) is replaced by its hash.
 */
function itemKey(kind: 'session' | 'link', accountId: string, name: string): string {
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
  };
  const set = [
    '#first = if_not_exists(#first, :now)', '#via = if_not_exists(#via, :via)', '#thread = if_not_exists(#thread, :thread)',
    '#exp = :exp', '#events = :events', '#account = :account', '#session = :session',
  ];
  const add = ['#count :n'];
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
    UpdateExpression: `SET ${set.join(', ')} ADD ${add.join(', ')}`,
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

  public async get(accountId: string, sessionKey: string): Promise<SessionMemory | undefined> {
    const key = { pk: { S: sessionItemKey(accountId, sessionKey) } };
    const out = await this.calls.getItem({ TableName: this.tableName, Key: key, ConsistentRead: true });
    return out.Item ? memoryFromItem(out.Item, this.clock()) : undefined;
  }

  public async recordPublished(update: SessionUpdate): Promise<void> {
    await this.calls.updateItem(updateInput(this.tableName, update));
  }

  public async getLink(accountId: string, name: string): Promise<SessionLink | undefined> {
    const key = { pk: { S: linkItemKey(accountId, name) } };
    const out = await this.calls.getItem({ TableName: this.tableName, Key: key, ConsistentRead: true });
    const item = out.Item;
    if (!item || n(item, 'expiresAt') * 1000 <= this.clock()) return undefined;
    const sessionKey = s(item, 'target');
    return sessionKey !== '' ? { sessionKey, at: n(item, 'at') } : undefined;
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
}
