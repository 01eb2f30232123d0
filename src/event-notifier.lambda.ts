// The event notifier: a CloudWatch Logs subscription delivers root-usage CloudTrail records;
// this function publishes one readable message per account and root session to the alarm's
// SNS topic. The logic is in ./private/event-notifier (pure, tested); this file only wires the
// environment and the AWS SDK v3 clients that the Lambda Node.js runtime provides.
// The Lambda Node.js runtime provides AWS SDK v3: a dev dependency here (types, tests), never bundled.
// eslint-disable-next-line import/no-extraneous-dependencies
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
// eslint-disable-next-line import/no-extraneous-dependencies
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { BatchResult, notifyBatch } from './private/event-notifier/notify';

// The SDK's standard configuration (region, credentials, AWS_ENDPOINT_URL...): nothing is
// hard-coded. Created once per execution environment.
const sns = new SNSClient({});
const organizations = new OrganizationsClient({});

function log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void {
  const line = JSON.stringify({ level, message, ...details });
  if (level === 'info') console.log(line);
  else if (level === 'warn') console.warn(line);
  else console.error(line);
}

/** The Lambda handler (environment: TOPIC_ARN, required; ALARM_NAME; AWS_REGION from the runtime). */
export async function handler(event: CloudWatchLogsEvent): Promise<BatchResult> {
  const topicArn = process.env.TOPIC_ARN;
  if (!topicArn) {
    throw new Error('TOPIC_ARN is not set: the event notifier does not know where to publish');
  }
  return notifyBatch(event, {
    topicArn,
    alarmName: process.env.ALARM_NAME ?? '',
    region: process.env.AWS_REGION ?? '',
    publish: async (input) => {
      await sns.send(new PublishCommand(input));
    },
    describeAccount: async (accountId) => {
      const out = await organizations.send(new DescribeAccountCommand({ AccountId: accountId }));
      return out.Account?.Name;
    },
    log,
  });
}
