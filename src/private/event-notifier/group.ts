import { classify, KIND_PRIORITY, RootUseKind } from './classify';
import { RootEvent } from './cloudtrail';

/** One event with its classification. */
export interface ClassifiedEvent {
  readonly event: RootEvent;
  readonly kind: RootUseKind;
}

/** What is known of the AssumeRoot call that opened a session (from its record, or remembered). */
export interface AssumeRootInfo {
  readonly callerArn: string;
  readonly callerAccountId: string;
  readonly taskPolicyArn: string;
  readonly targetAccountId: string;
  readonly issuedAccessKeyId: string;
  readonly eventId: string;
  readonly eventTime: string;
}

/** The events of one root session in one account, within one delivery. */
export interface EventGroup {
  /** The account whose root user is used (for an AssumeRoot call: the target member account). */
  readonly accountId: string;
  /**
   * The session, stable across deliveries: `key:<access key ID>` (a root access key, console or
   * AssumeRoot session credentials), `login:<event ID>` (a successful console sign-in),
   * `ip:<source IP>` (failed sign-ins, password recovery) or
   * `denied:<window start>#<target>#<caller ARN>` (denied AssumeRoot calls of one caller for one
   * target in a DENIED_WINDOW_SECONDS window: one message however many; the group's account is the
   * caller's).
   */
  readonly sessionKey: string;
  /** The session's access keys (root access key, console or AssumeRoot session credentials). */
  readonly accessKeys: string[];
  /** For sign-in activity without an access key: the source IP it came from; '' otherwise. */
  readonly signInIp: string;
  /** In event time order, oldest first. */
  readonly events: ClassifiedEvent[];
  /** The most alarming kind in the group (KIND_PRIORITY). */
  readonly headlineKind: RootUseKind;
  /** The AssumeRoot call that opened this session, when it is in the delivery. */
  readonly assumeRootCall?: RootEvent;
  /** The AssumeRoot call's data, from the delivery or remembered from an earlier one. */
  readonly assumeRoot?: AssumeRootInfo;
}

/** The events of one session in a delivery, before classification. */
export interface SessionDraft {
  readonly accountId: string;
  readonly sessionKey: string;
  readonly accessKeys: string[];
  readonly signInIp: string;
  readonly events: RootEvent[];
}

/** How far after a successful root ConsoleLogin a console session's credentials may be issued (never before it). */
export const CONSOLE_SESSION_WINDOW_SECONDS = 300;

/** Denied AssumeRoot calls of one caller for one target within this window (by event time) are one message. */
export const DENIED_WINDOW_SECONDS = 300;

/** An AssumeRoot session lasts at most 900 s (its credentials' maximum): its thread ends with it. */
export const ASSUME_ROOT_SESSION_LIFE_SECONDS = 900;

/**
 * A console session (a sign-in and its actions) or a root access key's burst of use is one thread
 * for at most this long after its first event; later events start a new thread.
 */
export const CONSOLE_SESSION_LIFE_SECONDS = 6 * 60 * 60;

/** Failed sign-ins and password recovery from one address are one thread for at most this long. */
export const SIGN_IN_ACTIVITY_LIFE_SECONDS = 60 * 60;

/**
 * How long a session's thread may last, from its first event: its real life. After it, the same
 * key (an access key, an address) starts a new session, a new message and a new thread.
 */
export function sessionLifeSeconds(sessionKey: string, assumeRootSession: boolean): number {
  if (assumeRootSession) return ASSUME_ROOT_SESSION_LIFE_SECONDS;
  if (sessionKey.startsWith('ip:')) return SIGN_IN_ACTIVITY_LIFE_SECONDS;
  if (sessionKey.startsWith('denied:')) return DENIED_WINDOW_SECONDS;
  return CONSOLE_SESSION_LIFE_SECONDS;
}

