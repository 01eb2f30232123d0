import { loadVectors, record, VECTOR_FILES } from './payload';
import { classify, describeEvent } from '../../src/private/event-notifier/classify';
import { accountOf, matchesNotificationPattern, parseCloudTrailRecord, RootEvent } from '../../src/private/event-notifier/cloudtrail';
import { groupEvents } from '../../src/private/event-notifier/group';
import { renderSubject } from '../../src/private/event-notifier/render';

// The pure pieces the handler tests exercise end to end, on the cases those do not reach.

function parse(r: Record<string, unknown>): RootEvent {
  const e = parseCloudTrailRecord(JSON.stringify(r));
  if (typeof e === 'string') throw new Error(`not parsed: ${e}`);
  return e;
}

test('accountOf reads an account ID or a principal ARN', () => {
  expect(accountOf('222222222222')).toBe('222222222222');
  expect(accountOf('arn:aws:iam::222222222222:root')).toBe('222222222222');
  expect(accountOf('arn:aws-us-gov:iam::222222222222:root')).toBe('222222222222');
  expect(accountOf('not an account')).toBe('');
  expect(accountOf('1234')).toBe('');
});

test('an AssumeRoot call whose targetPrincipal is an ARN targets that account', () => {
  const r = record('assume-root-call-doc-example');
  r.requestParameters.targetPrincipal = 'arn:aws:iam::222222222222:root';
  const e = parse(r);
  expect(e.targetAccountId).toBe('222222222222');
  expect(e.issuedAccessKeyId).toBe('ASIAIOSFODNN7EXAMPLE');
  expect(e.taskPolicyArn).toBe('arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy');
  expect(groupEvents([e])[0].accountId).toBe('222222222222');
});

test('what is not a CloudTrail record is said so', () => {
  expect(parseCloudTrailRecord('{')).toBe('not-json');
  expect(parseCloudTrailRecord('"a string"')).toBe('not-an-object');
  expect(parseCloudTrailRecord('{"eventName":"X","eventSource":"y","eventTime":"z"}')).toBe('not-cloudtrail');
  expect(parseCloudTrailRecord('{"eventName":"X","eventSource":"y","eventTime":"z","userIdentity":null}')).toBe('not-cloudtrail');
});

test.each([
  ['PasswordRecoveryCompleted', 'password-recovery', 'Root password recovery completed', 'Root password recovery'],
  ['CredentialChallenge', 'sign-in-activity', 'Root sign-in activity', 'Root sign-in activity'],
])('signin.amazonaws.com %s', (eventName, kind, description, subject) => {
  const r = record('root-password-recovery-requested');
  r.eventName = eventName;
  const e = parse(r);
  expect(classify(e, false)).toBe(kind);
  expect(describeEvent(e, classify(e, false))).toBe(description);
  expect(renderSubject(groupEvents([e])[0], undefined)).toBe(`${subject}: 111122223333 from 192.0.2.44`);
});

test('root API calls say which credentials', () => {
  const key = parse(record('root-access-key-api-call'));
  expect(describeEvent(key, classify(key, false))).toBe('API call with a root access key (AKIAIOSFODNN7EXAMPLE)');
  const session = parse(record('root-console-session-action'));
  expect(describeEvent(session, classify(session, false))).toBe('Action with temporary root credentials (a console session, or a centralized root access session)');
  const noKey = parse({ ...record('root-api-call'), userIdentity: { type: 'Root', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root' } });
  expect(describeEvent(noKey, classify(noKey, false))).toBe('API call with root credentials');
});

test('events from several addresses: the subject counts them', () => {
  const a = parse(record('root-access-key-api-call'));
  const b = parse({ ...record('root-access-key-api-call'), sourceIPAddress: '198.51.100.78', eventID: 'b' });
  expect(renderSubject(groupEvents([a, b])[0], { name: 'Name', setByAccount: true })).toBe('Root API call: 555566667777 (self-named Name) from 2 addresses (2 events)');
});

describe('kinds of their own for changes to the root user\'s credentials, ranked with the most alarming', () => {
  test.each([
    ['root-password-changed', 'root-password-change', 'Root password changed', 'Root password changed'],
    ['root-password-change-failed', 'root-password-change-failure', 'Failed root password change', 'Root password change failed'],
    ['root-create-access-key', 'root-access-key-change', 'Root access key change', 'Root access key created'],
    ['root-deactivate-mfa', 'root-mfa-change', 'Root MFA device change', 'Root MFA device removed'],
  ])('%s', (name, kind, head, description) => {
    const e = parse(record(name));
    expect(classify(e, false)).toBe(kind);
    expect(describeEvent(e, classify(e, false))).toBe(description);
    const g = groupEvents([e])[0];
    expect(g.headlineKind).toBe(kind);
    expect(renderSubject(g, undefined)).toMatch(new RegExp(`^${head.replace(/[()]/g, '\\$&')}: 111122223333`));
  });

  test('a console session with a sign-in and a root access key creation is headed by the key creation', () => {
    const login = parse({ ...record('root-console-login-success-no-mfa'), eventTime: '2026-11-27T13:00:00Z' });
    const key = parse(record('root-create-access-key'));
    const groups = groupEvents([login, { ...key, sourceIp: login.sourceIp }]);
    expect(groups.map((g) => g.headlineKind)).toEqual(['root-access-key-change']);
  });

  test('MFAUsed is compared without case', () => {
    const e = parse(record('root-console-login-mfa-uppercase'));
    expect(classify(e, false)).toBe('console-sign-in-mfa');
  });

  test('a CreateAccessKey invoked by signin.amazonaws.com is not root usage for the CIS pattern: skipped', () => {
    expect(parseCloudTrailRecord(JSON.stringify(record('root-create-access-key-invoked-by-signin')))).toBe('not-root-usage');
  });
});

test('the handler\'s own reading of the pattern agrees with every vector (CIS expectation, or the AssumeRoot call)', () => {
  for (const file of VECTOR_FILES) {
    for (const v of loadVectors(file)) {
      const isCall = v.event.eventSource === 'sts.amazonaws.com' && v.event.eventName === 'AssumeRoot';
      expect([v.name, matchesNotificationPattern(v.event)]).toEqual([v.name, v.expectMatch || isCall]);
    }
  }
});
