import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { eventBridgeEvent, orgTrailDelivery, record } from './event-notifier/payload';
import { insightsSyntaxProblems, stages } from './logs-insights-syntax';
import { CisMonitoringAlarms, ManagementAccountForwarder, RealTimeRootAlerts, RootUsageAlarm, RootUsageDashboard } from '../src';
import { notify, NotifierDeps } from '../src/private/event-notifier/notify';
import { InMemorySessionStore } from '../src/private/event-notifier/session-store';

const EMAIL = 'security@example.com';
const ENV = { account: '123456789012', region: 'us-east-1' };

/** The dashboard body as deployed, with `${LogicalId}` / `${LogicalId.Attribute}` for references. */
function body(template: Template): any {
  const dashboards = Object.values<any>(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const value = dashboards[0].Properties.DashboardBody;
  const parts: unknown[] = typeof value === 'string' ? [value] : value['Fn::Join'][1];
  const text = parts.map((p: any) => {
    if (typeof p === 'string') return p;
    if (p.Ref) return `\${${p.Ref}}`;
    if (p['Fn::GetAtt']) return `\${${p['Fn::GetAtt'].join('.')}}`;
    throw new Error(`unexpected part ${JSON.stringify(p)}`);
  }).join('');
  return JSON.parse(text);
}

function logicalIds(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
}

const alarmsShown = (b: any): string[] => b.widgets.filter((w: any) => w.type === 'alarm').flatMap((w: any) => w.properties.alarms);
const logWidgets = (b: any): any[] => b.widgets.filter((w: any) => w.type === 'log');
/** `SOURCE '<group>' | ... | <query>` -> the groups and the query. */
function splitSource(query: string): { groups: string[]; query: string } {
  const parts = stages(query);
  const groups = parts.filter((p) => p.startsWith('SOURCE ')).map((p) => p.slice("SOURCE '".length, -1));
  return { groups, query: parts.filter((p) => !p.startsWith('SOURCE ')).join(' | ') };
}
const filterStage = (query: string) => stages(query).filter((s) => s.startsWith('filter '));

describe('with a RootUsageAlarm', () => {
  // GIVEN
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL] });
  // WHEN
  const dashboard = new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm, dashboardName: 'root-use' });
  const template = Template.fromStack(stack);
  const b = body(template);

  test('one dashboard, named as given, opening on the last 7 days', () => {
    // THEN
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'root-use' });
    expect(b.start).toBe('-P7D');
    expect(stack.resolve(dashboard.dashboard.dashboardName)).toEqual({ Ref: 'Dashboard7A06DACF' });
  });

  test('every alarm of the stack is in an alarm status widget: the root-usage alarm, the delivery watchdog, the tamper alarm', () => {
    // THEN
    const ids = logicalIds(template, 'AWS::CloudWatch::Alarm');
    expect(ids).toHaveLength(3);
    expect(alarmsShown(b).sort()).toEqual(ids.map((id) => `\${${id}.Arn}`).sort());
    expect(dashboard.alarms).toEqual([rootUsageAlarm.alarm, rootUsageAlarm.deliveryWatchdog, rootUsageAlarm.tamperAlarm]);
  });

  test('the Logs Insights widgets query the watched log group with the alarm link\'s filter, and their syntax is valid', () => {
    // THEN
    const watched = Object.values<any>(template.findResources('AWS::Logs::MetricFilter'))
      .filter((f) => f.Properties.FilterPattern === RootUsageAlarm.FILTER_PATTERN);
    expect(watched).toHaveLength(1);
    const logGroupName = watched[0].Properties.LogGroupName;
    expect(logGroupName).toBe('aws-controltower/CloudTrailLogs');
    const widgets = logWidgets(b);
    expect(widgets.map((w) => w.properties.title)).toEqual([
      'Root use per account', 'Root use per kind', 'AssumeRoot calls (centralized root access)', 'Latest root events (the alarm link\'s query)',
    ]);
    for (const w of widgets) {
      expect(w.properties.region).toBe('us-east-1');
      expect(w.properties.view).toBe('table');
      const { groups, query } = splitSource(w.properties.query);
      expect(groups).toEqual([logGroupName]);
      expect(insightsSyntaxProblems(w.properties.query)).toEqual([]);
      if (!w.properties.title.startsWith('AssumeRoot')) {
        expect(filterStage(query)).toEqual(filterStage(RootUsageAlarm.INSIGHTS_QUERY));
      }
    }
    // The latest events: the alarm link's query itself, limited.
    expect(splitSource(widgets[3].properties.query).query).toBe(`${RootUsageAlarm.INSIGHTS_QUERY} | limit 100`);
    // ... and the alarm description's link runs that same query.
    const alarm = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RootAccountUsage' } }))[0];
    const encoded = encodeURIComponent(RootUsageAlarm.INSIGHTS_QUERY)
      .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%/g, '*');
    expect(JSON.stringify(alarm.Properties.AlarmDescription)).toContain(`editorString$257E$2527${encoded}$257E`);
  });

  test('per account and per kind group what they say', () => {
    expect(RootUsageDashboard.PER_ACCOUNT_QUERY).toMatch(/ by recipientAccountId \| sort events desc$/);
    expect(RootUsageDashboard.PER_KIND_QUERY).toMatch(/ by eventType, eventName, userIdentity\.sessionContext\.assumedRoot \| sort events desc$/);
  });

  test('root use over time: the alarm\'s own metric, Sum, hourly by default', () => {
    const graphs = b.widgets.filter((w: any) => w.type === 'metric');
    expect(graphs).toHaveLength(1);
    expect(graphs[0].properties.metrics).toEqual([['CloudTrailMetrics', 'RootAccountUsage', { stat: 'Sum', period: 3600 }]]);
  });

  test('no event notifier: no notifier widgets', () => {
    expect(b.widgets.filter((w: any) => w.type === 'metric' && w.properties.title.startsWith('Event notifier'))).toEqual([]);
    expect(logWidgets(b)).toHaveLength(4);
  });

  test('the syntax check rejects what Logs Insights rejects', () => {
    expect(insightsSyntaxProblems('filter a = "x" | stats cnt(*) by b')).not.toEqual([]);
    expect(insightsSyntaxProblems('filter a = "x | sort @timestamp desc')).not.toEqual([]);
    expect(insightsSyntaxProblems('fields a | where a = 1')).not.toEqual([]);
    expect(insightsSyntaxProblems('stats count(*) by (a')).not.toEqual([]);
    expect(insightsSyntaxProblems('parse @message /(unnamed)/')).not.toEqual([]);
    expect(insightsSyntaxProblems('filter a = "x" | limit 0')).not.toEqual([]);
    expect(insightsSyntaxProblems(RootUsageAlarm.INSIGHTS_QUERY)).toEqual([]);
  });
});

