import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';
import { EventNotifierOptions } from './event-notifier';
import { LogPatternAlarm } from './log-pattern-alarm';
import { addActionsToEveryAlarm } from './private/alarm-actions';
import { trailLogGroup } from './private/control-tower-log-group';
import { validateEventNotifierOptions } from './private/event-notifier-options';
import { LogGroupWatch, validateWatch } from './private/log-group-watch';
import { PropValidator, ValidationError } from './private/validation';
import { RootUsageAlarm } from './root-usage-alarm';

/**
 * An AWS Security Hub control of the CIS AWS Foundations Benchmark monitoring section: a log
 * metric filter and alarm on the CloudTrail log group. The members are in Security Hub's order.
 */
export enum CisControl {
  /** CloudWatch.1, usage of the root user (CIS 1.2.0 1.1 and 3.3, 1.4.0 1.7 and 4.3). */
  CLOUDWATCH_1 = 'CloudWatch.1',
  /** CloudWatch.2, unauthorized API calls (CIS 1.2.0 3.1). */
  CLOUDWATCH_2 = 'CloudWatch.2',
  /** CloudWatch.3, Management Console sign-in without MFA (CIS 1.2.0 3.2). */
  CLOUDWATCH_3 = 'CloudWatch.3',
  /** CloudWatch.4, IAM policy changes (CIS 1.2.0 3.4, 1.4.0 4.4). */
  CLOUDWATCH_4 = 'CloudWatch.4',
  /** CloudWatch.5, CloudTrail configuration changes (CIS 1.2.0 3.5, 1.4.0 4.5). */
  CLOUDWATCH_5 = 'CloudWatch.5',
  /** CloudWatch.6, Management Console authentication failures (CIS 1.2.0 3.6, 1.4.0 4.6). */
  CLOUDWATCH_6 = 'CloudWatch.6',
  /** CloudWatch.7, disabling or scheduled deletion of customer managed keys (CIS 1.2.0 3.7, 1.4.0 4.7). */
  CLOUDWATCH_7 = 'CloudWatch.7',
  /** CloudWatch.8, S3 bucket policy changes (CIS 1.2.0 3.8, 1.4.0 4.8). */
  CLOUDWATCH_8 = 'CloudWatch.8',
  /** CloudWatch.9, AWS Config configuration changes (CIS 1.2.0 3.9, 1.4.0 4.9). */
  CLOUDWATCH_9 = 'CloudWatch.9',
  /** CloudWatch.10, security group changes (CIS 1.2.0 3.10, 1.4.0 4.10). */
  CLOUDWATCH_10 = 'CloudWatch.10',
  /** CloudWatch.11, network access control list (NACL) changes (CIS 1.2.0 3.11, 1.4.0 4.11). */
  CLOUDWATCH_11 = 'CloudWatch.11',
  /** CloudWatch.12, network gateway changes (CIS 1.2.0 3.12, 1.4.0 4.12). */
  CLOUDWATCH_12 = 'CloudWatch.12',
  /** CloudWatch.13, route table changes (CIS 1.2.0 3.13, 1.4.0 4.13). */
  CLOUDWATCH_13 = 'CloudWatch.13',
  /** CloudWatch.14, VPC changes (CIS 1.2.0 3.14, 1.4.0 4.14). */
  CLOUDWATCH_14 = 'CloudWatch.14',
}

/**
 * Properties of {@link CisMonitoringAlarms}.
 *
 * A struct of its own rather than an extension of `LogPatternAlarmOptions`: the fourteen alarms
 * share exactly these options, and an option later added to a single alarm (such as a per-event
 * path, of which a log group allows only two) must not reach all fourteen by accident.
 */
