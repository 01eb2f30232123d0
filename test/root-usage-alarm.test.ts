import { App, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LogPatternAlarm, RootUsageAlarm, RootUsageAlarmProps } from '../src';

/** Matches every warning but the one of an environment-agnostic stack that cannot look up the Control Tower log group. */
const NOT_LOOKUP_WARNING = Match.not(Match.stringLikeRegexp('controlTowerLogGroupNotLookedUp'));

const CIS_PATTERN = '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}';

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

/** A description as deployed in a region with a long name (tokens: the region, in the console link). */
function deployedDescription(description: unknown): string {
  if (typeof description === 'string') return description;
  const [separator, parts] = (description as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((part) => (typeof part === 'string' ? part : 'ap-southeast-5')).join(separator);
}

function synth(props: RootUsageAlarmProps): { stack: Stack; alarm: RootUsageAlarm; template: Template } {
  const stack = newStack();
  const alarm = new RootUsageAlarm(stack, 'RootUsage', props);
  return { stack, alarm, template: Template.fromStack(stack) };
}

describe('RootUsageAlarm with only an email address', () => {
  // GIVEN / WHEN
  const { alarm, template } = synth({ emailAddresses: ['security@example.com'] });

  test('exposes the exact AWS-published CIS pattern as a constant', () => {
    expect(RootUsageAlarm.FILTER_PATTERN).toBe(CIS_PATTERN);
  });

  test('puts a metric filter with the exact CIS pattern on the Control Tower log group', () => {
    // The root-usage filter and the tamper alarm's.
    template.resourceCountIs('AWS::Logs::MetricFilter', 2);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: 'aws-controltower/CloudTrailLogs',
      FilterPattern: CIS_PATTERN,
      MetricTransformations: [{
        MetricNamespace: 'CloudTrailMetrics',
        MetricName: 'RootAccountUsage',
        MetricValue: '1',
        DefaultValue: Match.absent(),
        Dimensions: Match.absent(),
        Unit: Match.absent(),
      }],
    });
  });

  test('alarms on Sum >= 1 in any one-minute period of a ten-minute window, missing data not breaching', () => {
    // The root-usage alarm, the delivery watchdog and the tamper alarm.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CloudTrailMetrics',
      MetricName: 'RootAccountUsage',
      Dimensions: Match.absent(),
      Statistic: 'Sum',
      Period: 60,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 10,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
    });
  });

  test('notifies the topic on ALARM and on recovery to OK', () => {
    const topicRef = { Ref: Match.stringLikeRegexp('^RootUsageTopic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
  });

  test('describes what happened and links to the events in Logs Insights, within 1,024 characters', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RootAccountUsage' } });
    const description = deployedDescription(Object.values(alarms)[0].Properties.AlarmDescription);
    expect(description).toContain('root user');
    expect(description).toContain('CloudWatch.1');
    expect(description).toContain('https://console.aws.amazon.com/cloudwatch/home?region=ap-southeast-5#logsV2:logs-insights$3FqueryDetail$3D');
    expect(description).toContain('$257Esource$257E$2528$257E$2527aws-controltower*2FCloudTrailLogs$2529$2529');
    expect(description.length).toBeLessThanOrEqual(1024);
  });

  test('the Logs Insights query lists the events the CIS pattern matches, with what a responder needs', () => {
    const query = RootUsageAlarm.INSIGHTS_QUERY;
    expect(query).toContain('filter userIdentity.type = "Root" and not ispresent(userIdentity.invokedBy) and eventType != "AwsServiceEvent"');
    for (const field of ['@timestamp', 'recipientAccountId', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'errorCode', 'additionalEventData.MFAUsed', 'userIdentity.sessionContext.assumedRoot']) {
      expect(query).toContain(field);
    }
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RootAccountUsage' } });
    const description = deployedDescription(Object.values(alarms)[0].Properties.AlarmDescription);
    // The console link carries the query with `*` in place of `%` in its percent-encoding.
    const encoded = encodeURIComponent(query).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%/g, '*');
    expect(description).toContain(`editorString$257E$2527${encoded}$257E`);
  });

  test('a region known at synthesis gets its regional console address', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'eu-west-1', account: '111122223333' } });
    new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: ['security@example.com'] });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('https://eu-west-1\\.console\\.aws\\.amazon\\.com/cloudwatch/home\\?region=eu-west-1#logsV2:logs-insights'),
    });
  });

  test('a log group whose name is a token: the link leaves the log group out', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'Trail');
    new RootUsageAlarm(stack, 'RootUsage', { logGroup, emailAddresses: ['security@example.com'] });
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    const description = deployedDescription(Object.values(alarms)[0].Properties.AlarmDescription);
    expect(description).toContain('logs-insights');
    expect(description).not.toContain('$257Esource');
  });

  test('creates a topic encrypted with a new customer managed key with rotation', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageTopicKey'), 'Arn'] },
    });
  });

  test('lets CloudWatch alarms of this account, and only of it, use the key', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'AllowCloudWatchAlarmsOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }]),
      },
    });
  });

  test('lets CloudWatch alarms of this account publish, and denies publishing without TLS', () => {
    template.resourceCountIs('AWS::SNS::TopicPolicy', 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'AllowCloudWatchAlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^RootUsageTopic') },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']],
                },
              },
            },
          },
          {
            Sid: 'DenyPublishWithoutTLS',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^RootUsageTopic') },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    });
  });

  test('subscribes the email address', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^RootUsageTopic') },
    });
  });

  test('exposes what it creates', () => {
    expect(alarm.metricFilter).toBeDefined();
    expect(alarm.alarm).toBeDefined();
    expect(alarm.topic).toBeDefined();
    expect(alarm.encryptionKey).toBeInstanceOf(kms.Key);
    expect(alarm.logGroup.logGroupName).toBe('aws-controltower/CloudTrailLogs');
    expect(alarm.metric.namespace).toBe('CloudTrailMetrics');
    expect(alarm.metric.metricName).toBe('RootAccountUsage');
    expect(alarm.metric.statistic).toBe('Sum');
    expect(alarm.metric.period.toSeconds()).toBe(60);
    expect(alarm.metric.dimensions).toBeUndefined();
  });

  test('creates nothing but the chain, its delivery watchdog and its tamper alarm', () => {
    const types = Object.values(template.toJSON().Resources).map((r: any) => r.Type).sort();
    expect(types).toEqual([
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Alarm', // the delivery watchdog
      'AWS::CloudWatch::Alarm', // the tamper alarm
      'AWS::KMS::Key',
      'AWS::Logs::MetricFilter',
      'AWS::Logs::MetricFilter', // the tamper alarm's
      'AWS::SNS::Subscription',
      'AWS::SNS::Topic',
      'AWS::SNS::TopicPolicy',
    ]);
  });
});