test('the default template of RootUsageAlarm is unchanged by a dashboard beside it: the dashboard only adds itself', () => {
  // GIVEN
  const build = (withDashboard: boolean) => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL] });
    // WHEN
    if (withDashboard) new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm });
    return Template.fromStack(stack).toJSON();
  };
  const without = build(false);
  const withIt = build(true);
  // THEN
  const { Dashboard7A06DACF, ...rest } = withIt.Resources;
  expect(Dashboard7A06DACF.Type).toBe('AWS::CloudWatch::Dashboard');
  expect(Dashboard7A06DACF.Properties.DashboardName).toBeUndefined();
  expect({ ...withIt, Resources: rest }).toEqual(without);
});

describe('with event notifications', () => {
  // GIVEN
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true });
  // WHEN
  new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm, timeRange: Duration.days(1), period: Duration.minutes(15) });
  const template = Template.fromStack(stack);
  const b = body(template);

  test('the notifier\'s six failure alarms are shown too: every alarm of the stack', () => {
    const ids = logicalIds(template, 'AWS::CloudWatch::Alarm');
    expect(ids).toHaveLength(9);
    expect(alarmsShown(b).sort()).toEqual(ids.map((id) => `\${${id}.Arn}`).sort());
    expect(b.start).toBe('-P1D');
  });

  test('the notifier\'s invocations, errors, throttles and destination delivery failures, in the given period', () => {
    const fn = logicalIds(template, 'AWS::Lambda::Function')[0];
    const graph = b.widgets.find((w: any) => w.type === 'metric' && w.properties.title.startsWith('Event notifier'));
    const metrics = graph.properties.metrics.map((m: any) => m.slice(0, 4));
    expect(metrics).toEqual([
      ['AWS/Lambda', 'Invocations', 'FunctionName', `\${${fn}}`],
      ['AWS/Lambda', 'Errors', 'FunctionName', `\${${fn}}`],
      ['AWS/Lambda', 'Throttles', 'FunctionName', `\${${fn}}`],
      ['AWS/Lambda', 'DestinationDeliveryFailures', 'FunctionName', `\${${fn}}`],
    ]);
    for (const m of graph.properties.metrics) expect(m[4]).toMatchObject({ stat: 'Sum', period: 900 });
  });

  test('published and suppressed: a query over the function\'s log group, valid syntax', () => {
    const functionLogGroup = logicalIds(template, 'AWS::Logs::LogGroup')[0];
    const widget = logWidgets(b).find((w) => w.properties.title.includes('published and suppressed'));
    expect(splitSource(widget.properties.query)).toEqual({ groups: [`\${${functionLogGroup}}`], query: RootUsageDashboard.NOTIFIER_DECISIONS_QUERY });
    expect(insightsSyntaxProblems(widget.properties.query)).toEqual([]);
  });
});

