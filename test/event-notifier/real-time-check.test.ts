import { eventBridgeEvent, orgTrailDelivery, record } from './payload';
import { recordingDeps } from './recording-deps';
import { notify, NotifierDeps } from '../../src/private/event-notifier/notify';
import { InMemorySessionStore, MAX_MESSAGES_PER_WINDOW, SessionStore } from '../../src/private/event-notifier/session-store';

// The log path checks the real-time path (issue 21): a root event of a region the real-time path
// covers, delivered by the log path and never reported in real time, says so and is counted; and a
// root console session in real time, then the same records by the log path. Deliveries are shaped
// exactly as CloudWatch Logs (orgTrailDelivery: one log stream) and EventBridge (eventBridgeEvent:
// source aws.<service>, detail-type, account = recipientAccountId, no replay-name) send them.

const ACCOUNT = '111122223333';
const COVERED = ['us-east-1', 'eu-west-1'];

function setup(overrides: Partial<NotifierDeps> = {}, store: SessionStore | undefined = new InMemorySessionStore()) {
  return recordingDeps({ store, realTimeRegions: COVERED, ...overrides });
}

const notSeenLine = (account: string, region: string) =>
  `Not seen in real time: the forwarder of account ${account} in region ${region} may be missing or disabled (the log path stays authoritative).`;

/** A root API call with the account's root access key (not read-only: forwarded in real time in every configuration), in `region`. */
function apiCall(region: string, id = 'api-call-1'): Record<string, any> {
  const r = record('root-console-session-action');
  return {
    ...r,
    eventID: id,
    eventName: 'PutBucketPolicy',
    eventSource: 's3.amazonaws.com',
    readOnly: false,
    awsRegion: region,
    userIdentity: { ...r.userIdentity, accessKeyId: 'AKIAQNOXQ7ROOTKEY001', sessionContext: undefined },
  };
}

