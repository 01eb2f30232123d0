/**
 * The management account on the real-time path (a service-managed stack set never deploys to it):
 * covered in us-east-1 and every watched region through ManagementAccountForwarder stacks, with no
 * ARN typed by hand, in both callAs modes; the warning appears only while a region is missing,
 * says what to add, and stops once it is added (a synthesis that treats warnings as errors, as
 * `cdk synth --strict` does, passes on the documented setup).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ManagementAccountForwarder, RealTimeRootAlerts, RealTimeRootAlertsProps, RootUsageAlarm, StackSetCallAs } from '../../src';

const MANAGEMENT = '111122223333';
const DELEGATED = '444455556666';

function central(app: App, props: Partial<RealTimeRootAlertsProps> = {}, env: { account?: string; region?: string } | undefined =
{ account: MANAGEMENT, region: 'eu-west-1' }): RealTimeRootAlerts {
  const stack = new Stack(app, 'Security', { env });
  // The trail's log group by name, as the CDK CLI's lookup answers it on a 4.0 landing zone: aws-cdk-lib
  // older than 2.182.0 (test:min-cdk runs this file on 2.93.0) cannot ask for the lookup and warns.
  const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', {
    emailAddresses: ['security@example.com'], eventNotifications: true, logGroupName: 'aws-controltower/CloudTrailLogs-tfw-qeb',
  });
  return new RealTimeRootAlerts(stack, 'RealTime', {
    rootUsageAlarm, organizationalUnitIds: ['r-ab12'], organizationId: 'o-a1b2c3d4e5', ...props,
  });
}

/** The documented setup: one stack per region of managementAccountRegions, in the management account. */
function forwarders(app: App, realTime: RealTimeRootAlerts, account = MANAGEMENT): Stack[] {
  return realTime.managementAccountRegions.map((region) => {
    const stack = new Stack(app, `RootUsageForwarder-${region}`, { env: { account, region } });
    new ManagementAccountForwarder(stack, 'Forwarder', { realTimeRootAlerts: realTime });
    return stack;
  });
}

/** What `cdk synth --strict` refuses: any warning (or error) in any stack of the assembly. */
function strictSynth(app: App): string[] {
  const assembly = app.synth();
  return assembly.stacks.flatMap((stack) => stack.messages
    .filter((m) => m.level === 'warning' || m.level === 'error')
    .map((m) => `${stack.stackName} ${m.id}: ${String(m.entry.data)}`));
}

