import { RootEvent } from './cloudtrail';

/** What kind of root use one event is. */
export type RootUseKind =
  | 'console-sign-in-no-mfa'
  | 'console-sign-in-failure'
  | 'password-recovery'
  | 'console-sign-in-mfa'
  | 'sign-in-activity'
  | 'assume-root-call'
  | 'assume-root-session-action'
  | 'root-api-call';

/**
 * Classifies one event. `inAssumeRootSession` is true when the event's access key is the one an
 * `AssumeRoot` call in the same batch issued (the caller cannot always tell from the record:
 * AWS's documented example of a session action carries no `assumedRoot` flag).
 */
export function classify(e: RootEvent, inAssumeRootSession: boolean): RootUseKind {
  if (e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot') return 'assume-root-call';
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

/** Most alarming first: a group's headline is the kind of its first event in this order. */
export const KIND_PRIORITY: readonly RootUseKind[] = [
  'assume-root-call',
  'assume-root-session-action',
  'console-sign-in-no-mfa',
  'console-sign-in-failure',
  'password-recovery',
  'console-sign-in-mfa',
  'sign-in-activity',
  'root-api-call',
];

/** The subject prefix of a group whose headline kind is `kind`. */
export function headline(kind: RootUseKind, hasSessionActions: boolean): string {
  switch (kind) {
    case 'assume-root-call': return hasSessionActions ? 'Root session (AssumeRoot)' : 'AssumeRoot call';
    case 'assume-root-session-action': return 'Root session (AssumeRoot)';
    case 'console-sign-in-no-mfa': return 'Root sign-in without MFA';
    case 'console-sign-in-failure': return 'Failed root sign-in';
    case 'password-recovery': return 'Root password recovery';
    case 'console-sign-in-mfa': return 'Root sign-in with MFA';
    case 'sign-in-activity': return 'Root sign-in activity';
    case 'root-api-call': return 'Root API call';
  }
}

/** One line saying what the event is. */
export function describeEvent(e: RootEvent, kind: RootUseKind): string {
  switch (kind) {
    case 'console-sign-in-no-mfa': return 'Console sign-in succeeded, without MFA';
    case 'console-sign-in-mfa': return 'Console sign-in succeeded, with MFA';
    case 'console-sign-in-failure': return `Console sign-in failed (MFA used: ${e.mfaUsed || 'unknown'})`;
    case 'password-recovery': return e.eventName === 'PasswordRecoveryCompleted' ? 'Root password recovery completed' : 'Root password recovery requested';
    case 'sign-in-activity': return 'Root sign-in activity';
    case 'assume-root-call': return e.errorCode !== ''
      ? 'AssumeRoot call (centralized root access), failed'
      : 'AssumeRoot call (centralized root access): a root session was opened';
    case 'assume-root-session-action': return 'Action in a centralized root access session (AssumeRoot)';
    case 'root-api-call': {
      const key = e.accessKeyId;
      if (key.startsWith('AKIA')) return `API call with a root access key (${key})`;
      if (e.eventType === 'AwsConsoleAction' || key.startsWith('ASIA')) return 'Action with root user session credentials (console or temporary)';
      return 'API call with root credentials';
    }
  }
}
