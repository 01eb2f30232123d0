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

/**
 * The detail types under which CloudTrail sends a root-usage record to EventBridge (the detail is
 * the CloudTrail record), the list every pattern of the real-time path and the event notifier
 * accept: API calls; console sign-ins, spelled "Sign In" in events and most rules and "Signin" in
 * parts of the EventBridge User Guide (both are accepted, whichever EventBridge sends); console
 * actions that are not API calls (`eventType` `AwsConsoleAction`, which match the CIS conditions).
 * Not "AWS Service Event via CloudTrail": service events are never root usage.
 */
export const CLOUDTRAIL_DETAIL_TYPES: readonly string[] = [
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Console Signin via CloudTrail',
  'AWS Console Action via CloudTrail',
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

/** Why an EventBridge event is skipped before its record is read (the `Reason` of the SkippedEvents metric). */
export type EnvelopeSkipReason = 'not-aws-source' | 'not-cloudtrail-detail-type' | 'account-mismatch' | 'replay';

/** Thrown when an EventBridge event is not one CloudTrail sent for the account of its record. */
export class EnvelopeError extends PayloadError {
  constructor(public readonly reason: EnvelopeSkipReason, message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** Whether the invocation event is an EventBridge event (it has `detail-type` and `detail`), not a subscription delivery. */
export function isEventBridgeEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && !Array.isArray(event)
    && 'detail-type' in event && 'detail' in event && !('awslogs' in event);
}

/**
 * Decodes an EventBridge event (`{version, id, detail-type, source, account, time, region,
 * resources, detail}`) and checks its envelope, since any rule of the account (not only the
 * central rule) may target the function and a member account may forward anything to the
 * central bus. Throws an EnvelopeError (a PayloadError) unless:
 * - `source` starts with `aws.` (only AWS services can send such events: PutEvents rejects them);
 * - `detail-type` is one of CLOUDTRAIL_DETAIL_TYPES;
 * - the envelope's `account` equals the record's `recipientAccountId` (the account whose bus
 *   CloudTrail put the event on; forwarding to another bus keeps both);
 * - it has no `replay-name`: an event replayed from an archive was reported when it happened, and
 *   the log path reports every root event anyway, so a replay is skipped, not reported again.
 */
export function decodeEventBridgeEvent(event: unknown): EventBridgeEnvelope {
  const e = event as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const source = str(e.source);
  if (!source.startsWith('aws.')) {
    throw new EnvelopeError('not-aws-source', 'the EventBridge event\'s source does not start with "aws.": an AWS service did not send it');
  }
  const detailType = str(e['detail-type']);
  if (!CLOUDTRAIL_DETAIL_TYPES.includes(detailType)) {
    throw new EnvelopeError('not-cloudtrail-detail-type',
      `the EventBridge event's detail-type is not one of CloudTrail's (${CLOUDTRAIL_DETAIL_TYPES.join(', ')})`);
  }
  const account = str(e.account);
  const detail = e.detail as Record<string, unknown> | null | undefined;
  const recipient = typeof detail === 'object' && detail !== null ? str(detail.recipientAccountId) : '';
  if (account === '' || account !== recipient) {
    throw new EnvelopeError('account-mismatch',
      'the EventBridge event\'s account is not the recipientAccountId of its CloudTrail record');
  }
  if ('replay-name' in e) {
    throw new EnvelopeError('replay', 'the EventBridge event is a replay from an archive (replay-name): reported when it happened');
  }
  return {
    id: str(e.id),
    detailType,
    source,
    account,
    time: str(e.time),
    region: str(e.region),
    detail: e.detail,
  };
}

/**
 * Why the invocation event would be skipped for its EventBridge envelope, or undefined (not an
 * EventBridge event, or one whose envelope passes: its record is checked later).
 */
export function envelopeSkipReason(event: unknown): EnvelopeError | undefined {
  if (!isEventBridgeEvent(event)) return undefined;
  try {
    decodeEventBridgeEvent(event);
    return undefined;
  } catch (e) {
    if (e instanceof EnvelopeError) return e;
    throw e;
  }
}

/** The CloudWatch namespace of the event notifier's own metrics (embedded metric format log lines). */
export const NOTIFIER_METRIC_NAMESPACE = 'cdk-root-usage-alarm';

/**
 * One CloudWatch embedded-metric-format log line that counts one skipped EventBridge event:
 * metric `SkippedEvents` (Count) in NOTIFIER_METRIC_NAMESPACE, dimensions `FunctionName` and
 * `Reason`. CloudWatch Logs turns it into the metric; the line also carries the log fields.
 */
export function skippedEventMetricLine(functionName: string, reason: EnvelopeSkipReason, fields: Record<string, unknown>, now: number): string {
  return JSON.stringify({
    level: 'warn',
    ...fields,
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{
        Namespace: NOTIFIER_METRIC_NAMESPACE,
        Dimensions: [['FunctionName', 'Reason']],
        Metrics: [{ Name: 'SkippedEvents', Unit: 'Count' }],
      }],
    },
    FunctionName: functionName,
    Reason: reason,
    SkippedEvents: 1,
  });
}

/**
 * One CloudWatch embedded-metric-format log line that counts the log path's messages saying
 * "Not seen in real time" in one invocation: metric `NotSeenInRealTime` (Count) in
 * NOTIFIER_METRIC_NAMESPACE, dimension `FunctionName`; the line also names each forwarder's
 * account and region.
 */
export function notSeenInRealTimeMetricLine(
  functionName: string, forwarders: ReadonlyArray<{ readonly accountId: string; readonly region: string }>, now: number,
): string {
  return JSON.stringify({
    level: 'warn',
    message: 'not seen in real time: the forwarders of these accounts and regions may be missing or disabled (the log path reported the root use)',
    forwarders: forwarders.map((f) => ({ accountId: f.accountId, region: f.region })),
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{
        Namespace: NOTIFIER_METRIC_NAMESPACE,
        Dimensions: [['FunctionName']],
        Metrics: [{ Name: 'NotSeenInRealTime', Unit: 'Count' }],
      }],
    },
    FunctionName: functionName,
    NotSeenInRealTime: forwarders.length,
  });
}
