/**
 * Never blind without telling: the delivery watchdog and the tamper alarm of a log group
 * (src/private/log-group-watch.ts), one of each per log group and stack, shared by every
 * construct of the library on it. The tamper pattern itself is proven against CloudTrail records
 * in test/tamper-pattern.test.ts.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CisControl, CisMonitoringAlarms, LogPatternAlarm, RootUsageAlarm } from '../src';
import { deployedLength } from '../src/private/insights-link';

const EMAIL = ['security@example.com'];

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

function alarmsOf(template: Template, props: Record<string, unknown>): any[] {
  return Object.values<any>(template.findResources('AWS::CloudWatch::Alarm', { Properties: props }));
}

const WATCHDOG = { Namespace: 'AWS/Logs', MetricName: 'IncomingLogEvents' };
const TAMPER = { MetricName: 'RootWatchTampering' };

function description(alarm: cloudwatch.IAlarm): string {
  return ((alarm as cloudwatch.Alarm).node.defaultChild as cloudwatch.CfnAlarm).alarmDescription!;
}

describe('the delivery watchdog', () => {
  const stack = newStack();
  const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL });
  const template = Template.fromStack(stack);
  const topicRef = { Ref: stack.getLogicalId(alarm.topic.node.defaultChild as sns.CfnTopic) };

  test('alarms when no event reached the log group in any 5-minute period of the last hour, missing data breaching', () => {
    const watchdogs = alarmsOf(template, WATCHDOG);
    expect(watchdogs).toHaveLength(1);
    expect(watchdogs[0].Properties).toMatchObject({
      Namespace: 'AWS/Logs',
      MetricName: 'IncomingLogEvents',
      Dimensions: [{ Name: 'LogGroupName', Value: 'aws-controltower/CloudTrailLogs' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 12,
      DatapointsToAlarm: 12,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      ActionsEnabled: true,
    });
  });

  test('notifies the topic on ALARM and on OK', () => {
    expect(alarmsOf(template, WATCHDOG)[0].Properties).toMatchObject({ AlarmActions: [topicRef], OKActions: [topicRef] });
  });

  test('says in plain words what it means and gives the commands that find the cause, within 1,024 characters', () => {
    const text = description(alarm.deliveryWatchdog!);
    expect(text).toMatch(/^Root use in the organization is not being watched: the CloudTrail log group aws-controltower\/CloudTrailLogs received no events for 1 hour/);
    expect(text).toContain("aws cloudtrail get-trail-status --region '${Token[AWS.Region.");
    expect(text).toContain("--name 'aws-controltower-BaselineCloudTrail' --query '[IsLogging,LatestCloudWatchLogsDeliveryTime,LatestCloudWatchLogsDeliveryError]'");
    expect(text).toContain("describe-trails --region '${Token[AWS.Region.");
    expect(text).toContain("--trail-name-list 'aws-controltower-BaselineCloudTrail' --query 'trailList[].CloudWatchLogsLogGroupArn'");
    expect(deployedLength(stack, text)).toBeLessThanOrEqual(1024);
  });

  test('for a group the user named, the commands find the trail that writes to it', () => {
    const s = newStack();
    const a = new RootUsageAlarm(s, 'RootUsage', { emailAddresses: EMAIL, logGroupName: 'org/trail' });
    const text = description(a.deliveryWatchdog!);
    expect(text).toContain("--query 'trailList[].[Name,CloudWatchLogsLogGroupArn]'");
    expect(text).not.toContain('aws-controltower-BaselineCloudTrail');
  });

  test('a longer window: more 5-minute periods, all of them without events', () => {
    const s = newStack();
    new RootUsageAlarm(s, 'RootUsage', { emailAddresses: EMAIL, deliveryWatchdogWindow: Duration.minutes(30) });
    expect(alarmsOf(Template.fromStack(s), WATCHDOG)[0].Properties).toMatchObject({ Period: 300, EvaluationPeriods: 6, DatapointsToAlarm: 6 });
  });

  test('deliveryWatchdog false: none', () => {
    const s = newStack();
    const a = new RootUsageAlarm(s, 'RootUsage', { emailAddresses: EMAIL, deliveryWatchdog: false });
    expect(a.deliveryWatchdog).toBeUndefined();
    expect(alarmsOf(Template.fromStack(s), WATCHDOG)).toHaveLength(0);
    expect(alarmsOf(Template.fromStack(s), TAMPER)).toHaveLength(1);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['not a multiple of 5 minutes', { deliveryWatchdogWindow: Duration.minutes(12) }, /deliveryWatchdogWindow must be a whole multiple of 5 minutes, at least 10 minutes \(got 12 minutes\)/],
    ['shorter than 10 minutes', { deliveryWatchdogWindow: Duration.minutes(5) }, /deliveryWatchdogWindow must be a whole multiple of 5 minutes, at least 10 minutes/],
    ['seconds', { deliveryWatchdogWindow: Duration.seconds(90) }, /deliveryWatchdogWindow must be a whole number of minutes/],
    ['longer than a day', { deliveryWatchdogWindow: Duration.hours(25) }, /deliveryWatchdogWindow must be at most 1 day/],
    ['a window without the watchdog', { deliveryWatchdog: false, deliveryWatchdogWindow: Duration.hours(2) }, /deliveryWatchdogWindow is only used with the delivery watchdog/],
  ])('rejects %s, naming the prop', (_name, props, error) => {
    expect(() => new RootUsageAlarm(newStack(), 'RootUsage', { emailAddresses: EMAIL, ...props }))
      .toThrow(new RegExp(`^RootUsageAlarm at Stack/RootUsage: ${error.source}`));
  });
});

describe('the tamper alarm', () => {
  const stack = newStack();
  const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL });
  const template = Template.fromStack(stack);

  test('a metric filter on the watched group, value 1, no dimensions, no default value', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: 'aws-controltower/CloudTrailLogs',
      MetricTransformations: [{ MetricNamespace: 'CloudTrailMetrics', MetricName: 'RootWatchTampering', MetricValue: '1' }],
    });
  });

  test('the pattern names the library\'s own topic, key and log group, and the trail calls', () => {
    const filter = Object.values<any>(template.findResources('AWS::Logs::MetricFilter', {
      Properties: { MetricTransformations: [{ MetricName: 'RootWatchTampering' }] },
    }))[0];
    const pattern = JSON.stringify(filter.Properties.FilterPattern);
    expect(pattern).toContain(stack.getLogicalId(alarm.topic.node.defaultChild as sns.CfnTopic));
    expect(pattern).toContain(stack.getLogicalId(alarm.encryptionKey!.node.defaultChild as any));
    // The trail by name only where it fits (test/tamper-pattern.test.ts): here any trail of the account and region.
    expect(pattern).toContain('$.eventName=\\"StopLogging\\"');
    expect(pattern).toContain('aws-controltower/CloudTrailLogs');
  });

  test('Sum >= 1 in any one-minute period of ten, missing data not breaching, ALARM and OK to the topic', () => {
    const topicRef = { Ref: stack.getLogicalId(alarm.topic.node.defaultChild as sns.CfnTopic) };
    expect(alarmsOf(template, TAMPER)).toHaveLength(1);
    expect(alarmsOf(template, TAMPER)[0].Properties).toMatchObject({
      Namespace: 'CloudTrailMetrics',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 10,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
  });

  test('says that root use may go unseen and links to who did it, within 1,024 characters for the longest group name', () => {
    const text = description(alarm.tamperAlarm!);
    expect(text).toMatch(/^Root use may go unseen: /);
    expect(text).toContain('#logsV2:logs-insights');
    const s = newStack();
    const longest = new RootUsageAlarm(s, 'RootUsage', { emailAddresses: EMAIL, logGroupName: `org/${'x'.repeat(70)}` });
    expect(deployedLength(s, description(longest.tamperAlarm!))).toBeLessThanOrEqual(1024);
  });

  test('tamperAlarm false: none', () => {
    const s = newStack();
    const a = new RootUsageAlarm(s, 'RootUsage', { emailAddresses: EMAIL, tamperAlarm: false });
    expect(a.tamperAlarm).toBeUndefined();
    expect(alarmsOf(Template.fromStack(s), TAMPER)).toHaveLength(0);
    Template.fromStack(s).resourcePropertiesCountIs('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike(TAMPER)] }, 0);
  });
});

describe('one watch per log group and stack', () => {
  test('CisMonitoringAlarms: one watchdog and one tamper alarm for fourteen alarms, created by the set itself', () => {
    const stack = newStack();
    const cis = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: EMAIL, excludeControls: [CisControl.CLOUDWATCH_1] });
    const template = Template.fromStack(stack);
    expect(alarmsOf(template, WATCHDOG)).toHaveLength(1);
    expect(alarmsOf(template, TAMPER)).toHaveLength(1);
    expect(cis.deliveryWatchdog!.node.path).toBe('Stack/Cis/Watch/DeliveryWatchdog');
    for (const a of cis.alarms) expect(a.deliveryWatchdog).toBe(cis.deliveryWatchdog);
  });

  test('two constructs with their own topics on one group: one watch, both topics notified and named in the pattern', () => {
    // GIVEN
    const stack = newStack();
    const root = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL });
    const other = new LogPatternAlarm(stack, 'Other', {
      emailAddresses: ['platform@example.com'], filterPattern: '{$.eventName="ConsoleLogin"}', metricName: 'ConsoleLogins',
    });
    // THEN
    const template = Template.fromStack(stack);
    expect(alarmsOf(template, WATCHDOG)).toHaveLength(1);
    expect(alarmsOf(template, TAMPER)).toHaveLength(1);
    expect(other.deliveryWatchdog).toBe(root.deliveryWatchdog);
    const topics = [root.topic, other.topic].map((t) => ({ Ref: stack.getLogicalId(t.node.defaultChild as sns.CfnTopic) }));
    for (const watchAlarm of [...alarmsOf(template, WATCHDOG), ...alarmsOf(template, TAMPER)]) {
      expect(watchAlarm.Properties.AlarmActions).toEqual(topics);
      expect(watchAlarm.Properties.OKActions).toEqual(topics);
    }
    // Two topics do not fit one pattern: the watch's filter and one filter per topic, all into the tamper metric.
    const tamperFilters = Object.values<any>(template.findResources('AWS::Logs::MetricFilter', {
      Properties: { MetricTransformations: [{ MetricName: 'RootWatchTampering' }] },
    })).map((f) => JSON.stringify(f.Properties.FilterPattern));
    expect(tamperFilters).toHaveLength(3);
    expect(tamperFilters[0]).toContain('StopLogging');
    expect(tamperFilters[0]).not.toContain(topics[0].Ref);
    topics.forEach((topic, i) => {
      expect(tamperFilters[i + 1]).toContain(topic.Ref);
      expect(tamperFilters[i + 1]).not.toContain('StopLogging');
    });
  });

  test('a construct asking for the watchdog after one that did not: it is created then', () => {
    const stack = newStack();
    const first = new RootUsageAlarm(stack, 'A', { emailAddresses: EMAIL, deliveryWatchdog: false });
    const second = new RootUsageAlarm(stack, 'B', { emailAddresses: EMAIL });
    expect(first.deliveryWatchdog).toBeUndefined();
    expect(second.deliveryWatchdog).toBeDefined();
    expect(alarmsOf(Template.fromStack(stack), WATCHDOG)).toHaveLength(1);
  });

  test('different windows on one group: an error naming both', () => {
    const stack = newStack();
    new RootUsageAlarm(stack, 'A', { emailAddresses: EMAIL });
    expect(() => new RootUsageAlarm(stack, 'B', { emailAddresses: EMAIL, deliveryWatchdogWindow: Duration.hours(2) }))
      .toThrow(/^RootUsageAlarm at Stack\/B: deliveryWatchdogWindow must be the same for every construct of the library on a log group \(one watchdog per log group\): RootUsageAlarm at Stack\/A set 1 hour, this one 2 hours/);
  });

  test('different log groups, or stacks: a watch each', () => {
    const app = new App();
    const one = new Stack(app, 'One');
    new RootUsageAlarm(one, 'A', { emailAddresses: EMAIL });
    new RootUsageAlarm(one, 'B', { emailAddresses: EMAIL, logGroupName: 'org/trail' });
    const two = new Stack(app, 'Two');
    new RootUsageAlarm(two, 'A', { emailAddresses: EMAIL });
    expect(alarmsOf(Template.fromStack(one), WATCHDOG)).toHaveLength(2);
    expect(alarmsOf(Template.fromStack(two), WATCHDOG)).toHaveLength(1);
  });
});