describe('"Not seen in real time": the log path checks the real-time path', () => {
  test('a covered region, delivered by the log path only: the line, and the forwarder counted', async () => {
    const { sent, deps } = setup();
    const result = await notify(orgTrailDelivery(ACCOUNT, 'eu-west-1', [apiCall('eu-west-1')]), deps);
    expect(result).toEqual(expect.objectContaining({ published: 1, notSeenInRealTime: [{ accountId: ACCOUNT, region: 'eu-west-1' }] }));
    expect(sent).toHaveLength(1);
    expect(sent[0].email.split('\n')).toContain(notSeenLine(ACCOUNT, 'eu-west-1'));
    expect(sent[0].chat.content.description).toContain(`*Not seen in real time:* the forwarder of account ${ACCOUNT} in region \`eu-west-1\` may be missing or disabled`);
  });

  test('a sign-in in us-east-1 delivered by the log path only: the line names us-east-1', async () => {
    const { sent, deps } = setup();
    const result = await notify(orgTrailDelivery(ACCOUNT, 'us-east-1', [record('root-console-login-success-no-mfa')]), deps);
    expect(result.notSeenInRealTime).toEqual([{ accountId: ACCOUNT, region: 'us-east-1' }]);
    expect(sent[0].email).toContain(notSeenLine(ACCOUNT, 'us-east-1'));
  });

  test('real time first, then the log path: nothing published again, no line', async () => {
    const { sent, deps } = setup();
    const call = apiCall('eu-west-1');
    const realTime = await notify(eventBridgeEvent(call), deps);
    expect(realTime).toEqual(expect.objectContaining({ messageType: 'EVENTBRIDGE', published: 1 }));
    expect(realTime.notSeenInRealTime).toBeUndefined();
    const log = await notify(orgTrailDelivery(ACCOUNT, 'eu-west-1', [call]), deps);
    expect(log).toEqual(expect.objectContaining({ published: 0, suppressed: 1 }));
    expect(log.notSeenInRealTime).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(sent[0].email).not.toContain('Not seen in real time');
  });

  test('real time saw the session, the log path brings one more event of it: a continuation, no line', async () => {
    const { sent, deps } = setup();
    await notify(eventBridgeEvent(apiCall('eu-west-1', 'first')), deps);
    const log = await notify(orgTrailDelivery(ACCOUNT, 'eu-west-1', [apiCall('eu-west-1', 'first'), apiCall('eu-west-1', 'second')]), deps);
    expect(log).toEqual(expect.objectContaining({ published: 1, suppressed: 1 }));
    expect(log.notSeenInRealTime).toBeUndefined();
    expect(sent[1].email).not.toContain('Not seen in real time');
  });

  test('a region the real-time path does not cover: no line', async () => {
    const { sent, deps } = setup();
    const result = await notify(orgTrailDelivery(ACCOUNT, 'ap-south-1', [apiCall('ap-south-1')]), deps);
    expect(result).toEqual(expect.objectContaining({ published: 1 }));
    expect(result.notSeenInRealTime).toBeUndefined();
    expect(sent[0].email).not.toContain('Not seen in real time');
  });

  test('a read-only root call (forwarded in real time only with allRootApiCalls): no line', async () => {
    const { sent, deps } = setup();
    const result = await notify(orgTrailDelivery(ACCOUNT, 'eu-west-1', [{ ...apiCall('eu-west-1'), eventName: 'GetBucketPolicy', readOnly: true }]), deps);
    expect(result).toEqual(expect.objectContaining({ published: 1 }));
    expect(result.notSeenInRealTime).toBeUndefined();
    expect(sent[0].email).not.toContain('Not seen in real time');
  });

  test('sessions held back in real time by the flood bound: the log path reports them as held, not as unseen', async () => {
    // GIVEN 7 denied AssumeRoot calls of the management account, for 7 targets, in real time: 5 messages and a summary
    const { sent, deps } = setup();
    const base = record('assume-root-call-denied');
    const calls = Array.from({ length: MAX_MESSAGES_PER_WINDOW + 2 }, (_, i) => ({
      ...base, eventID: `denied-${i}`, requestParameters: { ...base.requestParameters, targetPrincipal: String(222222222200 + i) },
    }));
    for (const c of calls) await notify(eventBridgeEvent(c), deps);
    expect(sent.map((m) => m.subject)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `[MEDIUM] AssumeRoot denied: 1 call by 111111111111 user/mallory for ${222222222200 + i}`),
      '[MEDIUM] AssumeRoot denied: 1 more held back for 111111111111 (flood, 5 per 5 min)', // the 7th is counted for the next window
    ]);

    // WHEN the log path delivers the same 7 calls, 10 minutes later (the next flood window)
    const later = Date.now() + 10 * 60_000;
    const log = await notify(orgTrailDelivery('111111111111', 'eu-west-1', calls), { ...deps, now: () => later });

    // THEN the 2 held back go out, each saying so; none says "not seen in real time"
    expect(log).toEqual(expect.objectContaining({ published: 2, suppressed: 5 }));
    expect(log.notSeenInRealTime).toBeUndefined();
    expect(sent.slice(6).map((m) => m.subject)).toEqual([
      '[MEDIUM] AssumeRoot denied: 1 call by 111111111111 user/mallory for 222222222205',
      '[MEDIUM] AssumeRoot denied: 1 call by 111111111111 user/mallory for 222222222206',
    ]);
    for (const m of sent.slice(6)) {
      expect(m.email).toContain('held back in real time by the flood bound');
      expect(m.email).not.toContain('Not seen in real time');
    }
  });

  test('the store down: not known, so no line (the message goes out)', async () => {
    const failing: SessionStore = {
      ...new InMemorySessionStore(),
      getMany: async () => { throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }); },
      getDelivery: async () => undefined,
      recordDelivery: async () => undefined,
      recordPublished: async () => undefined,
      putLink: async () => undefined,
      addRate: async () => undefined,
      claimRealTime: async () => ({ claimed: true, held: [], heldCount: 0 }),
      holdRealTime: async () => undefined,
    };
    const { sent, deps } = setup({}, failing);
    const result = await notify(orgTrailDelivery(ACCOUNT, 'eu-west-1', [apiCall('eu-west-1')]), deps);
    expect(result).toEqual(expect.objectContaining({ published: 1 }));
    expect(result.notSeenInRealTime).toBeUndefined();
    expect(sent[0].email).not.toContain('Not seen in real time');
  });

  test('a real-time publish that fails: the retry of the same event claims its slot again and publishes it (not held)', async () => {
    const { sent, deps } = setup();
    let failures = 1;
    const flaky: NotifierDeps = {
      ...deps,
      publish: async (input) => {
        if (failures-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
        return deps.publish(input);
      },
    };
    const event = eventBridgeEvent(apiCall('us-east-1'));
    await expect(notify(event, flaky)).rejects.toThrow('1 of 1 notification(s) could not be published: Rate exceeded');
    expect(await notify(event, flaky)).toEqual(expect.objectContaining({ published: 1 }));
    // another event of the same root access key within 5 minutes: held
    expect(await notify(eventBridgeEvent(apiCall('us-east-1', 'api-call-2')), flaky)).toEqual(expect.objectContaining({ published: 0, heldForContinuation: 1 }));
    expect(sent).toHaveLength(1);
  });

  test('concurrent invocations of one session\'s events: one claims the slot and publishes, the others hold their event', async () => {
    const { sent, deps } = setup();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => notify(eventBridgeEvent(apiCall('us-east-1', `concurrent-${i}`)), deps)));
    expect(results.reduce((n, r) => n + r.published, 0)).toBe(1);
    expect(results.reduce((n, r) => n + (r.heldForContinuation ?? 0), 0)).toBe(5);
    expect(sent).toHaveLength(1);
  });

  test('no store at all: no line', async () => {
    const { sent, deps } = setup({ store: undefined });
    const result = await notify(orgTrailDelivery(ACCOUNT, 'eu-west-1', [apiCall('eu-west-1')]), deps);
    expect(result.notSeenInRealTime).toBeUndefined();
    expect(sent[0].email).not.toContain('Not seen in real time');
  });

  test('no real-time path (no realTimeRegions): no line', async () => {
    const { sent, deps } = setup({ realTimeRegions: undefined });
    const result = await notify(orgTrailDelivery(ACCOUNT, 'eu-west-1', [apiCall('eu-west-1')]), deps);
    expect(result.notSeenInRealTime).toBeUndefined();
    expect(sent[0].email).not.toContain('Not seen in real time');
  });
});

