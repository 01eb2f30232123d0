// Fails the run unless the aws-cdk-lib that the tests load is exactly the declared minimum.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loaded: string = require('aws-cdk-lib/package.json').version;
const expected = process.env.MIN_CDK_VERSION;
if (!expected || loaded !== expected) {
  throw new Error(`test:min-cdk expected aws-cdk-lib ${expected} but loaded ${loaded}`);
}
