// The event notifier: CloudTrail records of root use arrive from a CloudWatch Logs subscription
// (one log stream per delivery) or from EventBridge (one event, in real time); this function
// publishes one readable message per account and root session to the alarm's SNS topic, and
// remembers each session in a DynamoDB table. The logic is in ./private/event-notifier (pure,
// tested); this file only wires the environment and the AWS SDK v3 clients that the Lambda
// Node.js runtime provides.
// The Lambda Node.js runtime provides AWS SDK v3: a dev dependency here (types, tests), never bundled.
// eslint-disable-next-line import/no-extraneous-dependencies
import { BatchGetItemCommand, DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
// eslint-disable-next-line import/no-extraneous-dependencies
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
// eslint-disable-next-line import/no-extraneous-dependencies
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
// eslint-disable-next-line import/no-extraneous-dependencies
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchLogsEvent, Context, EventBridgeEvent } from 'aws-lambda';
import { envelopeSkipReason, notSeenInRealTimeMetricLine, skippedEventMetricLine } from './private/event-notifier/decode';
import { DynamoDbSessionStore } from './private/event-notifier/dynamodb-store';
import { parseExpectations } from './private/event-notifier/expectation';
import { findingImportFailuresMetricLine } from './private/event-notifier/finding';
import { AccountNameCache, BatchResult, notify } from './private/event-notifier/notify';
import { parseSeverity } from './private/event-notifier/severity';
import { VerdictConfig } from './private/event-notifier/verdict';

// The SDK's standard configuration (region, credentials, AWS_ENDPOINT_URL...): nothing is
// hard-coded. Created once per execution environment.
// Each request gives up after SNS_REQUEST_TIMEOUT_MS, and is tried at most SNS_MAX_ATTEMPTS
// times: a stalled SNS cannot hold the delivery (the core also bounds each publish, PUBLISH_TIMEOUT_MS).
export const SNS_REQUEST_TIMEOUT_MS = 3000;
export const SNS_MAX_ATTEMPTS = 3;
export const sns = new SNSClient({
  maxAttempts: SNS_MAX_ATTEMPTS,
  requestHandler: { requestTimeout: SNS_REQUEST_TIMEOUT_MS, connectionTimeout: 1000 },
});
const organizations = new OrganizationsClient({ maxAttempts: 2, requestHandler: { requestTimeout: 1500, connectionTimeout: 1000 } });
// Every store call is bounded by the core (STORE_TIMEOUT_MS, and the invocation's budgets): one retry at most inside it.
const dynamodb = new DynamoDBClient({ maxAttempts: 2, requestHandler: { requestTimeout: 1500, connectionTimeout: 1000 } });
// Security Hub CSPM findings (SECURITY_HUB_PRODUCT_ARN): each import bounded by the core too (IMPORT_TIMEOUT_MS).
const securityHub = new SecurityHubClient({ maxAttempts: 2, requestHandler: { requestTimeout: 3000, connectionTimeout: 1000 } });
// Account names looked up, kept across the invocations of this execution environment (each for ACCOUNT_NAME_CACHE_MS).
export const accountNameCache = new AccountNameCache();

/** The platform team's account names (ACCOUNT_NAMES, a JSON object of 12-digit IDs to names); malformed entries are ignored. */
export function platformAccountNames(json: string | undefined): Map<string, string> {
  const names = new Map<string, string>();
  if (!json) return names;
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      for (const [id, name] of Object.entries(parsed as Record<string, unknown>)) {
        if (/^\d{12}$/.test(id) && typeof name === 'string' && name !== '') names.set(id, name);
      }
    }
  } catch {
    log('warn', 'ACCOUNT_NAMES is not a JSON object: ignored');
  }
  return names;
}

