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
