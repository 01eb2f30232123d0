import { Aws, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { shellQuote } from './cli-commands';
import { deployedLength, logsInsightsLink } from './insights-link';
import { tamperFilterPattern, tamperPatternDeployedLength, WatchedResources } from './tamper-pattern';
import { PropValidator, ValidationError } from './validation';

/**
 * What keeps the library's watch on a CloudTrail log group from going blind without telling: a
 * delivery watchdog (no events reach the group) and a tamper alarm (someone changes what the
 * watch depends on). One of each per log group and stack, whichever of the library's constructs
 * on that group asks first creates them and the others share them: `CisMonitoringAlarms` makes
 * one watchdog, not fourteen. Every topic of those constructs gets the ALARM and OK notifications.
 */

/** The watchdog's sampling period: it alarms when every period of its window had no event. */
const WATCHDOG_PERIOD_MINUTES = 5;

/** The tamper alarm's period and window: the root-usage alarm's defaults (late deliveries still count). */
const TAMPER_PERIOD = Duration.minutes(1);
const TAMPER_EVALUATION_PERIODS = 10;

/** The tamper alarm's custom metric name (in the metric namespace of the construct that creates it). */
export const TAMPER_METRIC_NAME = 'RootWatchTampering';

/** The Logs Insights query linked from the tamper alarm: the calls the tamper pattern is about. */
export const TAMPER_INSIGHTS_QUERY =
  'fields @timestamp, eventName, userIdentity.arn, sourceIPAddress' +
  ' | filter eventName like /^(Stop|Delete|Disable|Unsubscribe|Schedule|SetTopicAttr|RemovePerm|PutEventSel|PutKeyPol|UpdateTrail)/' +
  ' | sort @timestamp desc';

/** What the constructs ask of the watch of their log group. */
export interface WatchRequest {
  /** The construct path and class, for error messages. */
  readonly owner: string;
  /** The topic to notify. */
  readonly topic: sns.ITopic;
  /** The topic's KMS key, where the library knows it. */
  readonly topicKey?: kms.IKey;
  /** The trail known to write to the group. */
  readonly trailName?: string;
  /** The watchdog's window, or undefined for no watchdog. */
  readonly deliveryWatchdogWindow?: Duration;
  /** Whether to create the tamper alarm. */
  readonly tamperAlarm: boolean;
  /** The namespace for the tamper alarm's metric. */
  readonly metricNamespace: string;
}

const WATCHES = new WeakMap<Stack, Map<string, LogGroupWatch>>();

/** The watchdog and tamper alarm of one log group in one stack. */
export class LogGroupWatch extends Construct {
  /**
   * The watch of `logGroup` in the stack of `scope`: the existing one, or a new one created
   * under `scope` with the id `Watch`; then it serves `request`.
   */
  public static serve(scope: Construct, logGroup: logs.ILogGroup, request: WatchRequest): LogGroupWatch {
    const stack = Stack.of(scope);
    const key = JSON.stringify(stack.resolve(logGroup.logGroupName));
    let watches = WATCHES.get(stack);
    if (!watches) {
      watches = new Map();
      WATCHES.set(stack, watches);
    }
    let watch = watches.get(key);
    if (!watch) {
      watch = new LogGroupWatch(scope, 'Watch', logGroup);
      watches.set(key, watch);
    }
    watch.serveRequest(request);
    return watch;
  }

  /** The delivery watchdog, once a construct asked for it. */
  public deliveryWatchdog?: cloudwatch.Alarm;

  /** The tamper alarm, once a construct asked for it. */
  public tamperAlarm?: cloudwatch.Alarm;

  /** The tamper alarm's metric filters: one per topic of the library on the group, all counting into its metric. */
  public readonly tamperFilters: logs.MetricFilter[] = [];

  private readonly logGroup: logs.ILogGroup;
  private watchdogWindow?: { readonly window: Duration; readonly owner: string };
  private trailName?: string;
  private tamperNamespace?: string;
  /** The topics to notify, each with its KMS key where the library knows it. */
  private readonly topics: { readonly topic: sns.ITopic; readonly key?: kms.IKey }[] = [];
  private readonly notified = new Map<cloudwatch.Alarm, Set<sns.ITopic>>();
  /** The topics that have a tamper filter of their own. */
  private readonly filtered = new Set<sns.ITopic>();

  private constructor(scope: Construct, id: string, logGroup: logs.ILogGroup) {
    super(scope, id);
    this.logGroup = logGroup;
  }

  private serveRequest(request: WatchRequest): void {
    if (request.trailName !== undefined) this.trailName ??= request.trailName;
    if (!this.topics.some((t) => t.topic === request.topic)) this.topics.push({ topic: request.topic, key: request.topicKey });
    if (request.deliveryWatchdogWindow !== undefined) this.ensureWatchdog(request.owner, request.deliveryWatchdogWindow);
    if (request.tamperAlarm) this.ensureTamperAlarm(request.metricNamespace);
    // Every topic of every construct on the group hears both alarms; each topic has its tamper filter.
    for (const alarm of [this.deliveryWatchdog, this.tamperAlarm]) {
      if (alarm) this.notifyTopicsOf(alarm);
    }
    if (this.tamperAlarm) {
      this.addTamperFilters();
      this.addTopicFilters();
    }
  }

  private ensureWatchdog(owner: string, window: Duration): void {
    if (this.watchdogWindow) {
      if (this.watchdogWindow.window.toMinutes() !== window.toMinutes()) {
        throw new ValidationError(
          `${owner}: deliveryWatchdogWindow must be the same for every construct of the library on a log group ` +
          `(one watchdog per log group): ${this.watchdogWindow.owner} set ${this.watchdogWindow.window.toHumanString()}, ` +
          `this one ${window.toHumanString()}`,
        );
      }
      return;
    }
    this.watchdogWindow = { window, owner };
    const minutes = window.toMinutes();
    const periods = minutes / WATCHDOG_PERIOD_MINUTES;
    const logGroupName = this.logGroup.logGroupName;
    const region = Stack.of(this).region;
    const trail = this.trailName;
    const findCause = trail !== undefined
      ? `Check the trail: aws cloudtrail get-trail-status --region ${shellQuote(region)} --name ${shellQuote(trail)} ` +
        "--query '[IsLogging,LatestCloudWatchLogsDeliveryTime,LatestCloudWatchLogsDeliveryError]'; the group it writes to now: " +
        `aws cloudtrail describe-trails --region ${shellQuote(region)} --trail-name-list ${shellQuote(trail)} --query 'trailList[].CloudWatchLogsLogGroupArn'.`
      : `Find the trail and the group it writes to: aws cloudtrail describe-trails --region ${shellQuote(region)} ` +
        "--query 'trailList[].[Name,CloudWatchLogsLogGroupArn]'; then aws cloudtrail get-trail-status --name <trail> " +
        "--query '[IsLogging,LatestCloudWatchLogsDeliveryError]'.";
    const description =
      `Root use in the organization is not being watched: the CloudTrail log group ${logGroupName} received no events for ` +
      `${window.toHumanString()}. The trail may be stopped or deleted, its CloudWatch Logs role broken, or writing to another ` +
      'group (turning the Control Tower CloudTrail integration off and on creates a new one). ' + findCause +
      ' If it writes to another group, deploy again with that group (cdk context --reset of the lookup, or logGroupName).';
    if (deployedLength(this, description) > 1024) {
      throw new ValidationError(
        `${owner}: logGroupName must be shorter: the delivery watchdog's description, which names the log group, would exceed 1024 characters`,
      );
    }
    this.deliveryWatchdog = new cloudwatch.Alarm(this, 'DeliveryWatchdog', {
      alarmDescription: description,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Logs',
        metricName: 'IncomingLogEvents',
        dimensionsMap: { LogGroupName: logGroupName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(WATCHDOG_PERIOD_MINUTES),
      }),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: 1,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      actionsEnabled: true,
    });
    this.notifyTopicsOf(this.deliveryWatchdog);
  }

  private ensureTamperAlarm(metricNamespace: string): void {
    if (this.tamperAlarm) return;
    this.tamperNamespace = metricNamespace;
    const link = logsInsightsLink(this, this.logGroup.logGroupName, TAMPER_INSIGHTS_QUERY, 24);
    // (The description's length is checked in test/log-group-watch.test.ts for a long log group name.)
    this.tamperAlarm = new cloudwatch.Alarm(this, 'TamperAlarm', {
      alarmDescription:
        'Root use may go unseen: someone stopped, deleted or changed the trail, deleted the log group or its filters, deleted ' +
        'alarms or disabled their actions, or deleted, unsubscribed or changed the topic or its KMS key. Find who (the last 24 ' +
        `hours in CloudWatch Logs Insights): ${link}`,
      metric: new cloudwatch.Metric({
        namespace: metricNamespace,
        metricName: TAMPER_METRIC_NAME,
        statistic: cloudwatch.Stats.SUM,
        period: TAMPER_PERIOD,
      }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: TAMPER_EVALUATION_PERIODS,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
  }

  /**
   * The tamper filters, all counting into the tamper alarm's metric: one pattern where the whole
   * watch fits CloudWatch Logs' 1,024 characters (`TamperFilter`), else `TamperFilter` for the
   * log group, the trail, the alarms and the stack and one `TamperFilterTopic<n>` per topic with
   * its key. A call matching two filters counts twice; the alarm (Sum >= 1) fires once either way.
   * Patterns are lazy: a construct added later on the group may bring the trail or a topic.
   */
  private addTamperFilters(): void {
    if (this.tamperFilters.length > 0) return;
    const watched = (part: 'all' | 'watch' | 'topics', topics: { topic: sns.ITopic; key?: kms.IKey }[]): WatchedResources => ({
      account: Stack.of(this).account,
      region: Stack.of(this).region,
      logGroupName: this.logGroup.logGroupName,
      trailName: this.trailName,
      topicArns: topics.map((t) => t.topic.topicArn),
      keyArns: topics.flatMap((t) => (t.key ? [t.key.keyArn] : [])),
      stackName: Aws.STACK_NAME,
      stackId: Aws.STACK_ID,
      part,
    });
    const fitsInOne = (): boolean => tamperPatternDeployedLength(watched('all', this.topics)) <= 1024;
    const filter = (id: string, pattern: () => string, length: () => number): void => {
      this.tamperFilters.push(new logs.MetricFilter(this, id, {
        logGroup: this.logGroup,
        filterPattern: logs.FilterPattern.literal(Lazy.string({ produce: pattern })),
        metricNamespace: this.tamperNamespace!,
        metricName: TAMPER_METRIC_NAME,
        metricValue: '1',
      }));
      this.node.addValidation({
        validate: () => (length() > 1024
          ? [`the tamper filter ${id}'s pattern would be up to ${length()} characters once deployed, over the 1024 that CloudWatch ` +
            'Logs accepts: give a shorter logGroupName, or set tamperAlarm to false']
          : []),
      });
    };
    filter('TamperFilter',
      () => tamperFilterPattern(watched(fitsInOne() ? 'all' : 'watch', this.topics)),
      () => tamperPatternDeployedLength(watched(fitsInOne() ? 'all' : 'watch', this.topics)));
  }

  /** Where the whole watch no longer fits one pattern (adding topics or the trail only lengthens it): a filter per topic. */
  private addTopicFilters(): void {
    const watched = (part: 'all' | 'topics', topics: { topic: sns.ITopic; key?: kms.IKey }[]): WatchedResources => ({
      account: Stack.of(this).account,
      region: Stack.of(this).region,
      logGroupName: this.logGroup.logGroupName,
      trailName: this.trailName,
      topicArns: topics.map((t) => t.topic.topicArn),
      keyArns: topics.flatMap((t) => (t.key ? [t.key.keyArn] : [])),
      stackName: Aws.STACK_NAME,
      stackId: Aws.STACK_ID,
      part,
    });
    if (tamperPatternDeployedLength(watched('all', this.topics)) <= 1024) return;
    this.topics.forEach((t, i) => {
      if (this.filtered.has(t.topic)) return;
      this.filtered.add(t.topic);
      const id = `TamperFilterTopic${i + 1}`;
      this.tamperFilters.push(new logs.MetricFilter(this, id, {
        logGroup: this.logGroup,
        filterPattern: logs.FilterPattern.literal(tamperFilterPattern(watched('topics', [t]))),
        metricNamespace: this.tamperNamespace!,
        metricName: TAMPER_METRIC_NAME,
        metricValue: '1',
      }));
      const length = tamperPatternDeployedLength(watched('topics', [t]));
      if (length > 1024) {
        throw new ValidationError(`LogGroupWatch at ${this.node.path}: tamperAlarm cannot watch this topic: its filter ${id} would be ` +
          `up to ${length} characters once deployed, over the 1024 that CloudWatch Logs accepts; set tamperAlarm to false`);
      }
    });
  }

  private notifyTopicsOf(alarm: cloudwatch.Alarm): void {
    let done = this.notified.get(alarm);
    if (!done) {
      done = new Set();
      this.notified.set(alarm, done);
    }
    for (const { topic } of this.topics) {
      if (done.has(topic)) continue;
      done.add(topic);
      const action = new actions.SnsAction(topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}

/** The options of the watch shared by the constructs on a log group. */
export interface WatchOptions {
  readonly deliveryWatchdog?: boolean;
  readonly deliveryWatchdogWindow?: Duration;
  readonly tamperAlarm?: boolean;
}

/** Checks the watch options; returns the watchdog window, or undefined for no watchdog. */
export function validateWatch(validate: PropValidator, props: WatchOptions): Duration | undefined {
  for (const prop of ['deliveryWatchdog', 'tamperAlarm'] as const) {
    if (props[prop] !== undefined && Token.isUnresolved(props[prop])) {
      validate.fail(prop, 'must be known at synthesis (true or false), not a token: it decides which resources exist');
    }
  }
  if (props.deliveryWatchdog === false) {
    if (props.deliveryWatchdogWindow !== undefined) {
      validate.fail('deliveryWatchdogWindow', 'is only used with the delivery watchdog: remove it, or set deliveryWatchdog to true');
    }
    return undefined;
  }
  const window = props.deliveryWatchdogWindow ?? Duration.hours(1);
  const minutes = validate.wholeMinutes('deliveryWatchdogWindow', window);
  if (minutes % 5 !== 0 || minutes < 10) {
    validate.fail('deliveryWatchdogWindow', `must be a whole multiple of 5 minutes, at least 10 minutes (got ${window.toHumanString()})`);
  }
  return window;
}