describe('callAs SELF (the management account)', () => {
  test('home region eu-west-1: us-east-1 is missing, and the warning says exactly what to add', () => {
    // GIVEN
    const app = new App();

    // WHEN
    const realTime = central(app);

    // THEN
    expect(realTime.managementAccountRegions).toEqual(['us-east-1']);
    Annotations.fromStack(Stack.of(realTime)).hasWarning('/Security/RealTime', Match.stringLikeRegexp(
      'root use in us-east-1 is not forwarded in real time \\(its root sign-ins are recorded in us-east-1\\): add, in a stack of the management account ' +
      "in each of these regions, new ManagementAccountForwarder\\(stack, 'Forwarder', \\{ realTimeRootAlerts \\}\\)"));
  });

  test('the documented setup synthesizes without a warning (strict), and says which regions are watched in real time', () => {
    // GIVEN
    const app = new App();
    const realTime = central(app, { regions: ['us-east-1', 'eu-west-1', 'eu-central-1'] });

    // WHEN
    const stacks = forwarders(app, realTime);

    // THEN
    expect(stacks.map((s) => s.region)).toEqual(['us-east-1', 'eu-central-1']);
    expect(strictSynth(app)).toEqual([]);
    Annotations.fromStack(Stack.of(realTime)).hasInfo('/Security/RealTime', Match.stringLikeRegexp(
      'Watched in real time: the accounts of organizationalUnitIds in us-east-1, eu-west-1, eu-central-1; the management account in eu-west-1, ' +
      'us-east-1, eu-central-1 .*Every other region is watched by the log path only'));
  });

  test('one forwarder missing: the warning names only that region', () => {
    // GIVEN
    const app = new App();
    const realTime = central(app, { regions: ['us-east-1', 'eu-west-1', 'eu-central-1'] });

    // WHEN
    const stack = new Stack(app, 'SignIns', { env: { account: MANAGEMENT, region: 'us-east-1' } });
    new ManagementAccountForwarder(stack, 'Forwarder', { realTimeRootAlerts: realTime });

    // THEN
    expect(strictSynth(app)).toEqual([expect.stringMatching(/^Security \/Security\/RealTime: The management account's root use in eu-central-1 is not forwarded.*realTimeManagementAccount/)]);
  });

  test('home region us-east-1 with the default regions: the local forwarder covers it all, no warning', () => {
    // GIVEN
    const app = new App();

    // WHEN
    const realTime = central(app, {}, { account: MANAGEMENT, region: 'us-east-1' });

    // THEN
    expect(realTime.managementAccountRegions).toEqual([]);
    expect(realTime.localForwarder).toBeDefined();
    expect(strictSynth(app)).toEqual([]);
  });

  test('the forwarder: rules to the central bus ARN computed from its stack, alarms relayed to the central region', () => {
    // GIVEN
    const app = new App();
    const realTime = central(app);

    // WHEN
    const [stack] = forwarders(app, realTime);

    // THEN
    const template = Template.fromStack(stack);
    const busArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111122223333:event-bus/root-usage-real-time']] };
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.allResourcesProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: busArn })] });
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'root-usage-real-time-forwarder-alarms', KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      Endpoint: { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:eu-west-1:111122223333:root-usage-real-time-forwarder-alarms' },
    });
    const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm.Properties.ActionsEnabled).toBe(true);
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: Match.anyValue() }].map(() => expect.objectContaining({ Ref: expect.stringMatching(/^ForwarderRelayTopic/) })));
    }
    // The central side: the relay queue accepts that topic only; its alarm notifies the root-usage topic.
    const centralTemplate = Template.fromStack(Stack.of(realTime));
    centralTemplate.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'root-usage-real-time-forwarder-alarms' });
    centralTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'sns.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:us-east-1:111122223333:root-usage-real-time-forwarder-alarms']] }] } },
        })]),
      },
    });
    centralTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NumberOfMessagesSent',
      Namespace: 'AWS/SQS',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^RootUsageTopic') }],
      AlarmDescription: Match.stringLikeRegexp('A forwarder of the management account in another region reported a failure'),
    });
    // The CLI deploys the central stack (bus, relay queue) first.
    expect(app.synth().getStackArtifact(stack.artifactId).dependencies.map((d) => d.id)).toContain(Stack.of(realTime).artifactId);
  });

  test('a forwarder in the home region, or twice in one region, is refused', () => {
    // GIVEN
    const app = new App();
    const realTime = central(app);

    // THEN
    const home = new Stack(app, 'Home', { env: { account: MANAGEMENT, region: 'eu-west-1' } });
    expect(() => new ManagementAccountForwarder(home, 'Forwarder', { realTimeRootAlerts: realTime }))
      .toThrow(/realTimeRootAlerts must not be in eu-west-1, the region of the RealTimeRootAlerts: its localForwarder covers/);
    forwarders(app, realTime);
    const again = new Stack(app, 'Again', { env: { account: MANAGEMENT, region: 'us-east-1' } });
    expect(() => new ManagementAccountForwarder(again, 'Forwarder', { realTimeRootAlerts: realTime })).toThrow(/must not cover us-east-1 twice/);
  });
});

