/**
 * cfn-guard, through CDK policy validation with @cdklabs/cdk-validator-cfnguard and its bundled
 * AWS Control Tower proactive controls: no violation in any variant.
 *
 * A violation does not throw: synthesis prints a report, writes policy-validation-report.json
 * into the cloud assembly and sets `process.exitCode = 1`. So the test reads the report, and
 * restores the exit code (it would otherwise fail the whole jest run).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { VARIANTS } from './variants';

/**
 * Rules switched off, by variant (README "Proof" lists them). The plugin can only switch a rule
 * off for a whole app; each one here concerns a resource type the construct never creates.
 */
const ACKNOWLEDGED: Record<string, string[]> = {
  // CT.CLOUDWATCH.PR.3 wants every log group encrypted with a KMS key. The only log group is the
  // user's CloudTrail log group (the test stack stands in for the user); the construct creates
  // none and only reads this one through a metric filter (AWS Control Tower does not encrypt it).
  'log-group': ['ct-cloudwatch-pr-3'],
  // The per-event path (README "What the checks acknowledge"):
  // - CT.LAMBDA.PR.2 wants a service principal's invoke permission scoped by SourceArn or
  //   SourceAccount. It is scoped by both, but an environment-agnostic template writes them with
  //   the pseudo parameters AWS::AccountId and AWS::Region, which this static check does not read
  //   as strings; deployed, the values are resolved (the Control Tower hook sees them).
  // - CT.LAMBDA.PR.3 wants the function in a VPC: it calls only the SNS and Organizations APIs
  //   over TLS; a VPC would add NAT gateways or interface endpoints without protecting any data.
  // - CT.SQS.PR.1 wants a dead-letter queue for every queue: the queue is itself the function's
  //   on-failure destination, the end of the chain, with an alarm on it.
  'event-notifications': ['ct-lambda-pr-2', 'ct-lambda-pr-3', 'ct-sqs-pr-1'],
  // ct-lambda-pr-3 concerns Lambda functions, which the member template has none of: it is listed
  // because of a bug in the plugin (@cdklabs/cdk-validator-cfnguard, getRules): when a rule folder
  // holds two rules (sqs/) and one is disabled, the folder still yields one entry, its parent sees
  // as many entries as it has folders and passes itself whole, so nothing is disabled. A second
  // disabled rule in another folder breaks the tie.
  'real-time-member': ['ct-sqs-pr-1', 'ct-lambda-pr-3'],
};
// The real-time path feeds the per-event path (the same rules); its queues are the dead-letter
// queues of EventBridge rule targets (CT.SQS.PR.1 does not recognize them as such), the end of
// the chain, each with an alarm (the member accounts' queue: docs/real-time-alerts.md).
ACKNOWLEDGED['real-time'] = [...new Set([...ACKNOWLEDGED['event-notifications'], 'ct-sqs-pr-1'])];
// The management account's setup synthesizes both its stacks in one app, and the plugin checks
// the whole app: the central stack's per-event path (in an explicit environment, whose
// permission CT.LAMBDA.PR.2 reads), the dead-letter queues of EventBridge rule targets and the
// forwarders' alarm relay queue (each the end of its chain, with an alarm on it).
ACKNOWLEDGED['management-account-forwarder'] = ['ct-lambda-pr-3', 'ct-sqs-pr-1'];
ACKNOWLEDGED['management-account-central'] = ACKNOWLEDGED['management-account-forwarder'];
// memberForwarderAlarms: the same stacks as the management account's setup, and the member
// template with its alarms (the same queue; the bug above needs the second rule there too).
ACKNOWLEDGED['real-time-member-alarms'] = ACKNOWLEDGED['management-account-central'];
ACKNOWLEDGED['real-time-member-alarms-forwarder'] = ACKNOWLEDGED['management-account-forwarder'];
ACKNOWLEDGED['real-time-member-alarms-member'] = ACKNOWLEDGED['real-time-member'];
// The dashboard variant shows the per-event path (the same resources, the same rules); the dashboard
// itself is acknowledged nothing.
ACKNOWLEDGED.dashboard = ACKNOWLEDGED['event-notifications'];
// Declared expected root use and a high-priority AlarmTopic: the per-event path's resources and rules, and a topic like the main one.
ACKNOWLEDGED['expected-root-use'] = ACKNOWLEDGED['event-notifications'];
// Security Hub findings add one policy statement and one alarm to the dashboard variant: nothing
// acknowledged beyond the per-event path's.
ACKNOWLEDGED['security-hub-findings'] = ACKNOWLEDGED.dashboard;

interface GuardResult {
  /** One line per violation: rule, description, logical IDs. */
  readonly violations: string[];
  /** What synthesis printed. */
  readonly output: string;
}

/** Synthesizes an app under cfn-guard validation and returns what it found. */
function validate(build: (app: App) => void, disabledRules: string[] = []): GuardResult {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-guard-'));
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new CfnGuardValidator({ disabledRules }));
  build(app);

  const printed: string[] = [];
  const capture = (...args: unknown[]) => { printed.push(args.join(' ')); };
  const spies = [jest.spyOn(console, 'log'), jest.spyOn(console, 'error'), jest.spyOn(console, 'warn')]
    .map((spy) => spy.mockImplementation(capture));
  const exitCodeBefore = process.exitCode;
  try {
    app.synth();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  const failedExitCode = process.exitCode !== exitCodeBefore;
  process.exitCode = exitCodeBefore;

  const reportFile = path.join(outdir, 'policy-validation-report.json');
  const violations: string[] = [];
  if (!fs.existsSync(reportFile)) {
    violations.push('no policy-validation-report.json: did the validation run?');
  } else {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    for (const plugin of report.pluginReports ?? []) {
      for (const violation of plugin.violations ?? []) {
        const resources = (violation.violatingResources ?? [])
          .map((r: { resourceLogicalId?: string }) => r.resourceLogicalId)
          .filter((id: string | undefined) => id !== undefined);
        violations.push(`${violation.ruleName} (${violation.description}) on ${resources.join(', ')}`);
      }
      if (plugin.summary?.status !== 'success' && (plugin.violations ?? []).length === 0) {
        violations.push(`${plugin.summary?.pluginName}: ${plugin.summary?.status}`);
      }
    }
  }
  if (failedExitCode && violations.length === 0) {
    violations.push('synthesis set a failing exit code without a violation in the report');
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return { violations, output: printed.join('\n') };
}

test.each(VARIANTS)('no cfn-guard violation, variant $name', (variant) => {
  // WHEN
  const result = validate((app) => variant.build(app), ACKNOWLEDGED[variant.name]);

  // THEN
  expect(result.violations).toEqual([]);
  expect(result.output).toMatch(/cdk-validator-cfnguard\s*│\s*success/);
}, 60_000);

test('cfn-guard reports a violation: an alarm without actions', () => {
  // WHEN
  const result = validate((app) => {
    const stack = new Stack(app, 'Careless');
    new cloudwatch.Alarm(stack, 'SilentAlarm', {
      metric: new cloudwatch.Metric({ namespace: 'Careless', metricName: 'Events' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
  });

  // THEN
  expect(result.violations).toEqual([expect.stringMatching(/^cloudwatch_alarm_action_check .* on SilentAlarm/)]);
  expect(result.output).toMatch(/Validation failed/);
}, 60_000);
