/**
 * cdk-nag 3: no finding, error or warning, of its six packs in any variant, environment-agnostic
 * or in an explicit environment, nor in the docs' Chat example as written (test/nag-cases.ts, the
 * same cases as test/cdk-nag.test.ts for cdk-nag 2). cdk-nag 3 is a policy validation plugin
 * (`Validations.of(app).addPlugins(...)`) that honours only CDK's own acknowledgements; it reports
 * into the cloud assembly's policy-validation-report.json, which the test reads.
 *
 * Runs in .tmp/nag3 with cdk-nag 3 and a matching aws-cdk-lib: `npx projen test:nag3`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as nag from 'cdk-nag';
import { findConstruct, NAG_CASES, PACKS } from '../nag-cases';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CDK_VERSION: string = require('aws-cdk-lib/package.json').version;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NAG_VERSION: string = require('cdk-nag/package.json').version;

/** Each finding of the app, as "<rule>: <construct path>", by pack prefix. */
function synthFindings(app: App): Map<string, string[]> {
  for (const pack of PACKS) {
    const Pack = (nag as unknown as Record<string, new (scope?: unknown) => any>)[pack.className];
    Validations.of(app).addPlugins(new Pack(app));
  }
  const assembly = app.synth();
  // validation-report.json (cx-api VALIDATION_REPORT_FILE) in newer aws-cdk-lib, policy-validation-report.json before.
  const reportFile = path.join(assembly.directory, (cxapi as any).VALIDATION_REPORT_FILE ?? 'policy-validation-report.json');
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const byPack = new Map<string, string[]>(PACKS.map((p) => [p.prefix as string, []]));
  // Only the packs' reports: newer aws-cdk-lib adds its own template checks as another source.
  const packNames = new Set(PACKS.map((p) => p.prefix as string));
  for (const pluginReport of (report.pluginReports ?? []).filter((r: any) => packNames.has(r.pluginName))) {
    for (const violation of pluginReport.violations ?? []) {
      const prefix = PACKS.find((p) => violation.ruleName.startsWith(`${p.prefix}-`))?.prefix ?? '(other)';
      const paths = (violation.violatingConstructs ?? violation.violatingResources ?? [])
        .map((r: any) => r.constructPath ?? r.resourceLogicalId ?? JSON.stringify(r));
      byPack.set(prefix, [...(byPack.get(prefix) ?? []), ...paths.map((p: string) => `${violation.ruleName}: ${p}`)]);
    }
  }
  return byPack;
}

function newApp(): App {
  // Report, don't throw: the test reads every finding.
  return new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
}

test('runs cdk-nag 3 with the aws-cdk-lib it needs', () => {
  expect(NAG_VERSION).toMatch(/^3\./);
  expect(CDK_VERSION).toBe(process.env.NAG3_CDK_VERSION);
  expect(NAG_VERSION).toBe(process.env.NAG3_VERSION);
});

describe.each(NAG_CASES)('cdk-nag 3, $name', (nagCase) => {
  let findings: Map<string, string[]>;

  beforeAll(() => {
    // GIVEN
    const app = newApp();
    const stack = nagCase.build(app);
    for (const [resourcePath, acknowledgements] of Object.entries(nagCase.acknowledged)) {
      Validations.of(findConstruct(stack, resourcePath)).acknowledge(...acknowledgements);
    }
    // WHEN
    findings = synthFindings(app);
  });

  test.each(PACKS)('no $prefix finding', ({ prefix }) => {
    // THEN
    expect(findings.get(prefix)).toEqual([]);
  });

  test('no finding of a pack under another rule prefix', () => {
    expect(findings.get('(other)')).toBeUndefined();
  });
});

test('every pack reports a stack that breaks its rules', () => {
  // GIVEN: an unencrypted topic, an unencrypted log group, an alarm that notifies nobody, a
  // function without tracing or dead-letter queue
  const app = newApp();
  const stack = new Stack(app, 'Careless');
  new sns.Topic(stack, 'PlainTopic');
  new lambda.Function(stack, 'PlainFunction', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  const logGroup = new logs.LogGroup(stack, 'PlainLogGroup');
  new cloudwatch.Alarm(stack, 'SilentAlarm', {
    metric: new cloudwatch.Metric({ namespace: 'Careless', metricName: 'Events', dimensionsMap: { LogGroup: logGroup.logGroupName } }),
    threshold: 1,
    evaluationPeriods: 1,
    actionsEnabled: false,
  });

  // WHEN
  const findings = synthFindings(app);

  // THEN
  for (const { prefix } of PACKS) {
    expect({ prefix, reported: findings.get(prefix)!.length > 0 }).toEqual({ prefix, reported: true });
  }
});
