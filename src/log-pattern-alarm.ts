import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';
import { EventNotifier, EventNotifierOptions } from './event-notifier';
import { addActionsToEveryAlarm } from './private/alarm-actions';
import * as cli from './private/cli-commands';
import { prepareTopicForCloudWatch } from './private/cloudwatch-access';
import { CONTROL_TOWER_3X_LOG_GROUP_NAME, CONTROL_TOWER_TRAIL_NAME, trailLogGroup } from './private/control-tower-log-group';
import { subscribeEmail } from './private/email-subscription';
import { validateEventNotifierOptions } from './private/event-notifier-options';
import { deployedLength, logsInsightsLink } from './private/insights-link';
import { LogGroupWatch, validateWatch } from './private/log-group-watch';
import { isRootEventPattern } from './private/root-event-pattern';
import { PropValidator } from './private/validation';
import { verifyScript } from './private/verify-script';

/**
 * Options shared by every alarm built on a CloudTrail log group: where the events are, who is
 * told, and how the metric and alarm behave.
 */
export interface LogPatternAlarmOptions {
  /**
   * The name of the CloudWatch Logs log group that receives the CloudTrail events, used as given.
   * Give either `logGroupName` or `logGroup`, not both.
   *
   * With neither, the construct watches the group that the AWS Control Tower organization trail
   * (`aws-controltower-BaselineCloudTrail`, in the management account's home region) writes to
   * now: `aws-controltower/CloudTrailLogs` on landing zones set up before Control Tower 4.0,
   * `aws-controltower/CloudTrailLogs-<suffix>` on 4.0. In a stack with an explicit account and
   * region it is looked up at synthesis (the CDK CLI reads the trail through the Cloud Control
   * API and caches the answer in `cdk.context.json`: commit that file); in an
   * environment-agnostic stack, which cannot look anything up, it is
   * `aws-controltower/CloudTrailLogs`, with a synthesis warning.
   *
   * @default - the log group of the AWS Control Tower trail
   */
  readonly logGroupName?: string;

  /**
   * The log group that receives the CloudTrail events, as an alternative to `logGroupName`.
   *
   * @default - the log group named by `logGroupName`
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * Email addresses to notify. Each one becomes an email subscription of the topic, which stays
   * pending, and delivers nothing, until its recipient clicks the confirmation link that SNS
   * sends. At least one recipient is required: an email address, or a `topic`.
   *
   * @default - no email subscriptions
   */
  readonly emailAddresses?: string[];

  /**
   * An existing SNS topic to notify instead of creating one. The `emailAddresses` are then
   * subscribed to it.
   *
   * The construct adds a statement to the topic's policy that lets CloudWatch alarms of this
   * account publish, where it can (a topic defined in this app). Synthesis warns about what it
   * cannot check: if the topic is encrypted, its key policy must let `cloudwatch.amazonaws.com`
   * use the key, and the topic must not be encrypted with the AWS managed key `alias/aws/sns`.
   *
   * @default - a new topic, encrypted with a customer managed KMS key (see `encryptionKey`)
   */
  readonly topic?: sns.ITopic;

  /**
   * The KMS key for the topic this construct creates. Only with no `topic`.
   *
   * The AWS managed key `alias/aws/sns` is rejected: CloudWatch alarms cannot publish to a topic
   * encrypted with it.
   *
   * @default - a new customer managed key with automatic rotation, which CloudWatch alarms of
   * this account may use
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The namespace of the custom metric. Must not be empty, be longer than 255 characters,
   * contain `:`, `*` or `$`, or start with `AWS/`.
   *
   * @default "CloudTrailMetrics"
   */
  readonly metricNamespace?: string;

  /**
   * The period over which the alarm sums the metric: a whole number of minutes, known at
   * synthesis (not a token).
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * How far back the alarm looks: it fires when any one period within this window has a
   * matching event. CloudTrail delivers to CloudWatch Logs in batches, typically within about
   * 5 minutes but without a guarantee; a window of several periods still alarms on an event
   * whose record lands late. A whole number of minutes, at most one day, known at synthesis.
   *
   * The alarm evaluates `ceil(evaluationWindow / period)` periods and needs one datapoint
   * breaching among them.
   *
   * @default Duration.minutes(10)
   */
  readonly evaluationWindow?: Duration;

  /**
   * The name of the alarm.
   *
   * @default - a name generated by CloudFormation
   */
  readonly alarmName?: string;

