import { Token } from 'aws-cdk-lib';

/**
 * AWS CLI commands for a deployed alarm, as strings a user pastes into a shell (README "Test it
 * after deploying"). Values known at synthesis are shell-quoted; a token (a name CloudFormation
 * generates, the stack's region) is single-quoted as it resolves: CloudFormation-generated alarm
 * names and region names hold no quote.
 */

/** The reason the test command records in the alarm history. */
export const TEST_STATE_REASON =
  'Testing the notification path (cdk-root-usage-alarm): no root activity; the alarm returns to its real state at its next evaluation';

/** Quotes a value for a POSIX shell: `'...'`, with each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  if (Token.isUnresolved(value)) {
    return `'${value}'`;
  }
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/**
 * `aws cloudwatch set-alarm-state` to ALARM: the alarm notifies its topic exactly as on real
 * root activity. With no data it returns to OK at its next evaluation, within about a minute.
 */
export function setAlarmStateCommand(alarmName: string, region: string): string {
  return [
    'aws cloudwatch set-alarm-state',
    `--region ${shellQuote(region)}`,
    `--alarm-name ${shellQuote(alarmName)}`,
    '--state-value ALARM',
    `--state-reason ${shellQuote(TEST_STATE_REASON)}`,
  ].join(' ');
}

/**
 * `aws cloudwatch describe-alarm-history` of the alarm's actions, newest first, one line each:
 * "Successfully executed action arn:aws:sns:..." or "Failed to execute action ... Received error: ...".
 */
export function actionHistoryCommand(alarmName: string, region: string): string {
  return [
    'aws cloudwatch describe-alarm-history',
    `--region ${shellQuote(region)}`,
    `--alarm-name ${shellQuote(alarmName)}`,
    '--history-item-type Action',
    '--max-items 10',
    `--query ${shellQuote('AlarmHistoryItems[].[Timestamp,HistorySummary]')}`,
    '--output text',
  ].join(' ');
}
