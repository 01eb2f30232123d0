import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventNotifier, LogPatternAlarm, RootUsageAlarm } from '../src';
import { ROOT_EVENT_NOTIFICATION_PATTERN } from '../src/private/root-event-pattern';

const EMAIL = 'security@example.com';
const FUNCTION = { Ref: Match.stringLikeRegexp('^RootUsageEventNotifierFunction') };
const FUNCTION_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierFunction'), 'Arn'] };
const TOPIC = { Ref: Match.stringLikeRegexp('^RootUsageTopic[0-9A-F]{8}$') };
const NOTIFIER_KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierKey'), 'Arn'] };
const QUEUE_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierFailureQueue[0-9A-F]{8}$'), 'Arn'] };
/** arn:<partition>:logs:<region>:<account>:log-group:/aws/lambda/<function name> */
const FUNCTION_LOG_GROUP_ARN = {
  'Fn::Join': ['', [
    'arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
    ':log-group:/aws/lambda/', FUNCTION,
  ]],
};

function rootUsageWithNotifications(): { stack: Stack; alarm: RootUsageAlarm; template: Template } {
  const stack = new Stack(new App(), 'Stack');
  const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true });
  return { stack, alarm, template: Template.fromStack(stack) };
}

describe('RootUsageAlarm with eventNotifications', () => {
  // GIVEN / WHEN
  const { alarm, template } = rootUsageWithNotifications();

  test('exposes the notifier and its parts', () => {
    expect(alarm.eventNotifier).toBeInstanceOf(EventNotifier);
    const notifier = alarm.eventNotifier!;
    for (const part of [notifier.function, notifier.functionLogGroup, notifier.failureQueue, notifier.errorsAlarm,
      notifier.failureQueueAlarm, notifier.subscriptionFilter, notifier.encryptionKey]) {
      expect(part).toBeDefined();
    }
  });

  test('subscribes the function to the trail log group with the event notification pattern, after the permission, log group and policy', () => {
    expect(RootUsageAlarm.EVENT_NOTIFICATION_PATTERN).toBe(ROOT_EVENT_NOTIFICATION_PATTERN);
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    template.hasResource('AWS::Logs::SubscriptionFilter', {
      Properties: {
        LogGroupName: 'aws-controltower/CloudTrailLogs',
        FilterPattern: ROOT_EVENT_NOTIFICATION_PATTERN,
        DestinationArn: FUNCTION_ARN,
        RoleArn: Match.absent(),
      },
      DependsOn: Match.arrayWith([
        Match.stringLikeRegexp('^RootUsageEventNotifierExecutionPolicy'),
        Match.stringLikeRegexp('^RootUsageEventNotifierFunctionLogGroup'),
        Match.stringLikeRegexp('^RootUsageEventNotifierInvokeConfig'),
        Match.stringLikeRegexp('^RootUsageEventNotifierInvokedByTrailLogGroup'),
      ]),
    });
  });

  test('keeps the compliance path as it is: the metric filter has the exact CIS pattern', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: RootUsageAlarm.FILTER_PATTERN });
  });

  test('the function: Node.js 24 on arm64, the bundled handler, modest size, the topic and alarm in its environment', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 60,
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierServiceRole'), 'Arn'] },
      Environment: {
        Variables: {
          TOPIC_ARN: TOPIC,
          ALARM_NAME: { Ref: Match.stringLikeRegexp('^RootUsageAlarm') },
          AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        },
      },
    });
  });

  test('the role has no AWS managed policy and no inline policy; one customer managed policy with exactly what it needs', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^RootUsageEventNotifierServiceRole') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'WriteOwnLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::Join': ['', [...FUNCTION_LOG_GROUP_ARN['Fn::Join'][1], ':*']] },
          },
          { Sid: 'PublishToAlarmTopic', Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC },
          {
            Sid: 'UseTopicKey',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageTopicKey'), 'Arn'] },
          },
          { Sid: 'SendFailedBatchesToQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: QUEUE_ARN },
          { Sid: 'UseQueueKey', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: NOTIFIER_KEY_ARN },
          { Sid: 'ReadAccountNames', Effect: 'Allow', Action: 'organizations:DescribeAccount', Resource: '*' },
        ],
      },
    });
  });

  test('CloudWatch Logs may invoke it for the trail log group of this account only', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: FUNCTION_ARN,
      Principal: 'logs.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: {
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
          ':log-group:aws-controltower/CloudTrailLogs:*',
        ]],
      },
    });
  });

  test('its own log group: /aws/lambda/<function>, one year, encrypted with the notifier key', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', FUNCTION]] },
        RetentionInDays: 365,
        KmsKeyId: NOTIFIER_KEY_ARN,
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the notifier key: rotated, grants only for AWS services, CloudWatch Logs for the function log group only', () => {
    template.resourceCountIs('AWS::KMS::Key', 2);
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('event notifier'),
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DenyGrantsExceptForAwsServices', Effect: 'Deny', Action: 'kms:CreateGrant' }),
          {
            Sid: 'AllowCloudWatchLogsForTheEventNotifierLogGroup',
            Effect: 'Allow',
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            Resource: '*',
            Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': FUNCTION_LOG_GROUP_ARN } },
          },
        ]),
      },
    });
  });

  test('failed batches go, after two retries, to a queue encrypted with the notifier key that denies requests without TLS', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: FUNCTION,
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: QUEUE_ARN } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: NOTIFIER_KEY_ARN, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sqs:*',
          Resource: QUEUE_ARN,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }],
      },
    });
  });

  test('an alarm on the function errors and one on the failure queue notify the same topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    const common = {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      Period: 300,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [TOPIC],
      AlarmDescription: Match.stringLikeRegexp('event details are not being delivered; the root-usage alarm still works'),
    };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: FUNCTION }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierFailureQueue'), 'QueueName'] } }],
    });
  });
});

