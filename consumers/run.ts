/**
 * Consumer tests: for each language, install the package that `npx projen package-all` built in
 * dist/ into the consumer app under consumers/<language>, the way a user of that language installs
 * it; synthesize the app; and compare each of its stack templates with the reference synthesized
 * here from TypeScript (REFERENCE_STACKS). Only CDK metadata is ignored in the comparison.
 *
 * Usage: ts-node --project tsconfig.dev.json consumers/run.ts [typescript|python|java|go ...]
 * (`npx projen test:consumers`, or `test:consumers:<language>`). Nothing here calls AWS.
 * Exits non-zero when a package is missing, a step fails or a template differs.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { LandingZoneSecurityStack } from '../examples/landing-zone/stack';
import {
  AlarmTopic, CisControl, CisMonitoringAlarms, DayOfWeek, ExpectedRootUse, RealTimeRootAlerts, RootTaskPolicy, RootUsageAlarm, RootUsageDashboard,
  RootUseSeverity, StackSetCallAs,
} from '../src';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const CONSUMERS = __dirname;
const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).version;

const SECURITY_EMAILS = ['security@example.com', 'cloud-platform@example.com'];

/**
 * The stacks every consumer app synthesizes, each by its stack ID, and how the reference builds it
 * from TypeScript (the example app's classes and `src/`). Every consumer app must synthesize exactly
 * these stacks, env-agnostic; each template is compared with its reference. To add a variant (a
 * feature switched on, another construct), add an entry here and the same stack to every consumer
 * app in consumers/<language>.
 */
const REFERENCE_STACKS: Record<string, (app: App, id: string) => void> = {
  LandingZoneSecurity: (app, id) => new LandingZoneSecurityStack(app, id, {
    securityEmails: SECURITY_EMAILS,
    description: 'Landing zone security: email on any use of a root user in the organization (CIS 4.3)',
  }),
  // The CIS monitoring set: an enum list across the language boundary (excludeControls), an enum
  // argument (alarmFor) and a method on the alarm it returns.
  LandingZoneCis: (app, id) => {
    const stack = new Stack(app, id, { description: 'Landing zone security: the CIS monitoring alarms (Security Hub CloudWatch.1 to .14 but .2)' });
    const cis = new CisMonitoringAlarms(stack, 'Cis', {
      emailAddresses: SECURITY_EMAILS,
      metricNamespace: 'LandingZone/CIS',
      excludeControls: [CisControl.CLOUDWATCH_2],
    });
    new CfnOutput(stack, 'IamPolicyChangesTestCommand', {
      description: 'Sets the IAM policy changes alarm (CloudWatch.4) to ALARM once',
      value: cis.alarmFor(CisControl.CLOUDWATCH_4).testNotificationCommand(),
    });
  },
  // The same stack with the per-event path on: a bundled Lambda asset, whose hash must be the
  // same in every language (the packages carry the same bundle).
  LandingZoneSecurityEventNotifications: (app, id) => new LandingZoneSecurityStack(app, id, {
    securityEmails: SECURITY_EMAILS,
    description: 'Landing zone security: email and a message per root session on any use of a root user (CIS 4.3)',
    eventNotifications: true,
  }),
  // The real-time path: a construct instance as a prop (rootUsageAlarm), an enum (callAs), lists,
  // and the member template synthesized inside the library (the stack set's TemplateBody); the
  // dashboard: two construct instances as props and a Duration across the language boundary;
  // Security Hub findings: a nested struct (eventNotifierOptions) with a boolean.
  LandingZoneRealTime: (app, id) => {
    const stack = new Stack(app, id, { description: 'Landing zone security: root sign-ins and root use reported within seconds, organization-wide' });
    // Declared routine root work and a pager for the urgent messages: structs, an enum list and an enum across the boundary.
    const pager = new AlarmTopic(stack, 'Pager', { emailAddresses: ['oncall@example.com'] });
    const unlock: ExpectedRootUse = {
      name: 'RUN-12 unlock a bucket policy',
      callerArnPatterns: ['arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*'],
      taskPolicies: [RootTaskPolicy.S3_UNLOCK_BUCKET_POLICY],
      weeklyWindow: { dayOfWeek: DayOfWeek.TUESDAY, startHour: 9, duration: Duration.hours(2) },
    };
    const rootUsage = new RootUsageAlarm(stack, 'RootUsage', {
      emailAddresses: SECURITY_EMAILS,
      metricNamespace: 'LandingZone/Security',
      eventNotifications: true,
      eventNotifierOptions: { expectedRootUse: [unlock], highPriorityTopic: pager.topic, highPrioritySeverity: RootUseSeverity.HIGH, securityHubFindings: true },
    });
    const realTime = new RealTimeRootAlerts(stack, 'RealTime', {
      rootUsageAlarm: rootUsage,
      organizationalUnitIds: ['r-ab12'],
      organizationId: 'o-a1b2c3d4e5',
      regions: ['us-east-1', 'eu-west-1'],
      allRootApiCalls: true,
      callAs: StackSetCallAs.DELEGATED_ADMIN,
    });
    new CfnOutput(stack, 'EventBusArn', {
      description: 'The central event bus: a RootEventForwarder in another region of this account targets it',
      value: realTime.eventBus.eventBusArn,
    });
    new RootUsageDashboard(stack, 'Dashboard', {
      rootUsageAlarm: rootUsage,
      realTimeRootAlerts: realTime,
      dashboardName: 'landing-zone-root-use',
      timeRange: Duration.days(1),
    });
  },
};
const STACK_IDS = Object.keys(REFERENCE_STACKS).sort();

