/**
 * Declared root work (the construct's `expectedRootUse`): whether a session matches an entry in
 * full. Pure: the entries arrive from the deployer through the function's environment
 * (EXPECTED_ROOT_USE, compact JSON), the session from the records. The match reads only what AWS
 * records: for an AssumeRoot session, its AssumeRoot call in the calling account (caller ARN, task
 * policy, target account, time: from the delivery, or from the session memory that only this
 * function writes); for any other session, its account and the time of its events. Never an
 * account name, a session name shown elsewhere, a user agent, or anything a member account chooses.
 */
import { accountOf } from './cloudtrail';
import { EventGroup } from './group';

/** A weekly window: the day (0 = Sunday ... 6 = Saturday, UTC), the start in minutes after midnight, the length in minutes. */
export interface WeeklyWindowEntry {
  readonly day: number;
  readonly startMinute: number;
  readonly minutes: number;
}

/** One declared entry, as the function reads it. */
export interface ExpectationEntry {
  readonly name: string;
  /** Caller ARN patterns (`*`, `?`); absent: any caller. */
  readonly callers?: readonly string[];
  /** Task names (`S3UnlockBucketPolicy`); absent: any task. */
  readonly tasks?: readonly string[];
  /** Account IDs; absent: any account. */
  readonly accounts?: readonly string[];
  /** The absolute window, ms since the epoch (both or neither). */
  readonly start?: number;
  readonly end?: number;
  readonly weekly?: WeeklyWindowEntry;
}

/** What the messages say: "Expected: <name>", or "Unexpected" (pending: an AssumeRoot session whose call has not arrived yet). */
export type Expectation =
  | { readonly expected: true; readonly name: string }
  | { readonly expected: false; readonly pending: boolean };

export const UNEXPECTED: Expectation = { expected: false, pending: false };

/** The environment variable's form (short keys: it travels in the function's 4 KB environment). */
export interface CompactEntry {
  readonly n: string;
  readonly c?: string[];
  readonly t?: string[];
  readonly a?: string[];
  readonly s?: string;
  readonly e?: string;
  readonly w?: { readonly d: number; readonly m: number; readonly l: number };
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length > 0 ? v as string[] : undefined;
const int = (v: unknown, min: number, max: number): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;

/**
 * The entries of EXPECTED_ROOT_USE. A malformed entry is dropped (it can then match nothing), and
 * said so through `warn`: a bad entry never makes anything expected.
 */
export function parseExpectations(
  json: string | undefined, warn: (message: string, details: Record<string, unknown>) => void = () => {},
): ExpectationEntry[] {
  if (json === undefined || json === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    warn('EXPECTED_ROOT_USE is not JSON: no root use is expected', {});
    return [];
  }
  if (!Array.isArray(parsed)) {
    warn('EXPECTED_ROOT_USE is not a JSON array: no root use is expected', {});
    return [];
  }
  const out: ExpectationEntry[] = [];
  parsed.forEach((raw: unknown, index) => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const w = (typeof e.w === 'object' && e.w !== null ? e.w : undefined) as Record<string, unknown> | undefined;
    const start = typeof e.s === 'string' ? Date.parse(e.s) : undefined;
    const end = typeof e.e === 'string' ? Date.parse(e.e) : undefined;
    const weekly = w ? { day: int(w.d, 0, 6), startMinute: int(w.m, 0, 1439), minutes: int(w.l, 1, 7 * 1440) } : undefined;
    const bad = typeof e.n !== 'string' || e.n === ''
      || (e.c !== undefined && !strings(e.c)) || (e.t !== undefined && !strings(e.t)) || (e.a !== undefined && !strings(e.a))
      || (start === undefined) !== (end === undefined) || (start !== undefined && (Number.isNaN(start) || Number.isNaN(end!) || start >= end!))
      || (weekly !== undefined && (weekly.day === undefined || weekly.startMinute === undefined || weekly.minutes === undefined));
    if (bad) {
      warn('an entry of EXPECTED_ROOT_USE is malformed: it is ignored (it makes nothing expected)', { index });
      return;
    }
    out.push({
      name: e.n as string,
      ...(e.c !== undefined ? { callers: e.c as string[] } : {}),
      ...(e.t !== undefined ? { tasks: e.t as string[] } : {}),
      ...(e.a !== undefined ? { accounts: e.a as string[] } : {}),
      ...(start !== undefined ? { start, end } : {}),
      ...(weekly !== undefined ? { weekly: weekly as WeeklyWindowEntry } : {}),
    });
  });
  return out;
}

