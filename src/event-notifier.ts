import { Aws, Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { EventNotifierFunction } from './event-notifier-function';
import { ExpectedRootUse, RootUseSeverity } from './expected-root-use';
import { addActionsToEveryAlarm } from './private/alarm-actions';
import {
  createRotatedKey, isAwsManagedSnsKey, isLibraryTopic, prepareTopicForCloudWatch,
} from './private/cloudwatch-access';
import { NOTIFIER_METRIC_NAMESPACE } from './private/event-notifier/decode';
import { FINDING_IMPORT_FAILURES_METRIC } from './private/event-notifier/finding';
import { SESSION_TABLE_SUFFIX } from './private/event-notifier/session-store';
import { validateEventNotifierOptions } from './private/event-notifier-options';
import { expectedRootUseEnvironment, highPriorityStatements } from './private/expected-root-use-options';
import { failureAlarm } from './private/failure-alarm';
import { acknowledgeNagRules, resourceFinding } from './private/nag';
import { isRootEventPattern, ROOT_EVENT_NOTIFICATION_PATTERN } from './private/root-event-pattern';
import { PropValidator } from './private/validation';

/** aws-cdk-lib's feature flag that gives every Function a log group of its own (cx-api USE_CDK_MANAGED_LAMBDA_LOGGROUP). */
const USE_CDK_MANAGED_LOG_GROUP = '@aws-cdk/aws-lambda:useCdkManagedLogGroup';

/**
 * What may be tuned on the event notifier's function: its log retention, memory and tracing.
 * What keeps it safe (its role and execution policy, the encryption of its log group, table and
 * queue, its environment) is not configurable.
 */
export interface EventNotifierOptions {
  /**
   * How long the function's log group keeps the function's logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The function's memory, in MB: a whole number from 128 to 10240. The function's CPU share
   * grows with it; 256 handles a delivery of thousands of root events.
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * AWS X-Ray tracing of the function. With `Tracing.ACTIVE` or `Tracing.PASS_THROUGH` its
   * execution policy also allows `xray:PutTraceSegments` and `xray:PutTelemetryRecords`.
   *
   * @default lambda.Tracing.DISABLED
   */
  readonly tracing?: lambda.Tracing;

  /**
   * Account names chosen by the platform team, by 12-digit account ID: the messages show these
   * names as they are. Any other account is named by its own Organizations name, which every
   * member account may set for itself (`account:PutAccountName`), so the messages mark it
   * "self-named" (subject, chat) or "name set by the account itself" (email body). Names of printable ASCII, at most 50
   * characters; all of them together at most 2,500 characters of JSON (they travel in the function's environment).
   *
   * @default - no platform names: every name is the account's own, marked as such
   */
  readonly accountNames?: { [accountId: string]: string };

  // Expected or not, first seen, severity and routing (docs/expected-root-use.md).

  /**
   * Root use the platform team plans (a ticket, a routine task, a break-glass rehearsal): a session
   * that matches one entry in full is labelled "Expected: <name>" and gets a low severity; every
   * other one "Unexpected". Expected sessions are still reported and counted. At most 50 entries;
   * with `accountNames`, at most 3,000 characters of JSON (they travel in the function's environment).
   *
   * @default - nothing is expected: every message says "Unexpected"
   */
  readonly expectedRootUse?: ExpectedRootUse[];

  /**
   * An `AssumeRoot` call whose (caller, target account, task policy) was not seen in this window
   * says "first time" (and is at least `HIGH` unless expected). Remembered in the session table,
   * each combination for this long after its latest call. Whole hours, 1 to 365 days.
   *
   * @default Duration.days(90)
   */
  readonly firstSeenWindow?: Duration;

  /**
   * A second topic (a paging integration, for example) that also receives the messages at or above
   * `highPrioritySeverity`; the main topic still receives every message. The function may publish
   * to it (and use its KMS key through SNS); when an `AlarmTopic` created it, its policy lets only
   * AWS services and the event notifiers publish, as for the main topic.
   *
   * @default - no high-priority topic
   */
  readonly highPriorityTopic?: sns.ITopic;

  /**
   * The lowest severity that also goes to `highPriorityTopic`. Only with `highPriorityTopic`.
   *
   * @default RootUseSeverity.HIGH
   */
  readonly highPrioritySeverity?: RootUseSeverity;

  /**
   * Whether the function also imports a Security Hub CSPM finding (AWS Security Finding Format)
   * per root session, after its message went out: into Security Hub of the function's own account
   * and region (with the default product ARN only that account may import), naming the account
   * whose root user acted as the finding's resource; a continuation of the session updates the same
   * finding. Its role may then call `securityhub:BatchImportFindings` on that default product
   * only. Security Hub CSPM must be enabled there; a failed import never holds a message back: it
   * is logged, counted (metric `FindingImportFailures`) and raises `securityHubImportFailuresAlarm`.
   * See docs/security-hub.md.
   *
   * @default false
   */
  readonly securityHubFindings?: boolean;
}

/**
 * Properties of an {@link EventNotifier}.
 */
export interface EventNotifierProps extends EventNotifierOptions {
  /**
   * The log group that receives the CloudTrail events (the trail's log group). The subscription
   * filter is created on it; a log group has at most two subscription filters.
   */
  readonly logGroup: logs.ILogGroup;

  /**
   * The CloudWatch Logs filter pattern of the subscription filter, used verbatim: the events it
   * matches are delivered to the function, which reports each root use. The function describes
   * root use only (it skips any other record), so the pattern must be the root-usage pattern
   * (`RootUsageAlarm.FILTER_PATTERN`) or the event-notification pattern
   * (`RootUsageAlarm.EVENT_NOTIFICATION_PATTERN`).
   *
   * @default RootUsageAlarm.EVENT_NOTIFICATION_PATTERN
   */
  readonly filterPattern?: string;

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
   * The trail that feeds the log group (Control Tower: `aws-controltower-BaselineCloudTrail`).
   * Changes to the watch (the trail stopped, the group's filters deleted, the alarms deleted, the
   * topic, its subscriptions or its key changed, the stack deleted) are reported as their own kind;
   * for the trail, only those to this trail.
   *
   * @default - the trail is not known: a change to any trail of the log group's account and region is reported
   */
  readonly trailName?: string;
}

/**
 * The per-event path: a CloudWatch Logs subscription filter on the CloudTrail log group delivers
 * each matching event to a small bundled function (Node.js 24, arm64), which publishes one
 * readable message per account and root session to the topic: email text, and the custom
 * notification JSON that AWS Chatbot (Amazon Q Developer in chat applications) renders. The
 * function also accepts CloudTrail events from an EventBridge rule (real time), with the same
 * rendering and memory.
 *
 * It remembers each root session for 24 hours in a DynamoDB table (on-demand, encrypted with the
 * customer managed key, point-in-time recovery), so that a session spanning several deliveries is
 * reported as one ("continues"), an AssumeRoot call and its session's actions are connected in
 * either order, and a retried delivery (or the log path after the real-time path) does not
 * publish again what was published. If the table fails, messages go out without that memory.
 *
 * It must not fail silently: CloudWatch Logs invokes the function asynchronously; after two
 * retries a failed batch goes to an encrypted queue. Alarms on the function's errors, throttles
 * and failed deliveries to the queue, on every batch arriving in the queue and on the queue's
 * depth notify the same topic, and notify again when they clear.
 *
 * Created: the subscription filter; the function, its role (one customer managed policy, no AWS
 * managed policy) and its log group (encrypted, retention one year); the invoke permission for
 * CloudWatch Logs scoped to the trail log group; the session table; the failure queue; the
 * alarms; and, unless given, the KMS key of the log group, the table and the queue.
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

  /** The alarm on the failure queue's depth: batches that were not delivered are waiting. */
  public readonly failureQueueAlarm: cloudwatch.Alarm;

  /**
   * The alarm on batches arriving in the failure queue: it notifies again for a second failed
   * batch while the first one still waits in the queue.
   */
  public readonly failureArrivalsAlarm: cloudwatch.Alarm;

  /** The alarm on failed deliveries of failed batches to the failure queue (Lambda's DestinationDeliveryFailures). */
  public readonly destinationDeliveryFailuresAlarm: cloudwatch.Alarm;

  /** The alarm on the function's throttles. */
  public readonly throttlesAlarm: cloudwatch.Alarm;

  /**
   * The alarm on the subscription filter's delivery errors (CloudWatch Logs' `DeliveryErrors`):
   * CloudWatch Logs could not invoke the function (throttled, refused, deleted), so the events it
   * carried never reached it.
   */
  public readonly subscriptionDeliveryErrorsAlarm: cloudwatch.Alarm;

  /**
   * The alarm on Security Hub findings the function could not import (metric
   * `FindingImportFailures`: Security Hub CSPM not enabled, the import refused or too slow); only
   * with `securityHubFindings`. The messages went out regardless.
   */
  public readonly securityHubImportFailuresAlarm?: cloudwatch.Alarm;

  /** The table that remembers root sessions (24 hours after their latest event). */
  public readonly sessionTable: dynamodb.ITable;

  /** The KMS key that encrypts the function's log group, the session table and the failure queue. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: EventNotifierProps) {
    super(scope, id);
    // The function's log group is FunctionLogGroup below (encrypted, with retention, created
    // before the first invocation). aws-cdk-lib's flag @aws-cdk/aws-lambda:useCdkManagedLogGroup,
    // which `cdk init` writes into new apps' cdk.json, would make lambda.Function create a second
    // `/aws/lambda/<name>` group beside it (two resources, one name: CloudFormation fails). The
    // Function's `logGroup` prop cannot take ours instead: that group's name holds the function's
    // name, so LoggingConfig would close a cycle. So the flag is off in this construct's subtree
    // only, for every aws-cdk-lib (older ones do not know it): the template is the same with or
    // without the flags.
    this.node.setContext(USE_CDK_MANAGED_LOG_GROUP, false);
    const validate = new PropValidator(`EventNotifier at ${this.node.path}`);
    const filterPattern = props.filterPattern ?? ROOT_EVENT_NOTIFICATION_PATTERN;
    validate.maxLength('filterPattern', filterPattern, 1024);
    if (!Token.isUnresolved(filterPattern) && !isRootEventPattern(filterPattern)) {
      validate.fail(
        'filterPattern',
        'must be RootUsageAlarm.FILTER_PATTERN or RootUsageAlarm.EVENT_NOTIFICATION_PATTERN: the event notifier reports root use ' +
        'only, and would skip every other event the subscription delivers',
      );
    }
    if (props.topicEncryptionKey && isAwsManagedSnsKey(props.topicEncryptionKey)) {
      validate.fail(
        'topicEncryptionKey',
        'must not be the AWS managed key alias/aws/sns: its key policy cannot let CloudWatch alarms publish, so the failure alarms would be silent',
      );
    }
    if (topicUsesAwsManagedKey(props.topic)) {
      validate.fail(
        'topic',
        'must not be encrypted with the AWS managed key alias/aws/sns: its key policy cannot let CloudWatch alarms publish, ' +
        'so the failure alarms would be silent. Encrypt the topic with a customer managed key (AlarmTopic does)',
      );
    }
    const memorySize = props.memorySize ?? 256;
    validateEventNotifierOptions(validate, props);
    const tracing = props.tracing ?? lambda.Tracing.DISABLED;
    const stack = Stack.of(this);
    // Security Hub CSPM findings: the default product of this account and region, the only one this account may import into.
    const securityHubProductArn = props.securityHubFindings === true
      ? `arn:${Aws.PARTITION}:securityhub:${stack.region}:${stack.account}:product/${stack.account}/default` : undefined;

    // The function, with a role of its own: everything it may do is in ExecutionPolicy below.
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'The event notifier function: writes its logs, publishes to the alarm topic, remembers root sessions, reads account names',
    });
    const fn = new EventNotifierFunction(this, 'Function', {
      description: 'Publishes each root-usage CloudTrail event from the subscription filter to the alarm topic',
      role,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout: Duration.minutes(2),
      environment: {
        TOPIC_ARN: props.topic.topicArn,
        LOG_GROUP_NAME: props.logGroup.logGroupName,
        SESSION_TABLE_SUFFIX,
        ...(props.alarmName !== undefined ? { ALARM_NAME: props.alarmName } : {}),
        // The library's resources, for tamper calls (src/private/event-notifier/tamper.ts).
        WATCH_ACCOUNT: Stack.of(props.logGroup).account,
        WATCH_STACK_NAME: Aws.STACK_NAME,
        WATCH_STACK_ID: Aws.STACK_ID,
        WATCH_TOPIC_ARNS: props.highPriorityTopic ? `${props.topic.topicArn},${props.highPriorityTopic.topicArn}` : props.topic.topicArn,
        ...(props.topicEncryptionKey ? { WATCH_KEY_ARNS: props.topicEncryptionKey.keyArn } : {}),
        ...(props.trailName !== undefined ? { WATCH_TRAIL_NAME: props.trailName } : {}),
        ...(props.accountNames !== undefined && Object.keys(props.accountNames).length > 0
          ? { ACCOUNT_NAMES: Stack.of(this).toJsonString(props.accountNames) } : {}),
        // Expected root use, first seen and the high-priority topic (only when set).
        ...expectedRootUseEnvironment(this, props),
        ...(securityHubProductArn !== undefined ? { SECURITY_HUB_PRODUCT_ARN: securityHubProductArn } : {}),
      },
    });
    this.function = fn;
    // lambda.Function adds a DependsOn on the role that its Role GetAtt already implies (cfn-lint W3005).
    (fn.node.defaultChild as lambda.CfnFunction).addDeletionOverride('DependsOn');
    // Tracing on the resource, its permissions in ExecutionPolicy (lambda.Function's `tracing`
    // would add a second policy to the role).
    if (tracing !== lambda.Tracing.DISABLED) {
      (fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: tracing };
    }

    // Its log group, created here (before any invocation), encrypted, kept a year.
    const functionLogGroupName = `/aws/lambda/${fn.functionName}`;
    const functionLogGroupArn = `arn:${Aws.PARTITION}:logs:${stack.region}:${stack.account}:log-group:${functionLogGroupName}`;
    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      this.encryptionKey = createRotatedKey(this, 'Encrypts the log group, the session table and the failure queue of the root-usage event notifier');
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

    // The session memory: one item per root session, gone 24 hours after its latest event (TTL).
    // On demand: a quiet organization pays cents. Point-in-time recovery costs next to nothing
    // on a table this small; the table is deleted with the stack (it holds nothing that is not
    // in CloudTrail). Its name is the function's name and a suffix, which the function knows:
    // an environment variable with the table's name would close a cycle (function -> table ->
    // key -> key policy naming the function's log group -> function).
    const sessionTable = new dynamodb.Table(this, 'SessionTable', {
      tableName: `${fn.functionName}${SESSION_TABLE_SUFFIX}`,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Point-in-time recovery on the L1: the L2 property is deprecated in newer aws-cdk-lib (a
    // warning at every synthesis) and its replacement does not exist in 2.93.0.
    (sessionTable.node.defaultChild as dynamodb.CfnTable).pointInTimeRecoverySpecification = { pointInTimeRecoveryEnabled: true };
    this.sessionTable = sessionTable;

    // Where failed batches go after the two retries of an asynchronous invocation.
    const failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.failureQueue = failureQueue;

    // Least privilege, spelled out (the destination below adds no grant of its own).
    const keyStatement = topicKeyStatement(this, props.topicEncryptionKey);
    const highPriorityKeyStatements = highPriorityStatements(this, props.highPriorityTopic);
    const policy = new iam.ManagedPolicy(this, 'ExecutionPolicy', {
      description: 'The event notifier function: its own log group, the alarm topic and its key, the session table, the failure queue, account names',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          // The log group's Arn attribute, `arn:...:log-group:<name>:*`: its log streams.
          resources: [functionLogGroup.logGroupArn],
        }),
        new iam.PolicyStatement({
          sid: 'PublishToAlarmTopic',
          actions: ['sns:Publish'],
          resources: [props.topic.topicArn],
        }),
        keyStatement,
        ...highPriorityKeyStatements,
        new iam.PolicyStatement({
          sid: 'RememberSessions',
          actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resources: [sessionTable.tableArn],
        }),
        new iam.PolicyStatement({
          sid: 'UseTableKeyThroughDynamoDb',
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          resources: [this.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` } },
        }),
        new iam.PolicyStatement({
          sid: 'SendFailedBatchesToQueue',
          actions: ['sqs:SendMessage'],
          resources: [failureQueue.queueArn],
        }),
        new iam.PolicyStatement({
          sid: 'UseQueueKeyThroughSqs',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [this.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
        }),
        new iam.PolicyStatement({
          sid: 'ReadAccountNames',
          actions: ['organizations:DescribeAccount'],
          resources: ['*'],
        }),
        ...(securityHubProductArn === undefined ? [] : [new iam.PolicyStatement({
          sid: 'ImportSecurityHubFindings',
          actions: ['securityhub:BatchImportFindings'],
          resources: [securityHubProductArn],
        })]),
        ...(tracing === lambda.Tracing.DISABLED ? [] : [new iam.PolicyStatement({
          sid: 'SendTraces',
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        })]),
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
      filterPattern: logs.FilterPattern.literal(filterPattern),
      destination: new FunctionArnDestination(fn.functionArn),
    });
    // CloudWatch Logs tests the destination when the filter is created, and the first batch must
    // find the function able to log and publish.
    this.subscriptionFilter.node.addDependency(permission, functionLogGroup, policy, invokeConfig, sessionTable);

    // It must not fail silently: every alarm notifies the same topic, and again when it clears.
    this.prepareTopic(props.topic);
    // Only AWS services (CloudWatch alarms, EventBridge) and this function may publish to a topic
    // this library created (AlarmTopic), not any principal of the account: a message in its name
    // could bury or fake an alert. A topic the user brings may have publishers of its own: untouched.
    if (isLibraryTopic(props.topic)) {
      restrictPublishers(props.topic, role.roleArn);
    }
    if (props.highPriorityTopic && isLibraryTopic(props.highPriorityTopic)) {
      restrictPublishers(props.highPriorityTopic, role.roleArn);
    }
    const action = new actions.SnsAction(props.topic);
    const alarm = (alarmId: string, description: string, metric: cloudwatch.IMetric): cloudwatch.Alarm =>
      failureAlarm(this, alarmId, description, metric, action);
    const sum5 = { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) };
    this.errorsAlarm = alarm('ErrorsAlarm',
      'The root-usage event notifier function failed: event details are not being delivered; the root-usage alarm ' +
      'still works. Lambda retries a failed batch twice, then sends it to the failure queue. ' +
      'See the function\'s log group for the error.',
      fn.metricErrors(sum5));
    this.failureQueueAlarm = alarm('FailureQueueAlarm',
      'Batches of root-usage events could not be delivered by the event notifier (they are in its failure queue): ' +
      'event details are not being delivered; the root-usage alarm still works. Read the messages in the queue, ' +
      'look the events up in CloudTrail, fix the cause (see the function\'s log group), then delete the messages.',
      failureQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) }));
    this.failureArrivalsAlarm = alarm('FailureArrivalsAlarm',
      'A batch of root-usage events has just arrived in the event notifier\'s failure queue (each new one notifies, even while ' +
      'older ones wait there): its event details were not delivered; the root-usage alarm still works. See the failure queue.',
      failureQueue.metricNumberOfMessagesSent(sum5));
    this.destinationDeliveryFailuresAlarm = alarm('DestinationDeliveryFailuresAlarm',
      'Lambda could not put a failed batch of root-usage events into the event notifier\'s failure queue: the batch is lost. ' +
      'Look the events up in CloudTrail (the root-usage alarm still counted them); check the queue, its key and the function\'s role.',
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'DestinationDeliveryFailures',
        dimensionsMap: { FunctionName: fn.functionName },
        ...sum5,
      }));
    this.throttlesAlarm = alarm('ThrottlesAlarm',
      'The root-usage event notifier function was throttled (the account or region reached its Lambda concurrency): ' +
      'Lambda retries throttled asynchronous invocations for up to 6 hours, so event details may arrive late.',
      fn.metricThrottles(sum5));
    this.subscriptionDeliveryErrorsAlarm = alarm('SubscriptionDeliveryErrorsAlarm',
      'CloudWatch Logs could not deliver root-usage events to the event notifier function (the subscription filter\'s ' +
      'DeliveryErrors): those events were not reported one by one; the root-usage alarm still counted them. Check the ' +
      'function (throttles, its resource policy) and look the events up in CloudTrail.',
      new cloudwatch.Metric({
        namespace: 'AWS/Logs',
        metricName: 'DeliveryErrors',
        dimensionsMap: {
          LogGroupName: props.logGroup.logGroupName,
          DestinationType: 'Lambda',
          // The filter's Ref is its name (aws-cdk-lib's CfnSubscriptionFilter.subscriptionFilterRef reads it so).
          FilterName: (this.subscriptionFilter.node.defaultChild as logs.CfnSubscriptionFilter).ref,
        },
        ...sum5,
      }));

    if (securityHubProductArn !== undefined) {
      this.securityHubImportFailuresAlarm = alarm('SecurityHubImportFailuresAlarm',
        'The root-usage event notifier could not import Security Hub findings (Security Hub CSPM not enabled in this account ' +
        'and region, the import refused, or too slow): the root sessions were still reported by message; their findings are ' +
        'missing or not updated. See the function\'s log group for "Security Hub finding import failed".',
        new cloudwatch.Metric({
          namespace: NOTIFIER_METRIC_NAMESPACE,
          metricName: FINDING_IMPORT_FAILURES_METRIC,
          dimensionsMap: { FunctionName: fn.functionName },
          ...sum5,
        }));
    }

    this.acknowledgeScannerFindings(fn, failureQueue, policy, sessionTable, tracing, [keyStatement, ...highPriorityKeyStatements]);
  }

  /**
   * Adds actions to every alarm of this event notifier (its failure alarms), beside the
   * notification of the topic: for example `new SnsAction(pagingTopic)` to page someone too. An
   * SNS topic given here must let CloudWatch alarms publish (an `AlarmTopic` does).
   *
   * @param alarmActions the actions to run when an alarm goes to ALARM
   */
  public addAlarmAction(...alarmActions: cloudwatch.IAlarmAction[]): void {
    addActionsToEveryAlarm(this, alarmActions);
  }

  /**
   * The failure alarms publish to the topic, so the topic must let CloudWatch publish: done by
   * AlarmTopic and by LogPatternAlarm; for a topic given to an EventNotifier used on its own, the
   * statement is added here (and a warning says what cannot be checked), as LogPatternAlarm does.
   */
  private prepareTopic(topic: sns.ITopic): void {
    prepareTopicForCloudWatch(this, topic, {
      id: 'cdk-root-usage-alarm:eventNotifierTopic',
      subject: 'The event notifier\'s failure alarms notify a topic',
      otherwise: 'Otherwise the alarms fail silently.',
    });
  }

  /**
   * The findings of cdk-nag's six packs (AwsSolutions, HIPAA Security, NIST 800-53 R4 and R5,
   * PCI DSS 3.2.1, Serverless) on what this construct creates, each acknowledged with its reason on
   * the resource itself, for cdk-nag 2 and 3 (src/private/nag.ts), so a user who runs cdk-nag sees
   * no finding from this library. docs/event-notifications.md lists them.
   */
  private acknowledgeScannerFindings(
    fn: lambda.Function, queue: sqs.Queue, policy: iam.ManagedPolicy, table: dynamodb.Table,
    tracing: lambda.Tracing, keyStatements: iam.PolicyStatement[],
  ): void {
    const notInVpc = 'The function calls only the SNS, DynamoDB and AWS Organizations APIs, over TLS, and connects to nothing inside a ' +
      'network; a VPC would add NAT gateways or interface endpoints (cost, and more ways to fail) without protecting any data.';
    const concurrency = 'No reserved concurrency: Lambda refuses to reserve concurrency that would leave less than 100 unreserved ' +
      '(new accounts often have a quota of 10), which would fail the deployment; invocations are bounded by root activity, and ' +
      'throttled asynchronous invocations are retried for 6 hours, with an alarm on throttles.';
    const dlq = 'The rule looks for DeadLetterConfig only; the function has an on-failure destination (EventInvokeConfig) instead: ' +
      'an encrypted SQS queue, which receives more than a dead-letter queue would, with alarms on it.';
    acknowledgeNagRules(fn, [
      ...['NIST.800.53.R5', 'HIPAA.Security'].flatMap((pack) => [
        { id: `${pack}-LambdaConcurrency`, reason: concurrency },
        { id: `${pack}-LambdaDLQ`, reason: dlq },
      ]),
      { id: 'Serverless-LambdaDLQ', reason: dlq },
      ...['NIST.800.53.R4', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-LambdaInsideVPC`, reason: notInVpc })),
      ...(tracing === lambda.Tracing.ACTIVE ? [] : [{
        id: 'Serverless-LambdaTracing',
        reason: 'X-Ray tracing is off unless eventNotifierOptions.tracing turns it on: the function makes a few AWS calls per root ' +
          'session, and its structured log lines and alarms say what each invocation did; traces would cost without adding to that.',
      }]),
    ]);
    const endOfChain = 'The queue is itself the on-failure destination of the function, the end of the chain; alarms on it ' +
      'notify the topic. A dead-letter queue behind it would hold nothing.';
    acknowledgeNagRules(queue, [
      { id: 'AwsSolutions-SQS3', reason: endOfChain },
      { id: 'Serverless-SQSRedrivePolicy', reason: endOfChain },
    ]);
    acknowledgeNagRules(table, ['NIST.800.53.R4', 'NIST.800.53.R5', 'HIPAA.Security'].map((pack) => ({
      id: `${pack}-DynamoDBInBackupPlan`,
      reason: 'The table holds only a 24-hour memory of root sessions, derived from CloudTrail (which keeps the events); ' +
        'point-in-time recovery is on; a backup plan would keep copies of nothing worth restoring.',
    })));
    // Exact findings (cdk-nag 3 matches them exactly), in this stack's environment.
    const keyResources = keyStatements.flatMap((st) => {
      const r = (st.toStatementJson().Resource ?? []) as string[] | string;
      return Array.isArray(r) ? r : [r];
    });
    const wildcardKeys = [...new Set(keyResources
      .map((arn) => resourceFinding(this, arn))
      .filter((finding) => finding.includes('*')))];
    acknowledgeNagRules(policy, [{
      id: 'AwsSolutions-IAM5',
      reason: 'kms:GenerateDataKey*, the action SNS documents for publishers to an encrypted topic, on the topic\'s key only (or, ' +
        'when the key is not known, on keys of this account through SNS only: kms:ViaService); organizations:DescribeAccount ' +
        'on "*": an account ARN holds the management account and organization IDs, unknown at synthesis, and the action only ' +
        'reads the account\'s name; with tracing, the X-Ray actions, which have no resource-level permissions.',
      appliesTo: ['Action::kms:GenerateDataKey*', 'Resource::*', ...wildcardKeys],
    }]);
  }
}

/**
 * Whether the topic, as far as this app can see (a Topic defined here: its `masterKey`, or its
 * CfnTopic's KmsMasterKeyId), is encrypted with the AWS managed key alias/aws/sns.
 */
function topicUsesAwsManagedKey(topic: sns.ITopic): boolean {
  const key = (topic as { masterKey?: unknown }).masterKey;
  if (key !== undefined && isAwsManagedSnsKey(key)) return true;
  const cfn = topic.node.defaultChild;
  if (cfn instanceof sns.CfnTopic) {
    const id = cfn.kmsMasterKeyId;
    // A key ARN with tokens (partition, account) still ends with the literal alias: aws-cdk-lib
    // releases without Topic.masterKey (2.93) show the key only here.
    return typeof id === 'string' && /(^|[:/])alias\/aws\/sns$/.test(id);
  }
  return false;
}

/** The function may use the topic's key (when known), or any key through SNS in this region. */
function topicKeyStatement(scope: IConstruct, key: kms.IKey | undefined): iam.PolicyStatement {
  const actionsForPublish = ['kms:GenerateDataKey*', 'kms:Decrypt'];
  const throughSns = { StringEquals: { 'kms:ViaService': `sns.${Stack.of(scope).region}.amazonaws.com` } };
  if (key) {
    // The key may be the user's (LogPatternAlarm's encryptionKey): usable through SNS only.
    return new iam.PolicyStatement({ sid: 'UseTopicKey', actions: actionsForPublish, resources: [key.keyArn], conditions: throughSns });
  }
  return new iam.PolicyStatement({
    sid: 'UseTopicKeyThroughSns',
    actions: actionsForPublish,
    resources: [`arn:${Aws.PARTITION}:kms:${Stack.of(scope).region}:${Stack.of(scope).account}:key/*`],
    conditions: throughSns,
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

/** The roles of the event notifiers that publish to each topic this library created. */
const TOPIC_PUBLISHERS = new WeakMap<object, string[]>();

/**
 * Lets only AWS services (CloudWatch alarms, EventBridge) and the event notifiers' roles publish
 * to a topic this library created: one statement per topic, naming every notifier that publishes
 * to it (two notifiers on one topic, say a `RootUsageAlarm` and a second one on another log
 * group, must not deny each other).
 */
function restrictPublishers(topic: sns.ITopic, roleArn: string): void {
  let roles = TOPIC_PUBLISHERS.get(topic);
  if (roles === undefined) {
    roles = [];
    TOPIC_PUBLISHERS.set(topic, roles);
    const publishers = roles;
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyPublishExceptAwsServicesAndTheEventNotifier',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        ArnNotEquals: { 'aws:PrincipalArn': Lazy.list({ produce: () => publishers }) },
      },
    }));
  }
  roles.push(roleArn);
}
