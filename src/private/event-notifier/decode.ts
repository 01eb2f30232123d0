import { gunzipSync } from 'zlib';

/** One log event of a CloudWatch Logs subscription delivery. */
export interface SubscriptionLogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** The decoded `awslogs.data` of a CloudWatch Logs subscription delivery. */
export interface SubscriptionPayload {
  readonly messageType: string;
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: string[];
  readonly logEvents: SubscriptionLogEvent[];
}

/** Thrown when the invocation event is not a CloudWatch Logs subscription delivery at all. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/**
 * Decodes `{ awslogs: { data } }`: base64, then gzip, then JSON (CloudWatch Logs User Guide,
 * "Subscription filters with AWS Lambda"). Throws a PayloadError naming what is wrong; never
 * returns a half-valid payload. Log events that are not `{id, timestamp, message: string}` are
 * dropped here and counted in `droppedLogEvents`.
 */
export function decodeSubscriptionEvent(event: unknown): { payload: SubscriptionPayload; droppedLogEvents: number } {
  const data = (event as { awslogs?: { data?: unknown } } | null | undefined)?.awslogs?.data;
  if (typeof data !== 'string' || data === '') {
    throw new PayloadError('the invocation event has no awslogs.data string');
  }
  let json: string;
  try {
    json = gunzipSync(Buffer.from(data, 'base64')).toString('utf8');
  } catch (e) {
    throw new PayloadError(`awslogs.data is not base64-encoded gzip (${(e as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new PayloadError('awslogs.data does not hold JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PayloadError('awslogs.data does not hold a JSON object');
  }
  const p = parsed as Record<string, unknown>;
  if (typeof p.messageType !== 'string') {
    throw new PayloadError('awslogs.data has no messageType');
  }
  const rawEvents = Array.isArray(p.logEvents) ? p.logEvents : [];
  const logEvents: SubscriptionLogEvent[] = [];
  for (const e of rawEvents) {
    const le = e as Partial<SubscriptionLogEvent> | null;
    if (le && typeof le === 'object' && typeof le.message === 'string') {
      logEvents.push({
        id: typeof le.id === 'string' ? le.id : '',
        timestamp: typeof le.timestamp === 'number' ? le.timestamp : 0,
        message: le.message,
      });
    }
  }
  return {
    payload: {
      messageType: p.messageType,
      owner: typeof p.owner === 'string' ? p.owner : '',
      logGroup: typeof p.logGroup === 'string' ? p.logGroup : '',
      logStream: typeof p.logStream === 'string' ? p.logStream : '',
      subscriptionFilters: Array.isArray(p.subscriptionFilters) ? p.subscriptionFilters.filter((s): s is string => typeof s === 'string') : [],
      logEvents,
    },
    droppedLogEvents: rawEvents.length - logEvents.length,
  };
}

/** The detail-types CloudTrail sends to EventBridge (the detail is the CloudTrail record). */
export const CLOUDTRAIL_DETAIL_TYPES: readonly string[] = [
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Console Action via CloudTrail',
  'AWS Service Event via CloudTrail',
];

/** An EventBridge event as EventBridge sends it to a Lambda target. */
export interface EventBridgeEnvelope {
  readonly id: string;
  readonly detailType: string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly detail: unknown;
}

/** Whether the invocation event is an EventBridge event (it has `detail-type` and `detail`), not a subscription delivery. */
export function isEventBridgeEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && !Array.isArray(event)
    && 'detail-type' in event && 'detail' in event && !('awslogs' in event);
}

/**
 * Decodes an EventBridge event (`{version, id, detail-type, source, account, time, region,
 * resources, detail}`); throws a PayloadError when it is not a CloudTrail event.
 */
export function decodeEventBridgeEvent(event: unknown): EventBridgeEnvelope {
  const e = event as Record<string, unknown>;
  const detailType = typeof e['detail-type'] === 'string' ? e['detail-type'] : '';
  if (!CLOUDTRAIL_DETAIL_TYPES.includes(detailType)) {
    throw new PayloadError(`the EventBridge event's detail-type is not one of CloudTrail's (${CLOUDTRAIL_DETAIL_TYPES.join(', ')})`);
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    id: str(e.id),
    detailType,
    source: str(e.source),
    account: str(e.account),
    time: str(e.time),
    region: str(e.region),
    detail: e.detail,
  };
}