export interface CisMonitoringAlarmsProps {
  /**
   * The name of the CloudWatch Logs log group that receives the CloudTrail events of the
   * organization (or account) trail, used as given. Give either `logGroupName` or `logGroup`,
   * not both.
   *
   * With neither, the alarms watch the group the AWS Control Tower trail writes to now, looked up
   * at synthesis in a stack with an explicit account and region (see `logGroupName` of
   * {@link RootUsageAlarm}).
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
   * Email addresses to notify, subscribed once to the one topic all alarms share. Each
   * subscription stays pending, and delivers nothing, until its recipient clicks the
   * confirmation link that SNS sends (and Security Hub counts only confirmed subscribers).
   * At least one recipient is required: an email address, or a `topic`.
   *
   * @default - no email subscriptions
   */
  readonly emailAddresses?: string[];

  /**
   * An existing SNS topic for all alarms instead of creating one. The `emailAddresses` are then
   * subscribed to it, and synthesis warns once about what the construct cannot check (the key
   * policy of an encrypted topic must let `cloudwatch.amazonaws.com` use the key).
   *
   * @default - one new topic, encrypted with a customer managed KMS key (see `encryptionKey`)
   */
  readonly topic?: sns.ITopic;

  /**
   * The KMS key for the topic this construct creates. Only with no `topic`. The AWS managed key
   * `alias/aws/sns` is rejected: CloudWatch alarms cannot publish to a topic encrypted with it.
   *
   * @default - a new customer managed key with automatic rotation, which CloudWatch alarms of
   * this account may use
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The namespace of the custom metrics (one metric per control, see
   * `CisMonitoringAlarms.metricNameOf`).
   *
   * @default "CloudTrailMetrics"
   */
  readonly metricNamespace?: string;

  /**
   * The period over which each alarm sums its metric: a whole number of minutes, known at
   * synthesis.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * How far back each alarm looks: it fires when any one period within this window has a
   * matching event (CloudTrail delivers to CloudWatch Logs in batches, late records still count).
   * A whole number of minutes, at most one day, known at synthesis.
   *
   * @default Duration.minutes(10)
   */
  readonly evaluationWindow?: Duration;

  /**
   * Whether to notify the topic again when an alarm returns to OK.
   *
   * @default true
   */
  readonly notifyOnRecovery?: boolean;

  /**
   * Per-event notifications of root use for the root-usage alarm (CloudWatch.1) only: see
   * `eventNotifications` of {@link RootUsageAlarm}. The other alarms never get them: a log group
   * takes at most two subscription filters. Needs CloudWatch.1 among the selected controls.
   *
   * @default false
   */
  readonly eventNotifications?: boolean;

  /**
   * Whether to alarm when the log group receives no events for `deliveryWatchdogWindow`: one
   * watchdog for all the alarms (see `deliveryWatchdog` of {@link RootUsageAlarm}).
   *
   * @default true
   */
  readonly deliveryWatchdog?: boolean;

  /**
   * How long the log group may receive no events before the delivery watchdog alarms: a whole
   * multiple of 5 minutes, from 10 minutes to 1 day.
   *
   * @default Duration.hours(1)
   */
  readonly deliveryWatchdogWindow?: Duration;

  /**
   * Whether to alarm on changes that would blind the watch: one tamper alarm for all the alarms
   * (see `tamperAlarm` of {@link RootUsageAlarm}).
   *
   * @default true
   */
  readonly tamperAlarm?: boolean;

  /**
   * The tunable settings of the event notifier's function (log retention, memory, tracing): see
   * `eventNotifierOptions` of {@link RootUsageAlarm}. Only with `eventNotifications`.
   *
   * @default - one year of logs, 256 MB, no tracing
   */
  readonly eventNotifierOptions?: EventNotifierOptions;

  /**
   * The name of the one topic this construct creates. Only with no `topic`.
   *
   * @default - a name generated by CloudFormation
   */
  readonly topicName?: string;

  /**
   * The controls to create alarms for, in any order (the alarms follow Security Hub's order).
   * Give either `controls` or `excludeControls`, not both.
   *
   * @default - every control, CloudWatch.1 to CloudWatch.14 (see `excludeControls`)
   */
  readonly controls?: CisControl[];

