import { awscdk, Task } from 'projen';

/**
 * The cfn-lint release test/cfn-lint.test.ts runs. Pinned: a new cfn-lint rule must not turn the
 * build red without a change in this repository. Raise it deliberately.
 */
const CFN_LINT_VERSION = '1.58.0';

/**
 * cdk-nag 3 and the aws-cdk-lib it runs with in `test:nag3` (.tmp/nag3): cdk-nag 3 needs a newer
 * aws-cdk-lib than the pinned dev one (see the PINNED TOOLING comment in .projenrc.ts), so it is
 * proven in an install of its own. Pinned like cfn-lint: raise them deliberately.
 */
const NAG3_VERSION = '3.0.2';
const NAG3_CDK_VERSION = '2.276.0';

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
 * - `test:nag3` runs the cdk-nag test with cdk-nag 3 in an install of its own; `test:all` runs it.
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

  // cdk-nag 3: the library's acknowledgements with the major `npm install cdk-nag` gives today
  // (test/nag3/run.sh; the jest run here covers cdk-nag 2). About 35 s on a first install, 20 s after.
  const testNag3 = project.addTask('test:nag3', {
    description: `Run the cdk-nag test with cdk-nag ${NAG3_VERSION} and aws-cdk-lib ${NAG3_CDK_VERSION} (in .tmp/nag3): six packs, every variant, both kinds of stacks`,
    env: { NAG3_VERSION, NAG3_CDK_VERSION },
    exec: 'bash test/nag3/run.sh',
  });
  testAll.spawn(testNag3);

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
