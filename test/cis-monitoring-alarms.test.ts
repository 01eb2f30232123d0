import { App, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CisControl, CisMonitoringAlarms, CisMonitoringAlarmsProps, LogPatternAlarm, RootUsageAlarm } from '../src';

const EMAIL = 'security@example.com';

/** Matches every warning but the one of an environment-agnostic stack that cannot look up the Control Tower log group. */
const NOT_LOOKUP_WARNING = Match.not(Match.stringLikeRegexp('controlTowerLogGroupNotLookedUp'));

/** The metric of the tamper alarm, which every set has beside its control alarms. */
const TAMPER_METRIC = 'RootWatchTampering';

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

/**
 * An alarm description as deployed: a string, or the `Fn::Join` of the root-usage alarm's Logs
 * Insights link, with the region filled in (the longest one, so a length check is the worst case).
 */
function deployedText(description: any): string {
  if (typeof description === 'string') return description;
  const [separator, parts] = description['Fn::Join'];
  return parts.map((part: any) => typeof part === 'string' ? part
    : part.Ref === 'AWS::Region' ? 'ap-southeast-5'
      : JSON.stringify(part)).join(separator);
}

/** The metric filters of a template's controls (not the tamper alarm's), by metric name. */
function filtersByMetric(template: Template): Record<string, any> {
  return Object.fromEntries(Object.values<any>(template.findResources('AWS::Logs::MetricFilter'))
    .map((r) => [r.Properties.MetricTransformations[0].MetricName, r.Properties])
    .filter(([metric]) => metric !== TAMPER_METRIC));
}

