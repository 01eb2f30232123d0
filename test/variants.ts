/**
 * The configurations every compliance and safety check runs against: the default one and the
 * main variants a user picks. Each check iterates over VARIANTS, so a new variant added here is
 * checked by cdk-nag, cfn-lint, cfn-guard, the Security Hub checker and the logical ID list.
 *
 * Each builder plays the user: the stack, and anything the user creates for the construct
 * (a topic and its key, a key, a log group), is configured as a careful user would.
 */
import { App, Duration, Environment, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AlarmTopic, CisMonitoringAlarms, ManagementAccountForwarder, RealTimeRootAlerts, RealTimeRootAlertsProps, RootTaskPolicy, RootUsageAlarm,
  RootUsageDashboard, RootUseSeverity,
} from '../src';
import { lookupContextKey } from '../src/private/control-tower-log-group';
import { buildMemberStack } from '../src/private/real-time/member-stack';

/** The construct's id in every variant stack: part of every logical ID it creates. */
const CONSTRUCT_ID = 'RootUsage';

/** An explicit environment, as the README's quick start writes one. */
export const EXPLICIT_ENV: Environment = { account: '123456789012', region: 'us-east-1' };

/** The recipient subscribed in every variant. */
const EMAIL = 'security@example.com';

/** A variant stack, with what the checks need to know about it. */
export interface VariantStack {
  readonly stack: Stack;
  /**
   * The log group the metric filter must be on, as the template writes it: a literal name, or a
   * reference such as `{ Ref: ... }` to a log group the user created in the stack.
   */
  readonly trailLogGroup: unknown;
}

/** One configuration of the construct. */
export interface Variant {
  /** Short, unique, used in test names and stack names. */
  readonly name: string;
  /**
   * Builds the variant's stack in `app`: environment-agnostic, or in `env` (an explicit account
   * and region, as the README's quick start writes it). The member template is always
   * environment-agnostic: the stack set deploys it to many accounts and regions.
   */
  readonly build: (app: App, env?: Environment) => VariantStack;
  /**
   * The Security Hub controls the variant's template must pass (none for a template without the
   * alarm, such as the real-time path's member template).
   *
   * @default ['CloudWatch.1']
   */
  readonly securityHubControls?: string[];
}

/**
 * A customer managed key as a careful user creates one: rotated, and denying grants to anything
 * but AWS services (AWS Control Tower control CT.KMS.PR.3, which cfn-guard checks).
 */
