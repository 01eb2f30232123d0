import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { allowRulesToSend, ruleDeadLetterQueue, TARGET_RETRY_POLICY } from './private/real-time/dead-letter-queue';
import {
  ASSUME_ROOT_PATTERN,
  ROOT_ACTIVITY_PATTERN,
  RULE_STATE_ALL_MANAGEMENT_EVENTS,
  RULE_STATE_ENABLED,
} from './private/real-time/event-patterns';
import { RealTimeValidator } from './private/real-time/validation';

/**
 * Properties of a {@link RootEventForwarder}.
 */
export interface RootEventForwarderProps {
  /**
   * The ARN of the event bus that receives the root events: the central bus of a
   * {@link RealTimeRootAlerts} (`eventBusArn`), in this or another account and region.
   */
  readonly eventBusArn: string;

  /**
   * Forward every root API call, read-only ones (`Describe*`, `Get*`, `List*`) included. The
   * root-activity rule then has the state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`;
   * otherwise it is `ENABLED`, which EventBridge documents as matching every event except
   * read-only management events.
   *
   * @default false - root sign-ins, password recovery, AssumeRoot and every root call that changes something
   */
  readonly allRootApiCalls?: boolean;
}

/**
 * Forwards the root-usage events of one account and region, within seconds of CloudTrail
 * recording them, to a central event bus: the rules that {@link RealTimeRootAlerts} rolls out
 * to every member account, usable on its own for the regions of the management account that the
 * `RealTimeRootAlerts` stack does not cover (deploy it in a stack there).
 *
 * Created, on the default event bus: a rule for root activity (the CIS root-usage conditions:
 * `userIdentity.type` `Root`, no `invokedBy`, `eventType` not `AwsServiceEvent`: root sign-ins
 * and failures, password recovery, root API calls, the actions of a centralized-root-access
 * session) and a rule for `sts:AssumeRoot` calls (state
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, as the call may be recorded as read-only);
 * their target is the central bus, through a role that may only `events:PutEvents` on that bus;
 * an SQS dead-letter queue (SQS-managed encryption, TLS only) receives what could not be
 * delivered after 24 hours of retries.
 */
export class RootEventForwarder extends Construct {
  /** The rule that matches root activity. */
  public readonly rootActivityRule: events.CfnRule;

  /** The rule that matches `sts:AssumeRoot` calls. */
  public readonly assumeRootRule: events.CfnRule;

  /** The role EventBridge uses to put the events on the central bus. */
  public readonly role: iam.IRole;

  /** The queue that receives the events that could not be delivered to the central bus. */
  public readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: RootEventForwarderProps) {
    super(scope, id);
    const validate = new RealTimeValidator(`RootEventForwarder at ${this.node.path}`);
    validate.eventBusArn('eventBusArn', props.eventBusArn);
    const stack = Stack.of(this);

    // EventBridge may assume the role only for rules of this account (confused deputy).
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.PrincipalWithConditions(new iam.ServicePrincipal('events.amazonaws.com'), {
        StringEquals: { 'aws:SourceAccount': stack.account },
      }),
      description: 'Root-usage events: EventBridge puts them on the central event bus, and nothing else',
    });
    this.role = role;
    const policy = new iam.ManagedPolicy(this, 'PutEventsPolicy', {
      description: 'Put events on the central root-usage event bus only',
      roles: [role],
      statements: [new iam.PolicyStatement({
        sid: 'PutEventsOnCentralBus',
        actions: ['events:PutEvents'],
        resources: [props.eventBusArn],
      })],
    });

    // What could not be delivered after the retries (or at once, when permission is denied).
    const deadLetterQueue = ruleDeadLetterQueue(this);
    this.deadLetterQueue = deadLetterQueue;

    const target = (): events.CfnRule.TargetProperty => ({
      id: 'CentralEventBus',
      arn: props.eventBusArn,
      roleArn: role.roleArn,
      deadLetterConfig: { arn: deadLetterQueue.queueArn },
      retryPolicy: TARGET_RETRY_POLICY,
    });
    this.rootActivityRule = new events.CfnRule(this, 'RootActivityRule', {
      description: 'Root-usage events (sign-ins, password recovery, root API calls) to the central event bus',
      eventPattern: ROOT_ACTIVITY_PATTERN,
      state: props.allRootApiCalls ? RULE_STATE_ALL_MANAGEMENT_EVENTS : RULE_STATE_ENABLED,
      targets: [target()],
    });
    this.assumeRootRule = new events.CfnRule(this, 'AssumeRootRule', {
      description: 'sts:AssumeRoot calls (centralized root access) to the central event bus',
      eventPattern: ASSUME_ROOT_PATTERN,
      state: RULE_STATE_ALL_MANAGEMENT_EVENTS,
      targets: [target()],
    });
    for (const rule of [this.rootActivityRule, this.assumeRootRule]) {
      rule.node.addDependency(policy);
    }

    // Only these two rules may send to the dead-letter queue.
    allowRulesToSend(deadLetterQueue, 'AllowForwardingRules', [this.rootActivityRule.attrArn, this.assumeRootRule.attrArn]);
  }
}
