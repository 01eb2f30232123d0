import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagRules } from '../nag';

/** How an EventBridge rule target of the real-time path retries: EventBridge's maximum, 24 hours and 185 attempts. */
export const TARGET_RETRY_POLICY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 };

/**
 * The dead-letter queue of EventBridge rule targets (child id `DeadLetterQueue`): SQS-managed
 * encryption, TLS only, 14 days; it receives what could not be delivered after the retries (or
 * at once, when permission is denied). Its cdk-nag finding (a queue without a dead-letter queue)
 * is acknowledged on it. The rules that may send to it are added with {@link allowRulesToSend}.
 */
export function ruleDeadLetterQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const reason = 'The queue is the dead-letter queue of EventBridge rule targets (DeadLetterConfig), which the rule does not ' +
    'recognize as one: the end of the chain, with an alarm on the messages sent to it (member accounts: see ' +
    'docs/real-time-alerts.md). A dead-letter queue behind it would hold nothing.';
  acknowledgeNagRules(queue, [
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless-SQSRedrivePolicy', reason },
  ]);
  return queue;
}

/** Only the rules `ruleArns` (through EventBridge) may send to the dead-letter queue. */
export function allowRulesToSend(queue: sqs.Queue, sid: string, ruleArns: string[]): void {
  queue.addToResourcePolicy(new iam.PolicyStatement({
    sid,
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['sqs:SendMessage'],
    resources: [queue.queueArn],
    conditions: { ArnEquals: { 'aws:SourceArn': ruleArns.length === 1 ? ruleArns[0] : ruleArns } },
  }));
}