test('the decisions query reads the log lines the event notifier really writes', async () => {
  // GIVEN the core with the handler's log line format (Lambda's text format: time, request ID, level, then the JSON)
  const lines: string[] = [];
  const deps: NotifierDeps = {
    topicArn: 'arn:aws:sns:us-east-1:111111111111:Topic',
    alarmName: 'RootUsage-Alarm',
    region: 'us-east-1',
    logGroupName: 'aws-controltower/CloudTrailLogs',
    store: new InMemorySessionStore(0, () => Date.parse('2024-10-25T21:00:00Z')),
    now: () => Date.parse('2024-10-25T21:00:00Z'),
    publish: async () => undefined,
    describeAccount: async () => 'Payments-Prod',
    log: (level, message, details) => {
      lines.push(`2024-10-25T21:00:00.000Z\tc0ffee00-0000-4000-8000-000000000000\t${level.toUpperCase()}\t${JSON.stringify({ level, message, ...details })}`);
    },
  };
  const delivery = orgTrailDelivery('222222222222', 'us-west-2', [record('assume-root-session-action-doc-example')]);
  // WHEN the same delivery arrives twice (a retry)
  await notify(delivery, deps);
  await notify(delivery, deps);
  // AND two calls of one root access key in real time, the second held by the continuation bound
  const call = record('root-console-session-action');
  for (const id of ['rt-1', 'rt-2']) {
    await notify(eventBridgeEvent({ ...call, eventID: id, readOnly: false, userIdentity: { ...call.userIdentity, accessKeyId: 'AKIAQNOXQ7ROOTKEY001', sessionContext: undefined } }), deps);
  }
  // THEN the query's filter and parse patterns (Logs Insights regular expressions, as JavaScript ones) find both decisions: the message, then the retry
  const patterns = stages(RootUsageDashboard.NOTIFIER_DECISIONS_QUERY)
    .filter((s) => / \/.*\/$/.test(s)).map((s) => new RegExp(s.slice(s.indexOf('/') + 1, -1)));
  const [filter, decision, events, sessions] = patterns;
  const decided = lines.filter((l) => filter.test(l))
    .map((l) => [l.match(decision)?.groups?.decision, l.match(events)?.groups?.events, l.match(sessions)?.groups?.sessions]);
  expect(decided).toEqual([
    ['published', '1', undefined],
    ['sessions of this delivery handled by an earlier attempt', undefined, '1'],
    ['published', '1', undefined],
    ['held back in real time', '1', undefined],
  ]);
});

test('with the CIS set and the real-time path: every alarm of the stack, each once', () => {
  // GIVEN
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const cisMonitoringAlarms = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL], eventNotifications: true });
  const realTimeRootAlerts = new RealTimeRootAlerts(stack, 'RealTime', {
    rootUsageAlarm: cisMonitoringAlarms.rootUsage!, organizationalUnitIds: ['r-ab12'], organizationId: 'o-a1b2c3d4e5',
  });
  // WHEN
  const dashboard = new RootUsageDashboard(stack, 'Dashboard', { cisMonitoringAlarms, realTimeRootAlerts });
  // THEN
  const template = Template.fromStack(stack);
  const ids = logicalIds(template, 'AWS::CloudWatch::Alarm');
  expect(ids).toHaveLength(14 + 2 + 6 + 4);
  const shown = alarmsShown(body(template));
  expect(shown.sort()).toEqual(ids.map((id) => `\${${id}.Arn}`).sort());
  expect(new Set(dashboard.alarms).size).toBe(dashboard.alarms.length);
});

