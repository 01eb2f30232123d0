import { Duration } from 'aws-cdk-lib';
import { eventBridgeEvent, orgTrailDelivery, record, subscriptionEvent } from './payload';
import { recordingDeps } from './recording-deps';
import { DayOfWeek, ExpectedRootUse, RootTaskPolicy } from '../../src/expected-root-use';
import { parseRecordObject, RootEvent } from '../../src/private/event-notifier/cloudtrail';
import { expectationOf, inWindow, matchesPattern, parseExpectations } from '../../src/private/event-notifier/expectation';
import { groupEvents } from '../../src/private/event-notifier/group';
import { notify, NotifierDeps } from '../../src/private/event-notifier/notify';
import { InMemorySessionStore, SessionStore } from '../../src/private/event-notifier/session-store';
import { VerdictConfig } from '../../src/private/event-notifier/verdict';
import { compactEntry } from '../../src/private/expected-root-use-options';

// Declared expected root use (issue 22), on deliveries shaped as CloudWatch Logs and EventBridge
// send them: the AssumeRoot call in the management account's stream, its session's actions in the
// member account's, in either order; the entries travel as the construct writes them
// (compactEntry) and the handler reads them (parseExpectations).

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const PAGER = 'arn:aws:sns:us-east-1:999988887777:Pager';
const MAIN = 'arn:aws:sns:us-east-1:111111111111:RootUsageAlarmTopic';

const UNLOCK: ExpectedRootUse = {
  name: 'CHG-1042 unlock the data lake bucket',
  callerArnPatterns: [`arn:aws:sts::${MANAGEMENT}:assumed-role/JohnDoe/*`],
  taskPolicies: [RootTaskPolicy.S3_UNLOCK_BUCKET_POLICY],
  accounts: [MEMBER],
  start: '2024-10-25T20:00:00Z',
  end: '2024-10-25T22:00:00Z',
};

/** The entries as the function reads them from EXPECTED_ROOT_USE. */
function config(entries: ExpectedRootUse[], extra: Partial<VerdictConfig> = {}): VerdictConfig {
  return {
    entries: parseExpectations(JSON.stringify(entries.map(compactEntry))),
    managementAccountId: MANAGEMENT,
    highPriorityTopicArn: PAGER,
    ...extra,
  };
}

function setup(entries: ExpectedRootUse[], overrides: Partial<NotifierDeps> = {}, extra: Partial<VerdictConfig> = {}) {
  let clock = Date.parse('2024-10-25T21:00:00Z');
  const store = new InMemorySessionStore(0, () => clock);
  const topics: Array<{ topic: string; subject: string }> = [];
  const base = recordingDeps({ topicArn: MAIN, store, now: () => clock, verdict: config(entries, extra), ...overrides });
  const deps: NotifierDeps = {
    ...base.deps,
    publish: async (input) => {
      topics.push({ topic: input.TopicArn, subject: input.Subject });
      if (input.TopicArn === MAIN) await base.deps.publish(input);
    },
  };
  return { ...base, deps, store, topics, setClock: (iso: string) => { clock = Date.parse(iso); }, advance: (ms: number) => { clock += ms; } };
}

const call = () => record('assume-root-call-doc-example');
const action = () => record('assume-root-session-action-doc-example');
const EXPECTED_LINE = 'Expected?:   Expected: CHG-1042 unlock the data lake bucket';

