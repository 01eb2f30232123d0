import { Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';
import { memberAlarmsKeyStatement, memberAlarmsPublishStatement } from './private/cloudwatch-access';
import { acknowledgeNagRules } from './private/nag';
import { failedDeliveries } from './private/real-time/failed-deliveries';
import { MEMBER_ALARM_NAME_PREFIX } from './private/real-time/member-stack';
import { PropValidator } from './private/validation';
import type { RealTimeRootAlerts } from './real-time-root-alerts';
import { RootEventForwarder } from './root-event-forwarder';

/**
 * Properties of a {@link ManagementAccountForwarder}.
 */
export interface ManagementAccountForwarderProps {
  /**
   * The real-time path whose central event bus receives the events. Its stack must have a
   * concrete account and region (`env`): the forwarder computes the bus ARN from them, so nothing
   * is typed by hand and no cross-stack reference is made.
   */
  readonly realTimeRootAlerts: RealTimeRootAlerts;
}

/**
 * The real-time path for the organization's management account in one region, which a
 * service-managed stack set never reaches: deploy one in a stack of the management account in
 * each region of `RealTimeRootAlerts.managementAccountRegions` (us-east-1, where root sign-ins
 * are recorded, and every other region the real-time path watches). `RealTimeRootAlerts` warns at
 * synthesis until every such region has one.
 *
 * Created: a {@link RootEventForwarder} targeting the central bus; two alarms (failed
 * deliveries of its rules, events in its dead-letter queue) that notify a topic of their own in
 * this region (an `AlarmTopic`: CloudWatch alarms notify topics of their own region only), which
 * relays each ALARM to a queue in the central bus's region (SNS delivers to SQS across regions),
 * where an alarm of the `RealTimeRootAlerts` notifies the root-usage topic. The relay does not go
 * through EventBridge, so it also reports a failure of the central bus or its policy. With
 * `memberForwarderAlarms`, the topic also admits the member accounts' forwarder alarms of this
 * region (CloudWatch alarms of the organization named `root-usage-forwarder-*`).
 */
export class ManagementAccountForwarder extends Construct {
  /** The forwarding rules of this account and region. */
  public readonly forwarder: RootEventForwarder;

  /** The alarm on failed deliveries of the forwarding rules to the central bus. */
  public readonly forwarderAlarm: cloudwatch.Alarm;

  /** The alarm on events arriving in the forwarding rules' dead-letter queue. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  /** The topic in this region that relays the two alarms to the central bus's region. */
  public readonly relayTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: ManagementAccountForwarderProps) {
    super(scope, id);
    const validate = new PropValidator(`ManagementAccountForwarder at ${this.node.path}`);
    const realTime = props.realTimeRootAlerts;
    const central = Stack.of(realTime);
    const stack = Stack.of(this);
    if (Token.isUnresolved(central.account) || Token.isUnresolved(central.region)) {
      validate.fail('realTimeRootAlerts', 'must be in a stack with a concrete account and region (env): the central bus ARN is computed from them');
    }
    if (Token.isUnresolved(stack.region)) {
      validate.fail('realTimeRootAlerts', 'needs a stack with a concrete region (env) for this forwarder: the region decides what it covers');
    }
    const names = realTime._registerManagementAccountForwarder(this, stack.account, stack.region);

    this.forwarder = new RootEventForwarder(this, 'Forwarder', {
      eventBusArn: `arn:${stack.partition}:events:${central.region}:${central.account}:event-bus/${names.eventBusName}`,
      allRootApiCalls: names.allRootApiCalls,
    });
    // The central event bus and the relay queue exist first (a construct dependency between stacks
    // is a stack dependency; Stack.addDependency is deprecated in newer aws-cdk-lib, and its
    // replacement addStackDependency is not in 2.93).
    if (central !== stack) this.node.addDependency(central);

    const relay = new AlarmTopic(this, 'RelayTopic', { topicName: names.relayName });
    this.relayTopic = relay.topic;
    if (names.memberForwarderAlarms) {
      // The member accounts' forwarder alarms of this region (memberForwarderAlarms) notify this topic too.
      const [org, prefix] = [names.organizationId, MEMBER_ALARM_NAME_PREFIX];
      relay.topic.addToResourcePolicy(memberAlarmsPublishStatement(relay.topic.topicArn, org, stack.region, prefix));
      relay.encryptionKey.addToResourcePolicy(memberAlarmsKeyStatement(org, stack.region, prefix), true);
    }
    const relaySubscription = new sns.Subscription(this, 'RelayToCentralRegion', {
      topic: relay.topic,
      protocol: sns.SubscriptionProtocol.SQS,
      // Fn::Sub rather than the Fn::Join of a template string (cfn-lint W3694); the names are concrete.
      endpoint: Fn.sub(`arn:\${AWS::Partition}:sqs:${central.region}:${central.account}:${names.relayName}`),
      rawMessageDelivery: true,
    });
    acknowledgeNagRules(relaySubscription, [{
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'The subscription relays this region\'s two alarms to the central queue. SNS retries an SQS endpoint for days; what ' +
        'it cannot deliver (the queue or its policy gone) would reach a dead-letter queue here whose own alarm could only notify ' +
        'this same topic, so nobody would be told. The alarms stay in ALARM in this region, and the topic\'s NumberOfNotificationsFailed shows it.',
    }]);

    const action = new actions.SnsAction(relay.topic);
    const period = Duration.minutes(5);
    this.forwarderAlarm = new cloudwatch.Alarm(this, 'ForwarderAlarm', {
      alarmDescription: 'The forwarding rules of the management account in this region could not deliver root-usage events to the central ' +
        'event bus (FailedInvocations or InvocationsFailedToBeSentToDlq). Relayed to the root-usage topic by the central region.',
      metric: failedDeliveries([this.forwarder.rootActivityRule, this.forwarder.assumeRootRule].map((rule) => ({ RuleName: rule.ref })), period),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    this.forwarderAlarm.addAlarmAction(action);
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Root-usage events of the management account in this region went to the dead-letter queue of its forwarding rules: ' +
        'they did not reach the central event bus. Read the messages in the queue, fix the cause, then delete them.',
      metric: this.forwarder.deadLetterQueue.metric('NumberOfMessagesSent', { statistic: cloudwatch.Stats.SUM, period }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    this.deadLetterAlarm.addAlarmAction(action);
  }
}