describe('RootUsageAlarm options', () => {
  test('the readme example: several recipients and a namespace', () => {
    const { template } = synth({
      logGroupName: 'aws-controltower/CloudTrailLogs',
      emailAddresses: ['security@example.com', 'cloud-platform@example.com'],
      metricNamespace: 'LandingZone/Security',
    });
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'cloud-platform@example.com' });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'LandingZone/Security' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'LandingZone/Security' });
  });

  test('a custom log group name, metric name, alarm name and description', () => {
    const { template } = synth({
      emailAddresses: ['security@example.com'],
      logGroupName: 'aws-controltower/CloudTrailLogs-suffix',
      metricName: 'RootUse',
      alarmName: 'root-use',
      alarmDescription: 'Call the on-call.',
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: 'aws-controltower/CloudTrailLogs-suffix',
      FilterPattern: CIS_PATTERN,
      MetricTransformations: [Match.objectLike({ MetricName: 'RootUse' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RootUse',
      AlarmName: 'root-use',
      AlarmDescription: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^Call the on-call\\. The events of the last 24 hours in CloudWatch Logs Insights: https://')])] },
    });
  });

  test('a log group object instead of a name', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'Trail');
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { logGroup, emailAddresses: ['security@example.com'] });
    expect(alarm.logGroup).toBe(logGroup);
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^Trail') },
      FilterPattern: CIS_PATTERN,
    });
  });

  test.each([
    [Duration.minutes(1), 60, 10],
    [Duration.minutes(3), 180, 4],
    [Duration.minutes(5), 300, 2],
    [Duration.minutes(10), 600, 1],
    [Duration.minutes(15), 900, 1],
  ])('period %s: Period %i, %i evaluation periods spanning at least ten minutes', (period, seconds, evaluationPeriods) => {
    const { template } = synth({ emailAddresses: ['security@example.com'], period });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Period: seconds,
      EvaluationPeriods: evaluationPeriods,
      DatapointsToAlarm: 1,
    });
  });

  test('a longer evaluation window', () => {
    const { template } = synth({
      emailAddresses: ['security@example.com'],
      period: Duration.minutes(5),
      evaluationWindow: Duration.hours(1),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Period: 300, EvaluationPeriods: 12, DatapointsToAlarm: 1 });
  });

  test('no recovery notification when notifyOnRecovery is false', () => {
    const { template } = synth({ emailAddresses: ['security@example.com'], notifyOnRecovery: false });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [Match.anyValue()],
      OKActions: Match.absent(),
    });
  });

  test('a given customer managed key encrypts the topic and admits CloudWatch', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: ['security@example.com'], encryptionKey: key });
    const template = Template.fromStack(stack);
    expect(alarm.encryptionKey).toBe(key);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        })]),
      },
    });
    Annotations.fromStack(stack).hasNoWarning('*', NOT_LOOKUP_WARNING);
  });

  test('an imported key: warns that its policy must admit CloudWatch', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: ['security@example.com'], encryptionKey: key });
    Annotations.fromStack(stack).hasWarning(
      '/Stack/RootUsage/Topic',
      Match.stringLikeRegexp('imported.*cloudwatch\\.amazonaws\\.com.*kms:Decrypt.*kms:GenerateDataKey\\*'),
    );
  });

  test('an existing topic: notified, subscribed to, granted, and a warning about its key', () => {
    // GIVEN
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Existing', { masterKey: new kms.Key(stack, 'ExistingKey') });
    // WHEN
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { topic, emailAddresses: ['security@example.com'] });
    // THEN
    const template = Template.fromStack(stack);
    expect(alarm.topic).toBe(topic);
    expect(alarm.encryptionKey).toBeUndefined();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Existing') }],
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: 'security@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^Existing') },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
        })]),
      },
    });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/RootUsage', NOT_LOOKUP_WARNING);
    expect(warnings).toHaveLength(1);
    const text = JSON.stringify(warnings[0].entry.data);
    expect(text).toMatch(/alias\/aws\/sns/);
    expect(text).toMatch(/kms:GenerateDataKey\*/);
    expect(text).not.toMatch(/topic policy must allow/);
  });

  test('an imported topic without emails: also warns that its topic policy must admit CloudWatch', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:us-east-1:111122223333:security-alerts');
    new RootUsageAlarm(stack, 'RootUsage', { topic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: ['arn:aws:sns:us-east-1:111122223333:security-alerts'],
    });
    Annotations.fromStack(stack).hasWarning(
      '/Stack/RootUsage',
      Match.stringLikeRegexp('topic policy must allow the service principal cloudwatch\\.amazonaws\\.com sns:Publish'),
    );
  });

  test('the default configuration synthesizes without errors, and without warnings but that an environment-agnostic stack cannot look up the log group', () => {
    const { stack } = synth({ emailAddresses: ['security@example.com'] });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toHaveLength(1);
    Annotations.fromStack(stack).hasNoWarning('*', NOT_LOOKUP_WARNING);
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('two alarms in one stack do not collide', () => {
    const stack = newStack();
    new RootUsageAlarm(stack, 'A', { emailAddresses: ['a@example.com'] });
    new RootUsageAlarm(stack, 'B', { emailAddresses: ['a@example.com'], metricNamespace: 'Other' });
    // Two root-usage alarms; one delivery watchdog and one tamper alarm for their log group.
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });
});

