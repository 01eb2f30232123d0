/**
 * The example app and the consumer apps are new users' apps: each cdk.json carries the feature
 * flags `cdk init` writes with the dev aws-cdk-lib (its recommended-feature-flags.json), so that
 * `example:synth` and `test:consumers` build what a new user builds. When the dev aws-cdk-lib
 * moves, copy its flags into these files (this test says which differ).
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const RECOMMENDED = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'recommended-feature-flags.json'), 'utf8'));
const APPS = ['examples/landing-zone', 'consumers/typescript', 'consumers/python', 'consumers/java', 'consumers/go'];

test('the dev aws-cdk-lib recommends the flag that gives every function a log group of its own', () => {
  expect(RECOMMENDED['@aws-cdk/aws-lambda:useCdkManagedLogGroup']).toBe(true);
});

test.each(APPS)('%s/cdk.json carries the flags cdk init writes', (app) => {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, app, 'cdk.json'), 'utf8'));
  expect(cdkJson.context).toEqual(RECOMMENDED);
});