describe('CisMonitoringAlarms, the full set', () => {
  // GIVEN
  const stack = newStack();

  // WHEN
  const cis = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL] });
  const template = Template.fromStack(stack);

  // THEN
  test('fourteen metric filters and alarms, one watchdog and one tamper alarm, one topic, one key, one subscription', () => {
    template.resourceCountIs('AWS::Logs::MetricFilter', 14 + 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 14 + 2);
    expect(cis.deliveryWatchdog).toBeDefined();
    expect(cis.tamperAlarm).toBeDefined();
    expect(cis.trailName).toBe('aws-controltower-BaselineCloudTrail');
    for (const alarm of cis.alarms) {
      expect(alarm.deliveryWatchdog).toBe(cis.deliveryWatchdog);
      expect(alarm.tamperAlarm).toBe(cis.tamperAlarm);
      expect(alarm.trailName).toBe(cis.trailName);
    }
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 1);
  });

  test('every control, in Security Hub order, exposed by control', () => {
    expect(cis.controls).toEqual(CisMonitoringAlarms.ALL_CONTROLS);
    expect(cis.controls.map((c) => CisMonitoringAlarms.securityHubIdOf(c)))
      .toEqual(Array.from({ length: 14 }, (_, i) => `CloudWatch.${i + 1}`));
    expect(cis.alarms).toHaveLength(14);
    cis.controls.forEach((control, i) => expect(cis.alarmFor(control)).toBe(cis.alarms[i]));
    expect(cis.rootUsage).toBeInstanceOf(RootUsageAlarm);
    expect(cis.alarmFor(CisControl.CLOUDWATCH_1)).toBe(cis.rootUsage);
    expect(cis.encryptionKey).toBeDefined();
    for (const alarm of cis.alarms) {
      expect(alarm.topic).toBe(cis.topic);
      expect(alarm.logGroup).toBe(cis.logGroup);
    }
  });

  test('each filter has the exact published pattern and metric name, value 1, no dimensions', () => {
    const filters = filtersByMetric(template);
    expect(Object.keys(filters)).toHaveLength(14);
    for (const control of CisMonitoringAlarms.ALL_CONTROLS) {
      const filter = filters[CisMonitoringAlarms.metricNameOf(control)];
      expect(filter.FilterPattern).toBe(CisMonitoringAlarms.filterPatternOf(control));
      expect(filter.LogGroupName).toBe('aws-controltower/CloudTrailLogs');
      expect(filter.MetricTransformations).toEqual([{
        MetricNamespace: 'CloudTrailMetrics',
        MetricName: CisMonitoringAlarms.metricNameOf(control),
        MetricValue: '1',
      }]);
    }
  });

  test('CloudWatch.1 reuses RootUsageAlarm.FILTER_PATTERN and its metric name', () => {
    expect(CisMonitoringAlarms.filterPatternOf(CisControl.CLOUDWATCH_1)).toBe(RootUsageAlarm.FILTER_PATTERN);
    expect(CisMonitoringAlarms.metricNameOf(CisControl.CLOUDWATCH_1)).toBe('RootAccountUsage');
  });

  test('the metric names follow the alarm names of the Security Hub remediation text', () => {
    expect(CisMonitoringAlarms.ALL_CONTROLS.map((c) => CisMonitoringAlarms.metricNameOf(c))).toEqual([
      'RootAccountUsage', 'UnauthorizedAPICalls', 'ConsoleSigninWithoutMFA', 'IAMPolicyChanges', 'CloudTrailChanges',
      'ConsoleAuthenticationFailure', 'DisableOrDeleteCMK', 'S3BucketPolicyChanges', 'AWSConfigChanges',
      'SecurityGroupChanges', 'NetworkACLChanges', 'NetworkGatewayChanges', 'RouteTableChanges', 'VPCChanges',
    ]);
  });

  test('every alarm: Sum >= 1 over the window, notifies the shared topic on ALARM and OK, names its control', () => {
    const topicRef = { Ref: stack.getLogicalId(cis.topic.node.defaultChild as sns.CfnTopic) };
    const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))
      .filter((a) => a.Properties.Namespace === 'CloudTrailMetrics' && a.Properties.MetricName !== TAMPER_METRIC);
    expect(alarms).toHaveLength(14);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        Period: 60,
        EvaluationPeriods: 10,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [topicRef],
        OKActions: [topicRef],
      });
      expect(alarm.Properties.AlarmName).toBeUndefined();
      expect(alarm.Properties.Dimensions).toBeUndefined();
      expect(deployedText(alarm.Properties.AlarmDescription).length).toBeLessThanOrEqual(1024);
    }
    for (const control of CisMonitoringAlarms.ALL_CONTROLS) {
      const id = CisMonitoringAlarms.securityHubIdOf(control);
      const described = alarms.filter((a) => a.Properties.MetricName === CisMonitoringAlarms.metricNameOf(control));
      expect(described).toHaveLength(1);
      expect(deployedText(described[0].Properties.AlarmDescription)).toContain(`Security Hub ${id}`);
    }
  });

  test('no warning: the shared topic is the construct\'s own', () => {
    Annotations.fromStack(stack).hasNoWarning('*', NOT_LOOKUP_WARNING);
  });

  test('the patterns are literal strings in the template (no tokens)', () => {
    for (const filter of Object.values(filtersByMetric(template))) {
      expect(typeof filter.FilterPattern).toBe('string');
    }
  });
});

describe('selection', () => {
  test('controls: only those, in Security Hub order whatever the given order', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const cis = new CisMonitoringAlarms(stack, 'Cis', {
      emailAddresses: [EMAIL],
      controls: [CisControl.CLOUDWATCH_7, CisControl.CLOUDWATCH_1, CisControl.CLOUDWATCH_5],
    });

    // THEN
    expect(cis.controls).toEqual([CisControl.CLOUDWATCH_1, CisControl.CLOUDWATCH_5, CisControl.CLOUDWATCH_7]);
    expect(Object.keys(filtersByMetric(Template.fromStack(stack))).sort())
      .toEqual(['CloudTrailChanges', 'DisableOrDeleteCMK', 'RootAccountUsage']);
  });

  test('excludeControls: the others; no CloudWatch.1 means no rootUsage', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const cis = new CisMonitoringAlarms(stack, 'Cis', {
      emailAddresses: [EMAIL],
      excludeControls: [CisControl.CLOUDWATCH_2, CisControl.CLOUDWATCH_1],
    });

    // THEN
    expect(cis.controls).toEqual(CisMonitoringAlarms.ALL_CONTROLS.slice(2));
    expect(cis.rootUsage).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 12 + 2);
    expect(filtersByMetric(Template.fromStack(stack))).not.toHaveProperty('UnauthorizedAPICalls');
  });

  test('alarmFor a control that is not selected names it and the selection', () => {
    const cis = new CisMonitoringAlarms(newStack(), 'Cis', { emailAddresses: [EMAIL], controls: [CisControl.CLOUDWATCH_3] });
    expect(() => cis.alarmFor(CisControl.CLOUDWATCH_2))
      .toThrow('CisMonitoringAlarms at Stack/Cis: alarmFor(CisControl.CLOUDWATCH_2) names a control that is not selected (selected: CisControl.CLOUDWATCH_3)');
  });
});

