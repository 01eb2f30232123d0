/**
 * Security Hub CloudWatch.1 (CIS 1.4 4.3) against the synthesized template of every variant, and
 * CloudWatch.2 to .14 against the variants that create them, with an independent checker
 * (./security-hub-cloudwatch.ts), and proof that the checker rejects the mistakes that make a
 * control fail or an alarm silent.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CfnTemplate, checkCloudWatch1, checkCloudWatchControl, CIS_ROOT_USAGE_PATTERN, SECURITY_HUB_PATTERNS } from './security-hub-cloudwatch';
import { VARIANTS } from './variants';

/** The variants that create the root-usage alarm (not the real-time path's member template). */
const ALARM_VARIANTS = VARIANTS.filter((variant) => (variant.securityHubControls ?? ['CloudWatch.1']).includes('CloudWatch.1'));

test.each(ALARM_VARIANTS)('passes CloudWatch.1, variant $name', (variant) => {
  // GIVEN
  const { stack, trailLogGroup } = variant.build(new App());

  // THEN
  expect(checkCloudWatch1(Template.fromStack(stack).toJSON(), trailLogGroup)).toEqual([]);
});

const CONTROL_CASES = VARIANTS.flatMap((variant) => (variant.securityHubControls ?? ['CloudWatch.1'])
  .map((control): [string, string, typeof variant] => [variant.name, control, variant]));

test.each(CONTROL_CASES)('variant %s passes %s', (_name, control, variant) => {
  // GIVEN
  const { stack, trailLogGroup } = variant.build(new App());

  // THEN
  expect(checkCloudWatchControl(Template.fromStack(stack).toJSON(), control, trailLogGroup)).toEqual([]);
});

