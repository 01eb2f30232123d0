import { gunzipSync, gzipSync } from 'zlib';
import { eventBridgeEvent, LOG_GROUP, orgTrailDelivery, record } from './payload';
import { recordingDeps } from './recording-deps';
import { notify, NotifierDeps, threadIdFor } from '../../src/private/event-notifier/notify';
import { InMemorySessionStore, SessionStore, SESSION_MEMORY_SECONDS } from '../../src/private/event-notifier/session-store';

// Root sessions across deliveries, as the organization trail delivers them: one log stream (one
// account, one region) per delivery, the AssumeRoot call in the management account's stream and
// its session's actions in the member account's, minutes apart; the same events in real time from
// EventBridge first, then from the log group. The core runs with a session store in memory (the
// DynamoDB store is exercised against moto in endpoint.test.ts).

const NAMES: Record<string, string> = {
  111111111111: 'Management',
  222222222222: 'Data-Lake',
  111122223333: 'Payments-Prod',
};

function setup(overrides: Partial<NotifierDeps> = {}) {
  let clock = Date.parse('2024-10-25T21:00:00Z');
  const store = new InMemorySessionStore(0, () => clock);
  const { sent, logs, deps } = recordingDeps({ store, now: () => clock, describeAccount: async (id) => NAMES[id], ...overrides });
  return { sent, logs, store, deps, advance: (ms: number) => { clock += ms; }, setClock: (iso: string) => { clock = Date.parse(iso); } };
}

const call = () => record('assume-root-call-doc-example');
const action = () => record('assume-root-session-action-doc-example');
function laterAction(eventID: string, eventName: string, eventTime: string): Record<string, any> {
  return { ...action(), eventID, eventName, eventTime };
}

describe('AssumeRoot: call and actions in different deliveries', () => {
  test('call first, then actions: every message of the session says "Root session (AssumeRoot)", with caller, caller account, task and target', async () => {
    // GIVEN
    const { sent, deps, setClock } = setup();
    // WHEN the call arrives from the management account's stream, then the actions from the member account's
    setClock('2024-10-25T20:57:00Z');
    await notify(orgTrailDelivery('111111111111', 'us-west-2', [call()]), deps);
    setClock('2024-10-25T20:58:30Z');
    await notify(orgTrailDelivery('222222222222', 'us-west-2', [action()]), deps);
    setClock('2024-10-25T21:03:30Z');
    await notify(orgTrailDelivery('222222222222', 'us-west-2', [laterAction('a1b2c3d4-5678-90ab-cdef-EXAMPLE22222', 'PutBucketPolicy', '2024-10-25T20:59:02Z')]), deps);
    // THEN
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] AssumeRoot call: 222222222222 (self-named Data-Lake), task S3UnlockBucketPolicy',
      '[HIGH] Root session (AssumeRoot) continues: 222222222222, task S3UnlockBucketPolicy',
      '[HIGH] Root session (AssumeRoot) continues: 222222222222, task S3UnlockBucketPolicy',
    ]);
    for (const m of sent.slice(1)) {
      expect(m.email).toContain('   Opened by:    arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1');
      expect(m.email).toContain('   From account: 111111111111 (name set by the account itself: "Management")');
      expect(m.email).toContain('   Task policy:  arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy');
      expect(m.email).toContain('   Target:       222222222222');
      expect(m.email).toContain('Action in a centralized root access session (AssumeRoot)');
      expect(m.chat.content.title).toBe(':rotating_light: [HIGH] Root session (AssumeRoot) continues: 222222222222 self-named Data-Lake');
    }
    expect(sent[1].email.split('\n')[0]).toBe('Root session (AssumeRoot) continues in AWS account 222222222222 (name set by the account itself: "Data-Lake"): first reported at 20:57 UTC, 1 event so far');
    expect(sent[2].email.split('\n')[0]).toBe('Root session (AssumeRoot) continues in AWS account 222222222222 (name set by the account itself: "Data-Lake"): first reported at 20:57 UTC, 2 events so far');
    // One chat thread for the session, set by its first message.
    expect(new Set(sent.map((m) => m.chat.metadata.threadId)).size).toBe(1);
  });

  test('actions first, then the call: the first message names temporary credentials and a possible AssumeRoot session; the call lists the actions already reported', async () => {
    // GIVEN
    const { sent, deps, setClock } = setup();
    // WHEN the member account's stream is delivered first
    setClock('2024-10-25T20:57:40Z');
    await notify(orgTrailDelivery('222222222222', 'us-west-2', [action()]), deps);
    setClock('2024-10-25T20:59:10Z');
    await notify(orgTrailDelivery('111111111111', 'us-west-2', [call()]), deps);
    // THEN
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root API call: 222222222222 (self-named Data-Lake) from 192.0.2.1',
      '[HIGH] AssumeRoot call continues: 222222222222 (self-named Data-Lake), task S3UnlockBucketPolicy',
    ]);
    expect(sent[0].email).toContain('Temporary credentials (ASIA...): this may be a centralized root access session, opened with sts:AssumeRoot');
    expect(sent[0].email).toContain('Action with temporary root credentials (a console session, or a centralized root access session)');
    const callLines = sent[1].email.split('\n');
    expect(callLines).toEqual(expect.arrayContaining([
      'Already reported before this call arrived: 1 event of this session (they were its actions):',
      '   2024-10-25T20:53:47Z  DeleteBucketPolicy  (event a1b2c3d4-5678-90ab-cdef-EXAMPLE11111)',
      '   Opened by:    arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1',
    ]));
    expect(sent[1].chat.content.description).toContain('*Already reported:* 1 earlier event were this session\'s actions');
    expect(sent[1].chat.metadata.threadId).toBe(sent[0].chat.metadata.threadId);
  });

  test('denied AssumeRoot calls say "denied", open no session, and are one message per caller, target and 5-minute window', async () => {
    const { sent, deps } = setup();
    const denied = record('assume-root-call-denied');
    await notify(orgTrailDelivery('111111111111', 'eu-west-1', [
      denied,
      { ...denied, eventID: 'e5f6a7b8-c9d0-4e1f-a2b3-c4d5e6f7a8b1', eventTime: '2026-11-27T12:00:09Z' },
      // the next window: another message, another thread
      { ...denied, eventID: 'e5f6a7b8-c9d0-4e1f-a2b3-c4d5e6f7a8b2', eventTime: '2026-11-27T12:05:00Z' },
    ]), deps);
    expect(sent.map((m) => m.subject)).toEqual([
      '[MEDIUM] AssumeRoot denied: 2 calls by 111111111111 user/mallory for 222222222222',
      '[MEDIUM] AssumeRoot denied: 1 call by 111111111111 user/mallory for 222222222222',
    ]);
    expect(sent[0].chat.metadata.threadId).not.toBe(sent[1].chat.metadata.threadId);
    for (const m of sent) expect(m.email).not.toMatch(/Opened by|a root session was opened|Root session \(/);
  });
});