  /**
   * Whether to notify the topic again when the alarm returns to OK. An alarm notifies on state
   * changes only: while it stays in ALARM, further matching events send no new notification.
   * The OK notification tells the recipients that the alarm is armed again.
   *
   * @default true
   */
  readonly notifyOnRecovery?: boolean;

  /**
   * Whether to report every matching event too, with its details (account and account name,
   * what kind of root use, who, from where, links), one message per account and session: a
   * CloudWatch Logs subscription filter on the log group delivers the events to a small bundled
   * Lambda function (an {@link EventNotifier}), which publishes to the same topic.
   *
   * Off by default: the template then holds no Lambda function and no asset, and deploys as
   * plain CloudFormation (StackSets, Customizations for AWS Control Tower). On, it uses one of the
   * two subscription filters a log group may have. Must be known at synthesis (not a token).
   *
   * @default false
   */
  readonly eventNotifications?: boolean;

  /**
   * Whether to alarm when the log group receives no events at all for `deliveryWatchdogWindow`
   * (its `AWS/Logs` `IncomingLogEvents`, missing data breaching): a stopped or deleted trail, a
   * broken CloudWatch Logs delivery role, or a trail that now writes to another group all end in
   * ALARM, instead of a root-usage alarm that stays OK because it sees nothing. ALARM and OK
   * notify the topic. One watchdog per log group and stack, shared by every construct of the
   * library on that group.
   *
   * @default true
   */
  readonly deliveryWatchdog?: boolean;

  /**
   * How long the log group may receive no events before the delivery watchdog alarms: a whole
   * multiple of 5 minutes, from 10 minutes to 1 day, known at synthesis. An organization trail
   * with management events is never silent for long; a quiet single-account trail of write
   * events only may need a longer window.
   *
   * @default Duration.hours(1)
   */
  readonly deliveryWatchdogWindow?: Duration;

  /**
   * Whether to alarm on changes that would blind the watch: the trail stopped, deleted or
   * updated; the log group deleted or its metric or subscription filters deleted; alarms deleted
   * or their actions disabled; the topic deleted, unsubscribed or its policy changed; its KMS key
   * disabled or scheduled for deletion; the stack deleted. A metric filter on the same log group
   * and an alarm notifying the topic (ALARM and OK). One per log group and stack, shared by
   * every construct of the library on that group.
   *
   * @default true
   */
  readonly tamperAlarm?: boolean;

  /**
   * The tunable settings of the event notifier's function (log retention, memory, tracing). Only
   * with `eventNotifications`.
   *
   * @default - one year of logs, 256 MB, no tracing
   */
  readonly eventNotifierOptions?: EventNotifierOptions;

  /**
   * The name of the topic this construct creates. Only with no `topic`.
   *
   * @default - a name generated by CloudFormation
   */
  readonly topicName?: string;
}

/**
 * Properties of a {@link LogPatternAlarm}.
 */
export interface LogPatternAlarmProps extends LogPatternAlarmOptions {
  /**
   * The CloudWatch Logs filter pattern, used verbatim (compliance checks such as Security Hub's
   * compare it character for character).
   */
  readonly filterPattern: string;

  /**
   * The name of the custom metric. Same rules as `metricNamespace`.
   */
  readonly metricName: string;

  /**
   * The description of the alarm: what happened and what to do.
   *
   * @default - no description
   */
  readonly alarmDescription?: string;

  /**
   * A CloudWatch Logs Insights query that lists the matching events. A console link that runs it
   * over the log group (the last 24 hours) is appended to the alarm description, so that the
   * notification leads straight to the events; the description with the link must stay within
   * 1,024 characters.
   *
   * @default - no link
   */
  readonly insightsQuery?: string;

  /**
   * The filter pattern of the event notifications' subscription filter (with
   * `eventNotifications`), used verbatim. It is not checked by compliance tools; it should match
   * at least every event `filterPattern` matches.
   *
   * @default - the `filterPattern`
   */
  readonly eventFilterPattern?: string;
}

/**
 * The chain from a CloudTrail log group to a person: a metric filter with a literal pattern, its
 * custom metric (value 1, no dimensions, no default value), an alarm on the Sum of that metric
 * (>= 1 in any period of the evaluation window, missing data not breaching) and a notification
 * topic, by default a new {@link AlarmTopic}.
 *
 * It is the foundation of {@link RootUsageAlarm} and of any other alarm on a CloudTrail pattern
 * (such as the other CIS AWS Foundations monitoring controls).
 */
