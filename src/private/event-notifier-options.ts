import { Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { EventNotifierOptions } from '../event-notifier';
import { PropValidator } from './validation';

/**
 * The checks of {@link EventNotifierOptions}, with the names of `validate`'s owner (EventNotifier's
 * props, or `eventNotifierOptions.<field>` of the constructs that pass them on).
 */
export function validateEventNotifierOptions(validate: PropValidator, options: EventNotifierOptions, prefix = ''): void {
  const { memorySize, tracing, logRetention } = options;
  if (memorySize !== undefined && !Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240)) {
    validate.fail(`${prefix}memorySize`, `must be a whole number of MB from 128 to 10240 (got ${memorySize})`);
  }
  if (tracing !== undefined && !Object.values(lambda.Tracing).includes(tracing)) {
    validate.fail(`${prefix}tracing`, `must be a member of lambda.Tracing (got ${JSON.stringify(tracing)})`);
  }
  if (logRetention !== undefined && !Token.isUnresolved(logRetention) && !Object.values(logs.RetentionDays).includes(logRetention)) {
    validate.fail(`${prefix}logRetention`, `must be a member of logs.RetentionDays (got ${JSON.stringify(logRetention)})`);
  }
}
