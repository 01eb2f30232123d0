/**
 * cfn-lint: no error and no warning on the synthesized template of any variant.
 *
 * cfn-lint is the pinned release that `npx projen cfn-lint:install` puts into .venv/ (the `test`
 * task runs it before jest). Without it this test fails: it never skips.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { VARIANTS } from './variants';

const CFN_LINT = path.join(__dirname, '..', '.venv', 'bin', 'cfn-lint');

/**
 * A template cfn-lint must reject (an alarm with a misspelt property), linted in the same run:
 * proof that the run really lints.
 */
const BROKEN_TEMPLATE = {
  Resources: {
    Alarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        Threshhold: 1,
        MetricName: 'M',
        Namespace: 'N',
        Period: 60,
        Statistic: 'Sum',
      },
    },
  },
};

/** The findings of the run, keyed by template file. */
const findingsByFile = new Map<string, string[]>();
let dir: string;

beforeAll(() => {
  if (!fs.existsSync(CFN_LINT)) {
    throw new Error(`cfn-lint is not installed at ${CFN_LINT}: run \`npx projen cfn-lint:install\` (\`npx projen test\` does).`);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  const files = [
    ...VARIANTS.map((variant) => writeTemplate(variant.name, Template.fromStack(variant.build(new App()).stack).toJSON())),
    writeTemplate('broken', BROKEN_TEMPLATE),
  ];

  // One run for every template: cfn-lint starts slowly. Exit code 0 = clean; other codes are
  // bit flags (2 error, 4 warning, 8 informational), so findings are read per file from the output.
  const run = spawnSync(CFN_LINT, ['--format', 'parseable', '--regions', 'us-east-1', '--', ...files], { encoding: 'utf8' });
  if (run.error || run.status === null || run.status === 1 || run.status > 15) {
    throw new Error(`cfn-lint failed to run (status ${run.status}): ${run.error ?? run.stderr}`);
  }
  for (const line of run.stdout.split('\n').filter((l) => l.trim() !== '')) {
    const file = files.find((f) => line.startsWith(`${f}:`)) ?? '(unknown file)';
    findingsByFile.set(file, [...(findingsByFile.get(file) ?? []), line]);
  }
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function writeTemplate(name: string, template: unknown): string {
  const file = path.join(dir, `${name}.template.json`);
  fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
  return file;
}

function findings(name: string): string[] {
  return findingsByFile.get(path.join(dir, `${name}.template.json`)) ?? [];
}

test.each(VARIANTS)('no cfn-lint error or warning, variant $name', ({ name }) => {
  expect(findings(name)).toEqual([]);
});

test('no finding on an unknown file', () => {
  expect(findingsByFile.get('(unknown file)')).toBeUndefined();
});

test('cfn-lint rejects a broken template in the same run', () => {
  expect(findings('broken').join('\n')).toMatch(/:E\d+:/);
});
