/**
 * cdk-nag 2: no finding, error or warning, of its six packs in any variant, environment-agnostic
 * or in an explicit environment, nor in the docs' Chat example as written (test/nag-cases.ts).
 * cdk-nag 2 reports through annotations, so the test asserts on them (it never throws).
 * cdk-nag 3 needs a newer aws-cdk-lib than the dev one: `npx projen test:nag3` (test/nag3/).
 */
import { App, Aspects, IAspect, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as nag from 'cdk-nag';
import { findConstruct, NAG_CASES, PACKS } from './nag-cases';

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
    Aspects.of(stack).add(new (nag as unknown as Record<string, new () => IAspect>)[pack.className]());
  }
}

describe.each(NAG_CASES)('cdk-nag 2, $name', (nagCase) => {
  let stack: Stack;

  beforeAll(() => {
    // GIVEN
    stack = nagCase.build(new App());
    for (const [resourcePath, acknowledgements] of Object.entries(nagCase.acknowledged)) {
      nag.NagSuppressions.addResourceSuppressions(findConstruct(stack, resourcePath), acknowledgements, true);
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
  // GIVEN: an unencrypted topic, an unencrypted log group, an alarm that notifies nobody, a
  // function without tracing or dead-letter queue
  const stack = new Stack(new App(), 'Careless');
  new sns.Topic(stack, 'PlainTopic');
  new lambda.Function(stack, 'PlainFunction', {
    runtime: lambda.Runtime.NODEJS_18_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
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
    expect({ prefix, reported: findings(stack, prefix).length > 0 }).toEqual({ prefix, reported: true });
  }
});