describe('an expected AssumeRoot session is labelled expected', () => {
  test('call first (management account), then actions (member account): every message says Expected, low severity after the first time, nothing pages', async () => {
    // GIVEN
    const { sent, topics, deps, setClock } = setup([UNLOCK]);
    // WHEN
    setClock('2024-10-25T20:57:00Z');
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [call()]), deps);
    setClock('2024-10-25T20:58:30Z');
    await notify(orgTrailDelivery(MEMBER, 'us-west-2', [action()]), deps);
    // THEN
    expect(sent.map((m) => m.subject)).toEqual([
      '[MEDIUM] AssumeRoot call: 222222222222, task S3UnlockBucketPolicy',
      '[LOW] Root session (AssumeRoot) continues: 222222222222, task S3UnlockBucketPolicy',
    ]);
    for (const m of sent) {
      expect(m.email.split('\n')).toContain(EXPECTED_LINE);
      expect(m.chat.content.description).toContain('*Expected:* `CHG-1042 unlock the data lake bucket`');
    }
    expect(sent[0].email).toContain('First seen:  First time: this caller has not opened a session with this task in this account in the last 90 days');
    expect(sent[0].chat.content.title).toMatch(/^:rotating_light: \[MEDIUM\] AssumeRoot call/);
    // Below HIGH: the main topic only.
    expect(topics.every((t) => t.topic === MAIN)).toBe(true);
  });

  test('actions first, then the call: the actions alone cannot be matched (Unexpected so far, paged); the call\'s message says Expected', async () => {
    const { sent, topics, deps, setClock } = setup([UNLOCK]);
    setClock('2024-10-25T20:57:40Z');
    await notify(orgTrailDelivery(MEMBER, 'us-west-2', [action()]), deps);
    setClock('2024-10-25T20:59:10Z');
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [call()]), deps);
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root API call: 222222222222 from 192.0.2.1',
      '[MEDIUM] AssumeRoot call continues: 222222222222, task S3UnlockBucketPolicy',
    ]);
    expect(sent[0].email).toContain('Expected?:   Unexpected (so far: if these temporary credentials belong to an AssumeRoot session, its call has not arrived yet');
    expect(sent[0].chat.content.description).toContain('*Unexpected* (so far: an AssumeRoot call for these credentials has not arrived)');
    expect(sent[1].email.split('\n')).toContain(EXPECTED_LINE);
    expect(topics.filter((t) => t.topic === PAGER).map((t) => t.subject)).toEqual(['[HIGH] Root API call: 222222222222 from 192.0.2.1']);
  });

  test('in real time (EventBridge): the call, then the action: both Expected', async () => {
    const { sent, deps, setClock } = setup([UNLOCK]);
    setClock('2024-10-25T20:52:20Z');
    await notify(eventBridgeEvent(call()), deps);
    setClock('2024-10-25T20:53:50Z');
    await notify(eventBridgeEvent(action()), deps);
    expect(sent).toHaveLength(2);
    for (const m of sent) expect(m.email.split('\n')).toContain(EXPECTED_LINE);
    expect(sent[1].subject).toBe('[LOW] Root session (AssumeRoot) continues: 222222222222, task S3UnlockBucketPolicy');
  });

  test('the record: an expected session is still published in full, with its Logs Insights link, and its events remembered', async () => {
    const { sent, store, deps } = setup([UNLOCK]);
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [call()]), deps);
    await notify(orgTrailDelivery(MEMBER, 'us-west-2', [action()]), deps);
    expect(sent).toHaveLength(2);
    expect(sent[1].email).toContain('Logs Insights, this session: https://');
    expect(sent[1].email).toContain('DeleteBucketPolicy');
    expect(store.get(MEMBER, 'key:ASIAIOSFODNN7EXAMPLE')?.eventCount).toBe(2);
  });
});

describe('the same call, one field off: Unexpected, HIGH, paged', () => {
  const cases: Array<[string, (c: Record<string, any>) => void, ExpectedRootUse]> = [
    ['another caller', (c) => { c.userIdentity.arn = `arn:aws:sts::${MANAGEMENT}:assumed-role/Contractor/JohnRole1`; }, UNLOCK],
    ['another task', (c) => { c.requestParameters.taskPolicyArn.arn = 'arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy'; }, UNLOCK],
    ['another target', () => {}, { ...UNLOCK, accounts: ['333333333333'] }],
    ['outside the window', () => {}, { ...UNLOCK, start: '2024-10-26T20:00:00Z', end: '2024-10-26T22:00:00Z' }],
    ['outside the weekly window', () => {}, {
      ...UNLOCK, start: undefined, end: undefined, weeklyWindow: { dayOfWeek: DayOfWeek.SATURDAY, startHour: 20, duration: Duration.hours(2) },
    }],
    ['a task that is not an AWS root-task policy, whatever its name', (c) => { c.requestParameters.taskPolicyArn.arn = 'arn:aws:iam::222222222222:policy/root-task/S3UnlockBucketPolicy'; }, UNLOCK],
  ];
  test.each(cases)('%s', async (_name, change, entry) => {
    const { sent, topics, deps } = setup([entry]);
    const c = call();
    change(c);
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [c]), deps);
    await notify(orgTrailDelivery(MEMBER, 'us-west-2', [action()]), deps);
    expect(sent).toHaveLength(2);
    for (const m of sent) {
      expect(m.email.split('\n')).toContain('Expected?:   Unexpected');
      expect(m.subject).toMatch(/^\[HIGH\] /);
    }
    expect(topics.filter((t) => t.topic === PAGER)).toHaveLength(2);
  });

  test('inside the weekly window (Friday 20:00 UTC, 2 hours): Expected', async () => {
    const friday: ExpectedRootUse = {
      ...UNLOCK, start: undefined, end: undefined, weeklyWindow: { dayOfWeek: DayOfWeek.FRIDAY, startHour: 20, duration: Duration.hours(2) },
    };
    const { sent, deps } = setup([friday]);
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [call()]), deps);
    expect(sent[0].email.split('\n')).toContain(EXPECTED_LINE);
  });
});

