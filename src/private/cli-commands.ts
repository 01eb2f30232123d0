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

/** The read-only task policy of `sts:AssumeRoot`: it audits the root user's credentials. */
export const AUDIT_ROOT_TASK_POLICY_ARN = 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials';

/**
 * A root session in a member account through centralized root access, and one call in it: a
 * subshell (the credentials never reach the caller's shell) that calls `sts:AssumeRoot` with the
 * caller's own credentials on the regional STS endpoint (AssumeRoot refuses the global one; CLI v1
 * needs `AWS_STS_REGIONAL_ENDPOINTS=regional` for some regions), exports the session's
 * credentials, drops any profile (a profile set with `AWS_PROFILE` would win over them), makes
 * `iam:GetAccountSummary` (allowed by `IAMAuditRootUserCredentials`, read-only; CloudTrail records
 * it with `userIdentity.type` `Root`), unsets the credentials and exits with that call's status.
 */
export function assumeRootTestCommand(targetAccountId: string, region: string): string {
  return [
    `( creds=$(AWS_STS_REGIONAL_ENDPOINTS=regional aws sts assume-root --region ${shellQuote(region)} --target-principal ${shellQuote(targetAccountId)} ` +
      `--task-policy-arn ${shellQuote(`arn=${AUDIT_ROOT_TASK_POLICY_ARN}`)} --duration-seconds 900 ` +
      `--query ${shellQuote('Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')} --output text) || exit 1`,
    '  set -- $creds',
    '  unset AWS_PROFILE AWS_DEFAULT_PROFILE',
    '  export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3"',
    `  aws iam get-account-summary --region ${shellQuote(region)} --query ${shellQuote('SummaryMap.{AccountMFAEnabled:AccountMFAEnabled,AccountAccessKeysPresent:AccountAccessKeysPresent}')} --output json; rc=$?`,
    '  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN creds; exit $rc )',
  ].join('\n');
}