  /**
   * Controls to leave out of the full set, for example `CisControl.CLOUDWATCH_2` (unauthorized
   * API calls), which many teams find noisy. Give either `controls` or `excludeControls`.
   *
   * @default - none left out
   */
  readonly excludeControls?: CisControl[];
}

/** What the construct knows about one control. */
interface ControlSpec {
  readonly control: CisControl;
  /** The child construct id: part of every logical ID of the alarm's resources. */
  readonly id: string;
  /** The metric name, after the alarm names of the Security Hub remediation examples. */
  readonly metricName: string;
  readonly pattern: string;
  readonly cis: string;
  readonly what: string;
  readonly lookAt: string;
}

/**
 * The alarms of the CIS AWS Foundations Benchmark monitoring section that AWS Security Hub
 * checks, controls CloudWatch.1 to CloudWatch.14 (CIS 1.2.0 3.1 to 3.14; CIS 1.4.0 4.3 to 4.14),
 * on the CloudTrail log group, all notifying one shared topic.
 *
 * Each alarm is a {@link LogPatternAlarm} with the exact pattern of Security Hub's remediation
 * text; CloudWatch.1 is a {@link RootUsageAlarm}. Like them, the set passes Security Hub only in
 * the account and region that own the trail (AWS Control Tower: the management account's home
 * region); member accounts show NO_DATA.
 */
export class CisMonitoringAlarms extends Construct {
  // The patterns, character for character as AWS publishes them in the remediation text of each
  // Security Hub control: AWS Security Hub User Guide, "Amazon CloudWatch controls",
  // https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
  // (the archived source: github.com/awsdocs/aws-security-hub-user-guide,
  // doc_source/cloudwatch-controls.md at commit bda5bf7ddbdf498557b2ac6a538577528004e6d5).
  // CloudWatch.1's pattern is RootUsageAlarm.FILTER_PATTERN.

  /** Security Hub CloudWatch.2 (CIS 1.2.0 3.1): unauthorized API calls. */
  public static readonly UNAUTHORIZED_API_CALLS_PATTERN =
    '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}';

