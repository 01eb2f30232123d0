import { shellQuote } from './cli-commands';

/**
 * The read-only bash script of `LogPatternAlarm.verifyCommand()` (docs/proof.md, "Evidence for
 * auditors"). Every value is assigned once, shell-quoted, at the top; a token (a generated name,
 * the stack's region, account or partition) resolves in a `CfnOutput` as it does in the other
 * commands of cli-commands.ts.
 *
 * It prints one line per check, `PASS <check>` or `FAIL <check>: <why>`, never stops at a failed
 * check (`set -u`, no `set -e`), and exits 1 when any check failed. It reads the AWS CLI's text
 * output, which prints a timestamp as the service sent it (CLI v1: epoch seconds) or as ISO 8601
 * (CLI v2); both are read.
 */

/** How long ago the trail's last delivery to CloudWatch Logs may be for the check to pass. */
export const MAX_DELIVERY_AGE_MINUTES = 60;

/** The IAM actions the script calls, all read-only. */
export const VERIFY_PERMISSIONS = [
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  'logs:DescribeMetricFilters',
  'cloudwatch:DescribeAlarms',
  'sns:ListSubscriptionsByTopic',
];

/** What the script checks. */
export interface VerifyScriptValues {
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  readonly logGroupName: string;
  /** The trail known to feed the group; undefined: every trail whose CloudWatch Logs group is it. */
  readonly trailName?: string;
  readonly filterPattern: string;
  readonly metricNamespace: string;
  readonly metricName: string;
  readonly alarmName: string;
  readonly topicArn: string;
  /** The delivery watchdog alarm; undefined: no watchdog check. */
  readonly watchdogAlarmName?: string;
}

/**
 * The script's body after the values; it refers to them by their variable names only. `@{` stands
 * for the shell's `${` (a template literal cannot hold it).
 */
const BODY = String.raw`f=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; f=1; }
run() { out=$(aws "$@" --region "$region" --output text 2>&1 </dev/null) || { fail "$c" "$(echo "$out" | sed '/^$/d;q')"; return 1; }; }
epoch() { case $1 in *T*) date -u -d "$1" +%s 2>/dev/null || date -j -u -f %Y-%m-%dT%H:%M:%S%z "$(echo "$1" | sed 's/\.[0-9]*//;s/Z$/+0000/;s/:\(..\)$/\1/')" +%s 2>/dev/null;; [0-9]*) echo "@{1%%.*}";; esac; }
c="a trail delivers to $group"
if run cloudtrail describe-trails @{trail:+--trail-name-list "$trail"} --query 'trailList[].[Name,TrailARN,CloudWatchLogsLogGroupArn]'; then
  n=0
  while IFS=$'\t' read -r name arn cwl; do
    [ -n "$name" ] && [ "@{trail:-$name}" = "$name" ] || continue
    case $cwl in "$grouparn"|"$grouparn:*") ;; *) [ -n "$trail" ] && fail "trail $name delivers to $group" "it delivers to @{cwl/#None/no log group}" && n=-1; continue ;; esac
    n=$((n+1)); c="trail $name is logging and delivers to $group"
    run cloudtrail get-trail-status --name "$arn" --query '[IsLogging,LatestCloudWatchLogsDeliveryTime,LatestCloudWatchLogsDeliveryError]' || continue
    IFS=$'\t' read -r on at err <<< "$out"; t=$(epoch "$at"); age=$((($(date -u +%s)-@{t:-0})/60))
    if [ "$on" != True ]; then fail "$c" "the trail is not logging"
    elif [ -n "$err" ] && [ "$err" != None ]; then fail "$c" "delivery error: $err"
    elif [ -z "$t" ]; then fail "$c" "no delivery recorded ($at)"
    elif [ $age -gt $maxage ]; then fail "$c" "last delivery $age minutes ago (over $maxage)"
    else pass "$c (last delivery $age minutes ago)"; fi
  done <<< "$out"
  [ $n -eq 0 ] && fail "$c" "@{trail:+no trail $trail or }no trail in $region delivers to it"
fi
c="metric filter on $group counts the exact pattern as $ns/$metric"
if run logs describe-metric-filters --log-group-name "$group" --metric-name "$metric" --metric-namespace "$ns" --query 'metricFilters[].[filterPattern]'; then
  if [ -z "$out" ]; then fail "$c" "no filter emits $ns/$metric"
  elif printf '%s\n' "$out" | grep -qxF -- "$pattern"; then pass "$c"
  else fail "$c" "pattern differs: $(echo "$out" | head -n 1)"; fi
fi
c="alarm $alarm watches $ns/$metric, actions enabled, on $topic"
if run cloudwatch describe-alarms --alarm-names "$alarm" --query 'MetricAlarms[].[ActionsEnabled,Namespace,MetricName,AlarmActions]'; then
  IFS=$'\t' read -r on ans mn <<< "$out"
  if [ -z "$on" ]; then fail "$c" "no such alarm"
  elif [ "$on" != True ]; then fail "$c" "actions disabled"
  elif [ "$ans/$mn" != "$ns/$metric" ]; then fail "$c" "it watches $ans/$mn"
  elif ! printf '%s\n' "$out" | sed 1d | tr '\t' '\n' | grep -qxF -- "$topic"; then fail "$c" "the topic is not an alarm action"
  else pass "$c"; fi
fi
c="topic $topic has a confirmed subscription"
if run sns list-subscriptions-by-topic --topic-arn "$topic" --query 'Subscriptions[].SubscriptionArn'; then
  set -- $out; ok=$(printf '%s\n' "$@" | grep -c '^arn:'); pend=$(($#-ok))
  if [ $ok -gt 0 ]; then pass "$c ($ok confirmed, $pend pending)"; else fail "$c" "none confirmed ($pend pending)"; fi
fi
c="delivery watchdog $watchdog is OK"
if [ -n "$watchdog" ] && run cloudwatch describe-alarms --alarm-names "$watchdog" --query 'MetricAlarms[].[StateValue,StateReason]'; then
  IFS=$'\t' read -r sv sr <<< "$out"
  if [ "$sv" = OK ]; then pass "$c"; else fail "$c" "it is @{sv:-missing}@{sr:+: $sr}"; fi
fi
exit $f`.replace(/@\{/g, '${');

/** The script: a header, the values, the checks. */
export function verifyScript(v: VerifyScriptValues): string {
  const values: Array<[string, string]> = [
    ['region', v.region],
    ['group', v.logGroupName],
    ['grouparn', `arn:${v.partition}:logs:${v.region}:${v.account}:log-group:${v.logGroupName}`],
    ['trail', v.trailName ?? ''],
    ['pattern', v.filterPattern],
    ['ns', v.metricNamespace],
    ['metric', v.metricName],
    ['alarm', v.alarmName],
    ['topic', v.topicArn],
    ['watchdog', v.watchdogAlarmName ?? ''],
    ['maxage', String(MAX_DELIVERY_AGE_MINUTES)],
  ];
  return [
    '#!/usr/bin/env bash',
    '# cdk-root-usage-alarm: docs/proof.md',
    'set -u',
    ...values.map(([name, value]) => `${name}=${shellQuote(value)}`),
    BODY,
  ].join('\n');
}
