/**
 * Upgrade safety: the logical IDs and resource types of every variant's template, written out.
 *
 * CloudFormation identifies a resource by its logical ID. A release that renames one (a new
 * construct id, a construct moved in the tree, another resource type) makes the next deployment
 * create a new resource and delete the old one: a new alarm that starts without history, a new
 * topic whose email subscribers must confirm again (until then nobody is told), a new KMS key.
 * So these lists change only on purpose, in a release that says so: this is no jest snapshot,
 * to be updated without reading.
 *
 * `RootUsage` (`Cis` for the CIS set) is the construct id the user chose; the rest of each ID comes from the construct.
 * Resources marked "user" are the test stack's own, in the user's role.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { VARIANTS } from './variants';

const CREATED_TOPIC = {
  RootUsageTopicF4157BDB: 'AWS::SNS::Topic',
  RootUsageTopicPolicyC095EA3A: 'AWS::SNS::TopicPolicy',
  RootUsageTopicsecurityexamplecomB37C3BE1: 'AWS::SNS::Subscription',
};

const FILTER_AND_ALARM = {
  RootUsageMetricFilterB7850997: 'AWS::Logs::MetricFilter',
  RootUsageAlarm268E92F1: 'AWS::CloudWatch::Alarm',
  // The log group's watch, added by the release of the delivery watchdog and the tamper alarm
  // (README "Upgrading"): new resources beside the unchanged ones above.
  RootUsageWatchDeliveryWatchdog0D4F6B47: 'AWS::CloudWatch::Alarm',
  RootUsageWatchTamperFilter4DC0D882: 'AWS::Logs::MetricFilter',
  RootUsageWatchTamperAlarm7F81BEE0: 'AWS::CloudWatch::Alarm',
};

const EXPECTED: Record<string, Record<string, string>> = {
  'default': {
    ...FILTER_AND_ALARM,
    ...CREATED_TOPIC,
    RootUsageTopicKey54C8C3E8: 'AWS::KMS::Key',
  },
  'existing-topic': {
    ...FILTER_AND_ALARM,
    UserTopicKey78B6087C: 'AWS::KMS::Key', // user
    UserTopic362C1C12: 'AWS::SNS::Topic', // user
    UserTopicPolicy7E6D163E: 'AWS::SNS::TopicPolicy', // user's topic; the construct adds a statement
    UserTopicsecurityexamplecom99A049AD: 'AWS::SNS::Subscription', // created by the construct, under the user's topic
  },
  'given-key': {
    ...FILTER_AND_ALARM,
    ...CREATED_TOPIC,
    UserKeyB4A90FBE: 'AWS::KMS::Key', // user
  },
  'log-group-name': {
    ...FILTER_AND_ALARM,
    ...CREATED_TOPIC,
    RootUsageTopicKey54C8C3E8: 'AWS::KMS::Key',
  },
  'log-group': {
    ...FILTER_AND_ALARM,
    ...CREATED_TOPIC,
    RootUsageTopicKey54C8C3E8: 'AWS::KMS::Key',
    TrailLogGroup7A1F916A: 'AWS::Logs::LogGroup', // user
    // A log group name known only at deployment: the tamper watch needs a second filter for the topic.
    RootUsageWatchTamperFilterTopic101B246F1: 'AWS::Logs::MetricFilter',
  },
  'cis': {
    // One topic for all alarms, then per control (Security Hub order) its filter and alarm.
    CisTopicKey3B5774B6: 'AWS::KMS::Key',
    CisTopic2DF66E01: 'AWS::SNS::Topic',
    CisTopicPolicy11748730: 'AWS::SNS::TopicPolicy',
    CisTopicsecurityexamplecom7670DA0E: 'AWS::SNS::Subscription',
    CisRootUsageMetricFilter3744EE34: 'AWS::Logs::MetricFilter',
    CisRootUsageAlarmD6C164E6: 'AWS::CloudWatch::Alarm',
    CisUnauthorizedAPICallsMetricFilterCCDFAEEA: 'AWS::Logs::MetricFilter',
    CisUnauthorizedAPICallsAlarmFE8CE1CD: 'AWS::CloudWatch::Alarm',
    CisConsoleSigninWithoutMFAMetricFilterFEAD5321: 'AWS::Logs::MetricFilter',
    CisConsoleSigninWithoutMFAAlarm07510DC1: 'AWS::CloudWatch::Alarm',
    CisIAMPolicyChangesMetricFilter48E703A1: 'AWS::Logs::MetricFilter',
    CisIAMPolicyChangesAlarm47EDE5F5: 'AWS::CloudWatch::Alarm',
    CisCloudTrailChangesMetricFilterEA793279: 'AWS::Logs::MetricFilter',
    CisCloudTrailChangesAlarm64D889A1: 'AWS::CloudWatch::Alarm',
    CisConsoleAuthenticationFailureMetricFilterDE77BAD4: 'AWS::Logs::MetricFilter',
    CisConsoleAuthenticationFailureAlarm3D7D3009: 'AWS::CloudWatch::Alarm',
    CisDisableOrDeleteCMKMetricFilter7EAD397F: 'AWS::Logs::MetricFilter',
    CisDisableOrDeleteCMKAlarm08DB6D81: 'AWS::CloudWatch::Alarm',
    CisS3BucketPolicyChangesMetricFilter4F77B6C4: 'AWS::Logs::MetricFilter',
    CisS3BucketPolicyChangesAlarmFB9A7840: 'AWS::CloudWatch::Alarm',
    CisAWSConfigChangesMetricFilterBF9921C2: 'AWS::Logs::MetricFilter',
    CisAWSConfigChangesAlarm779E95A3: 'AWS::CloudWatch::Alarm',
    CisSecurityGroupChangesMetricFilterFAB6B66F: 'AWS::Logs::MetricFilter',
    CisSecurityGroupChangesAlarmDB29E732: 'AWS::CloudWatch::Alarm',
    CisNetworkACLChangesMetricFilter6FD8218E: 'AWS::Logs::MetricFilter',
    CisNetworkACLChangesAlarmEB7A781D: 'AWS::CloudWatch::Alarm',
    CisNetworkGatewayChangesMetricFilterB66A1B5C: 'AWS::Logs::MetricFilter',
    CisNetworkGatewayChangesAlarm084264AF: 'AWS::CloudWatch::Alarm',
    CisRouteTableChangesMetricFilter96C5141E: 'AWS::Logs::MetricFilter',
    CisRouteTableChangesAlarm8C7F10BE: 'AWS::CloudWatch::Alarm',
    CisVPCChangesMetricFilterE140D1C1: 'AWS::Logs::MetricFilter',
    CisVPCChangesAlarm90CB1B50: 'AWS::CloudWatch::Alarm',
    // One watch for the fourteen alarms (new in the release of the watchdog and tamper alarm).
    CisWatchDeliveryWatchdogF2A72962: 'AWS::CloudWatch::Alarm',
    CisWatchTamperFilter442AC9A7: 'AWS::Logs::MetricFilter',
    CisWatchTamperAlarm1A7B4138: 'AWS::CloudWatch::Alarm',
  },
  'event-notifications': {
    ...FILTER_AND_ALARM,
    ...CREATED_TOPIC,
    RootUsageTopicKey54C8C3E8: 'AWS::KMS::Key',
    RootUsageEventNotifierServiceRole51F6D0D3: 'AWS::IAM::Role',
    RootUsageEventNotifierFunction9845F2EF: 'AWS::Lambda::Function',
    RootUsageEventNotifierKeyBC66D14D: 'AWS::KMS::Key',
    RootUsageEventNotifierFunctionLogGroup757C369E: 'AWS::Logs::LogGroup',
    RootUsageEventNotifierFailureQueue87349CF7: 'AWS::SQS::Queue',
    RootUsageEventNotifierFailureQueuePolicyE528CCD0: 'AWS::SQS::QueuePolicy',
    RootUsageEventNotifierExecutionPolicyA21B9063: 'AWS::IAM::ManagedPolicy',
    RootUsageEventNotifierInvokeConfigF87B9871: 'AWS::Lambda::EventInvokeConfig',
    RootUsageEventNotifierInvokedByTrailLogGroupBC7AF26B: 'AWS::Lambda::Permission',
    RootUsageEventNotifierSubscriptionFilterF2CB72B0: 'AWS::Logs::SubscriptionFilter',
    RootUsageEventNotifierErrorsAlarm7A19AADE: 'AWS::CloudWatch::Alarm',
    RootUsageEventNotifierFailureQueueAlarm2E4207D4: 'AWS::CloudWatch::Alarm',
    RootUsageEventNotifierSessionTable2E7D6E80: 'AWS::DynamoDB::Table',
    RootUsageEventNotifierFailureArrivalsAlarm9647F51E: 'AWS::CloudWatch::Alarm',
    RootUsageEventNotifierDestinationDeliveryFailuresAlarm448E8297: 'AWS::CloudWatch::Alarm',
    RootUsageEventNotifierThrottlesAlarmA1DE7142: 'AWS::CloudWatch::Alarm',
    RootUsageEventNotifierSubscriptionDeliveryErrorsAlarm60C8215A: 'AWS::CloudWatch::Alarm',
  },
  'real-time-member': {
    // In every member account and region, through the stack set: a stack of its own, whose
    // logical IDs stack set updates must keep as well.
    ForwarderRoleDD76EF76: 'AWS::IAM::Role',
    ForwarderPutEventsPolicy942C0A49: 'AWS::IAM::ManagedPolicy',
    ForwarderDeadLetterQueue10393842: 'AWS::SQS::Queue',
    ForwarderDeadLetterQueuePolicy0E4D4AB9: 'AWS::SQS::QueuePolicy',
    ForwarderRootActivityRuleD4AF6399: 'AWS::Events::Rule',
    ForwarderAssumeRootRuleA5E59E35: 'AWS::Events::Rule',
  },
};

// The quick start looked up on a 4.0 landing zone: the same resources as without the lookup.
EXPECTED['control-tower-4'] = EXPECTED.default;

// The real-time variant: the event-notifications variant's resources, unchanged (whatever that
// list holds), and the real-time path's (`RealTime` is the construct id the user chose).
EXPECTED['real-time'] = {
  ...EXPECTED['event-notifications'],
  RealTimeEventBusCBA95ABD: 'AWS::Events::EventBus',
  RealTimeEventBusPolicy29B8DA9B: 'AWS::Events::EventBusPolicy',
  RealTimeDeadLetterQueue94CF37BA: 'AWS::SQS::Queue',
  RealTimeDeadLetterQueuePolicy4B0A5AB2: 'AWS::SQS::QueuePolicy',
  RealTimeCentralRuleA684F542: 'AWS::Events::Rule',
  RealTimeInvokedByCentralRule963A8115: 'AWS::Lambda::Permission',
  RealTimeLocalForwarderRole93C29DB8: 'AWS::IAM::Role',
  RealTimeLocalForwarderPutEventsPolicy749E2CD4: 'AWS::IAM::ManagedPolicy',
  RealTimeLocalForwarderDeadLetterQueue6105EE08: 'AWS::SQS::Queue',
  RealTimeLocalForwarderDeadLetterQueuePolicyC0C52DEA: 'AWS::SQS::QueuePolicy',
  RealTimeLocalForwarderRootActivityRule06D8BF81: 'AWS::Events::Rule',
  RealTimeLocalForwarderAssumeRootRule28FCE1C6: 'AWS::Events::Rule',
  RealTimeStackSet882EF3F2: 'AWS::CloudFormation::StackSet',
  RealTimeCentralRuleAlarm32FD9976: 'AWS::CloudWatch::Alarm',
  RealTimeDeadLetterAlarm83C057A8: 'AWS::CloudWatch::Alarm',
  RealTimeLocalForwarderAlarm0EE36941: 'AWS::CloudWatch::Alarm',
  RealTimeLocalDeadLetterAlarm27691B57: 'AWS::CloudWatch::Alarm',
};

// The management account's forwarder stack in us-east-1 (`Forwarder` is the construct id the
// user chose, as docs/real-time-alerts.md writes it): its forwarding rules, their role and
// dead-letter queue, the two alarms and the topic that relays them to the central region.
EXPECTED['management-account-forwarder'] = {
  ForwarderRoleA162509E: 'AWS::IAM::Role',
  ForwarderPutEventsPolicy20C14D4F: 'AWS::IAM::ManagedPolicy',
  ForwarderDeadLetterQueue6B9E0007: 'AWS::SQS::Queue',
  ForwarderDeadLetterQueuePolicy8E7BD749: 'AWS::SQS::QueuePolicy',
  ForwarderRootActivityRule23E3BBFA: 'AWS::Events::Rule',
  ForwarderAssumeRootRuleF73FD8ED: 'AWS::Events::Rule',
  ForwarderRelayTopicKey8F39C25B: 'AWS::KMS::Key',
  ForwarderRelayTopic6873A091: 'AWS::SNS::Topic',
  ForwarderRelayTopicPolicyEF90CD01: 'AWS::SNS::TopicPolicy',
  ForwarderRelayToCentralRegionBF8C4B12: 'AWS::SNS::Subscription',
  ForwarderForwarderAlarmEA97E05C: 'AWS::CloudWatch::Alarm',
  ForwarderDeadLetterAlarm44A98487: 'AWS::CloudWatch::Alarm',
};

// The central stack of the same setup, in an explicit environment: the real-time variant's
// resources, and the relay of the forwarders' alarms, created once a forwarder registers.
EXPECTED['management-account-central'] = {
  ...EXPECTED['real-time'],
  RealTimeForwarderAlarmRelayE3FED86F: 'AWS::SQS::Queue',
  RealTimeForwarderAlarmRelayPolicy65FA0F43: 'AWS::SQS::QueuePolicy',
  RealTimeForwarderAlarmRelayAlarm22861F6F: 'AWS::CloudWatch::Alarm',
};

// Declared expected root use and a high-priority topic: the event-notifications variant's
// resources, unchanged, and the user's AlarmTopic for the pager (`Pager` is the id the user chose).
EXPECTED['expected-root-use'] = {
  ...EXPECTED['event-notifications'],
  PagerKey0C26D873: 'AWS::KMS::Key',
  PagerEB19BD77: 'AWS::SNS::Topic',
  PagerPolicyB15041A9: 'AWS::SNS::TopicPolicy',
  Pageroncallexamplecom30B231B1: 'AWS::SNS::Subscription',
};

// The dashboard variant: the event-notifications variant's resources, unchanged, and the dashboard
// (`Dashboard` is the construct id the user chose).
EXPECTED.dashboard = {
  ...EXPECTED['event-notifications'],
  Dashboard7A06DACF: 'AWS::CloudWatch::Dashboard',
};

// Security Hub findings with the dashboard: the dashboard variant's resources, unchanged, and the
// alarm on failed imports.
EXPECTED['security-hub-findings'] = {
  ...EXPECTED.dashboard,
  RootUsageEventNotifierSecurityHubImportFailuresAlarm2952B0E9: 'AWS::CloudWatch::Alarm',
};

// memberForwarderAlarms: the management account's setup (central stack and us-east-1 forwarder
// stack) with the same resources as without it (only policies and stack set parameters change),
// and the member template with the forwarder's two alarms added.
EXPECTED['real-time-member-alarms'] = EXPECTED['management-account-central'];
EXPECTED['real-time-member-alarms-forwarder'] = EXPECTED['management-account-forwarder'];
EXPECTED['real-time-member-alarms-member'] = {
  ...EXPECTED['real-time-member'],
  ForwarderAlarm20101116: 'AWS::CloudWatch::Alarm',
  DeadLetterAlarmBB7AE56D: 'AWS::CloudWatch::Alarm',
};

test('every variant has its list', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(VARIANTS.map((variant) => variant.name).sort());
});

test.each(VARIANTS)('logical IDs and types unchanged, variant $name', (variant) => {
  // GIVEN
  const template = Template.fromStack(variant.build(new App()).stack).toJSON();

  // WHEN
  const actual = Object.fromEntries(
    Object.entries<{ Type: string }>(template.Resources).map(([logicalId, resource]) => [logicalId, resource.Type]),
  );

  // THEN
  expect(actual).toEqual(EXPECTED[variant.name]);
});