  /** Security Hub CloudWatch.3 (CIS 1.2.0 3.2): Management Console sign-in without MFA. */
  public static readonly CONSOLE_SIGN_IN_WITHOUT_MFA_PATTERN =
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }';

  /** Security Hub CloudWatch.4 (CIS 1.2.0 3.4, 1.4.0 4.4): IAM policy changes. */
  public static readonly IAM_POLICY_CHANGES_PATTERN =
    '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}';

  /** Security Hub CloudWatch.5 (CIS 1.2.0 3.5, 1.4.0 4.5): CloudTrail configuration changes. */
  public static readonly CLOUDTRAIL_CHANGES_PATTERN =
    '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}';

  /** Security Hub CloudWatch.6 (CIS 1.2.0 3.6, 1.4.0 4.6): Management Console authentication failures. */
  public static readonly CONSOLE_AUTHENTICATION_FAILURES_PATTERN =
    '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}';

  /** Security Hub CloudWatch.7 (CIS 1.2.0 3.7, 1.4.0 4.7): disabling or scheduled deletion of customer managed keys. */
  public static readonly DISABLE_OR_DELETE_CMK_PATTERN =
    '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}';

  /** Security Hub CloudWatch.8 (CIS 1.2.0 3.8, 1.4.0 4.8): S3 bucket policy changes. */
  public static readonly S3_BUCKET_POLICY_CHANGES_PATTERN =
    '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}';

  /** Security Hub CloudWatch.9 (CIS 1.2.0 3.9, 1.4.0 4.9): AWS Config configuration changes. */
  public static readonly CONFIG_CHANGES_PATTERN =
    '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}';

  /** Security Hub CloudWatch.10 (CIS 1.2.0 3.10, 1.4.0 4.10): security group changes. */
  public static readonly SECURITY_GROUP_CHANGES_PATTERN =
    '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}';

  /** Security Hub CloudWatch.11 (CIS 1.2.0 3.11, 1.4.0 4.11): network access control list changes. */
  public static readonly NACL_CHANGES_PATTERN =
    '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}';

  /** Security Hub CloudWatch.12 (CIS 1.2.0 3.12, 1.4.0 4.12): network gateway changes. */
  public static readonly NETWORK_GATEWAY_CHANGES_PATTERN =
    '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}';

  /** Security Hub CloudWatch.13 (CIS 1.2.0 3.13, 1.4.0 4.13): route table changes. */
  public static readonly ROUTE_TABLE_CHANGES_PATTERN =
    '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}';

  /** Security Hub CloudWatch.14 (CIS 1.2.0 3.14, 1.4.0 4.14): VPC changes. */
  public static readonly VPC_CHANGES_PATTERN =
    '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}';

  /** Every control, in Security Hub's order: the default selection. The construct does not read this list: changing it changes no selection. */
  public static readonly ALL_CONTROLS: CisControl[] = [
    CisControl.CLOUDWATCH_1, CisControl.CLOUDWATCH_2, CisControl.CLOUDWATCH_3, CisControl.CLOUDWATCH_4,
    CisControl.CLOUDWATCH_5, CisControl.CLOUDWATCH_6, CisControl.CLOUDWATCH_7, CisControl.CLOUDWATCH_8,
    CisControl.CLOUDWATCH_9, CisControl.CLOUDWATCH_10, CisControl.CLOUDWATCH_11, CisControl.CLOUDWATCH_12,
    CisControl.CLOUDWATCH_13, CisControl.CLOUDWATCH_14,
  ];

  /** The Security Hub control ID, such as "CloudWatch.2" (the ID in Security Hub findings). */
  public static securityHubIdOf(control: CisControl): string {
    return CisMonitoringAlarms.spec(control).control;
  }

  /** The exact filter pattern of a control. */
  public static filterPatternOf(control: CisControl): string {
    return CisMonitoringAlarms.spec(control).pattern;
  }

  /** The name of a control's custom metric, such as "UnauthorizedAPICalls". */
  public static metricNameOf(control: CisControl): string {
    return CisMonitoringAlarms.spec(control).metricName;
  }

  private static spec(control: CisControl): ControlSpec {
    const found = CONTROL_SPECS.find((spec) => spec.control === control);
    if (!found) {
      throw new ValidationError(`CisMonitoringAlarms: control must be a member of CisControl, CLOUDWATCH_1 to CLOUDWATCH_14 (got ${JSON.stringify(control)})`);
    }
    return found;
  }

  /** The selected controls, in Security Hub's order. */
  public readonly controls: CisControl[];

  /** The alarms, one per selected control, in the order of `controls`. */
  public readonly alarms: LogPatternAlarm[];

  /**
   * The alarm of CloudWatch.1 (root user usage).
   *
   * @default - none when CloudWatch.1 is not selected
   */
  public readonly rootUsage?: RootUsageAlarm;

  /** The topic every alarm notifies: the one given, or the one this construct created. */
  public readonly topic: sns.ITopic;

  /**
   * The KMS key of the topic this construct created (given or created).
   *
   * @default - none when an existing `topic` was given
   */
  public readonly encryptionKey?: kms.IKey;

  /** The log group the metric filters are on. */
  public readonly logGroup: logs.ILogGroup;

  /**
   * The alarm that fires when the log group receives no events, shared by all the alarms.
   *
   * @default - none when `deliveryWatchdog` is false
   */
  public readonly deliveryWatchdog?: cloudwatch.IAlarm;

  /**
   * The alarm on changes that would blind the watch, shared by all the alarms.
   *
   * @default - none when `tamperAlarm` is false
   */
  public readonly tamperAlarm?: cloudwatch.IAlarm;

  /**
   * The CloudTrail trail known to write to the log group (the AWS Control Tower trail when no log
   * group was given).
   *
   * @default - none when the log group was given
   */
  public readonly trailName?: string;

  private readonly byControl = new Map<CisControl, LogPatternAlarm>();

  constructor(scope: Construct, id: string, props: CisMonitoringAlarmsProps) {
    super(scope, id);
    const validate = new PropValidator(`CisMonitoringAlarms at ${this.node.path}`);

    // Check everything before creating anything.
    this.controls = selectControls(validate, props.controls, props.excludeControls);
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
    const emailAddresses = props.emailAddresses ?? [];
    if (!props.topic && !Token.isUnresolved(props.emailAddresses) && emailAddresses.length === 0) {
      validate.fail(
        'emailAddresses',
        'must list at least one address when no topic is given: an alarm that notifies nobody is worse than none',
      );
    }
    validate.emailAddresses('emailAddresses', props.emailAddresses);
    validate.logGroupName('logGroupName', props.logGroupName);
    validate.metricIdentifier('metricNamespace', props.metricNamespace);
    if (props.topic && props.topicName !== undefined) {
      validate.fail('topicName', 'must not be given together with topic: it names the topic this construct creates');
    }
    validate.maxLength('topicName', props.topicName, 256);
    if (props.eventNotifierOptions !== undefined && !props.eventNotifications) {
      validate.fail('eventNotifierOptions', 'is only used with eventNotifications: set eventNotifications to true, or remove it');
    }
    validateEventNotifierOptions(validate, props.eventNotifierOptions ?? {}, 'eventNotifierOptions.');
    if (props.eventNotifications && !this.controls.includes(CisControl.CLOUDWATCH_1)) {
      validate.fail(
        'eventNotifications',
        'needs CisControl.CLOUDWATCH_1 among the selected controls: the per-event path reports root use, next to the root-usage alarm',
      );
    }

    const watchdogWindow = validateWatch(validate, props);

    // One log group reference and one topic for all alarms.
    const source = trailLogGroup(this, 'LogGroup', validate, props);
    this.logGroup = source.logGroup;
    this.trailName = source.trailName;

    // With an existing topic, the first alarm prepares it (topic policy, warning, subscriptions)
    // and the others reuse it as prepared; a topic created here is subscribed to once.
    let firstAlarmEmails: string[] | undefined;
    if (props.topic) {
      this.topic = props.topic;
      firstAlarmEmails = props.emailAddresses;
    } else {
      const created = new AlarmTopic(this, 'Topic', {
        encryptionKey: props.encryptionKey,
        emailAddresses: props.emailAddresses,
        topicName: props.topicName,
      });
      this.topic = created.topic;
      this.encryptionKey = created.encryptionKey;
    }

    // One watchdog and one tamper alarm for all alarms, here rather than under whichever alarm
    // comes first; the alarms below share them.
    const tamperAlarm = props.tamperAlarm ?? true;
    if (watchdogWindow !== undefined || tamperAlarm) {
      const watch = LogGroupWatch.serve(this, this.logGroup, {
        owner: `CisMonitoringAlarms at ${this.node.path}`,
        topic: this.topic,
        topicKey: this.encryptionKey,
        trailName: this.trailName,
        deliveryWatchdogWindow: watchdogWindow,
        tamperAlarm,
        metricNamespace: props.metricNamespace ?? LogPatternAlarm.DEFAULT_METRIC_NAMESPACE,
      });
      this.deliveryWatchdog = watch.deliveryWatchdog;
      this.tamperAlarm = tamperAlarm ? watch.tamperAlarm : undefined;
    }

    const alarms: LogPatternAlarm[] = [];
    for (const control of this.controls) {
      const spec = CisMonitoringAlarms.spec(control);
      const shared = {
        logGroup: this.logGroup,
        topic: this.topic,
        emailAddresses: alarms.length === 0 ? firstAlarmEmails : undefined,
        metricNamespace: props.metricNamespace,
        period: props.period,
        evaluationWindow: props.evaluationWindow,
        notifyOnRecovery: props.notifyOnRecovery,
        deliveryWatchdog: props.deliveryWatchdog,
        deliveryWatchdogWindow: props.deliveryWatchdogWindow,
        tamperAlarm: props.tamperAlarm,
      };
      const alarm = control === CisControl.CLOUDWATCH_1
        ? new RootUsageAlarm(this, spec.id, {
          ...shared,
          eventNotifications: props.eventNotifications,
          eventNotifierOptions: props.eventNotifierOptions,
        })
        : new LogPatternAlarm(this, spec.id, {
          ...shared,
          filterPattern: spec.pattern,
          metricName: spec.metricName,
          alarmDescription: describe(spec),
        });
      if (alarm instanceof RootUsageAlarm) this.rootUsage = alarm;
      alarms.push(alarm);
      this.byControl.set(control, alarm);
    }
    this.alarms = alarms;
  }

  /**
   * Adds actions to every CloudWatch alarm this construct has created, beside the notification
   * of its topic: the alarm of each control and, with `eventNotifications`, the event notifier's
   * failure alarms (every alarm in this construct's subtree when it is called). For example
   * `new SnsAction(pagingTopic)` to page someone too. An SNS topic given here must let CloudWatch
   * alarms publish (an `AlarmTopic` does).
   *
   * @param alarmActions the actions to run when an alarm goes to ALARM
   */
  public addAlarmAction(...alarmActions: cloudwatch.IAlarmAction[]): void {
    addActionsToEveryAlarm(this, alarmActions);
  }

  /**
   * The alarm of a selected control.
   *
   * @throws a validation error naming the control (`CisControl.CLOUDWATCH_4`) and the selected
   * ones, if the control is not selected
   */
  public alarmFor(control: CisControl): LogPatternAlarm {
    const alarm = this.byControl.get(control);
    if (!alarm) {
      const selected = this.controls.map(memberName).join(', ');
      throw new ValidationError(
        `CisMonitoringAlarms at ${this.node.path}: alarmFor(${memberName(control)}) ` +
        `names a control that is not selected (selected: ${selected})`,
      );
    }
    return alarm;
  }
}