/** Whether `text` matches the pattern in full: `*` any characters (none included), `?` one; everything else literally. */
export function matchesPattern(pattern: string, text: string): boolean {
  const re = pattern.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${re}$`, 's').test(text);
}

const WEEK_MINUTES = 7 * 24 * 60;

/** Whether a time (ms) lies in the entry's windows: the absolute one and the weekly one, each when set. */
export function inWindow(entry: ExpectationEntry, ms: number): boolean {
  if (Number.isNaN(ms)) return false;
  if (entry.start !== undefined && entry.end !== undefined && (ms < entry.start || ms >= entry.end)) return false;
  if (entry.weekly) {
    const d = new Date(ms);
    const minuteOfWeek = d.getUTCDay() * 1440 + d.getUTCHours() * 60 + d.getUTCMinutes();
    const since = (minuteOfWeek - (entry.weekly.day * 1440 + entry.weekly.startMinute) + WEEK_MINUTES) % WEEK_MINUTES;
    if (since >= entry.weekly.minutes) return false;
  }
  return true;
}

function hasWindow(entry: ExpectationEntry): boolean {
  return (entry.start !== undefined && entry.end !== undefined) || entry.weekly !== undefined;
}

/** The task of an AWS root-task policy ARN, or '' for anything else (a caller's own text never matches). */
function awsTaskName(arn: string): string {
  const m = /^arn:aws(?:-[a-z]+)*:iam::aws:policy\/root-task\/([A-Za-z0-9+=,.@_-]{1,128})$/.exec(arn);
  return m ? m[1] : '';
}

/**
 * Whether an AssumeRoot session matches the entry in full: the caller (by the ARN AWS recorded in
 * the calling account, which must be that ARN's account and not the target), the task policy, the
 * target account (which must be the session's account) and the call's time.
 */
function matchesAssumeRoot(entry: ExpectationEntry, group: EventGroup): boolean {
  const call = group.assumeRoot;
  if (!call) return false;
  if (call.targetAccountId === '' || call.targetAccountId !== group.accountId) return false;
  if (!/^\d{12}$/.test(call.callerAccountId) || accountOf(call.callerArn) !== call.callerAccountId || call.callerAccountId === call.targetAccountId) return false;
  if (entry.callers && !entry.callers.some((p) => matchesPattern(p, call.callerArn))) return false;
  const task = awsTaskName(call.taskPolicyArn);
  if (entry.tasks && (task === '' || !entry.tasks.includes(task))) return false;
  if (entry.accounts && !entry.accounts.includes(call.targetAccountId)) return false;
  return inWindow(entry, Date.parse(call.eventTime));
}

/** Session keys of root use other than AssumeRoot that an entry may declare: a sign-in, a root access key or console credentials. */
function declarable(group: EventGroup): boolean {
  return group.sessionKey.startsWith('login:') || group.sessionKey.startsWith('key:');
}

/**
 * Whether a root session that is not an AssumeRoot session matches the entry: the entry names its
 * account and a window, sets no AssumeRoot field, and every event lies in the window.
 */
function matchesOtherRootUse(entry: ExpectationEntry, group: EventGroup): boolean {
  if (entry.callers || entry.tasks || !entry.accounts || !hasWindow(entry)) return false;
  if (!declarable(group) || !entry.accounts.includes(group.accountId)) return false;
  return group.events.every((c) => c.event.identityType === 'Root' && inWindow(entry, Date.parse(c.event.eventTime)));
}

/**
 * Whether the session is expected: the first entry it matches in full names it. Changes to the
 * watch by other principals and denied AssumeRoot calls are never expected. An AssumeRoot session
 * matches AssumeRoot entries only; temporary root credentials whose AssumeRoot call has not
 * arrived yet are "pending" (a later message, with the call, says whether they were expected).
 */
export function expectationOf(group: EventGroup, entries: readonly ExpectationEntry[]): Expectation {
  if (group.sessionKey.startsWith('tamper:') || group.sessionKey.startsWith('denied:')) return UNEXPECTED;
  if (group.assumeRoot) {
    const hit = entries.find((e) => matchesAssumeRoot(e, group));
    return hit ? { expected: true, name: hit.name } : UNEXPECTED;
  }
  const hit = entries.find((e) => matchesOtherRootUse(e, group));
  if (hit) return { expected: true, name: hit.name };
  const temporary = group.accessKeys.some((k) => k.startsWith('ASIA')) && group.signInIp === '';
  return { expected: false, pending: temporary && entries.length > 0 };
}

/** The label as the email text shows it (fixed words and the deployer's entry name). */
export function expectationLabel(x: Expectation): string {
  if (x.expected) return `Expected: ${x.name}`;
  return x.pending
    ? 'Unexpected (so far: if these temporary credentials belong to an AssumeRoot session, its call has not arrived yet; the call\'s message says whether it matches a declared entry)'
    : 'Unexpected';
}