export class LogPatternAlarm extends Construct {
  /**
   * The log group of the AWS Control Tower organization trail on landing zones set up before
   * Control Tower 4.0 (4.0 adds a suffix), watched in an environment-agnostic stack when no log
   * group is given.
   */
  public static readonly CONTROL_TOWER_LOG_GROUP_NAME = CONTROL_TOWER_3X_LOG_GROUP_NAME;

  /**
   * The AWS Control Tower organization trail, in the management account's home region, whose
   * log group the construct looks up when no log group is given.
   */
  public static readonly CONTROL_TOWER_TRAIL_NAME = CONTROL_TOWER_TRAIL_NAME;

  /** The metric namespace used when none is given. */
  public static readonly DEFAULT_METRIC_NAMESPACE = 'CloudTrailMetrics';

  /** The log group the metric filter is on. */
  public readonly logGroup: logs.ILogGroup;

  /** The metric filter. */
  public readonly metricFilter: logs.MetricFilter;

  /** The metric the alarm watches: the Sum of matching events per period. */
  public readonly metric: cloudwatch.Metric;

  /** The alarm. */
  public readonly alarm: cloudwatch.Alarm;

  /** The topic the alarm notifies: the one given, or the one this construct created. */
  public readonly topic: sns.ITopic;

  /**
   * The KMS key of the topic this construct created (given or created).
   *
   * @default - none when an existing `topic` was given
   */
  public readonly encryptionKey?: kms.IKey;

  /**
   * The per-event notification path, with `eventNotifications`.
   *
   * @default - none, unless `eventNotifications` is true
   */
  public readonly eventNotifier?: EventNotifier;

  /**
   * The alarm that fires when the log group receives no events (see `deliveryWatchdog`), shared
   * by every construct of the library on the log group.
   *
   * @default - none when `deliveryWatchdog` is false
   */
  public readonly deliveryWatchdog?: cloudwatch.IAlarm;

  /**
   * The alarm on changes that would blind the watch (see `tamperAlarm`), shared by every
   * construct of the library on the log group.
   *
   * @default - none when `tamperAlarm` is false
   */
  public readonly tamperAlarm?: cloudwatch.IAlarm;

  /**
   * The CloudTrail trail known to write to the log group: `aws-controltower-BaselineCloudTrail`
   * when the construct took the Control Tower trail's group (no `logGroupName` or `logGroup`).
   *
   * @default - none when the log group was given
   */
  public readonly trailName?: string;

  /** The alarm's name where known at synthesis (the `alarmName` given), else its reference. */
  private readonly alarmNameForCommands: string;

  /** The props the verify command checks against. */
  private readonly verifyValues: { filterPattern: string; metricNamespace: string; metricName: string };