/** The selected controls in Security Hub's order, or a clear error. */
function selectControls(
  validate: PropValidator,
  controls: CisControl[] | undefined,
  excludeControls: CisControl[] | undefined,
): CisControl[] {
  if (controls !== undefined && excludeControls !== undefined) {
    validate.fail('excludeControls', 'must not be given together with controls: list the controls you want, or the ones to leave out');
  }
  checkList(validate, 'controls', controls);
  checkList(validate, 'excludeControls', excludeControls);
  const order = CONTROL_SPECS.map((spec) => spec.control);
  const selected = controls !== undefined
    ? order.filter((c) => controls.includes(c))
    : order.filter((c) => !(excludeControls ?? []).includes(c));
  if (selected.length === 0) {
    validate.fail(
      controls !== undefined ? 'controls' : 'excludeControls',
      'must leave at least one control selected: a CisMonitoringAlarms without alarms does nothing',
    );
  }
  return selected;
}

/**
 * A control as every jsii language names it, `CisControl.CLOUDWATCH_4` (not its value,
 * "CloudWatch.4"), or the JSON of a value that is no member.
 */
function memberName(control: CisControl): string {
  const member = Object.entries(CisControl).find(([, value]) => value === control)?.[0];
  return member ? `CisControl.${member}` : JSON.stringify(control);
}

