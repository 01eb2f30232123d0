import { awscdk, DependencyType, javascript, ReleasableCommits } from 'projen';
import { addComplianceTests } from './projenrc/compliance';
import { addConsumerTests } from './projenrc/consumers';
import { addLocalAws } from './projenrc/local-aws';
import { addPackageMinimums } from './projenrc/package-minimums';
import { addReadmeTests, addRosettaExtract } from './projenrc/readme';
import { addReleaseTooling, RELEASE_ENVIRONMENT, releaseSetupSteps, upgradeOptions } from './projenrc/release';
import { planTestAll } from './projenrc/test-all';

// ---------------------------------------------------------------------------------------------
// PINNED TOOLING: these versions move together, by hand, in one pull request. The dependency-
// upgrade workflow leaves them alone (they are in PINNED_PACKAGES, its `exclude` list).
//
// Why: the dev aws-cdk-lib must stay inside the tooling window, >= 2.245 (the newest
// @aws-cdk/integ-tests-alpha needs it) and < 2.258 (integ-runner 2.197.x cannot read cloud
// assembly schema 54); the Go consumer (consumers/go/go.mod) requires the matching aws-cdk-go,
// constructs-go and cloud-assembly-schema-go, and test/pins.test.ts fails when go.mod and these
// constants disagree. (Our Go module itself is generated against the peer minimums, not the dev
// versions: projenrc/package-minimums.ts. So the cloud-assembly-schema pin no longer serves
// `package:go`; it keeps the npm side on the schema the Go consumer's aws-cdk-go uses.)
//
// How to move them:
//   1. CDK_DEV_VERSION: the new aws-cdk-lib. INTEG_TESTS_ALPHA_VERSION: `<CDK_DEV_VERSION>-alpha.0`
//      (or the newest alpha the new aws-cdk-lib satisfies). INTEG_RUNNER_VERSION and
//      CDK_CLI_VERSION: releases that read the cloud assembly schema of the new aws-cdk-lib
//      (aws-cdk-lib's package.json names its @aws-cdk/cloud-assembly-schema range).
//   2. CLOUD_ASSEMBLY_SCHEMA_FOR_GO: the version the `require` block of aws-cdk-go's go.mod
//      (github.com/aws/aws-cdk-go/awscdk/v2 at v<CDK_DEV_VERSION>) names for
//      cloud-assembly-schema-go. CONSTRUCTS_DEV_VERSION: the constructs release it requires.
//   3. consumers/go/go.mod: the same aws-cdk-go, constructs-go and cloud-assembly-schema-go
//      versions; then `npx projen`, `npx projen package-all` and `go mod tidy` in consumers/go.
//   4. `npx projen test:all`; if the integ snapshot changed, `npx projen integ:update` and review.
//      Commit package.json, the lockfile, go.mod, go.sum and the snapshot together.
// ---------------------------------------------------------------------------------------------

/** aws-cdk-lib used to build, test and synthesize here (inside the tooling window above). */
const CDK_DEV_VERSION = '2.257.0';
/** The constructs release that aws-cdk-lib CDK_DEV_VERSION (and aws-cdk-go) needs, for the build only. */
const CONSTRUCTS_DEV_VERSION = '10.5.1';
/** The @aws-cdk/cloud-assembly-schema whose Go module aws-cdk-go CDK_DEV_VERSION requires (see projenrc/consumers.ts). */
const CLOUD_ASSEMBLY_SCHEMA_FOR_GO = '53.25.0';
/** The integration test library, the integ-runner that reads CDK_DEV_VERSION's assemblies, and the CDK CLI. */
const INTEG_TESTS_ALPHA_VERSION = '2.245.0-alpha.0';
const INTEG_RUNNER_VERSION = '2.197.10';
const CDK_CLI_VERSION = '2.1115.1';

/** The npm packages of the pinned set: excluded from the dependency-upgrade workflow. */
const PINNED_PACKAGES = [
  'aws-cdk-lib',
  'constructs',
  '@aws-cdk/cloud-assembly-schema',
  '@aws-cdk/integ-tests-alpha',
  '@aws-cdk/integ-runner',
  'aws-cdk',
];
// ---------------------------------------------------------------------------------------------

