import { App, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RealTimeRootAlerts, RealTimeRootAlertsProps, RootEventForwarder, RootUsageAlarm, StackSetCallAs } from '../src';
import { ASSUME_ROOT_PATTERN, CENTRAL_PATTERN, ROOT_ACTIVITY_PATTERN } from '../src/private/real-time/event-patterns';

const EMAIL = 'security@example.com';
const ORG = 'o-a1b2c3d4e5';

interface Built {
  readonly stack: Stack;
  readonly template: Template;
  readonly realTime: RealTimeRootAlerts;
  readonly member: any;
}

function build(props: Partial<RealTimeRootAlertsProps> = {}, region?: string): Built {
  const stack = new Stack(new App(), 'Security', region ? { env: { account: '111122223333', region } } : undefined);
  const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true });
  const realTime = new RealTimeRootAlerts(stack, 'RealTime', {
    rootUsageAlarm,
    organizationalUnitIds: ['r-ab12'],
    organizationId: ORG,
    ...props,
  });
  return { stack, template: Template.fromStack(stack), realTime, member: JSON.parse(realTime.memberTemplateBody) };
}

function resourcesOfType(template: any, type: string): [string, any][] {
  return Object.entries<any>(template.Resources).filter(([, resource]) => resource.Type === type);
}

function logicalIdOf(stack: Stack, element: { logicalId: string }): string {
  return stack.resolve(element.logicalId);
}

describe('the stack set', () => {
  test('service-managed, automatic deployment to the organizational units, accounts that leave lose it', () => {
    // WHEN
    const { template } = build({ organizationalUnitIds: ['ou-ab12-cd34ef56', 'r-ab12'] });

    // THEN
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'root-usage-real-time-alerts',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'SELF',
      Capabilities: ['CAPABILITY_IAM'],
      ManagedExecution: { Active: true },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cd34ef56', 'r-ab12'] }, Regions: Match.anyValue() }],
    });
  });

  test('operation preferences sized for a thousand accounts: 25 % at once, 10 % may fail, regions in parallel, soft tolerance', () => {
    // WHEN
    const { template } = build();

    // THEN
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      OperationPreferences: {
        MaxConcurrentPercentage: 25,
        FailureTolerancePercentage: 10,
        RegionConcurrencyType: 'PARALLEL',
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
    });
  });

  test('operation preferences, call-as and name can be chosen', () => {
    // WHEN
    const { template } = build({
      maxConcurrentPercentage: 100,
      failureTolerancePercentage: 0,
      callAs: StackSetCallAs.DELEGATED_ADMIN,
      stackSetName: 'RootAlerts',
    });

    // THEN
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'RootAlerts',
      CallAs: 'DELEGATED_ADMIN',
      OperationPreferences: Match.objectLike({ MaxConcurrentPercentage: 100, FailureTolerancePercentage: 0 }),
    });
  });

  test('regions: us-east-1 (root sign-ins) and the stack region, once, also when the region is known only at deployment', () => {
    // WHEN
    const agnostic = build();
    const [, stackSet] = resourcesOfType(agnostic.template.toJSON(), 'AWS::CloudFormation::StackSet')[0];
    const condition = stackSet.Properties.StackInstancesGroup[0].Regions['Fn::If'][0];

    // THEN
    expect(stackSet.Properties.StackInstancesGroup[0].Regions).toEqual({
      'Fn::If': [condition, ['us-east-1'], ['us-east-1', { Ref: 'AWS::Region' }]],
    });
    expect(agnostic.template.toJSON().Conditions[condition]).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    for (const [region, expected] of [['eu-west-1', ['us-east-1', 'eu-west-1']], ['us-east-1', ['us-east-1']]] as const) {
      build({}, region).template.hasResourceProperties('AWS::CloudFormation::StackSet', {
        StackInstancesGroup: [{ DeploymentTargets: Match.anyValue(), Regions: expected }],
      });
    }
  });

  test('regions can be given', () => {
    // WHEN
    const { template } = build({ regions: ['us-east-1', 'eu-central-1', 'ap-southeast-2'] });

    // THEN
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [{ DeploymentTargets: Match.anyValue(), Regions: ['us-east-1', 'eu-central-1', 'ap-southeast-2'] }],
    });
  });

  test('the member template, inline, with the central bus ARN as its parameter; created after the bus policy', () => {
    // WHEN
    const { stack, template, realTime } = build();

    // THEN
    const busId = logicalIdOf(stack, realTime.node.findChild('EventBus') as any);
    template.hasResource('AWS::CloudFormation::StackSet', {
      Properties: Match.objectLike({
        TemplateBody: realTime.memberTemplateBody,
        Parameters: [{ ParameterKey: 'CentralEventBusArn', ParameterValue: { 'Fn::GetAtt': [busId, 'Arn'] } }],
      }),
      DependsOn: Match.arrayWith([logicalIdOf(stack, realTime.node.findChild('EventBusPolicy') as any)]),
    });
    expect(Buffer.byteLength(realTime.memberTemplateBody)).toBeLessThan(51_200);
  });
});