  constructor(scope: Construct, id: string, props: LogPatternAlarmProps) {
    super(scope, id);
    const validate = new PropValidator(`${this.constructor.name} at ${this.node.path}`);

    // Check everything before creating anything.
    if (props.logGroup && props.logGroupName !== undefined) {
      validate.fail('logGroupName', 'must not be given together with logGroup: give one of them');
    }
    if (props.topic && props.encryptionKey) {
      validate.fail(
        'encryptionKey',
        'must not be given together with topic: it encrypts the topic this construct creates. ' +
        'Encrypt your own topic with a key whose policy lets cloudwatch.amazonaws.com use it',
      );
    }
    const noEmails = props.emailAddresses === undefined || props.emailAddresses.length === 0;
    if (!props.topic && noEmails) {
      validate.fail(
        'emailAddresses',
        'must list at least one address when no topic is given: an alarm that notifies nobody is worse than none',
      );
    }
    validate.emailAddresses('emailAddresses', props.emailAddresses);
    validate.logGroupName('logGroupName', props.logGroupName);
    validate.metricIdentifier('metricNamespace', props.metricNamespace);
    validate.metricIdentifier('metricName', props.metricName);
    validate.maxLength('filterPattern', props.filterPattern, 1024);
    validate.maxLength('alarmName', props.alarmName, 255);
    validate.maxLength('alarmDescription', props.alarmDescription, 1024);
    validate.maxLength('eventFilterPattern', props.eventFilterPattern, 1024);
    if (props.eventNotifications !== undefined && Token.isUnresolved(props.eventNotifications)) {
      validate.fail('eventNotifications', 'must be known at synthesis (true or false), not a token: it decides which resources exist');
    }
    if (props.topic && props.topicName !== undefined) {
      validate.fail('topicName', 'must not be given together with topic: it names the topic this construct creates');
    }
    validate.maxLength('topicName', props.topicName, 256);
    if (props.eventNotifierOptions !== undefined && !props.eventNotifications) {
      validate.fail('eventNotifierOptions', 'is only used with eventNotifications: set eventNotifications to true, or remove it');
    }
    validateEventNotifierOptions(validate, props.eventNotifierOptions ?? {}, 'eventNotifierOptions.');
    if (props.eventFilterPattern !== undefined && !props.eventNotifications) {
      validate.fail('eventFilterPattern', 'is only used with eventNotifications: set eventNotifications to true, or remove it');
    }
    const eventPattern = props.eventFilterPattern ?? props.filterPattern;
    if (props.eventNotifications && !Token.isUnresolved(eventPattern) && !isRootEventPattern(eventPattern)) {
      validate.fail(
        'eventNotifications',
        'describe root use only: they need the root-usage pattern (RootUsageAlarm.FILTER_PATTERN, or ' +
        'RootUsageAlarm.EVENT_NOTIFICATION_PATTERN as eventFilterPattern); use RootUsageAlarm, or turn eventNotifications off',
      );
    }
    const period = props.period ?? Duration.minutes(1);
    const window = props.evaluationWindow ?? Duration.minutes(10);
    const periodMinutes = validate.wholeMinutes('period', period);
    const windowMinutes = validate.wholeMinutes('evaluationWindow', window);
    const evaluationPeriods = Math.ceil(windowMinutes / periodMinutes);
    if (periodMinutes * evaluationPeriods > 24 * 60) {
      validate.fail('evaluationWindow', `rounded up to whole periods of ${periodMinutes} minutes must be at most 1 day`);
    }
    const watchdogWindow = validateWatch(validate, props);

    // The chain, from the log group to the topic.
    const source = trailLogGroup(this, 'LogGroup', validate, props);
    this.logGroup = source.logGroup;
    this.trailName = source.trailName;

    this.metricFilter = new logs.MetricFilter(this, 'MetricFilter', {
      logGroup: this.logGroup,
      filterPattern: logs.FilterPattern.literal(props.filterPattern),
      metricNamespace: props.metricNamespace ?? LogPatternAlarm.DEFAULT_METRIC_NAMESPACE,
      metricName: props.metricName,
      metricValue: '1',
    });

    this.metric = this.metricFilter.metric({ statistic: cloudwatch.Stats.SUM, period });
    this.verifyValues = {
      filterPattern: props.filterPattern,
      metricNamespace: props.metricNamespace ?? LogPatternAlarm.DEFAULT_METRIC_NAMESPACE,
      metricName: props.metricName,
    };

    const alarmDescription = this.describeAlarm(validate, props);
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      metric: this.metric,
      alarmName: props.alarmName,
      alarmDescription,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    this.alarmNameForCommands = props.alarmName ?? this.alarm.alarmName;

    if (props.topic) {
      this.topic = props.topic;
      this.prepareExistingTopic(props.topic, props.emailAddresses ?? []);
    } else {
      const created = new AlarmTopic(this, 'Topic', {
        encryptionKey: props.encryptionKey,
        emailAddresses: props.emailAddresses,
        topicName: props.topicName,
      });
      this.topic = created.topic;
      this.encryptionKey = created.encryptionKey;
    }

    const action = new actions.SnsAction(this.topic);
    this.alarm.addAlarmAction(action);
    if (props.notifyOnRecovery ?? true) {
      this.alarm.addOkAction(action);
    }

    // Never blind without telling: the log group's watchdog and tamper alarm.
    if (watchdogWindow !== undefined || (props.tamperAlarm ?? true)) {
      const watch = LogGroupWatch.serve(this, this.logGroup, {
        owner: `${this.constructor.name} at ${this.node.path}`,
        topic: this.topic,
        topicKey: this.encryptionKey,
        trailName: this.trailName,
        deliveryWatchdogWindow: watchdogWindow,
        tamperAlarm: props.tamperAlarm ?? true,
        metricNamespace: props.metricNamespace ?? LogPatternAlarm.DEFAULT_METRIC_NAMESPACE,
      });
      this.deliveryWatchdog = watchdogWindow !== undefined ? watch.deliveryWatchdog : undefined;
      this.tamperAlarm = (props.tamperAlarm ?? true) ? watch.tamperAlarm : undefined;
    }

    if (props.eventNotifications) {
      this.eventNotifier = new EventNotifier(this, 'EventNotifier', {
        logGroup: this.logGroup,
        filterPattern: props.eventFilterPattern ?? props.filterPattern,
        topic: this.topic,
        topicEncryptionKey: this.encryptionKey,
        alarmName: this.alarmNameForCommands,
        trailName: this.trailName,
        ...props.eventNotifierOptions,
      });
    }
  }

