import { Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { EventNotifierOptions } from '../event-notifier';
import { validateExpectedRootUseOptions } from './expected-root-use-options';
import { PropValidator } from './validation';

/**
 * The checks of {@link EventNotifierOptions}, with the names of `validate`'s owner (EventNotifier's
 * props, or `eventNotifierOptions.<field>` of the constructs that pass them on).
 */
export function validateEventNotifierOptions(validate: PropValidator, options: EventNotifierOptions, prefix = ''): void {
  const { memorySize, tracing, logRetention, accountNames, securityHubFindings } = options;
  if (securityHubFindings !== undefined && Token.isUnresolved(securityHubFindings)) {
    validate.fail(`${prefix}securityHubFindings`, 'must be known at synthesis (true or false), not a token: it decides which resources and permissions exist');
  }
  if (accountNames !== undefined && !Token.isUnresolved(accountNames)) {
    for (const [id, name] of Object.entries(accountNames)) {
      if (!/^\d{12}$/.test(id)) validate.fail(`${prefix}accountNames`, `must be keyed by 12-digit account IDs (got "${id}")`);
      if (Token.isUnresolved(name)) continue;
      if (typeof name !== 'string' || name.length < 1 || name.length > 50 || !/^[\x20-\x7e]+$/.test(name)) {
        validate.fail(`${prefix}accountNames`, `must map each account to a name of 1 to 50 printable ASCII characters (got ${JSON.stringify(name)} for ${id})`);
      }
    }
    const size = JSON.stringify(accountNames).length;
    if (size > 2500) {
      validate.fail(`${prefix}accountNames`, `must be at most 2,500 characters as JSON: it travels in the function's environment, which Lambda limits to 4 KB (got ${size})`);
    }
  }
  if (memorySize !== undefined && !Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240)) {
    validate.fail(`${prefix}memorySize`, `must be a whole number of MB from 128 to 10240 (got ${memorySize})`);
  }
  if (tracing !== undefined && !Object.values(lambda.Tracing).includes(tracing)) {
    validate.fail(`${prefix}tracing`, `must be a member of lambda.Tracing (got ${JSON.stringify(tracing)})`);
  }
  if (logRetention !== undefined && !Token.isUnresolved(logRetention) && !Object.values(logs.RetentionDays).includes(logRetention)) {
    validate.fail(`${prefix}logRetention`, `must be a member of logs.RetentionDays (got ${JSON.stringify(logRetention)})`);
  }
  // Expected root use, first seen, the high-priority topic (issue 22).
  validateExpectedRootUseOptions(validate, options, prefix);
}