/**
 * The lowest aws-cdk-lib users may pair the library with (the peer dependency). It is the
 * release that added `Annotations.addWarningV2`, the newest API the library uses;
 * `test:min-cdk` compiles the library and runs the unit tests against exactly this release.
 */
const CDK_MIN_VERSION = '2.93.0';
const CONSTRUCTS_MIN_VERSION = '10.0.5';

/** Names, consistent across registries (documented in README "Install"). */
const NAMES = {
  npm: 'cdk-root-usage-alarm',
  pypiDist: 'cdk-root-usage-alarm',
  pypiModule: 'cdk_root_usage_alarm',
  mavenGroup: 'io.github.cdk-root-usage-alarm',
  mavenArtifact: 'cdk-root-usage-alarm',
  javaPackage: 'io.github.cdkrootusagealarm',
  goModule: 'github.com/cdk-root-usage-alarm/cdk-root-usage-alarm-go',
  goPackage: 'cdkrootusagealarm',
};

/** Every task that may run CDK tooling gets these: nothing may probe the EC2 metadata address. */
const AWS_SAFE_ENV = {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  CDK_DISABLE_VERSION_CHECK: 'true',
};

const project = new awscdk.AwsCdkConstructLibrary({
  name: NAMES.npm,
  description:
    'AWS CDK construct that emails you within minutes whenever the root user of any account in your AWS Organization is used (CIS 4.3 / Security Hub CloudWatch.1), secure by default.',
  // The author is the project's GitHub organization, reached through the repository (issues,
  // security advisories): npm `author`, the wheel's `Author`, the POM's `<developer>` as
  // `<organization>` + `<organizationUrl>` (Maven Central needs a developer entry, name or
  // organization; npm and PyPI need no e-mail address). test/packages/package-minimums.test.ts
  // reads it back from the built packages.
  author: 'cdk-root-usage-alarm',
  authorAddress: 'https://github.com/cdk-root-usage-alarm',
  authorOrganization: true,
  repositoryUrl: 'https://github.com/cdk-root-usage-alarm/cdk-root-usage-alarm.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'aws-cdk', 'awscdk', 'root', 'root-user', 'cloudtrail', 'cloudwatch', 'alarm', 'cis', 'security-hub', 'control-tower', 'landing-zone'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  // Users: Node.js 22 or newer, the oldest line still maintained upstream (20 reached its end
  // of life in April 2026 and jsii 6 warns on it). Developers and CI: Node.js 24 (workflows,
  // `.ci/run`); the bump tool (commit-and-tag-version 13) needs 22 or newer.
  minNodeVersion: '22.0.0',

  cdkVersion: CDK_MIN_VERSION,
  constructsVersion: CONSTRUCTS_MIN_VERSION,
  peerDependencyOptions: { pinnedDevDependency: false },

  tsconfigDevFile: 'tsconfig.dev.json',
  // Lint everything TypeScript against tsconfig.dev.json (the project service would pick the
  // jsii tsconfig.json, which covers src/ only).
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'projenrc'],
    fileExtensions: ['.ts'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  sampleCode: false,

  // Releasing (CONTRIBUTING.md "Releasing"; the rest is in projenrc/release.ts).
  // The 0.x line while the API may still change, matching jsii `stability: 'experimental'`
  // above. On 0.x, `feat` and `fix` commits release the next patch version (0.0.1 -> 0.0.2) and a
  // breaking change (`feat!:` or a `BREAKING CHANGE:` footer) the next minor (0.0.2 -> 0.1.0).
  // 1.0.0 comes with `stability: 'stable'`, `majorVersion: 1` and semantic versioning's promise.
  majorVersion: 0,
  // Only `feat` and `fix` commits (and breaking changes) cut a release; chores, docs, CI and
  // dependency upgrades wait for the next one.
  releasableCommits: ReleasableCommits.featuresAndFixes(),
  github: true,
  githubOptions: {
    mergify: false,
    pullRequestLint: true,
    pullRequestLintOptions: {
      semanticTitleOptions: { types: ['feat', 'fix', 'chore', 'docs', 'test', 'refactor', 'build', 'ci', 'perf', 'revert'] },
    },
  },
  // Every workflow job on Node.js 24 (the Lambda runtime's major too): its npm (11.5.1 or newer)
  // is what npm trusted publishing needs in the npm publish job.
  workflowNodeVersion: '24',
  releaseWorkflowSetupSteps: releaseSetupSteps(),
  // projenrc/release.ts defines the build workflow: it runs test:all, not only build.
  buildWorkflow: false,
  depsUpgradeOptions: upgradeOptions(PINNED_PACKAGES),
  autoApproveUpgrades: false,

  // The event notifier's handler (src/event-notifier.lambda.ts) is bundled by projen's Lambda
  // auto-discovery into assets/event-notifier.lambda/index.js, which the npm tarball (and so the
  // wheel, jar and Go module) carries, and src/event-notifier-function.ts is generated for it.
  // The runtime is explicit: Node.js 24 is the newest Lambda Node.js runtime (Lambda docs,
  // "Lambda runtimes"); projen's default NODEJS_REGIONAL_LATEST would generate a call to
  // determineLatestNodeRuntime, which aws-cdk-lib 2.93.0 (the peer minimum) does not have.
  // The runtime's AWS SDK v3 (@aws-sdk/*) stays external, not bundled.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: {
      externals: ['@aws-sdk/*'],
      sourcemap: false,
      watchTask: false,
    },
  },

  // Publishing (CONTRIBUTING.md "Releasing"): every publish job runs in the GitHub environment
  // `release` (required reviewers, main only); npm and PyPI without any secret, through
  // trusted publishing (OIDC) with provenance / attestations; Maven Central and Go read the only
  // secrets left. projenrc/release.ts gates the release workflow on the repository variable
  // RELEASE_ENABLED, so nothing publishes before a maintainer turns it on.
  releaseEnvironment: RELEASE_ENVIRONMENT,
  npmTrustedPublishing: true,
  npmProvenance: true,
  publishToPypi: {
    distName: NAMES.pypiDist,
    module: NAMES.pypiModule,
    trustedPublishing: true,
    attestations: true,
  },
  publishToMaven: {
    mavenGroupId: NAMES.mavenGroup,
    mavenArtifactId: NAMES.mavenArtifact,
    javaPackage: NAMES.javaPackage,
    mavenServerId: 'central-ossrh',
  },
  publishToGo: {
    moduleName: NAMES.goModule,
    packageName: NAMES.goPackage,
  },

  devDeps: [
    `aws-cdk-lib@${CDK_DEV_VERSION}`,
    // Compliance and safety checks (see README "Proof"): cdk-nag 2.x is the line that supports
    // aws-cdk-lib < 2.258; the integ tooling pair below reads cloud assembly schema < 54.
    'cdk-nag@^2.38.2',
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA_VERSION}`,
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    // The CDK CLI, to synthesize the example app as a user would.
    `aws-cdk@${CDK_CLI_VERSION}`,
    // The event-notifier Lambda handler (src/event-notifier.lambda.ts): the AWS SDK v3 clients it
    // uses come with the Lambda Node.js runtime and are not bundled; here they give types and let
    // the handler tests mock them (aws-sdk-client-mock).
    '@aws-sdk/client-sns@^3',
    '@aws-sdk/client-organizations@^3',
    '@aws-sdk/client-dynamodb@^3',
    // Security Hub CSPM findings (eventNotifierOptions.securityHubFindings), in the same runtime SDK.
    '@aws-sdk/client-securityhub@^3',
    // Tests only: they drive the local AWS implementation (moto, projenrc/local-aws.ts).
    '@aws-sdk/client-eventbridge@^3',
    '@aws-sdk/client-sqs@^3',
    '@types/aws-lambda@^8',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    // Parses the generated workflows in test/workflows.test.ts.
    'yaml@^2',
  ],

  tsconfigDev: {
    compilerOptions: {},
    include: ['.projenrc.ts'],
    exclude: ['node_modules', 'lib', 'dist', '**/cdk.out', 'consumers', '**/*.snapshot'],
  },

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      // test/packages/ reads the packages in dist/: `test:package-minimums` runs it after package-all.
      // test/nag3/ runs in its own install with cdk-nag 3 (`test:nag3`).
      testPathIgnorePatterns: ['/node_modules/', '/consumers/', '<rootDir>/lib/', '<rootDir>/dist/', '<rootDir>/test/packages/', '<rootDir>/test/nag3/'],
      coveragePathIgnorePatterns: ['/node_modules/', '<rootDir>/test/'],
    },
  },

  gitignore: ['cdk.out/', '*.snapshot/asset.*', '.venv/', '/consumers/**/target/', '/consumers/**/.work/', '/.tmp/'],
});

// The constructs release that aws-cdk-lib ${CDK_DEV_VERSION} needs, for the build only.
project.deps.addDependency(`constructs@${CONSTRUCTS_DEV_VERSION}`, DependencyType.BUILD);

for (const [name, value] of Object.entries(AWS_SAFE_ENV)) {
  project.tasks.addEnvironment(name, value);
}

// The peer minimum (2.93.0) sits below the dev version on purpose (test:min-cdk proves it), so
// jsii's advice to pin the dev dependency to the peer minimum does not apply.
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');

// The TypeScript examples of the README and of docs/ must compile (fixtures in rosetta/).
addRosettaExtract(project);
project.gitignore.addPatterns('.jsii.tabl.json');

// esbuild (the Lambda bundler) ships its binary as an optional platform package and checks it in
// an install script; npm 11 runs a dependency's install scripts only for packages in
// `allowScripts`, so the project allows exactly that one (package.json, written by projen).
project.package.addField('allowScripts', { esbuild: true });

// Not part of the npm package (and so not of the wheel, jar or Go module that embed it).
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/.ci/');

// The example landing-zone app, synthesized as a user would (README: "Try it").
const exampleSynth = project.addTask('example:synth', {
  description: 'Synthesize the example landing-zone stack in examples/landing-zone',
  cwd: 'examples/landing-zone',
  exec: 'cdk synth --quiet && echo "Template: examples/landing-zone/cdk.out/LandingZoneSecurity.template.json"',
});

// The peer-dependency minimum, proven: the construct's unit tests against exactly that release.
const testMinCdk = project.addTask('test:min-cdk', {
  description: `Run the construct's unit tests against aws-cdk-lib ${CDK_MIN_VERSION}, the lowest version users may pair it with`,
  env: { MIN_CDK_VERSION: CDK_MIN_VERSION, MIN_CONSTRUCTS_VERSION: CONSTRUCTS_MIN_VERSION },
  exec: 'bash test/min-cdk/run.sh',
});

