import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AlarmTopic, CisMonitoringAlarms, DayOfWeek, EventNotifier, EventNotifierOptions, ExpectedRootUse, RootTaskPolicy, RootUsageAlarm, RootUseSeverity,
} from '../src';
import { parseExpectations } from '../src/private/event-notifier/expectation';

// The construct side of issue 22: expectedRootUse, firstSeenWindow, highPriorityTopic and
// highPrioritySeverity on the event notifier's options, reaching the function's environment
// (validated at synthesis), and the high-priority topic prepared like the main topic.

const EMAIL = 'security@example.com';
const UNLOCK: ExpectedRootUse = {
  name: 'CHG-1042 unlock the data lake bucket',
  callerArnPatterns: ['arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*'],
  taskPolicies: [RootTaskPolicy.S3_UNLOCK_BUCKET_POLICY],
  accounts: ['222222222222'],
  start: '2026-03-01T09:00:00Z',
  end: '2026-03-01T17:00:00+01:00',
};

function notifier(options: EventNotifierOptions, topic?: (s: Stack) => sns.ITopic): { stack: Stack; template: Template } {
  const stack = new Stack(new App(), 'Stack');
  new EventNotifier(stack, 'Notifier', {
    logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail'),
    topic: topic ? topic(stack) : new AlarmTopic(stack, 'Topic').topic,
    ...options,
  });
  return { stack, template: Template.fromStack(stack) };
}

function env(template: Template): Record<string, any> {
  const fns = Object.values<any>(template.findResources('AWS::Lambda::Function'));
  return fns[0].Properties.Environment.Variables;
}

describe('the function\'s environment', () => {
  test('the entries travel as compact JSON that the handler reads back to the same entries', () => {
    const weekly: ExpectedRootUse = {
      name: 'Break-glass rehearsal',
      accounts: ['333333333333'],
      weeklyWindow: { dayOfWeek: DayOfWeek.TUESDAY, startHour: 9, startMinute: 30, duration: Duration.hours(2) },
    };
    const { template } = notifier({ expectedRootUse: [UNLOCK, weekly], firstSeenWindow: Duration.days(30) });
    const variables = env(template);
    expect(JSON.parse(variables.EXPECTED_ROOT_USE)).toEqual([
      {
        n: 'CHG-1042 unlock the data lake bucket',
        c: ['arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*'],
        t: ['S3UnlockBucketPolicy'],
        a: ['222222222222'],
        s: '2026-03-01T09:00:00.000Z',
        e: '2026-03-01T16:00:00.000Z',
      },
      { n: 'Break-glass rehearsal', a: ['333333333333'], w: { d: 2, m: 570, l: 120 } },
    ]);
    expect(parseExpectations(variables.EXPECTED_ROOT_USE).map((e) => e.name)).toEqual([UNLOCK.name, weekly.name]);
    expect(variables.FIRST_SEEN_WINDOW_SECONDS).toBe('2592000');
    expect(variables.HIGH_PRIORITY_TOPIC_ARN).toBeUndefined();
  });

  test('nothing set: none of the new variables (the default template stays the same)', () => {
    const variables = env(notifier({}).template);
    for (const name of ['EXPECTED_ROOT_USE', 'FIRST_SEEN_WINDOW_SECONDS', 'HIGH_PRIORITY_TOPIC_ARN', 'HIGH_PRIORITY_SEVERITY']) {
      expect(variables[name]).toBeUndefined();
    }
  });

  test('through RootUsageAlarm\'s eventNotifierOptions (and so RealTimeRootAlerts, which uses its notifier)', () => {
    const stack = new Stack(new App(), 'Stack');
    const pager = new AlarmTopic(stack, 'Pager');
    new RootUsageAlarm(stack, 'RootUsage', {
      emailAddresses: [EMAIL],
      eventNotifications: true,
      eventNotifierOptions: { expectedRootUse: [UNLOCK], highPriorityTopic: pager.topic, highPrioritySeverity: RootUseSeverity.CRITICAL },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          EXPECTED_ROOT_USE: Match.stringLikeRegexp('CHG-1042'),
          HIGH_PRIORITY_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^Pager') },
          HIGH_PRIORITY_SEVERITY: 'CRITICAL',
        }),
      },
    });
  });
});

