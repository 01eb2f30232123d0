import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, CfnCondition, CfnParameter, DefaultStackSynthesizer, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { RootEventForwarder } from '../../root-event-forwarder';
import { ValidationError } from '../validation';
import { failedDeliveries } from './failed-deliveries';
import { failureCondition } from '../failure-alarm';

/** The member template's parameter that carries the central event bus ARN. */
export const CENTRAL_EVENT_BUS_PARAMETER = 'CentralEventBusArn';

/**
 * The member template's parameters with `forwarderAlarms`: where its two alarms send their
 * notifications (a CloudWatch alarm can notify a topic of another account, but only in its own region).
 */
export const MEMBER_ALARM_PARAMETERS = {
  /** The region of the central bus and the root-usage topic. */
  centralRegion: 'CentralRegion',
  /** The root-usage topic (in the central region): the action of the alarms there. */
  rootUsageTopicArn: 'RootUsageTopicArn',
  /** The account of the ManagementAccountForwarders, whose relay topics receive the alarms in every other region. */
  managementAccountId: 'ManagementAccountId',
  /** The name of those relay topics (the same in every region). */
  relayTopicName: 'RelayTopicName',
} as const;

/**
 * The prefix of the member alarms' names: the topics that receive them admit CloudWatch alarms of
 * the organization whose ARN ends in `alarm:<prefix>*`.
 */
export const MEMBER_ALARM_NAME_PREFIX = 'root-usage-forwarder-';

/** The names of the member alarms (fixed: one stack instance per account and region). */
export const MEMBER_ALARM_NAMES = {
  failedDeliveries: `${MEMBER_ALARM_NAME_PREFIX}failed-deliveries`,
  deadLetters: `${MEMBER_ALARM_NAME_PREFIX}dead-letter-queue`,
} as const;

/** The stack set's parameter values of the member alarms (strings or tokens of the central stack). */
export interface MemberAlarmParameterValues {
  readonly centralRegion: string;
  readonly rootUsageTopicArn: string;
  readonly managementAccountId: string;
  readonly relayTopicName: string;
}

/** The stack set's `Parameters` entries of the member alarms. */
export function memberAlarmParameters(values: MemberAlarmParameterValues): { parameterKey: string; parameterValue: string }[] {
  return (Object.keys(MEMBER_ALARM_PARAMETERS) as (keyof typeof MEMBER_ALARM_PARAMETERS)[])
    .map((key) => ({ parameterKey: MEMBER_ALARM_PARAMETERS[key], parameterValue: values[key] }));
}

/** CloudFormation's limit on a template passed inline (`TemplateBody`), in bytes. */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** What the member template depends on. */
export interface MemberTemplateOptions {
  /** Forward read-only root API calls too. */
  readonly allRootApiCalls: boolean;
  /**
   * Two failure alarms (failed deliveries, dead letters) that notify the root-usage topic in the
   * central region and the management account's relay topic in every other region.
   */
  readonly forwarderAlarms?: boolean;
}

/**
 * The stack that the stack set deploys to every member account and region: a
 * {@link RootEventForwarder} whose target is the bus named by the `CentralEventBusArn` parameter.
 * A plain template: no assets, no bootstrap version rule (member accounts are not bootstrapped).
 */
export function buildMemberStack(app: App, id: string, options: MemberTemplateOptions): Stack {
  const stack = new Stack(app, id, {
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    description: 'Root-usage real-time alerts: forwards root sign-ins, root API calls and AssumeRoot calls to the central event bus (cdk-root-usage-alarm)',
  });
  const eventBusArn = new CfnParameter(stack, CENTRAL_EVENT_BUS_PARAMETER, {
    type: 'String',
    description: 'The ARN of the central event bus that receives the root-usage events',
    allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[.\\-_A-Za-z0-9]+$',
  });
  const forwarder = new RootEventForwarder(stack, 'Forwarder', {
    eventBusArn: eventBusArn.valueAsString,
    allRootApiCalls: options.allRootApiCalls,
  });
  if (options.forwarderAlarms) addForwarderAlarms(stack, forwarder);
  return stack;
}

/**
 * The member forwarder's two failure alarms, as the management account's own (failed deliveries
 * of both rules; messages sent to the dead-letter queue), with fixed names. A CloudWatch alarm can
 * notify a topic of another account in its own region only, so the action depends on the region:
 * the root-usage topic in the central region, the management account's relay topic (which a
 * ManagementAccountForwarder creates there) elsewhere. OK notifications go to the root-usage topic
 * only: the relay's alarm counts every message that arrives, so an OK relayed would raise it.
 */
