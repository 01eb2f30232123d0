import { Annotations, Aspects, Aws, CfnCondition, CfnResource, CfnRule, Duration, Fn, IAspect, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { addActionsToEveryAlarm } from './private/alarm-actions';
import { isLibraryTopic, memberAlarmsKeyStatement, memberAlarmsPublishStatement } from './private/cloudwatch-access';
import { failureAlarm } from './private/failure-alarm';
import { acknowledgeNagRules } from './private/nag';
import { allowRulesToSend, ruleDeadLetterQueue, TARGET_RETRY_POLICY } from './private/real-time/dead-letter-queue';
import { CENTRAL_PATTERN, RULE_STATE_ALL_MANAGEMENT_EVENTS } from './private/real-time/event-patterns';
import { failedDeliveries } from './private/real-time/failed-deliveries';
import {
  CENTRAL_EVENT_BUS_PARAMETER, MEMBER_ALARM_NAME_PREFIX, MEMBER_ALARM_NAMES, memberAlarmParameters, synthesizeMemberTemplate,
} from './private/real-time/member-stack';
import { RealTimeValidator } from './private/real-time/validation';
import { RootEventForwarder } from './root-event-forwarder';
import { RootUsageAlarm } from './root-usage-alarm';

/**
 * Who creates the stack set: the management account itself, or a delegated administrator for
 * StackSets of the organization.
 */
export enum StackSetCallAs {
  /** The stack is deployed in the organization's management account. */
  SELF = 'SELF',
  /** The stack is deployed in an account registered as a delegated administrator for StackSets. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/**
 * Properties of a {@link RealTimeRootAlerts}.
 */
export interface RealTimeRootAlertsProps {
  /**
   * The root-usage alarm whose event notifier (`eventNotifications` set to true) and topic receive the
   * real-time events: the events reach the same function, which publishes the same messages, and
   * the alarms of this construct notify the same topic.
   */
  readonly rootUsageAlarm: RootUsageAlarm;

  /**
   * The organization root (`r-...`) or organizational units (`ou-...`) whose accounts get the
   * forwarding rules, now and whenever an account joins them (service-managed stack set with
   * automatic deployment). Accounts that leave lose the rules.
   */
  readonly organizationalUnitIds: string[];

  /**
   * The ID of the organization (`o-` and 10 to 32 lowercase letters or digits). The central
   * event bus accepts events only from principals of this organization (`aws:PrincipalOrgID`).
   * Only its form is checked: with a wrong ID, member accounts' events end in their dead-letter
   * queues, while this account's own forwarder keeps working (see docs/real-time-alerts.md).
   */
  readonly organizationId: string;

  /**
   * The regions watched in real time: the stack set deploys the forwarding rules to every member
   * account in each of them, and the management account needs a
   * {@link ManagementAccountForwarder} in each (see `managementAccountRegions`). CloudTrail
   * records a root console sign-in (and root password recovery) in us-east-1; root API calls,
   * the actions of a centralized-root-access session and `AssumeRoot` calls are recorded in the
   * region where they are made, so a region not listed is watched by the log path only. List
   * every region your organization governs (in a Control Tower landing zone: the governed
   * regions; its Region deny control makes stack instances fail elsewhere). Events from other
   * regions reach the central bus in this stack's region through cross-region forwarding.
   *
   * @default - us-east-1 and the region of this stack
   */
  readonly regions?: string[];

  /**
   * Forward every root API call, read-only calls (`Describe*`, `Get*`, `List*`) included, as
   * CloudTrail records them; otherwise read-only root calls reach only the log path.
   *
   * @default false - root sign-ins (success and failure), root password recovery, AssumeRoot
   * calls, and every root call that changes something
   */
  readonly allRootApiCalls?: boolean;

  /**
   * Whether this stack is deployed in the management account or by a delegated administrator
   * for StackSets. With `SELF`, this construct also creates the forwarding rules of this (the
   * management) account in this region. With `DELEGATED_ADMIN`, it creates none: the stack set
   * covers the delegated administrator account when it belongs to `organizationalUnitIds`, and
   * the management account needs a {@link ManagementAccountForwarder} in every region of
   * `managementAccountRegions`, this one included.
   *
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * The name of the stack set: unique among the stack sets of this account and region.
   *
   * @default "root-usage-real-time-alerts"
   */
  readonly stackSetName?: string;

  /**
   * The name of the central event bus: unique among the buses of this account and region.
   *
   * @default "root-usage-real-time"
   */
  readonly eventBusName?: string;

  /**
   * The percentage of the target accounts, per region, in which a stack set operation runs at
   * once (1 to 100). With 1,000 accounts, the default deploys 250 at a time: about four rounds.
   * Operation preferences apply to updates of the stack set; automatic deployments to accounts
   * that join an organizational unit are run by CloudFormation as they come.
   *
   * @default 25
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * The percentage of the target accounts, per region, in which a stack set operation may fail
   * before CloudFormation stops it in that region (0 to 100). The concurrency mode is
   * `SOFT_FAILURE_TOLERANCE`: failures do not lower the concurrency.
   *
   * @default 10
   */
  readonly failureTolerancePercentage?: number;

  /**
   * Failure alarms for the forwarders in the member accounts, which reach the root-usage topic.
   *
   * Each member account and region gets two alarms (failed deliveries to the central bus, events
   * in the dead-letter queue), named `root-usage-forwarder-failed-deliveries` and
   * `root-usage-forwarder-dead-letter-queue`. A CloudWatch alarm can notify a topic of another
   * account only in its own region: in this stack's region they notify the root-usage topic (on
   * ALARM and OK); in every other region the relay topic of the {@link ManagementAccountForwarder}
   * there (on ALARM), which reaches the root-usage topic through `forwarderAlarmRelayAlarm`. The
   * root-usage topic and the relay topics admit CloudWatch alarms of the organization with that
   * name prefix (`aws:SourceOrgID`, `aws:SourceArn`); for a topic this library did not create,
   * synthesis warns with the statements to add. Opt-in for the cost: about $0.50 a month per
   * member account and region (docs/real-time-alerts.md). The alarms report failing deliveries,
   * not a forwarder switched off (that sends no data): the log path's "Not seen in real time" does.
   * Outside this stack's region, the stack needs a concrete account and region (env).
   *
   * @default false - the member forwarders have no alarms
   */
  readonly memberForwarderAlarms?: boolean;
}

/**
 * Root sign-ins and root use in every account of an organization, reported within seconds:
 * CloudTrail sends each event to EventBridge in the account and region where it is recorded,
 * a rule there forwards the root-usage events to a central event bus in this stack's account and
 * region, and a rule on that bus sends them to the event notifier of the `rootUsageAlarm`, which
 * publishes the same message as for the log path (5 to 15 minutes later) to the same topic.
 *
 * Created here: the central event bus, with a policy that accepts events only from principals of
 * the organization; the central rule to the event notifier function (its invoke permission
 * scoped to the rule), with a dead-letter queue; a service-managed stack set with automatic
 * deployment that puts a {@link RootEventForwarder} into every account of the organizational
 * units in each region; the same forwarder for this account (a service-managed stack set never
 * deploys to the management account) in this stack's region; alarms on the topic for failed
 * deliveries.
 *
 * Prerequisites (once, in the management account): trusted access for CloudFormation StackSets
 * with AWS Organizations, and, with `callAs` set to `StackSetCallAs.DELEGATED_ADMIN`, the
 * delegated administrator registration.
 */
export class RealTimeRootAlerts extends Construct {
  /** The central event bus: receives the root-usage events of every account and region. */
  public readonly eventBus: events.IEventBus;

  /** The rule on the central bus that sends the events to the event notifier function. */
  public readonly centralRule: events.CfnRule;

  /** The queue of the events the central rule could not deliver to the function. */
  public readonly deadLetterQueue: sqs.IQueue;

  /** The stack set that rolls the forwarding rules out to the member accounts. */
  public readonly stackSet: cloudformation.CfnStackSet;

  /**
   * The forwarding rules of this (the management) account, in this region; undefined with
   * `callAs` set to `StackSetCallAs.DELEGATED_ADMIN` (the stack set covers that account).
   */
  public readonly localForwarder?: RootEventForwarder;

  /** The member template (JSON) the stack set deploys. */
  public readonly memberTemplateBody: string;

  /** The alarm on failed deliveries of the central rule to the function. */
  public readonly centralRuleAlarm: cloudwatch.Alarm;

  /** The alarm on events arriving in the central dead-letter queue. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  /** The alarm on failed deliveries of this account's forwarding rules to the central bus (with `localForwarder`). */
  public readonly localForwarderAlarm?: cloudwatch.Alarm;

  /** The alarm on events arriving in the dead-letter queue of this account's forwarding rules (with `localForwarder`). */
  public readonly localDeadLetterAlarm?: cloudwatch.Alarm;

  /**
   * The regions where the management account needs a {@link ManagementAccountForwarder}: every
   * region of `regions` (us-east-1 included) but this stack's with `callAs` `SELF` (the
   * `localForwarder` covers it), every one of them with `DELEGATED_ADMIN`. Empty when this stack's
   * region is not known at synthesis (an environment-agnostic stack: synthesis warns).
   */
  public readonly managementAccountRegions: string[];

  private readonly callAs: StackSetCallAs;
  private readonly eventBusNameValue: string;
  private readonly allRootApiCalls: boolean;
  private readonly memberForwarderAlarms: boolean;
  private readonly organizationId: string;
  private readonly topicAction: cloudwatch.IAlarmAction;
  private readonly watchedRegions: string[] | undefined;
  private readonly managementForwarders: { readonly path: string; readonly account: string; readonly region: string }[] = [];
  private relayQueue?: sqs.Queue;
  private relayAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RealTimeRootAlertsProps) {
    super(scope, id);
    const owner = `RealTimeRootAlerts at ${this.node.path}`;
    const validate: RealTimeValidator = new RealTimeValidator(owner);
    const notifier = props.rootUsageAlarm.eventNotifier;
    if (!notifier) {
      validate.fail('rootUsageAlarm', 'must have eventNotifications set to true: the real-time events are published by its event notifier');
    }
    validate.organizationId('organizationId', props.organizationId);
    validate.organizationalUnitIds('organizationalUnitIds', props.organizationalUnitIds);
    validate.regions('regions', props.regions);
    const eventBusName = props.eventBusName ?? 'root-usage-real-time';
    validate.eventBusName('eventBusName', eventBusName);
    const stackSetName = props.stackSetName ?? 'root-usage-real-time-alerts';
    validate.stackSetName('stackSetName', stackSetName);
    const maxConcurrentPercentage = props.maxConcurrentPercentage ?? 25;
    validate.percentage('maxConcurrentPercentage', maxConcurrentPercentage, 1);
    const failureTolerancePercentage = props.failureTolerancePercentage ?? 10;
    validate.percentage('failureTolerancePercentage', failureTolerancePercentage, 0);
    const stack = Stack.of(this);
    const topicAction = new actions.SnsAction(props.rootUsageAlarm.topic);
    this.topicAction = topicAction;
    this.callAs = props.callAs ?? StackSetCallAs.SELF;
    this.eventBusNameValue = eventBusName;
    this.allRootApiCalls = props.allRootApiCalls ?? false;
    this.memberForwarderAlarms = props.memberForwarderAlarms ?? false;
    this.organizationId = props.organizationId;
    // The member accounts are watched in the stack set's regions; the management account (which
    // no SCP restricts) in those and us-east-1, where its root sign-ins are recorded.
    const regions = props.regions === undefined || Token.isUnresolved(props.regions) || props.regions.some((r) => Token.isUnresolved(r))
      ? undefined : props.regions;
    this.watchedRegions = Token.isUnresolved(stack.region) ? regions : regions ?? [...new Set(['us-east-1', stack.region])];
    this.managementAccountRegions = Token.isUnresolved(stack.region) || !this.watchedRegions ? [] : [...new Set(['us-east-1', ...this.watchedRegions])]
      .filter((region) => this.callAs === StackSetCallAs.DELEGATED_ADMIN || region !== stack.region);

    // The central bus: only principals of the organization may put events on it. A CfnResource,
    // not CfnEventBusPolicy, whose deprecated `principal` property prints a warning at every
    // synthesis (CDK reads it to render the template); the resource is the same.
    const bus = new events.CfnEventBus(this, 'EventBus', { name: eventBusName });
    this.eventBus = events.EventBus.fromEventBusArn(this, 'ImportedEventBus', bus.attrArn);
    const busPolicy = new CfnResource(this, 'EventBusPolicy', {
      type: 'AWS::Events::EventBusPolicy',
      properties: {
        EventBusName: bus.ref,
        StatementId: 'AllowPutEventsFromTheOrganization',
        Statement: {
          Sid: 'AllowPutEventsFromTheOrganization',
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: bus.attrArn,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
        },
      },
    });

    // The central rule: only what the forwarding rules forward (root activity, AssumeRoot calls)
    // invokes the event notifier; whatever else a member account forwards stops at the bus. Its
    // state lets read-only management events through (AssumeRoot calls, allRootApiCalls): with
    // ENABLED, EventBridge drops them at this bus too.
    const deadLetterQueue = ruleDeadLetterQueue(this);
    this.deadLetterQueue = deadLetterQueue;
    const centralRuleName = 'root-usage-to-event-notifier';
    const fn = notifier.function;
    this.centralRule = new events.CfnRule(this, 'CentralRule', {
      name: centralRuleName,
      eventBusName: bus.ref,
      description: 'Root-usage events forwarded from the accounts of the organization, to the event notifier function',
      eventPattern: CENTRAL_PATTERN,
      state: RULE_STATE_ALL_MANAGEMENT_EVENTS,
      targets: [{
        id: 'EventNotifier',
        arn: fn.functionArn,
        deadLetterConfig: { arn: deadLetterQueue.queueArn },
        retryPolicy: TARGET_RETRY_POLICY,
      }],
    });
    new lambda.CfnPermission(this, 'InvokedByCentralRule', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 'events.amazonaws.com',
      sourceArn: this.centralRule.attrArn,
      sourceAccount: stack.account,
    });
    allowRulesToSend(deadLetterQueue, 'AllowCentralRule', [this.centralRule.attrArn]);

    // This (the management) account, in this region: a service-managed stack set never deploys to
    // the management account. A delegated administrator account is a member: the stack set covers it.
    if (this.callAs === StackSetCallAs.SELF) {
      this.localForwarder = new RootEventForwarder(this, 'LocalForwarder', {
        eventBusArn: bus.attrArn,
        allRootApiCalls: props.allRootApiCalls,
      });
      this.localForwarder.node.addDependency(busPolicy);
    }
    // What is watched where, and what the management account still lacks, once the app is complete.
    const self = this;
    Aspects.of(this).add(new (class implements IAspect {
      public visit(node: IConstruct): void {
        if (node === self) self.reportCoverage();
      }
    })());

    // Every account of the organizational units, in each region, now and later.
    const stackSetRegions = this.stackSetRegions(props.regions);
    // The notifier's log path checks the real-time path: a root event of these regions that it
    // delivers and that never came in real time gets a "Not seen in real time" line and a metric.
    if (fn instanceof lambda.Function) fn.addEnvironment('REALTIME_REGIONS', Fn.join(',', stackSetRegions));
    if (this.memberForwarderAlarms) this.validateMemberForwarderAlarms(validate, props.regions, stackSetRegions);
    this.memberTemplateBody = synthesizeMemberTemplate(owner, {
      allRootApiCalls: props.allRootApiCalls ?? false,
      forwarderAlarms: this.memberForwarderAlarms,
    });
    this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
      stackSetName,
      description: 'Root-usage real-time alerts: forwards the root-usage events of each account and region to the central event bus',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: this.callAs,
      capabilities: ['CAPABILITY_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        maxConcurrentPercentage,
        failureTolerancePercentage,
        regionConcurrencyType: 'PARALLEL',
      },
      parameters: [
        { parameterKey: CENTRAL_EVENT_BUS_PARAMETER, parameterValue: bus.attrArn },
        ...(this.memberForwarderAlarms ? memberAlarmParameters({
          centralRegion: stack.region,
          rootUsageTopicArn: props.rootUsageAlarm.topic.topicArn,
          managementAccountId: this.managementAccountId(),
          relayTopicName: this.relayTopicName(),
        }) : []),
      ],
      stackInstancesGroup: [{
        deploymentTargets: { organizationalUnitIds: props.organizationalUnitIds },
        regions: stackSetRegions,
      }],
      templateBody: this.memberTemplateBody,
    });
    // Not in aws-cdk-lib 2.93.0's types: failures do not lower the concurrency.
    this.stackSet.addPropertyOverride('OperationPreferences.ConcurrencyMode', 'SOFT_FAILURE_TOLERANCE');
    this.stackSet.node.addDependency(busPolicy);

    // Failures are not silent: each alarm notifies the root-usage topic, and again on recovery.
    const alarm = (alarmId: string, description: string, metric: cloudwatch.IMetric): cloudwatch.Alarm =>
      failureAlarm(this, alarmId, description, metric, topicAction);
    const period = Duration.minutes(5);
    this.centralRuleAlarm = alarm('CentralRuleAlarm',
      'Real-time root-usage events could not be delivered to the event notifier function (EventBridge FailedInvocations or ' +
      'InvocationsFailedToBeSentToDlq of the central rule). The log path still reports them, 5 to 15 minutes later.',
      failedDeliveries([{ EventBusName: eventBusName, RuleName: centralRuleName }], period));
    this.deadLetterAlarm = alarm('DeadLetterAlarm',
      'Real-time root-usage events went to the dead-letter queue of the central rule: the event notifier function could not ' +
      'be invoked. Read the messages in the queue (each is a root-usage event), fix the cause, then delete them.',
      deadLetterQueue.metric('NumberOfMessagesSent', { statistic: cloudwatch.Stats.SUM, period }));
    const local = this.localForwarder;
    if (local) {
      this.localForwarderAlarm = alarm('LocalForwarderAlarm',
        'The forwarding rules of this account could not deliver root-usage events to the central event bus ' +
        '(FailedInvocations or InvocationsFailedToBeSentToDlq). Check the central bus and its policy.',
        failedDeliveries([local.rootActivityRule, local.assumeRootRule].map((rule) => ({ RuleName: rule.ref })), period));
      this.localDeadLetterAlarm = alarm('LocalDeadLetterAlarm',
        'Root-usage events of this account went to the dead-letter queue of its forwarding rules: they did not reach the central ' +
        'event bus. Read the messages in the queue, fix the cause (the bus, its policy, the rules\' role), then delete them.',
        local.deadLetterQueue.metric('NumberOfMessagesSent', { statistic: cloudwatch.Stats.SUM, period }));
    }
    if (this.memberForwarderAlarms) this.admitMemberAlarms(props.rootUsageAlarm);
  }

  /**
   * Adds actions to every CloudWatch alarm this construct has created (its failed-delivery
   * alarms), beside the notification of the root-usage topic: for example
   * `new SnsAction(pagingTopic)` to page someone too. The alarms of the `rootUsageAlarm` are
   * its own: call its `addAlarmAction` as well. An SNS topic given here must let CloudWatch alarms
   * publish (an `AlarmTopic` does).
   *
   * @param alarmActions the actions to run when an alarm goes to ALARM
   */
  public addAlarmAction(...alarmActions: cloudwatch.IAlarmAction[]): void {
    addActionsToEveryAlarm(this, alarmActions);
  }

  /**
   * The alarm on the relay of the management account's forwarders in other regions, or undefined
   * until the first {@link ManagementAccountForwarder} is defined. Their failure alarms reach the
   * root-usage topic through it.
   */
  public get forwarderAlarmRelayAlarm(): cloudwatch.IAlarm | undefined {
    return this.relayAlarm;
  }

  /**
   * Called by each {@link ManagementAccountForwarder}: records the region it covers, creates the
   * relay of its alarms (a queue in this region, which its topic delivers to, and an alarm on it
   * that notifies the root-usage topic) with the first one, and returns the names it needs.
   *
   * @internal
   */
  public _registerManagementAccountForwarder(forwarder: Construct, account: string, region: string):
  { eventBusName: string; relayName: string; allRootApiCalls: boolean; memberForwarderAlarms: boolean; organizationId: string } {
    const stack = Stack.of(this);
    const owner = `ManagementAccountForwarder at ${forwarder.node.path}`;
    const validate = new RealTimeValidator(owner);
    if (Token.isUnresolved(this.eventBusNameValue)) {
      validate.fail('realTimeRootAlerts', 'must have a concrete eventBusName: the central bus ARN is computed from it');
    }
    const relayName = this.relayTopicName();
    if (this.callAs === StackSetCallAs.SELF && Stack.of(forwarder) === stack) {
      validate.fail('realTimeRootAlerts', 'must not be in the stack of the RealTimeRootAlerts: its localForwarder covers that account and region');
    }
    if (this.callAs === StackSetCallAs.SELF && region === stack.region && !Token.isUnresolved(account) && account === stack.account) {
      validate.fail('realTimeRootAlerts', `must not be in ${region}, the region of the RealTimeRootAlerts: its localForwarder covers the management account there`);
    }
    if (this.callAs === StackSetCallAs.DELEGATED_ADMIN && !Token.isUnresolved(account) && account === stack.account) {
      validate.fail('realTimeRootAlerts', `must be in the management account, not in ${account}, the delegated administrator account ` +
        '(the stack set covers it when it belongs to organizationalUnitIds)');
    }
    const duplicate = this.managementForwarders.find((f) => f.region === region && f.account === account);
    if (duplicate) {
      validate.fail('realTimeRootAlerts', `must not cover ${region} twice: ${duplicate.path} already forwards the management account's events there`);
    }
    if (this.memberForwarderAlarms && Token.isUnresolved(this.organizationId) && Stack.of(forwarder) !== stack) {
      validate.fail('realTimeRootAlerts', 'must have a concrete organizationId with memberForwarderAlarms: the relay topic admits the ' +
        'alarms of the organization\'s accounts by it, in a stack of its own');
    }
    this.managementForwarders.push({ path: forwarder.node.path, account, region });
    if (!this.relayQueue) this.relayQueue = this.createRelay(relayName);
    return {
      eventBusName: this.eventBusNameValue,
      relayName,
      allRootApiCalls: this.allRootApiCalls,
      memberForwarderAlarms: this.memberForwarderAlarms,
      organizationId: this.organizationId,
    };
  }

  /** The name of the relay topics (and queue) of the forwarders' alarms: `<eventBusName>-forwarder-alarms`, at most 80 characters. */
  private relayTopicName(): string {
    const name = `${this.eventBusNameValue}-forwarder-alarms`;
    return Token.isUnresolved(this.eventBusNameValue) ? name : name.slice(0, 80);
  }

  /**
   * The account of the ManagementAccountForwarders, whose relay topics the member alarms notify
   * outside this region: this stack's with callAs SELF; with DELEGATED_ADMIN, the (concrete)
   * account of the registered forwarders, checked at synthesis.
   */
  private managementAccountId(): string {
    const stack = Stack.of(this);
    if (this.callAs === StackSetCallAs.SELF) return stack.account;
    return Lazy.string({
      produce: () => this.managementForwarders.find((f) => !Token.isUnresolved(f.account))?.account ?? stack.account,
    });
  }

  /**
   * memberForwarderAlarms works only where every member alarm has a topic to notify: in this
   * stack's region the root-usage topic; elsewhere the relay topic of a ManagementAccountForwarder,
   * which needs this stack's concrete account and region, and, with DELEGATED_ADMIN, tells the
   * management account.
   */
  private validateMemberForwarderAlarms(validate: RealTimeValidator, regions: string[] | undefined, stackSetRegions: string[]): void {
    const stack = Stack.of(this);
    const prop = 'memberForwarderAlarms';
    if (Token.isUnresolved(stack.region)) {
      const only = regions && !Token.isUnresolved(regions) && regions.length === 1 ? regions[0] : undefined;
      if (only === undefined || Token.isUnresolved(only)) {
        validate.fail(prop, 'needs a stack with a concrete region (env), or regions listing exactly one region (the one this stack is ' +
          'deployed in): outside this stack\'s region the member alarms notify the relay topic of a ManagementAccountForwarder, which ' +
          'needs the account and region of the RealTimeRootAlerts');
      }
      // The one region must be this stack's: a template rule stops a deployment anywhere else.
      new CfnRule(this, 'MemberAlarmsRegion', {
        assertions: [{
          assert: Fn.conditionEquals(Aws.REGION, only!),
          assertDescription: `With memberForwarderAlarms and regions [${only}], this stack must be deployed in ${only}: ` +
            'the member alarms notify the root-usage topic in their own region',
        }],
      });
      return;
    }
    const elsewhere = Token.isUnresolved(stackSetRegions) || stackSetRegions.some((r) => Token.isUnresolved(r))
      ? undefined : stackSetRegions.filter((r) => r !== stack.region);
    if (elsewhere?.length === 0) return;
    if (Token.isUnresolved(stack.account)) {
      validate.fail(prop, `needs a stack with a concrete account (env) when the stack set deploys outside ${stack.region}` +
        (elsewhere ? ` (${elsewhere.join(', ')})` : '') + ': there the member alarms notify the relay topics of ManagementAccountForwarders, ' +
        'which need the account of the RealTimeRootAlerts');
    }
    if (this.callAs === StackSetCallAs.DELEGATED_ADMIN) {
      this.node.addValidation({
        validate: () => {
          const accounts = [...new Set(this.managementForwarders.map((f) => f.account).filter((a) => !Token.isUnresolved(a)))];
          if (accounts.length === 1) return [];
          return [`RealTimeRootAlerts at ${this.node.path}: memberForwarderAlarms with callAs DELEGATED_ADMIN needs ` +
            (accounts.length === 0
              ? 'a ManagementAccountForwarder in a stack with a concrete account (env): the member alarms outside ' +
                `${stack.region} notify the relay topics of the management account, whose ID only the forwarders know`
              : `every ManagementAccountForwarder in one account, the management account (got ${accounts.join(', ')})`)];
        },
      });
    }
  }

  /**
   * The root-usage topic admits the member forwarders' alarms of this region: statements added to
   * its topic and key policies when this library created them (an AlarmTopic); for a topic or key
   * it cannot change, a synthesis warning says what to add.
   */
  private admitMemberAlarms(rootUsageAlarm: RootUsageAlarm): void {
    const topic = rootUsageAlarm.topic;
    const region = topic.env.region;
    const topicStatement = memberAlarmsPublishStatement(topic.topicArn, this.organizationId, region, MEMBER_ALARM_NAME_PREFIX);
    const keyStatement = memberAlarmsKeyStatement(this.organizationId, region, MEMBER_ALARM_NAME_PREFIX);
    const missing: string[] = [];
    if (!topic.addToResourcePolicy(topicStatement).statementAdded) missing.push('its topic policy');
    const key = isLibraryTopic(topic) ? rootUsageAlarm.encryptionKey : undefined;
    if (!key || !key.addToResourcePolicy(keyStatement, true).statementAdded) missing.push('the policy of its KMS key (if it is encrypted)');
    if (missing.length === 0) return;
    const resolve = (statement: { toStatementJson(): any }) => JSON.stringify(Stack.of(this).resolve(statement.toStatementJson()));
    Annotations.of(this).addWarningV2('cdk-root-usage-alarm:memberAlarmsTopicPolicy',
      `memberForwarderAlarms: the member accounts' forwarder alarms in ${Token.isUnresolved(region) ? 'this region' : region} notify ` +
      `the root-usage topic, whose policies this construct cannot change: add to ${missing.join(' and ')} the statements ` +
      `${missing.includes('its topic policy') ? resolve(topicStatement) + ' and ' : ''}${resolve(keyStatement)} ` +
      `(the alarms are ${MEMBER_ALARM_NAMES.failedDeliveries} and ${MEMBER_ALARM_NAMES.deadLetters}), or their notifications fail silently.`);
  }

  /**
   * The relay of the management account's forwarders in other regions: their alarms notify a
   * topic of their region, which delivers to this queue (SNS to SQS works across regions); an
   * alarm on the messages sent to it notifies the root-usage topic.
   */
  private createRelay(relayName: string): sqs.Queue {
    const stack = Stack.of(this);
    const queue = new sqs.Queue(this, 'ForwarderAlarmRelay', {
      queueName: relayName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason = 'The queue receives the ALARM notifications of the management account\'s forwarders in other regions (their ' +
      'topics deliver to it): the end of the chain, with an alarm on the messages sent to it. A dead-letter queue behind it would hold nothing.';
    acknowledgeNagRules(queue, [
      { id: 'AwsSolutions-SQS3', reason },
      { id: 'Serverless-SQSRedrivePolicy', reason },
    ]);
    queue.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowForwarderAlarmTopics',
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: {
        ArnEquals: {
          'aws:SourceArn': Lazy.list({
            produce: () => this.managementForwarders.map((f) =>
              `arn:${stack.partition}:sns:${f.region}:${Token.isUnresolved(f.account) ? stack.account : f.account}:${relayName}`),
          }),
        },
      },
    }));
    this.relayAlarm = failureAlarm(this, 'ForwarderAlarmRelayAlarm',
      (this.memberForwarderAlarms
        ? 'A forwarder in another region (of the management account, or of a member account: memberForwarderAlarms) reported a failure '
        : 'A forwarder of the management account in another region reported a failure ') +
      '(its rules could not deliver root-usage events ' +
      'to the central event bus, or events went to its dead-letter queue). Read the messages in the queue ' + relayName +
      ' (each names the alarm, its account and region), fix the cause, then delete them.',
      queue.metric('NumberOfMessagesSent', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }), this.topicAction);
    return queue;
  }

  /** The synthesis messages: which regions are watched in real time, and what the management account still lacks. */
  private reportCoverage(): void {
    const stack = Stack.of(this);
    const annotations = Annotations.of(this);
    const guide = 'docs/real-time-alerts.md, "The management account"';
    if (Token.isUnresolved(stack.region) || Token.isUnresolved(stack.account)) {
      annotations.addWarningV2('cdk-root-usage-alarm:realTimeEnvironmentAgnostic',
        'This stack is environment-agnostic, so the management account\'s real-time coverage cannot be set up or checked: ' +
        (this.callAs === StackSetCallAs.SELF
          ? 'only its region of deployment is covered (not us-east-1, where root sign-ins are recorded, unless it is deployed there). '
          : 'with callAs DELEGATED_ADMIN it is not covered at all. ') +
        'Give the stack an env (account and region) and add a ManagementAccountForwarder for each region of ' +
        `managementAccountRegions (${guide}).`);
      return;
    }
    const watched = this.watchedRegions;
    if (watched) {
      annotations.addInfo(`Watched in real time: the accounts of organizationalUnitIds in ${watched.join(', ')}; the management account ` +
        `in ${this.callAs === StackSetCallAs.SELF ? [stack.region, ...this.managementAccountRegions].join(', ') : this.managementAccountRegions.join(', ')} ` +
        'where it has a forwarder. Every other region is watched by the log path only (5 to 15 minutes later): list every region ' +
        'your organization governs in regions' + (watched.includes('us-east-1') ? '.' : ', and us-east-1, where root sign-ins are ' +
        'recorded (member accounts\' root sign-ins now reach the log path only).'));
    }
    const covered = new Set(this.managementForwarders.filter((f) => !Token.isUnresolved(f.region)).map((f) => f.region));
    const missing = this.managementAccountRegions.filter((region) => !covered.has(region));
    if (missing.length > 0) {
      annotations.addWarningV2('cdk-root-usage-alarm:realTimeManagementAccount',
        `The management account's root use in ${missing.join(', ')} is not forwarded in real time` +
        (missing.includes('us-east-1') ? ' (its root sign-ins are recorded in us-east-1)' : '') +
        ': add, in a stack of the management account in each of these regions, new ManagementAccountForwarder(stack, \'Forwarder\', ' +
        `{ realTimeRootAlerts }) (a loop over managementAccountRegions does it; ${guide}).` +
        (this.memberForwarderAlarms ? ' With memberForwarderAlarms, the member accounts\' forwarder alarms in these regions notify ' +
          'that forwarder\'s relay topic: until it exists, their notifications fail.' : ''));
    }
  }

  /** The given regions, or us-east-1 and this stack's region (once, also when it is a token). */
  private stackSetRegions(regions: string[] | undefined): string[] {
    if (regions) return regions;
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region)) {
      return region === 'us-east-1' ? ['us-east-1'] : ['us-east-1', region];
    }
    const inUsEast1 = new CfnCondition(this, 'InUsEast1', { expression: Fn.conditionEquals(Aws.REGION, 'us-east-1') });
    return Token.asList(Fn.conditionIf(inUsEast1.logicalId, ['us-east-1'], ['us-east-1', Aws.REGION]));
  }
}