// Every template must be env-agnostic, and nothing may probe the EC2 metadata address.
for (const name of ['CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION', 'CDK_OUTDIR', 'CDK_CONTEXT_JSON']) {
  delete process.env[name];
}
Object.assign(process.env, {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  CDK_DISABLE_VERSION_CHECK: 'true',
  GOTOOLCHAIN: 'local', // build with the installed Go, never download a toolchain
});

/**
 * The context of a consumer's cdk.json (the feature flags `cdk init` writes), as the CDK CLI
 * hands it to the app: CDK_CONTEXT_JSON. The apps run without the CLI, so run.ts does the same.
 */
function appContext(language: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(CONSUMERS, language, 'cdk.json'), 'utf-8')).context ?? {};
}

function contextEnv(language: string): Record<string, string> {
  return { CDK_CONTEXT_JSON: JSON.stringify(appContext(language)) };
}

/** Runs a command, its output shown; throws unless it exits 0. */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): void {
  console.log(`$ (cd ${path.relative(ROOT, cwd) || '.'} && ${command} ${args.join(' ')})`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) {
    throw new Error(`cannot run ${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/** Returns `file`; throws if it does not exist (by default a package file: `hint` says so). */
function required(file: string, hint = 'run "npx projen package-all" first'): string {
  if (!fs.existsSync(file)) {
    throw new Error(`missing ${path.relative(ROOT, file)}: ${hint}`);
  }
  return file;
}

/** A fresh, empty per-run folder consumers/<language>/.work/<name> (git-ignored). */
function freshDir(language: string, name: string): string {
  const dir = path.join(CONSUMERS, language, '.work', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The SHA-256 of a file's content, in hex. */
function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Each consumer: installs the package from dist/, synthesizes the app into `outdir` (CDK_OUTDIR,
 * the app run directly, not through the CDK CLI); throws when a step fails.
 */
const CONSUMER_APPS: Record<string, (outdir: string) => void> = {
  /** npm: the tarball from dist/js into a fresh folder, compiled with tsc. */
  typescript(outdir) {
    const tarball = required(path.join(DIST, 'js', `cdk-root-usage-alarm@${VERSION}.jsii.tgz`));
    const app = freshDir('typescript', 'app');
    for (const file of ['package.json', 'tsconfig.json', 'app.ts']) {
      fs.copyFileSync(path.join(CONSUMERS, 'typescript', file), path.join(app, file));
    }
    run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball], app);
    run('npm', ['run', '--silent', 'build'], app);
    run('node', ['lib/app.js'], app, { CDK_OUTDIR: outdir, ...contextEnv('typescript') });
  },

  /** pip: the wheel from dist/python into a fresh virtual environment. */
  python(outdir) {
    const consumer = path.join(CONSUMERS, 'python');
    const wheel = required(path.join(DIST, 'python', `cdk_root_usage_alarm-${VERSION}-py3-none-any.whl`));
    const venv = freshDir('python', 'venv');
    run('python3', ['-m', 'venv', venv], consumer);
    const python = path.join(venv, 'bin', 'python');
    run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '-r', 'requirements.txt', wheel], consumer);
    run(python, ['app.py'], consumer, { CDK_OUTDIR: outdir, ...contextEnv('python') });
  },

  /** Maven: the artifact from the repository in dist/java (see pom.xml), the rest from Maven Central. */
  java(outdir) {
    const consumer = path.join(CONSUMERS, 'java');
    const repository = path.join(consumer, '.work', 'm2');
    const artifact = ['io', 'github', 'cdk-root-usage-alarm', 'cdk-root-usage-alarm'];
    const distJar = required(path.join(DIST, 'java', ...artifact, VERSION, `cdk-root-usage-alarm-${VERSION}.jar`));
    // The local repository caches downloads from Maven Central between runs; our own artifact is
    // removed every time, so Maven installs the one just built.
    fs.rmSync(path.join(repository, ...artifact), { recursive: true, force: true });
    run('mvn', ['--batch-mode', '--quiet', '--no-transfer-progress', `-Dmaven.repo.local=${repository}`,
      `-Dcdk-root-usage-alarm.version=${VERSION}`, 'clean', 'compile', 'exec:java'], consumer, { CDK_OUTDIR: outdir, ...contextEnv('java') });
    const installedJar = required(path.join(repository, ...artifact, VERSION, `cdk-root-usage-alarm-${VERSION}.jar`),
      'Maven did not install cdk-root-usage-alarm from dist/java');
    if (sha256(installedJar) !== sha256(distJar)) {
      throw new Error(`Maven used a cdk-root-usage-alarm ${VERSION} jar that is not the one in dist/java`);
    }
  },

  /** Go: go.mod `replace`s the module with dist/go/cdkrootusagealarm; go.sum is committed. */
  go(outdir) {
    const consumer = path.join(CONSUMERS, 'go');
    required(path.join(DIST, 'go', 'cdkrootusagealarm', 'go.mod'));
    const binary = path.join(freshDir('go', 'bin'), 'landingzone');
    try {
      run('go', ['build', '-o', binary, '.'], consumer);
    } catch (error) {
      throw new Error(`${(error as Error).message}; if dist/go/cdkrootusagealarm/go.mod changed, run "go mod tidy" in consumers/go and commit go.mod and go.sum`);
    }
    run(binary, [], consumer, { CDK_OUTDIR: outdir, ...contextEnv('go') });
  },
};

/** The template without CDK metadata: the CDKMetadata resource and condition, and resource Metadata. */
function withoutCdkMetadata(template: any): any {
  const copy = JSON.parse(JSON.stringify(template));
  delete copy.Resources?.CDKMetadata;
  delete copy.Conditions?.CDKMetadataAvailable;
  if (copy.Conditions && Object.keys(copy.Conditions).length === 0) {
    delete copy.Conditions;
  }
  for (const resource of Object.values<any>(copy.Resources ?? {})) {
    delete resource.Metadata;
  }
  return copy;
}

/** JSON with object keys sorted, so that equal templates print equal. */
function canonicalJson(value: unknown): string {
  const sortKeys = (v: any): any => Array.isArray(v) ? v.map(sortKeys)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]))
      : v;
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

/**
 * Reads the stack templates synthesized into `outdir`, each without CDK metadata, as canonical
 * JSON by stack ID; throws unless the cloud assembly has exactly the stacks of REFERENCE_STACKS,
 * each env-agnostic.
 */
function readTemplates(outdir: string): Record<string, string> {
  const manifest = JSON.parse(fs.readFileSync(required(path.join(outdir, 'manifest.json'), 'the app synthesized nothing'), 'utf-8'));
  const stacks = Object.entries<any>(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id]) => id)
    .sort();
  if (JSON.stringify(stacks) !== JSON.stringify(STACK_IDS)) {
    throw new Error(`the app must synthesize the stacks ${STACK_IDS.join(', ')}; found ${stacks.join(', ') || 'none'}`);
  }
  const templates: Record<string, string> = {};
  for (const id of STACK_IDS) {
    const environment = manifest.artifacts[id].environment;
    if (environment !== 'aws://unknown-account/unknown-region') {
      throw new Error(`stack ${id} must be synthesized env-agnostic, found environment ${environment}`);
    }
    const file = required(path.join(outdir, `${id}.template.json`), `the app synthesized no template for stack ${id}`);
    templates[id] = canonicalJson(withoutCdkMetadata(JSON.parse(fs.readFileSync(file, 'utf-8'))));
  }
  return templates;
}

/**
 * The reference: every stack of REFERENCE_STACKS, synthesized here from TypeScript, no env, with
 * the feature flags of the consumers' cdk.json (test/app-flags.test.ts keeps the four equal).
 */
function synthesizeReference(languages: string[]): Record<string, string> {
  // One folder per set of languages: test:all runs the languages as parallel jobs.
  const outdir = path.join(CONSUMERS, '.work', `reference-${languages.join('-')}`, 'cdk.out');
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir, context: appContext('typescript') });
  for (const id of STACK_IDS) {
    REFERENCE_STACKS[id](app, id);
  }
  app.synth();
  return readTemplates(outdir);
}

/** Fails with a unified diff per stack whose template in the consumer's app is not the reference. */
function compare(language: string, reference: Record<string, string>, actual: Record<string, string>): void {
  const differing = STACK_IDS.filter((id) => actual[id] !== reference[id]);
  if (differing.length === 0) {
    return;
  }
  const dir = path.join(CONSUMERS, language, '.work');
  for (const id of differing) {
    const referenceFile = path.join(dir, `${id}.reference.template.json`);
    const actualFile = path.join(dir, `${id}.${language}.template.json`);
    fs.writeFileSync(referenceFile, reference[id]);
    fs.writeFileSync(actualFile, actual[id]);
    spawnSync('diff', ['-u', '--label', `reference ${id}`, referenceFile,
      '--label', `${language} consumer ${id}`, actualFile], { stdio: 'inherit' });
  }
  throw new Error(`the ${language} consumer's template of ${differing.join(', ')} differs from the reference: diff above, files in ${path.relative(ROOT, dir)} `
    + '(if src/ changed since dist/ was built: npx projen compile && npx projen package-all)');
}

function main(): void {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((language) => !(language in CONSUMER_APPS));
  if (unknown.length > 0) {
    throw new Error(`unknown language(s) ${unknown.join(', ')}; known: ${Object.keys(CONSUMER_APPS).join(', ')}`);
  }
  const languages = requested.length > 0 ? requested : Object.keys(CONSUMER_APPS);

  let start = Date.now();
  const reference = synthesizeReference(languages);
  console.log(`reference templates (${STACK_IDS.join(', ')}) synthesized in ${((Date.now() - start) / 1000).toFixed(1)} s`);

  const results: { language: string; seconds: number; error?: string }[] = [];
  for (const language of languages) {
    console.log(`\n=== ${language}: install the package from dist/, synthesize, compare`);
    start = Date.now();
    let error: string | undefined;
    try {
      const outdir = path.join(CONSUMERS, language, '.work', 'cdk.out');
      fs.rmSync(outdir, { recursive: true, force: true });
      CONSUMER_APPS[language](outdir);
      compare(language, reference, readTemplates(outdir));
    } catch (e) {
      error = (e as Error).message;
    }
    const seconds = (Date.now() - start) / 1000;
    results.push({ language, seconds, error });
    console.log(error ? `=== ${language}: FAILED after ${seconds.toFixed(1)} s: ${error}` : `=== ${language}: every template matches its reference (${seconds.toFixed(1)} s)`);
  }

  console.log('\nConsumer tests:');
  for (const { language, seconds, error } of results) {
    console.log(`  ${language.padEnd(10)} ${error ? 'FAILED' : 'ok    '} ${seconds.toFixed(1).padStart(6)} s${error ? `  ${error}` : ''}`);
  }
  const failed = results.filter((result) => result.error).length;
  console.log(`consumers: ${results.length - failed} passed, ${failed} failed`);
  if (failed > 0) {
    process.exitCode = 1;
  }
}

try {
  main();
} catch (e) {
  console.error(`consumer tests: ${(e as Error).message}`);
  process.exitCode = 1;
}
