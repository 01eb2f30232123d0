/**
 * The GitHub workflows projen generates (.projenrc.ts, projenrc/release.ts) do what README
 * "Releasing" and CONTRIBUTING.md promise. actionlint (`npx projen actionlint`) checks that they
 * are valid workflows; this checks what they run.
 */
import * as fs from 'fs';
import * as path from 'path';

const workflows = path.join(__dirname, '..', '.github', 'workflows');
const read = (name: string) => fs.readFileSync(path.join(workflows, name), 'utf8');
const ciRun = fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8');

/** The names of the top-level jobs of a workflow (two-space indented keys under `jobs:`). */
function jobs(workflow: string): string[] {
  const body = workflow.slice(workflow.indexOf('\njobs:\n'));
  return [...body.matchAll(/^ {2}([\w-]+):$/gm)].map((m) => m[1]);
}

test('the build workflow runs what .ci/run runs, on pull requests and on main, on Node.js 22', () => {
  // GIVEN
  const build = read('build.yml');

  // WHEN / THEN
  expect(ciRun).toMatch(/^npm ci && npx projen test:all$/m);
  expect(build).toMatch(/^ {6}- name: Install dependencies\n {8}run: npm ci$/m);
  expect(build).toMatch(/^ {8}run: npx projen test:all$/m);
  expect(build).not.toMatch(/run: npx projen build$/m);
  expect(build).toMatch(/^on:\n {2}pull_request: \{\}\n {2}workflow_dispatch: \{\}\n {2}push:\n {4}branches:\n {6}- main$/m);
  expect(build).toMatch(/node-version: "22"/);
  for (const action of ['actions/setup-python@', 'actions/setup-java@', 'actions/setup-go@']) {
    expect(build).toContain(`uses: ${action}`);
  }
  expect(build).toMatch(/java-version: "17"/);
  expect(build).toMatch(/AWS_EC2_METADATA_DISABLED: "true"/);
  expect(build).toMatch(/AWS_REGION: us-east-1/);
  // A build that changes a committed file fails, as in .ci/run.
  expect(build).toContain('- name: Fail build on mutation');
});

test('the release workflow publishes to every registry and reads exactly the documented secrets', () => {
  // GIVEN
  const release = read('release.yml');

  // WHEN
  const found = jobs(release);

  // THEN
  expect(found).toEqual(expect.arrayContaining(['release', 'release_github', 'release_npm', 'release_pypi', 'release_maven', 'release_golang']));
  expect(release).toContain('run: npx projen release');
  const secrets = [...release.matchAll(/\$\{\{ secrets\.(\w+) \}\}/g)].map((m) => m[1]);
  expect(new Set(secrets)).toEqual(new Set([
    'GITHUB_TOKEN',
    'NPM_TOKEN',
    'TWINE_USERNAME', 'TWINE_PASSWORD',
    'MAVEN_USERNAME', 'MAVEN_PASSWORD', 'MAVEN_GPG_PRIVATE_KEY', 'MAVEN_GPG_PRIVATE_KEY_PASSPHRASE', 'MAVEN_STAGING_PROFILE_ID',
    'GO_GITHUB_TOKEN',
  ]));
});

test('every secret a workflow reads is documented in CONTRIBUTING.md and the README', () => {
  // GIVEN
  const contributing = fs.readFileSync(path.join(__dirname, '..', 'CONTRIBUTING.md'), 'utf8');
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

  // WHEN
  const secrets = new Set(fs.readdirSync(workflows)
    .flatMap((name) => [...read(name).matchAll(/\$\{\{ secrets\.(\w+) \}\}/g)].map((m) => m[1])));
  secrets.delete('GITHUB_TOKEN'); // provided by GitHub Actions

  // THEN
  expect(secrets.size).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(contributing).toContain(`\`${secret}\``);
    expect(readme).toContain(`\`${secret}\``);
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
