/**
 * The event notifier's precise decision on the tamper calls that the subscription filter's coarse
 * clause delivers (eventSource + eventName only): does the record change one of the library's
 * resources, as the tamper alarm's metric filter would say (src/private/tamper-pattern.ts)? No
 * aws-cdk-lib here: this file is bundled into the function.
 */

/** What the function watches (from its environment, set by EventNotifier). */
export interface WatchedConfig {
  /** The log group's account; '' = not checked. */
  readonly account: string;
  /** The log group's region (the function's). */
  readonly region: string;
  readonly logGroupName: string;
  /** '' = unknown: any trail of the account and region. */
  readonly trailName: string;
  readonly topicArns: readonly string[];
  readonly keyArns: readonly string[];
  readonly stackName: string;
  readonly stackId: string;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

const TRAIL: Record<string, string> = {
  StopLogging: 'the trail was stopped (StopLogging)',
  DeleteTrail: 'the trail was deleted (DeleteTrail)',
  UpdateTrail: 'the trail was changed (UpdateTrail)',
  PutEventSelectors: 'the trail\'s event selectors were changed (PutEventSelectors)',
};
const LOGS: Record<string, string> = {
  DeleteLogGroup: 'the watched log group was deleted (DeleteLogGroup)',
  DeleteMetricFilter: 'a metric filter of the watched log group was deleted (DeleteMetricFilter)',
  DeleteSubscriptionFilter: 'a subscription filter of the watched log group was deleted (DeleteSubscriptionFilter)',
  PutMetricFilter: 'a metric filter of the watched log group was created or replaced outside CloudFormation (PutMetricFilter)',
  PutSubscriptionFilter: 'a subscription filter of the watched log group was created or replaced outside CloudFormation (PutSubscriptionFilter)',
};
const ALARMS: Record<string, string> = {
  DeleteAlarms: 'alarms were deleted (DeleteAlarms)',
  DisableAlarmActions: 'alarm actions were disabled (DisableAlarmActions)',
};
const TOPIC: Record<string, string> = {
  DeleteTopic: 'the alarm topic was deleted (DeleteTopic)',
  SetTopicAttributes: 'the alarm topic\'s attributes were changed (SetTopicAttributes)',
  RemovePermission: 'a permission was removed from the alarm topic (RemovePermission)',
};
const SUBSCRIPTION: Record<string, string> = {
  Unsubscribe: 'a subscription of the alarm topic was removed (Unsubscribe)',
  SetSubscriptionAttributes: 'a subscription of the alarm topic was changed (SetSubscriptionAttributes)',
};
const KEY: Record<string, string> = {
  DisableKey: 'the alarm topic\'s key was disabled (DisableKey)',
  ScheduleKeyDeletion: 'the alarm topic\'s key was scheduled for deletion (ScheduleKeyDeletion)',
  PutKeyPolicy: 'the alarm topic\'s key policy was replaced (PutKeyPolicy)',
};

/**
 * What a record did to the watch, in fixed words, or '' when it changes nothing the library
 * watches (another account, region, trail, group, topic or key, CloudFormation's own calls, a
 * read). Nothing from the record is echoed.
 */
export function watchedChange(r: Record<string, unknown>, w: WatchedConfig): string {
  const source = str(r.eventSource);
  const name = str(r.eventName);
  if (w.account !== '' && str(r.recipientAccountId) !== w.account) return '';
  if (str(r.awsRegion) !== w.region) return '';
  const request = obj(r.requestParameters);
  if (source === 'cloudformation.amazonaws.com' && name === 'DeleteStack') {
    const stack = str(request.stackName);
    const ours = stack !== '' && (stack === w.stackName || stack === w.stackId || (w.stackName !== '' && stack.includes(`:stack/${w.stackName}/`)));
    return ours ? 'the stack that holds the alarms was deleted (DeleteStack)' : '';
  }
  // CloudFormation's own calls (a deploy) are not tampering; its DeleteStack is matched above.
  if (str(r.sourceIPAddress) === 'cloudformation.amazonaws.com' || str(obj(r.userIdentity).invokedBy) === 'cloudformation.amazonaws.com') return '';
  switch (source) {
    case 'cloudtrail.amazonaws.com': {
      if (!(name in TRAIL)) return '';
      const trail = str(name === 'PutEventSelectors' ? request.trailName : request.name);
      return w.trailName === '' || trail === w.trailName || trail.endsWith(`:trail/${w.trailName}`) ? TRAIL[name] : '';
    }
    case 'logs.amazonaws.com':
      return name in LOGS && str(request.logGroupName) === w.logGroupName ? LOGS[name] : '';
    case 'monitoring.amazonaws.com':
      return ALARMS[name] ?? '';
    case 'sns.amazonaws.com': {
      if (name in TOPIC) return w.topicArns.includes(str(request.topicArn)) ? TOPIC[name] : '';
      const subscription = str(request.subscriptionArn);
      if (name in SUBSCRIPTION) return w.topicArns.some((t) => subscription.startsWith(`${t}:`)) ? SUBSCRIPTION[name] : '';
      return '';
    }
    case 'kms.amazonaws.com': {
      const resources = Array.isArray(r.resources) ? r.resources : [];
      return name in KEY && w.keyArns.includes(str(obj(resources[0]).ARN)) ? KEY[name] : '';
    }
    default:
      return '';
  }
}

/** Whether the subscription filter's coarse tamper clause delivers this record (eventSource + eventName). */
export function isTamperCall(r: Record<string, unknown>): boolean {
  const source = str(r.eventSource);
  const name = str(r.eventName);
  switch (source) {
    case 'cloudtrail.amazonaws.com': return name in TRAIL;
    case 'logs.amazonaws.com': return name.startsWith('Delete') || name.startsWith('Put');
    case 'monitoring.amazonaws.com': return name in ALARMS;
    case 'sns.amazonaws.com': return name in TOPIC || name in SUBSCRIPTION;
    case 'kms.amazonaws.com': return name in KEY;
    case 'cloudformation.amazonaws.com': return name === 'DeleteStack';
    default: return false;
  }
}
