/**
 * An independent restatement of AWS Security Hub controls CloudWatch.1 to CloudWatch.14 (the CIS
 * AWS Foundations 1.2.0 3.1-3.14 / 1.4.0 4.3-4.14 monitoring controls: "a log metric filter and
 * alarm should exist for ..."), checked against a synthesized CloudFormation template, plus what
 * makes each alarm really reach someone: CloudWatch alarms can publish to an encrypted topic only
 * when the key policy and the topic policy admit cloudwatch.amazonaws.com (otherwise the
 * notification fails silently).
 *
 * Written from the controls' documentation, not from the library's source: nothing here is
 * imported from src/. The patterns are copied from the remediation text of each control, AWS
 * Security Hub User Guide, "Amazon CloudWatch controls"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html; archived
 * source github.com/awsdocs/aws-security-hub-user-guide, doc_source/cloudwatch-controls.md,
 * commit bda5bf7ddbdf498557b2ac6a538577528004e6d5). Each control "fails if the exact metric
 * filters prescribed by CIS are not used. Additional fields or terms cannot be added".
 */
/** The pattern of each control that Security Hub accepts, character for character. */
export const SECURITY_HUB_PATTERNS: Readonly<Record<string, string>> = {
  'CloudWatch.1': '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  'CloudWatch.2': '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  'CloudWatch.3': '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  'CloudWatch.4': '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}',
  'CloudWatch.5': '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
  'CloudWatch.6': '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  'CloudWatch.7': '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
  'CloudWatch.8': '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
  'CloudWatch.9': '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',
  'CloudWatch.10': '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}',
  'CloudWatch.11': '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}',
  'CloudWatch.12': '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',
  'CloudWatch.13': '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',
  'CloudWatch.14': '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}',
};

/** The pattern of CloudWatch.1 (root usage). */
export const CIS_ROOT_USAGE_PATTERN = SECURITY_HUB_PATTERNS['CloudWatch.1'];

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
 * 1. a metric filter with exactly the CIS pattern of CloudWatch.1, one metric transformation, no dimensions;
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
  return checkCloudWatchControl(template, 'CloudWatch.1', trailLogGroup);
}

/**
 * The same check as {@link checkCloudWatch1} for any of CloudWatch.1 to CloudWatch.14, with that
 * control's exact pattern.
 *
 * @returns the problems; none when some filter, alarm and topic together pass.
 */
export function checkCloudWatchControl(template: CfnTemplate, controlId: string, trailLogGroup: unknown): string[] {
  const expected = SECURITY_HUB_PATTERNS[controlId];
  if (expected === undefined) throw new Error(`unknown control ${controlId}`);
  const resources = template.Resources ?? {};
  const filters = Object.entries(resources).filter(([, r]) =>
    r.Type === 'AWS::Logs::MetricFilter' && sameValue(r.Properties?.LogGroupName, trailLogGroup));
  if (filters.length === 0) {
    return [`no metric filter on the log group ${JSON.stringify(trailLogGroup)}`];
  }
  const problems: string[] = [];
  for (const [filterId, filter] of filters) {
    const chain = checkFilter(resources, filter.Properties ?? {}, expected);
    if (chain.length === 0) return [];
    problems.push(...chain.map((problem) => `metric filter ${filterId}: ${problem}`));
  }
  return problems;
}

type Resources = NonNullable<CfnTemplate['Resources']>;

function checkFilter(resources: Resources, filter: any, expected: string): string[] {
  if (filter.FilterPattern !== expected) {
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