describe('continuation, retries and the unavailable store', () => {
  const burst = (from: number, n: number) => Array.from({ length: n }, (_, i) => {
    const r = record('root-access-key-api-call');
    r.eventID = `key-session-${from + i}`;
    r.eventName = ['ListUsers', 'CreateUser', 'AttachUserPolicy'][i % 3];
    r.eventTime = new Date(Date.parse('2026-11-27T11:20:05Z') + (from + i) * 60_000).toISOString().replace('.000Z', 'Z');
    return r;
  });

  test('a long session over three deliveries: the later messages say "continues", when it was first reported and the events so far', async () => {
    const { sent, deps, setClock } = setup();
    setClock('2026-11-27T11:25:00Z');
    await notify(orgTrailDelivery('555566667777', 'us-east-1', burst(0, 3)), deps);
    setClock('2026-11-27T11:30:00Z');
    await notify(orgTrailDelivery('555566667777', 'us-east-1', burst(3, 2)), deps);
    setClock('2026-11-27T11:35:00Z');
    await notify(orgTrailDelivery('555566667777', 'us-east-1', burst(5, 1)), deps);
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root API call: 555566667777 from 198.51.100.77 (3 events)',
      '[HIGH] Root API call continues: 555566667777 from 198.51.100.77 (2 events)',
      '[HIGH] Root API call continues: 555566667777 from 198.51.100.77',
    ]);
    expect(sent[2].email.split('\n')[0]).toBe('Root API call continues in AWS account 555566667777: first reported at 11:25 UTC, 5 events so far');
    expect(sent[2].email).toContain('Reported before (latest 5 of 5): ListUsers 2026-11-27T11:20:05Z, CreateUser 2026-11-27T11:21:05Z');
    expect(sent[2].chat.content.description).toContain('*Continues:* first reported at 11:25 UTC, 5 events so far');
    expect(new Set(sent.map((m) => m.chat.metadata.threadId)).size).toBe(1);
  });

  test('a retried delivery publishes only what was not published: nothing when the first attempt published everything', async () => {
    const { sent, deps } = setup();
    const delivery = orgTrailDelivery('555566667777', 'us-east-1', burst(0, 3));
    await notify(delivery, deps);
    const retry = await notify(delivery, deps);
    expect(sent).toHaveLength(1);
    expect(retry).toEqual({ messageType: 'DATA_MESSAGE', events: 3, skipped: 0, published: 0, suppressed: 3 });
  });

  test('a delivery whose publish failed for one session: the retry publishes that session only', async () => {
    // GIVEN SNS failing once, for the second session of the delivery
    const { sent, deps } = setup();
    let calls = 0;
    const publish = deps.publish;
    const flaky: NotifierDeps = { ...deps, concurrency: 1, publish: async (input) => { if (++calls === 2) throw new Error('Rate exceeded'); return publish(input); } };
    const other = { ...record('root-access-key-api-call'), eventID: 'other-key', userIdentity: { ...record('root-access-key-api-call').userIdentity, accessKeyId: 'AKIAI44QH8DHBEXAMPLE' } };
    const delivery = orgTrailDelivery('555566667777', 'us-east-1', [...burst(0, 1), other]);
    // WHEN the first attempt throws (Lambda retries), then the retry
    await expect(notify(delivery, flaky)).rejects.toThrow('1 of 2 notification(s) could not be published: Rate exceeded');
    await notify(delivery, flaky);
    // THEN each session was published exactly once
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root API call: 555566667777 from 198.51.100.77',
      '[HIGH] Root API call: 555566667777 from 198.51.100.77',
    ]);
    expect(sent[0].email).toContain('Event ID:    key-session-0');
    expect(sent[1].email).toContain('Event ID:    other-key');
  });

  test.each([
    ['rejects', (): SessionStore => {
      const fail = async (): Promise<never> => { throw Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }); };
      return {
        getMany: fail,
        getDelivery: fail,
        recordDelivery: fail,
        recordPublished: fail,
        putLink: fail,
        addRate: fail,
        claimRealTime: fail,
        holdRealTime: fail,
      };
    }],
    ['never answers', (): SessionStore => {
      const hang = () => new Promise<never>(() => undefined);
      return {
        getMany: hang,
        getDelivery: hang,
        recordDelivery: hang,
        recordPublished: hang,
        putLink: hang,
        addRate: hang,
        claimRealTime: hang,
        holdRealTime: hang,
      };
    }],
  ])('a store that %s: every alert still goes out, within the timeout, and a retry duplicates rather than loses', async (_title, broken) => {
    const { sent, deps, logs } = setup();
    const d: NotifierDeps = { ...deps, store: broken(), storeTimeoutMs: 50 };
    const delivery = orgTrailDelivery('555566667777', 'us-east-1', burst(0, 2));
    const t0 = Date.now();
    await notify(delivery, d);
    await notify(delivery, d);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root API call: 555566667777 from 198.51.100.77 (2 events)',
      '[HIGH] Root API call: 555566667777 from 198.51.100.77 (2 events)',
    ]);
    expect(logs.filter((l) => /^session store read failed/.test(l.message))).toHaveLength(2); // once per invocation
  });

  test('the memory expires: the same access key a day later is a new session, in a new thread', async () => {
    const { sent, deps, setClock } = setup();
    setClock('2026-11-27T11:25:00Z');
    await notify(orgTrailDelivery('555566667777', 'us-east-1', burst(0, 1)), deps);
    setClock(new Date(Date.parse('2026-11-27T11:25:00Z') + SESSION_MEMORY_SECONDS * 1000 + 1000).toISOString());
    const nextDay = burst(1, 1).map((r) => ({ ...r, eventTime: '2026-11-28T11:26:00Z' }));
    await notify(orgTrailDelivery('555566667777', 'us-east-1', nextDay), deps);
    expect(sent.map((m) => m.subject)).toEqual(['[HIGH] Root API call: 555566667777 from 198.51.100.77', '[HIGH] Root API call: 555566667777 from 198.51.100.77']);
    expect(sent[0].chat.metadata.threadId).not.toBe(sent[1].chat.metadata.threadId);
  });
});

