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
  /** The session's access keys (root access key, console or AssumeRoot session credentials). */
  readonly accessKeys: string[];
  /** For sign-in activity without an access key: the source IP it came from; '' otherwise. */
  readonly signInIp: string;
  /** In event time order, oldest first. */
  readonly events: ClassifiedEvent[];
  /** The most alarming kind in the group (KIND_PRIORITY). */
  readonly headlineKind: RootUseKind;
  /** The AssumeRoot call that opened this session, when it is in the batch. */
  readonly assumeRootCall?: RootEvent;
}

/** How far after a successful root ConsoleLogin a console session's credentials may be issued. */
export const CONSOLE_SESSION_WINDOW_SECONDS = 300;

const isAssumeRoot = (e: RootEvent) => e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot';

/**
 * The root session an event belongs to, as far as one record can tell:
 * - an `AssumeRoot` call belongs to the session it opens: its target member account and the
 *   access key it issued (responseElements.credentials.accessKeyId), which is the accessKeyId of
 *   every action of that session in the member account (IAM User Guide, "Track privileged tasks
 *   in AWS CloudTrail"), so the call and its actions form one group; a failed call (no key) is
 *   a group of its own (keyed by its event ID);
 * - any other event with an access key (root access key AKIA..., console or AssumeRoot session
 *   credentials ASIA...) belongs to that key: one key is one session;
 * - events without a key (ConsoleLogin, password recovery) belong to the account's sign-in
 *   activity from that source IP.
 * Keys are compared within the account, so the same value in two accounts never merges.
 */
export function sessionOf(e: RootEvent): { accountId: string; key: string; accessKey: string; signInIp: string } {
  if (isAssumeRoot(e)) {
    const accountId = e.targetAccountId || e.accountId;
    return e.issuedAccessKeyId
      ? { accountId, key: `key:${e.issuedAccessKeyId}`, accessKey: e.issuedAccessKeyId, signInIp: '' }
      : { accountId, key: `assume-root:${e.eventId}`, accessKey: '', signInIp: '' };
  }
  if (e.accessKeyId !== '') return { accountId: e.accountId, key: `key:${e.accessKeyId}`, accessKey: e.accessKeyId, signInIp: '' };
  return { accountId: e.accountId, key: `ip:${e.sourceIp}`, accessKey: '', signInIp: e.sourceIp };
}

interface Draft {
  accountId: string;
  accessKeys: string[];
  signInIp: string;
  events: RootEvent[];
}

/**
 * Groups a batch's events by (account, root session); groups come in the order of their first
 * event in the batch. A console session's actions (temporary ASIA... credentials, no AssumeRoot)
 * join the sign-in group of the successful root ConsoleLogin they follow: same account, same
 * source IP, credentials issued within CONSOLE_SESSION_WINDOW_SECONDS after the sign-in. A
 * CloudTrail record does not link a console session to its ConsoleLogin; this is the closest
 * evidence it carries, and it errs on the side of two messages rather than a wrong merge.
 */
export function groupEvents(events: readonly RootEvent[]): EventGroup[] {
  const drafts = new Map<string, Draft>();
  for (const e of events) {
    const s = sessionOf(e);
    const k = `${s.accountId}|${s.key}`;
    let d = drafts.get(k);
    if (!d) {
      d = { accountId: s.accountId, accessKeys: s.accessKey ? [s.accessKey] : [], signInIp: s.signInIp, events: [] };
      drafts.set(k, d);
    }
    d.events.push(e);
  }
  mergeConsoleSessions(drafts);

  const groups: EventGroup[] = [];
  for (const d of drafts.values()) {
    const assumeRootCall = d.events.find(isAssumeRoot);
    const inSession = assumeRootCall !== undefined && assumeRootCall.issuedAccessKeyId !== '';
    const sorted = [...d.events].sort((a, b) => compareTime(a.eventTime, b.eventTime));
    const classified = sorted.map((event) => ({ event, kind: classify(event, inSession) }));
    const headlineKind = KIND_PRIORITY.find((k) => classified.some((c) => c.kind === k)) ?? 'root-api-call';
    groups.push({ accountId: d.accountId, accessKeys: d.accessKeys, signInIp: d.signInIp, events: classified, headlineKind, assumeRootCall });
  }
  return groups;
}

function mergeConsoleSessions(drafts: Map<string, Draft>): void {
  const signIns = [...drafts.entries()].filter(([, d]) => d.signInIp !== '');
  if (signIns.length === 0) return;
  for (const [key, d] of [...drafts.entries()]) {
    if (d.accessKeys.length !== 1 || !d.accessKeys[0].startsWith('ASIA') || d.events.some(isAssumeRoot)) continue;
    if (d.events.some((e) => e.identityType !== 'Root' || e.assumedRoot)) continue;
    const issued = Date.parse(d.events[0].sessionCreationDate);
    if (Number.isNaN(issued)) continue;
    const target = signIns.find(([, s]) => s.accountId === d.accountId
      && d.events.some((e) => e.sourceIp === s.signInIp)
      && s.events.some((e) => {
        if (e.eventName !== 'ConsoleLogin' || e.consoleLoginResult !== 'Success') return false;
        const login = Date.parse(e.eventTime);
        return !Number.isNaN(login) && issued >= login - 60_000 && issued <= login + CONSOLE_SESSION_WINDOW_SECONDS * 1000;
      }));
    if (!target) continue;
    const into = target[1];
    into.events.push(...d.events);
    into.accessKeys.push(...d.accessKeys);
    drafts.delete(key);
  }
}

function compareTime(a: string, b: string): number {
  // CloudTrail's eventTime is ISO 8601 UTC with a Z: lexical order is time order.
  return a < b ? -1 : a > b ? 1 : 0;
}
