/**
 * How urgent each message is and where it goes: the declared expected root use (expectation.ts),
 * first seen (first-seen.ts) and the severity rules (severity.ts), put together for notify.ts. Pure.
 */
import { RootUseKind } from './classify';
import { RootEvent } from './cloudtrail';
import { ExpectationEntry, expectationOf, UNEXPECTED } from './expectation';
import { DEFAULT_FIRST_SEEN_WINDOW_SECONDS, FirstSeen, seenKey } from './first-seen';
import { EventGroup, SessionDraft } from './group';
import { Verdict } from './render';
import { atOrAbove, Severity, severityOf } from './severity';

/** The deployer's configuration (the handler reads it from the function's environment). */
export interface VerdictConfig {
  /** EXPECTED_ROOT_USE. */
  readonly entries?: readonly ExpectationEntry[];
  /** FIRST_SEEN_WINDOW_SECONDS; DEFAULT_FIRST_SEEN_WINDOW_SECONDS when absent. */
  readonly firstSeenWindowSeconds?: number;
  /** The management account: the account of the trail's log group (WATCH_ACCOUNT); '' or absent when unknown. */
  readonly managementAccountId?: string;
  /** HIGH_PRIORITY_TOPIC_ARN: messages at or above `highPrioritySeverity` also go there. */
  readonly highPriorityTopicArn?: string;
  /** HIGH_PRIORITY_SEVERITY; HIGH when absent. */
  readonly highPrioritySeverity?: Severity;
}

/** The window of first seen, in seconds. */
export function firstSeenWindow(config: VerdictConfig | undefined): number {
  const w = config?.firstSeenWindowSeconds;
  return typeof w === 'number' && Number.isFinite(w) && w > 0 ? w : DEFAULT_FIRST_SEEN_WINDOW_SECONDS;
}

const opensSession = (e: RootEvent) => e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot'
  && e.issuedAccessKeyId !== '' && e.errorCode === '';

/** The AssumeRoot call of a draft that opened a session, with its first-seen key; undefined when the draft holds none. */
export function firstSeenCall(d: Pick<SessionDraft, 'events'>): { key: string; eventId: string } | undefined {
  const call = d.events.find(opensSession);
  if (!call) return undefined;
  const key = seenKey({ callerArn: call.identityArn, targetAccountId: call.targetAccountId, taskPolicyArn: call.taskPolicyArn });
  return { key, eventId: call.eventId };
}

/** The verdict of a session's message. `firstSeen` only for a message holding the AssumeRoot call that opened the session. */
export function verdictFor(group: EventGroup, config: VerdictConfig | undefined, firstSeen?: FirstSeen): Verdict {
  const expectation = expectationOf(group, config?.entries ?? []);
  const severity = severityOf({
    kinds: group.events.map((e) => e.kind),
    accountId: group.accountId,
    managementAccountId: config?.managementAccountId ?? '',
    expectation,
    firstSeen,
  });
  return { severity, expectation, ...(firstSeen ? { firstSeen, firstSeenWindowSeconds: firstSeenWindow(config) } : {}) };
}

/** The severity of a flood summary: sessions held back are never matched against the declared entries. */
export function summarySeverity(kind: RootUseKind, accountId: string, config: VerdictConfig | undefined): Severity {
  return severityOf({ kinds: [kind], accountId, managementAccountId: config?.managementAccountId ?? '', expectation: UNEXPECTED });
}

/** The high-priority topic a message of this severity also goes to, or undefined. */
export function highPriorityTopicFor(severity: Severity, config: VerdictConfig | undefined): string | undefined {
  const arn = config?.highPriorityTopicArn;
  if (!arn) return undefined;
  return atOrAbove(severity, config?.highPrioritySeverity ?? 'HIGH') ? arn : undefined;
}
