/**
 * The GitHub workflows projen generates (.projenrc.ts, projenrc/release.ts) do what
 * CONTRIBUTING.md ("Releasing") promises. actionlint (`npx projen actionlint`) checks that they
 * are valid workflows; this checks what they run, when, and with which credentials.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { RELEASE_ENVIRONMENT, RELEASE_GATE } from '../projenrc/release';

const root = path.join(__dirname, '..');
const workflows = path.join(root, '.github', 'workflows');
const read = (name: string) => fs.readFileSync(path.join(workflows, name), 'utf8');
const parse = (name: string) => YAML.parse(read(name));
const ciRun = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
const contributing = fs.readFileSync(path.join(root, 'CONTRIBUTING.md'), 'utf8');

/** The publish jobs of the release workflow and the registry each publishes to. */
const PUBLISH_JOBS = ['release_github', 'release_npm', 'release_pypi', 'release_maven', 'release_golang'];

/** The secrets of the release workflow: Maven Central's and the Go repository's, nothing else. */
const RELEASE_SECRETS = [
  'GITHUB_TOKEN',
  'MAVEN_USERNAME', 'MAVEN_PASSWORD', 'MAVEN_GPG_PRIVATE_KEY', 'MAVEN_GPG_PRIVATE_KEY_PASSPHRASE',
  'GO_GITHUB_TOKEN',
];

/** The secrets a job reads (`${{ secrets.X }}` anywhere in it). */
function secretsOf(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/secrets\.(\w+)/g)].map((m) => m[1]);
}

/** The environment variables the steps of a job set. */
function stepEnv(job: any): Record<string, string> {
  return Object.assign({}, job.env ?? {}, ...job.steps.map((step: any) => step.env ?? {}));
}

/** The jobs a job depends on, directly or through other jobs. */
function ancestors(jobs: Record<string, any>, name: string): Set<string> {
  const found = new Set<string>();
  const visit = (job: string) => {
    for (const need of [jobs[job].needs ?? []].flat() as string[]) {
      if (!found.has(need)) {
        found.add(need);
        visit(need);
      }
    }
  };
  visit(name);
  return found;
}

