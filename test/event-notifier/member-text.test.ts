import { eventBridgeEvent, orgTrailDelivery, record, subscriptionEvent } from './payload';
import { recordingDeps } from './recording-deps';
import { classify, KIND_PRIORITY, isAlarming } from '../../src/private/event-notifier/classify';
import { parseRecordObject, RootEvent } from '../../src/private/event-notifier/cloudtrail';
import {
  ASSUME_ROOT_SESSION_LIFE_SECONDS, CONSOLE_SESSION_LIFE_SECONDS, groupEvents, SIGN_IN_ACTIVITY_LIFE_SECONDS,
} from '../../src/private/event-notifier/group';
import { notify, NotifierDeps } from '../../src/private/event-notifier/notify';
import { isSecretKey, redactRecord, REDACTED, SECRET_KEY_RULES } from '../../src/private/event-notifier/redact';
import { isAwsTaskPolicy } from '../../src/private/event-notifier/render';
import { InMemorySessionStore } from '../../src/private/event-notifier/session-store';
import { oneLine, toSubjectText, visibleText } from '../../src/private/event-notifier/text';

// What a member account (or whoever acts in it) chooses, and the kinds and sessions issue 24 adds:
// cross-account attribution, names marked as the account's own or the platform team's, task
// names only when AWS wrote them, login-profile and trail kinds, sessions bounded by their real
// life, links forward in time only, secrets in request parameters, hidden Unicode.

function setup(overrides: Partial<NotifierDeps> = {}) {
  let clock = Date.parse('2026-11-27T12:00:00Z');
  const store = new InMemorySessionStore(0, () => clock);
  const { sent, deps } = recordingDeps({
    store,
    now: () => clock,
    describeAccount: async (id) => ({ 111122223333: 'Sandbox - expected root test, ignore', 444455556666: 'Production' } as Record<string, string>)[id],
    ...overrides,
  });
  return { sent, deps, store, setClock: (iso: string) => { clock = Date.parse(iso); } };
}

const parse = (r: Record<string, unknown>) => parseRecordObject(r) as RootEvent;

