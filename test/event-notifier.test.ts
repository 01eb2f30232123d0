import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { App, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventNotifier, LogPatternAlarm, RootUsageAlarm } from '../src';
import { ROOT_EVENT_NOTIFICATION_PATTERN, ROOT_USAGE_CIS_PATTERN } from '../src/private/root-event-pattern';

const EMAIL = 'security@example.com';
const FUNCTION = { Ref: Match.stringLikeRegexp('^RootUsageEventNotifierFunction') };
const FUNCTION_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierFunction'), 'Arn'] };
const TOPIC = { Ref: Match.stringLikeRegexp('^RootUsageTopic[0-9A-F]{8}$') };
const NOTIFIER_KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierKey'), 'Arn'] };
const TABLE_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierSessionTable'), 'Arn'] };
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
    expect(RootUsageAlarm.FILTER_PATTERN).toBe(ROOT_USAGE_CIS_PATTERN);
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
      Timeout: 120,
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierServiceRole'), 'Arn'] },
      Environment: {
        Variables: {
          TOPIC_ARN: TOPIC,
          LOG_GROUP_NAME: 'aws-controltower/CloudTrailLogs',
          SESSION_TABLE_SUFFIX: '-sessions',
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
            // The log group's Arn attribute ends in `:*`: its log streams.
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierFunctionLogGroup'), 'Arn'] },
          },
          { Sid: 'PublishToAlarmTopic', Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC },
          {
            Sid: 'UseTopicKey',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageTopicKey'), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          },
          // The session table: read and update items, nothing else (no Scan, no Query, no DeleteTable).
          { Sid: 'RememberSessions', Effect: 'Allow', Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: TABLE_ARN },
          {
            Sid: 'UseTableKeyThroughDynamoDb',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
            Resource: NOTIFIER_KEY_ARN,
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          },
          { Sid: 'SendFailedBatchesToQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: QUEUE_ARN },
          {
            Sid: 'UseQueueKeyThroughSqs',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: NOTIFIER_KEY_ARN,
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          },
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

  test('alarms on errors, throttles, failed deliveries to the queue, arrivals in it and its depth notify the same topic, and again when they clear', () => {
    // The root-usage alarm, the delivery watchdog, the tamper alarm and the notifier's six.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
    const common = {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      Period: 300,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
    };
    const notDelivered = Match.stringLikeRegexp('event details are not being delivered; the root-usage alarm still works');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      AlarmDescription: notDelivered,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: FUNCTION }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      AlarmDescription: notDelivered,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierFailureQueue'), 'QueueName'] } }],
    });
    // Arrivals, not only depth: a second failed batch notifies again while the first still waits.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierFailureQueue'), 'QueueName'] } }],
    });
    for (const metricName of ['DestinationDeliveryFailures', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...common, Namespace: 'AWS/Lambda', MetricName: metricName, Statistic: 'Sum', Dimensions: [{ Name: 'FunctionName', Value: FUNCTION }],
      });
    }
    // CloudWatch Logs could not invoke the function: the subscription filter's delivery errors (its Ref is its name).
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      AlarmDescription: Match.stringLikeRegexp('^CloudWatch Logs could not deliver root-usage events to the event notifier function'),
      Namespace: 'AWS/Logs',
      MetricName: 'DeliveryErrors',
      Statistic: 'Sum',
      Dimensions: Match.arrayWith([
        { Name: 'DestinationType', Value: 'Lambda' },
        { Name: 'FilterName', Value: { Ref: Match.stringLikeRegexp('^RootUsageEventNotifierSubscriptionFilter') } },
      ]),
    });
  });

  test('the session table: on demand, TTL, encrypted with the notifier key, point-in-time recovery, named after the function, deleted with the stack', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        TableName: { 'Fn::Join': ['', [FUNCTION, '-sessions']] },
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: NOTIFIER_KEY_ARN },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('only AWS services and the function may publish to the topic, not any principal of the account', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [TOPIC],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'DenyPublishExceptAwsServicesAndTheEventNotifier',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sns:Publish',
          Resource: TOPIC,
          Condition: {
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
            ArnNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierServiceRole'), 'Arn'] }] },
          },
        }]),
      },
    });
  });

  test('two notifiers on one topic: one statement that names both roles, so that neither denies the other', () => {
    // GIVEN a second alarm with eventNotifications on another log group, publishing to the same topic
    const twoStack = new Stack(new App(), 'Two', { env: { account: '111111111111', region: 'eu-west-1' } });
    const first = new RootUsageAlarm(twoStack, 'First', { emailAddresses: ['a@example.com'], logGroupName: 'group-a', eventNotifications: true });
    new RootUsageAlarm(twoStack, 'Second', { topic: first.topic, logGroupName: 'group-b', metricNamespace: 'Other', eventNotifications: true });
    // WHEN
    const statements: any[] = Object.values<any>(Template.fromStack(twoStack).findResources('AWS::SNS::TopicPolicy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => statement.Sid === 'DenyPublishExceptAwsServicesAndTheEventNotifier');
    // THEN
    expect(statements).toHaveLength(1);
    expect(statements[0].Condition.ArnNotEquals['aws:PrincipalArn'].map((arn: any) => arn['Fn::GetAtt'][0])).toEqual([
      expect.stringMatching(/^FirstEventNotifierServiceRole/), expect.stringMatching(/^SecondEventNotifierServiceRole/),
    ]);
  });

  test('the cdk-nag acknowledgements are metadata on the library\'s own resources, each with a reason', () => {
    const ids = (type: string) => Object.values(template.findResources(type))
      .flatMap((r: any) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string; reason: string }>);
    for (const type of ['AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::IAM::ManagedPolicy', 'AWS::DynamoDB::Table']) {
      const rules = ids(type);
      expect(rules.length).toBeGreaterThan(0);
      for (const r of rules) expect(r.reason.length).toBeGreaterThan(40);
    }
    expect(ids('AWS::DynamoDB::Table').map((r) => r.id)).toEqual([
      'NIST.800.53.R4-DynamoDBInBackupPlan', 'NIST.800.53.R5-DynamoDBInBackupPlan', 'HIPAA.Security-DynamoDBInBackupPlan',
    ]);
    expect(ids('AWS::SQS::Queue').map((r) => r.id)).toEqual(['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']);
  });

  test('the same acknowledgements for cdk-nag 3: CDK\'s acknowledged-rules metadata, where aws-cdk-lib has Validations', () => {
    // aws-cdk-lib 2.257 and newer have Validations (cdk-nag 3 needs them); the peer minimum has not.
    const key: string | undefined = (cdk as any).Validations?.ACKNOWLEDGED_RULES_METADATA_KEY;
    const resources = alarm.eventNotifier!.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource);
    let acknowledged = 0;
    for (const resource of resources) {
      const rules = ((resource.getMetadata('cdk_nag') as any)?.rules_to_suppress ?? []) as Array<{ id: string; reason: string; applies_to?: string[] }>;
      const forNag2 = rules.flatMap((r) => (r.applies_to ? r.applies_to.map((finding) => [`${r.id}[${finding}]`, r.reason]) : [[r.id, r.reason]]));
      const forNag3 = resource.node.metadata.filter((m) => key !== undefined && m.type === key).flatMap((m) => Object.entries(m.data as object));
      expect(forNag3).toEqual(key === undefined ? [] : forNag2);
      acknowledged += forNag2.length;
    }
    expect(acknowledged).toBeGreaterThan(10);
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
  test('subscribes with the root-usage metric filter pattern by default, or the eventFilterPattern given', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const common = { metricName: 'M', emailAddresses: [EMAIL], eventNotifications: true, filterPattern: RootUsageAlarm.FILTER_PATTERN };
    // WHEN
    new LogPatternAlarm(stack, 'Default', { ...common, logGroupName: 'trail-a' });
    new LogPatternAlarm(stack, 'Given', { ...common, logGroupName: 'trail-b', eventFilterPattern: RootUsageAlarm.EVENT_NOTIFICATION_PATTERN });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: 'trail-a', FilterPattern: RootUsageAlarm.FILTER_PATTERN });
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: 'trail-b', FilterPattern: RootUsageAlarm.EVENT_NOTIFICATION_PATTERN });
  });

  test.each([
    ['a pattern of other events', { filterPattern: '{$.eventName="StopLogging"}' }],
    ['an eventFilterPattern of other events', { filterPattern: RootUsageAlarm.FILTER_PATTERN, eventFilterPattern: '{$.eventName="DeleteTrail"}' }],
  ])('%s: a synthesis error, the notifications describe root use only', (_title, patterns) => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new LogPatternAlarm(stack, 'Alarm', { metricName: 'M', emailAddresses: [EMAIL], eventNotifications: true, ...patterns }))
      .toThrow(/LogPatternAlarm at Stack\/Alarm: eventNotifications describe root use only: they need the root-usage pattern/);
  });

  test('an imported trail log group is fine', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const logGroup = logs.LogGroup.fromLogGroupArn(stack, 'Trail', 'arn:aws:logs:us-east-1:111122223333:log-group:org-trail:*');
    // WHEN
    new LogPatternAlarm(stack, 'Alarm', { logGroup, metricName: 'M', filterPattern: RootUsageAlarm.FILTER_PATTERN, emailAddresses: [EMAIL], eventNotifications: true });
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
    expect(() => new EventNotifier(stack, 'Notifier', { logGroup, topic, encryptionKey }))
      .toThrow(/EventNotifier at Stack\/Notifier: encryptionKey must be a key defined in this app/);
  });

  test('a description too long for the Logs Insights link is rejected', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], alarmDescription: 'x'.repeat(500) }))
      .toThrow(/RootUsageAlarm at Stack\/RootUsage: alarmDescription with the Logs Insights link of insightsQuery must be at most 1024 characters long/);
  });
});