describe('first seen', () => {
  function laterCall(eventID: string, key: string, eventTime: string): Record<string, any> {
    const c = call();
    c.eventID = eventID;
    c.eventTime = eventTime;
    c.responseElements.credentials.accessKeyId = key;
    return c;
  }

  test('first time, then seen again, then first time again after the window (unexpected: HIGH each time)', async () => {
    const { sent, deps, setClock } = setup([], {}, { firstSeenWindowSeconds: 30 * 86400 });
    setClock('2024-10-25T20:57:00Z');
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [call()]), deps);
    setClock('2024-11-01T10:00:00Z');
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [laterCall('e2', 'ASIAIOSFODNN7SECOND', '2024-11-01T09:55:00Z')]), deps);
    setClock('2024-12-05T10:00:00Z');
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [laterCall('e3', 'ASIAIOSFODNN7THIRDD', '2024-12-05T09:55:00Z')]), deps);
    expect(sent.map((m) => m.email.split('\n').find((l) => l.startsWith('First seen:')))).toEqual([
      'First seen:  First time: this caller has not opened a session with this task in this account in the last 30 days',
      'First seen:  Seen before: this caller opened a session with this task in this account in the last 30 days',
      'First seen:  First time: this caller has not opened a session with this task in this account in the last 30 days',
    ]);
    expect(sent.map((m) => m.subject.slice(0, 6))).toEqual(['[HIGH]', '[HIGH]', '[HIGH]']);
    expect(sent[0].chat.content.description).toContain('*First time:*');
    expect(sent[1].chat.content.description).not.toContain('*First time:*');
  });

  test('expected and seen before: LOW; expected and first time: MEDIUM', async () => {
    const { sent, deps, setClock } = setup([UNLOCK]);
    setClock('2024-10-25T20:57:00Z');
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [call()]), deps);
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [laterCall('e2', 'ASIAIOSFODNN7SECOND', '2024-10-25T21:10:00Z')]), deps);
    expect(sent.map((m) => m.subject.split(' ')[0])).toEqual(['[MEDIUM]', '[LOW]']);
  });

  test('a retried delivery of the first call still says first time; another caller is a first time of its own', async () => {
    let fail = true;
    const { sent, deps, store } = setup([]);
    const failingOnce: NotifierDeps = {
      ...deps,
      publish: async (input) => {
        if (fail) {
          fail = false;
          throw new Error('SNS is down');
        }
        await deps.publish(input);
      },
    };
    const delivery = orgTrailDelivery(MANAGEMENT, 'us-west-2', [call()]);
    await expect(notify(delivery, failingOnce)).rejects.toThrow(/could not be published/);
    await notify(delivery, failingOnce);
    expect(sent.filter((m) => m.subject.includes('AssumeRoot call'))[0].email).toContain('First seen:  First time:');
    expect(store.firstSeen.seen.size).toBe(1);
    const other = laterCall('e9', 'ASIAIOSFODNN7OTHERR', '2024-10-25T20:58:00Z');
    other.userIdentity.arn = `arn:aws:sts::${MANAGEMENT}:assumed-role/Other/Jane`;
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [other]), deps);
    expect(sent[sent.length - 1].email).toContain('First seen:  First time:');
    expect(store.firstSeen.seen.size).toBe(2);
  });

  test('the store is down: "First-seen unknown", and the message still goes out', async () => {
    const broken: SessionStore = {
      getMany: async () => { throw new Error('DynamoDB is down'); },
      getDelivery: async () => { throw new Error('DynamoDB is down'); },
      recordDelivery: async () => { throw new Error('DynamoDB is down'); },
      recordPublished: async () => { throw new Error('DynamoDB is down'); },
      putLink: async () => { throw new Error('DynamoDB is down'); },
      addRate: async () => { throw new Error('DynamoDB is down'); },
      claimRealTime: async () => { throw new Error('DynamoDB is down'); },
      holdRealTime: async () => { throw new Error('DynamoDB is down'); },
      getSeen: async () => { throw new Error('DynamoDB is down'); },
      recordSeen: async () => { throw new Error('DynamoDB is down'); },
    };
    const { sent, deps } = setup([], { store: broken });
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [call()]), deps);
    expect(sent).toHaveLength(1);
    expect(sent[0].email).toContain('First seen:  First-seen unknown: the session memory could not be read');
    expect(sent[0].chat.content.description).toContain('*First-seen unknown:*');
    expect(sent[0].subject).toMatch(/^\[HIGH\] AssumeRoot call/);
  });
});

