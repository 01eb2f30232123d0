import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmTopic, LogPatternAlarm } from '../src';

describe('LogPatternAlarm: the foundation for further CIS alarms', () => {
  test('any literal pattern, on a shared topic, with the same alarm semantics', () => {
    // GIVEN one topic for several CIS alarms
    const stack = new Stack(new App(), 'Stack');
    const alerts = new AlarmTopic(stack, 'Alerts', { emailAddresses: ['security@example.com'] });
    const consoleWithoutMfa = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }';

    // WHEN
    const alarm = new LogPatternAlarm(stack, 'ConsoleWithoutMfa', {
      filterPattern: consoleWithoutMfa,
      metricName: 'ConsoleSignInWithoutMfa',
      topic: alerts.topic,
    });

    // THEN the pattern is used verbatim, the chain is the same as the root usage alarm's
    const template = Template.fromStack(stack);
    expect(alarm.topic).toBe(alerts.topic);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: consoleWithoutMfa,
      LogGroupName: LogPatternAlarm.CONTROL_TOWER_LOG_GROUP_NAME,
      MetricTransformations: [{ MetricNamespace: 'CloudTrailMetrics', MetricName: 'ConsoleSignInWithoutMfa', MetricValue: '1' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 10,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
      AlarmDescription: Match.absent(),
    });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
  });

  test('its own topic when none is given', () => {
    const stack = new Stack(new App(), 'Stack');
    const alarm = new LogPatternAlarm(stack, 'Custom', {
      filterPattern: '{ $.eventName = "DeleteTrail" }',
      metricName: 'TrailDeleted',
      emailAddresses: ['security@example.com'],
    });
    expect(alarm.topic).toBeInstanceOf(sns.Topic);
    expect(alarm.encryptionKey).toBeDefined();
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 1);
  });

  test('rejects an empty pattern', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new LogPatternAlarm(stack, 'Custom', {
      filterPattern: '',
      metricName: 'M',
      emailAddresses: ['security@example.com'],
    })).toThrow(/LogPatternAlarm at Stack\/Custom: filterPattern must not be empty/);
  });
});
