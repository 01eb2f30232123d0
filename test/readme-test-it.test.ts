/**
 * Keeps the README's "Test it after deploying" section true to what the construct synthesizes:
 * every command, name and output it documents is checked against the example landing-zone stack
 * (examples/landing-zone/stack.ts) synthesized for eu-west-1, the region the README's commands
 * use. A renamed output, method, alarm, log group, metric or pattern fails this test.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LandingZoneSecurityStack } from '../examples/landing-zone/stack';
import { VERIFY_PERMISSIONS } from '../src/private/verify-script';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
/** docs/event-notifications.md holds step 3, the per-event path (linked from the README's section). */
const eventNotificationsPage = fs.readFileSync(path.join(root, 'docs', 'event-notifications.md'), 'utf8');
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));

/** The README section from its `## ` heading to the next `## ` heading. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** The lines of the `sh` code blocks in `text` that run a command (not comments). */
function commands(text: string): string[] {
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('aws '));
}

/** Every value of `--<option> '<value>'` in the commands. */
function optionValues(lines: string[], option: string): string[] {
  const pattern = new RegExp(`--${option} '([^']*)'`, 'g');
  return lines.flatMap((line) => [...line.matchAll(pattern)].map((m) => m[1]));
}

const REGION = 'eu-west-1';
const stack = new LandingZoneSecurityStack(new App(), 'LandingZoneSecurity', {
  securityEmails: ['security@example.com'],
  env: { account: '111122223333', region: REGION },
});
const template = Template.fromStack(stack).toJSON();
const [filter] = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Logs::MetricFilter');
const [alarm] = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
const testSection = section('Test it after deploying');
const testCommands = commands(testSection);

test('the section has the commands of step 1 and step 2', () => {
  expect(testCommands.length).toBeGreaterThanOrEqual(5);
});

test.each(['TestNotificationCommand', 'ActionHistoryCommand'])('the output %s is documented word for word', (output) => {
  // GIVEN the example stack's output, resolved for a region
  const value = template.Outputs?.[output]?.Value;
  expect(typeof value).toBe('string');

  // THEN the README names the output and shows exactly its command
  expect(testSection).toContain(`\`${output}\``);
  expect(testCommands).toContain(value);
});

test('the methods the section names exist on LogPatternAlarm', () => {
  const methods = (assembly.types[`${assembly.name}.LogPatternAlarm`].methods ?? []).map((m: { name: string }) => m.name);
  for (const name of [...testSection.matchAll(/`(\w+Command)\(\)`/g)].map((m) => m[1])) {
    expect(methods).toContain(name);
  }
  expect(methods).toEqual(expect.arrayContaining(['testNotificationCommand', 'actionHistoryCommand', 'assumeRootTestCommand', 'verifyCommand']));
});

test('every command targets the example stack\'s region, alarm, log group, pattern and metric', () => {
  expect(optionValues(testCommands, 'region')).not.toHaveLength(0);
  expect(new Set(optionValues(testCommands, 'region'))).toEqual(new Set([REGION]));
  expect(new Set(optionValues(testCommands, 'alarm-name'))).toEqual(new Set([alarm.Properties.AlarmName]));
  expect(new Set(optionValues(testCommands, 'log-group-name'))).toEqual(new Set([filter.Properties.LogGroupName]));
  expect(new Set(optionValues(testCommands, 'filter-pattern'))).toEqual(new Set([filter.Properties.FilterPattern]));
  const [metric] = filter.Properties.MetricTransformations;
  expect(new Set(optionValues(testCommands, 'namespace'))).toEqual(new Set([metric.MetricNamespace]));
  expect(new Set(optionValues(testCommands, 'metric-name'))).toEqual(new Set([metric.MetricName]));
});

test('the quick start deploys the alarm the commands name, in their region', () => {
  const quickStart = section('Quick start');
  const [metric] = filter.Properties.MetricTransformations;
  expect(quickStart).toContain(`region: '${REGION}'`);
  expect(quickStart).toContain(`alarmName: '${alarm.Properties.AlarmName}'`);
  expect(quickStart).toContain(`metricNamespace: '${metric.MetricNamespace}'`);
  expect(quickStart).toContain("'TestNotificationCommand'");
  expect(quickStart).toContain("'ActionHistoryCommand'");
  expect(quickStart).not.toContain('logGroupName:'); // the default, as in the example stack
  expect(filter.Properties.LogGroupName).toBe('aws-controltower/CloudTrailLogs');
});

test('step 2 shows the AssumeRoot test of the example stack word for word', () => {
  const snippet = stack.rootUsage.assumeRootTestCommand('222233334444');
  const blocks = [...testSection.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());
  expect(blocks).toContain(snippet);
  expect(testSection).toContain('`AssumeRootTestCommand`');
  expect(testSection).toContain('`ExemptAssumeRoot`');
  expect(fs.readFileSync(path.join(root, 'examples', 'landing-zone', 'app.ts'), 'utf8')).toContain("'AssumeRootTestCommand'");
});