describe('root sign-ins and root access keys: expected only by an entry naming the account and a window', () => {
  const login = () => record('root-console-login-success-no-mfa'); // 111122223333, Friday 2026-11-27T10:02:41Z
  const REHEARSAL: ExpectedRootUse = {
    name: 'Break-glass rehearsal',
    accounts: ['111122223333'],
    weeklyWindow: { dayOfWeek: DayOfWeek.FRIDAY, startHour: 10, duration: Duration.hours(1) },
  };

  test('in the account and the window: Expected, LOW, not paged', async () => {
    const { sent, topics, deps } = setup([REHEARSAL]);
    await notify(subscriptionEvent([login()]), deps);
    expect(sent[0].subject).toBe('[LOW] Root sign-in without MFA: 111122223333 from 203.0.113.7');
    expect(sent[0].email.split('\n')).toContain('Expected?:   Expected: Break-glass rehearsal');
    expect(topics.map((t) => t.topic)).toEqual([MAIN]);
  });

  test.each<[string, ExpectedRootUse]>([
    ['no window', { name: 'Break-glass rehearsal', accounts: ['111122223333'] }],
    ['another account', { ...REHEARSAL, accounts: ['444455556666'] }],
    ['outside the window', { ...REHEARSAL, weeklyWindow: { dayOfWeek: DayOfWeek.FRIDAY, startHour: 11, duration: Duration.hours(1) } }],
    ['an AssumeRoot field set', { ...REHEARSAL, taskPolicies: [RootTaskPolicy.IAM_AUDIT_ROOT_USER_CREDENTIALS] }],
  ])('%s: Unexpected, HIGH, paged', async (_name, entry) => {
    const { sent, topics, deps } = setup([entry]);
    await notify(subscriptionEvent([login()]), deps);
    expect(sent[0].subject).toMatch(/^\[HIGH\] Root sign-in without MFA/);
    expect(sent[0].email.split('\n')).toContain('Expected?:   Unexpected');
    expect(topics.map((t) => t.topic)).toEqual([MAIN, PAGER]);
  });

  test('a root access key in the account and window: Expected; the management account\'s root: CRITICAL unexpected, MEDIUM expected', async () => {
    const key = record('root-access-key-api-call'); // 555566667777, 2026-11-27T11:20:05Z
    const { sent, deps } = setup([{ name: 'Key rotation', accounts: ['555566667777'], start: '2026-11-27T11:00:00Z', end: '2026-11-27T12:00:00Z' }]);
    await notify(subscriptionEvent([key]), deps);
    expect(sent[0].subject).toBe('[LOW] Root API call: 555566667777 from 198.51.100.77');
    const management = setup([], {}, { managementAccountId: '111122223333' });
    await notify(subscriptionEvent([login()]), management.deps);
    expect(management.sent[0].subject).toMatch(/^\[CRITICAL\] Root sign-in without MFA/);
    const planned = setup([REHEARSAL], {}, { managementAccountId: '111122223333' });
    await notify(subscriptionEvent([login()]), planned.deps);
    expect(planned.sent[0].subject).toMatch(/^\[MEDIUM\] Root sign-in without MFA/);
  });
});