function addForwarderAlarms(stack: Stack, forwarder: RootEventForwarder): void {
  const parameter = (id: string, description: string, allowedPattern: string) =>
    new CfnParameter(stack, id, { type: 'String', description, allowedPattern }).valueAsString;
  const centralRegion = parameter(MEMBER_ALARM_PARAMETERS.centralRegion,
    'The region of the central event bus and the root-usage topic', '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$');
  const topicArn = parameter(MEMBER_ALARM_PARAMETERS.rootUsageTopicArn,
    'The root-usage topic: the action of the forwarder alarms in the central region', '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[-_.A-Za-z0-9]+$');
  const managementAccount = parameter(MEMBER_ALARM_PARAMETERS.managementAccountId,
    'The management account, whose relay topic is the action of the forwarder alarms in other regions', '^[0-9]{12}$');
  const relayTopicName = parameter(MEMBER_ALARM_PARAMETERS.relayTopicName,
    'The name of the management account\'s relay topic in each region', '^[-_A-Za-z0-9]{1,256}$');
  const inCentralRegion = new CfnCondition(stack, 'InCentralRegion', { expression: Fn.conditionEquals(Aws.REGION, centralRegion) });
  const relayTopicArn = Fn.sub('arn:${AWS::Partition}:sns:${AWS::Region}:${Account}:${Name}', { Account: managementAccount, Name: relayTopicName });
  const alarmAction = Token.asString(Fn.conditionIf(inCentralRegion.logicalId, topicArn, relayTopicArn));
  const okActions = Token.asList(Fn.conditionIf(inCentralRegion.logicalId, [topicArn], Aws.NO_VALUE));
  const period = Duration.minutes(5);
  const alarm = (id: string, alarmName: string, alarmDescription: string, metric: cloudwatch.IMetric) => {
    const created = failureCondition(stack, id, alarmDescription, metric, alarmName);
    const cfn = created.node.defaultChild as cloudwatch.CfnAlarm;
    cfn.alarmActions = [alarmAction];
    cfn.okActions = okActions;
  };
  alarm('ForwarderAlarm', MEMBER_ALARM_NAMES.failedDeliveries,
    'The root-usage forwarding rules of this member account could not deliver events to the central event bus of the management ' +
    'account (FailedInvocations or InvocationsFailedToBeSentToDlq). Check the central bus, its policy and the rules\' role.',
    failedDeliveries([forwarder.rootActivityRule, forwarder.assumeRootRule].map((rule) => ({ RuleName: rule.ref })), period));
  alarm('DeadLetterAlarm', MEMBER_ALARM_NAMES.deadLetters,
    'Root-usage events of this member account went to the dead-letter queue of its forwarding rules: they did not reach the central ' +
    'event bus. Read the messages in the queue (kept 14 days), fix the cause, then delete them.',
    forwarder.deadLetterQueue.metric('NumberOfMessagesSent', { statistic: cloudwatch.Stats.SUM, period }));
}

/**
 * The template without what the CDK CLI's context adds when it runs the app (construct paths,
 * asset metadata, the CDKMetadata resource): the member template is the same however the app is
 * run, and carries nothing about the deploying app into member accounts.
 */
function withoutCdkMetadata(template: any): any {
  const resources: Record<string, any> = {};
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type === 'AWS::CDK::Metadata') continue;
    const metadata = Object.fromEntries(Object.entries<any>(resource.Metadata ?? {})
      .filter(([key]) => !key.startsWith('aws:cdk:') && !key.startsWith('aws:asset:')));
    const { Metadata: _metadata, ...rest } = resource;
    resources[logicalId] = Object.keys(metadata).length > 0 ? { ...rest, Metadata: metadata } : rest;
  }
  const conditions = Object.fromEntries(Object.entries<any>(template.Conditions ?? {})
    .filter(([name]) => name !== 'CDKMetadataAvailable'));
  const { Conditions: _conditions, ...others } = template;
  return { ...others, ...(Object.keys(conditions).length > 0 ? { Conditions: conditions } : {}), Resources: resources };
}

/**
 * The member template as the stack set's `TemplateBody`: synthesized in an app of its own (in a
 * temporary folder, removed afterwards), compact JSON. Throws if it has assets or exceeds the
 * 51,200-byte limit of an inline template.
 */
export function synthesizeMemberTemplate(owner: string, options: MemberTemplateOptions): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'root-usage-member-'));
  try {
    const app = new App({ outdir, analyticsReporting: false });
    const stack = buildMemberStack(app, 'RootUsageRealTimeMember', options);
    const artifact = app.synth().getStackArtifact(stack.artifactId);
    if (artifact.assets.length > 0) {
      throw new ValidationError(`${owner}: the member template must not have assets (a stack set deploys a plain template)`);
    }
    const body = JSON.stringify(withoutCdkMetadata(artifact.template));
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > TEMPLATE_BODY_LIMIT) {
      throw new ValidationError(`${owner}: the member template is ${bytes} bytes, over the ${TEMPLATE_BODY_LIMIT}-byte limit of a TemplateBody`);
    }
    return body;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