// Everything CI runs (README: "Run every test"): `npm ci && npx projen test:all`.
const testAll = project.addTask('test:all', {
  description: 'Build (compile, unit tests, lint, API.md, npm package), then every check that proves the packages and the template',
});
testAll.spawn(project.buildTask);
testAll.spawn(exampleSynth);
testAll.spawn(testMinCdk);

// Figures, not a test (README "Cost and limits"): synth time and template size of the CIS set.
project.addTask('bench:cis', {
  description: 'Report the synth time and template size of CisMonitoringAlarms next to RootUsageAlarm (a benchmark, not part of test:all)',
  exec: 'ts-node --project tsconfig.dev.json test/bench/cis-synth.bench.ts',
});
// Figures, not a test: the event notifier's handler time per 1,000 events (mocked SDK) and the
// size of its bundled asset (run after compile, which bundles it).
project.addTask('bench:event-notifier', {
  description: "Report the bundled event-notifier handler's time (wall and CPU) and memory in a plain Node.js process against a local fake of SNS, DynamoDB and Organizations: 1,000 events of one session, 100/1,000/5,000 sessions, 200 denied AssumeRoot calls, a store at 1.4 s per call, and the asset size (run `bundle` first; a benchmark, not part of test:all)",
  exec: 'TS_NODE_PROJECT=tsconfig.dev.json node --expose-gc -r ts-node/register test/bench/event-notifier.bench.ts',
});