  /** The alarm description, with the Logs Insights link when there is a query. */
  private describeAlarm(validate: PropValidator, props: LogPatternAlarmProps): string | undefined {
    if (props.insightsQuery === undefined) return props.alarmDescription;
    const link = logsInsightsLink(this, this.logGroup.logGroupName, props.insightsQuery, 24);
    const description = [props.alarmDescription, `The events of the last 24 hours in CloudWatch Logs Insights: ${link}`]
      .filter((part) => part !== undefined)
      .join(' ');
    const length = deployedLength(this, description);
    if (length > 1024) {
      validate.fail(
        'alarmDescription',
        `with the Logs Insights link of insightsQuery must be at most 1024 characters long (got up to ${length}): ` +
        'shorten the description or the query',
      );
    }
    return description;
  }

  /**
   * The AWS CLI command that proves the notification path of the deployed alarm without any
   * matching event: `aws cloudwatch set-alarm-state` to ALARM, so the alarm notifies its topic
   * exactly as it would on a real event (each confirmed subscriber gets the "ALARM: ..." email).
   * With no matching events the alarm returns to OK at its next evaluation, within about a minute,
   * and with `notifyOnRecovery` sends the OK notification too.
   *
   * Run it with credentials for the account that owns the alarm. Put it in a `CfnOutput` to have
   * it printed after `cdk deploy`; the construct adds no output of its own.
   *
   * @returns a shell command; where the alarm name or region are only known at deployment, a
   * string with tokens that CloudFormation resolves (in a `CfnOutput`, for example)
   */
  public testNotificationCommand(): string {
    return cli.setAlarmStateCommand(this.alarmNameForCommands, Stack.of(this.alarm).region);
  }

  /**
   * The AWS CLI command that lists the alarm's latest action history items, newest first:
   * whether each notification reached the topic ("Successfully executed action ...") or why not
   * ("Failed to execute action ... Received error: ..."). Run it a minute after
   * {@link testNotificationCommand}.
   *
   * @returns a shell command; a string with tokens where the alarm name or region are only known
   * at deployment
   */
  public actionHistoryCommand(): string {
    return cli.actionHistoryCommand(this.alarmNameForCommands, Stack.of(this.alarm).region);
  }

  /**
   * Adds actions to every CloudWatch alarm this construct has created, beside the notification
   * of its topic: the alarm and, with `eventNotifications`, the event notifier's failure alarms
   * (every alarm in this construct's subtree when it is called). For example
   * `new SnsAction(pagingTopic)` to page someone too. An SNS topic given here must let CloudWatch
   * alarms publish (an `AlarmTopic` does). `RealTimeRootAlerts` and `CisMonitoringAlarms` have
   * the same method for their alarms.
   *
   * @param alarmActions the actions to run when an alarm goes to ALARM
   */
  public addAlarmAction(...alarmActions: cloudwatch.IAlarmAction[]): void {
    addActionsToEveryAlarm(this, alarmActions);
  }

