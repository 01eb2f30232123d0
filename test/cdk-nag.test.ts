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
 * Findings acknowledged by the test, by variant and by the path of the resource in the stack, each
 * with its reason: only a resource the test stack creates in the user's role. Nothing the library
 * creates is acknowledged here: the `event-notifications` variant runs all four packs with no
 * suppression of the test's own, and the library's acknowledgements are cdk-nag metadata on its
 * own resources (EventNotifier; docs/event-notifications.md lists them), so that a user who runs
 * cdk-nag sees no finding from this library either.
 */
const ACKNOWLEDGED: Record<string, Record<string, NagPackSuppression[]>> = {
  'log-group': {
    TrailLogGroup: ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: 'The CloudTrail log group belongs to the user (here the test stack stands in for them); the construct ' +
        'only reads it through a metric filter. Whether to encrypt it with a KMS key is the trail owner\'s choice ' +
        '(AWS Control Tower does not).',
    })),
  },
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