addComplianceTests(project, testAll);
addLocalAws(project);
addConsumerTests(project, testAll, CLOUD_ASSEMBLY_SCHEMA_FOR_GO);
addReadmeTests(project, testAll);
addPackageMinimums(project, { testAll, cdkMinVersion: CDK_MIN_VERSION, constructsMinVersion: CONSTRUCTS_MIN_VERSION });
addReleaseTooling(project, { testAll, env: AWS_SAFE_ENV });

// The Python tools every check shares in .venv/ (moto and the AWS CLI, cfn-lint, shellcheck),
// installed before the jobs that use them run side by side, in one pip run (one resolver, one
// start) with the pins of the three install tasks, which stay for use on their own. Skipped when
// every tool is there already.
const toolInstalls = ['moto:install', 'cfn-lint:install', 'shellcheck:install'].map((name) => project.tasks.tryFind(name)!);
const PIP_PREFIX = '.venv/bin/pip install --quiet --disable-pip-version-check ';
const pipSpecs = toolInstalls.map((task) => {
  const install = task.steps.find((step) => step.exec?.startsWith(PIP_PREFIX));
  if (!install || !task.condition) throw new Error(`${task.name} has no "${PIP_PREFIX}..." step or no condition`);
  return install.exec!.slice(PIP_PREFIX.length);
});
project.addTask('venv:install', {
  description: 'Install the pinned Python tools of the tests into .venv/ in one pip run: moto and the AWS CLI, cfn-lint, shellcheck (skipped when all are there)',
  condition: toolInstalls.map((task) => `(${task.condition})`).join(' || '),
  steps: [
    { exec: 'python3 -m venv .venv' },
    { exec: PIP_PREFIX + pipSpecs.join(' ') },
  ],
});

