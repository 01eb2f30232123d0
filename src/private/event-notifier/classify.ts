import { RootEvent } from './cloudtrail';

/** What kind of root use one event is. */
export type RootUseKind =
  | 'tamper'
  | 'trail-change'
  | 'root-access-key-change'
  | 'root-login-profile-change'
  | 'root-mfa-change'
  | 'root-password-change'
  | 'root-password-change-failure'
  | 'console-sign-in-no-mfa'
  | 'console-sign-in-failure'
  | 'password-recovery'
  | 'console-sign-in-mfa'
  | 'sign-in-activity'
  | 'assume-root-call'
  | 'assume-root-denied'
  | 'assume-root-session-action'
  | 'root-api-call';

const ACCESS_KEY_CALLS = new Set(['CreateAccessKey', 'DeleteAccessKey', 'UpdateAccessKey']);
const MFA_CALLS = new Set(['CreateVirtualMFADevice', 'EnableMFADevice', 'DeactivateMFADevice', 'DeleteVirtualMFADevice', 'ResyncMFADevice']);
const LOGIN_PROFILE_CALLS = new Set(['CreateLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile']);
/** Trail changes that stop or redirect what CloudTrail records (the watched trail's are 'tamper'). */
const TRAIL_CALLS = new Set(['StopLogging', 'DeleteTrail', 'UpdateTrail']);

/** Whether an AssumeRoot call failed (an error code or message: no credentials were issued). */
export function assumeRootFailed(e: RootEvent): boolean {
  return e.errorCode !== '' || e.errorMessage !== '' || e.issuedAccessKeyId === '';
}

/**
 * Classifies one event. `inAssumeRootSession` is true when the event's access key is the one an
 * `AssumeRoot` call issued, in this delivery or remembered from an earlier one (the record cannot
 * always tell: AWS's documented example of a session action carries no `assumedRoot` flag).
 */
export function classify(e: RootEvent, inAssumeRootSession: boolean): RootUseKind {
  // A change that blinds the watch outranks everything, whoever made it.
  if (e.tamper !== '') return 'tamper';
  if (e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot') {
    return assumeRootFailed(e) ? 'assume-root-denied' : 'assume-root-call';
  }
  // The root user's own credentials: its access keys, MFA devices, password. IAM calls that name
  // a user (requestParameters.userName) act on an IAM user, not on the root user.
  if (e.eventSource === 'iam.amazonaws.com' && e.requestUserName === '') {
    if (ACCESS_KEY_CALLS.has(e.eventName)) return 'root-access-key-change';
    if (MFA_CALLS.has(e.eventName)) return 'root-mfa-change';
    if (LOGIN_PROFILE_CALLS.has(e.eventName)) return 'root-login-profile-change';
    if (e.eventName === 'ChangePassword') return e.errorCode !== '' ? 'root-password-change-failure' : 'root-password-change';
  }
  if (e.eventSource === 'cloudtrail.amazonaws.com' && TRAIL_CALLS.has(e.eventName)) return 'trail-change';
  if (e.eventName === 'PasswordUpdated') {
    return e.passwordUpdatedResult === 'Failure' || e.errorCode !== '' || e.errorMessage !== '' ? 'root-password-change-failure' : 'root-password-change';
  }
  if (e.identityType === 'Root' && (e.assumedRoot || inAssumeRootSession)) return 'assume-root-session-action';
  if (e.eventSource === 'signin.amazonaws.com') {
    if (e.eventName === 'ConsoleLogin') {
      if (e.consoleLoginResult === 'Failure' || e.errorMessage !== '' || e.errorCode !== '') return 'console-sign-in-failure';
      return e.mfaUsed === 'Yes' ? 'console-sign-in-mfa' : 'console-sign-in-no-mfa';
    }
    if (e.eventName.startsWith('PasswordRecovery')) return 'password-recovery';
    return 'sign-in-activity';
  }
  return 'root-api-call';
}

/**
 * Most alarming first: a group's headline is the first of these its events have. Changes to the
 * root user's credentials (a new access key, an MFA device removed, a new password) come first:
 * they are how an intruder keeps root access. Before them: a change that blinds the watch (the
 * trail, the log group's filters, the alarms, the topic, its key, the stack), after which nothing
 * more would be reported.
 */
export const KIND_PRIORITY: readonly RootUseKind[] = [
  'tamper',
  'trail-change',
  'root-access-key-change',
  'root-mfa-change',
  'root-login-profile-change',
  'root-password-change',
  'assume-root-call',
  'assume-root-session-action',
  'console-sign-in-no-mfa',
  'root-password-change-failure',
  'console-sign-in-failure',
  'assume-root-denied',
  'password-recovery',
  'console-sign-in-mfa',
  'sign-in-activity',
  'root-api-call',
];

/**
 * The subject prefix of a group: fixed words only. A group of an AssumeRoot session (its call
 * known, in this delivery or remembered) always says so, whatever its events.
 */