function checkList(validate: PropValidator, prop: string, list: CisControl[] | undefined): void {
  if (list === undefined) return;
  if (Token.isUnresolved(list)) validate.fail(prop, 'must be known at synthesis (a list of CisControl members), not a token');
  const seen = new Set<CisControl>();
  list.forEach((control, index) => {
    if (!CONTROL_SPECS.some((spec) => spec.control === control)) {
      validate.fail(`${prop}[${index}]`, `must be a member of CisControl, CLOUDWATCH_1 to CLOUDWATCH_14 (got ${JSON.stringify(control)})`);
    }
    if (seen.has(control)) validate.fail(prop, `must not list ${memberName(control)} twice`);
    seen.add(control);
  });
}

/** The alarm description: the control, what happened, where to look. At most 1024 characters. */
function describe(spec: ControlSpec): string {
  return `Security Hub ${spec.control} (${spec.cis}): ${spec.what} ` +
    `Find the events in the CloudTrail log group with this alarm's metric filter pattern (metric ${spec.metricName}); ${spec.lookAt} ` +
    'Further matching events send no new notification while this alarm stays in ALARM.';
}

const CONTROL_SPECS: ControlSpec[] = [
  {
    control: CisControl.CLOUDWATCH_1,
    id: 'RootUsage',
    metricName: RootUsageAlarm.DEFAULT_METRIC_NAME,
    pattern: RootUsageAlarm.FILTER_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 1.1 and 3.3, 1.4.0 1.7 and 4.3',
    what: 'the root user of an AWS account was used.',
    lookAt: 'see userIdentity.accountId.',
  },
  {
    control: CisControl.CLOUDWATCH_2,
    id: 'UnauthorizedAPICalls',
    metricName: 'UnauthorizedAPICalls',
    pattern: CisMonitoringAlarms.UNAUTHORIZED_API_CALLS_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.1',
    what: 'an API call was refused with an UnauthorizedOperation or AccessDenied error.',
    lookAt: 'look at userIdentity.arn, eventSource, eventName and sourceIPAddress: many refusals from one principal or address ' +
      'can be probing or stolen credentials; a single one is often a console page reading optional data.',
  },
  {
    control: CisControl.CLOUDWATCH_3,
    id: 'ConsoleSigninWithoutMFA',
    metricName: 'ConsoleSigninWithoutMFA',
    pattern: CisMonitoringAlarms.CONSOLE_SIGN_IN_WITHOUT_MFA_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.2',
    what: 'an IAM user signed in to the AWS Management Console without MFA.',
    lookAt: 'look at userIdentity.arn, userIdentity.accountId and sourceIPAddress, and give that user an MFA device.',
  },
  {
    control: CisControl.CLOUDWATCH_4,
    id: 'IAMPolicyChanges',
    metricName: 'IAMPolicyChanges',
    pattern: CisMonitoringAlarms.IAM_POLICY_CHANGES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.4, 1.4.0 4.4',
    what: 'an IAM policy was created, changed, attached, detached or deleted.',
    lookAt: 'look at eventName, requestParameters (policyArn, roleName, userName, groupName) and userIdentity.arn.',
  },
  {
    control: CisControl.CLOUDWATCH_5,
    id: 'CloudTrailChanges',
    metricName: 'CloudTrailChanges',
    pattern: CisMonitoringAlarms.CLOUDTRAIL_CHANGES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.5, 1.4.0 4.5',
    what: 'a CloudTrail trail was created, updated or deleted, or its logging started or stopped.',
    lookAt: 'look at eventName, requestParameters.name and userIdentity.arn; a StopLogging or DeleteTrail can hide what follows.',
  },
  {
    control: CisControl.CLOUDWATCH_6,
    id: 'ConsoleAuthenticationFailure',
    metricName: 'ConsoleAuthenticationFailure',
    pattern: CisMonitoringAlarms.CONSOLE_AUTHENTICATION_FAILURES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.6, 1.4.0 4.6',
    what: 'a sign-in to the AWS Management Console failed authentication.',
    lookAt: 'look at userIdentity, sourceIPAddress and userAgent: repeated failures can be password guessing.',
  },
  {
    control: CisControl.CLOUDWATCH_7,
    id: 'DisableOrDeleteCMK',
    metricName: 'DisableOrDeleteCMK',
    pattern: CisMonitoringAlarms.DISABLE_OR_DELETE_CMK_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.7, 1.4.0 4.7',
    what: 'a KMS customer managed key was disabled or scheduled for deletion.',
    lookAt: 'look at requestParameters.keyId and userIdentity.arn; a deletion can be cancelled during its waiting period (CancelKeyDeletion).',
  },
  {
    control: CisControl.CLOUDWATCH_8,
    id: 'S3BucketPolicyChanges',
    metricName: 'S3BucketPolicyChanges',
    pattern: CisMonitoringAlarms.S3_BUCKET_POLICY_CHANGES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.8, 1.4.0 4.8',
    what: 'the ACL, policy, CORS, lifecycle or replication configuration of an S3 bucket was changed or deleted.',
    lookAt: 'look at eventName, requestParameters.bucketName and userIdentity.arn.',
  },
  {
    control: CisControl.CLOUDWATCH_9,
    id: 'AWSConfigChanges',
    metricName: 'AWSConfigChanges',
    pattern: CisMonitoringAlarms.CONFIG_CHANGES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.9, 1.4.0 4.9',
    what: 'an AWS Config configuration recorder or delivery channel was stopped, changed or deleted.',
    lookAt: 'look at eventName, requestParameters and userIdentity.arn; a stopped recorder leaves resource changes unrecorded.',
  },
  {
    control: CisControl.CLOUDWATCH_10,
    id: 'SecurityGroupChanges',
    metricName: 'SecurityGroupChanges',
    pattern: CisMonitoringAlarms.SECURITY_GROUP_CHANGES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.10, 1.4.0 4.10',
    what: 'a security group was created or deleted, or one of its rules was added or removed.',
    lookAt: 'look at eventName, requestParameters.groupId and ipPermissions, and userIdentity.arn: watch for 0.0.0.0/0.',
  },
  {
    control: CisControl.CLOUDWATCH_11,
    id: 'NetworkACLChanges',
    metricName: 'NetworkACLChanges',
    pattern: CisMonitoringAlarms.NACL_CHANGES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.11, 1.4.0 4.11',
    what: 'a network ACL or one of its entries or associations was created, replaced or deleted.',
    lookAt: 'look at eventName, requestParameters.networkAclId and userIdentity.arn.',
  },
  {
    control: CisControl.CLOUDWATCH_12,
    id: 'NetworkGatewayChanges',
    metricName: 'NetworkGatewayChanges',
    pattern: CisMonitoringAlarms.NETWORK_GATEWAY_CHANGES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.12, 1.4.0 4.12',
    what: 'a customer gateway or internet gateway was created, deleted, attached or detached.',
    lookAt: 'look at eventName, requestParameters and userIdentity.arn: a new internet gateway opens a path to the internet.',
  },
  {
    control: CisControl.CLOUDWATCH_13,
    id: 'RouteTableChanges',
    metricName: 'RouteTableChanges',
    pattern: CisMonitoringAlarms.ROUTE_TABLE_CHANGES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.13, 1.4.0 4.13',
    what: 'a route table, one of its routes or associations was created, replaced, disassociated or deleted.',
    lookAt: 'look at eventName, requestParameters.routeTableId and userIdentity.arn.',
  },
  {
    control: CisControl.CLOUDWATCH_14,
    id: 'VPCChanges',
    metricName: 'VPCChanges',
    pattern: CisMonitoringAlarms.VPC_CHANGES_PATTERN,
    cis: 'CIS AWS Foundations 1.2.0 3.14, 1.4.0 4.14',
    what: 'a VPC was created, deleted or modified, or a VPC peering connection or ClassicLink changed.',
    lookAt: 'look at eventName, requestParameters.vpcId and userIdentity.arn.',
  },
];