describe('the high-priority topic is prepared like the main topic', () => {
  test('an AlarmTopic: the function may publish and use its key; its policy denies every other publisher but AWS services', () => {
    const { template } = notifier({ highPriorityTopic: undefined }, (s) => new AlarmTopic(s, 'Topic').topic);
    const stack = new Stack(new App(), 'Stack');
    const pager = new AlarmTopic(stack, 'Pager');
    new EventNotifier(stack, 'Notifier', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail'),
      topic: new AlarmTopic(stack, 'Topic').topic,
      highPriorityTopic: pager.topic,
    });
    const t = Template.fromStack(stack);
    const variables = env(t);
    expect(variables.HIGH_PRIORITY_TOPIC_ARN).toEqual({ Ref: expect.stringMatching(/^Pager/) });
    expect(variables.HIGH_PRIORITY_SEVERITY).toBe('HIGH');
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'PublishToHighPriorityTopic', Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('^PagerResource|^Pager') } },
          {
            Sid: 'UseHighPriorityTopicKey',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PagerKey'), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          },
        ]),
      },
    });
    // The pager topic's policy: the Deny for every publisher but AWS services and this function's role.
    const pagerPolicies = Object.values<any>(t.findResources('AWS::SNS::TopicPolicy'))
      .filter((p) => JSON.stringify(p.Properties.Topics).includes('Pager'));
    const deny = pagerPolicies.flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => s.Sid === 'DenyPublishExceptAwsServicesAndTheEventNotifier');
    expect(deny).toHaveLength(1);
    expect(deny[0].Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^NotifierServiceRole/), 'Arn'] }]);
    // Changes to it are watched like the main topic.
    expect(JSON.stringify(variables.WATCH_TOPIC_ARNS)).toMatch(/Pager/);
    // The default-only stack of this test has none of it.
    expect(JSON.stringify(template.toJSON())).not.toMatch(/HighPriority/);
  });

  test('an imported topic: publish and the key through SNS of this account and region; its policy untouched', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    new EventNotifier(stack, 'Notifier', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail'),
      topic: new AlarmTopic(stack, 'Topic').topic,
      highPriorityTopic: sns.Topic.fromTopicArn(stack, 'Pager', 'arn:aws:sns:eu-west-1:111111111111:pager'),
      highPrioritySeverity: RootUseSeverity.MEDIUM,
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'PublishToHighPriorityTopic', Resource: 'arn:aws:sns:eu-west-1:111111111111:pager' }),
          Match.objectLike({
            Sid: 'UseHighPriorityTopicKey',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-west-1:111111111111:key/*']] },
            Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-west-1.amazonaws.com' } },
          }),
        ]),
      },
    });
    expect(env(t).HIGH_PRIORITY_SEVERITY).toBe('MEDIUM');
    expect(JSON.stringify(t.findResources('AWS::SNS::TopicPolicy'))).not.toMatch(/pager/);
  });

  test('a topic with its own key, defined in the app: that key only (where aws-cdk-lib exposes it: Topic.masterKey)', () => {
    const stack = new Stack(new App(), 'Stack');
    const key = new kms.Key(stack, 'PagerKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Pager', { masterKey: key });
    new EventNotifier(stack, 'Notifier', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail'),
      topic: new AlarmTopic(stack, 'Topic').topic,
      highPriorityTopic: topic,
    });
    // aws-cdk-lib 2.93 (test:min-cdk) has no Topic.masterKey: then any key of the account, through SNS.
    const resource = (topic as { masterKey?: unknown }).masterKey !== undefined
      ? { 'Fn::GetAtt': [Match.stringLikeRegexp('^PagerKey'), 'Arn'] }
      : { 'Fn::Join': ['', Match.arrayWith([':kms:'])] };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'UseHighPriorityTopicKey', Resource: resource })]) },
    });
  });
});

describe('validation: a clear error naming the prop and the rule', () => {
  const bad = (options: EventNotifierOptions) => () => notifier(options);
  const entry = (e: Partial<ExpectedRootUse>): EventNotifierOptions => ({ expectedRootUse: [{ ...UNLOCK, ...e } as ExpectedRootUse] });

  test.each<[string, EventNotifierOptions, RegExp]>([
    ['a blank name', entry({ name: ' ' }), /expectedRootUse\[0\]\.name must be 1 to 64 printable ASCII characters, not blank/],
    ['a long name', entry({ name: 'x'.repeat(65) }), /expectedRootUse\[0\]\.name must be 1 to 64/],
    ['markup in a name', entry({ name: '<b>CHG</b>' }), /expectedRootUse\[0\]\.name .* without < > ` or \*/],
    ['no caller, task or account', entry({ callerArnPatterns: undefined, taskPolicies: undefined, accounts: undefined }),
      /expectedRootUse\[0\] must set at least one of callerArnPatterns, taskPolicies or accounts/],
    ['a caller pattern with a wildcard account', entry({ callerArnPatterns: ['arn:aws:sts::*:assumed-role/Ops/*'] }),
      /expectedRootUse\[0\]\.callerArnPatterns\[0\] must be an STS or IAM ARN pattern .* whose account is a 12-digit ID without wildcards/],
    ['a caller pattern that is not an ARN', entry({ callerArnPatterns: ['PlatformRootAccess'] }), /callerArnPatterns\[0\] must be an STS or IAM ARN pattern/],
    ['no caller patterns', entry({ callerArnPatterns: [] }), /expectedRootUse\[0\]\.callerArnPatterns must not be empty/],
    ['too many caller patterns', entry({ callerArnPatterns: Array.from({ length: 11 }, () => 'arn:aws:sts::111111111111:assumed-role/A/*') }),
      /callerArnPatterns must have at most 10 patterns/],
    ['a task that is not a RootTaskPolicy', entry({ taskPolicies: ['arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy' as RootTaskPolicy] }),
      /expectedRootUse\[0\]\.taskPolicies\[0\] must be a member of RootTaskPolicy/],
    ['no tasks', entry({ taskPolicies: [] }), /taskPolicies must not be empty/],
    ['an account that is not 12 digits', entry({ accounts: ['prod'] }), /expectedRootUse\[0\]\.accounts\[0\] must be a 12-digit account ID \(got "prod"\)/],
    ['no accounts', entry({ accounts: [] }), /accounts must not be empty/],
    ['a start without an end', entry({ end: undefined }), /expectedRootUse\[0\]\.end must be set with start/],
    ['a start without a time zone', entry({ start: '2026-03-01T09:00:00' }), /expectedRootUse\[0\]\.start must be an ISO 8601 date and time with a time zone/],
    ['an end that is not a date', entry({ end: 'tomorrow' }), /expectedRootUse\[0\]\.end must be an ISO 8601 date and time/],
    ['an end before the start', entry({ start: '2026-03-02T09:00:00Z', end: '2026-03-01T09:00:00Z' }), /expectedRootUse\[0\]\.end must be after start/],
    ['a weekly start hour of 24', entry({ weeklyWindow: { dayOfWeek: DayOfWeek.MONDAY, startHour: 24, duration: Duration.hours(1) } }),
      /weeklyWindow\.startHour must be a whole number from 0 to 23/],
    ['a weekly start minute of 60', entry({ weeklyWindow: { dayOfWeek: DayOfWeek.MONDAY, startHour: 9, startMinute: 60, duration: Duration.hours(1) } }),
      /weeklyWindow\.startMinute must be a whole number from 0 to 59/],
    ['a weekly window of 8 days', entry({ weeklyWindow: { dayOfWeek: DayOfWeek.MONDAY, startHour: 9, duration: Duration.days(8) } }),
      /weeklyWindow\.duration must be whole minutes from 1 minute to 7 days/],
    ['a weekly window of 30 seconds', entry({ weeklyWindow: { dayOfWeek: DayOfWeek.MONDAY, startHour: 9, duration: Duration.seconds(30) } }),
      /weeklyWindow\.duration must be whole minutes/],
    ['a day that is not a DayOfWeek', entry({ weeklyWindow: { dayOfWeek: 'FUNDAY' as DayOfWeek, startHour: 9, duration: Duration.hours(1) } }),
      /weeklyWindow\.dayOfWeek must be a member of DayOfWeek/],
    ['51 entries', { expectedRootUse: Array.from({ length: 51 }, () => UNLOCK) }, /expectedRootUse must have at most 50 entries/],
    ['too much for the environment', { expectedRootUse: Array.from({ length: 20 }, () => UNLOCK) },
      /expectedRootUse together with accountNames must be at most 3,000 characters as JSON: .* Lambda limits to 4 KB/],
    ['a first-seen window of 12 hours', { firstSeenWindow: Duration.hours(12) }, /firstSeenWindow must be whole hours from 1 day to 365 days/],
    ['a first-seen window of 2 years', { firstSeenWindow: Duration.days(730) }, /firstSeenWindow must be whole hours from 1 day to 365 days/],
    ['a severity without a topic', { highPrioritySeverity: RootUseSeverity.MEDIUM }, /highPrioritySeverity is only used with highPriorityTopic/],
    ['a severity that is not a RootUseSeverity', { highPrioritySeverity: 'URGENT' as RootUseSeverity }, /highPrioritySeverity must be a member of RootUseSeverity/],
  ])('%s', (_name, options, message) => {
    expect(bad(options)).toThrow(message);
  });

  test('the entries and the account names share the environment\'s budget', () => {
    const names = Object.fromEntries(Array.from({ length: 42 }, (_, i) => [String(100000000000 + i), 'n'.repeat(40)]));
    expect(() => notifier({ accountNames: names, expectedRootUse: [UNLOCK, UNLOCK, UNLOCK] })).toThrow(/together with accountNames must be at most 3,000 characters/);
    expect(() => notifier({ expectedRootUse: [UNLOCK, UNLOCK, UNLOCK] })).not.toThrow();
  });

  test('the prefix of the constructs that pass the options on', () => {
    expect(() => new RootUsageAlarm(new Stack(new App(), 'S'), 'RootUsage', {
      emailAddresses: [EMAIL], eventNotifications: true, eventNotifierOptions: { expectedRootUse: [{ ...UNLOCK, accounts: ['x'] }] },
    })).toThrow(/RootUsageAlarm at S\/RootUsage: eventNotifierOptions\.expectedRootUse\[0\]\.accounts\[0\] must be a 12-digit account ID/);
    expect(() => new CisMonitoringAlarms(new Stack(new App(), 'S'), 'Cis', {
      emailAddresses: [EMAIL], eventNotifications: true, eventNotifierOptions: { firstSeenWindow: Duration.hours(1) },
    })).toThrow(/eventNotifierOptions\.firstSeenWindow must be whole hours from 1 day to 365 days/);
  });

  test('tokens pass through', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new EventNotifier(stack, 'Notifier', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail'),
      topic: new AlarmTopic(stack, 'Topic').topic,
      expectedRootUse: [{ name: 'Own account', accounts: [stack.account] }],
    })).not.toThrow();
    expect(env(Template.fromStack(stack)).EXPECTED_ROOT_USE).toEqual({ 'Fn::Join': ['', ['[{"n":"Own account","a":["', { Ref: 'AWS::AccountId' }, '"]}]']] });
  });
});
