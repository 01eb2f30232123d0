/**
 * Every synthesis-time validation error of the library is one kind of error with one shape:
 * a `ValidationError` (src/private/validation.ts) whose message is
 * `<Construct> at <construct path>: <what> <rule>` (`<Construct>: ...` from a static method).
 * Python, Java and Go see only the message (the jsii runtime raises its own error type there), so
 * the shape is what every language can rely on. jsii refuses to export a class that extends
 * `Error` (JSII3001), which is why the class itself stays private.
 *
 * Two checks: each construct's validation errors, triggered, have that type and shape; and no
 * synthesis-time code in src/ throws anything else (a scan of the source).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AlarmTopic, CisControl, CisMonitoringAlarms, EventNotifier, LogPatternAlarm, RealTimeRootAlerts, RootEventForwarder, RootUsageAlarm,
  RootUsageDashboard,
} from '../src';
import { ValidationError } from '../src/private/validation';

const CONSTRUCTS = ['AlarmTopic', 'CisMonitoringAlarms', 'EventNotifier', 'LogPatternAlarm', 'RealTimeRootAlerts', 'RootEventForwarder', 'RootUsageAlarm', 'RootUsageDashboard'];
/** `<Construct> at <path>: <what> <rule>`, or `<Construct>: <what> <rule>`. */
const SHAPE = new RegExp(`^(${CONSTRUCTS.join('|')})( at [^\\s:]+)?: \\S+ \\S`);
const EMAIL = 'security@example.com';

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'eu-west-1' } });
}

/** The error `fn` throws (fails if it throws none). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a validation error, none was thrown');
}

const CASES: Array<[string, string, () => unknown]> = [
  ['RootUsageAlarm', 'metricNamespace', () => new RootUsageAlarm(newStack(), 'RootUsage', { emailAddresses: [EMAIL], metricNamespace: 'AWS/Security' })],
  ['RootUsageAlarm', 'emailAddresses', () => new RootUsageAlarm(newStack(), 'RootUsage', {})],
  ['RootUsageAlarm', 'emailAddresses[0]', () => new RootUsageAlarm(newStack(), 'RootUsage', { emailAddresses: ['not an address'] })],
  ['RootUsageAlarm', 'period', () => new RootUsageAlarm(newStack(), 'RootUsage', { emailAddresses: [EMAIL], period: Duration.seconds(30) })],
  ['LogPatternAlarm', 'eventFilterPattern', () => new LogPatternAlarm(newStack(), 'Alarm', {
    emailAddresses: [EMAIL], filterPattern: RootUsageAlarm.FILTER_PATTERN, metricName: 'Root', eventFilterPattern: RootUsageAlarm.FILTER_PATTERN,
  })],
  ['AlarmTopic', 'emailAddresses', () => new AlarmTopic(newStack(), 'Topic', { emailAddresses: [EMAIL, EMAIL] })],
  ['CisMonitoringAlarms', 'controls', () => new CisMonitoringAlarms(newStack(), 'Cis', { emailAddresses: [EMAIL], controls: [] })],
  ['CisMonitoringAlarms', 'controls', () => new CisMonitoringAlarms(newStack(), 'Cis', { emailAddresses: [EMAIL], controls: [CisControl.CLOUDWATCH_2, CisControl.CLOUDWATCH_2] })],
  ['CisMonitoringAlarms', 'alarmFor(CisControl.CLOUDWATCH_4)', () => new CisMonitoringAlarms(newStack(), 'Cis', {
    emailAddresses: [EMAIL], controls: [CisControl.CLOUDWATCH_3],
  }).alarmFor(CisControl.CLOUDWATCH_4)],
  ['CisMonitoringAlarms', 'control', () => CisMonitoringAlarms.filterPatternOf('CloudWatch.0' as CisControl)],
  ['EventNotifier', 'filterPattern', () => {
    const stack = newStack();
    return new EventNotifier(stack, 'Notifier', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'aws-controltower/CloudTrailLogs'),
      topic: new sns.Topic(stack, 'Topic'),
      filterPattern: '{ $.eventName = "ConsoleLogin" }',
    });
  }],
  ['RealTimeRootAlerts', 'rootUsageAlarm', () => {
    const stack = newStack();
    return new RealTimeRootAlerts(stack, 'RealTime', {
      rootUsageAlarm: new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL] }),
      organizationalUnitIds: ['r-ab12'],
      organizationId: 'o-a1b2c3d4e5',
    });
  }],
  ['RootEventForwarder', 'eventBusArn', () => new RootEventForwarder(newStack(), 'Forwarder', { eventBusArn: 'not-an-arn' })],
  ['RootUsageDashboard', 'rootUsageAlarm', () => new RootUsageDashboard(newStack(), 'Dashboard', {})],
  ['RootUsageDashboard', 'timeRange', () => {
    const stack = newStack();
    const rootUsageAlarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL] });
    return new RootUsageDashboard(stack, 'Dashboard', { rootUsageAlarm, timeRange: Duration.seconds(30) });
  }],
];

test.each(CASES)('%s: a bad %s is a ValidationError of the one shape', (construct, what, fn) => {
  // WHEN the construct gets bad input
  const err = thrownBy(fn);

  // THEN the error is the library's, and its message names the construct, its path, what and why
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as Error).name).toBe('ValidationError');
  const message = (err as Error).message;
  expect(message).toMatch(SHAPE);
  expect(message.startsWith(`${construct} at Stack/`) || message.startsWith(`${construct}: `)).toBe(true);
  expect(message).toContain(`: ${what} `);
  // named as every language knows it: no TypeScript object syntax
  expect(message).not.toMatch(/\b[a-z]\w*: (true|false|\[|\{)/);
});

test('no synthesis-time code in src/ throws anything but a ValidationError', () => {
  // GIVEN every source file that runs at synthesis (the Lambda handler and its private modules
  // run in AWS Lambda, where their errors are logged and retried, not shown to a CDK user)
  const src = path.join(__dirname, '..', 'src');
  const files = (fs.readdirSync(src, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.lambda.ts') && !f.startsWith(path.join('private', 'event-notifier')));
  // src/private/nag.ts asserts the library's own cdk-nag metadata: a failure there is a bug of the
  // library, not bad input, and no user can trigger it
  // and src/private/tamper-pattern.ts asserts that the library's own resource names, all checked
  // before (log group names) or generated, cannot break the pattern's quoting
  const bugChecks = ['private/nag.ts', 'private/tamper-pattern.ts'];

  // THEN each `throw` is a ValidationError, with a message that starts with its owner
  const offenders: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(src, file), 'utf8');
    for (const m of text.matchAll(/\bthrow\s+([^;]{0,80})/g)) {
      if (bugChecks.includes(file.split(path.sep).join('/'))) continue;
      if (!/^new ValidationError\(\s*`(\$\{owner\}|\$\{this\.owner\}|[A-Z]\w+( at \$\{this\.node\.path\})?): /.test(m[1])) {
        offenders.push(`${file}: throw ${m[1]}`);
      }
    }
    for (const m of text.matchAll(/new (PropValidator|RealTimeValidator)\(([^)]*)\)/g)) {
      if (m[2] === 'private readonly owner: string') continue;
      if (!/^`(\$\{this\.constructor\.name\}|[A-Z]\w+) at \$\{this\.node\.path\}`$|^owner$/.test(m[2])) {
        offenders.push(`${file}: new ${m[1]}(${m[2]})`);
      }
    }
  }
  expect(offenders).toEqual([]);
  expect(files.length).toBeGreaterThan(10);
});
