/**
 * Runs the pinned cfn-lint (`npx projen cfn-lint:install` puts it into .venv/; the `test` task
 * runs that first) over templates, in one run (cfn-lint starts slowly). Used by the cfn-lint and
 * the feature-flag tests; test:min-cdk copies both into .tmp/min-cdk, so the .venv is looked for
 * in the directories above this file. Without cfn-lint the run fails: it never skips.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A template cfn-lint must reject (an alarm with a misspelt property): proof that a run really lints. */
export const BROKEN_TEMPLATE = {
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

function findCfnLint(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.venv', 'bin', 'cfn-lint');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error('cfn-lint is not installed in .venv/: run `npx projen cfn-lint:install` (`npx projen test` does).');
}

/**
 * Lints each template (name to template JSON) and returns the findings (errors, warnings and
 * informational lines, cfn-lint's parseable format) of each name; a name without findings maps
 * to an empty list. Lines that name no known file are under '(unknown file)'.
 */
export function lintTemplates(templates: Record<string, unknown>): Map<string, string[]> {
  const cfnLint = findCfnLint();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  try {
    const files = new Map<string, string>();
    for (const [name, template] of Object.entries(templates)) {
      const file = path.join(dir, `${name}.template.json`);
      fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
      files.set(file, name);
    }
    // Exit code 0 = clean; other codes are bit flags (2 error, 4 warning, 8 informational), so
    // findings are read per file from the output.
    const run = spawnSync(cfnLint, ['--format', 'parseable', '--regions', 'us-east-1', '--', ...files.keys()], { encoding: 'utf8' });
    if (run.error || run.status === null || run.status === 1 || run.status > 15) {
      throw new Error(`cfn-lint failed to run (status ${run.status}): ${run.error ?? run.stderr}`);
    }
    const findings = new Map<string, string[]>(Object.keys(templates).map((name) => [name, []]));
    for (const line of run.stdout.split('\n').filter((l) => l.trim() !== '')) {
      const file = [...files.keys()].find((f) => line.startsWith(`${f}:`));
      const name = file ? files.get(file)! : '(unknown file)';
      findings.set(name, [...(findings.get(name) ?? []), line]);
    }
    return findings;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
