/**
 * The calls that could blind the watch, by service (the tamper alarm's calls: see
 * src/private/tamper-pattern.ts): the event notifier reports each one that names the library's
 * resources (src/private/event-notifier/tamper.ts decides), and skips the others.
 */
export const TAMPER_CALLS: Readonly<Record<string, readonly string[]>> = {
  'cloudtrail.amazonaws.com': ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
  // DeleteLogGroup, DeleteMetricFilter, DeleteSubscriptionFilter, PutMetricFilter, PutSubscriptionFilter
  // (a wildcard each keeps the pattern within 1,024 characters; the function tells them apart).
  'logs.amazonaws.com': ['Delete*', 'Put*'],
  'monitoring.amazonaws.com': ['DeleteAlarms', 'DisableAlarmActions'],
  'sns.amazonaws.com': ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission', 'Unsubscribe', 'SetSubscriptionAttributes'],
  'kms.amazonaws.com': ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'],
  'cloudformation.amazonaws.com': ['DeleteStack'],
};

/**
 * The coarse tamper clause of the subscription filter: eventSource and eventName only (no token,
 * so the pattern stays one constant; the function decides which records name the library's
 * resources).
 */
export const TAMPER_NOTIFICATION_CLAUSE = Object.entries(TAMPER_CALLS)
  .map(([source, names]) => {
    const calls = names.map((n) => `$.eventName="${n}"`);
    return `($.eventSource="${source}"&&${calls.length === 1 ? calls[0] : `(${calls.join('||')})`})`;
  })
  .join('||');

/**
 * The CloudWatch Logs subscription filter pattern of the per-event notification path.
 *
 * It is NOT the compliance pattern: Security Hub CloudWatch.1 checks only the metric filter,
 * which keeps the exact CIS string (`RootUsageAlarm.FILTER_PATTERN`). This pattern is that CIS
 * expression, parenthesised unchanged, OR the `sts:AssumeRoot` call itself, OR one of the calls
 * that could blind the watch (TAMPER_NOTIFICATION_CLAUSE):
 *
 * - every event the CIS pattern matches (root console sign-ins and failures, password recovery,
 *   root API calls, the actions of a centralized-root-access session, which are Root-typed with
 *   `sessionContext.assumedRoot = "true"`), so the notifications never miss what the alarm counts;
 * - the `AssumeRoot` call (made in the management or delegated-admin account by an
 *   `AssumedRole` principal, logged by `sts.amazonaws.com`), successful or denied, so the alert
 *   can say who opened the root session, for which member account and which task policy;
 * - the trail stopped, deleted or changed, the watched group's filters deleted or replaced, the
 *   alarms deleted or disabled, the topic or its subscriptions changed, the key disabled or
 *   scheduled for deletion, the stack deleted: the function reports those that name the
 *   library's resources, whoever made them.
 *
 * Matching on eventSource + eventName (not on the caller's identity type) also catches an
 * `AssumeRoot` attempted by an IAM user or any other principal type. It stays inside the
 * 1,024-character limit of a subscription filter pattern (a test checks it).
 */
export const ROOT_EVENT_NOTIFICATION_PATTERN =
  '{($.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent")'
  + ' || ($.eventSource="sts.amazonaws.com" && $.eventName="AssumeRoot")'
  + ` || ${TAMPER_NOTIFICATION_CLAUSE}}`;

/** The CIS root-usage pattern (RootUsageAlarm.FILTER_PATTERN), exactly. */
export const ROOT_USAGE_CIS_PATTERN =
  '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}';

/**
 * Whether a subscription filter pattern is one the event notifier serves: the CIS root-usage
 * pattern or the event-notification pattern. The function describes root use only; with any
 * other pattern it would skip what it is sent, so that is a synthesis error.
 */
export function isRootEventPattern(pattern: string): boolean {
  return pattern === ROOT_USAGE_CIS_PATTERN || pattern === ROOT_EVENT_NOTIFICATION_PATTERN;
}
