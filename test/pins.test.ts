/**
 * The pinned tooling of `.projenrc.ts` ("PINNED TOOLING") moves together: the dev aws-cdk-lib,
 * constructs and @aws-cdk/cloud-assembly-schema in package.json, and the Go consumer's go.mod,
 * which must require the Go modules of exactly those releases (aws-cdk-go, constructs-go,
 * cloud-assembly-schema-go). The dependency-upgrade workflow must leave them all alone.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const goMod = fs.readFileSync(path.join(root, 'consumers', 'go', 'go.mod'), 'utf8');
const goMinMod = fs.readFileSync(path.join(root, 'test', 'go-min', 'go.mod'), 'utf8');
const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')).tasks;

/** The version go.mod requires for a module path (a regular expression source), without the "v". */
function goRequire(modulePath: string): string {
  const match = goMod.match(new RegExp(`^\\s*${modulePath}\\s+v(\\S+)`, 'm'));
  if (!match) {
    throw new Error(`consumers/go/go.mod requires no ${modulePath}`);
  }
  return match[1];
}

/** The exact version package.json pins a dev dependency to. */
function devPin(name: string): string {
  const version: string | undefined = pkg.devDependencies[name];
  expect(version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  return version!;
}

test('the Go consumer requires the aws-cdk-go of the dev aws-cdk-lib', () => {
  // GIVEN / WHEN
  const cdkDev = devPin('aws-cdk-lib');

  // THEN
  expect(goRequire('github\\.com/aws/aws-cdk-go/awscdk/v2')).toEqual(cdkDev);
});

test('the Go consumer requires the constructs-go of the build constructs', () => {
  // GIVEN / WHEN
  const constructsDev = devPin('constructs');

  // THEN
  expect(goRequire('github\\.com/aws/constructs-go/constructs/v10')).toEqual(constructsDev);
});

test('the Go consumer requires the cloud-assembly-schema-go of the pinned schema', () => {
  // GIVEN
  const schema = devPin('@aws-cdk/cloud-assembly-schema');
  const major = schema.split('.')[0];

  // WHEN
  const required = goRequire(`github\\.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v${major}`);

  // THEN
  expect(required).toEqual(schema);
});

test('the dependency upgrade leaves every pinned package alone', () => {
  // GIVEN
  const pinned = ['aws-cdk-lib', 'constructs', '@aws-cdk/cloud-assembly-schema', '@aws-cdk/integ-tests-alpha', '@aws-cdk/integ-runner', 'aws-cdk'];

  // WHEN: the package names the upgrade task hands to npm-check-updates and `npm update`
  const named = tasks.upgrade.steps.flatMap((step: { exec?: string; execArgs?: string[] }) => {
    const words = step.execArgs ?? (step.exec ?? '').split(' ');
    return words.flatMap((word) => word.startsWith('--filter=') ? word.slice('--filter='.length).split(',') : [word]);
  });

  // THEN
  for (const name of pinned) {
    expect(named).not.toContain(name);
    expect(pkg.devDependencies[name]).toBeDefined();
  }
});

test('test:go-min compiles the Go module against the aws-cdk-go of the peer minimum', () => {
  // GIVEN
  const peer: string = pkg.peerDependencies['aws-cdk-lib'];

  // WHEN
  const required = goMinMod.match(/^\s*github\.com\/aws\/aws-cdk-go\/awscdk\/v2\s+v(\S+)$/m)?.[1];

  // THEN: the Go module is generated against the peer minimum (projenrc/package-minimums.ts), and
  // test/go-min proves that it compiles there; the Go consumer proves the dev version.
  expect(peer).toBe(`^${required}`);
  expect(goMinMod).toContain('replace github.com/cdk-root-usage-alarm/cdk-root-usage-alarm-go/cdkrootusagealarm => ../../dist/go/cdkrootusagealarm');
});