// test:all: the build up to the compiled library, API.md and the translated docs, then every
// check as a job, three at a time, each when what it needs is there (projenrc/test-all.ts).
// Fresh clone on 2 cores: about 12 min one after the other, see CONTRIBUTING "Continuous integration".
// The library built (the Lambda bundle, jsii, API.md, the docs' translations): build's steps
// before its tests, as one job of test:all, so that the Python tools install meanwhile.
const buildLibrary = project.addTask('build:library', {
  description: 'The build up to the tests: bundle the Lambda handler, compile (jsii), API.md, the README\'s and docs/ translations',
});
for (const name of ['pre-compile', 'compile', 'post-compile']) {
  buildLibrary.spawn(project.tasks.tryFind(name)!);
}

planTestAll(project, testAll, {
  first: ['default'],
  maxParallel: 3,
  coveredBy: { 'test:consumers': ['test:consumers:typescript', 'test:consumers:python', 'test:consumers:java', 'test:consumers:go'] },
  jobs: [
    { task: 'build:library' },
    { task: 'venv:install' },
    { task: 'package-all', after: ['build:library'] },
    // jest on both cores: its slowest suites (the verify script against moto, the CDK CLI
    // lookup, cdk-nag) are the longest chain of test:all.
    { task: 'test', args: ['--maxWorkers=2'], after: ['build:library', 'venv:install'] },
    { task: 'test:consumers:java', after: ['package-all'] },
    { task: 'test:consumers:go', after: ['package-all'] },
    { task: 'test:consumers:python', after: ['package-all'] },
    { task: 'test:consumers:typescript', after: ['package-all'] },
    { task: 'test:readme:java', after: ['test:consumers:java'] },
    { task: 'test:readme:python', after: ['test:consumers:python'] },
    { task: 'test:package-minimums', after: ['package-all'] },
    { task: 'test:go-min', after: ['package-all'] },
    { task: 'test:nag3', after: ['build:library', 'venv:install'] },
    { task: 'test:min-cdk', after: ['build:library', 'venv:install'] },
    { task: 'integ:snapshot', after: ['build:library'] },
    { task: 'example:synth', after: ['build:library'] },
    { task: 'actionlint', after: ['venv:install'] },
  ],
});
project.synth();
