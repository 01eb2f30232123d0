// Runs the cdk-nag 3 test (`test:nag3` in .projenrc.ts) in .tmp/nag3, whose own node_modules holds
// cdk-nag 3 and the aws-cdk-lib it needs: plain Node resolution finds them first (jest, ts-jest and
// typescript come from the project's node_modules).
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '.tmp', 'nag3');

module.exports = {
  rootDir: root,
  testMatch: ['<rootDir>/test/nag3/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: { esModuleInterop: true, strict: true, target: 'ES2020', module: 'CommonJS' }, isolatedModules: true }] },
};
