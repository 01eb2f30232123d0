/**
 * The severity of every message, from fixed rules (docs/expected-root-use.md lists them in a
 * table): the subject starts with it, the text and the chat show it, and messages at or above the
 * construct's `highPrioritySeverity` also go to the high-priority topic. Pure.
 */
import { RootUseKind } from './classify';
import { Expectation } from './expectation';
import { FirstSeen } from './first-seen';

/** Ordered, lowest first. */
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = typeof SEVERITIES[number];

/** The rank of a severity (LOW 0 ... CRITICAL 3). */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Whether `s` is at or above `threshold`. */
export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

/** A severity name from the environment, or `fallback` for anything else. */
export function parseSeverity(v: string | undefined, fallback: Severity): Severity {
  return (SEVERITIES as readonly string[]).includes(v ?? '') ? v as Severity : fallback;
}

/** What the rules read. */
export interface SeverityInput {
  /** The kinds of the message's events. */
  readonly kinds: readonly RootUseKind[];
  /** The account whose root user acted. */
  readonly accountId: string;
  /** The management account (the account of the trail's log group); '' when unknown. */
  readonly managementAccountId: string;
  readonly expectation: Expectation;
  /** For a message holding an AssumeRoot call that opened a session; undefined otherwise. */
  readonly firstSeen?: FirstSeen;
}

/** Changes that blind the watch: always critical, expected or not. */
const BLINDING: ReadonlySet<RootUseKind> = new Set<RootUseKind>(['tamper', 'trail-change']);

/** Changes to the root user's credentials: how an intruder keeps root access. */
const CREDENTIAL_CHANGES: ReadonlySet<RootUseKind> = new Set<RootUseKind>([
  'root-access-key-change', 'root-mfa-change', 'root-login-profile-change', 'root-password-change',
]);

/** Attempts that did nothing by themselves (failed, denied) and sign-in activity without a session. */
const ATTEMPTS: ReadonlySet<RootUseKind> = new Set<RootUseKind>([
  'console-sign-in-failure', 'root-password-change-failure', 'assume-root-denied', 'sign-in-activity',
]);

/**
 * The rules, first match wins:
 * 1. the trail or the watch changed: CRITICAL;
 * 2. expected: MEDIUM when its AssumeRoot call is the first of its (caller, target, task) in the
 *    window or the account is the management account, LOW otherwise;
 * 3. unexpected, in the management account (anything but failed or denied attempts): CRITICAL;
 * 4. unexpected root credential, MFA, login profile or password change: CRITICAL;
 * 5. unexpected and only failed or denied attempts: MEDIUM;
 * 6. any other unexpected root use (an AssumeRoot session, first seen or not, a sign-in, a root
 *    access key, password recovery, an action with root credentials): HIGH.
 */
export function severityOf(input: SeverityInput): Severity {
  const { kinds } = input;
  if (kinds.some((k) => BLINDING.has(k))) return 'CRITICAL';
  const management = input.managementAccountId !== '' && input.accountId === input.managementAccountId;
  if (input.expectation.expected) return input.firstSeen === 'first-time' || management ? 'MEDIUM' : 'LOW';
  const onlyAttempts = kinds.length > 0 && kinds.every((k) => ATTEMPTS.has(k));
  if (management && !onlyAttempts) return 'CRITICAL';
  if (kinds.some((k) => CREDENTIAL_CHANGES.has(k))) return 'CRITICAL';
  if (onlyAttempts) return 'MEDIUM';
  return 'HIGH';
}

/** The subject's prefix: `[HIGH] `. */
export function severityPrefix(s: Severity): string {
  return `[${s}] `;
}