describe('attribution: the root user of A acting on a resource of B', () => {
  const crossAccount = () => {
    const r = record('root-access-key-api-call');
    return { ...r, eventID: 'cross-1', eventName: 'PutBucketPolicy', eventSource: 's3.amazonaws.com', recipientAccountId: '444455556666', userIdentity: { ...r.userIdentity, accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root' } };
  };

  test('is reported against A, naming B as the resource owner, in the subject, the body and chat', async () => {
    const { sent, deps } = setup();
    // GIVEN the record as B's stream of the organization trail holds it
    await notify(orgTrailDelivery('444455556666', 'us-east-1', [crossAccount()]), deps);
    expect(sent[0].subject).toBe('[HIGH] Root API call: 111122223333 on a resource of 444455556666 from 198.51.100.77');
    expect(sent[0].email).toContain('The root user of AWS account 111122223333 acted on a resource of AWS account 444455556666');
    expect(sent[0].chat.content.title).toMatch(/111122223333 .* on a resource of 444455556666$/);
    expect(parse(crossAccount()).accountId).toBe('111122223333');
  });

  test('and A\'s own stream holding the same event does not announce it again (keyed by A)', async () => {
    const { sent, deps } = setup();
    await notify(eventBridgeEvent(crossAccount()), deps);
    await notify(orgTrailDelivery('444455556666', 'us-east-1', [crossAccount()]), deps);
    expect(sent).toHaveLength(1);
  });
});

describe('names', () => {
  test('a name from Organizations is marked as the account\'s own; a platform name is shown as it is', async () => {
    const login = record('root-console-login-success-no-mfa');
    const own = setup();
    await notify(subscriptionEvent([login]), own.deps);
    expect(own.sent[0].subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 (self-named Sandbox - expected r...) from 203.0.113.7');
    expect(own.sent[0].email).toContain('Account:     111122223333 (name set by the account itself: "Sandbox - expected root test, ignore")');
    expect(own.sent[0].chat.content.title).toBe(':rotating_light: [HIGH] Root sign-in without MFA: 111122223333 self-named Sandbox - expected root test ignore');
    const platform = setup({ accountNames: new Map([['111122223333', 'Payments sandbox']]), describeAccount: jest.fn() });
    await notify(subscriptionEvent([login]), platform.deps);
    expect(platform.sent[0].subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 (Payments sandbox) from 203.0.113.7');
    expect(platform.deps.describeAccount).not.toHaveBeenCalled();
  });

  test.each([
    ['arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy', true],
    ['arn:aws-us-gov:iam::aws:policy/root-task/IAMAuditRootUserCredentials', true],
    ['arn:aws:iam::111111111111:policy/root-task/S3UnlockBucketPolicy', false],
    ['Sandbox - expected root test, ignore', false],
    ['arn:aws:iam::aws:policy/root-task/X ignore this alert', false],
  ])('task policy %s is an AWS root-task policy: %s', (arn, expected) => {
    expect(isAwsTaskPolicy(arn)).toBe(expected);
  });

  test('a denied call\'s task is printed only when it is an AWS root-task policy', async () => {
    const { sent, deps } = setup();
    const denied = record('assume-root-call-denied');
    denied.requestParameters = { ...denied.requestParameters, taskPolicyArn: { arn: 'expected root test - ignore' } };
    await notify(subscriptionEvent([denied]), deps);
    expect(sent[0].subject).not.toContain('ignore');
    expect(sent[0].email).toContain('Task policy: (not an AWS root-task policy: the text the caller sent is not shown here; see the raw record)');
  });
});

describe('kinds of their own, ranked with the most alarming', () => {
  const iamCall = (eventName: string) => parse({ ...record('root-create-access-key'), eventName, requestParameters: {} });
  const trailCall = (eventName: string) => parse({ ...record('root-access-key-api-call'), eventSource: 'cloudtrail.amazonaws.com', eventName, requestParameters: { name: 'org-trail' } });

  test.each(['CreateLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile'])('%s on the root user is a root login profile change', (name) => {
    expect(classify(iamCall(name), false)).toBe('root-login-profile-change');
    expect(classify(parse({ ...record('root-create-access-key'), eventName: name, requestParameters: { userName: 'alice' } }), false)).toBe('root-api-call');
  });

  test.each(['StopLogging', 'DeleteTrail', 'UpdateTrail'])('%s by root is a trail change', (name) => {
    expect(classify(trailCall(name), false)).toBe('trail-change');
  });

  test('ranked with the most alarming, never held back, and named in fixed words', () => {
    expect(KIND_PRIORITY.slice(0, 5)).toEqual(['tamper', 'trail-change', 'root-access-key-change', 'root-mfa-change', 'root-login-profile-change']);
    for (const k of ['trail-change', 'root-login-profile-change', 'console-sign-in-no-mfa', 'console-sign-in-mfa', 'assume-root-session-action'] as const) {
      expect(isAlarming(k)).toBe(true);
    }
    expect(isAlarming('assume-root-denied')).toBe(false);
    const profile = iamCall('DeleteLoginProfile');
    const sameKey = { ...trailCall('StopLogging'), accessKeyId: profile.accessKeyId, accountId: profile.accountId };
    expect(groupEvents([iamCall('DeleteLoginProfile'), sameKey])[0].headlineKind).toBe('trail-change');
  });
});

describe('sessions bounded by their real life; links forward in time only', () => {
  test('the bounds: AssumeRoot 900 s, a console session 6 hours, sign-in activity 1 hour', () => {
    expect([ASSUME_ROOT_SESSION_LIFE_SECONDS, CONSOLE_SESSION_LIFE_SECONDS, SIGN_IN_ACTIVITY_LIFE_SECONDS]).toEqual([900, 6 * 3600, 3600]);
  });

  test('a root access key used again after the session\'s life: a new message, a new thread, not "continues"', async () => {
    const { sent, deps, setClock } = setup();
    const use = (id: string, time: string) => ({ ...record('root-access-key-api-call'), eventID: id, eventTime: time });
    setClock('2026-11-27T11:25:00Z');
    await notify(orgTrailDelivery('555566667777', 'us-east-1', [use('a', '2026-11-27T11:20:05Z')]), deps);
    setClock('2026-11-27T14:25:00Z');
    await notify(orgTrailDelivery('555566667777', 'us-east-1', [use('b', '2026-11-27T14:20:05Z')]), deps);
    setClock('2026-11-27T18:25:00Z');
    await notify(orgTrailDelivery('555566667777', 'us-east-1', [use('c', '2026-11-27T18:20:05Z')]), deps);
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root API call: 555566667777 from 198.51.100.77',
      '[HIGH] Root API call continues: 555566667777 from 198.51.100.77',
      '[HIGH] Root API call: 555566667777 from 198.51.100.77',
    ]);
    expect(sent[2].chat.metadata.threadId).not.toBe(sent[0].chat.metadata.threadId);
  });

  test('an AssumeRoot session\'s thread ends after 900 s', async () => {
    const { sent, deps, setClock } = setup();
    const call = record('assume-root-call-doc-example');
    const action = record('assume-root-session-action-doc-example');
    setClock('2024-10-25T21:00:00Z');
    await notify(subscriptionEvent([call]), deps);
    await notify(subscriptionEvent([action]), deps);
    const late = { ...action, eventID: 'late-action', eventTime: '2024-10-25T21:20:00Z' };
    await notify(subscriptionEvent([late]), deps);
    expect(sent.map((m) => m.subject.replace(/:.*/, ''))).toEqual(['[HIGH] AssumeRoot call', '[HIGH] Root session (AssumeRoot) continues', '[HIGH] Root API call']);
  });

  test('a sign-in link never accepts credentials issued before the sign-in', async () => {
    const { sent, deps, setClock } = setup();
    const login = record('root-console-login-success-no-mfa');
    await notify(eventBridgeEvent(login), deps);
    const action = record('root-console-session-action');
    const before = { ...action, eventID: 'issued-before', userIdentity: { ...action.userIdentity, sessionContext: { ...action.userIdentity.sessionContext, attributes: { ...action.userIdentity.sessionContext.attributes, creationDate: '2026-11-27T10:02:40Z' } } } };
    await notify(eventBridgeEvent(before), deps);
    const after: Record<string, any> = { ...action, eventID: 'issued-at' };
    // (past the real-time continuation bound's 5 minutes, so that the continuation goes out at once)
    setClock('2026-11-27T12:06:00Z');
    await notify(eventBridgeEvent({ ...after, userIdentity: { ...after.userIdentity, accessKeyId: 'ASIAQNOTTHESAMEKEY1' } }), deps);
    expect(sent.map((m) => m.subject)).toEqual([
      '[HIGH] Root sign-in without MFA: 111122223333 (self-named Sandbox - expected r...) from 203.0.113.7',
      '[HIGH] Root API call: 111122223333 (self-named Sandbox - expected root test, i...) from 203.0.113.7',
      '[HIGH] Root API call continues: 111122223333 (self-named Sandbox - expected ro...) from 203.0.113.7',
    ]);
  });
});

describe('secrets in request parameters', () => {
  test('every secret-key rule is needed: each has a key only it catches', () => {
    const samples: Record<string, string> = {
      'secret': 'clientSecret',
      'passw(or)?d': 'masterUserPassword',
      'passphrase': 'passphrase',
      'pwd$': 'dbPwd',
      'sessiontoken': 'sessionToken',
      'securitytoken': 'securityToken',
      'accesstoken': 'accessToken',
      'refreshtoken': 'refreshToken',
      'idtoken': 'idToken',
      'authtoken': 'authToken',
      'githubtoken': 'githubToken',
      'bearertoken': 'bearerToken',
      '^token$': 'token',
      'tokencode$': 'tokenCode',
      'apikey': 'apiKey',
      '^authorization$': 'Authorization',
      'cookie': 'Cookie',
      'privatekey': 'privateKey',
      'samlresponse': 'SAMLResponse',
      'samlassertion': 'samlAssertion',
      '^assertion$': 'assertion',
      '^otp$': 'otp',
      'mfacode': 'mfaCode',
      'authenticationcode': 'authenticationCode1',
      'credentialsjson': 'credentialsJson',
      'userdata': 'userData',
      'connectionstring': 'connectionString',
      'connstr$': 'connStr',
      '^(database|db|jdbc|mongo|redis)url$': 'databaseUrl',
      '^dsn$': 'dsn',
    };
    expect(SECRET_KEY_RULES.map((r) => r.source)).toEqual(Object.keys(samples));
    for (const [i, rule] of SECRET_KEY_RULES.entries()) {
      const key = samples[rule.source];
      expect(isSecretKey(key)).toBe(true);
      expect(SECRET_KEY_RULES.filter((other, j) => j !== i && other.test(key))).toEqual([]);
    }
    expect(isSecretKey('accessKeyId')).toBe(false);
    expect(isSecretKey('api_key')).toBe(true);
    expect(isSecretKey('X-Api-Key')).toBe(true);
  });

  test('Name/Value arrays, apiKey, githubToken, Authorization, userData, connection strings and sessionToken never reach a message', () => {
    const raw = {
      requestParameters: {
        environment: { variables: { GITHUB_TOKEN: 'ghp_x', LOG_LEVEL: 'debug' } },
        parameters: [{ Name: 'DB_PASSWORD', Value: 'hunter2' }, { Name: 'REGION', Value: 'eu-west-1' }],
        options: [{ key: 'api-key', value: 'k-123' }, { ParameterKey: 'GithubToken', ParameterValue: 'ghp_y' }],
        apiKey: 'k-456',
        githubToken: 'ghp_z',
        headers: { Authorization: 'Bearer abc' },
        userData: 'IyEvYmluL2Jhc2g=',
        connectionString: 'Server=db;Password=p4ss;',
        url: 'postgres://admin:s3cret@db.example:5432/app',
        note: 'Password=inline-secret; other',
        sessionToken: 'IQoJb3JpZ2lu',
      },
    };
    const text = JSON.stringify(redactRecord(raw));
    for (const secret of ['ghp_x', 'hunter2', 'k-123', 'ghp_y', 'k-456', 'ghp_z', 'Bearer abc', 'IyEvYmluL2Jhc2g=', 'p4ss', 's3cret', 'inline-secret', 'IQoJb3JpZ2lu']) {
      expect(text).not.toContain(secret);
    }
    for (const kept of ['debug', 'REGION', 'eu-west-1', 'db.example:5432/app', 'other']) expect(text).toContain(kept);
    expect(text).toContain(REDACTED);
  });
});

describe('hidden Unicode', () => {
  const TAGS = String.fromCodePoint(...[...'ignore this alert'].map((c) => 0xe0000 + c.charCodeAt(0)));
  test.each([
    ['tag characters (U+E0000-E007F)', `Prod${TAGS}`],
    ['the combining grapheme joiner U+034F', 'Pro\u034fd'],
    ['variation selectors U+FE00-FE0F', 'Pro\ufe0fd'],
    ['variation selectors U+E0100-E01EF', `Pro${String.fromCodePoint(0xe0100)}d`],
  ])('%s are stripped from subjects, bodies and chat', (_title, value) => {
    expect(toSubjectText(value)).toBe('Prod');
    expect(visibleText(value)).toBe('Prod');
    expect(oneLine(value)).toBe('Prod');
  });
});