/**
 * Declared expected root use and routing (issue 22): EXPECTED_ROOT_USE (compact JSON, see
 * expectation.ts), FIRST_SEEN_WINDOW_SECONDS, HIGH_PRIORITY_TOPIC_ARN, HIGH_PRIORITY_SEVERITY; the
 * management account is the account of the trail's log group (WATCH_ACCOUNT).
 */
export function verdictConfig(env: NodeJS.ProcessEnv): VerdictConfig {
  const window = Number(env.FIRST_SEEN_WINDOW_SECONDS);
  return {
    entries: parseExpectations(env.EXPECTED_ROOT_USE, (message, details) => log('warn', message, details)),
    ...(Number.isInteger(window) && window > 0 ? { firstSeenWindowSeconds: window } : {}),
    managementAccountId: /^\d{12}$/.test(env.WATCH_ACCOUNT ?? '') ? env.WATCH_ACCOUNT : '',
    ...(env.HIGH_PRIORITY_TOPIC_ARN ? { highPriorityTopicArn: env.HIGH_PRIORITY_TOPIC_ARN } : {}),
    highPrioritySeverity: parseSeverity(env.HIGH_PRIORITY_SEVERITY, 'HIGH'),
  };
}

function log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void {
  const line = JSON.stringify({ level, message, ...details });
  if (level === 'info') console.log(line);
  else if (level === 'warn') console.warn(line);
  else console.error(line);
}

/**
 * The Lambda handler. Environment: TOPIC_ARN and LOG_GROUP_NAME (required); the session table:
 * TABLE_NAME, else AWS_LAMBDA_FUNCTION_NAME + SESSION_TABLE_SUFFIX (without either, no memory);
 * ALARM_NAME; the watched resources for tamper calls: WATCH_ACCOUNT, WATCH_STACK_NAME, WATCH_STACK_ID,
 * WATCH_TOPIC_ARNS and WATCH_KEY_ARNS (comma-separated), WATCH_TRAIL_NAME ('' = any trail);
 * ACCOUNT_NAMES (the platform team's names, JSON); REALTIME_REGIONS (comma-separated, set by
 * RealTimeRootAlerts: the regions the real-time path covers, which the log path checks); EXPECTED_ROOT_USE,
 * FIRST_SEEN_WINDOW_SECONDS, HIGH_PRIORITY_TOPIC_ARN and HIGH_PRIORITY_SEVERITY (verdictConfig);
 * SECURITY_HUB_PRODUCT_ARN (set by `securityHubFindings`: a Security Hub CSPM finding per root session is imported
 * into this default product of the function's account and region); AWS_REGION from the runtime. The deadline is
 * the context's getRemainingTimeInMillis.
 */