test('the relay alarm of the management account\'s forwarders in other regions is shown, even when they are defined after the dashboard', () => {
  // GIVEN the real-time path in eu-west-1 and the dashboard beside it
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true });
  const realTimeRootAlerts = new RealTimeRootAlerts(stack, 'RealTime', {
    rootUsageAlarm, organizationalUnitIds: ['r-ab12'], organizationId: 'o-a1b2c3d4e5',
  });
  const dashboard = new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm, realTimeRootAlerts });
  expect(realTimeRootAlerts.forwarderAlarmRelayAlarm).toBeUndefined();
  // WHEN the management account's forwarder in us-east-1 is defined afterwards
  const usEast1 = new Stack(app, 'UsEast1', { env: { account: '123456789012', region: 'us-east-1' }, crossRegionReferences: false });
  new ManagementAccountForwarder(usEast1, 'Forwarder', { realTimeRootAlerts });
  // THEN
  const template = Template.fromStack(stack);
  const relay = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).find((id) => id.startsWith('RealTimeForwarderAlarmRelayAlarm'));
  expect(relay).toBeDefined();
  const b = body(template);
  expect(alarmsShown(b)).toContain(`\${${relay}.Arn}`);
  expect(dashboard.alarms).toContain(realTimeRootAlerts.forwarderAlarmRelayAlarm);
  expect(alarmsShown(b).sort()).toEqual(logicalIds(template, 'AWS::CloudWatch::Alarm').map((id) => `\${${id}.Arn}`).sort());
});

test('the real-time path\'s counts: not seen in real time, and the EventBridge events skipped by reason', () => {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true });
  const realTimeRootAlerts = new RealTimeRootAlerts(stack, 'RealTime', {
    rootUsageAlarm, organizationalUnitIds: ['r-ab12'], organizationId: 'o-a1b2c3d4e5',
  });
  new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm, realTimeRootAlerts });
  const template = Template.fromStack(stack);
  const widget = body(template).widgets.find((w: any) => String(w.properties?.title).startsWith('Real-time path'));
  expect(widget).toBeDefined();
  const fn = logicalIds(template, 'AWS::Lambda::Function').find((id) => id.startsWith('RootUsageEventNotifierFunction'));
  expect(widget.properties.metrics).toEqual([
    ['cdk-root-usage-alarm', 'NotSeenInRealTime', 'FunctionName', `\${${fn}}`, { label: 'Not seen in real time (log path only)', period: 3600, stat: 'Sum' }],
    [{
      expression: `SEARCH('{cdk-root-usage-alarm,FunctionName,Reason} MetricName="SkippedEvents" FunctionName="\${${fn}}"', 'Sum', 3600)`,
      label: 'Skipped EventBridge events:',
      period: 3600,
      yAxis: 'right',
    }],
  ]);
  // Without the real-time path, no such widget.
  const other = new Stack(new App(), 'Other', { env: ENV });
  new RootUsageDashboard(other, 'Dashboard', { rootUsageAlarm: new RootUsageAlarm(other, 'RootUsage', { emailAddresses: [EMAIL], eventNotifications: true }) });
  expect(body(Template.fromStack(other)).widgets.some((w: any) => String(w.properties?.title).startsWith('Real-time path'))).toBe(false);
});

test('a RootUsageAlarm and the CIS set on two log groups: both groups are queried', () => {
  // GIVEN
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL], logGroupName: 'trail-a' });
  const cisMonitoringAlarms = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL], logGroupName: 'trail-b' });
  // WHEN
  new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm, cisMonitoringAlarms });
  // THEN
  const b = body(Template.fromStack(stack));
  for (const w of logWidgets(b)) expect(splitSource(w.properties.query).groups).toEqual(['trail-a', 'trail-b']);
});

describe('validation', () => {
  const setup = () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL] });
    return { stack, rootUsageAlarm };
  };

  test('neither construct: the error names rootUsageAlarm', () => {
    const { stack } = setup();
    expect(() => new RootUsageDashboard(stack, 'Dashboard', {}))
      .toThrow('RootUsageDashboard at Stack/Dashboard: rootUsageAlarm or cisMonitoringAlarms must be given');
  });

  test.each([
    [{ dashboardName: 'root use' }, 'dashboardName must be 1 to 255 characters of A-Z, a-z, 0-9, "-" and "_" (got "root use")'],
    [{ dashboardName: 'x'.repeat(256) }, 'dashboardName must be 1 to 255'],
    [{ timeRange: Duration.minutes(2) }, 'timeRange must be a whole number of minutes from 5 minutes to 455 days (got 2 minutes)'],
    [{ timeRange: Duration.days(456) }, 'timeRange must be a whole number of minutes from 5 minutes to 455 days'],
    [{ timeRange: Duration.seconds(330) }, 'timeRange must be a whole number of minutes'],
    [{ period: Duration.seconds(90) }, 'period must be a whole number of minutes'],
    [{ period: Duration.days(2) }, 'period must be at most 1 day'],
  ])('%j', (bad, message) => {
    const { stack, rootUsageAlarm } = setup();
    expect(() => new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm, ...bad })).toThrow(`RootUsageDashboard at Stack/Dashboard: ${message}`);
  });
});
