/**
 * First seen: whether an AssumeRoot call's (caller, target account, task policy) was seen in the
 * last N days (the construct's `firstSeenWindow`, default 90). The memory is one item per
 * combination in the session table, which expires N days after its latest sighting (TTL): the
 * table never holds more than the window. Pure: the store is an interface (the session store's
 * optional `getSeen` / `recordSeen`).
 */
import { createHash } from 'crypto';
import { AssumeRootInfo } from './group';

/** The default window: 90 days. */
export const DEFAULT_FIRST_SEEN_WINDOW_SECONDS = 90 * 24 * 60 * 60;

/** What is remembered of one (caller, target, task). */
export interface SeenRecord {
  /** The latest sighting (ms since the epoch). */
  readonly lastSeenAt: number;
  /** The event ID of the AssumeRoot call that was reported "first time" (a retry of it stays "first time"). */
  readonly firstEventId: string;
}

/** What a sighting writes. */
export interface SeenUpdate {
  readonly now: number;
  /** The call's event ID. */
  readonly eventId: string;
  /** This call was reported as the first time: its event ID is kept as the first. */
  readonly firstTime: boolean;
  /** The item expires this long after `now`. */
  readonly windowSeconds: number;
}

/** The first-seen memory (DynamoDB in Lambda, a map in tests). Every call may reject or hang: the caller bounds it. */
export interface FirstSeenStore {
  /** The records of these keys (absent: never seen in the window). */
  getSeen(keys: readonly string[]): Promise<ReadonlyMap<string, SeenRecord>>;
  /** Records a sighting. */
  recordSeen(key: string, update: SeenUpdate): Promise<void>;
}

/** What the message says. */
export type FirstSeen = 'first-time' | 'seen-before' | 'unknown';

/** The key of a combination: `seen#<hash of caller ARN, target account, task policy ARN>` (a caller's ARN may be long). */
export function seenKey(call: Pick<AssumeRootInfo, 'callerArn' | 'targetAccountId' | 'taskPolicyArn'>): string {
  return `seen#${createHash('sha256').update(`${call.callerArn}\n${call.targetAccountId}\n${call.taskPolicyArn}`).digest('hex').slice(0, 40)}`;
}

/**
 * First time or not: unknown when the memory could not be read; first time when nothing was seen
 * in the window, or when what was seen is this same call reported "first time" before (a retry, or
 * the log path after real time).
 */
export function firstSeenOf(read: boolean, record: SeenRecord | undefined, callEventId: string): FirstSeen {
  if (!read) return 'unknown';
  if (!record) return 'first-time';
  return callEventId !== '' && record.firstEventId === callEventId ? 'first-time' : 'seen-before';
}

/** The line of the email text (fixed words). */
export function firstSeenLine(f: FirstSeen, windowSeconds: number): string {
  const days = Math.round(windowSeconds / 86400);
  switch (f) {
    case 'first-time': return `First time: this caller has not opened a session with this task in this account in the last ${days} days`;
    case 'seen-before': return `Seen before: this caller opened a session with this task in this account in the last ${days} days`;
    case 'unknown': return 'First-seen unknown: the session memory could not be read';
  }
}

/** A first-seen memory in a map (tests, the in-memory session store). */
export class InMemoryFirstSeen implements FirstSeenStore {
  public readonly seen = new Map<string, SeenRecord & { expiresAt: number }>();
  constructor(private readonly clock: () => number = Date.now) {}
  public async getSeen(keys: readonly string[]): Promise<ReadonlyMap<string, SeenRecord>> {
    const out = new Map<string, SeenRecord>();
    for (const k of keys) {
      const r = this.seen.get(k);
      if (r && r.expiresAt > this.clock()) out.set(k, { lastSeenAt: r.lastSeenAt, firstEventId: r.firstEventId });
    }
    return out;
  }
  public async recordSeen(key: string, u: SeenUpdate): Promise<void> {
    const prev = this.seen.get(key);
    const first = u.firstTime ? u.eventId : (prev && prev.expiresAt > u.now ? prev.firstEventId : '');
    this.seen.set(key, { lastSeenAt: u.now, firstEventId: first, expiresAt: u.now + u.windowSeconds * 1000 });
  }
}
