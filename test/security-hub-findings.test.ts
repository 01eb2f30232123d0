import { App, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CisMonitoringAlarms, RealTimeRootAlerts, RootUsageAlarm, RootUsageDashboard } from '../src';

// eventNotifierOptions.securityHubFindings (issue 23): a Security Hub CSPM finding per root
// session. What the construct adds: one IAM statement (one action, one product ARN), the product
// ARN in the function's environment, an alarm on failed imports; nothing without the option.

const EMAIL = 'security@example.com';
const FUNCTION = { Ref: Match.stringLikeRegexp('^RootUsageEventNotifierFunction') };
const TOPIC = { Ref: Match.stringLikeRegexp('^RootUsageTopic[0-9A-F]{8}$') };
/** arn:<partition>:securityhub:<region>:<account>:product/<account>/default, from the stack's tokens. */
const PRODUCT_ARN = {
  'Fn::Join': ['', [
    'arn:', { Ref: 'AWS::Partition' }, ':securityhub:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
    ':product/', { Ref: 'AWS::AccountId' }, '/default',
  ]],
};

function build(securityHubFindings?: boolean): { stack: Stack; alarm: RootUsageAlarm; template: Template } {
  const stack = new Stack(new App(), 'Stack');
  const alarm = new RootUsageAlarm(stack, 'RootUsage', {
    emailAddresses: [EMAIL],
    eventNotifications: true,
    ...(securityHubFindings === undefined ? {} : { eventNotifierOptions: { securityHubFindings } }),
  });
  return { stack, alarm, template: Template.fromStack(stack) };
}

/** Every statement of the template's IAM policies and key and topic policies that names a Security Hub action. */
function securityHubStatements(template: Template): any[] {
  const json = template.toJSON();
  return Object.values(json.Resources as Record<string, any>).flatMap((r) => {
    const doc = r.Properties?.PolicyDocument ?? r.Properties?.KeyPolicy;
    return (doc?.Statement ?? []) as any[];
  }).filter((st) => JSON.stringify(st.Action).includes('securityhub'));
}

describe('securityHubFindings on', () => {
  // GIVEN / WHEN
  const { alarm, template } = build(true);

  test('the role may call securityhub:BatchImportFindings on the default product of its own account and region, nothing else', () => {
    expect(securityHubStatements(template)).toEqual([
      { Sid: 'ImportSecurityHubFindings', Effect: 'Allow', Action: 'securityhub:BatchImportFindings', Resource: PRODUCT_ARN },
    ]);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^RootUsageEventNotifierServiceRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ImportSecurityHubFindings' })]) },
    });
  });

  test('the function knows the product ARN (SECURITY_HUB_PRODUCT_ARN), the same ARN the policy names', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN }) },
    });
  });

  test('an alarm on failed imports (the embedded metric FindingImportFailures) notifies the topic, and again when it clears', () => {
    expect(alarm.eventNotifier!.securityHubImportFailuresAlarm).toBeInstanceOf(cloudwatch.Alarm);
    // The root-usage alarm, the delivery watchdog, the tamper alarm, the notifier's six and this one.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^The root-usage event notifier could not import Security Hub findings'),
      Namespace: 'cdk-root-usage-alarm',
      MetricName: 'FindingImportFailures',
      Dimensions: [{ Name: 'FunctionName', Value: FUNCTION }],
      Statistic: 'Sum',
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
    });
  });

  test('the dashboard shows the alarm with the notifier\'s other failure alarms', () => {
    const stack = new Stack(new App(), 'Stack');
    const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', {
      emailAddresses: [EMAIL], eventNotifications: true, eventNotifierOptions: { securityHubFindings: true },
    });
    const dashboard = new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm });
    expect(dashboard.alarms).toContain(rootUsageAlarm.eventNotifier!.securityHubImportFailuresAlarm);
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('SecurityHubImportFailuresAlarm');
  });
});

describe('securityHubFindings off (the default)', () => {
  test('no statement, no environment variable, no alarm: the template is the one without the option', () => {
    // GIVEN / WHEN
    const none = build();
    const off = build(false);
    // THEN
    expect(off.template.toJSON()).toEqual(none.template.toJSON());
    expect(securityHubStatements(none.template)).toEqual([]);
    expect(JSON.stringify(none.template.toJSON())).not.toContain('SECURITY_HUB_PRODUCT_ARN');
    expect(none.alarm.eventNotifier!.securityHubImportFailuresAlarm).toBeUndefined();
    none.template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
  });
});

describe('reachable from every construct that creates a notifier', () => {
  test('CisMonitoringAlarms passes eventNotifierOptions on to its CloudWatch.1 notifier; RealTimeRootAlerts feeds that notifier', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const cis = new CisMonitoringAlarms(stack, 'Cis', {
      emailAddresses: [EMAIL], eventNotifications: true, eventNotifierOptions: { securityHubFindings: true },
    });
    // WHEN the real-time path forwards to that notifier
    new RealTimeRootAlerts(stack, 'RealTime', { rootUsageAlarm: cis.rootUsage!, organizationalUnitIds: ['r-ab12'], organizationId: 'o-a1b2c3d4e5' });
    // THEN one notifier, importing findings
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(securityHubStatements(template)).toHaveLength(1);
    expect(cis.rootUsage!.eventNotifier!.securityHubImportFailuresAlarm).toBeDefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SECURITY_HUB_PRODUCT_ARN: Match.anyValue(), REALTIME_REGIONS: Match.anyValue() }) },
    });
  });

  test('an explicit environment: the product ARN names its account and region', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
    new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true, eventNotifierOptions: { securityHubFindings: true } });
    const statements = securityHubStatements(Template.fromStack(stack));
    expect(statements[0].Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:eu-west-1:123456789012:product/123456789012/default']],
    });
  });
});

describe('validation', () => {
  test('securityHubFindings as a token is rejected, naming the prop and the rule', () => {
    const stack = new Stack(new App(), 'Stack');
    const securityHubFindings = Token.asAny({ resolve: () => true, creationStack: [] }) as unknown as boolean;
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true, eventNotifierOptions: { securityHubFindings } }))
      .toThrow(/RootUsageAlarm at Stack\/RootUsage: eventNotifierOptions\.securityHubFindings must be known at synthesis \(true or false\), not a token/);
  });
});
