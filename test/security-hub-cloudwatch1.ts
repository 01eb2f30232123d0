/**
 * An independent restatement of AWS Security Hub control CloudWatch.1 (CIS AWS Foundations 1.2
 * 3.3 / 1.4 4.3, "a log metric filter and alarm should exist for usage of the root user"),
 * checked against a synthesized CloudFormation template, plus what makes its alarm really reach
 * someone: CloudWatch alarms can publish to an encrypted topic only when the key policy and the
 * topic policy admit cloudwatch.amazonaws.com (otherwise the notification fails silently).
 *
 * Written from the control's documentation, not from the library's source: nothing here is
 * imported from src/.
 */
/** The pattern Security Hub accepts, character for character. */
export const CIS_ROOT_USAGE_PATTERN =
  '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}';

const CLOUDWATCH = 'cloudwatch.amazonaws.com';

/** The parts of a CloudFormation template the check reads. */
export interface CfnTemplate {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: any }>;
}

interface PolicyStatement {
  readonly Effect?: string;
  readonly Principal?: any;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

/**
 * Checks that the template has, on the log group `trailLogGroup` (a name, or the template's
 * reference to a log group such as `{ Ref: ... }`):
 *
 * 1. a metric filter with exactly the CIS pattern, one metric transformation, no dimensions;
 * 2. an alarm on that metric (same name and namespace, no dimensions), statistic Sum, alarming
 *    from one event (>= 1, or > 0), actions enabled;
 * 3. among its alarm actions an SNS topic of the template with at least one subscription;
 * 4. that topic encrypted with a KMS key of the template whose policy lets CloudWatch use it
 *    (kms:Decrypt and kms:GenerateDataKey*);
 * 5. a topic policy that lets CloudWatch sns:Publish to it.
 *
 * @returns the problems; none when some filter, alarm and topic together pass.
 */
export function checkCloudWatch1(template: CfnTemplate, trailLogGroup: unknown): string[] {
  const resources = template.Resources ?? {};
  const filters = Object.entries(resources).filter(([, r]) =>
    r.Type === 'AWS::Logs::MetricFilter' && sameValue(r.Properties?.LogGroupName, trailLogGroup));
  if (filters.length === 0) {
    return [`no metric filter on the log group ${JSON.stringify(trailLogGroup)}`];
  }
  const problems: string[] = [];
  for (const [filterId, filter] of filters) {
    const chain = checkFilter(resources, filter.Properties ?? {});
    if (chain.length === 0) return [];
    problems.push(...chain.map((problem) => `metric filter ${filterId}: ${problem}`));
  }
  return problems;
}

type Resources = NonNullable<CfnTemplate['Resources']>;

function checkFilter(resources: Resources, filter: any): string[] {
  if (filter.FilterPattern !== CIS_ROOT_USAGE_PATTERN) {
    return [`pattern ${JSON.stringify(filter.FilterPattern)} is not the exact CIS pattern`];
  }
  const transformations: any[] = filter.MetricTransformations ?? [];
  if (transformations.length !== 1) {
    return [`has ${transformations.length} metric transformations, not one`];
  }
  const metric = transformations[0];
  if ((metric.Dimensions ?? []).length > 0) {
    return ['its metric has dimensions'];
  }
  const alarms = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm'
    && r.Properties?.MetricName === metric.MetricName && r.Properties?.Namespace === metric.MetricNamespace);
  if (alarms.length === 0) {
    return [`no alarm on the metric ${metric.MetricNamespace}/${metric.MetricName}`];
  }
  const problems: string[] = [];
  for (const [alarmId, alarm] of alarms) {
    const chain = checkAlarm(resources, alarm.Properties ?? {});
    if (chain.length === 0) return [];
    problems.push(...chain.map((problem) => `alarm ${alarmId}: ${problem}`));
  }
  return problems;
}

