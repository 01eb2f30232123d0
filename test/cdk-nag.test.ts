/**
 * cdk-nag: no finding, error or warning, of the AwsSolutions, NIST 800-53 R5, HIPAA Security and
 * PCI DSS 3.2.1 packs in any variant. cdk-nag reports through annotations, so the test asserts on
 * them (it never throws).
 */
import { App, Aspects, IAspect, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPackSuppression, NagSuppressions, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { VARIANTS } from './variants';

/** Each pack, with the prefix of the rule ids it reports. */
const PACKS: { prefix: string; create: () => IAspect }[] = [
  { prefix: 'AwsSolutions', create: () => new AwsSolutionsChecks() },
  { prefix: 'NIST.800.53.R5', create: () => new NIST80053R5Checks() },
  { prefix: 'HIPAA.Security', create: () => new HIPAASecurityChecks() },
  { prefix: 'PCI.DSS.321', create: () => new PCIDSS321Checks() },
];

/**
 * Findings acknowledged, by variant and by the path of the resource in the stack, each with its
 * reason (README "What the checks acknowledge" lists them). With the default configuration, and
 * in every variant without `eventNotifications`, nothing the construct creates is acknowledged:
 * only a resource the test stack creates in the user's role. The `event-notifications` variant
 * acknowledges the findings of the per-event path below.
 */
const NOTIFIER = 'RootUsage/EventNotifier';
const NOT_IN_VPC = 'The function calls only the SNS and AWS Organizations APIs, over TLS, and connects to nothing inside a ' +
  'network; a VPC would add NAT gateways or interface endpoints (cost, and more ways to fail) without protecting any data.';
/** AwsSolutions-SQS3 on an EventBridge dead-letter queue, which the rule does not recognize as one. */
const EVENTBRIDGE_DLQ: NagPackSuppression[] = [{
  id: 'AwsSolutions-SQS3',
  reason: 'The queue is the dead-letter queue of EventBridge rule targets (DeadLetterConfig), which the rule does not ' +
    'recognize as one: the end of the chain, with an alarm on the messages sent to it (member accounts: see ' +
    'docs/real-time-alerts.md). A dead-letter queue behind it would hold nothing.',
}];
const ACKNOWLEDGED: Record<string, Record<string, NagPackSuppression[]>> = {
  'log-group': {
    TrailLogGroup: ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: 'The CloudTrail log group belongs to the user (here the test stack stands in for them); the construct ' +
        'only reads it through a metric filter. Whether to encrypt it with a KMS key is the trail owner\'s choice ' +
        '(AWS Control Tower does not).',
    })),
  },
  'event-notifications': {
    [`${NOTIFIER}/Function`]: [
      ...['NIST.800.53.R5', 'HIPAA.Security'].flatMap((pack) => [
        {
          id: `${pack}-LambdaConcurrency`,
          reason: 'No reserved concurrency: reserving it takes from the account\'s unreserved pool and fails the deployment ' +
            'in an account at the minimum of 10; the invocations are bounded by root activity, in batches.',
        },
        {
          id: `${pack}-LambdaDLQ`,
          reason: 'The rule looks for DeadLetterConfig only; the function has an on-failure destination (EventInvokeConfig) ' +
            'instead: an encrypted SQS queue, which receives more than a dead-letter queue would, with an alarm on it.',
        },
      ]),
      ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-LambdaInsideVPC`, reason: NOT_IN_VPC })),
    ],
    [`${NOTIFIER}/FailureQueue`]: [{
      id: 'AwsSolutions-SQS3',
      reason: 'The queue is itself the on-failure destination of the function, the end of the chain; an alarm on it ' +
        'notifies the topic. A dead-letter queue behind it would hold nothing.',
    }],
    [`${NOTIFIER}/ExecutionPolicy`]: [{
      id: 'AwsSolutions-IAM5',
      reason: 'Log streams of the function\'s own log group (their names are chosen by Lambda); kms:GenerateDataKey*, ' +
        'the action SNS documents for publishers to an encrypted topic, on the topic\'s key only; ' +
        'organizations:DescribeAccount on "*": an account ARN holds the management account and organization IDs, ' +
        'unknown at synthesis, and the action only reads the account\'s name.',
      appliesTo: [
        'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/<RootUsageEventNotifierFunction9845F2EF>:*',
        'Action::kms:GenerateDataKey*',
        'Resource::*',
      ],
    }],
  },
};
// The real-time path feeds the per-event path: the same acknowledgements, plus its dead-letter queues.
ACKNOWLEDGED['real-time'] = {
  ...ACKNOWLEDGED['event-notifications'],
  'RealTime/DeadLetterQueue': EVENTBRIDGE_DLQ,
  'RealTime/LocalForwarder/DeadLetterQueue': EVENTBRIDGE_DLQ,
};
ACKNOWLEDGED['real-time-member'] = {
  'Forwarder/DeadLetterQueue': EVENTBRIDGE_DLQ,
};

function messagePattern(prefix: string): string {
  return `^${prefix.replace(/\./g, '\\.')}-`;
}

/** Every error and warning of one pack in the stack, as "path: message". */
function findings(stack: Stack, prefix: string): string[] {
  const annotations = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp(messagePattern(prefix));
  return [...annotations.findError('*', pattern), ...annotations.findWarning('*', pattern)]
    .map((message) => `${message.id}: ${message.entry.data}`);
}

function applyPacks(stack: Stack): void {
  for (const pack of PACKS) {
    Aspects.of(stack).add(pack.create());
  }
}

describe.each(VARIANTS)('cdk-nag, variant $name', (variant) => {
  let stack: Stack;

  beforeAll(() => {
    // GIVEN
    stack = variant.build(new App()).stack;
    for (const [path, suppressions] of Object.entries(ACKNOWLEDGED[variant.name] ?? {})) {
      const resource = path.split('/').reduce<IConstruct>((parent, id) => parent.node.findChild(id), stack);
      NagSuppressions.addResourceSuppressions(resource, suppressions, true);
    }
    // WHEN
    applyPacks(stack);
  });

  test.each(PACKS)('no $prefix finding', ({ prefix }) => {
    // THEN
    expect(findings(stack, prefix)).toEqual([]);
  });
});

test('every pack reports a stack that breaks its rules', () => {
  // GIVEN: an unencrypted topic, an unencrypted log group, an alarm that notifies nobody
  const stack = new Stack(new App(), 'Careless');
  new sns.Topic(stack, 'PlainTopic');
  const logGroup = new logs.LogGroup(stack, 'PlainLogGroup');
  new cloudwatch.Alarm(stack, 'SilentAlarm', {
    metric: new cloudwatch.Metric({ namespace: 'Careless', metricName: 'Events', dimensionsMap: { LogGroup: logGroup.logGroupName } }),
    threshold: 1,
    evaluationPeriods: 1,
    actionsEnabled: false,
  });

  // WHEN
  applyPacks(stack);

  // THEN
  for (const { prefix } of PACKS) {
    expect(findings(stack, prefix)).not.toEqual([]);
  }
});