/**
 * One root console session as the real-time path receives it: the sign-in (us-east-1), then 30
 * console actions that change something (forwarded without allRootApiCalls), one every 5 seconds,
 * among them a StopLogging (10th) and a CreateAccessKey for the root user (20th).
 */
function consoleSession(): Array<Record<string, any>> {
  const login = record('root-console-login-success-no-mfa');
  const action = record('root-console-session-action');
  const start = Date.parse(login.eventTime);
  const calls: Array<[string, string]> = [
    ['PutBucketPolicy', 's3.amazonaws.com'], ['CreateRole', 'iam.amazonaws.com'], ['RunInstances', 'ec2.amazonaws.com'],
    ['AttachRolePolicy', 'iam.amazonaws.com'], ['PutBucketAcl', 's3.amazonaws.com'],
  ];
  const out: Array<Record<string, any>> = [login];
  for (let i = 1; i <= 30; i++) {
    const [eventName, eventSource] = i === 10 ? ['StopLogging', 'cloudtrail.amazonaws.com']
      : i === 20 ? ['CreateAccessKey', 'iam.amazonaws.com'] : calls[i % calls.length];
    out.push({
      ...action,
      eventName,
      eventSource,
      readOnly: false,
      eventTime: new Date(start + i * 5000).toISOString().replace('.000Z', 'Z'),
      eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    });
  }
  return out;
}