describe('the member template', () => {
  test('a plain template: no assets, no bootstrap rule or parameter, only the bus ARN parameter', () => {
    // WHEN
    const { member } = build();

    // THEN
    expect(Object.keys(member.Parameters)).toEqual(['CentralEventBusArn']);
    expect(member.Rules).toBeUndefined();
    expect(Object.values<any>(member.Resources).map((r) => r.Type).sort()).toEqual([
      'AWS::Events::Rule', 'AWS::Events::Rule', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy',
    ]);
    expect(JSON.stringify(member)).not.toMatch(/cdk-hnb659fds|AssetParameters|BootstrapVersion/);
  });

  test('the same template when the CDK CLI runs the app (its context adds construct paths and version reporting)', () => {
    // GIVEN
    const plain = build().realTime.memberTemplateBody;
    const before = process.env.CDK_CONTEXT_JSON;
    process.env.CDK_CONTEXT_JSON = JSON.stringify({
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:version-reporting': true,
    });
    try {
      // WHEN
      const underCli = build().realTime.memberTemplateBody;

      // THEN
      expect(underCli).toEqual(plain);
      expect(underCli).not.toMatch(/aws:cdk:|CDKMetadata/);
    } finally {
      if (before === undefined) delete process.env.CDK_CONTEXT_JSON;
      else process.env.CDK_CONTEXT_JSON = before;
    }
  });

  test('the rules: root activity (state ENABLED) and AssumeRoot (all management events), to the central bus with the role, a DLQ and retries', () => {
    // WHEN
    const { member } = build();

    // THEN
    const rules = Object.fromEntries(resourcesOfType(member, 'AWS::Events::Rule').map(([id, r]) => [id, r.Properties]));
    const roleId = resourcesOfType(member, 'AWS::IAM::Role')[0][0];
    const queueId = resourcesOfType(member, 'AWS::SQS::Queue')[0][0];
    const target = {
      Id: 'CentralEventBus',
      Arn: { Ref: 'CentralEventBusArn' },
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
    };
    expect(rules).toEqual({
      ForwarderRootActivityRuleD4AF6399: expect.objectContaining({ EventPattern: ROOT_ACTIVITY_PATTERN, State: 'ENABLED', Targets: [target] }),
      ForwarderAssumeRootRuleA5E59E35: expect.objectContaining({
        EventPattern: ASSUME_ROOT_PATTERN,
        State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        Targets: [target],
      }),
    });
    // The CIS conditions, restated for EventBridge.
    expect(ROOT_ACTIVITY_PATTERN.detail).toEqual({
      userIdentity: { type: ['Root'], invokedBy: [{ exists: false }] },
      eventType: [{ 'anything-but': 'AwsServiceEvent' }],
    });
  });

  test('allRootApiCalls: the root-activity rule receives read-only management events too, with the same pattern', () => {
    // WHEN
    const { member } = build({ allRootApiCalls: true });

    // THEN
    expect(member.Resources.ForwarderRootActivityRuleD4AF6399.Properties).toEqual(expect.objectContaining({
      EventPattern: ROOT_ACTIVITY_PATTERN,
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    }));
  });

  test('the role: assumed by EventBridge for this account only, allowed events:PutEvents on the central bus only', () => {
    // WHEN
    const { member } = build();

    // THEN
    const [roleId, role] = resourcesOfType(member, 'AWS::IAM::Role')[0];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    }]);
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = resourcesOfType(member, 'AWS::IAM::ManagedPolicy');
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Properties.Roles).toEqual([{ Ref: roleId }]);
    expect(policies[0][1].Properties.PolicyDocument.Statement).toEqual([{
      Sid: 'PutEventsOnCentralBus', Action: 'events:PutEvents', Effect: 'Allow', Resource: { Ref: 'CentralEventBusArn' },
    }]);
  });

  test('the dead-letter queue: encrypted, TLS only, only the two rules may send to it', () => {
    // WHEN
    const { member } = build();

    // THEN
    const [queueId, queue] = resourcesOfType(member, 'AWS::SQS::Queue')[0];
    expect(queue.Properties).toEqual({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    const statements = resourcesOfType(member, 'AWS::SQS::QueuePolicy')[0][1].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual({
      Sid: 'AllowForwardingRules',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      Condition: {
        ArnEquals: {
          'aws:SourceArn': [
            { 'Fn::GetAtt': ['ForwarderRootActivityRuleD4AF6399', 'Arn'] },
            { 'Fn::GetAtt': ['ForwarderAssumeRootRuleA5E59E35', 'Arn'] },
          ],
        },
      },
    });
  });
});