describe('build workflow', () => {
  test('runs what .ci/run runs, on pull requests and on main, on Node.js 24', () => {
    // GIVEN
    const text = read('build.yml');
    const build = parse('build.yml');

    // WHEN
    const steps = build.jobs.build.steps;

    // THEN
    expect(ciRun).toMatch(/^npm ci && npx projen test:all$/m);
    expect(steps.map((s: any) => s.run)).toEqual(expect.arrayContaining(['npm ci', 'npx projen test:all']));
    expect(text).not.toMatch(/run: npx projen build$/m);
    expect(Object.keys(build.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(build.on.push.branches).toEqual(['main']);
    expect(steps.find((s: any) => s.uses?.startsWith('actions/setup-node@')).with['node-version']).toBe('24');
    for (const action of ['actions/setup-python@', 'actions/setup-java@', 'actions/setup-go@']) {
      expect(text).toContain(`uses: ${action}`);
    }
    expect(text).toMatch(/java-version: "17"/);
    expect(build.jobs.build.env).toMatchObject({ AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-east-1' });
    // A build that changes a committed file fails, as in .ci/run.
    expect(text).toContain('- name: Fail build on mutation');
  });

  test('.ci/run builds on the Node.js major the workflows use, fetched from the npm registry when older', () => {
    // GIVEN
    const workflowNode = parse('build.yml').jobs.build.steps.find((s: any) => s.uses?.startsWith('actions/setup-node@')).with['node-version'];

    // WHEN
    const ciNode = ciRun.match(/^NODE_MAJOR=(\d+)$/m)?.[1];

    // THEN
    expect(ciNode).toBe(workflowNode);
    expect(ciRun).toContain('npm pack --silent "node-linux-$node_arch@$NODE_MAJOR"');
    expect(ciRun).toContain('export PATH="$node_dir/bin:$PATH"');
    expect(ciRun.indexOf('export PATH="$node_dir/bin:$PATH"')).toBeLessThan(ciRun.indexOf('npm ci && npx projen test:all'));
  });

  test('uses no action release that runs on the deprecated node20 runtime', () => {
    // GIVEN: majors whose action.yml says `using: node20` (or older); newer majors run on node24
    const node20 = /actions\/cache@v[1-4]\b|actions\/(checkout|setup-node)@v[1-4]\b|actions\/setup-python@v[1-5]\b|actions\/setup-java@v[1-4]\b|actions\/setup-go@v[1-5]\b|actions\/upload-artifact@v[1-5]\b|actions\/download-artifact@v[1-6]\b/;

    // WHEN
    const uses = fs.readdirSync(workflows).flatMap((name) => [...read(name).matchAll(/uses: (\S+)/g)].map((m) => m[1]));

    // THEN
    expect(uses).toContain('actions/cache@v6.1.0');
    expect(uses.filter((ref) => node20.test(ref))).toEqual([]);
  });
});

describe('release workflow', () => {
  const release = parse('release.yml');
  const jobs: Record<string, any> = release.jobs;

  test('starts only on a push to main or by hand: no other trigger', () => {
    // GIVEN / WHEN
    const triggers = Object.keys(release.on).sort();

    // THEN: schedule, tags, pull_request, release, workflow_run, repository_dispatch ... would publish without a deliberate act
    expect(triggers).toEqual(['push', 'workflow_dispatch']);
    expect(release.on.push).toEqual({ branches: ['main'] });
    expect(Object.keys(release.on.workflow_dispatch.inputs)).toEqual(['dry_run']);
  });

  test('publishes nothing until RELEASE_ENABLED is set, except a dry run by hand', () => {
    // GIVEN / WHEN
    const gate = jobs.release.if;

    // THEN
    expect(gate).toBe(RELEASE_GATE);
    expect(gate).toBe("vars.RELEASE_ENABLED == 'true' || (github.event_name == 'workflow_dispatch' && inputs.dry_run)");
    // Every publish job depends on the gated job, with no always()/failure() that would run it
    // when `release` is skipped.
    expect(Object.keys(jobs).sort()).toEqual(['release', ...PUBLISH_JOBS].sort());
    for (const name of PUBLISH_JOBS) {
      expect(ancestors(jobs, name)).toContain('release');
      expect(String(jobs[name].if ?? '')).not.toMatch(/always\(\)|failure\(\)|cancelled\(\)/);
    }
    // The GitHub release (and its tag) is never created by a dry run.
    const createRelease = jobs.release_github.steps.find((s: any) => s.name === 'Release');
    expect(createRelease.if).toBe('${{ !inputs.dry_run }}');
  });

  test('every publish job runs in the protected environment; only the bump job does not', () => {
    for (const name of PUBLISH_JOBS) {
      expect({ job: name, environment: jobs[name].environment }).toEqual({ job: name, environment: RELEASE_ENVIRONMENT });
    }
    expect(RELEASE_ENVIRONMENT).toBe('release');
    // The bump job reads no secret; it builds and uploads the artifact the publish jobs use.
    expect(secretsOf(jobs.release)).toEqual([]);
  });

  test('id-token: write only where an OIDC token is needed (npm and PyPI trusted publishing)', () => {
    // GIVEN / WHEN
    const withIdToken = Object.keys(jobs).filter((name) => jobs[name].permissions?.['id-token'] === 'write');

    // THEN
    expect(withIdToken.sort()).toEqual(['release_npm', 'release_pypi']);
    expect(release.permissions).toBeUndefined();
    for (const [name, job] of Object.entries(jobs)) {
      expect({ name, permissions: job.permissions }).toEqual({ name, permissions: expect.any(Object) });
      const writes = Object.entries(job.permissions).filter(([, level]) => level === 'write').map(([scope]) => scope);
      const expected = { release: ['contents'], release_github: ['contents'], release_npm: ['id-token'], release_pypi: ['id-token'] }[name] ?? [];
      expect({ name, writes: writes.sort() }).toEqual({ name, writes: expected });
    }
  });

  test('npm: trusted publishing with provenance from Node.js 24, no NPM_TOKEN', () => {
    // GIVEN
    const npm = jobs.release_npm;

    // WHEN
    const env = stepEnv(npm);

    // THEN
    expect(env).toMatchObject({ NPM_TRUSTED_PUBLISHER: 'true', NPM_CONFIG_PROVENANCE: 'true', NPM_REGISTRY: 'registry.npmjs.org' });
    expect(env).not.toHaveProperty('NPM_TOKEN');
    expect(JSON.stringify(npm)).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN/);
    expect(npm.steps.find((s: any) => s.uses?.startsWith('actions/setup-node@')).with['node-version']).toBe('24');
    expect(npm.steps.at(-1).run).toContain('publib-npm');
  });

  test('PyPI: trusted publishing with attestations, no password or token', () => {
    // GIVEN
    const pypi = jobs.release_pypi;

    // WHEN
    const env = stepEnv(pypi);

    // THEN
    expect(env).toMatchObject({ PYPI_TRUSTED_PUBLISHER: 'true' });
    expect(env).not.toHaveProperty('PYPI_DISABLE_ATTESTATIONS');
    expect(JSON.stringify(pypi)).not.toMatch(/TWINE_USERNAME|TWINE_PASSWORD|PYPI_TOKEN|PYPI_API_TOKEN|PYPI_PASSWORD/);
    expect(secretsOf(pypi)).toEqual([]);
  });

  test('reads exactly the Maven Central and Go secrets, each in its own job', () => {
    // GIVEN / WHEN
    const all = new Set(secretsOf(release));

    // THEN
    expect(all).toEqual(new Set(RELEASE_SECRETS));
    expect(new Set(secretsOf(jobs.release_maven))).toEqual(new Set(['MAVEN_USERNAME', 'MAVEN_PASSWORD', 'MAVEN_GPG_PRIVATE_KEY', 'MAVEN_GPG_PRIVATE_KEY_PASSPHRASE']));
    expect(stepEnv(jobs.release_maven)).toMatchObject({ MAVEN_SERVER_ID: 'central-ossrh' });
    // publib ignores a staging profile ID with central-ossrh: none is read.
    expect(read('release.yml')).not.toContain('MAVEN_STAGING_PROFILE_ID');
    expect(secretsOf(jobs.release_golang)).toEqual(['GO_GITHUB_TOKEN']);
    expect(secretsOf(jobs.release_github)).toEqual(['GITHUB_TOKEN']);
    expect(secretsOf(jobs.release_npm)).toEqual([]);
  });

  test('every publish job runs on Node.js 24', () => {
    for (const name of ['release', ...PUBLISH_JOBS]) {
      const setupNode = jobs[name].steps.find((s: any) => s.uses?.startsWith('actions/setup-node@'));
      expect({ name, node: setupNode.with['node-version'] }).toEqual({ name, node: '24' });
    }
  });
});

test('every secret and variable a workflow reads is documented in CONTRIBUTING.md', () => {
  // GIVEN
  const texts = fs.readdirSync(workflows).map(read);

  // WHEN
  const secrets = new Set(texts.flatMap((text) => [...text.matchAll(/\$\{\{ secrets\.(\w+) \}\}/g)].map((m) => m[1])));
  secrets.delete('GITHUB_TOKEN'); // provided by GitHub Actions
  const variables = new Set(texts.flatMap((text) => [...text.matchAll(/\bvars\.(\w+)/g)].map((m) => m[1])));

  // THEN
  expect(secrets.size).toBeGreaterThan(0);
  expect(variables).toEqual(new Set(['RELEASE_ENABLED']));
  for (const name of [...secrets, ...variables]) {
    expect(contributing).toContain(`\`${name}\``);
  }
  // Secrets that no workflow reads any more are not documented as needed.
  for (const gone of ['NPM_TOKEN', 'TWINE_PASSWORD', 'TWINE_USERNAME', 'MAVEN_STAGING_PROFILE_ID']) {
    expect({ gone, documentedAsSecret: new RegExp(`\\|[^\\n]*\`${gone}\`[^\\n]*\\|`).test(contributing) }).toEqual({ gone, documentedAsSecret: false });
  }
});

test('pull request titles are linted and dependencies upgraded weekly', () => {
  // GIVEN / WHEN
  const lint = read('pull-request-lint.yml');
  const upgrade = read('upgrade-main.yml');

  // THEN
  expect(lint).toContain('amannn/action-semantic-pull-request');
  expect(upgrade).toContain('run: npx projen upgrade');
  expect(upgrade).toMatch(/cron: 0 0 \* \* 1/);
});