describe('real time (EventBridge), then the log path', () => {
  test('events published from EventBridge are not announced again by the log delivery; its new events say "continues; first reported in real time"', async () => {
    // GIVEN a root sign-in and, 6 minutes later, an action in real time, from EventBridge
    const { sent, deps, setClock } = setup();
    const login = record('root-console-login-success-no-mfa');
    const consoleAction = record('root-console-session-action');
    setClock('2026-11-27T10:02:45Z');
    expect(await notify(eventBridgeEvent(login), deps)).toEqual({ messageType: 'EVENTBRIDGE', events: 1, skipped: 0, published: 1, suppressed: 0 });
    setClock('2026-11-27T10:08:46Z');
    await notify(eventBridgeEvent(consoleAction), deps);
    // WHEN the log path delivers the same events, and one more of the console session
    const more = { ...consoleAction, eventID: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', eventName: 'CreateAccessKey', eventTime: '2026-11-27T10:04:10Z' };
    setClock('2026-11-27T10:12:00Z');
    const result = await notify(orgTrailDelivery('111122223333', 'us-east-1', [login, consoleAction, more]), deps);
    // THEN
    expect(result).toEqual({ messageType: 'DATA_MESSAGE', events: 3, skipped: 0, published: 1, suppressed: 2 });
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root sign-in without MFA: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
      // the console action in its own EventBridge event joins the sign-in's session (linked by source IP and credential time)
      '[HIGH] Root API call continues: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
      '[CRITICAL] Root access key change continues: 111122223333 (self-named Payments...) from 203.0.113.7',
    ]);
    expect(sent[2].email.split('\n')[0]).toBe(
      'Root access key change continues in AWS account 111122223333 (name set by the account itself: "Payments-Prod"): first reported in real time at 10:02 UTC, 2 events so far');
    expect(sent[2].email).toContain('1. CreateAccessKey (iam.amazonaws.com): Root access key created');
    expect(sent[2].email).not.toContain('ListAccessKeys (iam');
  });

  test('an action within 5 minutes of the sign-in\'s real-time message is held back there; the log delivery reports it, once', async () => {
    const { sent, deps, setClock } = setup();
    const login = record('root-console-login-success-no-mfa');
    const consoleAction = record('root-console-session-action');
    setClock('2026-11-27T10:02:45Z');
    await notify(eventBridgeEvent(login), deps);
    setClock('2026-11-27T10:03:33Z');
    expect(await notify(eventBridgeEvent(consoleAction), deps)).toEqual(expect.objectContaining({ published: 0, heldForContinuation: 1 }));
    setClock('2026-11-27T10:08:00Z');
    const delivery = orgTrailDelivery('111122223333', 'us-east-1', [login, consoleAction]);
    expect(await notify(delivery, deps)).toEqual(expect.objectContaining({ published: 1, suppressed: 1 }));
    expect(await notify(delivery, deps)).toEqual(expect.objectContaining({ published: 0, suppressed: 2 }));
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root sign-in without MFA: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
      '[HIGH] Root API call continues: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
    ]);
    expect(sent[1].email).toContain('ListAccessKeys (iam');
  });

  test('a console sign-in, then its actions from another region\'s stream in a later delivery: one session, one thread', async () => {
    const { sent, deps, setClock } = setup();
    const login = record('root-console-login-success-no-mfa');
    const inFrankfurt: Record<string, any> = { ...record('root-console-session-action'), awsRegion: 'eu-central-1', eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', eventID: 'frankfurt-1' };
    setClock('2026-11-27T10:07:00Z');
    await notify(orgTrailDelivery('111122223333', 'us-east-1', [login]), deps);
    setClock('2026-11-27T10:09:00Z');
    await notify(orgTrailDelivery('111122223333', 'eu-central-1', [inFrankfurt]), deps);
    // Credentials issued an hour after the sign-in: another session
    const later = { ...inFrankfurt, eventID: 'frankfurt-2', userIdentity: { ...inFrankfurt.userIdentity, accessKeyId: 'ASIAQNOXQ7CONSOLE09', sessionContext: { attributes: { creationDate: '2026-11-27T11:02:41Z', mfaAuthenticated: 'false' } } } };
    await notify(orgTrailDelivery('111122223333', 'eu-central-1', [later]), deps);
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root sign-in without MFA: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
      '[HIGH] Root API call continues: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
      '[HIGH] Root API call: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
    ]);
    expect(sent[1].chat.metadata.threadId).toBe(sent[0].chat.metadata.threadId);
    expect(sent[2].chat.metadata.threadId).not.toBe(sent[0].chat.metadata.threadId);
  });

  test('an EventBridge event of something that is not root usage, or not from CloudTrail, is logged and skipped', async () => {
    const { sent, deps, logs } = setup();
    const iamUser = record('iam-user-console-login');
    expect(await notify(eventBridgeEvent(iamUser), deps)).toEqual({ messageType: 'EVENTBRIDGE', events: 0, skipped: 1, published: 0, suppressed: 0 });
    expect(await notify({ ...eventBridgeEvent(record('root-console-login-failure')), 'detail-type': 'EC2 Instance State-change Notification' }, deps))
      .toEqual({ messageType: '', events: 0, skipped: 1, published: 0, suppressed: 0 });
    expect(sent).toEqual([]);
    expect(logs.map((l) => l.message)).toEqual([
      'skipped an EventBridge event whose detail is not a root-usage CloudTrail record',
      'skipped an EventBridge event that is not a CloudTrail event',
    ]);
  });

  test('an EventBridge record without eventTime is reported at the envelope\'s time', async () => {
    const { sent, deps } = setup({ store: undefined });
    const r = record('root-console-login-failure');
    delete r.eventTime;
    await notify({ ...eventBridgeEvent(r), time: '2026-11-27T09:59:58Z' }, deps);
    expect(sent[0].email).toContain('First event: 2026-11-27T09:59:58Z');
  });
});