describe('the central event bus and rule', () => {
  test('the bus accepts events only from principals of the organization', () => {
    // WHEN
    const { stack, template, realTime } = build();

    // THEN
    const busId = logicalIdOf(stack, realTime.node.findChild('EventBus') as any);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'root-usage-real-time' });
    template.resourceCountIs('AWS::Events::EventBusPolicy', 1);
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: { Ref: busId },
      StatementId: 'AllowPutEventsFromTheOrganization',
      Statement: {
        Sid: 'AllowPutEventsFromTheOrganization',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
      },
    });
  });

  test('the central rule sends root activity and AssumeRoot calls, read-only ones included, to the event notifier function, with a DLQ and retries', () => {
    // WHEN
    const { stack, template, realTime } = build();

    // THEN
    const busId = logicalIdOf(stack, realTime.node.findChild('EventBus') as any);
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'root-usage-to-event-notifier',
      EventBusName: { Ref: busId },
      EventPattern: { $or: [ROOT_ACTIVITY_PATTERN, ASSUME_ROOT_PATTERN] },
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      Targets: [{
        Id: 'EventNotifier',
        Arn: { 'Fn::GetAtt': ['RootUsageEventNotifierFunction9845F2EF', 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(stack, realTime.deadLetterQueue.node.defaultChild as any), 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      }],
    });
  });

  test('EventBridge may invoke the function for the central rule only', () => {
    // WHEN
    const { stack, template, realTime } = build();

    // THEN
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': ['RootUsageEventNotifierFunction9845F2EF', 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [logicalIdOf(stack, realTime.centralRule), 'Arn'] },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  test('this account is covered in this region: the same forwarding rules, targeting the central bus', () => {
    // WHEN
    const { stack, template, realTime } = build();

    // THEN
    const busId = logicalIdOf(stack, realTime.node.findChild('EventBus') as any);
    for (const [pattern, state] of [[ROOT_ACTIVITY_PATTERN, 'ENABLED'], [ASSUME_ROOT_PATTERN, 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']] as const) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: Match.absent(),
        EventPattern: pattern,
        State: state,
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [busId, 'Arn'] }, RoleArn: Match.anyValue() })],
      });
    }
    template.hasResource('AWS::Events::Rule', {
      Properties: Match.objectLike({ EventPattern: ROOT_ACTIVITY_PATTERN }),
      DependsOn: Match.arrayWith([logicalIdOf(stack, realTime.node.findChild('EventBusPolicy') as any)]),
    });
  });

  test('the central pattern is the two forwarding patterns, as one $or', () => {
    expect(CENTRAL_PATTERN).toEqual({ $or: [ROOT_ACTIVITY_PATTERN, ASSUME_ROOT_PATTERN] });
  });

});

