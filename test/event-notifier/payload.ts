import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';

// Builds CloudWatch Logs subscription deliveries exactly as CloudWatch Logs sends them to a
// Lambda function: { awslogs: { data: base64(gzip(JSON)) } }, the JSON holding messageType,
// owner, logGroup, logStream, subscriptionFilters and logEvents[] of {id, timestamp, message}
// (CloudWatch Logs User Guide, "Subscription filters with AWS Lambda"; DESIGN.md fact 13).

export const LOG_GROUP = 'aws-controltower/CloudTrailLogs';
export const OWNER = '999988887777';

let nextId = 1;

/** A log event id as CloudWatch Logs writes them (a 56-digit decimal string). */
function logEventId(): string {
  return String(nextId++).padStart(56, '3');
}

/** The decoded `awslogs.data` of a DATA_MESSAGE carrying `messages` (CloudTrail records as JSON strings). */
export function dataMessage(messages: readonly string[], logGroup = LOG_GROUP): Record<string, unknown> {
  return {
    messageType: 'DATA_MESSAGE',
    owner: OWNER,
    logGroup,
    logStream: `${OWNER}_CloudTrail_us-east-1`,
    subscriptionFilters: ['RootUsageEventNotifications'],
    logEvents: messages.map((message, i) => ({ id: logEventId(), timestamp: 1764237600000 + i, message })),
  };
}

/** The CONTROL_MESSAGE CloudWatch Logs sends when the subscription filter is created. */
export function controlMessage(): Record<string, unknown> {
  return {
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [{
      id: '',
      timestamp: 1764237600000,
      message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda function.',
    }],
  };
}

/** gzip + base64 of a decoded payload, wrapped as the Lambda invocation event. */
export function encode(decoded: unknown): CloudWatchLogsEvent {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(decoded), 'utf8')).toString('base64') } };
}

/** A subscription delivery of CloudTrail records (objects are serialized as CloudTrail writes them). */
export function subscriptionEvent(records: ReadonlyArray<Record<string, unknown> | string>, logGroup = LOG_GROUP): CloudWatchLogsEvent {
  return encode(dataMessage(records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))), logGroup));
}

/** A test vector: a CloudTrail record and whether the CIS root-usage pattern matches it. */
export interface Vector {
  readonly name: string;
  readonly expectMatch: boolean;
  readonly source: string;
  readonly event: Record<string, unknown>;
}

const VECTOR_DIR = path.join(__dirname, '..', 'vectors');

/** Every vector file: the shared ones (test/vectors/*.json) and the event notifier's own. */
export const VECTOR_FILES = [
  'cloudtrail-root-usage.json',
  'synthetic-root-usage.json',
  'event-notifier/root-sessions.json',
];

export function loadVectors(file: string): Vector[] {
  return JSON.parse(fs.readFileSync(path.join(VECTOR_DIR, file), 'utf8')) as Vector[];
}

const byName = new Map<string, Vector>(VECTOR_FILES.flatMap((f) => loadVectors(f)).map((v) => [v.name, v]));

/** A deep copy of the CloudTrail record of a named vector (any vector file). */
export function record(name: string): Record<string, any> {
  const v = byName.get(name);
  if (!v) throw new Error(`no vector named ${name}`);
  return JSON.parse(JSON.stringify(v.event));
}

/**
 * `count` records of one root console session: the ConsoleLogin without MFA
 * (root-console-login-success-no-mfa), then console actions with the session's key, one second
 * apart, each with its own event ID.
 */
export function consoleSessionBurst(count: number): Array<Record<string, any>> {
  const login = record('root-console-login-success-no-mfa');
  const action = record('root-console-session-action');
  const start = Date.parse(action.eventTime);
  const names = ['ListAccessKeys', 'GetAccountSummary', 'ListUsers', 'ListRoles', 'GetAccountPasswordPolicy'];
  const out: Array<Record<string, any>> = [login];
  for (let i = 1; i < count; i++) {
    const r = JSON.parse(JSON.stringify(action));
    r.eventTime = new Date(start + i * 1000).toISOString().replace('.000Z', 'Z');
    r.eventName = names[i % names.length];
    r.eventID = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    out.push(r);
  }
  return out;
}

/** The organization ID of the test organization trail. */
export const ORG_ID = 'o-a1b2c3d4e5';

/**
 * A delivery as the organization trail's subscription sends it: ONE log stream,
 * `<org-id>_<account-id>_CloudTrail_<region>` (so one account and one region), log event
 * timestamps a little after the event times (CloudTrail delivers in batches, minutes later).
 */
export function orgTrailDelivery(
  accountId: string, region: string, records: ReadonlyArray<Record<string, unknown> | string>, logGroup = LOG_GROUP,
): CloudWatchLogsEvent {
  for (const r of records) {
    if (typeof r === 'string') continue;
    const recipient = String(r.recipientAccountId ?? (r.userIdentity as any)?.accountId ?? '');
    if (recipient !== accountId || r.awsRegion !== region) {
      throw new Error(`a delivery holds one log stream: record ${String(r.eventID)} is ${recipient}/${String(r.awsRegion)}, not ${accountId}/${region}`);
    }
  }
  return encode({
    messageType: 'DATA_MESSAGE',
    owner: OWNER,
    logGroup,
    logStream: `${ORG_ID}_${accountId}_CloudTrail_${region}`,
    subscriptionFilters: ['RootUsageEventNotifications'],
    logEvents: records.map((r) => {
      const message = typeof r === 'string' ? r : JSON.stringify(r);
      const t = typeof r === 'string' ? NaN : Date.parse(String(r.eventTime));
      return { id: logEventId(), timestamp: (Number.isNaN(t) ? 1764237600000 : t) + 4 * 60_000, message };
    }),
  });
}

/**
 * The detail type under which CloudTrail sends a record to EventBridge, from its `eventType`
 * (EventBridge User Guide, "AWS service events delivered via AWS CloudTrail").
 */
export function eventBridgeDetailType(r: Record<string, any>): string {
  switch (r.eventType) {
    case 'AwsConsoleSignIn': return 'AWS Console Sign In via CloudTrail';
    case 'AwsConsoleAction': return 'AWS Console Action via CloudTrail';
    case 'AwsServiceEvent': return 'AWS Service Event via CloudTrail';
    default: return 'AWS API Call via CloudTrail';
  }
}

/**
 * The event's `source` on EventBridge: `signin.amazonaws.com` -> `aws.signin`. A record without
 * `eventSource` (the AWS service event example of the vectors, a KMS key rotation) -> `aws.kms`.
 */
export function eventBridgeSource(r: Record<string, any>): string {
  const service = String(r.eventSource ?? '').split('.')[0];
  return `aws.${service === '' ? 'kms' : service}`;
}

/**
 * An EventBridge event exactly as EventBridge sends it to a Lambda target: the CloudTrail record
 * as `detail`, on the default bus of the account and region where it was recorded.
 */
export function eventBridgeEvent(r: Record<string, any>): Record<string, unknown> {
  return {
    'version': '0',
    'id': `6f1e2d3c-4b5a-4978-8a6b-${String(r.eventID ?? '').replace(/[^0-9a-f]/g, '').padEnd(12, '0').slice(0, 12)}`,
    'detail-type': eventBridgeDetailType(r),
    'source': eventBridgeSource(r),
    'account': String(r.recipientAccountId ?? r.userIdentity?.accountId ?? ''),
    'time': String(r.eventTime ?? '2026-11-27T10:00:00Z'),
    'region': String(r.awsRegion ?? 'us-east-1'),
    'resources': [],
    'detail': r,
  };
}