function userKey(stack: Stack, id: string): kms.Key {
  const key = new kms.Key(stack, id, { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/** `RootUsageDefault`, `RootUsageExistingTopic`, ...: one stack per variant. */
function stackName(variant: string): string {
  return `RootUsage${variant.split('-').map((part) => part[0].toUpperCase() + part.slice(1)).join('')}`;
}

/** The trail's log group on the Control Tower 4.0 landing zone of the variants with a lookup. */
const CONTROL_TOWER_4_LOG_GROUP = 'aws-controltower/CloudTrailLogs-tfw-qeb';

/** The answer of the CDK CLI's lookup of the Control Tower trail, as it writes it into cdk.context.json. */
function answerControlTowerLookup(stack: Stack): void {
  stack.node.setContext(lookupContextKey(stack), [{
    CloudWatchLogsLogGroupArn: `arn:aws:logs:${stack.region}:${stack.account}:log-group:${CONTROL_TOWER_4_LOG_GROUP}:*`,
    Identifier: 'aws-controltower-BaselineCloudTrail',
  }]);
}

/**
 * The management account on the real-time path as docs/real-time-alerts.md builds it: the central
 * stack in the home region eu-west-1 with an explicit environment (the quick start's lookup
 * answered), and one stack per region of managementAccountRegions, here us-east-1 only.
 */
function managementAccountSetup(app: App, props: Partial<RealTimeRootAlertsProps> = {}, variant = 'management-account'):
{ central: Stack; forwarder: Stack } {
  const env = { account: '111111111111', region: 'eu-west-1' };
  const central = new Stack(app, stackName(`${variant}-central`), { env });
  answerControlTowerLookup(central);
  const rootUsageAlarm = new RootUsageAlarm(central, CONSTRUCT_ID, { emailAddresses: [EMAIL], eventNotifications: true });
  const realTime = new RealTimeRootAlerts(central, 'RealTime', {
    rootUsageAlarm,
    organizationalUnitIds: ['r-ab12'],
    organizationId: 'o-a1b2c3d4e5',
    ...props,
  });
  const stacks = realTime.managementAccountRegions.map((region) => {
    const stack = new Stack(app, stackName(`${variant}-forwarder-${region}`), { env: { account: env.account, region } });
    new ManagementAccountForwarder(stack, 'Forwarder', { realTimeRootAlerts: realTime });
    return stack;
  });
  if (stacks.length !== 1 || stacks[0].region !== 'us-east-1') {
    throw new Error(`expected one forwarder stack, in us-east-1; managementAccountRegions is ${realTime.managementAccountRegions.join(', ')}`);
  }
  return { central, forwarder: stacks[0] };
}

export const VARIANTS: Variant[] = [
  {
    // What the README recommends in a Control Tower landing zone: only recipients.
    name: 'default',
    build: (app, env) => {
      const stack = new Stack(app, stackName('default'), { env });
      new RootUsageAlarm(stack, CONSTRUCT_ID, { emailAddresses: [EMAIL] });
      return { stack, trailLogGroup: 'aws-controltower/CloudTrailLogs' };
    },
  },
  {
    // The user brings a topic encrypted with their own key, whose policy admits CloudWatch as
    // the construct's warning asks; the construct subscribes the address and adds to the topic
    // policy.
    name: 'existing-topic',
    build: (app, env) => {
      const stack = new Stack(app, stackName('existing-topic'), { env });
      const key = userKey(stack, 'UserTopicKey');
      key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }));
      const topic = new sns.Topic(stack, 'UserTopic', { masterKey: key, enforceSSL: true });
      new RootUsageAlarm(stack, CONSTRUCT_ID, { topic, emailAddresses: [EMAIL] });
      return { stack, trailLogGroup: 'aws-controltower/CloudTrailLogs' };
    },
  },
  {
    // The user's own customer managed key encrypts the topic the construct creates.
    name: 'given-key',
    build: (app, env) => {
      const stack = new Stack(app, stackName('given-key'), { env });
      const encryptionKey = userKey(stack, 'UserKey');
      new RootUsageAlarm(stack, CONSTRUCT_ID, { encryptionKey, emailAddresses: [EMAIL] });
      return { stack, trailLogGroup: 'aws-controltower/CloudTrailLogs' };
    },
  },
  {
    // The README's quick start on a Control Tower 4.0 landing zone: a stack with the management
    // account and home region, whose trail's log group the CDK CLI looked up (the answer as the
    // CLI writes it into cdk.context.json).
    name: 'control-tower-4',
    build: (app) => {
      const stack = new Stack(app, stackName('control-tower-4'), { env: { account: '111111111111', region: 'eu-west-1' } });
      answerControlTowerLookup(stack);
      new RootUsageAlarm(stack, CONSTRUCT_ID, { emailAddresses: [EMAIL] });
      return { stack, trailLogGroup: CONTROL_TOWER_4_LOG_GROUP };
    },
  },
  {
    // A trail log group outside Control Tower (or with a suffix), by name.
    name: 'log-group-name',
    build: (app, env) => {
      const stack = new Stack(app, stackName('log-group-name'), { env });
      const logGroupName = 'org-trail/CloudTrailLogs-o-a1b2c3d4e5';
      new RootUsageAlarm(stack, CONSTRUCT_ID, { logGroupName, emailAddresses: [EMAIL] });
      return { stack, trailLogGroup: logGroupName };
    },
  },
  {
    // A log group object, here one the user creates in the same stack.
    name: 'log-group',
    build: (app, env) => {
      const stack = new Stack(app, stackName('log-group'), { env });
      const logGroup = new logs.LogGroup(stack, 'TrailLogGroup', { retention: logs.RetentionDays.ONE_YEAR });
      new RootUsageAlarm(stack, CONSTRUCT_ID, { logGroup, emailAddresses: [EMAIL] });
      return { stack, trailLogGroup: stack.resolve(logGroup.logGroupName) };
    },
  },
  {
    // The whole CIS monitoring set (Security Hub CloudWatch.1 to .14) with only recipients.
    name: 'cis',
    securityHubControls: Array.from({ length: 14 }, (_, i) => `CloudWatch.${i + 1}`),
    build: (app, env) => {
      const stack = new Stack(app, stackName('cis'), { env });
      new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL] });
      return { stack, trailLogGroup: 'aws-controltower/CloudTrailLogs' };
    },
  },
  {
    // The per-event path on: subscription filter, function, its log group, failure queue, alarms.
    name: 'event-notifications',
    build: (app, env) => {
      const stack = new Stack(app, stackName('event-notifications'), { env });
      new RootUsageAlarm(stack, CONSTRUCT_ID, { emailAddresses: [EMAIL], eventNotifications: true });
      return { stack, trailLogGroup: 'aws-controltower/CloudTrailLogs' };
    },
  },
  {
    // Declared expected root use and a high-priority topic (an AlarmTopic, as a pager's) that
    // the function also publishes to (docs/expected-root-use.md).
    name: 'expected-root-use',
    build: (app, env) => {
      const stack = new Stack(app, stackName('expected-root-use'), { env });
      const pager = new AlarmTopic(stack, 'Pager', { emailAddresses: ['oncall@example.com'] });
      new RootUsageAlarm(stack, CONSTRUCT_ID, {
        emailAddresses: [EMAIL],
        eventNotifications: true,
        eventNotifierOptions: {
          expectedRootUse: [{
            name: 'CHG-1042 unlock the data lake bucket',
            callerArnPatterns: ['arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*'],
            taskPolicies: [RootTaskPolicy.S3_UNLOCK_BUCKET_POLICY],
            accounts: ['222222222222'],
          }],
          firstSeenWindow: Duration.days(90),
          highPriorityTopic: pager.topic,
          highPrioritySeverity: RootUseSeverity.HIGH,
        },
      });
      return { stack, trailLogGroup: 'aws-controltower/CloudTrailLogs' };
    },
  },
  {
    // The real-time path (RealTimeRootAlerts) beside the per-event path it feeds: the central bus
    // and rule, the stack set, this account's forwarding rules, the failure alarms.
    name: 'real-time',
    build: (app, env) => {
      const stack = new Stack(app, stackName('real-time'), { env });
      const rootUsageAlarm = new RootUsageAlarm(stack, CONSTRUCT_ID, { emailAddresses: [EMAIL], eventNotifications: true });
      new RealTimeRootAlerts(stack, 'RealTime', {
        rootUsageAlarm,
        organizationalUnitIds: ['r-ab12'],
        organizationId: 'o-a1b2c3d4e5',
      });
      return { stack, trailLogGroup: 'aws-controltower/CloudTrailLogs' };
    },
  },
  {
    // The management account's forwarder in us-east-1 (where its root sign-ins are recorded),
    // built the documented way (managementAccountSetup). Its stack always has its explicit
    // environment: the forwarder computes the central bus ARN from it.
    name: 'management-account-forwarder',
    securityHubControls: [],
    build: (app) => ({ stack: managementAccountSetup(app).forwarder, trailLogGroup: undefined }),
  },
  {
    // The central stack of the same setup: the real-time variant's resources in an explicit
    // environment, and the relay queue (and its alarm) that exists once a forwarder registers.
    name: 'management-account-central',
    build: (app) => ({ stack: managementAccountSetup(app).central, trailLogGroup: CONTROL_TOWER_4_LOG_GROUP }),
  },
  {
    // The dashboard (RootUsageDashboard) over the per-event path: the alarms' states, the Logs
    // Insights widgets over the trail's log group, the event notifier's health.
    name: 'dashboard',
    build: (app, env) => {
      const stack = new Stack(app, stackName('dashboard'), { env });
      const rootUsageAlarm = new RootUsageAlarm(stack, CONSTRUCT_ID, { emailAddresses: [EMAIL], eventNotifications: true });
      new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm });
      return { stack, trailLogGroup: 'aws-controltower/CloudTrailLogs' };
    },
  },
  {
    // A Security Hub CSPM finding per root session (eventNotifierOptions.securityHubFindings), with
    // the dashboard: both opt-in parts of issue 23 on.
    name: 'security-hub-findings',
    build: (app, env) => {
      const stack = new Stack(app, stackName('security-hub-findings'), { env });
      const rootUsageAlarm = new RootUsageAlarm(stack, CONSTRUCT_ID, {
        emailAddresses: [EMAIL], eventNotifications: true, eventNotifierOptions: { securityHubFindings: true },
      });
      new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm });
      return { stack, trailLogGroup: 'aws-controltower/CloudTrailLogs' };
    },
  },
  {
    // The template the real-time path's stack set deploys to every member account and region
    // (the same builder RealTimeRootAlerts synthesizes its TemplateBody with).
    name: 'real-time-member',
    securityHubControls: [],
    build: (app) => ({
      stack: buildMemberStack(app, stackName('real-time-member'), { allRootApiCalls: false }),
      trailLogGroup: undefined,
    }),
  },
  {
    // memberForwarderAlarms (docs/real-time-alerts.md, "Failures are not silent"): the
    // management account's setup with the option; here its central stack, whose root-usage topic
    // and key admit the member alarms of its region.
    name: 'real-time-member-alarms',
    build: (app) => ({
      stack: managementAccountSetup(app, { memberForwarderAlarms: true }, 'real-time-member-alarms').central,
      trailLogGroup: CONTROL_TOWER_4_LOG_GROUP,
    }),
  },
  {
    // The same setup's forwarder stack in us-east-1: its relay topic and key admit the member alarms of us-east-1.
    name: 'real-time-member-alarms-forwarder',
    securityHubControls: [],
    build: (app) => ({
      stack: managementAccountSetup(app, { memberForwarderAlarms: true }, 'real-time-member-alarms').forwarder,
      trailLogGroup: undefined,
    }),
  },
  {
    // The member template with memberForwarderAlarms: the forwarder and its two alarms, whose
    // action is the root-usage topic in the central region and the relay topic elsewhere.
    name: 'real-time-member-alarms-member',
    securityHubControls: [],
    build: (app) => ({
      stack: buildMemberStack(app, stackName('real-time-member-alarms-member'), { allRootApiCalls: false, forwarderAlarms: true }),
      trailLogGroup: undefined,
    }),
  },
];