describe('RootUsageAlarm validation', () => {
  const email = ['security@example.com'];

  test.each<[string, RootUsageAlarmProps, RegExp]>([
    ['no recipient at all', {}, /RootUsageAlarm at Stack\/RootUsage: emailAddresses must list at least one address when no topic is given/],
    ['an empty recipient list', { emailAddresses: [] }, /emailAddresses must list at least one address/],
    ['an invalid email address', { emailAddresses: ['security@example.com', 'not-an-email'] }, /emailAddresses\[1\] must be an email address .*got "not-an-email"/],
    ['an email address with spaces', { emailAddresses: ['sec urity@example.com'] }, /emailAddresses\[0\] must be an email address/],
    ['a duplicate email address', { emailAddresses: ['a@example.com', 'A@example.com'] }, /emailAddresses must not list "A@example.com" twice/],
    ['an empty namespace', { emailAddresses: email, metricNamespace: '' }, /metricNamespace must not be empty/],
    ['a namespace over 255 characters', { emailAddresses: email, metricNamespace: 'N'.repeat(256) }, /metricNamespace must be at most 255 characters long \(got 256\)/],
    ['a namespace with a colon', { emailAddresses: email, metricNamespace: 'Landing:Zone' }, /metricNamespace must not contain ":", "\*" or "\$"/],
    ['a namespace with an asterisk', { emailAddresses: email, metricNamespace: 'Landing*' }, /metricNamespace must not contain/],
    ['a namespace with a dollar', { emailAddresses: email, metricNamespace: '$Zone' }, /metricNamespace must not contain/],
    ['a namespace in AWS/', { emailAddresses: email, metricNamespace: 'AWS/Security' }, /metricNamespace must not start with "AWS\/"/],
    ['an empty metric name', { emailAddresses: email, metricName: '' }, /metricName must not be empty/],
    ['a metric name over 255 characters', { emailAddresses: email, metricName: 'm'.repeat(256) }, /metricName must be at most 255 characters/],
    ['a metric name with a dollar', { emailAddresses: email, metricName: 'Root$' }, /metricName must not contain/],
    ['a metric name in AWS/', { emailAddresses: email, metricName: 'AWS/Root' }, /metricName must not start with "AWS\/"/],
    ['an empty log group name', { emailAddresses: email, logGroupName: '' }, /logGroupName must be 1 to 512 characters long \(got 0\)/],
    ['a log group name over 512 characters', { emailAddresses: email, logGroupName: 'a'.repeat(513) }, /logGroupName must be 1 to 512 characters long \(got 513\)/],
    ['a log group name with a space', { emailAddresses: email, logGroupName: 'my trail' }, /logGroupName may only contain the characters \[\.-_\/#A-Za-z0-9\]/],
    ['a log group name with a colon', { emailAddresses: email, logGroupName: 'trail:logs' }, /logGroupName may only contain/],
    ['a period of 90 seconds', { emailAddresses: email, period: Duration.seconds(90) }, /period must be a whole number of minutes, at least 1 \(got 1 minute 30 seconds\)/],
    ['a period of 10 seconds', { emailAddresses: email, period: Duration.seconds(10) }, /period must be a whole number of minutes/],
    ['a period over a day', { emailAddresses: email, period: Duration.days(2) }, /period must be at most 1 day/],
    ['an evaluation window of 30 seconds', { emailAddresses: email, evaluationWindow: Duration.seconds(30) }, /evaluationWindow must be a whole number of minutes/],
    ['an evaluation window over a day', { emailAddresses: email, evaluationWindow: Duration.hours(25) }, /evaluationWindow must be at most 1 day/],
    ['a window that rounds past a day', { emailAddresses: email, period: Duration.minutes(7), evaluationWindow: Duration.days(1) }, /evaluationWindow rounded up to whole periods of 7 minutes must be at most 1 day/],
    ['an empty alarm name', { emailAddresses: email, alarmName: '' }, /alarmName must not be empty/],
    ['an alarm name over 255 characters', { emailAddresses: email, alarmName: 'a'.repeat(256) }, /alarmName must be at most 255 characters/],
    ['an alarm description over 1024 characters', { emailAddresses: email, alarmDescription: 'd'.repeat(1025) }, /alarmDescription must be at most 1024 characters/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test('rejects logGroupName together with logGroup', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'Trail');
    expect(() => new RootUsageAlarm(stack, 'RootUsage', {
      logGroup, logGroupName: 'aws-controltower/CloudTrailLogs', emailAddresses: email,
    })).toThrow(/logGroupName must not be given together with logGroup/);
  });

  test('rejects encryptionKey together with topic', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Existing');
    const key = new kms.Key(stack, 'Key');
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { topic, encryptionKey: key }))
      .toThrow(/encryptionKey must not be given together with topic/);
  });

  test.each([
    ['an alias imported by name', (stack: Stack) => kms.Alias.fromAliasName(stack, 'K', 'alias/aws/sns')],
    ['a key imported by alias ARN', (stack: Stack) => kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:us-east-1:111122223333:alias/aws/sns')],
    ['a key imported by alias ARN in another partition', (stack: Stack) => kms.Key.fromKeyArn(stack, 'K', 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/sns')],
  ])('rejects the AWS managed key alias/aws/sns given as %s, and says why', (_name, makeKey) => {
    const stack = newStack();
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: email, encryptionKey: makeKey(stack) }))
      .toThrow(/encryptionKey must not be the AWS managed key alias\/aws\/sns: its key policy cannot let cloudwatch\.amazonaws\.com use it/);
  });

  test('accepts a customer managed key whose alias merely contains aws/sns', () => {
    const stack = newStack();
    const key = kms.Alias.fromAliasName(stack, 'K', 'alias/team/aws/sns-alarms');
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: email, encryptionKey: key })).not.toThrow();
  });

  test('unresolved tokens pass through unchecked and reach the template as they are', () => {
    // GIVEN values only known at deployment
    const stack = newStack();
    const lazy = (value: string) => Lazy.string({ produce: () => value });
    // WHEN
    new RootUsageAlarm(stack, 'RootUsage', {
      emailAddresses: [lazy('security@example.com')],
      logGroupName: lazy('trail-logs'),
      metricNamespace: lazy('Ns'),
      metricName: lazy('Name'),
      alarmName: lazy('alarm'),
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: 'trail-logs',
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'Ns', MetricName: 'Name' })],
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'security@example.com' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'alarm' });
  });

  test('tokens that would be invalid literals still pass (they are checked by CloudFormation)', () => {
    const stack = newStack();
    const parameterLike = Token.asString({ Ref: 'LogGroupNameParameter' });
    expect(() => new RootUsageAlarm(stack, 'RootUsage', {
      emailAddresses: email,
      logGroupName: parameterLike,
    })).not.toThrow();
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: 'LogGroupNameParameter' },
    });
  });

  test('a period given as a token is rejected: the metric and the evaluation periods need it at synthesis', () => {
    const stack = newStack();
    const period = Duration.seconds(Token.asNumber({ Ref: 'PeriodSeconds' }));
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: email, period }))
      .toThrow(/period must be known at synthesis \(a Duration such as Duration.minutes\(1\)\), not a token/);
  });

  test('errors name the subclass, the path, the prop and the rule', () => {
    const stack = newStack();
    expect(() => new LogPatternAlarm(stack, 'Custom', {
      filterPattern: '{ $.eventName = "ConsoleLogin" }',
      metricName: 'AWS/Nope',
      emailAddresses: email,
    })).toThrow('LogPatternAlarm at Stack/Custom: metricName must not start with "AWS/", which is reserved for AWS services (got "AWS/Nope")');
  });
});
