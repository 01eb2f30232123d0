import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
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

describe('the commands that test a deployed alarm', () => {
  const REASON = "'Testing the notification path (cdk-root-usage-alarm): no root activity; the alarm returns to its real state at its next evaluation'";

  function alarmIn(stack: Stack, alarmName?: string): LogPatternAlarm {
    return new LogPatternAlarm(stack, 'Custom', {
      filterPattern: '{ $.eventName = "DeleteTrail" }',
      metricName: 'TrailDeleted',
      emailAddresses: ['security@example.com'],
      alarmName,
    });
  }

  test('testNotificationCommand sets the named alarm to ALARM in the stack region', () => {
    // GIVEN a stack with a known region and an alarm with a literal name
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'eu-west-1' } });

    // WHEN
    const command = alarmIn(stack, 'trail-deleted').testNotificationCommand();

    // THEN
    expect(command).toBe(
      "aws cloudwatch set-alarm-state --region 'eu-west-1' --alarm-name 'trail-deleted' --state-value ALARM " +
      `--state-reason ${REASON}`,
    );
  });

  test('actionHistoryCommand lists the action history of the named alarm', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'eu-west-1' } });
    expect(alarmIn(stack, 'trail-deleted').actionHistoryCommand()).toBe(
      "aws cloudwatch describe-alarm-history --region 'eu-west-1' --alarm-name 'trail-deleted' " +
      "--history-item-type Action --max-items 10 --query 'AlarmHistoryItems[].[Timestamp,HistorySummary]' --output text",
    );
  });

  test('a name with a single quote is quoted for the shell', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'eu-west-1' } });
    expect(alarmIn(stack, "root's alarm").testNotificationCommand()).toContain("--alarm-name 'root'\\''s alarm' ");
  });

  test('a generated name and an env-agnostic region resolve at deployment, in a CfnOutput', () => {
    // GIVEN an env-agnostic stack and an alarm whose name CloudFormation generates
    const stack = new Stack(new App(), 'Stack');
    const alarm = alarmIn(stack);

    // WHEN the user puts the command in an output
    new CfnOutput(stack, 'Test', { value: alarm.testNotificationCommand() });

    // THEN the output joins the region and the alarm's name (its Ref) into the command
    const output = Template.fromStack(stack).toJSON().Outputs.Test.Value;
    const alarmLogicalId = stack.getLogicalId(alarm.alarm.node.defaultChild as cloudwatch.CfnAlarm);
    expect(output).toEqual({
      'Fn::Join': ['', [
        "aws cloudwatch set-alarm-state --region '",
        { Ref: 'AWS::Region' },
        "' --alarm-name '",
        { Ref: alarmLogicalId },
        `' --state-value ALARM --state-reason ${REASON}`,
      ]],
    });
  });

  test('the construct adds no output of its own', () => {
    const stack = new Stack(new App(), 'Stack');
    alarmIn(stack);
    expect(Template.fromStack(stack).toJSON().Outputs).toBeUndefined();
  });
});