export function headline(kind: RootUseKind, assumeRootSession: boolean): string {
  if (kind === 'tamper') return 'Watch tampered';
  if (assumeRootSession && kind !== 'assume-root-denied') return 'Root session (AssumeRoot)';
  switch (kind) {
    case 'root-access-key-change': return 'Root access key change';
    case 'root-mfa-change': return 'Root MFA device change';
    case 'root-login-profile-change': return 'Root login profile change';
    case 'trail-change': return 'CloudTrail trail changed by root';
    case 'root-password-change': return 'Root password changed';
    case 'root-password-change-failure': return 'Failed root password change';
    case 'assume-root-call': return 'AssumeRoot call';
    case 'assume-root-denied': return 'AssumeRoot denied';
    case 'assume-root-session-action': return 'Root session (AssumeRoot)';
    case 'console-sign-in-no-mfa': return 'Root sign-in without MFA';
    case 'console-sign-in-failure': return 'Failed root sign-in';
    case 'password-recovery': return 'Root password recovery';
    case 'console-sign-in-mfa': return 'Root sign-in with MFA';
    case 'sign-in-activity': return 'Root sign-in activity';
    case 'root-api-call': return 'Root API call';
  }
}

/** An access key ID as AWS writes them, or '' (a value from the record is never echoed otherwise). */
export function safeKeyId(key: string): string {
  return /^[A-Z0-9]{16,128}$/.test(key) ? key : '';
}

/** One line saying what the event is: fixed words and, at most, a well-formed access key ID. */
export function describeEvent(e: RootEvent, kind: RootUseKind): string {
  switch (kind) {
    case 'tamper': return `Watch tampered: ${e.tamper}${e.errorCode !== '' ? ' (attempt failed)' : ''}`;
    case 'root-access-key-change': return `Root access key ${e.eventName === 'CreateAccessKey' ? 'created' : e.eventName === 'DeleteAccessKey' ? 'deleted' : 'changed'}${e.errorCode !== '' ? ' (attempt failed)' : ''}`;
    case 'root-mfa-change': return `Root MFA device ${/^(Deactivate|Delete)/.test(e.eventName) ? 'removed' : /^(Create|Enable)/.test(e.eventName) ? 'added' : 'changed'}${e.errorCode !== '' ? ' (attempt failed)' : ''}`;
    case 'root-login-profile-change': return `Root console password (login profile) ${e.eventName === 'CreateLoginProfile' ? 'created' : e.eventName === 'DeleteLoginProfile' ? 'deleted' : 'changed'}${e.errorCode !== '' ? ' (attempt failed)' : ''}`;
    case 'trail-change': return `CloudTrail trail ${e.eventName === 'StopLogging' ? 'stopped logging' : e.eventName === 'DeleteTrail' ? 'deleted' : 'updated'} by the root user${e.errorCode !== '' ? ' (attempt failed)' : ''}`;
    case 'root-password-change': return 'Root password changed';
    case 'root-password-change-failure': return 'Root password change failed';
    case 'console-sign-in-no-mfa': return 'Console sign-in succeeded, without MFA';
    case 'console-sign-in-mfa': return 'Console sign-in succeeded, with MFA';
    case 'console-sign-in-failure': return `Console sign-in failed (MFA used: ${e.mfaUsed || 'unknown'})`;
    case 'password-recovery': return e.eventName === 'PasswordRecoveryCompleted' ? 'Root password recovery completed' : 'Root password recovery requested';
    case 'sign-in-activity': return 'Root sign-in activity';
    case 'assume-root-call': return 'AssumeRoot call (centralized root access): a root session was opened';
    case 'assume-root-denied': return /denied|unauthori[sz]ed|forbidden/i.test(e.errorCode) || e.errorCode === ''
      ? 'AssumeRoot call (centralized root access) denied: no session was opened'
      : 'AssumeRoot call (centralized root access) failed: no session was opened';
    case 'assume-root-session-action': return 'Action in a centralized root access session (AssumeRoot)';
    case 'root-api-call': {
      const key = safeKeyId(e.accessKeyId);
      if (key.startsWith('AKIA')) return `API call with a root access key (${key})`;
      if (e.eventType === 'AwsConsoleAction' || key.startsWith('ASIA')) return 'Action with temporary root credentials (a console session, or a centralized root access session)';
      return 'API call with root credentials';
    }
  }
}

/**
 * The kinds a flood never holds back and that are published first within a delivery: a successful
 * root sign-in, changes to the root user's credentials (access keys, MFA, password, login
 * profile), trail changes and changes to the watch, and AssumeRoot sessions.
 */
export const ALARMING_KINDS: ReadonlySet<RootUseKind> = new Set<RootUseKind>([
  'tamper',
  'trail-change',
  'root-access-key-change',
  'root-mfa-change',
  'root-login-profile-change',
  'root-password-change',
  'assume-root-call',
  'assume-root-session-action',
  'console-sign-in-no-mfa',
  'console-sign-in-mfa',
]);

/** Whether a kind is alarming (ALARMING_KINDS). */
export function isAlarming(kind: RootUseKind): boolean {
  return ALARMING_KINDS.has(kind);
}