describe('failures are not silent', () => {
  test('four alarms, each notifying the root-usage topic on ALARM and on OK', () => {
    // WHEN
    const { template } = build();

    // THEN
    const alarms = resourcesOfType(template.toJSON(), 'AWS::CloudWatch::Alarm').filter(([id]) => id.startsWith('RealTime'));
    expect(alarms.map(([id]) => id).sort()).toEqual([
      'RealTimeCentralRuleAlarm32FD9976', 'RealTimeDeadLetterAlarm83C057A8', 'RealTimeLocalDeadLetterAlarm27691B57', 'RealTimeLocalForwarderAlarm0EE36941',
    ]);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties).toEqual(expect.objectContaining({
        AlarmActions: [{ Ref: 'RootUsageTopicF4157BDB' }],
        OKActions: [{ Ref: 'RootUsageTopicF4157BDB' }],
        ActionsEnabled: true,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      }));
    }
  });

  test('the central rule alarm counts failed invocations and failed DLQ sends of that rule on the central bus', () => {
    // WHEN
    const { template } = build();

    // THEN
    const alarm = template.toJSON().Resources.RealTimeCentralRuleAlarm32FD9976.Properties;
    const metrics = alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat);
    expect(metrics).toEqual(['FailedInvocations', 'InvocationsFailedToBeSentToDlq'].map((metricName) => ({
      Metric: {
        Namespace: 'AWS/Events',
        MetricName: metricName,
        Dimensions: expect.arrayContaining([{ Name: 'EventBusName', Value: 'root-usage-real-time' }, { Name: 'RuleName', Value: 'root-usage-to-event-notifier' }]),
      },
      Period: 300,
      Stat: 'Sum',
    })));
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('FILL(failed0, 0) + FILL(dlq0, 0)');
  });

  test('the dead-letter alarms count messages sent to the queues, not only their depth', () => {
    // WHEN
    const { stack, template, realTime } = build();

    // THEN
    for (const [alarmId, queue] of [
      ['RealTimeDeadLetterAlarm83C057A8', realTime.deadLetterQueue],
      ['RealTimeLocalDeadLetterAlarm27691B57', realTime.localForwarder!.deadLetterQueue],
    ] as const) {
      expect(template.toJSON().Resources[alarmId].Properties).toEqual(expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'NumberOfMessagesSent',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(stack, queue.node.defaultChild as any), 'QueueName'] } }],
        Statistic: 'Sum',
        Period: 300,
      }));
    }
  });

  test('the local forwarder alarm counts both rules on the default bus', () => {
    // WHEN
    const { stack, template, realTime } = build();

    // THEN
    const alarm = template.toJSON().Resources.RealTimeLocalForwarderAlarm0EE36941.Properties;
    const dimensions = alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.Dimensions);
    const ruleRefs = [realTime.localForwarder!.rootActivityRule, realTime.localForwarder!.assumeRootRule]
      .map((rule) => [{ Name: 'RuleName', Value: { Ref: logicalIdOf(stack, rule) } }]);
    expect(dimensions).toEqual([ruleRefs[0], ruleRefs[0], ruleRefs[1], ruleRefs[1]]);
  });
});

test('the root-usage alarm and its event notifier are unchanged by the real-time path', () => {
  // GIVEN
  const alone = new Stack(new App(), 'Security');
  new RootUsageAlarm(alone, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true });

  // WHEN
  const { template } = build();

  // THEN the same, but for the regions the notifier's log path checks the real-time path in
  const rootUsageResources = (t: any) => Object.fromEntries(Object.entries<any>(t.Resources).filter(([id]) => id.startsWith('RootUsage')));
  const withRealTime = rootUsageResources(template.toJSON());
  const [fnId] = Object.entries<any>(withRealTime).find(([, r]) => r.Type === 'AWS::Lambda::Function')!;
  const variables = withRealTime[fnId].Properties.Environment.Variables;
  expect(variables.REALTIME_REGIONS).toBeDefined();
  delete variables.REALTIME_REGIONS;
  expect(withRealTime).toEqual(rootUsageResources(Template.fromStack(alone).toJSON()));
});

describe('the regions the log path checks the real-time path in (REALTIME_REGIONS of the notifier)', () => {
  const realTimeRegions = (template: Template, stack: Stack): unknown => {
    const fns = Object.values<any>(template.toJSON().Resources).filter((r) => r.Type === 'AWS::Lambda::Function'
      && r.Properties.Environment?.Variables?.LOG_GROUP_NAME !== undefined);
    expect(fns).toHaveLength(1);
    return stack.resolve(fns[0].Properties.Environment.Variables.REALTIME_REGIONS);
  };

  test('the regions listed: the stack set\'s regions', () => {
    const { template, stack } = build({ regions: ['eu-west-1', 'us-east-1', 'eu-central-1'] }, 'eu-west-1');
    expect(realTimeRegions(template, stack)).toBe('eu-west-1,us-east-1,eu-central-1');
  });

  test('no regions: us-east-1 and the stack\'s region', () => {
    const { template, stack } = build({}, 'eu-west-1');
    expect(realTimeRegions(template, stack)).toBe('us-east-1,eu-west-1');
  });

  test('an environment-agnostic stack: the same condition as the stack set\'s regions', () => {
    const { template, stack } = build();
    const stackSet = Object.values<any>(template.toJSON().Resources).find((r) => r.Type === 'AWS::CloudFormation::StackSet');
    expect(realTimeRegions(template, stack)).toEqual({ 'Fn::Join': [',', stackSet.Properties.StackInstancesGroup[0].Regions] });
  });
});