/** The start (ISO, UTC) of the DENIED_WINDOW_SECONDS window of an event time; '' when the time is unknown. */
export function deniedWindow(eventTime: string): string {
  const t = Date.parse(eventTime);
  if (Number.isNaN(t)) return '';
  const w = DENIED_WINDOW_SECONDS * 1000;
  return new Date(Math.floor(t / w) * w).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const isAssumeRoot = (e: RootEvent) => e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot';
const isSuccessfulLogin = (e: RootEvent) => e.eventSource === 'signin.amazonaws.com' && e.eventName === 'ConsoleLogin'
  && e.consoleLoginResult !== 'Failure' && e.errorCode === '' && e.errorMessage === '';

/**
 * The root session an event belongs to, as far as one record can tell:
 * - an `AssumeRoot` call belongs to the session it opens: its target member account and the
 *   access key it issued (responseElements.credentials.accessKeyId), which is the accessKeyId of
 *   every action of that session in the member account (IAM User Guide, "Track privileged tasks
 *   in AWS CloudTrail"); a failed call (no key) is a session of its own (keyed by its event ID);
 * - any other event with an access key (root access key AKIA..., console or AssumeRoot session
 *   credentials ASIA...) belongs to that key: one key is one session;
 * - a successful console sign-in opens a session of its own (keyed by its event ID: a sign-in
 *   record has no access key, and two sign-ins are two sessions);
 * - other events without a key (failed sign-ins, password recovery) belong to the account's
 *   sign-in activity from that source IP.
 * - a tamper call (tamper.ts) by any other principal belongs to its account's tamper group
 *   (`tamper:<account>`), one message per delivery per account, never remembered.
 * Keys are compared within the account, so the same value in two accounts never merges.
 */
export function sessionOf(e: RootEvent): { accountId: string; key: string; accessKey: string; signInIp: string } {
  // A change to the watch by anyone but the root user: one group per account per delivery.
  if (e.tamper !== '' && e.identityType !== 'Root') return { accountId: e.accountId, key: `tamper:${e.accountId}`, accessKey: '', signInIp: '' };
  if (isAssumeRoot(e)) {
    if (e.issuedAccessKeyId && e.errorCode === '') {
      return { accountId: e.targetAccountId || e.accountId, key: `key:${e.issuedAccessKeyId}`, accessKey: e.issuedAccessKeyId, signInIp: '' };
    }
    // A denied (or failed) call opened nothing: any principal may make thousands, naming any
    // target. Grouped by caller, target and window, in the caller's account (the one to act on).
    return { accountId: e.accountId, key: `denied:${deniedWindow(e.eventTime)}#${e.targetAccountId}#${e.identityArn}`, accessKey: '', signInIp: '' };
  }
  if (e.accessKeyId !== '') return { accountId: e.accountId, key: `key:${e.accessKeyId}`, accessKey: e.accessKeyId, signInIp: '' };
  if (isSuccessfulLogin(e) && e.eventId !== '') return { accountId: e.accountId, key: `login:${e.eventId}`, accessKey: '', signInIp: e.sourceIp };
  return { accountId: e.accountId, key: `ip:${e.sourceIp}`, accessKey: '', signInIp: e.sourceIp };
}

interface Draft {
  accountId: string;
  sessionKey: string;
  accessKeys: string[];
  signInIp: string;
  events: RootEvent[];
}

/** The AssumeRoot data of a call record. */
export function assumeRootInfo(call: RootEvent): AssumeRootInfo {
  return {
    callerArn: call.identityArn,
    callerAccountId: call.accountId,
    taskPolicyArn: call.taskPolicyArn,
    targetAccountId: call.targetAccountId,
    issuedAccessKeyId: call.issuedAccessKeyId,
    eventId: call.eventId,
    eventTime: call.eventTime,
  };
}

/**
 * Splits a delivery's events into sessions (account, session key), in the order of their first
 * event. A console session's actions (temporary ASIA... credentials, no AssumeRoot) join the
 * sign-in session of the successful root ConsoleLogin they follow: same account, same source IP,
 * credentials issued within CONSOLE_SESSION_WINDOW_SECONDS after the sign-in. A CloudTrail
 * record does not link a console session to its ConsoleLogin; this is the closest evidence it
 * carries, and it errs on the side of two messages rather than a wrong merge.
 */
export function sessionDrafts(events: readonly RootEvent[]): SessionDraft[] {
  const drafts = new Map<string, Draft>();
  for (const e of events) {
    const s = sessionOf(e);
    const k = `${s.accountId}|${s.key}`;
    let d = drafts.get(k);
    if (!d) {
      d = { accountId: s.accountId, sessionKey: s.key, accessKeys: s.accessKey ? [s.accessKey] : [], signInIp: s.signInIp, events: [] };
      drafts.set(k, d);
    }
    d.events.push(e);
  }
  mergeConsoleSessions(drafts);
  return [...drafts.values()];
}

/**
 * Classifies a session's events. `remembered` is the AssumeRoot call of the session when an
 * earlier delivery held it (the session memory); `assumedRoot` records say so themselves.
 */
export function classifyDraft(d: SessionDraft, remembered?: AssumeRootInfo): EventGroup {
  const assumeRootCall = d.events.find(isAssumeRoot);
  const callOpened = assumeRootCall !== undefined && assumeRootCall.issuedAccessKeyId !== '' && assumeRootCall.errorCode === '';
  const assumeRoot = callOpened ? assumeRootInfo(assumeRootCall) : remembered;
  const inSession = callOpened || remembered !== undefined;
  const sorted = [...d.events].sort((a, b) => compareTime(a.eventTime, b.eventTime));
  const classified = sorted.map((event) => ({ event, kind: classify(event, inSession) }));
  const headlineKind = KIND_PRIORITY.find((k) => classified.some((c) => c.kind === k)) ?? 'root-api-call';
  return {
    accountId: d.accountId,
    sessionKey: d.sessionKey,
    accessKeys: d.accessKeys,
    signInIp: d.signInIp,
    events: classified,
    headlineKind,
    assumeRootCall,
    assumeRoot,
  };
}

/**
 * Whether the group holds actions of a centralized root access session (its call remembered, or in
 * the delivery with them, or the records flagged); a group of the call alone is "AssumeRoot call".
 */
export function isAssumeRootSession(g: EventGroup): boolean {
  return g.events.some((e) => e.kind === 'assume-root-session-action');
}

/** Groups a delivery's events by (account, root session), classified with what the delivery holds. */
export function groupEvents(events: readonly RootEvent[]): EventGroup[] {
  return sessionDrafts(events).map((d) => classifyDraft(d));
}

function mergeConsoleSessions(drafts: Map<string, Draft>): void {
  const signIns = [...drafts.entries()].filter(([, d]) => d.signInIp !== '');
  if (signIns.length === 0) return;
  for (const [key, d] of [...drafts.entries()]) {
    if (d.accessKeys.length !== 1 || !d.accessKeys[0].startsWith('ASIA') || d.events.some(isAssumeRoot)) continue;
    if (d.events.some((e) => e.identityType !== 'Root' || e.assumedRoot)) continue;
    const issued = Date.parse(d.events[0].sessionCreationDate);
    // Only a successful sign-in opens a console session.
    if (Number.isNaN(issued)) continue;
    const target = signIns.find(([, s]) => s.accountId === d.accountId && s.sessionKey.startsWith('login:')
      && d.events.some((e) => e.sourceIp === s.signInIp)
      && s.events.some((e) => {
        if (e.eventName !== 'ConsoleLogin' || e.consoleLoginResult !== 'Success') return false;
        const login = Date.parse(e.eventTime);
        // Forward in time only: credentials issued before the sign-in are not its session's.
        return !Number.isNaN(login) && issued >= login && issued <= login + CONSOLE_SESSION_WINDOW_SECONDS * 1000;
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