describe('a root console session in real time, then by the log path', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-11-27T10:02:45Z'), doNotFake: ['nextTick', 'setImmediate'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** The 31 events in real time, one EventBridge event each, the clock 5 s after each event; then the log path's delivery. */
  async function session(overrides: Partial<NotifierDeps> = {}) {
    const { sent, deps } = setup(overrides);
    const records = consoleSession();
    const realTime = [];
    for (const r of records) {
      realTime.push(await notify(eventBridgeEvent(r), deps));
      jest.setSystemTime(Date.parse(String(r.eventTime)) + 5000);
    }
    const inRealTime = sent.length;
    // CloudTrail delivers to CloudWatch Logs minutes later: the session's stream, in one delivery.
    jest.setSystemTime(Date.now() + 5 * 60_000);
    const delivery = orgTrailDelivery(ACCOUNT, 'us-east-1', records);
    const log = await notify(delivery, deps);
    return { sent, deps, records, realTime, inRealTime, log, delivery };
  }

  test('31 events give 3 messages in real time: the sign-in, StopLogging and CreateAccessKey at once, each carrying what was held before it; the log path adds the last 10, once, and says so', async () => {
    const { sent, realTime, inRealTime, log, deps, delivery } = await session();

    // THEN in real time: the sign-in; the actions of the next 5 minutes held back in the
    // session's slot; StopLogging and CreateAccessKey as soon as they arrive, named as what they
    // are, each listing the actions held back before it
    const subjects = sent.slice(0, inRealTime).map((m) => m.subject);
    expect(subjects).toEqual([
      '[HIGH] Root sign-in without MFA: 111122223333 from 203.0.113.7',
      '[CRITICAL] CloudTrail trail changed by root continues: 111122223333 from 203.0.113.7',
      '[CRITICAL] Root access key change continues: 111122223333 from 203.0.113.7',
    ]);
    expect(realTime[10]).toEqual(expect.objectContaining({ published: 1 }));
    expect(realTime[20]).toEqual(expect.objectContaining({ published: 1 }));
    expect(sent[1].email).toContain('StopLogging');
    expect(sent[1].email).toContain('Held back since the previous message (at most one message per session every 5 minutes in real time): 9 events, reported here: '
      + 'CreateRole at 2026-11-27T10:02:46Z, RunInstances at 2026-11-27T10:02:51Z');
    expect(sent[1].chat.content.description).toContain('*Held since the previous message:* 9 events (`CreateRole` `RunInstances`');
    expect(sent[2].email).toContain('CreateAccessKey');
    expect(sent[2].email).toContain('Session:     first reported in real time at 10:02 UTC; 11 events reported before this message');
    expect(sent[2].email).toContain('Held back since the previous message (at most one message per session every 5 minutes in real time): 9 events');
    expect(realTime.reduce((n, r) => n + (r.heldForContinuation ?? 0), 0)).toBe(28);
    expect(realTime.every((r) => r.held === undefined && r.notSeenInRealTime === undefined)).toBe(true);

    // THEN the log path: one message with the 10 events held back after CreateAccessKey, which
    // says they were; the 21 reported in real time are not published again; no "not seen in real time"
    expect(log).toEqual(expect.objectContaining({ events: 31, published: 1, suppressed: 21 }));
    expect(log.notSeenInRealTime).toBeUndefined();
    expect(sent).toHaveLength(inRealTime + 1);
    const last = sent[inRealTime];
    expect(last.subject).toBe('[HIGH] Root API call continues: 111122223333 from 203.0.113.7 (10 events)');
    expect(last.email).toContain('These events were held back in real time by the flood bound (a summary message counted them) or by the continuation bound '
      + '(at most one message per session every 5 minutes in real time): this message reports them.');
    expect(last.email).toContain('Events:      10 in this delivery');
    expect(last.email).not.toContain('Not seen in real time');
    expect(last.chat.content.description).toContain('held back in real time by the flood bound or the continuation bound');

    // AND the same delivery again (a retry): nothing
    const retry = await notify(delivery, deps);
    expect(retry.published).toBe(0);
    expect(sent).toHaveLength(inRealTime + 1);
  });

  test('a session that goes on past 5 minutes: one continuation per 5 minutes in real time, with what was held', async () => {
    const { sent, deps } = setup();
    const [login, ...actions] = consoleSession().filter((r) => !['StopLogging', 'CreateAccessKey'].includes(r.eventName));
    await notify(eventBridgeEvent(login), deps);
    for (const a of actions.slice(0, 3)) {
      jest.setSystemTime(Date.parse(a.eventTime) + 5000);
      expect(await notify(eventBridgeEvent(a), deps)).toEqual(expect.objectContaining({ published: 0, heldForContinuation: 1 }));
    }
    // 5 minutes after the sign-in's message: the next action goes out, with the 3 held before it
    const later = { ...actions[3], eventTime: '2026-11-27T10:08:00Z' };
    jest.setSystemTime(Date.parse('2026-11-27T10:08:00Z'));
    expect(await notify(eventBridgeEvent(later), deps)).toEqual(expect.objectContaining({ published: 1 }));
    // and the next one within 5 minutes of it is held again
    const next = { ...actions[4], eventTime: '2026-11-27T10:09:00Z' };
    jest.setSystemTime(Date.parse('2026-11-27T10:09:00Z'));
    expect(await notify(eventBridgeEvent(next), deps)).toEqual(expect.objectContaining({ published: 0, heldForContinuation: 1 }));
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root sign-in without MFA: 111122223333 from 203.0.113.7',
      '[HIGH] Root API call continues: 111122223333 from 203.0.113.7',
    ]);
    expect(sent[1].email).toContain(`: 3 events, reported here: ${actions.slice(0, 3).map((a) => `${a.eventName} at ${a.eventTime}`).join(', ')}.`);
    expect(sent[1].email).toContain('1 event so far');
  });

  test('a store that fails holds nothing back: every event goes out (a duplicate, never a loss)', async () => {
    const store = new InMemorySessionStore();
    store.claimRealTime = async () => { throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }); };
    const { sent, deps } = setup({}, store);
    for (const r of consoleSession().slice(0, 4)) await notify(eventBridgeEvent(r), deps);
    expect(sent).toHaveLength(4);
  });

  test('denied AssumeRoot calls are never held by the continuation bound: each goes out at once, named as what it is', async () => {
    const { sent, deps } = setup();
    const denied = record('assume-root-call-denied');
    for (let i = 0; i < 3; i++) {
      const r = { ...denied, eventID: `denied-rt-${i}`, eventTime: new Date(Date.parse(denied.eventTime) + i * 10_000).toISOString().replace('.000Z', 'Z') };
      jest.setSystemTime(Date.parse(r.eventTime) + 2000);
      expect(await notify(eventBridgeEvent(r), deps)).toEqual(expect.objectContaining({ published: 1 }));
    }
    expect(sent.map((m) => m.subject.replace(/:.*/, ''))).toEqual(['[MEDIUM] AssumeRoot denied', '[MEDIUM] AssumeRoot denied continues', '[MEDIUM] AssumeRoot denied continues']);
  });

  test('without the real-time regions, no held marker is kept: the log path reports the same 10 events without the held line', async () => {
    const { sent, inRealTime, log } = await session({ realTimeRegions: undefined });
    expect(inRealTime).toBe(3);
    expect(log).toEqual(expect.objectContaining({ published: 1, suppressed: 21 }));
    expect(sent[inRealTime].email).not.toContain('held back in real time');
  });
});