describe('callAs DELEGATED_ADMIN', () => {
  test('no forwarder in the delegated administrator account (the stack set covers it): no duplicates', () => {
    // GIVEN
    const app = new App();

    // WHEN
    const realTime = central(app, { callAs: StackSetCallAs.DELEGATED_ADMIN }, { account: DELEGATED, region: 'eu-west-1' });

    // THEN
    expect(realTime.localForwarder).toBeUndefined();
    expect(realTime.localForwarderAlarm).toBeUndefined();
    const template = Template.fromStack(Stack.of(realTime));
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', { Name: 'root-usage-to-event-notifier' });
    template.hasResourceProperties('AWS::CloudFormation::StackSet', { CallAs: 'DELEGATED_ADMIN' });
  });

  test('the management account needs a forwarder in every region, the home region included; warned until added', () => {
    // GIVEN
    const app = new App();
    const realTime = central(app, { callAs: StackSetCallAs.DELEGATED_ADMIN }, { account: DELEGATED, region: 'eu-west-1' });

    // THEN
    expect(realTime.managementAccountRegions).toEqual(['us-east-1', 'eu-west-1']);
    Annotations.fromStack(Stack.of(realTime)).hasWarning('/Security/RealTime', Match.stringLikeRegexp('root use in us-east-1, eu-west-1 is not forwarded'));
  });

  test('the documented setup (forwarders in the management account) synthesizes without a warning', () => {
    // GIVEN
    const app = new App();
    const realTime = central(app, { callAs: StackSetCallAs.DELEGATED_ADMIN }, { account: DELEGATED, region: 'eu-west-1' });

    // WHEN
    const stacks = forwarders(app, realTime);

    // THEN
    expect(strictSynth(app)).toEqual([]);
    const home = Template.fromStack(stacks[1]);
    home.allResourcesProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:444455556666:event-bus/root-usage-real-time']] } })],
    });
    const relayPolicy = Template.fromStack(Stack.of(realTime)).findResources('AWS::SQS::QueuePolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowForwarderAlarmTopics' })]) } },
    });
    expect(JSON.stringify(relayPolicy)).toContain(':sns:us-east-1:111122223333:root-usage-real-time-forwarder-alarms');
    expect(JSON.stringify(relayPolicy)).toContain(':sns:eu-west-1:111122223333:root-usage-real-time-forwarder-alarms');
  });

  test('a forwarder in the delegated administrator account itself is refused', () => {
    // GIVEN
    const app = new App();
    const realTime = central(app, { callAs: StackSetCallAs.DELEGATED_ADMIN }, { account: DELEGATED, region: 'eu-west-1' });

    // THEN
    expect(() => forwarders(app, realTime, DELEGATED)).toThrow(/must be in the management account, not in 444455556666, the delegated administrator account/);
  });
});

describe('environment-agnostic stacks', () => {
  test('the central stack: warned in both modes, and a forwarder cannot compute the bus ARN', () => {
    for (const callAs of [StackSetCallAs.SELF, StackSetCallAs.DELEGATED_ADMIN]) {
      // GIVEN
      const app = new App();

      // WHEN
      const realTime = central(app, { callAs }, {});

      // THEN
      expect(realTime.managementAccountRegions).toEqual([]);
      Annotations.fromStack(Stack.of(realTime)).hasWarning('/Security/RealTime', Match.stringLikeRegexp(
        'This stack is environment-agnostic.*Give the stack an env \\(account and region\\) and add a ManagementAccountForwarder'));
      const stack = new Stack(app, 'SignIns', { env: { account: MANAGEMENT, region: 'us-east-1' } });
      expect(() => new ManagementAccountForwarder(stack, 'Forwarder', { realTimeRootAlerts: realTime }))
        .toThrow(/realTimeRootAlerts must be in a stack with a concrete account and region/);
    }
  });

  test('the forwarder stack needs a region', () => {
    // GIVEN
    const app = new App();
    const realTime = central(app);

    // THEN
    expect(() => new ManagementAccountForwarder(new Stack(app, 'Agnostic'), 'Forwarder', { realTimeRootAlerts: realTime }))
      .toThrow(/needs a stack with a concrete region/);
  });
});