describe('eventNotifications off (the default)', () => {
  test('no function, no asset, no subscription filter', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    // WHEN
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL] });
    // THEN
    expect(alarm.eventNotifier).toBeUndefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
    expect(stack.node.metadata.filter((m) => m.type === 'aws:cdk:asset')).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('S3Key');
  });
});

describe('eventNotifications with an existing topic', () => {
  test('the function may use a key only through SNS in this region, and the notifier creates its own key', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'UserTopic');
    // WHEN
    new RootUsageAlarm(stack, 'RootUsage', { topic, emailAddresses: [EMAIL], eventNotifications: true });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'PublishToAlarmTopic', Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('^UserTopic') } },
          {
            Sid: 'UseTopicKeyThroughSns',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':key/*']],
            },
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          },
        ]),
      },
    });
  });
});

describe('LogPatternAlarm with eventNotifications', () => {
  test('subscribes with the metric filter pattern by default, or the eventFilterPattern given', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const common = { metricName: 'M', emailAddresses: [EMAIL], eventNotifications: true };
    // WHEN
    new LogPatternAlarm(stack, 'Default', { ...common, logGroupName: 'trail-a', filterPattern: '{$.eventName="StopLogging"}' });
    new LogPatternAlarm(stack, 'Given', {
      ...common,
      logGroupName: 'trail-b',
      filterPattern: '{$.eventName="StopLogging"}',
      eventFilterPattern: '{$.eventName="StopLogging" || $.eventName="DeleteTrail"}',
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: 'trail-a', FilterPattern: '{$.eventName="StopLogging"}' });
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: 'trail-b',
      FilterPattern: '{$.eventName="StopLogging" || $.eventName="DeleteTrail"}',
    });
  });

  test('an imported trail log group is fine', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const logGroup = logs.LogGroup.fromLogGroupArn(stack, 'Trail', 'arn:aws:logs:us-east-1:111122223333:log-group:org-trail:*');
    // WHEN
    new LogPatternAlarm(stack, 'Alarm', { logGroup, metricName: 'M', filterPattern: '{$.x=1}', emailAddresses: [EMAIL], eventNotifications: true });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      SourceArn: 'arn:aws:logs:us-east-1:111122223333:log-group:org-trail:*',
    });
  });
});