describe('a member account cannot make its root use look expected', () => {
  test('an account name and a session name that imitate the entry change nothing', async () => {
    // The member names itself after the entry; its own root console session's actions; a caller whose session name is the entry's name.
    const { sent, topics, deps } = setup([UNLOCK], { describeAccount: async () => 'Expected: CHG-1042 unlock the data lake bucket' });
    const impostor = call();
    impostor.userIdentity.arn = `arn:aws:sts::${MANAGEMENT}:assumed-role/Contractor/CHG-1042-unlock-the-data-lake-bucket`;
    impostor.eventID = 'impostor-call';
    impostor.responseElements.credentials.accessKeyId = 'ASIAIOSFODNN7IMPOST';
    await notify(orgTrailDelivery(MANAGEMENT, 'us-west-2', [impostor]), deps);
    await notify(orgTrailDelivery('111122223333', 'us-east-1', [record('root-console-session-action')]), deps);
    expect(sent).toHaveLength(2);
    for (const m of sent) {
      expect(m.email.split('\n').find((l) => l.startsWith('Expected?:'))).toMatch(/^Expected\?: {3}Unexpected/);
      expect(m.chat.content.description).toContain('*Unexpected*');
      expect(m.chat.content.description).not.toContain('*Expected:*');
      expect(m.subject).toMatch(/^\[HIGH\] /);
    }
    expect(topics.filter((t) => t.topic === PAGER)).toHaveLength(2);
  });

  test('an "AssumeRoot call" in the member account\'s own stream (its own record, naming the expected caller) matches nothing', async () => {
    const { sent, deps } = setup([{ ...UNLOCK, start: undefined, end: undefined }]);
    const forged = call();
    forged.recipientAccountId = MEMBER; // recorded in the member account, whatever its userIdentity says
    forged.userIdentity.accountId = MEMBER;
    forged.awsRegion = 'us-west-2';
    await notify(orgTrailDelivery(MEMBER, 'us-west-2', [forged]), deps);
    expect(sent[0].email.split('\n')).toContain('Expected?:   Unexpected');
  });

  test('the match reads the call\'s recorded fields only (pure): the account name is not an input', () => {
    const [group] = groupEvents([parseRecordObject(call()) as RootEvent]);
    const entries = parseExpectations(JSON.stringify([compactEntry(UNLOCK)]));
    expect(expectationOf(group, entries)).toEqual({ expected: true, name: UNLOCK.name });
    expect(expectationOf({ ...group, sessionKey: `denied:x#${MEMBER}#y` }, entries)).toEqual({ expected: false, pending: false });
  });
});

describe('patterns, windows and the environment variable', () => {
  test('patterns: * any characters, ? one, everything else literal', () => {
    expect(matchesPattern('arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_RootAccess_*', 'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_RootAccess_0a1b/jane@example.com')).toBe(true);
    expect(matchesPattern('arn:aws:sts::111111111111:assumed-role/Root?/x', 'arn:aws:sts::111111111111:assumed-role/RootA/x')).toBe(true);
    expect(matchesPattern('arn:aws:sts::111111111111:assumed-role/Root.Ops/*', 'arn:aws:sts::111111111111:assumed-role/RootXOps/x')).toBe(false);
    expect(matchesPattern('arn:aws:sts::111111111111:assumed-role/Ops/*', 'arn:aws:sts::222222222222:assumed-role/Ops/x')).toBe(false);
  });

  test('a weekly window wraps around the end of the week', () => {
    const entry = { name: 'x', weekly: { day: 6, startMinute: 23 * 60, minutes: 120 } }; // Saturday 23:00, 2 hours
    expect(inWindow(entry, Date.parse('2024-10-27T00:30:00Z'))).toBe(true); // Sunday 00:30
    expect(inWindow(entry, Date.parse('2024-10-27T01:00:00Z'))).toBe(false);
    expect(inWindow(entry, Date.parse('2024-10-26T22:59:00Z'))).toBe(false);
  });

  test('a malformed environment entry is dropped with a warning: it makes nothing expected', () => {
    const warnings: string[] = [];
    const entries = parseExpectations(JSON.stringify([{ n: 'ok', a: [MEMBER] }, { n: '', a: [MEMBER] }, { n: 'bad window', s: 'x', e: 'y' }, 'junk']), (m) => warnings.push(m));
    expect(entries.map((e) => e.name)).toEqual(['ok']);
    expect(warnings).toHaveLength(3);
    expect(parseExpectations('not json', (m) => warnings.push(m))).toEqual([]);
  });
});