describe('shared options', () => {
  test('reach every alarm: log group name, namespace, period, window, no OK notification', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new CisMonitoringAlarms(stack, 'Cis', {
      emailAddresses: [EMAIL],
      logGroupName: 'org/CloudTrailLogs-suffix',
      metricNamespace: 'CIS',
      period: Duration.minutes(5),
      evaluationWindow: Duration.minutes(15),
      notifyOnRecovery: false,
    });

    // THEN
    const template = Template.fromStack(stack);
    for (const filter of Object.values<any>(template.findResources('AWS::Logs::MetricFilter'))) {
      expect(filter.Properties.LogGroupName).toBe('org/CloudTrailLogs-suffix');
      expect(filter.Properties.MetricTransformations[0].MetricNamespace).toBe('CIS');
    }
    // The control alarms (the watchdog watches AWS/Logs, and both it and the tamper alarm keep their OK notifications).
    const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))
      .filter((a) => a.Properties.MetricName !== TAMPER_METRIC && a.Properties.Namespace !== 'AWS/Logs');
    expect(alarms).toHaveLength(14);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ Namespace: 'CIS', Period: 300, EvaluationPeriods: 3 });
      expect(alarm.Properties.OKActions).toBeUndefined();
    }
  });

  test('a log group object', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'Trail');
    const cis = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL], logGroup });
    expect(cis.logGroup).toBe(logGroup);
    for (const filter of Object.values<any>(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter'))) {
      expect(filter.Properties.LogGroupName).toEqual({ Ref: stack.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup) });
    }
  });

  test('an existing topic: all alarms notify it, the addresses subscribed once, one statement, one warning', () => {
    // GIVEN
    const stack = newStack();
    const topic = new sns.Topic(stack, 'UserTopic', { masterKey: new kms.Key(stack, 'UserKey', { enableKeyRotation: true }) });

    // WHEN
    const cis = new CisMonitoringAlarms(stack, 'Cis', { topic, emailAddresses: [EMAIL, 'ops@example.com'] });

    // THEN
    const template = Template.fromStack(stack);
    expect(cis.topic).toBe(topic);
    expect(cis.encryptionKey).toBeUndefined();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    const policies = Object.values<any>(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(1);
    const cloudWatch = policies[0].Properties.PolicyDocument.Statement
      .filter((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudWatch).toHaveLength(1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('existing topic'))).toHaveLength(1);
  });

  test('a given key encrypts the one topic', () => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'UserKey', { enableKeyRotation: true });
    const cis = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL], encryptionKey });
    expect(cis.encryptionKey).toBe(encryptionKey);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 1);
  });

  test('tokens pass through: log group name, namespace, an address', () => {
    // GIVEN
    const stack = newStack();
    const name = Lazy.string({ produce: () => 'from/a/token' });
    const namespace = Lazy.string({ produce: () => 'Ns' });

    // WHEN
    new CisMonitoringAlarms(stack, 'Cis', { logGroupName: name, metricNamespace: namespace, emailAddresses: [Lazy.string({ produce: () => EMAIL })] });

    // THEN
    const filters = Object.values<any>(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter'));
    // With a token log group name the whole watch does not fit one tamper pattern: two tamper filters.
    expect(filters).toHaveLength(14 + 2);
    expect(filters.filter((f) => f.Properties.LogGroupName === 'from/a/token')).toHaveLength(14 + 2);
  });

  test('two instances in one stack do not collide', () => {
    const stack = newStack();
    new CisMonitoringAlarms(stack, 'A', { emailAddresses: [EMAIL] });
    new CisMonitoringAlarms(stack, 'B', { emailAddresses: [EMAIL], logGroupName: 'other/Trail' });
    // Each on its own log group: each its own watchdog and tamper alarm.
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 2 * (14 + 2));
  });
});

