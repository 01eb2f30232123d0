/**
 * The children as aws-cdk-lib users expect to tune them: the event notifier's log retention,
 * memory and tracing (`eventNotifierOptions`), the topic's name (`topicName`), and one action added
 * to every alarm the library creates (`addAlarmAction`).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmTopic, CisControl, CisMonitoringAlarms, EventNotifier, RealTimeRootAlerts, RootUsageAlarm } from '../src';

const EMAIL = 'security@example.com';

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

/** The ALARM actions of every alarm in the template, by logical ID. */
function alarmActions(stack: Stack): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
    .map(([id, alarm]) => [id, alarm.Properties.AlarmActions ?? []]));
}

describe('eventNotifierOptions', () => {
  test('set the function\'s memory, tracing and log retention; tracing adds the X-Ray statement to the execution policy', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new RootUsageAlarm(stack, 'RootUsage', {
      emailAddresses: [EMAIL],
      eventNotifications: true,
      eventNotifierOptions: { memorySize: 512, tracing: lambda.Tracing.ACTIVE, logRetention: logs.RetentionDays.THREE_MONTHS },
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, TracingConfig: { Mode: 'Active' } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90, KmsKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        ]),
      },
    });
    // Still one policy on the role: lambda.Function's own tracing grant would add a second.
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('by default: 256 MB, no tracing, one year of logs, no X-Ray statement', () => {
    const stack = newStack();
    new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 256, TracingConfig: Match.absent() });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    expect(JSON.stringify(template.toJSON())).not.toContain('xray:');
  });

  test('reach the notifier of the CIS set\'s root-usage alarm', () => {
    const stack = newStack();
    new CisMonitoringAlarms(stack, 'Cis', {
      emailAddresses: [EMAIL],
      eventNotifications: true,
      eventNotifierOptions: { memorySize: 1024, tracing: lambda.Tracing.PASS_THROUGH },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, TracingConfig: { Mode: 'PassThrough' } });
  });

  test.each([
    [{ memorySize: 100 }, /eventNotifierOptions\.memorySize must be a whole number of MB from 128 to 10240 \(got 100\)/],
    [{ memorySize: 256.5 }, /eventNotifierOptions\.memorySize must be a whole number of MB/],
    [{ memorySize: 20_000 }, /eventNotifierOptions\.memorySize must be a whole number of MB/],
    [{ tracing: 'Sometimes' as lambda.Tracing }, /eventNotifierOptions\.tracing must be a member of lambda\.Tracing \(got "Sometimes"\)/],
    [{ logRetention: 42 as logs.RetentionDays }, /eventNotifierOptions\.logRetention must be a member of logs\.RetentionDays \(got 42\)/],
  ])('rejects %j', (options, message) => {
    expect(() => new RootUsageAlarm(newStack(), 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true, eventNotifierOptions: options }))
      .toThrow(message);
  });

  test('are only used with eventNotifications', () => {
    expect(() => new RootUsageAlarm(newStack(), 'RootUsage', { emailAddresses: [EMAIL], eventNotifierOptions: { memorySize: 512 } }))
      .toThrow(/RootUsageAlarm at Stack\/RootUsage: eventNotifierOptions is only used with eventNotifications/);
    expect(() => new CisMonitoringAlarms(newStack(), 'Cis', { emailAddresses: [EMAIL], eventNotifierOptions: { memorySize: 512 } }))
      .toThrow(/CisMonitoringAlarms at Stack\/Cis: eventNotifierOptions is only used with eventNotifications/);
  });

  test('EventNotifier takes the same options and names them as its own props', () => {
    const stack = newStack();
    const topic = new AlarmTopic(stack, 'Topic');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', 'aws-controltower/CloudTrailLogs');
    expect(() => new EventNotifier(stack, 'Notifier', { logGroup, topic: topic.topic, topicEncryptionKey: topic.encryptionKey, memorySize: 64 }))
      .toThrow(/EventNotifier at Stack\/Notifier: memorySize must be a whole number of MB/);
  });
});

describe('topicName', () => {
  test('names the topic the construct creates', () => {
    const stack = newStack();
    new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], topicName: 'root-usage-alerts' });
    new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL], topicName: 'cis-alerts', controls: [CisControl.CLOUDWATCH_4] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'root-usage-alerts' });
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'cis-alerts' });
  });

  test('is rejected with an existing topic, and when too long', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Mine');
    expect(() => new RootUsageAlarm(stack, 'A', { topic, topicName: 'x' }))
      .toThrow(/RootUsageAlarm at Stack\/A: topicName must not be given together with topic/);
    expect(() => new CisMonitoringAlarms(stack, 'B', { topic, topicName: 'x' }))
      .toThrow(/CisMonitoringAlarms at Stack\/B: topicName must not be given together with topic/);
    expect(() => new RootUsageAlarm(stack, 'C', { emailAddresses: [EMAIL], topicName: 'x'.repeat(257) }))
      .toThrow(/topicName must be at most 256 characters long \(got 257\)/);
  });
});

describe('addAlarmAction', () => {
  test('adds the action to every alarm of a RootUsageAlarm with eventNotifications, beside its topic', () => {
    // GIVEN
    const stack = newStack();
    const rootUsage = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true });
    const paging = new AlarmTopic(stack, 'Paging');
    // WHEN
    rootUsage.addAlarmAction(new actions.SnsAction(paging.topic));
    // THEN: the alarm, the log group's delivery watchdog and tamper alarm, and the notifier's six failure alarms
    const all = alarmActions(stack);
    expect(Object.keys(all)).toHaveLength(9);
    for (const [id, alarmActionList] of Object.entries(all)) {
      expect({ id, count: alarmActionList.length }).toEqual({ id, count: 2 });
      expect(alarmActionList).toContainEqual({ Ref: stack.resolve(paging.topic.topicArn).Ref });
      expect(alarmActionList).toContainEqual({ Ref: stack.resolve(rootUsage.topic.topicArn).Ref });
    }
  });

  test.each([false, true])('the CIS set: every control\'s alarm; RealTimeRootAlerts: its own alarms (called on both: %s)', (both) => {
    // GIVEN
    const stack = newStack();
    const cis = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL], eventNotifications: true });
    const realTime = new RealTimeRootAlerts(stack, 'RealTime', {
      rootUsageAlarm: cis.rootUsage!,
      organizationalUnitIds: ['r-ab12'],
      organizationId: 'o-a1b2c3d4e5',
    });
    const paging = new AlarmTopic(stack, 'Paging');
    const pagingRef = JSON.stringify({ Ref: stack.resolve(paging.topic.topicArn).Ref });

    // WHEN
    cis.addAlarmAction(new actions.SnsAction(paging.topic));
    if (both) realTime.addAlarmAction(new actions.SnsAction(paging.topic));

    // THEN: 14 controls, the watchdog and the tamper alarm, and 6 notifier alarms; the real-time path's 4 when called on it, once each
    const all = alarmActions(stack);
    expect(Object.keys(all)).toHaveLength(26);
    for (const [id, list] of Object.entries(all)) {
      const expected = id.startsWith('RealTime') && !both ? 0 : 1;
      expect({ id, paged: list.filter((a) => JSON.stringify(a) === pagingRef).length }).toEqual({ id, paged: expected });
    }
  });
});
