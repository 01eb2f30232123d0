/**
 * The tamper alarm's metric filter pattern (provisional version on main; the tested one comes
 * from the issue19-tamper branch).
 */
export interface WatchedResources {
  readonly account: string;
  readonly region: string;
  readonly logGroupName: string;
  readonly trailName?: string;
  readonly topicArns: string[];
  readonly keyArns: string[];
  readonly stackName: string;
  readonly stackId: string;
}

export function tamperFilterPattern(r: WatchedResources): string {
  const trail = r.trailName === undefined
    ? `$.recipientAccountId="${r.account}"`
    : `($.requestParameters.name="${r.trailName}" || $.requestParameters.name="arn:*:trail/${r.trailName}")`;
  const clauses = [
    `($.eventSource="cloudtrail.amazonaws.com" && ($.eventName="StopLogging" || $.eventName="DeleteTrail" || $.eventName="UpdateTrail" || $.eventName="PutEventSelectors") && ${trail})`,
    `($.eventSource="logs.amazonaws.com" && ($.eventName="DeleteLogGroup" || $.eventName="DeleteMetricFilter" || $.eventName="DeleteSubscriptionFilter") && $.requestParameters.logGroupName="${r.logGroupName}")`,
    ...r.topicArns.map((arn) => `($.eventSource="sns.amazonaws.com" && $.requestParameters.topicArn="${arn}")`),
    ...r.keyArns.map((arn) => `($.eventSource="kms.amazonaws.com" && ($.eventName="DisableKey" || $.eventName="ScheduleKeyDeletion") && $.resources[0].ARN="${arn}")`),
  ];
  return `{${clauses.join(' || ')}}`;
}

export function tamperPatternDeployedLength(r: WatchedResources): number {
  return tamperFilterPattern(r).length;
}
