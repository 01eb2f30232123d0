import { awscdk, Task } from 'projen';

/**
 * The cfn-lint release test/cfn-lint.test.ts runs. Pinned: a new cfn-lint rule must not turn the
 * build red without a change in this repository. Raise it deliberately.
 */
const CFN_LINT_VERSION = '1.58.0';

/** integ-runner over the TypeScript integration tests `test/integ.*.ts`. */
const INTEG_RUNNER = 'integ-runner --directory test --language typescript';

/**
 * The proof of compliance and safety (README "Proof"):
 *
 * - `cfn-lint:install` puts the pinned cfn-lint into `.venv/` (git-ignored); the `test` task
 *   runs it first, so that jest's cfn-lint test finds it.
 * - `integ:snapshot` checks, without AWS, that the integration test still synthesizes exactly
 *   its committed snapshot; `test:all` runs it.
 * - `integ:update` rewrites that snapshot after a deliberate change, without deploying.
 *
 * Every task inherits the project-wide AWS_EC2_METADATA_DISABLED and AWS_REGION.
 */
export function addComplianceTests(project: awscdk.AwsCdkConstructLibrary, testAll: Task): void {
  const cfnLintInstall = project.addTask('cfn-lint:install', {
    description: `Install cfn-lint ${CFN_LINT_VERSION} into .venv/ (skipped when it is already there)`,
    condition: `! .venv/bin/cfn-lint --version 2>/dev/null | grep -qx "cfn-lint ${CFN_LINT_VERSION}"`,
    steps: [
      { exec: 'python3 -m venv .venv' },
      { exec: `.venv/bin/pip install --quiet --disable-pip-version-check "cfn-lint==${CFN_LINT_VERSION}"` },
    ],
  });
  project.testTask.prependSpawn(cfnLintInstall);

  // Snapshot mode: synthesizes each test/integ.*.ts and compares it with its committed
  // *.snapshot directory; fails on any difference and deploys nothing.
  const integSnapshot = project.addTask('integ:snapshot', {
    description: 'Check that the integration tests synthesize exactly their committed snapshots (no AWS access)',
    exec: INTEG_RUNNER,
  });
  testAll.spawn(integSnapshot);
  // integ-runner bundles the assertion handler into the snapshot (2 MB); snapshot mode does not
  // read it and a deployment rebuilds it. (A pattern without `**/` would only match at the root.)
  project.gitignore.addPatterns('**/*.snapshot/asset.*');

  project.addTask('integ:update', {
    description: 'Rewrite the integration test snapshots without deploying (after a deliberate change; deploy it to an account to prove it)',
    exec: `${INTEG_RUNNER} --dry-run --force`,
  });
}