function checkAlarm(resources: Resources, alarm: any): string[] {
  const problems: string[] = [];
  if ((alarm.Dimensions ?? []).length > 0) problems.push('has dimensions');
  if (alarm.Statistic !== 'Sum') problems.push(`statistic is ${alarm.Statistic ?? '(none)'}, not Sum`);
  const fromOneEvent = (alarm.ComparisonOperator === 'GreaterThanOrEqualToThreshold' && alarm.Threshold === 1)
    || (alarm.ComparisonOperator === 'GreaterThanThreshold' && alarm.Threshold === 0);
  if (!fromOneEvent) problems.push(`${alarm.ComparisonOperator} ${alarm.Threshold} does not alarm on one event (>= 1)`);
  if (alarm.ActionsEnabled === false) problems.push('actions are disabled');
  if (problems.length > 0) return problems;

  const topicIds = (alarm.AlarmActions ?? [])
    .map((action: any) => action?.Ref)
    .filter((id: unknown) => typeof id === 'string' && resources[id]?.Type === 'AWS::SNS::Topic');
  if (topicIds.length === 0) return ['no alarm action notifies an SNS topic of the template'];
  for (const topicId of topicIds) {
    const chain = checkTopic(resources, topicId);
    if (chain.length === 0) return [];
    problems.push(...chain.map((problem) => `topic ${topicId}: ${problem}`));
  }
  return problems;
}

function checkTopic(resources: Resources, topicId: string): string[] {
  const problems: string[] = [];
  const topic = resources[topicId].Properties ?? {};
  const ref = { Ref: topicId };

  const subscriptions = Object.values(resources).filter((r) =>
    r.Type === 'AWS::SNS::Subscription' && sameValue(r.Properties?.TopicArn, ref)).length
    + (topic.Subscription ?? []).length;
  if (subscriptions === 0) problems.push('has no subscription');

  const keyId = keyLogicalId(topic.KmsMasterKeyId);
  if (keyId === undefined || resources[keyId]?.Type !== 'AWS::KMS::Key') {
    problems.push(`is not encrypted with a KMS key of the template (KmsMasterKeyId ${JSON.stringify(topic.KmsMasterKeyId)})`);
  } else {
    const keyPolicy: PolicyStatement[] = resources[keyId].Properties?.KeyPolicy?.Statement ?? [];
    if (!keyPolicy.some((s) => allowsCloudWatch(s, 'kms:Decrypt') && allowsCloudWatch(s, 'kms:GenerateDataKey*'))) {
      problems.push(`the policy of its key ${keyId} does not let ${CLOUDWATCH} kms:Decrypt and kms:GenerateDataKey*`);
    }
  }

  const topicPolicies = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy'
    && (r.Properties?.Topics ?? []).some((t: unknown) => sameValue(t, ref)));
  const publish = topicPolicies.some((policy) => (policy.Properties?.PolicyDocument?.Statement ?? [])
    .some((s: PolicyStatement) => allowsCloudWatch(s, 'sns:Publish')
      && asArray(s.Resource).some((r) => r === '*' || sameValue(r, ref))));
  if (!publish) problems.push(`no topic policy lets ${CLOUDWATCH} sns:Publish to it`);
  return problems;
}

/** The logical ID in `{ 'Fn::GetAtt': [id, 'Arn'] }` or `{ Ref: id }`. */
function keyLogicalId(value: any): string | undefined {
  if (value?.Ref) return value.Ref;
  const getAtt = value?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' ? getAtt[0] : undefined;
}

/** Whether the statement allows the CloudWatch service principal the action. */
function allowsCloudWatch(statement: PolicyStatement, action: string): boolean {
  const [prefix] = action.split(':');
  return statement.Effect === 'Allow'
    && asArray(statement.Principal?.Service).includes(CLOUDWATCH)
    && asArray(statement.Action).some((a) => a === action || a === `${prefix}:*` || a === '*');
}

/** Equality of template values (`{ Ref: ... }`, names): same JSON, whatever realm made them. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