export async function handler(event: CloudWatchLogsEvent | EventBridgeEvent<string, unknown>, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<BatchResult> {
  const topicArn = process.env.TOPIC_ARN;
  if (!topicArn) {
    throw new Error('TOPIC_ARN is not set: the event notifier does not know where to publish');
  }
  const logGroupName = process.env.LOG_GROUP_NAME;
  if (!logGroupName) {
    throw new Error('LOG_GROUP_NAME is not set: the event notifier does not know which log group it serves');
  }
  // The table is named after the function (EventNotifier); TABLE_NAME overrides it (tests).
  const tableName = process.env.TABLE_NAME
    ?? (process.env.SESSION_TABLE_SUFFIX !== undefined && process.env.AWS_LAMBDA_FUNCTION_NAME
      ? `${process.env.AWS_LAMBDA_FUNCTION_NAME}${process.env.SESSION_TABLE_SUFFIX}` : undefined);
  // An EventBridge event that CloudTrail did not send for the account of its record, or a replay:
  // skipped before anything else, with one log line that is also a metric (embedded metric
  // format: cdk-root-usage-alarm SkippedEvents, by FunctionName and Reason).
  const envelopeError = envelopeSkipReason(event);
  if (envelopeError) {
    const e = event as unknown as Record<string, unknown>;
    console.warn(skippedEventMetricLine(process.env.AWS_LAMBDA_FUNCTION_NAME ?? '', envelopeError.reason, {
      message: 'skipped an EventBridge event: not a CloudTrail event of the account it names',
      reason: envelopeError.message,
      eventBridgeId: e.id,
      source: e.source,
      detailType: e['detail-type'],
      account: e.account,
      region: e.region,
      replayName: e['replay-name'],
    }, Date.now()));
    return { messageType: 'EVENTBRIDGE', events: 0, skipped: 1, published: 0, suppressed: 0 };
  }
  const list = (v: string | undefined) => (v ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
  const realTimeRegions = list(process.env.REALTIME_REGIONS);
  const findingProductArn = process.env.SECURITY_HUB_PRODUCT_ARN || undefined;
  const result = await notify(event, {
    topicArn,
    logGroupName,
    // The library's resources, for tamper calls (EventNotifier sets them; without WATCH_STACK_NAME, none are reported).
    watched: process.env.WATCH_STACK_NAME ? {
      account: process.env.WATCH_ACCOUNT ?? '',
      region: process.env.AWS_REGION ?? '',
      logGroupName,
      trailName: process.env.WATCH_TRAIL_NAME ?? '',
      topicArns: list(process.env.WATCH_TOPIC_ARNS ?? topicArn),
      keyArns: list(process.env.WATCH_KEY_ARNS),
      stackName: process.env.WATCH_STACK_NAME,
      stackId: process.env.WATCH_STACK_ID ?? '',
    } : undefined,
    alarmName: process.env.ALARM_NAME ?? '',
    region: process.env.AWS_REGION ?? '',
    accountNames: platformAccountNames(process.env.ACCOUNT_NAMES),
    accountNameCache,
    ...(realTimeRegions.length > 0 ? { realTimeRegions } : {}),
    verdict: verdictConfig(process.env),
    remainingTimeMs: context?.getRemainingTimeInMillis ? () => context.getRemainingTimeInMillis() : undefined,
    store: tableName ? new DynamoDbSessionStore(tableName, {
      batchGetItem: (input) => dynamodb.send(new BatchGetItemCommand(input)),
      getItem: (input) => dynamodb.send(new GetItemCommand(input)),
      updateItem: (input) => dynamodb.send(new UpdateItemCommand(input)),
    }) : undefined,
    publish: async (input) => {
      await sns.send(new PublishCommand(input));
    },
    ...(findingProductArn ? {
      findingProductArn,
      importFindings: async (findings) => {
        const out = await securityHub.send(new BatchImportFindingsCommand({ Findings: [...findings] }));
        return {
          failedCount: out.FailedCount ?? 0,
          failed: (out.FailedFindings ?? []).map((f) => ({ id: f.Id ?? '', errorCode: f.ErrorCode ?? '', errorMessage: f.ErrorMessage ?? '' })),
        };
      },
      // Failed imports: one log line that is also a metric (embedded metric format: cdk-root-usage-alarm FindingImportFailures, by FunctionName).
      countFindingImportFailures: (count: number) => {
        console.error(findingImportFailuresMetricLine(process.env.AWS_LAMBDA_FUNCTION_NAME ?? '', count, Date.now()));
      },
    } : {}),
    describeAccount: async (accountId) => {
      const out = await organizations.send(new DescribeAccountCommand({ AccountId: accountId }));
      return out.Account?.Name;
    },
    log,
  });
  // Root use the real-time path should have forwarded and did not: one log line that is also a
  // metric (embedded metric format: cdk-root-usage-alarm NotSeenInRealTime, by FunctionName).
  if (result.notSeenInRealTime && result.notSeenInRealTime.length > 0) {
    console.warn(notSeenInRealTimeMetricLine(process.env.AWS_LAMBDA_FUNCTION_NAME ?? '', result.notSeenInRealTime, Date.now()));
  }
  return result;
}