describe('RootEventForwarder on its own (another region of the management account)', () => {
  test('the same rules, targeting the bus it is given', () => {
    // GIVEN
    const stack = new Stack(new App(), 'SignIns', { env: { account: '111122223333', region: 'us-east-1' } });
    const eventBusArn = 'arn:aws:events:eu-west-1:111122223333:event-bus/root-usage-real-time';

    // WHEN
    new RootEventForwarder(stack, 'Forwarder', { eventBusArn });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: ROOT_ACTIVITY_PATTERN, Targets: [Match.objectLike({ Arn: eventBusArn })] });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'events:PutEvents', Resource: eventBusArn })] },
    });
  });
});

describe('validation', () => {
  test('RootEventForwarder rejects what is not an event bus ARN; a token passes', () => {
    // GIVEN
    const stack = new Stack(new App(), 'SignIns');

    // THEN
    expect(() => new RootEventForwarder(stack, 'Forwarder', { eventBusArn: 'arn:aws:sns:eu-west-1:111122223333:topic' }))
      .toThrow(/RootEventForwarder at SignIns\/Forwarder: eventBusArn must be an event bus ARN/);
    expect(() => new RootEventForwarder(stack, 'Token', { eventBusArn: Token.asString({ Ref: 'Bus' }) })).not.toThrow();
  });

  test.each<[string, Partial<RealTimeRootAlertsProps>, RegExp]>([
    ['organization ID', { organizationId: 'o-short' }, /organizationId must be an organization ID/],
    ['organization ID in upper case', { organizationId: 'o-A1B2C3D4E5' }, /organizationId must be an organization ID/],
    ['no organizational unit', { organizationalUnitIds: [] }, /organizationalUnitIds must list at least one/],
    ['an account ID as organizational unit', { organizationalUnitIds: ['111122223333'] }, /organizationalUnitIds\[0\] must be an organization root ID/],
    ['an organizational unit twice', { organizationalUnitIds: ['r-ab12', 'r-ab12'] }, /must not list "r-ab12" twice/],
    ['no region', { regions: [] }, /regions must list at least one region/],
    ['a region name', { regions: ['us-east-1', 'Frankfurt'] }, /regions\[1\] must be a region name/],
    ['a region twice', { regions: ['us-east-1', 'us-east-1'] }, /regions must not list "us-east-1" twice/],
    ['bus name "default"', { eventBusName: 'default' }, /eventBusName must not be "default"/],
    ['bus name with a slash', { eventBusName: 'a/b' }, /eventBusName must be 1 to 256 characters/],
    ['stack set name', { stackSetName: '1-root' }, /stackSetName must start with a letter/],
    ['concurrency 0 %', { maxConcurrentPercentage: 0 }, /maxConcurrentPercentage must be a whole number from 1 to 100/],
    ['failure tolerance over 100 %', { failureTolerancePercentage: 101 }, /failureTolerancePercentage must be a whole number from 0 to 100/],
    ['a fraction', { maxConcurrentPercentage: 12.5 }, /maxConcurrentPercentage must be a whole number/],
  ])('rejects %s, naming the construct and the prop', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
    expect(() => build(props)).toThrow(/RealTimeRootAlerts at Security\/RealTime:/);
  });

  test('rejects a root-usage alarm without event notifications', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Security');
    const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL] });

    // THEN
    expect(() => new RealTimeRootAlerts(stack, 'RealTime', { rootUsageAlarm, organizationalUnitIds: ['r-ab12'], organizationId: ORG }))
      .toThrow(/rootUsageAlarm must have eventNotifications set to true: the real-time events/);
  });

  test('tokens pass through', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Security');
    const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true });

    // WHEN
    new RealTimeRootAlerts(stack, 'RealTime', {
      rootUsageAlarm,
      organizationId: Token.asString({ Ref: 'OrgId' }),
      organizationalUnitIds: Token.asList({ Ref: 'Ous' }),
      regions: [Token.asString({ Ref: 'Region' })],
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: { Ref: 'Ous' } }, Regions: [{ Ref: 'Region' }] }],
    });
  });
});
