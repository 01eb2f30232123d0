/**
 * The CloudWatch Logs subscription filter pattern of the per-event notification path.
 *
 * It is NOT the compliance pattern: Security Hub CloudWatch.1 checks only the metric filter,
 * which keeps the exact CIS string (`RootUsageAlarm.FILTER_PATTERN`). This pattern is that CIS
 * expression, parenthesised unchanged, OR the `sts:AssumeRoot` call itself:
 *
 * - every event the CIS pattern matches (root console sign-ins and failures, password recovery,
 *   root API calls, the actions of a centralized-root-access session, which are Root-typed with
 *   `sessionContext.assumedRoot = "true"`), so the notifications never miss what the alarm counts;
 * - the `AssumeRoot` call (made in the management or delegated-admin account by an
 *   `AssumedRole` principal, logged by `sts.amazonaws.com`), successful or denied, so the alert
 *   can say who opened the root session, for which member account and which task policy.
 *
 * Matching on eventSource + eventName (not on the caller's identity type) also catches an
 * `AssumeRoot` attempted by an IAM user or any other principal type. It is 171 characters,
 * far inside the 1,024-character limit of a subscription filter pattern.
 */
export const ROOT_EVENT_NOTIFICATION_PATTERN =
  '{($.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent")'
  + ' || ($.eventSource="sts.amazonaws.com" && $.eventName="AssumeRoot")}';

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
