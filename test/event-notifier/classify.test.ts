import { record } from './payload';
import { classify, describeEvent } from '../../src/private/event-notifier/classify';
import { accountOf, parseCloudTrailRecord, RootEvent } from '../../src/private/event-notifier/cloudtrail';
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
  expect(renderSubject(groupEvents([a, b])[0], 'Name')).toBe('Root API call: 555566667777 (Name) from 2 addresses (2 events)');
});
