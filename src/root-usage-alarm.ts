import { Construct } from 'constructs';
import { LogPatternAlarm, LogPatternAlarmOptions } from './log-pattern-alarm';
import { ROOT_EVENT_NOTIFICATION_PATTERN } from './private/root-event-pattern';
import { ROOT_USAGE_INSIGHTS_QUERY } from './private/root-usage-query';

/**
 * Properties of a {@link RootUsageAlarm}.
 */
export interface RootUsageAlarmProps extends LogPatternAlarmOptions {
  /**
   * The name of the custom metric. Must not be empty, be longer than 255 characters, contain
   * `:`, `*` or `$`, or start with `AWS/`.
   *
   * @default "RootAccountUsage"
   */
  readonly metricName?: string;

  /**
   * The description of the alarm, shown in its notifications.
   *
   * @default - what the alarm means and where to look
   */
  readonly alarmDescription?: string;
}

/**
 * Tells you, by email within minutes, whenever anyone uses the root user of any AWS account
 * whose CloudTrail events reach the log group: CIS AWS Foundations Benchmark 1.2 3.3 / 1.4 4.3,
 * AWS Security Hub control CloudWatch.1.
 *
 * It creates a metric filter with the exact CIS pattern ({@link RootUsageAlarm.FILTER_PATTERN}),
 * its metric, a CloudWatch alarm (Sum >= 1 in any one-minute period of the last ten minutes) and,
 * unless you pass a `topic`, an SNS topic encrypted with a customer managed KMS key that
 * CloudWatch may use, with the email subscriptions.
 *
 * In an AWS Control Tower landing zone, one instance in the management account's home region
 * covers every account of the organization, existing and future.
 */
export class RootUsageAlarm extends LogPatternAlarm {
  /**
   * The metric filter pattern of CIS AWS Foundations Benchmark 1.2 3.3 / 1.4 4.3, exactly as AWS
   * publishes it. AWS Security Hub control CloudWatch.1 accepts only this exact string.
   */
  public static readonly FILTER_PATTERN =
    '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}';

  /** The metric name used when none is given. */
  public static readonly DEFAULT_METRIC_NAME = 'RootAccountUsage';

  /**
   * The subscription filter pattern of the event notifications (`eventNotifications`): the CIS
   * expression of {@link RootUsageAlarm.FILTER_PATTERN}, or the `sts:AssumeRoot` call that opens
   * a centralized-root-access session (made in the management or delegated-admin account), so
   * that the messages can say who opened the session and for which task. Not a compliance
   * pattern: Security Hub checks only the metric filter.
   */
  public static readonly EVENT_NOTIFICATION_PATTERN = ROOT_EVENT_NOTIFICATION_PATTERN;

  /**
   * The CloudWatch Logs Insights query linked from the alarm description: the events the alarm
   * counts, newest first, with what a responder needs (account, event, region, source IP, user
   * agent, error, MFA, centralized root access).
   */
  public static readonly INSIGHTS_QUERY = ROOT_USAGE_INSIGHTS_QUERY;

  constructor(scope: Construct, id: string, props: RootUsageAlarmProps) {
    super(scope, id, {
      ...props,
      filterPattern: RootUsageAlarm.FILTER_PATTERN,
      eventFilterPattern: props.eventNotifications ? RootUsageAlarm.EVENT_NOTIFICATION_PATTERN : undefined,
      metricName: props.metricName ?? RootUsageAlarm.DEFAULT_METRIC_NAME,
      insightsQuery: RootUsageAlarm.INSIGHTS_QUERY,
      alarmDescription: props.alarmDescription ?? (
        'The root user of an AWS account was used (CloudTrail userIdentity.type "Root", not invoked by an AWS ' +
        'service). No new notification while this alarm stays in ALARM. CIS 1.4 4.3, Security Hub CloudWatch.1.'
      ),
    });
  }
}