describe('validation', () => {
  const base = { metricName: 'M', filterPattern: '{$.x=1}', emailAddresses: [EMAIL] };

  test('eventFilterPattern without eventNotifications is rejected', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new LogPatternAlarm(stack, 'Alarm', { ...base, eventFilterPattern: '{$.x=2}' }))
      .toThrow('LogPatternAlarm at Stack/Alarm: eventFilterPattern is only used with eventNotifications');
  });

  test('an eventFilterPattern over 1,024 characters is rejected', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new LogPatternAlarm(stack, 'Alarm', { ...base, eventNotifications: true, eventFilterPattern: `{$.x="${'a'.repeat(1020)}"}` }))
      .toThrow(/eventFilterPattern must be at most 1024 characters long/);
  });

  test('eventNotifications as a token is rejected', () => {
    const stack = new Stack(new App(), 'Stack');
    const eventNotifications = Token.asAny({ resolve: () => true, creationStack: [] }) as unknown as boolean;
    expect(() => new LogPatternAlarm(stack, 'Alarm', { ...base, eventNotifications }))
      .toThrow(/eventNotifications must be known at synthesis \(true or false\), not a token/);
  });

  test('an imported encryptionKey for the notifier is rejected: its key policy cannot admit CloudWatch Logs', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Topic');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail');
    const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555');
    expect(() => new EventNotifier(stack, 'Notifier', { logGroup, topic, filterPattern: '{$.x=1}', encryptionKey }))
      .toThrow(/EventNotifier at Stack\/Notifier: encryptionKey must be a key defined in this app/);
  });

  test('a description too long for the Logs Insights link is rejected', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], alarmDescription: 'x'.repeat(500) }))
      .toThrow(/RootUsageAlarm at Stack\/RootUsage: alarmDescription with the Logs Insights link of insightsQuery must be at most 1024 characters long/);
  });
});

describe('EventNotifier on its own', () => {
  test('a given key in the app encrypts the log group and the queue and gets the CloudWatch Logs statement', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Topic');
    const encryptionKey = new kms.Key(stack, 'GivenKey', { enableKeyRotation: true });
    // WHEN
    new EventNotifier(stack, 'Notifier', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail'),
      topic,
      filterPattern: '{$.x=1}',
      encryptionKey,
      logRetention: logs.RetentionDays.TWO_YEARS,
    });
    // THEN
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^GivenKey'), 'Arn'] };
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn, RetentionInDays: 731 });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchLogsForTheEventNotifierLogGroup' })]) },
    });
    // No alarm name given: the function gets none.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { TOPIC_ARN: { Ref: Match.stringLikeRegexp('^Topic') }, ALARM_NAME: Match.absent() } },
    });
  });
});

describe('the bundled handler', () => {
  const bundle = fs.readFileSync(path.join(__dirname, '..', 'assets', 'event-notifier.lambda', 'index.js'), 'utf-8');

  test('leaves the AWS SDK v3 of the Lambda runtime external, and bundles nothing else that must be installed', () => {
    const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]).sort();
    expect(required).toEqual(['@aws-sdk/client-organizations', '@aws-sdk/client-sns', 'zlib']);
    // No copy of the SDK's own code (its Smithy client core) inside the bundle.
    expect(bundle).not.toMatch(/@smithy\/smithy-client|class SNSClient/);
  });

  test('exports the handler the function is configured with (index.handler)', () => {
    expect(bundle).toMatch(/handler: \(\) => handler/);
  });
});