describe('EventNotifier on its own', () => {
  test('a pattern other than the root-usage ones is rejected', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Topic');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail');
    expect(() => new EventNotifier(stack, 'Notifier', { logGroup, topic, filterPattern: '{$.x=1}' }))
      .toThrow(/EventNotifier at Stack\/Notifier: filterPattern must be RootUsageAlarm.FILTER_PATTERN or RootUsageAlarm.EVENT_NOTIFICATION_PATTERN/);
  });

  test('the AWS managed SNS key as topicEncryptionKey is rejected: the failure alarms could not publish', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Topic');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail');
    const topicEncryptionKey = kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sns');
    expect(() => new EventNotifier(stack, 'Notifier', { logGroup, topic, topicEncryptionKey }))
      .toThrow(/topicEncryptionKey must not be the AWS managed key alias\/aws\/sns/);
  });

  test('prepares its topic as LogPatternAlarm does: CloudWatch may publish (scoped), and a warning says what cannot be checked', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Topic');
    // WHEN
    const notifier = new EventNotifier(stack, 'Notifier', { logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail'), topic });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' })]) },
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Notifier', Match.stringLikeRegexp('failure alarms notify a topic that this construct cannot fully check'));
    // The default subscription pattern is the event-notification pattern.
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { FilterPattern: RootUsageAlarm.EVENT_NOTIFICATION_PATTERN });
    expect(notifier.sessionTable).toBeDefined();
  });

  test('a topic a RootUsageAlarm already prepared gets no second statement and no warning', () => {
    const stack = new Stack(new App(), 'Stack');
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL] });
    new EventNotifier(stack, 'Notifier', { logGroup: alarm.logGroup, topic: alarm.topic, topicEncryptionKey: alarm.encryptionKey });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('failure alarms notify a topic'))).toEqual([]);
  });

  test.each([
    ['its masterKey', (stack: Stack) => new sns.Topic(stack, 'Topic', { masterKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sns') })],
    ['its CfnTopic\'s KmsMasterKeyId', (stack: Stack) => {
      const t = new sns.Topic(stack, 'Topic');
      (t.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = 'alias/aws/sns';
      return t;
    }],
  ])('a topic encrypted with alias/aws/sns (seen through %s) is an error naming the prop', (_how, makeTopic) => {
    const stack = new Stack(new App(), 'Stack');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail');
    expect(() => new EventNotifier(stack, 'Notifier', { logGroup, topic: makeTopic(stack) }))
      .toThrow(/EventNotifier at Stack\/Notifier: topic must not be encrypted with the AWS managed key alias\/aws\/sns/);
  });

  test('a topic with a key only known at deployment passes through', () => {
    const stack = new Stack(new App(), 'Stack');
    const t = new sns.Topic(stack, 'Topic');
    (t.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = cdk.Lazy.string({ produce: () => 'alias/aws/sns' });
    expect(() => new EventNotifier(stack, 'Notifier', { logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail'), topic: t })).not.toThrow();
  });

  test('accountNames: the platform team\'s names reach the function as JSON; bad ones are errors naming the prop and the rule', () => {
    const stack = new Stack(new App(), 'Stack');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail');
    new EventNotifier(stack, 'Notifier', { logGroup, topic: new sns.Topic(stack, 'Topic'), accountNames: { 111122223333: 'Payments sandbox' } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { ACCOUNT_NAMES: '{"111122223333":"Payments sandbox"}' } },
    });
    const bad = (accountNames: Record<string, string>) => () => {
      const s = new Stack(new App(), 'Stack');
      new EventNotifier(s, 'Notifier', { logGroup: logs.LogGroup.fromLogGroupName(s, 'Trail', 'trail'), topic: new sns.Topic(s, 'Topic'), accountNames });
    };
    expect(bad({ prod: 'Prod' })).toThrow(/accountNames must be keyed by 12-digit account IDs \(got "prod"\)/);
    expect(bad({ 111122223333: 'x'.repeat(51) })).toThrow(/accountNames must map each account to a name of 1 to 50 printable ASCII characters/);
    expect(bad({ 111122223333: 'Zürich' })).toThrow(/accountNames must map each account to a name of 1 to 50 printable ASCII characters/);
    expect(bad(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [String(100000000000 + i), 'n'.repeat(40)]))))
      .toThrow(/accountNames must be at most 2,500 characters as JSON/);
    expect(() => new RootUsageAlarm(new Stack(new App(), 'S'), 'RootUsage', {
      emailAddresses: [EMAIL], eventNotifications: true, eventNotifierOptions: { accountNames: { x: 'y' } },
    })).toThrow(/eventNotifierOptions\.accountNames must be keyed by 12-digit account IDs/);
  });

  test('a given key in the app encrypts the log group and the queue and gets the CloudWatch Logs statement', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Topic');
    const encryptionKey = new kms.Key(stack, 'GivenKey', { enableKeyRotation: true });
    // WHEN
    new EventNotifier(stack, 'Notifier', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail'),
      topic,
      encryptionKey,
      logRetention: logs.RetentionDays.TWO_YEARS,
    });
    // THEN
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^GivenKey'), 'Arn'] };
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn, RetentionInDays: 731 });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn } });
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
    const required = [...new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]))].sort();
    expect(required).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-organizations', '@aws-sdk/client-securityhub', '@aws-sdk/client-sns', 'crypto', 'zlib']);
    // No copy of the SDK's own code (its Smithy client core) inside the bundle.
    expect(bundle).not.toMatch(/@smithy\/smithy-client|class SNSClient/);
  });

  test('exports the handler the function is configured with (index.handler)', () => {
    expect(bundle).toMatch(/handler: \(\) => handler/);
  });
});
