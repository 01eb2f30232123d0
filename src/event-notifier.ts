import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { EventNotifierFunction } from './event-notifier-function';
import { createRotatedKey } from './private/cloudwatch-access';
import { PropValidator } from './private/validation';

/**
 * Properties of an {@link EventNotifier}.
 */
export interface EventNotifierProps {
  /**
   * The log group that receives the CloudTrail events (the trail's log group). The subscription
   * filter is created on it; a log group has at most two subscription filters.
   */
  readonly logGroup: logs.ILogGroup;

  /**
   * The CloudWatch Logs filter pattern of the subscription filter, used verbatim: the events it
   * matches are delivered to the function, which reports each one.
   */
  readonly filterPattern: string;

  /**
   * The topic the function publishes to.
   */
  readonly topic: sns.ITopic;

  /**
   * The KMS key that encrypts `topic`. The function may then use this key only
   * (`kms:GenerateDataKey*`, `kms:Decrypt`) to publish.
   *
   * @default - the topic's key is unknown: the function may use any key of this account through
   * SNS in this region only (condition `kms:ViaService`), which covers a topic encrypted with a
   * key whose policy delegates to IAM, and a topic that is not encrypted
   */
  readonly topicEncryptionKey?: kms.IKey;

  /**
   * The name of the CloudWatch alarm that counts the same events; the messages link to it.
   *
   * @default - no alarm link in the messages
   */
  readonly alarmName?: string;

  /**
   * The customer managed KMS key that encrypts the function's log group and the failure queue.
   * The construct adds a statement to its key policy that lets CloudWatch Logs use it for the
   * function's log group only; the key must be defined in this app (its policy can be changed).
   *
   * @default - a new customer managed key with automatic rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the function's log group keeps the function's logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The per-event path: a CloudWatch Logs subscription filter on the CloudTrail log group delivers
 * each matching event to a small bundled function (Node.js 24, arm64), which publishes one
 * readable message per account and root session to the topic: email text, and the custom
 * notification JSON that AWS Chatbot (Amazon Q Developer in chat applications) renders.
 *
 * It must not fail silently: CloudWatch Logs invokes the function asynchronously; after two
 * retries a failed batch goes to an encrypted queue, and an alarm on the function's errors and
 * one on that queue notify the same topic.
 *
 * Created: the subscription filter; the function, its role (one customer managed policy, no AWS
 * managed policy) and its log group (encrypted, retention one year); the invoke permission for
 * CloudWatch Logs scoped to the trail log group; the failure queue; the two alarms; and, unless
 * given, the KMS key of the log group and queue.
 */
export class EventNotifier extends Construct {
  /** The subscription filter on the trail log group. */
  public readonly subscriptionFilter: logs.SubscriptionFilter;

  /** The function that publishes the events. */
  public readonly function: lambda.IFunction;

  /** The function's log group, `/aws/lambda/<function name>`. */
  public readonly functionLogGroup: logs.ILogGroup;

  /** The queue that receives the batches the function failed to deliver (after two retries). */
  public readonly failureQueue: sqs.IQueue;

  /** The alarm on the function's errors. */
  public readonly errorsAlarm: cloudwatch.Alarm;

  /** The alarm on the failure queue: batches that were not delivered. */
  public readonly failureQueueAlarm: cloudwatch.Alarm;

