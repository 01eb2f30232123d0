// Runs the construct's unit tests against the LOWEST aws-cdk-lib the library declares as its
// peer dependency (`test:min-cdk` in .projenrc.ts), so the documented minimum is proven, not
// guessed. run.sh copies src/ and the tests into .tmp/min-cdk, whose own node_modules holds that
// aws-cdk-lib: plain Node resolution finds it first, no module mapping involved.
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '.tmp', 'min-cdk');

module.exports = {
  rootDir: root,
  testMatch: ['<rootDir>/test/*.test.ts', '<rootDir>/test/real-time/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts', '<rootDir>/test/expect-min-cdk.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: { esModuleInterop: true, strict: true, target: 'ES2020', module: 'CommonJS' }, isolatedModules: true }] },
};
