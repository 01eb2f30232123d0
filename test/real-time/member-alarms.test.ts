/**
 * memberForwarderAlarms (issue 21: every forwarder the library creates has a failure alarm that
 * reaches the topic): the member template's two alarms, their region-dependent action, the stack
 * set's parameters, the receiving topics' and keys' policies, validation, and nothing of it by default.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ManagementAccountForwarder, RealTimeRootAlerts, RealTimeRootAlertsProps, RootUsageAlarm, StackSetCallAs } from '../../src';

const MANAGEMENT = '111122223333';
const DELEGATED = '444455556666';
const ORG = 'o-a1b2c3d4e5';
const EMAIL = 'security@example.com';

function central(app: App, props: Partial<RealTimeRootAlertsProps> = {},
  env: { account?: string; region?: string } | undefined = { account: MANAGEMENT, region: 'eu-west-1' },
  alarmProps: { topic?: sns.ITopic } = {}): RealTimeRootAlerts {
  const stack = new Stack(app, 'Security', { env });
  const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', {
    emailAddresses: [EMAIL], eventNotifications: true, logGroupName: 'aws-controltower/CloudTrailLogs-tfw-qeb', ...alarmProps,
  });
  return new RealTimeRootAlerts(stack, 'RealTime', {
    rootUsageAlarm, organizationalUnitIds: ['r-ab12'], organizationId: ORG, ...props,
  });
}

function forwarders(app: App, realTime: RealTimeRootAlerts, account = MANAGEMENT): Stack[] {
  return realTime.managementAccountRegions.map((region) => {
    const stack = new Stack(app, `RootUsageForwarder-${region}`, { env: { account, region } });
    new ManagementAccountForwarder(stack, 'Forwarder', { realTimeRootAlerts: realTime });
    return stack;
  });
}

function alarmsOf(template: any): Record<string, any> {
  return Object.fromEntries(Object.entries<any>(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm').map(([, r]) => [r.Properties.AlarmName, r.Properties]));
}

const ACTION = {
  'Fn::If': ['InCentralRegion', { Ref: 'RootUsageTopicArn' }, {
    'Fn::Sub': ['arn:${AWS::Partition}:sns:${AWS::Region}:${Account}:${Name}', {
      Account: { Ref: 'ManagementAccountId' }, Name: { Ref: 'RelayTopicName' },
    }],
  }],
};

/** The statement that admits the member alarms of `region`, as a topic or key policy holds it. */
function admits(region: string, actions: unknown, resource: unknown): object {
  return {
    Sid: 'AllowForwarderAlarmsOfTheOrganization',
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: actions,
    Resource: resource,
    Condition: {
      StringEquals: { 'aws:SourceOrgID': ORG },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${region}:*:alarm:root-usage-forwarder-*`]] } },
    },
  };
}

describe('the member template with memberForwarderAlarms', () => {
  test('the two alarms of the local forwarder, with fixed names, notifying on ALARM by region, on OK in the central region only', () => {
    // WHEN
    const member = JSON.parse(central(new App(), { memberForwarderAlarms: true }).memberTemplateBody);

    // THEN
    expect(member.Conditions.InCentralRegion).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'CentralRegion' }] });
    const alarms = alarmsOf(member);
    expect(Object.keys(alarms).sort()).toEqual(['root-usage-forwarder-dead-letter-queue', 'root-usage-forwarder-failed-deliveries']);
    for (const alarm of Object.values(alarms)) {
      expect(alarm).toMatchObject({
        ActionsEnabled: true,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [ACTION],
        OKActions: { 'Fn::If': ['InCentralRegion', [{ Ref: 'RootUsageTopicArn' }], { Ref: 'AWS::NoValue' }] },
      });
    }
    const failed = alarms['root-usage-forwarder-failed-deliveries'];
    expect(failed.Metrics[0].Expression).toBe('FILL(failed0, 0) + FILL(dlq0, 0) + FILL(failed1, 0) + FILL(dlq1, 0)');
    const rules = Object.entries<any>(member.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule').map(([id]) => id).sort();
    expect(failed.Metrics.slice(1).map((m: any) => [m.MetricStat.Metric.MetricName, m.MetricStat.Metric.Namespace,
      m.MetricStat.Metric.Dimensions[0].Value.Ref, m.MetricStat.Stat, m.MetricStat.Period]).sort()).toEqual([
      ...rules.flatMap((rule) => [
        ['FailedInvocations', 'AWS/Events', rule, 'Sum', 300],
        ['InvocationsFailedToBeSentToDlq', 'AWS/Events', rule, 'Sum', 300],
      ]),
    ].sort());
    const queue = Object.entries<any>(member.Resources).find(([, r]) => r.Type === 'AWS::SQS::Queue')![0];
    expect(alarms['root-usage-forwarder-dead-letter-queue']).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Statistic: 'Sum',
      Period: 300,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
    });
  });

  test('its parameters, passed by the stack set: the central region, the root-usage topic, the management account, the relay name', () => {
    // WHEN
    const realTime = central(new App(), { memberForwarderAlarms: true, eventBusName: 'org-root-events' });
    const template = Template.fromStack(Stack.of(realTime));

    // THEN
    const member = JSON.parse(realTime.memberTemplateBody);
    expect(Object.keys(member.Parameters).sort())
      .toEqual(['CentralEventBusArn', 'CentralRegion', 'ManagementAccountId', 'RelayTopicName', 'RootUsageTopicArn']);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      Parameters: [
        { ParameterKey: 'CentralEventBusArn', ParameterValue: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
        { ParameterKey: 'CentralRegion', ParameterValue: 'eu-west-1' },
        { ParameterKey: 'RootUsageTopicArn', ParameterValue: { Ref: Match.stringLikeRegexp('^RootUsageTopic') } },
        { ParameterKey: 'ManagementAccountId', ParameterValue: MANAGEMENT },
        { ParameterKey: 'RelayTopicName', ParameterValue: 'org-root-events-forwarder-alarms' },
      ],
    });
    // Each value matches its parameter's pattern.
    expect('eu-west-1').toMatch(new RegExp(member.Parameters.CentralRegion.AllowedPattern));
    expect(MANAGEMENT).toMatch(new RegExp(member.Parameters.ManagementAccountId.AllowedPattern));
    expect('org-root-events-forwarder-alarms').toMatch(new RegExp(member.Parameters.RelayTopicName.AllowedPattern));
    expect(`arn:aws:sns:eu-west-1:${MANAGEMENT}:Security-RootUsageTopicF4157BDB-AbC123`).toMatch(new RegExp(member.Parameters.RootUsageTopicArn.AllowedPattern));
  });

  test('default: no alarm, no parameter but the bus, and the stack set passes only the bus', () => {
    // WHEN
    const realTime = central(new App());
    const member = JSON.parse(realTime.memberTemplateBody);

    // THEN
    expect(alarmsOf(member)).toEqual({});
    expect(Object.keys(member.Parameters)).toEqual(['CentralEventBusArn']);
    expect(member.Conditions).toBeUndefined();
    Template.fromStack(Stack.of(realTime)).hasResourceProperties('AWS::CloudFormation::StackSet', {
      Parameters: [{ ParameterKey: 'CentralEventBusArn', ParameterValue: Match.anyValue() }],
    });
    expect(JSON.stringify(Template.fromStack(Stack.of(realTime)).toJSON())).not.toContain('AllowForwarderAlarmsOfTheOrganization');
  });

  test('within the TemplateBody limit', () => {
    expect(Buffer.byteLength(central(new App(), { memberForwarderAlarms: true, allRootApiCalls: true }).memberTemplateBody)).toBeLessThan(51_200);
  });
});

describe('the receiving topics admit the member alarms of their region (organization and alarm name)', () => {
  test('the root-usage topic and its key, in the central region', () => {
    // WHEN
    const app = new App();
    const realTime = central(app, { memberForwarderAlarms: true });
    forwarders(app, realTime);
    const template = Template.fromStack(Stack.of(realTime));

    // THEN
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([admits('eu-west-1', 'sns:Publish', { Ref: Match.stringLikeRegexp('^RootUsageTopic') })]) },
    });
    const keys = template.findResources('AWS::KMS::Key', {
      Properties: { KeyPolicy: { Statement: Match.arrayWith([admits('eu-west-1', ['kms:Decrypt', 'kms:GenerateDataKey*'], '*')]) } },
    });
    expect(Object.keys(keys)).toEqual([expect.stringMatching(/^RootUsageTopicKey/)]);
    expect(Annotations.fromStack(Stack.of(realTime)).findWarning('*', Match.stringLikeRegexp('memberForwarderAlarms'))).toEqual([]);
  });

  test('every relay topic and its key, in its own region', () => {
    // WHEN
    const app = new App();
    const realTime = central(app, { memberForwarderAlarms: true, regions: ['eu-west-1', 'eu-central-1', 'us-east-1'] });
    const stacks = forwarders(app, realTime);

    // THEN
    expect(stacks.map((s) => s.region).sort()).toEqual(['eu-central-1', 'us-east-1']);
    for (const stack of stacks) {
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([admits(stack.region, 'sns:Publish', { Ref: Match.stringLikeRegexp('^ForwarderRelayTopic') })]) },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: { Statement: Match.arrayWith([admits(stack.region, ['kms:Decrypt', 'kms:GenerateDataKey*'], '*')]) },
      });
    }
  });

  test('default: the relay topics admit only this account\'s alarms', () => {
    // WHEN
    const app = new App();
    const stacks = forwarders(app, central(app));

    // THEN
    expect(JSON.stringify(Template.fromStack(stacks[0]).toJSON())).not.toContain('aws:SourceOrgID');
  });

  test('a topic the user brings: the statement is added to its policy, and a warning says what its key policy needs', () => {
    // GIVEN
    const app = new App();
    const userStack = new Stack(app, 'User', { env: { account: MANAGEMENT, region: 'eu-west-1' } });
    const topic = new sns.Topic(userStack, 'UserTopic');

    // WHEN
    const realTime = central(app, { memberForwarderAlarms: true, regions: ['eu-west-1'] }, undefined, { topic });

    // THEN
    const warnings = Annotations.fromStack(Stack.of(realTime)).findWarning('*', Match.stringLikeRegexp('^memberForwarderAlarms:'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toMatch(/add to the policy of its KMS key \(if it is encrypted\) the statements \{"Action":\["kms:Decrypt"/);
    Template.fromStack(userStack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([admits('eu-west-1', 'sns:Publish', { Ref: Match.stringLikeRegexp('^UserTopic') })]) },
    });
  });

  test('an imported topic: a warning names both statements to add', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Imported', { env: { account: MANAGEMENT, region: 'eu-west-1' } });
    const topic = sns.Topic.fromTopicArn(stack, 'Existing', `arn:aws:sns:eu-west-1:${MANAGEMENT}:security-alerts`);

    // WHEN
    const realTime = central(app, { memberForwarderAlarms: true, regions: ['eu-west-1'] }, { account: MANAGEMENT, region: 'eu-west-1' }, { topic });

    // THEN
    const warnings = Annotations.fromStack(Stack.of(realTime)).findWarning('*', Match.stringLikeRegexp('^memberForwarderAlarms:'));
    expect(warnings).toHaveLength(1);
    const text = String(warnings[0].entry.data);
    expect(text).toContain('its topic policy and the policy of its KMS key');
    expect(text).toContain('"aws:SourceOrgID":"o-a1b2c3d4e5"');
    expect(text).toContain(':cloudwatch:eu-west-1:*:alarm:root-usage-forwarder-*');
    expect(text).toContain('"sns:Publish"');
    expect(text).toContain('"kms:GenerateDataKey*"');
  });
});

describe('validation of memberForwarderAlarms', () => {
  test('an environment-agnostic stack with the default regions (us-east-1 has no relay topic): an error naming the prop', () => {
    expect(() => central(new App(), { memberForwarderAlarms: true }, {}))
      .toThrow(/memberForwarderAlarms.*needs a stack with a concrete region \(env\), or regions listing exactly one region/);
  });

  test('an environment-agnostic stack watching one region: allowed, and a template rule keeps it in that region', () => {
    // WHEN
    const realTime = central(new App(), { memberForwarderAlarms: true, regions: ['eu-west-1'] }, {});

    // THEN
    const template = Template.fromStack(Stack.of(realTime)).toJSON();
    expect(Object.values<any>(template.Rules)).toContainEqual({
      Assertions: [{ Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }, AssertDescription: expect.stringContaining('deployed in eu-west-1') }],
    });
    Template.fromStack(Stack.of(realTime)).hasResourceProperties('AWS::CloudFormation::StackSet', {
      Parameters: Match.arrayWith([
        { ParameterKey: 'CentralRegion', ParameterValue: { Ref: 'AWS::Region' } },
        { ParameterKey: 'ManagementAccountId', ParameterValue: { Ref: 'AWS::AccountId' } },
      ]),
    });
  });

  test('a concrete region without an account: fine for its own region only', () => {
    expect(() => central(new App(), { memberForwarderAlarms: true, regions: ['eu-west-1'] }, { region: 'eu-west-1' })).not.toThrow();
    expect(() => central(new App(), { memberForwarderAlarms: true }, { region: 'eu-west-1' }))
      .toThrow(/memberForwarderAlarms.*needs a stack with a concrete account \(env\) when the stack set deploys outside eu-west-1 \(us-east-1\)/);
  });

  test('callAs DELEGATED_ADMIN: the management account is the forwarders\' account', () => {
    // GIVEN
    const app = new App();
    const realTime = central(app, { memberForwarderAlarms: true, callAs: StackSetCallAs.DELEGATED_ADMIN }, { account: DELEGATED, region: 'eu-west-1' });

    // WHEN
    forwarders(app, realTime);

    // THEN
    Template.fromStack(Stack.of(realTime)).hasResourceProperties('AWS::CloudFormation::StackSet', {
      Parameters: Match.arrayWith([{ ParameterKey: 'ManagementAccountId', ParameterValue: MANAGEMENT }]),
    });
  });

  test('callAs DELEGATED_ADMIN without a forwarder: an error at synthesis, naming the prop', () => {
    // GIVEN
    const app = new App();
    central(app, { memberForwarderAlarms: true, callAs: StackSetCallAs.DELEGATED_ADMIN }, { account: DELEGATED, region: 'eu-west-1' });

    // THEN
    expect(() => app.synth()).toThrow(/memberForwarderAlarms with callAs DELEGATED_ADMIN needs a ManagementAccountForwarder/);
  });

  test('a missing forwarder: the warning also says the member alarms there have no topic', () => {
    // WHEN
    const realTime = central(new App(), { memberForwarderAlarms: true });

    // THEN
    const warnings = Annotations.fromStack(Stack.of(realTime)).findWarning('*', Match.stringLikeRegexp('not forwarded in real time'));
    expect(String(warnings[0].entry.data)).toContain('With memberForwarderAlarms, the member accounts\' forwarder alarms in these regions notify');
  });
});
