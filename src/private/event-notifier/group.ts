import { classify, KIND_PRIORITY, RootUseKind } from './classify';
import { RootEvent } from './cloudtrail';

/** One event with its classification. */
export interface ClassifiedEvent {
  readonly event: RootEvent;
  readonly kind: RootUseKind;
}

/** The events of one root session in one account, within one delivery batch. */
export interface EventGroup {
  /** The account whose root user is used (for an AssumeRoot call: the target member account). */
  readonly accountId: string;
  /** How the session was recognized: `key:<access key id>` or `ip:<source IP>` (see sessionKey). */
  readonly sessionKey: string;
  /** In event time order, oldest first. */
  readonly events: ClassifiedEvent[];
  /** The most alarming kind in the group (KIND_PRIORITY). */
  readonly headlineKind: RootUseKind;
  /** The AssumeRoot call that opened this session, when it is in the batch. */
  readonly assumeRootCall?: RootEvent;
}

/**
 * The root session an event belongs to, as far as one record can tell:
 * - an `AssumeRoot` call belongs to the session it opens: its target member account and the
 *   access key it issued (responseElements.credentials.accessKeyId), which is the accessKeyId of
 *   every action of that session in the member account (IAM User Guide, "Track privileged tasks
 *   in AWS CloudTrail"), so the call and its actions form one group; a failed call (no key) is
 *   a group of its own (keyed by its event ID);
 * - any other event with an access key (root access key AKIA..., console or AssumeRoot session
 *   credentials ASIA...) belongs to that key: one key is one session;
 * - events without a key (ConsoleLogin, password recovery, some console actions) belong to the
 *   account's sign-in activity from that source IP.
 * Keys are compared within the account, so the same value in two accounts never merges.
 */
export function sessionOf(e: RootEvent): { accountId: string; sessionKey: string } {
  if (e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot') {
    const accountId = e.targetAccountId || e.accountId;
    return { accountId, sessionKey: e.issuedAccessKeyId ? `key:${e.issuedAccessKeyId}` : `assume-root:${e.eventId}` };
  }
  if (e.accessKeyId !== '') return { accountId: e.accountId, sessionKey: `key:${e.accessKeyId}` };
  return { accountId: e.accountId, sessionKey: `ip:${e.sourceIp}` };
}

/** Groups a batch's events by (account, root session); groups in order of their first event. */
export function groupEvents(events: readonly RootEvent[]): EventGroup[] {
  const byKey = new Map<string, { accountId: string; sessionKey: string; events: RootEvent[] }>();
  for (const e of events) {
    const s = sessionOf(e);
    const k = `${s.accountId}|${s.sessionKey}`;
    let g = byKey.get(k);
    if (!g) {
      g = { ...s, events: [] };
      byKey.set(k, g);
    }
    g.events.push(e);
  }
  const groups: EventGroup[] = [];
  for (const g of byKey.values()) {
    const assumeRootCall = g.events.find((e) => e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot');
    const inSession = assumeRootCall !== undefined && assumeRootCall.issuedAccessKeyId !== '';
    const sorted = [...g.events].sort((a, b) => compareTime(a.eventTime, b.eventTime));
    const classified = sorted.map((event) => ({ event, kind: classify(event, inSession) }));
    const headlineKind = KIND_PRIORITY.find((k) => classified.some((c) => c.kind === k)) ?? 'root-api-call';
    groups.push({ accountId: g.accountId, sessionKey: g.sessionKey, events: classified, headlineKind, assumeRootCall });
  }
  return groups;
}

function compareTime(a: string, b: string): number {
  // CloudTrail's eventTime is ISO 8601 UTC with a Z: lexical order is time order.
  return a < b ? -1 : a > b ? 1 : 0;
}
