/**
 * Keeps the operator's pages true to what the library creates: docs/runbook.md (every kind of
 * per-event message, every failure alarm, the alarm's Logs Insights query word for word),
 * docs/operations.md (what `cdk destroy` leaves behind: exactly the resources the template
 * retains) and docs/costs.md (each setup's total is the sum of its parts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CisControl, CisMonitoringAlarms, RealTimeRootAlerts, RootUsageAlarm } from '../src';
import { headline, KIND_PRIORITY } from '../src/private/event-notifier/classify';

const docs = path.join(__dirname, '..', 'docs');
const runbook = fs.readFileSync(path.join(docs, 'runbook.md'), 'utf8');
const operations = fs.readFileSync(path.join(docs, 'operations.md'), 'utf8');
const costs = fs.readFileSync(path.join(docs, 'costs.md'), 'utf8');

/** The fullest setup the pages describe: the alarm with event notifications, the CIS set on its topic, real time. */
function fullStack(): Stack {
  const stack = new Stack(new App(), 'Security', { env: { account: '111122223333', region: 'eu-west-1' } });
  const rootUsage = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: ['security@example.com'], eventNotifications: true });
  new CisMonitoringAlarms(stack, 'Cis', { topic: rootUsage.topic, excludeControls: [CisControl.CLOUDWATCH_1] });
  new RealTimeRootAlerts(stack, 'RealTime', { rootUsageAlarm: rootUsage, organizationalUnitIds: ['r-ab12'], organizationId: 'o-a1b2c3d4e5' });
  return stack;
}

describe('docs/runbook.md', () => {
  test('the CLI query is the alarm\'s Logs Insights query, word for word', () => {
    const queries = [...runbook.matchAll(/--query-string '([^']+)'/g)].map((m) => m[1]);
    expect(queries).toContain(RootUsageAlarm.INSIGHTS_QUERY);
  });

  test('every subject of a per-event message is explained', () => {
    const subjects = new Set(KIND_PRIORITY.flatMap((kind) => [headline(kind, false), headline(kind, true)]));
    for (const subject of subjects) {
      expect(runbook).toContain(`\`${subject}\``);
    }
  });

  test('every failure alarm of the event notifier and the real-time path is explained', () => {
    // GIVEN the alarms that are neither the root-usage alarm nor the CIS set's
    const stack = fullStack();
    const failureAlarms = stack.node.findAll()
      .filter((c) => c instanceof cloudwatch.Alarm)
      .filter((c) => /\/(EventNotifier|RealTime)\//.test(c.node.path))
      .map((c) => c.node.id);
    expect(failureAlarms.length).toBeGreaterThanOrEqual(9);

    // THEN the runbook names each by its construct ID
    for (const id of failureAlarms) {
      expect(runbook).toContain(`\`${id}\``);
    }
  });
});

describe('docs/operations.md', () => {
  test('"What cdk destroy leaves behind" names exactly the kinds of resources the template retains', () => {
    // GIVEN the resources of the fullest setup that CloudFormation keeps on deletion
    const resources = Object.values<any>(fullStack().node.root.node.children
      .filter((c): c is Stack => c instanceof Stack)
      .map((s) => (s.node.root as App).synth().getStackByName(s.stackName).template)[0].Resources);
    const retained = new Set(resources.filter((r) => r.DeletionPolicy === 'Retain').map((r) => r.Type));

    // THEN they are the keys and the notifier's log group, as the page says
    expect([...retained].sort()).toEqual(['AWS::KMS::Key', 'AWS::Logs::LogGroup']);
    const table = operations.slice(operations.indexOf('## What `cdk destroy` leaves behind'));
    expect(table).toMatch(/the topic's KMS key .*\| retained \|/);
    expect(table).toMatch(/the event notifier's KMS key .*\| retained \|/);
    expect(table).toMatch(/the event notifier's log group .*\| retained \|/);
    // and what the page says is deleted is deleted
    for (const type of ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::CloudFormation::StackSet']) {
      const ofType = resources.filter((r) => r.Type === type);
      expect(ofType.length).toBeGreaterThan(0);
      expect(ofType.filter((r) => r.DeletionPolicy === 'Retain')).toEqual([]);
    }
  });
});

describe('docs/costs.md', () => {
  /** The dollar figures of the table row whose first cell starts with `label`: year one, two, from three. */
  function row(label: string): number[] {
    const line = costs.split('\n').find((l) => l.startsWith(`| ${label}`));
    expect(line).toBeDefined();
    const cells = line!.split('|').slice(2, 5).map((c) => c.replace(/\*/g, '').trim());
    return cells.map((c) => (c === '< $0.01' || c === '~$0' || c === '$0' ? 0 : Number(c.replace(/^~?\$/, ''))));
  }
  const sum = (...rows: number[][]) => [0, 1, 2].map((i) => Math.round(rows.reduce((s, r) => s + r[i], 0) * 100) / 100);

  test('each setup is the sum of its parts', () => {
    const alarm = row('the root-usage alarm');
    const key = row('the topic\'s customer managed KMS key');
    const watchdog = row('watchdog and tamper alarm (on by default from this release)');
    const notifier = sum(row('`eventNotifications`: the notifier\'s key'), row('`eventNotifications`: its six failure alarms'),
      row('`eventNotifications`: the session table'), row('`eventNotifications`: the function'));
    const cis = sum(row('the CIS set on the root-usage topic'), row('the CIS set: 13 custom metrics'));
    const realTime = sum(row('`RealTimeRootAlerts`: its four failure alarms'), row('`RealTimeRootAlerts`: stack set'),
      row('`RealTimeRootAlerts`: forwarded events'));

    const quickStart = sum(alarm, key, watchdog);
    expect(row('**Quick start**')).toEqual(quickStart);
    expect(row('**With `eventNotifications`**')).toEqual(sum(quickStart, notifier));
    expect(row('**With the CIS set**')).toEqual(sum(quickStart, cis));
    expect(row('**With the dashboard**')).toEqual(sum(quickStart, row('`RootUsageDashboard`')));
    expect(row('**With Security Hub findings**')).toEqual(sum(quickStart, notifier,
      row('`securityHubFindings` (optional): the import failures alarm'), row('`securityHubFindings`: finding imports')));
    expect(row('**With real time, 10 accounts**')).toEqual(sum(quickStart, notifier, realTime));
    expect(row('**With real time, 1,000 accounts**')).toEqual(sum(quickStart, notifier, realTime));
  });

  test('the alarm counts match what the constructs create', () => {
    // GIVEN the fullest setup
    const stack = fullStack();
    const alarms = stack.node.findAll().filter((c) => c instanceof cloudwatch.Alarm);
    const under = (part: string) => alarms.filter((a) => a.node.path.includes(`/${part}/`)).length;

    // THEN the parts' counts are the constructs'
    expect(under('EventNotifier')).toBe(6);
    expect(under('Cis')).toBe(13);
    expect(under('RealTime')).toBe(4);
  });
});
