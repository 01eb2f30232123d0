/**
 * The feature flags `cdk init` writes into a new app's cdk.json, for the aws-cdk-lib the tests
 * load: its recommended-feature-flags.json (newer releases), or, in releases without that file
 * (2.93.0, the peer minimum), cx-api's NEW_PROJECT_CONTEXT, which the CLI of that time wrote.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';

export function recommendedFlags(): Record<string, unknown> {
  const file = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'recommended-feature-flags.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const context = (cxapi as unknown as { NEW_PROJECT_CONTEXT?: Record<string, unknown> }).NEW_PROJECT_CONTEXT;
  if (!context || Object.keys(context).length === 0) {
    throw new Error('aws-cdk-lib has neither recommended-feature-flags.json nor cx-api NEW_PROJECT_CONTEXT');
  }
  return { ...context };
}