test('step 3 names the verify output and every permission the script needs', () => {
  expect(testSection).toContain('`VerifyCommand`');
  expect(fs.readFileSync(path.join(root, 'examples', 'landing-zone', 'app.ts'), 'utf8')).toContain("'VerifyCommand'");
  for (const action of VERIFY_PERMISSIONS) expect(testSection).toContain(`\`${action}\``);
});

test('the email subjects name the alarm', () => {
  expect(testSection).toContain(`\`ALARM: "${alarm.Properties.AlarmName}" in EU (Ireland)\``);
  expect(testSection).toContain(`\`OK: "${alarm.Properties.AlarmName}" ...\``);
});

test('the synthesis warnings the troubleshooting table names exist', () => {
  const sources = fs.readdirSync(path.join(root, 'src')).filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(root, 'src', f), 'utf8')).join('\n');
  const warnings = [...section('Test it after deploying').matchAll(/`(cdk-root-usage-alarm:\w+)`/g)].map((m) => m[1]);
  expect(warnings).toEqual(expect.arrayContaining(['cdk-root-usage-alarm:existingTopic', 'cdk-root-usage-alarm:importedKeyPolicy']));
  for (const warning of warnings) {
    expect(sources).toContain(`'${warning}'`);
  }
});

describe('step 3, the per-event path', () => {
  const withNotifier = new LandingZoneSecurityStack(new App(), 'LandingZoneSecurityEventNotifications', {
    securityEmails: ['security@example.com'],
    env: { account: '111122223333', region: REGION },
    eventNotifications: true,
  });
  const notifierTemplate = Template.fromStack(withNotifier).toJSON();
  const heading = '\n## Test it after deploying: the per-event message\n';
  const from = eventNotificationsPage.indexOf(heading);
  const next = eventNotificationsPage.indexOf('\n## ', from + 1);
  const step3 = eventNotificationsPage.slice(from, next === -1 ? undefined : next);

  test('the README links to it', () => {
    expect(eventNotificationsPage).toContain(heading);
    expect(testSection).toContain('docs/event-notifications.md#test-it-after-deploying-the-per-event-message');
  });

  test('the members it names exist on EventNotifier, the notifier\'s on LogPatternAlarm', () => {
    const notifier = assembly.types[`${assembly.name}.EventNotifier`];
    const properties = (notifier.properties ?? []).map((p: { name: string }) => p.name);
    expect(step3).toContain('rootUsage.eventNotifier.function.functionName');
    expect(step3).toContain('rootUsage.eventNotifier.failureQueue.queueUrl');
    expect(properties).toEqual(expect.arrayContaining(['function', 'failureQueue']));
    expect(assembly.types[`${assembly.name}.LogPatternAlarm`].properties.map((p: { name: string }) => p.name))
      .toContain('eventNotifier');
  });

  test('the function log group it tails is the one the construct creates', () => {
    expect(step3).toContain('aws logs tail "/aws/lambda/$FUNCTION"');
    const logGroups = Object.values<any>(notifierTemplate.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(1);
    expect(JSON.stringify(logGroups[0].Properties.LogGroupName)).toContain('/aws/lambda/');
  });

  test('the subscription filter it looks for is on the log group it names', () => {
    const [subscription] = Object.values<any>(notifierTemplate.Resources).filter((r) => r.Type === 'AWS::Logs::SubscriptionFilter');
    expect(optionValues(commands(step3), 'log-group-name')).toEqual([subscription.Properties.LogGroupName]);
  });

  test('every log message it quotes is one the handler writes', () => {
    const handlerSources = fs.readdirSync(path.join(root, 'src', 'private', 'event-notifier'))
      .map((f) => fs.readFileSync(path.join(root, 'src', 'private', 'event-notifier', f), 'utf8')).join('\n');
    const quoted = [...step3.matchAll(/`"message":"([^"]+)"/g)].map((m) => m[1]);
    expect(quoted.length).toBeGreaterThanOrEqual(4);
    for (const message of quoted) {
      expect(handlerSources).toContain(`'${message}'`);
    }
  });

  test('the phrase of the notifier\'s alarms is in both alarm descriptions', () => {
    const phrase = 'event details are not being delivered; the root-usage alarm still works';
    expect(step3).toContain(phrase);
    const descriptions = Object.values<any>(notifierTemplate.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && typeof r.Properties.AlarmDescription === 'string'
        && r.Properties.AlarmDescription.includes(phrase));
    expect(descriptions).toHaveLength(2);
  });
});
