import { eventBridgeEvent, orgTrailDelivery, record, subscriptionEvent } from './payload';
import { recordingDeps, SentMessage } from './recording-deps';
import {
  ACCOUNT_NAME_TIMEOUT_MS, AccountNameCache, FINISH_RESERVE_MS, notify, NotifierDeps, PUBLISH_CONCURRENCY, PUBLISH_TIMEOUT_MS,
} from '../../src/private/event-notifier/notify';
import {
  InMemorySessionStore, MAX_MESSAGES_PER_WINDOW, RATE_WINDOW_SECONDS, SessionStore, STORE_READ_BUDGET_MS, STORE_TIMEOUT_MS, STORE_WRITE_BUDGET_MS,
} from '../../src/private/event-notifier/session-store';

// The per-event path under pressure (issue 24): floods a member account can make, a slow store and
// a stalled SNS, on deliveries shaped exactly as CloudWatch Logs and EventBridge send them. Time is
// a fake clock (jest's modern fake timers drive Date.now and every timeout), and the deadline is
// the one Lambda's context would give (getRemainingTimeInMillis): the tests assert on what was
// published and what was left, never on how long the machine took. (Jest's own per-test timeout is
// raised: rendering thousands of messages under coverage on a shared machine takes real seconds.)
jest.setTimeout(180_000);

const FUNCTION_TIMEOUT_MS = 120_000;
const MANAGEMENT = '111111111111';

/** A published message with the fake-clock time of its publish call. */
type Sent = SentMessage & { readonly at: number };

function setup(overrides: Partial<NotifierDeps> = {}, store: SessionStore = new InMemorySessionStore()) {
  const start = Date.now();
  const { sent, logs, deps } = recordingDeps({
    store,
    remainingTimeMs: () => FUNCTION_TIMEOUT_MS - (Date.now() - start),
    describeAccount: async (id) => (id === MANAGEMENT ? 'Management' : undefined),
    ...overrides,
  }, () => Date.now() - start);
  return { sent: sent as Sent[], logs, deps, start };
}

/** The deps of a new invocation: its own deadline, FUNCTION_TIMEOUT_MS from now. */
function invocation(deps: NotifierDeps): NotifierDeps {
  const t0 = Date.now();
  return { ...deps, remainingTimeMs: () => FUNCTION_TIMEOUT_MS - (Date.now() - t0) };
}

/** Runs `p` to its end under fake timers (every timer fires as the fake clock reaches it). */
async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: Error }> {
  let out: { value?: T; error?: Error } | undefined;
  p.then((value) => { out = { value }; }, (error: Error) => { out = { error }; });
  while (out === undefined) await jest.advanceTimersByTimeAsync(100);
  return out;
}

/** `count` denied AssumeRoot calls by one caller of the management account, for `targets` member accounts, one second apart. */
function deniedCalls(count: number, targets: number): Array<Record<string, any>> {
  const base = record('assume-root-call-denied');
  const t0 = Date.parse('2026-11-27T12:00:00Z');
  return Array.from({ length: count }, (_, i) => ({
    ...base,
    eventID: `denied-${String(i).padStart(4, '0')}`,
    eventTime: new Date(t0 + i * 1000).toISOString().replace('.000Z', 'Z'),
    requestParameters: { ...base.requestParameters, targetPrincipal: String(222222222200 + (i % targets)) },
  }));
}