  /** The KMS key that encrypts the function's log group and the failure queue. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: EventNotifierProps) {
    super(scope, id);
    const validate = new PropValidator(`EventNotifier at ${this.node.path}`);
    validate.maxLength('filterPattern', props.filterPattern, 1024);
    const stack = Stack.of(this);

    // The function, with a role of its own: everything it may do is in ExecutionPolicy below.
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'The event notifier function: writes its logs, publishes to the alarm topic, reads account names',
    });
    const fn = new EventNotifierFunction(this, 'Function', {
      description: 'Publishes each root-usage CloudTrail event from the subscription filter to the alarm topic',
      role,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(1),
      environment: {
        TOPIC_ARN: props.topic.topicArn,
        ...(props.alarmName !== undefined ? { ALARM_NAME: props.alarmName } : {}),
      },
    });
    this.function = fn;
    // lambda.Function adds a DependsOn on the role that its Role GetAtt already implies (cfn-lint W3005).
    (fn.node.defaultChild as lambda.CfnFunction).addDeletionOverride('DependsOn');

    // Its log group, created here (before any invocation), encrypted, kept a year.
    const functionLogGroupName = `/aws/lambda/${fn.functionName}`;
    const functionLogGroupArn = `arn:${Aws.PARTITION}:logs:${stack.region}:${stack.account}:log-group:${functionLogGroupName}`;
    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      this.encryptionKey = createRotatedKey(this, 'Encrypts the log group and the failure queue of the root-usage event notifier');
    }
    const logsKeyStatement = this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsForTheEventNotifierLogGroup',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': functionLogGroupArn } },
    }));
    if (!logsKeyStatement.statementAdded) {
      validate.fail(
        'encryptionKey',
        'must be a key defined in this app: its key policy must let CloudWatch Logs encrypt the function\'s log group, ' +
        'and an imported key\'s policy cannot be changed here. Leave it unset to get a new key',
      );
    }
    const functionLogGroup = new logs.LogGroup(this, 'FunctionLogGroup', {
      logGroupName: functionLogGroupName,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.encryptionKey,
    });
    this.functionLogGroup = functionLogGroup;

    // Where failed batches go after the two retries of an asynchronous invocation.
    const failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.failureQueue = failureQueue;

    // Least privilege, spelled out (the destination below adds no grant of its own).
    const policy = new iam.ManagedPolicy(this, 'ExecutionPolicy', {
      description: 'The event notifier function: its own log group, the alarm topic and its key, the failure queue, account names',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${functionLogGroupArn}:*`],
        }),
        new iam.PolicyStatement({
          sid: 'PublishToAlarmTopic',
          actions: ['sns:Publish'],
          resources: [props.topic.topicArn],
        }),
        topicKeyStatement(this, props.topicEncryptionKey),
        new iam.PolicyStatement({
          sid: 'SendFailedBatchesToQueue',
          actions: ['sqs:SendMessage'],
          resources: [failureQueue.queueArn],
        }),
        new iam.PolicyStatement({
          sid: 'UseQueueKey',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [this.encryptionKey.keyArn],
        }),
        new iam.PolicyStatement({
          sid: 'ReadAccountNames',
          actions: ['organizations:DescribeAccount'],
          resources: ['*'],
        }),
      ],
    });

    // Asynchronous invocations: two retries, then the failure queue.
    const invokeConfig = new lambda.EventInvokeConfig(this, 'InvokeConfig', {
      function: fn,
      retryAttempts: 2,
      onFailure: new QueueArnDestination(failureQueue.queueArn),
    });
    // Lambda checks that the role may send to the destination.
    invokeConfig.node.addDependency(policy);

    // CloudWatch Logs may invoke the function for this log group, in this account, only.
    const permission = new lambda.CfnPermission(this, 'InvokedByTrailLogGroup', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 'logs.amazonaws.com',
      sourceArn: props.logGroup.logGroupArn,
      sourceAccount: stack.account,
    });

    this.subscriptionFilter = new logs.SubscriptionFilter(this, 'SubscriptionFilter', {
      logGroup: props.logGroup,
      filterPattern: logs.FilterPattern.literal(props.filterPattern),
      destination: new FunctionArnDestination(fn.functionArn),
    });
    // CloudWatch Logs tests the destination when the filter is created, and the first batch must
    // find the function able to log and publish.
    this.subscriptionFilter.node.addDependency(permission, functionLogGroup, policy, invokeConfig);

    // It must not fail silently: both alarms notify the same topic.
    const action = new actions.SnsAction(props.topic);
    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription:
        'The root-usage event notifier function failed: event details are not being delivered; the root-usage alarm ' +
        'still works. Lambda retries a failed batch twice, then sends it to the failure queue. ' +
        'See the function\'s log group for the error.',
      metric: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    this.errorsAlarm.addAlarmAction(action);
    this.failureQueueAlarm = new cloudwatch.Alarm(this, 'FailureQueueAlarm', {
      alarmDescription:
        'Batches of root-usage events could not be delivered by the event notifier (they are in its failure queue): ' +
        'event details are not being delivered; the root-usage alarm still works. Read the messages in the queue, ' +
        'look the events up in CloudTrail, fix the cause (see the function\'s log group), then delete the messages.',
      metric: failureQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    this.failureQueueAlarm.addAlarmAction(action);
  }
}

/** The function may use the topic's key (when known), or any key through SNS in this region. */
function topicKeyStatement(scope: IConstruct, key: kms.IKey | undefined): iam.PolicyStatement {
  const actionsForPublish = ['kms:GenerateDataKey*', 'kms:Decrypt'];
  if (key) {
    return new iam.PolicyStatement({ sid: 'UseTopicKey', actions: actionsForPublish, resources: [key.keyArn] });
  }
  return new iam.PolicyStatement({
    sid: 'UseTopicKeyThroughSns',
    actions: actionsForPublish,
    resources: [`arn:${Aws.PARTITION}:kms:${Stack.of(scope).region}:${Stack.of(scope).account}:key/*`],
    conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(scope).region}.amazonaws.com` } },
  });
}

/** The failure queue as an on-failure destination, by ARN: the grant is in the execution policy. */
class QueueArnDestination implements lambda.IDestination {
  constructor(private readonly queueArn: string) {}
  public bind(): lambda.DestinationConfig {
    return { destination: this.queueArn };
  }
}

/** The function as a subscription destination: the permission is created beside it. */
class FunctionArnDestination implements logs.ILogSubscriptionDestination {
  constructor(private readonly functionArn: string) {}
  public bind(): logs.LogSubscriptionDestinationConfig {
    return { arn: this.functionArn };
  }
}