describe('the delivery itself', () => {
  test('a delivery from another log group is logged and skipped', async () => {
    const { sent, deps, logs } = setup();
    const result = await notify(orgTrailDelivery('111122223333', 'us-east-1', [record('root-console-login-failure')], 'some-other-log-group'), deps);
    expect(result).toEqual({ messageType: 'DATA_MESSAGE', events: 0, skipped: 1, published: 0, suppressed: 0 });
    expect(sent).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({
      level: 'warn', message: 'skipped a delivery from a log group this notifier is not configured for', logGroup: 'some-other-log-group', configuredLogGroup: LOG_GROUP,
    }));
  });

  test('records the subscription would not deliver never produce a root message (IAM user, invokedBy, AwsServiceEvent)', async () => {
    const { sent, deps, logs } = setup();
    const names = ['iam-user-console-login', 'root-invoked-by-service', 'root-invoked-by-signin', 'aws-service-event', 'root-invoked-by-null', 'root-type-wrong-case', 'assumed-role-api-call'];
    for (const name of names) {
      const r = record(name);
      await notify(orgTrailDelivery(String(r.recipientAccountId ?? r.userIdentity.accountId), r.awsRegion, [r]), deps);
    }
    expect(sent).toEqual([]);
    expect(logs.filter((l) => l.reason === 'not-root-usage')).toHaveLength(names.length);
  });

  test('a record without eventTime is reported at its log event\'s timestamp', async () => {
    const { sent, deps } = setup();
    const r = record('root-console-login-failure');
    const time = r.eventTime;
    delete r.eventTime;
    const delivery = orgTrailDelivery('111122223333', 'us-east-1', [{ ...r, eventTime: time }]);
    // the log event keeps the timestamp of the record's real time (+4 minutes); the record loses its eventTime
    const decoded = JSON.parse(gunzipSync(Buffer.from(delivery.awslogs.data, 'base64')).toString());
    decoded.logEvents[0].message = JSON.stringify(r);
    const encoded = { awslogs: { data: gzipSync(JSON.stringify(decoded)).toString('base64') } };
    await notify(encoded, deps);
    expect(sent[0].email).toContain(`First event: ${new Date(decoded.logEvents[0].timestamp).toISOString().replace('.000Z', 'Z')}`);
  });
});

test('threads: distinct sessions never share one, even with the same key in another account or the same IP', () => {
  const a = threadIdFor('111122223333', 'key:ASIAEXAMPLE', '2026-11-27T10:00:00Z');
  expect(a).toMatch(/^root-usage-111122223333-[0-9a-f]{24}$/);
  expect(threadIdFor('222222222222', 'key:ASIAEXAMPLE', '2026-11-27T10:00:00Z')).not.toBe(a);
  expect(threadIdFor('111122223333', 'key:ASIAEXAMPLE', '2026-11-28T10:00:00Z')).not.toBe(a);
  expect(threadIdFor('111122223333', 'login:event-1', '2026-11-27T10:00:00Z')).not.toBe(threadIdFor('111122223333', 'login:event-2', '2026-11-27T10:00:00Z'));
});
