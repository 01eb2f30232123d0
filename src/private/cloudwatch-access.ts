import { Annotations, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';

/** The service that evaluates alarms and publishes their notifications. */
export const CLOUDWATCH_SERVICE = 'cloudwatch.amazonaws.com';

/**
 * Lets CloudWatch alarms of this account use a KMS key, so that they can publish to a topic
 * encrypted with it. The AWS managed key `alias/aws/sns` cannot carry this statement: that is
 * why alarms fail silently with it.
 */
export function cloudWatchKeyStatement(scope: IConstruct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsOfThisAccount',
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal(CLOUDWATCH_SERVICE)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
  });
}

/**
 * Lets CloudWatch alarms of this account and region publish to the topic. Needed as soon as the
 * topic has any policy, since that replaces SNS's default policy.
 */
export function cloudWatchPublishStatement(scope: IConstruct, topicArn: string): iam.PolicyStatement {
  const stack = Stack.of(scope);
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsOfThisAccount',
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal(CLOUDWATCH_SERVICE)],
    actions: ['sns:Publish'],
    resources: [topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
    },
  });
}

/** Denies publishing to the topic over plain HTTP. */
export function denyInsecureTransportStatement(topicArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyPublishWithoutTLS',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['sns:Publish'],
    resources: [topicArn],
    conditions: { Bool: { 'aws:SecureTransport': 'false' } },
  });
}

/** The alias of the AWS managed SNS key, whose policy cannot be changed to admit CloudWatch. */
export const AWS_MANAGED_SNS_KEY_ALIAS = 'alias/aws/sns';

/**
 * Whether a key reference names the AWS managed SNS key (by alias name, alias ARN or key id).
 * Tokens are concatenated into strings, so a literal alias survives inside an unresolved ARN.
 */
export function isAwsManagedSnsKey(key: unknown): boolean {
  const candidate = key as { keyArn?: unknown; keyId?: unknown; aliasName?: unknown };
  return [candidate.aliasName, candidate.keyId, candidate.keyArn].some(
    (value) => typeof value === 'string' && /(^|[:/])alias\/aws\/sns$/.test(value),
  );
}

/**
 * Lets only AWS services create grants on the key (AWS Control Tower CT.KMS.PR.3). Neither SNS
 * encryption nor CloudWatch alarms need grants; the statement only narrows who may delegate use.
 */
export function denyGrantsExceptForAwsServicesStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}

/**
 * Topics known to let CloudWatch alarms of this account publish: those an `AlarmTopic` created,
 * and existing topics a `LogPatternAlarm` or an `EventNotifier` has already prepared (policy statement added, warning
 * given). An alarm given such a topic neither adds the statement again nor repeats the warning,
 * so that many alarms can share one topic.
 */
const preparedTopics = new WeakSet<object>();

/** Topics an `AlarmTopic` created: this library owns their policy (the event notifier restricts who may publish). */
const libraryTopics = new WeakSet<object>();

/** Records that an AlarmTopic created the topic. */
export function markLibraryTopic(topic: object): void {
  libraryTopics.add(topic);
}

/** Whether an AlarmTopic created the topic. */
export function isLibraryTopic(topic: object): boolean {
  return libraryTopics.has(topic);
}

/** Records that the topic is ready for CloudWatch alarms (see `preparedTopics`). */
export function markPreparedForCloudWatch(topic: object): void {
  preparedTopics.add(topic);
}

/** Whether the topic is ready for CloudWatch alarms (see `preparedTopics`). */
export function isPreparedForCloudWatch(topic: object): boolean {
  return preparedTopics.has(topic);
}

/** What a construct says, in its warning, about the topic it could not fully check. */
export interface UncheckedTopicWarning {
  /** The warning's ID (users acknowledge it by this ID). */
  readonly id: string;
  /** Who notifies which topic, e.g. "The alarm notifies an existing topic". */
  readonly subject: string;
  /** What happens otherwise, a sentence. */
  readonly otherwise: string;
}

/**
 * Lets the CloudWatch alarms of `scope` publish to a topic this library did not create, once per
 * topic: adds the publish statement to its topic policy (when it can) and warns about what cannot
 * be checked at synthesis (the policy, when it could not add the statement, and the topic's key).
 */
export function prepareTopicForCloudWatch(scope: Construct, topic: sns.ITopic, warning: UncheckedTopicWarning): void {
  if (isPreparedForCloudWatch(topic)) return;
  const policy = topic.addToResourcePolicy(cloudWatchPublishStatement(scope, topic.topicArn));
  markPreparedForCloudWatch(topic);
  const needs = [
    'if it is encrypted, its KMS key must not be the AWS managed key alias/aws/sns and its key policy must allow ' +
    'the service principal cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*',
  ];
  if (!policy.statementAdded) {
    needs.unshift('its topic policy must allow the service principal cloudwatch.amazonaws.com sns:Publish');
  }
  Annotations.of(scope).addWarningV2(warning.id, `${warning.subject} that this construct cannot fully check: ${needs.join('; ')}. ${warning.otherwise}`);
}

/**
 * A customer managed key as the constructs create one (child id `Key`): automatic rotation, and a
 * policy that lets only AWS services create grants (AWS Control Tower CT.KMS.PR.3).
 */
export function createRotatedKey(scope: Construct, description: string): kms.Key {
  const key = new kms.Key(scope, 'Key', { description, enableKeyRotation: true });
  key.addToResourcePolicy(denyGrantsExceptForAwsServicesStatement());
  return key;
}

/** The ARN pattern of the member forwarders' alarms of one region (any account), as their receiving topics admit them. */
function memberAlarmArnPattern(region: string, alarmNamePrefix: string): string {
  return `arn:${Aws.PARTITION}:cloudwatch:${region}:*:alarm:${alarmNamePrefix}*`;
}

/** The conditions of the statements that admit member forwarders' alarms: the organization, and the alarm's name and region. */
function memberAlarmConditions(organizationId: string, region: string, alarmNamePrefix: string): Record<string, unknown> {
  return {
    StringEquals: { 'aws:SourceOrgID': organizationId },
    ArnLike: { 'aws:SourceArn': memberAlarmArnPattern(region, alarmNamePrefix) },
  };
}

/** The statement ID of the member forwarders' alarms, in topic and key policies. */
export const MEMBER_ALARMS_SID = 'AllowForwarderAlarmsOfTheOrganization';

/**
 * Lets the CloudWatch alarms of the organization's accounts in `region` whose names start with
 * `alarmNamePrefix` (the real-time path's member forwarder alarms) publish to the topic.
 */
export function memberAlarmsPublishStatement(topicArn: string, organizationId: string, region: string, alarmNamePrefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: MEMBER_ALARMS_SID,
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal(CLOUDWATCH_SERVICE)],
    actions: ['sns:Publish'],
    resources: [topicArn],
    conditions: memberAlarmConditions(organizationId, region, alarmNamePrefix),
  });
}

/** Lets the same alarms use the topic's KMS key. */
export function memberAlarmsKeyStatement(organizationId: string, region: string, alarmNamePrefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: MEMBER_ALARMS_SID,
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal(CLOUDWATCH_SERVICE)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: memberAlarmConditions(organizationId, region, alarmNamePrefix),
  });
}