describe('eventNotifications', () => {
  test('reach the root-usage alarm only: one subscription filter, with the root event pattern', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const cis = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL], eventNotifications: true });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      FilterPattern: RootUsageAlarm.EVENT_NOTIFICATION_PATTERN,
      LogGroupName: LogPatternAlarm.CONTROL_TOWER_LOG_GROUP_NAME,
    });
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(cis.rootUsage?.eventNotifier).toBeDefined();
    expect(cis.alarms.filter((alarm) => alarm.eventNotifier !== undefined)).toEqual([cis.rootUsage]);
    // the function publishes to the one shared topic
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TOPIC_ARN: { Ref: stack.getLogicalId(cis.topic.node.defaultChild as sns.CfnTopic) } }) },
    });
  });

  test('off by default: no subscription filter, no function', () => {
    const stack = newStack();
    new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('need CloudWatch.1 among the selected controls', () => {
    const stack = newStack();
    expect(() => new CisMonitoringAlarms(stack, 'Cis', {
      emailAddresses: [EMAIL],
      excludeControls: [CisControl.CLOUDWATCH_1],
      eventNotifications: true,
    })).toThrow(/CisMonitoringAlarms at Stack\/Cis: eventNotifications needs CisControl.CLOUDWATCH_1 among the selected controls/);
  });
});

describe('validation', () => {
  const key = (stack: Stack) => new kms.Key(stack, 'K', { enableKeyRotation: true });
  test.each<[string, (stack: Stack) => CisMonitoringAlarmsProps, string]>([
    ['no recipient', () => ({}),
      'CisMonitoringAlarms at Stack/Cis: emailAddresses must list at least one address when no topic is given'],
    ['an empty address list', () => ({ emailAddresses: [] }),
      'CisMonitoringAlarms at Stack/Cis: emailAddresses must list at least one address'],
    ['a malformed address', () => ({ emailAddresses: ['nobody'] }),
      'CisMonitoringAlarms at Stack/Cis: emailAddresses[0] must be an email address'],
    ['both controls and excludeControls', () => ({ emailAddresses: [EMAIL], controls: [CisControl.CLOUDWATCH_1], excludeControls: [CisControl.CLOUDWATCH_2] }),
      'CisMonitoringAlarms at Stack/Cis: excludeControls must not be given together with controls'],
    ['an empty controls list', () => ({ emailAddresses: [EMAIL], controls: [] }),
      'CisMonitoringAlarms at Stack/Cis: controls must leave at least one control selected'],
    ['excluding every control', () => ({ emailAddresses: [EMAIL], excludeControls: CisMonitoringAlarms.ALL_CONTROLS }),
      'CisMonitoringAlarms at Stack/Cis: excludeControls must leave at least one control selected'],
    ['a duplicated control', () => ({ emailAddresses: [EMAIL], controls: [CisControl.CLOUDWATCH_2, CisControl.CLOUDWATCH_2] }),
      'CisMonitoringAlarms at Stack/Cis: controls must not list CisControl.CLOUDWATCH_2 twice'],
    ['a duplicated exclusion', () => ({ emailAddresses: [EMAIL], excludeControls: [CisControl.CLOUDWATCH_9, CisControl.CLOUDWATCH_9] }),
      'CisMonitoringAlarms at Stack/Cis: excludeControls must not list CisControl.CLOUDWATCH_9 twice'],
    ['an unknown control', () => ({ emailAddresses: [EMAIL], controls: ['CloudWatch.15' as CisControl] }),
      'CisMonitoringAlarms at Stack/Cis: controls[0] must be a member of CisControl, CLOUDWATCH_1 to CLOUDWATCH_14 (got "CloudWatch.15")'],
    ['an unknown exclusion', () => ({ emailAddresses: [EMAIL], excludeControls: [CisControl.CLOUDWATCH_1, 'CLOUDWATCH_2' as CisControl] }),
      'CisMonitoringAlarms at Stack/Cis: excludeControls[1] must be a member of CisControl'],
    ['a token for controls', () => ({ emailAddresses: [EMAIL], controls: Token.asList(Lazy.list({ produce: () => [] })) as CisControl[] }),
      'CisMonitoringAlarms at Stack/Cis: controls must be known at synthesis'],
    ['logGroup and logGroupName', (stack) => ({ emailAddresses: [EMAIL], logGroupName: 'a', logGroup: new logs.LogGroup(stack, 'L') }),
      'CisMonitoringAlarms at Stack/Cis: logGroupName must not be given together with logGroup'],
    ['topic and encryptionKey', (stack) => ({ topic: new sns.Topic(stack, 'T'), encryptionKey: key(stack) }),
      'CisMonitoringAlarms at Stack/Cis: encryptionKey must not be given together with topic'],
    ['a bad log group name', () => ({ emailAddresses: [EMAIL], logGroupName: 'no spaces' }),
      'CisMonitoringAlarms at Stack/Cis: logGroupName may only contain'],
    ['a bad namespace', () => ({ emailAddresses: [EMAIL], metricNamespace: 'AWS/Mine' }),
      'CisMonitoringAlarms at Stack/Cis: metricNamespace must not start with "AWS/"'],
    ['the AWS managed key', (stack) => ({ emailAddresses: [EMAIL], encryptionKey: kms.Alias.fromAliasName(stack, 'M', 'alias/aws/sns') }),
      'AlarmTopic at Stack/Cis/Topic: encryptionKey must not be the AWS managed key alias/aws/sns'],
    ['a period that is not whole minutes', () => ({ emailAddresses: [EMAIL], period: Duration.seconds(90) }),
      'period must be a whole number of minutes'],
  ])('rejects %s', (_name, props, message) => {
    const stack = newStack();
    expect(() => new CisMonitoringAlarms(stack, 'Cis', props(stack))).toThrow(message);
  });

  test('rejects before creating anything', () => {
    const stack = newStack();
    expect(() => new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL], controls: [] })).toThrow();
    expect(stack.node.tryFindChild('Cis')?.node.children ?? []).toHaveLength(0);
  });

  test('the static lookups reject an unknown control', () => {
    expect(() => CisMonitoringAlarms.filterPatternOf('CloudWatch.0' as CisControl))
      .toThrow('CisMonitoringAlarms: control must be a member of CisControl, CLOUDWATCH_1 to CLOUDWATCH_14 (got "CloudWatch.0")');
  });
});