  /**
   * The commands that prove the whole chain in an organization with centralized root access,
   * where member accounts have no root password and "sign in as root" is impossible: an
   * `sts:AssumeRoot` session in a sandbox member account with the read-only task policy
   * `IAMAuditRootUserCredentials`, and one call that the task allows (`aws iam get-account-summary`),
   * made with the session's credentials.
   *
   * Paste it into bash or zsh in the management account (or the delegated administrator account
   * for centralized root access). It runs in a subshell: the root session's credentials are
   * exported there only (with `AWS_PROFILE` unset, which would otherwise win over them), then
   * unset, and never reach your shell. `sts:AssumeRoot` goes to the regional STS endpoint of the
   * stack's region (the global endpoint refuses it). It changes nothing in the member account.
   *
   * What it proves: CloudTrail records the session's call in the member account with
   * `userIdentity.type` `Root`, so it runs the whole chain: the organization trail, the log
   * group, the metric filter, the alarm, the topic and each confirmed subscriber (typically 5 to
   * 10 minutes later). With `eventNotifications`, two messages follow too: the AssumeRoot call
   * (logged in the calling account) and the root session's action (logged in the member account).
   *
   * What it needs: centralized root access enabled in the organization (root credentials
   * management, for the `IAMAuditRootUserCredentials` task); the caller's permission
   * `sts:AssumeRoot` on the member account (the condition key `sts:TaskPolicyArn` can limit it to
   * this task); and where Control Tower's "Disallow actions as a root user" control is on, its
   * `ExemptAssumeRoot` parameter set, or the session's call is denied (the denied call still
   * reaches the alarm: a denied root call matches the CIS pattern). The root sign-in test of the
   * README stays the test for accounts that still have a root password.
   *
   * @param targetAccountId the 12-digit ID of a sandbox member account (a token passes)
   * @returns a shell snippet; where the region is only known at deployment, a string with tokens
   * that CloudFormation resolves (in a `CfnOutput`, for example)
   */
  public assumeRootTestCommand(targetAccountId: string): string {
    if (!Token.isUnresolved(targetAccountId) && !/^\d{12}$/.test(targetAccountId)) {
      new PropValidator(`${this.constructor.name} at ${this.node.path}`).fail(
        'assumeRootTestCommand targetAccountId',
        `must be a 12-digit AWS account ID (got "${targetAccountId}"): the ID of a sandbox member account of the organization`,
      );
    }
    return cli.assumeRootTestCommand(targetAccountId, Stack.of(this.alarm).region);
  }

  /**
   * A read-only bash script that a maintainer or an auditor runs after deploying: it prints one
   * line per check, `PASS <check>` or `FAIL <check>: <why>`, runs every check even after a
   * failure, and exits 1 when any failed (0 when all passed). From CIS AWS Foundations 2.0 on the
   * root-usage control is manual: this output is the evidence.
   *
   * The checks, in the stack's account and region:
   * - the trail is logging and delivers to the watched log group: the trail `trailName` where it
   *   is known, else every trail (`describe-trails`) whose `CloudWatchLogsLogGroupArn` names the
   *   group; for each, `get-trail-status` has `IsLogging`, a `LatestCloudWatchLogsDeliveryTime` of
   *   the last 60 minutes and no `LatestCloudWatchLogsDeliveryError`;
   * - a metric filter on that group emits the alarm's metric (namespace and name) with exactly the
   *   pattern, byte for byte;
   * - the alarm exists, watches that metric, has its actions enabled and the topic among its alarm
   *   actions;
   * - the topic has at least one confirmed subscription (not `PendingConfirmation`);
   * - the delivery watchdog, where there is one, is OK.
   *
   * It changes nothing. It needs the AWS CLI (v1 or v2), bash, and only these read permissions:
   * `cloudtrail:DescribeTrails`, `cloudtrail:GetTrailStatus`, `logs:DescribeMetricFilters`,
   * `cloudwatch:DescribeAlarms`, `sns:ListSubscriptionsByTopic` (all in the AWS managed policy
   * `ReadOnlyAccess`).
   *
   * Save it to a file and run it with bash (`bash verify.sh`); pasted into an interactive shell,
   * its `exit` would close that shell. As a `CfnOutput` it is one multi-line value of about 4,000
   * characters (CloudFormation documents no size limit for an output value; the script stays
   * under 4,096 characters, its limit for a parameter value, with names of usual length).
   *
   * @returns a bash script; where names, the region or the account are only known at deployment, a
   * string with tokens that CloudFormation resolves (in a `CfnOutput`, for example)
   */
  public verifyCommand(): string {
    const stack = Stack.of(this.alarm);
    return verifyScript({
      region: stack.region,
      account: stack.account,
      partition: stack.partition,
      logGroupName: this.logGroup.logGroupName,
      trailName: this.trailName,
      ...this.verifyValues,
      alarmName: this.alarmNameForCommands,
      topicArn: this.topic.topicArn,
      watchdogAlarmName: this.deliveryWatchdog?.alarmName,
    });
  }

  private prepareExistingTopic(topic: sns.ITopic, emailAddresses: string[]): void {
    prepareTopicForCloudWatch(this, topic, {
      id: 'cdk-root-usage-alarm:existingTopic',
      subject: 'The alarm notifies an existing topic',
      otherwise: 'Otherwise the alarm goes to ALARM and its notification fails silently (visible only in the alarm history).',
    });
    for (const email of emailAddresses) {
      subscribeEmail(topic, email);
    }
  }
}