/** A successful root sign-in without MFA in the management account (us-east-1, where root sign-ins are recorded). */
function managementSignIn(): Record<string, any> {
  const r = record('root-console-login-success-no-mfa');
  return { ...r, eventID: 'real-sign-in', recipientAccountId: MANAGEMENT, userIdentity: { ...r.userIdentity, accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:root` }, eventTime: '2026-11-27T12:02:30Z' };
}

beforeEach(() => {
  jest.useFakeTimers({ now: Date.parse('2026-11-27T12:06:00Z') });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('floods of denied AssumeRoot calls', () => {
  test('200 denied calls by one caller for one target in one delivery: one message, the caller first', async () => {
    const { sent, deps } = setup();
    const records = deniedCalls(200, 1).map((r, i) => ({ ...r, eventTime: new Date(Date.parse('2026-11-27T12:00:00Z') + i * 1000).toISOString().replace('.000Z', 'Z') }))
      .filter((r) => r.eventTime < '2026-11-27T12:05:00Z'); // one 5-minute window
    const { value } = await settle(notify(orgTrailDelivery(MANAGEMENT, 'eu-west-1', records), deps));
    expect(value).toEqual(expect.objectContaining({ events: records.length, published: 1 }));
    expect(sent.map((m) => m.subject)).toEqual([`[MEDIUM] AssumeRoot denied: ${records.length} calls by 111111111111 user/mallory for 222222222200`]);
    expect(sent[0].email.split('\n')[0]).toBe(
      `AssumeRoot denied: ${records.length} denied calls by arn:aws:iam::111111111111:user/mallory (account 111111111111 (name set by the account itself: "Management")) for 222222222200`);
  });

  test('200 denied calls for 20 targets and a real sign-in in one delivery: at most a few messages, the sign-in first', async () => {
    // GIVEN one delivery of the management account's us-east-1 stream: a real root sign-in among 200 denied calls
    const { sent, deps } = setup();
    const records: Array<Record<string, any>> = deniedCalls(200, 20).map((r) => ({ ...r, awsRegion: 'us-east-1', eventTime: '2026-11-27T12:01:00Z' }));
    records.splice(137, 0, managementSignIn());
    // WHEN
    const { value, error } = await settle(notify(orgTrailDelivery(MANAGEMENT, 'us-east-1', records), deps));
    // THEN the sign-in, MAX_MESSAGES_PER_WINDOW denied groups, one summary for the other 15
    expect(error).toBeUndefined();
    expect(value).toEqual(expect.objectContaining({ events: 201, published: 1 + MAX_MESSAGES_PER_WINDOW + 1, held: 15 }));
    expect(sent).toHaveLength(7);
    expect(sent[0].subject).toBe('[HIGH] Root sign-in without MFA: 111111111111 (self-named Management) from 203.0.113.7');
    expect(sent.slice(1, 6).map((m) => m.subject)).toEqual(Array.from({ length: 5 }, (_, i) => `[MEDIUM] AssumeRoot denied: 10 calls by 111111111111 user/mallory for ${222222222200 + i}`));
    expect(sent[6].subject).toBe('[MEDIUM] AssumeRoot denied: 15 more held back for 111111111111 (flood, 5 per 5 min)');
    expect(sent[6].email).toContain('15 more sessions (150 events) of this kind were held back by this delivery.');
    expect(sent[6].email).toContain('- 10 denied calls by arn:aws:iam::111111111111:user/mallory for 222222222219');
  });

  test('200 denied calls as 200 real-time EventBridge events, and a real sign-in among them: at most a few messages, the sign-in never held back', async () => {
    const store = new InMemorySessionStore();
    const { sent, deps } = setup({}, store);
    const results = [];
    const records = deniedCalls(200, 200).map((r) => ({ ...r, eventTime: '2026-11-27T12:05:30Z' }));
    for (const [i, r] of records.entries()) {
      if (i === 150) results.push((await settle(notify(eventBridgeEvent(managementSignIn()), invocation(deps)))).value);
      results.push((await settle(notify(eventBridgeEvent(r), invocation(deps)))).value);
    }
    // 5 denied messages, one summary, the sign-in; the rest counted for the next window
    expect(sent.map((m) => m.subject)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `[MEDIUM] AssumeRoot denied: 1 call by 111111111111 user/mallory for ${222222222200 + i}`),
      '[MEDIUM] AssumeRoot denied: 1 more held back for 111111111111 (flood, 5 per 5 min)',
      '[HIGH] Root sign-in without MFA: 111111111111 (self-named Management) from 203.0.113.7',
    ]);
    expect(results.reduce((n, r) => n + (r?.held ?? 0), 0)).toBe(195);
    // WHEN the next window's first denied call arrives, THEN its message carries the count held back after the summary
    jest.setSystemTime(Date.now() + RATE_WINDOW_SECONDS * 1000);
    const next = await settle(notify(eventBridgeEvent({ ...records[0], eventID: 'next-window', eventTime: '2026-11-27T12:11:00Z' }), invocation(deps)));
    expect(next.error).toBeUndefined();
    expect(next.value).toEqual(expect.objectContaining({ published: 1 }));
    expect(sent[7].subject).toBe('[MEDIUM] AssumeRoot denied: 1 call by 111111111111 user/mallory for 222222222200');
    expect(sent[7].email).toContain('Also: 194 more sessions of this kind in this account were held back by the flood bound in the previous window');
  });

  test('the account name is looked up once per account across invocations, within its cache lifetime', async () => {
    const cache = new AccountNameCache();
    const describeAccount = jest.fn(async () => 'Management');
    const { deps } = setup({ describeAccount, accountNameCache: cache });
    for (const r of deniedCalls(20, 20)) await settle(notify(eventBridgeEvent(r), invocation(deps)));
    expect(describeAccount).toHaveBeenCalledTimes(1);
    jest.setSystemTime(Date.now() + 16 * 60 * 1000); // past ACCOUNT_NAME_CACHE_MS
    await settle(notify(eventBridgeEvent(managementSignIn()), invocation(deps)));
    expect(describeAccount).toHaveBeenCalledTimes(2);
  });
});

/** A store that answers every call after `latencyMs` of the (fake) clock. */
function slowStore(latencyMs: number): InMemorySessionStore {
  return new InMemorySessionStore(latencyMs);
}

/** One root sign-in without MFA in each of `n` accounts (alarming: never held back), as real-time events. */
function signIns(n: number): Array<Record<string, any>> {
  const r = record('root-console-login-success-no-mfa');
  return Array.from({ length: n }, (_, i) => {
    const account = String(300000000000 + i);
    return { ...r, eventID: `sign-in-${i}`, recipientAccountId: account, userIdentity: { ...r.userIdentity, accountId: account, arn: `arn:aws:iam::${account}:root` } };
  });
}

describe('a slow store and a stalled SNS, against the deadline', () => {
  test('a store answering in 1.4 s per call: every one of 2,000 sessions is published within the deadline; reads and writes stop at their budgets', async () => {
    // GIVEN one delivery of 2,000 sign-ins (as a subscription delivery) and a store at 1.4 s per call
    const store = slowStore(1400);
    const { sent, logs, deps, start } = setup({}, store);
    const records = signIns(2000);
    // WHEN
    const { value, error } = await settle(notify(subscriptionEvent(records), deps));
    // THEN every session went out, nothing was left, and the invocation ended before its timeout
    expect(error).toBeUndefined();
    expect(value).toEqual(expect.objectContaining({ events: 2000, published: 2000 }));
    expect(new Set(sent.map((m) => m.subject)).size).toBe(2000);
    expect(Date.now() - start).toBeLessThan(FUNCTION_TIMEOUT_MS - FINISH_RESERVE_MS / 2);
    // The reads stopped at the default budget: the first publish waited exactly that long, no more.
    expect(sent[0].at).toBe(STORE_READ_BUDGET_MS);
    expect(logs.map((l) => l.message)).toContain('session store reads stopped at their budget: the sessions not read yet are reported without memory');
    // The writes: the delivery's record first, then memories until the write budget; the rest logged (a duplicate later, never a loss now).
    expect(store.callLog.indexOf('recordDelivery')).toBeGreaterThan(-1);
    expect(store.callLog.filter((c) => c === 'recordPublished').length).toBeLessThan(2000);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringMatching(/^session store writes stopped at their budget/) }));
    const lastPublish = Math.max(...sent.map((m) => m.at));
    expect(Date.now() - start - lastPublish).toBeLessThanOrEqual(STORE_WRITE_BUDGET_MS + 1400);
  });

  test('a stalled SNS: nothing is published, the invocation fails before its timeout naming every session left, and a retry publishes each once', async () => {
    // GIVEN 150 alarming sessions and an SNS that never answers
    const store = new InMemorySessionStore();
    const stalled: Sent[] = [];
    const { sent, logs, deps, start } = setup({}, store);
    const delivery = subscriptionEvent(signIns(150));
    const hanging: NotifierDeps = { ...deps, publish: () => new Promise<void>(() => { stalled.push({} as Sent); }) };
    // WHEN
    const { error } = await settle(notify(delivery, hanging));
    // THEN it threw (Lambda retries, then the failure queue) before the function's timeout, saying what was left
    expect(error?.message).toMatch(/^150 of 150 notification\(s\) could not be published: sns:Publish did not answer within \d+ ms \(and \d+ not started before the deadline\)$/);
    expect(Date.now() - start).toBeLessThanOrEqual(FUNCTION_TIMEOUT_MS);
    // Each publish attempt was bounded by the publish timeout: at most concurrency x (timeout / time) attempts
    expect(stalled.length).toBeLessThanOrEqual(PUBLISH_CONCURRENCY * Math.ceil(FUNCTION_TIMEOUT_MS / PUBLISH_TIMEOUT_MS));
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'not published before the deadline: failing the invocation so that Lambda retries the rest' }));
    // WHEN Lambda retries with SNS back: every session once
    const retry = await settle(notify(delivery, invocation(setup({}, store).deps)));
    expect(retry.value).toEqual(expect.objectContaining({ published: 150 }));
    expect(sent).toHaveLength(0);
  });

  test('a delivery published in part: the retry publishes only the rest and reads nothing of the sessions already published', async () => {
    const store = new InMemorySessionStore();
    const first = setup({ concurrency: 1 }, store);
    let calls = 0;
    const flaky: NotifierDeps = {
      ...first.deps,
      publish: async (input) => {
        if (++calls > 3) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return first.deps.publish(input);
      },
    };
    const delivery = subscriptionEvent(signIns(10));
    const { error } = await settle(notify(delivery, flaky));
    expect(error?.message).toBe('7 of 10 notification(s) could not be published: Rate exceeded');
    expect(first.sent).toHaveLength(3);
    const readBefore = store.readSessions.length;
    const second = setup({}, store);
    const { value } = await settle(notify(delivery, invocation(second.deps)));
    expect(value).toEqual(expect.objectContaining({ published: 7, suppressed: 3 }));
    expect(second.sent.map((m) => m.subject).sort()).toEqual(signIns(10).slice(3).map((r) => `[HIGH] Root sign-in without MFA: ${r.recipientAccountId} from 203.0.113.7`).sort());
    // the retry read the memory of the 7 sessions it published, and of none of the 3 published before
    const reread = store.readSessions.slice(readBefore);
    expect(reread).toHaveLength(7);
    for (const r of signIns(10).slice(0, 3)) expect(reread.some((k) => k.startsWith(`${r.recipientAccountId}|`))).toBe(false);
  });

  test('too little time left at the start: published without reading the store', async () => {
    const store = new InMemorySessionStore();
    const { sent, logs, deps } = setup({ remainingTimeMs: () => 20_000 }, store);
    await settle(notify(subscriptionEvent(signIns(3)), deps));
    expect(sent).toHaveLength(3);
    expect(store.callLog.filter((c) => c === 'getMany' || c === 'getDelivery')).toEqual([]);
    expect(logs.map((l) => l.message)).toContain('too little time left: publishing without reading the session memory');
  });
});

describe('the bounds as they ship (defaults, not values a test passes in)', () => {
  test(`publish concurrency: ${PUBLISH_CONCURRENCY} sessions at a time, no more`, async () => {
    expect(PUBLISH_CONCURRENCY).toBe(8);
    let inFlight = 0;
    let most = 0;
    const { deps } = setup({
      store: undefined,
      publish: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
      },
    });
    const { value } = await settle(notify(subscriptionEvent(signIns(40)), deps));
    expect(value?.published).toBe(40);
    expect(most).toBe(8);
  });

  test('the store timeout: a store that never answers holds the first publish exactly 1.5 s, once per invocation', async () => {
    expect(STORE_TIMEOUT_MS).toBe(1500);
    const hang = () => new Promise<never>(() => undefined);
    const never: SessionStore = {
      getMany: hang,
      getDelivery: hang,
      recordDelivery: hang,
      recordPublished: hang,
      putLink: hang,
      addRate: hang,
      claimRealTime: hang,
      holdRealTime: hang,
    };
    const { sent, deps } = setup({}, never);
    await settle(notify(subscriptionEvent(signIns(3)), deps));
    expect(sent.map((m) => m.at)).toEqual([1500, 1500, 1500]);
  });

  test('the store read budget: 5 s in all, whatever the number of sessions', async () => {
    expect(STORE_READ_BUDGET_MS).toBe(5000);
    const { sent, deps } = setup({}, slowStore(1400));
    // 1,700 sessions: the delivery's record (1.4 s), then 17 batches of 100, 8 at a time (1.4 s a round): cut at 5 s
    await settle(notify(subscriptionEvent(signIns(1700)), deps));
    expect(sent[0].at).toBe(5000);
  });

  test('the account-name lookup timeout: 2 s, then the ID alone', async () => {
    expect(ACCOUNT_NAME_TIMEOUT_MS).toBe(2000);
    const { sent, deps } = setup({ store: undefined, describeAccount: () => new Promise<never>(() => undefined) });
    await settle(notify(subscriptionEvent(signIns(1)), deps));
    expect(sent.map((m) => [m.at, m.subject])).toEqual([[2000, '[HIGH] Root sign-in without MFA: 300000000000 from 203.0.113.7']]);
  });

  test('the publish timeout and the reserve before the deadline', async () => {
    expect([PUBLISH_TIMEOUT_MS, FINISH_RESERVE_MS]).toEqual([10_000, 5000]);
    const attempts: number[] = [];
    const stall = () => {
      attempts.push(Date.now() - start);
      return new Promise<void>(() => undefined);
    };
    const { deps, start } = setup({ store: undefined, publish: stall });
    const { error } = await settle(notify(subscriptionEvent(signIns(200)), deps));
    expect(error?.message).toMatch(/^200 of 200 notification\(s\) could not be published/);
    // 8 at a time, each abandoned after 10 s; none started within 5 s of the deadline
    expect(attempts.filter((t) => t === 0)).toHaveLength(8);
    expect(attempts.filter((t) => t === 10_000)).toHaveLength(8);
    expect(Math.max(...attempts)).toBeLessThanOrEqual(FUNCTION_TIMEOUT_MS - FINISH_RESERVE_MS);
  });
});