test('LogPatternAlarm on an AlarmTopic-like shared topic: a topic prepared once is not prepared again', () => {
  // GIVEN an existing topic shared by two standalone alarms
  const stack = newStack();
  const topic = new sns.Topic(stack, 'UserTopic');

  // WHEN
  new RootUsageAlarm(stack, 'Root', { topic });
  new LogPatternAlarm(stack, 'Other', { topic, filterPattern: CisMonitoringAlarms.VPC_CHANGES_PATTERN, metricName: 'VPCChanges' });

  // THEN one warning, one statement for CloudWatch
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('existing topic'))).toHaveLength(1);
  const policy = Object.values<any>(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'))[0];
  expect(policy.Properties.PolicyDocument.Statement
    .filter((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com')).toHaveLength(1);
});

test('the README upgrade path: a deployed RootUsageAlarm keeps its resources, the other thirteen share its topic', () => {
  // GIVEN a stack with a standalone root usage alarm, as deployed
  const before = newStack();
  new RootUsageAlarm(before, 'RootUsage', { emailAddresses: [EMAIL] });
  const deployed = Template.fromStack(before).toJSON().Resources;

  // WHEN the CIS set is added on its topic, without CloudWatch.1
  const after = newStack();
  const rootUsage = new RootUsageAlarm(after, 'RootUsage', { emailAddresses: [EMAIL] });
  const cis = new CisMonitoringAlarms(after, 'Cis', { topic: rootUsage.topic, excludeControls: [CisControl.CLOUDWATCH_1] });

  // THEN every deployed resource is unchanged, 13 alarms notify the same topic, nothing warns
  const resources = Template.fromStack(after).toJSON().Resources;
  for (const [logicalId, resource] of Object.entries(deployed)) {
    expect(resources[logicalId]).toEqual(resource);
  }
  expect(cis.alarms).toHaveLength(13);
  expect(cis.alarms.every((alarm) => alarm.topic === rootUsage.topic)).toBe(true);
  Template.fromStack(after).resourceCountIs('AWS::SNS::Topic', 1);
  Template.fromStack(after).resourceCountIs('AWS::SNS::Subscription', 1);
  Annotations.fromStack(after).hasNoWarning('*', NOT_LOOKUP_WARNING);
});