describe('the checker on the whole CIS set', () => {
  const cisVariant = VARIANTS.find((variant) => variant.name === 'cis')!;
  const { stack, trailLogGroup } = cisVariant.build(new App());
  const template: CfnTemplate = Template.fromStack(stack).toJSON();
  const controls = Object.keys(SECURITY_HUB_PATTERNS);

  test('covers fourteen controls', () => {
    expect(controls).toEqual(Array.from({ length: 14 }, (_, i) => `CloudWatch.${i + 1}`));
  });

  /** The template with one character of the control's pattern changed (a space added after the first "("/"{"). */
  function withOneCharacterChanged(control: string): CfnTemplate {
    const copy = JSON.parse(JSON.stringify(template));
    let changed = 0;
    for (const resource of Object.values<any>(copy.Resources)) {
      if (resource.Type === 'AWS::Logs::MetricFilter' && resource.Properties.FilterPattern === SECURITY_HUB_PATTERNS[control]) {
        resource.Properties.FilterPattern = resource.Properties.FilterPattern.replace(/^\{/, '{ ');
        changed++;
      }
    }
    expect(changed).toBe(1);
    return copy;
  }

  test.each(controls)('fails %s when one character of its pattern changes, and only that control', (control) => {
    const changed = withOneCharacterChanged(control);
    expect(checkCloudWatchControl(changed, control, trailLogGroup))
      .toEqual(expect.arrayContaining([expect.stringMatching(/is not the exact CIS pattern/)]));
    for (const other of controls.filter((c) => c !== control)) {
      expect(checkCloudWatchControl(changed, other, trailLogGroup)).toEqual([]);
    }
  });

  test.each(controls)('fails %s when its alarm uses Average', (control) => {
    const copy = JSON.parse(JSON.stringify(template));
    const filter = Object.values<any>(copy.Resources).find((r) => r.Type === 'AWS::Logs::MetricFilter'
      && r.Properties.FilterPattern === SECURITY_HUB_PATTERNS[control]);
    const metricName = filter.Properties.MetricTransformations[0].MetricName;
    for (const resource of Object.values<any>(copy.Resources)) {
      if (resource.Type === 'AWS::CloudWatch::Alarm' && resource.Properties.MetricName === metricName) resource.Properties.Statistic = 'Average';
    }
    expect(checkCloudWatchControl(copy, control, trailLogGroup))
      .toEqual(expect.arrayContaining([expect.stringMatching(/statistic is Average, not Sum/)]));
  });

  test('rejects an unknown control', () => {
    expect(() => checkCloudWatchControl(template, 'CloudWatch.15', trailLogGroup)).toThrow(/unknown control/);
  });
});

describe('the checker', () => {
  const defaultVariant = VARIANTS.find((variant) => variant.name === 'default')!;
  const { stack, trailLogGroup } = defaultVariant.build(new App());
  const template: CfnTemplate = Template.fromStack(stack).toJSON();

  /** The default template, changed by `change` on each resource of the type. */
  function withChange(type: string, change: (properties: any, resources: any, logicalId: string) => void): CfnTemplate {
    const copy = JSON.parse(JSON.stringify(template));
    // The tamper alarm's filter is on the same log group but no CIS filter: these cases change the root-usage chain only.
    for (const [logicalId, resource] of Object.entries<any>(copy.Resources)) {
      if (resource.Type === 'AWS::Logs::MetricFilter' && resource.Properties.MetricTransformations[0].MetricName === 'RootWatchTampering') {
        delete copy.Resources[logicalId];
      }
    }
    for (const [logicalId, resource] of Object.entries<any>(copy.Resources)) {
      if (resource.Type === type) change(resource.Properties, copy.Resources, logicalId);
    }
    return copy;
  }

  /** What FilterPattern.all(...) makes of the same three conditions: parenthesized clauses. */
  const allPattern = logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.userIdentity.type', '=', 'Root'),
    logs.FilterPattern.notExists('$.userIdentity.invokedBy'),
    logs.FilterPattern.stringValue('$.eventType', '!=', 'AwsServiceEvent'),
  ).logPatternString;

  test('FilterPattern.all really differs from the CIS pattern', () => {
    expect(allPattern).not.toEqual(CIS_ROOT_USAGE_PATTERN);
  });

  test.each<[string, () => CfnTemplate, RegExp]>([
    ['the FilterPattern.all version of the pattern',
      () => withChange('AWS::Logs::MetricFilter', (p) => { p.FilterPattern = allPattern; }),
      /is not the exact CIS pattern/],
    ['the pattern with one more space',
      () => withChange('AWS::Logs::MetricFilter', (p) => { p.FilterPattern = p.FilterPattern.replace('!="', '!= "'); }),
      /is not the exact CIS pattern/],
    ['a filter on another log group',
      () => withChange('AWS::Logs::MetricFilter', (p) => { p.LogGroupName = 'some/other/log-group'; }),
      /no metric filter on the log group/],
    ['dimensions on the metric',
      () => withChange('AWS::Logs::MetricFilter', (p) => {
        p.MetricTransformations[0].Dimensions = [{ Key: 'Account', Value: '$.userIdentity.accountId' }];
      }),
      /its metric has dimensions/],
    ['an alarm on another metric',
      () => withChange('AWS::CloudWatch::Alarm', (p) => { p.MetricName = 'SomethingElse'; }),
      /no alarm on the metric/],
    ['the Average statistic',
      () => withChange('AWS::CloudWatch::Alarm', (p) => { p.Statistic = 'Average'; }),
      /statistic is Average, not Sum/],
    ['> 1, which never fires on one event',
      () => withChange('AWS::CloudWatch::Alarm', (p) => { p.ComparisonOperator = 'GreaterThanThreshold'; }),
      /GreaterThanThreshold 1 does not alarm on one event/],
    ['alarm actions disabled',
      () => withChange('AWS::CloudWatch::Alarm', (p) => { p.ActionsEnabled = false; }),
      /actions are disabled/],
    ['no alarm action',
      () => withChange('AWS::CloudWatch::Alarm', (p) => { delete p.AlarmActions; }),
      /no alarm action notifies an SNS topic/],
    ['a topic without subscription',
      () => withChange('AWS::SNS::Subscription', (_p, resources, logicalId) => { delete resources[logicalId]; }),
      /has no subscription/],
    ['a topic encrypted with the AWS managed key',
      () => withChange('AWS::SNS::Topic', (p) => { p.KmsMasterKeyId = 'alias/aws/sns'; }),
      /is not encrypted with a KMS key of the template/],
    ['a key policy without the CloudWatch statement',
      () => withChange('AWS::KMS::Key', (p) => {
        p.KeyPolicy.Statement = p.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service !== 'cloudwatch.amazonaws.com');
      }),
      /does not let cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey\*/],
    ['a topic policy without the CloudWatch statement',
      () => withChange('AWS::SNS::TopicPolicy', (p) => {
        p.PolicyDocument.Statement = p.PolicyDocument.Statement.filter((s: any) => s.Effect !== 'Allow');
      }),
      /no topic policy lets cloudwatch.amazonaws.com sns:Publish/],
  ])('rejects %s', (_name, changed, problem) => {
    const problems = checkCloudWatch1(changed(), trailLogGroup);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  test('accepts > 0, the other way to alarm on one event', () => {
    const changed = withChange('AWS::CloudWatch::Alarm', (p) => {
      p.ComparisonOperator = 'GreaterThanThreshold';
      p.Threshold = 0;
    });
    expect(checkCloudWatch1(changed, trailLogGroup)).toEqual([]);
  });
});
