import { gzipSync } from 'zlib';
import { BatchGetItemCommand, DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { consoleSessionBurst, controlMessage, dataMessage, encode, LOG_GROUP, record, subscriptionEvent } from './event-notifier/payload';
import * as lambdaModule from '../src/event-notifier.lambda';
import { accountNameCache, handler } from '../src/event-notifier.lambda';

// The event notifier's handler, end to end on real subscription payloads (gzip + base64 of
// awslogs.data, built from CloudTrail records) with the AWS SDK v3 clients mocked.

const TOPIC_ARN = 'arn:aws:sns:us-east-1:999988887777:RootUsageAlarmTopic';
const ALARM_NAME = 'RootUsage-Alarm';
const ACCOUNT_NAMES: Record<string, string> = {
  111122223333: 'Payments-Prod',
  222222222222: 'Data-Lake',
  111111111111: 'Management',
};

const sns = mockClient(SNSClient);
const organizations = mockClient(OrganizationsClient);
let warn: jest.SpyInstance;
let info: jest.SpyInstance;
let error: jest.SpyInstance;

beforeEach(() => {
  // The names are cached across invocations (module level, as in Lambda): each test starts without them.
  accountNameCache.clear();
  sns.reset();
  organizations.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  organizations.on(DescribeAccountCommand).callsFake((input: { AccountId: string }) => {
    const name = ACCOUNT_NAMES[input.AccountId];
    if (!name) {
      throw Object.assign(new Error('You specified an account that doesn\'t exist.'), { name: 'AccountNotFoundException' });
    }
    return { Account: { Id: input.AccountId, Name: name } };
  });
  process.env.TOPIC_ARN = TOPIC_ARN;
  process.env.ALARM_NAME = ALARM_NAME;
  process.env.LOG_GROUP_NAME = LOG_GROUP;
  process.env.AWS_REGION = 'us-east-1';
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  info = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

interface Published {
  readonly input: PublishCommandInput;
  readonly email: string;
  readonly chat: any;
}

function published(): Published[] {
  return sns.commandCalls(PublishCommand).map((c) => {
    const input = c.args[0].input;
    const message = JSON.parse(input.Message!);
    expect(Object.keys(message).sort()).toEqual(['default', 'email']);
    return { input, email: message.email, chat: JSON.parse(message.default) };
  });
}

function only(): Published {
  const all = published();
  expect(all).toHaveLength(1);
  return all[0];
}

function logLines(spy: jest.SpyInstance): Array<Record<string, unknown>> {
  return spy.mock.calls.map((c) => JSON.parse(c[0] as string));
}

/** The lines of an email body, for exact line assertions. */
function lines(email: string): string[] {
  return email.split('\n');
}

describe('one publish per root use, with the exact PublishCommand input', () => {
  test('console sign-in without MFA', async () => {
    // GIVEN
    const event = subscriptionEvent([record('root-console-login-success-no-mfa')]);
    // WHEN
    const result = await handler(event);
    // THEN
    expect(result).toEqual({ messageType: 'DATA_MESSAGE', events: 1, skipped: 0, published: 1, suppressed: 0 });
    const p = only();
    expect(p.input).toEqual({
      TopicArn: TOPIC_ARN,
      Subject: '[HIGH] Root sign-in without MFA: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
      MessageStructure: 'json',
      Message: expect.any(String),
    });
    expect(lines(p.email).slice(0, 10)).toEqual([
      'Root sign-in without MFA in AWS account 111122223333 (name set by the account itself: "Payments-Prod")',
      '',
      'Severity:    HIGH',
      'Expected?:   Unexpected',
      'Account:     111122223333 (name set by the account itself: "Payments-Prod")',
      'What:        Console sign-in succeeded, without MFA',
      'Events:      1 in this delivery',
      'First event: 2026-11-27T10:02:41Z',
      'Last event:  2026-11-27T10:02:41Z',
      'Source IPs:  203.0.113.7',
    ]);
    expect(lines(p.email)).toEqual(expect.arrayContaining([
      '1. ConsoleLogin (signin.amazonaws.com): Console sign-in succeeded, without MFA',
      '   Time:        2026-11-27T10:02:41Z',
      '   Region:      us-east-1',
      '   Source IP:   203.0.113.7',
      '   User agent:  Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      '   Event ID:    8f0e6a52-1c43-4d0b-a9a1-6f3c2d1e0b9a',
      `Alarm: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/${ALARM_NAME}`,
    ]));
    expect(p.email).not.toMatch(/Error:/);
    // The raw event, pretty-printed.
    expect(p.email).toContain(JSON.stringify(record('root-console-login-success-no-mfa'), null, 2));
    // The chat notification: the custom-notification schema.
    expect(p.chat).toEqual({
      version: '1.0',
      source: 'custom',
      id: '111122223333-8f0e6a52-1c43-4d0b-a9a1-6f3c2d1e0b9a',
      content: {
        textType: 'client-markdown',
        title: ':rotating_light: [HIGH] Root sign-in without MFA: 111122223333 self-named Payments-Prod',
        description: [
          '*Severity:* HIGH',
          '*Unexpected*',
          '*Account:* 111122223333 self-named Payments-Prod',
          '*Events:* 1 in this delivery',
          '• `2026-11-27T10:02:41Z` `ConsoleLogin` `signin.amazonaws.com` in `us-east-1` from `203.0.113.7`: Console sign-in succeeded, without MFA',
        ].join('\n'),
        nextSteps: [
          expect.stringMatching(/^Query this session in CloudWatch Logs Insights: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#logsV2:logs-insights\$3FqueryDetail\$3D/),
          expect.stringMatching(/^Query the first event: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#logsV2:logs-insights\$3FqueryDetail\$3D/),
          `Root-usage alarm: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/${ALARM_NAME}`,
          'Confirm with the account owner that this root use was expected; if not, follow your incident response runbook.',
        ],
        keywords: ['root-usage', 'console-sign-in-no-mfa', '111122223333'],
      },
      metadata: {
        // One thread per session: the sign-in's session key and first event time, hashed.
        threadId: expect.stringMatching(/^root-usage-111122223333-[0-9a-f]{24}$/),
        summary: 'Root sign-in without MFA: 111122223333 self-named Payments-Prod',
        eventType: 'RootUsage',
      },
    });
  });

  test('console sign-in with MFA', async () => {
    await handler(subscriptionEvent([record('root-console-login-success-mfa')]));
    const p = only();
    expect(p.input.Subject).toBe('[HIGH] Root sign-in with MFA: 111122223333 (self-named Payments-Prod) from 203.0.113.7');
    expect(lines(p.email)).toContain('What:        Console sign-in succeeded, with MFA');
  });

  test('console sign-in failure, without MFA (AWS documentation example)', async () => {
    await handler(subscriptionEvent([record('root-console-login-failure')]));
    const p = only();
    expect(p.input.Subject).toBe('[MEDIUM] Failed root sign-in: 111122223333 (self-named Payments-Prod) from 192.0.2.0');
    expect(lines(p.email)).toEqual(expect.arrayContaining([
      'What:        Console sign-in failed (MFA used: No)',
      '   Error:       Failed authentication',
      '   User agent:  -',
    ]));
    expect(p.chat.content.keywords).toEqual(['root-usage', 'console-sign-in-failure', '111122223333']);
  });

  test('console sign-in failure, with MFA', async () => {
    await handler(subscriptionEvent([record('root-console-login-failure-mfa')]));
    const p = only();
    expect(p.input.Subject).toBe('[MEDIUM] Failed root sign-in: 111122223333 (self-named Payments-Prod) from 198.51.100.23');
    expect(lines(p.email)).toContain('What:        Console sign-in failed (MFA used: Yes)');
  });

  test('password recovery', async () => {
    await handler(subscriptionEvent([record('root-password-recovery-requested')]));
    const p = only();
    expect(p.input.Subject).toBe('[HIGH] Root password recovery: 111122223333 (self-named Payments-Prod) from 192.0.2.44');
    expect(lines(p.email)).toEqual(expect.arrayContaining([
      'What:        Root password recovery requested',
      '1. PasswordRecoveryRequested (signin.amazonaws.com): Root password recovery requested',
    ]));
  });

  test('API call with a root access key: account not in the organization, so the ID alone', async () => {
    await handler(subscriptionEvent([record('root-access-key-api-call')]));
    const p = only();
    expect(p.input.Subject).toBe('[HIGH] Root API call: 555566667777 from 198.51.100.77');
    expect(lines(p.email)).toEqual(expect.arrayContaining([
      'Root API call in AWS account 555566667777',
      'Account:     555566667777',
      '1. CreateUser (iam.amazonaws.com): API call with a root access key (AKIAIOSFODNN7EXAMPLE)',
    ]));
    expect(organizations).toHaveReceivedCommandWith(DescribeAccountCommand, { AccountId: '555566667777' });
    expect(logLines(warn)).toContainEqual(expect.objectContaining({
      level: 'warn', accountId: '555566667777', error: 'AccountNotFoundException',
    }));
  });

  test('an action in an AssumeRoot session, without its AssumeRoot call in the batch', async () => {
    await handler(subscriptionEvent([record('assume-root-session-action-doc-example')]));
    const p = only();
    // AWS's example action record carries no assumedRoot flag: without the call, it is a root API call.
    expect(p.input.Subject).toBe('[HIGH] Root API call: 222222222222 (self-named Data-Lake) from 192.0.2.1');
    // With the flag (as DESIGN.md fact 10 describes the member-account records), it is a session action.
    sns.resetHistory();
    const flagged = record('assume-root-privileged-session-action');
    await handler(subscriptionEvent([flagged]));
    const q = only();
    expect(q.input.Subject).toBe('[HIGH] Root session (AssumeRoot): 444455556666 from 192.0.2.10');
    expect(lines(q.email)).toEqual(expect.arrayContaining([
      'What:        Action in a centralized root access session (AssumeRoot)',
      'Centralized root access session: the AssumeRoot call that opened it has not arrived yet;',
    ]));
  });

  test('the AssumeRoot call itself', async () => {
    await handler(subscriptionEvent([record('assume-root-call-doc-example')]));
    const p = only();
    expect(p.input.Subject).toBe('[HIGH] AssumeRoot call: 222222222222 (self-named Data-Lake), task S3UnlockBucketPolicy');
    expect(lines(p.email)).toEqual(expect.arrayContaining([
      'AssumeRoot call in AWS account 222222222222 (name set by the account itself: "Data-Lake")',
      'What:        AssumeRoot call (centralized root access): a root session was opened',
      '   Opened by:    arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1',
      '   From account: 111111111111 (name set by the account itself: "Management")',
      '   Task policy:  arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy',
      '   Session key:  ASIAIOSFODNN7EXAMPLE',
      '   Caller:      arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1',
      '   Target:      222222222222',
    ]));
  });

  test('the AssumeRoot call and an action of its session in one batch: one message, linked', async () => {
    // GIVEN the action first, as batches are not ordered by event time
    const event = subscriptionEvent([record('assume-root-session-action-doc-example'), record('assume-root-call-doc-example')]);
    // WHEN
    await handler(event);
    // THEN
    const p = only();
    expect(p.input.Subject).toBe('[HIGH] Root session (AssumeRoot): 222222222222, task S3UnlockBucketPolicy (2 events)');
    const l = lines(p.email);
    expect(l).toEqual(expect.arrayContaining([
      'Events:      2 in this delivery',
      '   Opened by:    arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1',
      '   From account: 111111111111 (name set by the account itself: "Management")',
      '   Task policy:  arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy',
      '1. AssumeRoot (sts.amazonaws.com): AssumeRoot call (centralized root access): a root session was opened',
      '2. DeleteBucketPolicy (s3.amazonaws.com): Action in a centralized root access session (AssumeRoot)',
    ]));
    expect(p.chat.content.description).toContain('*Opened by:* `arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1` in 111111111111 self-named Management');
    expect(p.chat.content.description).toContain('*Task policy:* `arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy`');
    expect(organizations).toHaveReceivedCommandTimes(DescribeAccountCommand, 2);
  });

  test('a denied AssumeRoot call says "denied" and speaks of no session', async () => {
    await handler(subscriptionEvent([record('assume-root-call-denied')]));
    const p = only();
    // the caller first (its account, its principal), then the target; the task is an AWS root-task policy, but a denied group names none in its subject
    expect(p.input.Subject).toBe('[MEDIUM] AssumeRoot denied: 1 call by 111111111111 user/mallory for 222222222222');
    expect(p.email).not.toMatch(/a root session was opened|Root session \(|Opened by/);
    expect(lines(p.email)[0]).toBe('AssumeRoot denied: 1 denied call by arn:aws:iam::111111111111:user/mallory (account 111111111111 (name set by the account itself: "Management")) for 222222222222');
    expect(lines(p.email)).toEqual(expect.arrayContaining([
      'What:        AssumeRoot call (centralized root access) denied: no session was opened',
      expect.stringMatching(/^ {3}Error: {7}AccessDenied: User: arn:aws:iam::111111111111:user\/mallory is not authorized/),
    ]));
  });
});

describe('grouping and the bound', () => {
  test('a burst of 200 events from one console session: one message, 20 events listed, "and 180 more"', async () => {
    // GIVEN a ConsoleLogin and 199 actions of the session it opened
    const burst = consoleSessionBurst(200);
    // WHEN
    const result = await handler(subscriptionEvent(burst));
    // THEN
    expect(result).toEqual({ messageType: 'DATA_MESSAGE', events: 200, skipped: 0, published: 1, suppressed: 0 });
    const p = only();
    expect(p.input.Subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 (self-named Payment...) from 203.0.113.7 (200 events)');
    const l = lines(p.email);
    expect(l).toContain('Events:      200 in this delivery (first 20 listed)');
    expect(l.filter((x) => /^\d+\. /.test(x))).toHaveLength(20);
    expect(l).toContain('20. GetAccountPasswordPolicy (iam.amazonaws.com): Action with temporary root credentials (a console session, or a centralized root access session)');
    expect(l).toContain('... and 180 more events (not listed; see the session query below).');
    expect(p.chat.content.description.split('\n').filter((x: string) => x.startsWith('• '))).toHaveLength(10);
    expect(p.chat.content.description).toMatch(/\n…and 190 more events$/);
    // Organizations is asked once per account per invocation.
    expect(organizations).toHaveReceivedCommandTimes(DescribeAccountCommand, 1);
    expect(Buffer.byteLength(p.input.Message!, 'utf8')).toBeLessThan(256 * 1024);
  });

  test('different sessions and accounts in one batch: one message each, the most alarming first', async () => {
    await handler(subscriptionEvent([
      record('root-access-key-api-call'),
      record('root-console-login-success-mfa'),
      record('assume-root-call-doc-example'),
      { ...record('root-access-key-api-call'), eventID: 'second-call', eventName: 'AttachUserPolicy' },
    ]));
    expect(published().map((p) => p.input.Subject)).toEqual([
      '[HIGH] AssumeRoot call: 222222222222 (self-named Data-Lake), task S3UnlockBucketPolicy',
      '[HIGH] Root sign-in with MFA: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
      '[HIGH] Root API call: 555566667777 from 198.51.100.77 (2 events)',
    ]);
  });

  test('the same access key in two accounts is two sessions', async () => {
    const a = record('root-access-key-api-call');
    const b: any = { ...record('root-access-key-api-call'), recipientAccountId: '111122223333', eventID: 'other' };
    b.userIdentity = { ...b.userIdentity, accountId: '111122223333' };
    await handler(subscriptionEvent([a, b]));
    expect(published().map((p) => p.input.Subject)).toEqual([
      '[HIGH] Root API call: 555566667777 from 198.51.100.77',
      '[HIGH] Root API call: 111122223333 (self-named Payments-Prod) from 198.51.100.77',
    ]);
  });

  test('a console session whose credentials were issued long after the sign-in is its own session', async () => {
    const action = record('root-console-session-action');
    action.userIdentity.sessionContext.attributes.creationDate = '2026-11-27T12:00:00Z';
    await handler(subscriptionEvent([record('root-console-login-success-no-mfa'), action]));
    expect(published().map((p) => p.input.Subject)).toEqual([
      '[HIGH] Root sign-in without MFA: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
      '[HIGH] Root API call: 111122223333 (self-named Payments-Prod) from 203.0.113.7',
    ]);
  });
});

describe('robustness: skip and log, never crash on input', () => {
  test('malformed and non-CloudTrail records are logged and skipped; the batch continues', async () => {
    // GIVEN
    const secret = 'do-not-log-this-payload';
    const event = subscriptionEvent([
      `{"eventVersion": "1.08", "truncated ${secret}`,
      JSON.stringify({ level: 'info', msg: secret }),
      JSON.stringify([secret]),
      record('root-console-login-success-no-mfa'),
    ]);
    // WHEN
    const result = await handler(event);
    // THEN
    expect(result).toEqual({ messageType: 'DATA_MESSAGE', events: 1, skipped: 3, published: 1, suppressed: 0 });
    expect(only().input.Subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 (self-named Payments-Prod) from 203.0.113.7');
    const skips = logLines(warn).filter((l) => l.message === 'skipped a log event that is not a CloudTrail record');
    expect(skips.map((s) => s.reason)).toEqual(['not-json', 'not-cloudtrail', 'not-an-object']);
    expect(skips[0]).toEqual(expect.objectContaining({ level: 'warn', logGroup: LOG_GROUP, logEventId: expect.any(String), length: expect.any(Number) }));
    for (const call of [...warn.mock.calls, ...info.mock.calls, ...error.mock.calls]) {
      expect(String(call[0])).not.toContain(secret);
    }
  });

  test('a batch of nothing but malformed records publishes nothing and does not throw', async () => {
    await expect(handler(subscriptionEvent(['', 'null', '42']))).resolves.toEqual({ messageType: 'DATA_MESSAGE', events: 0, skipped: 3, published: 0, suppressed: 0 });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  test('a CONTROL_MESSAGE is ignored', async () => {
    await expect(handler(encode(controlMessage()))).resolves.toEqual({ messageType: 'CONTROL_MESSAGE', events: 0, skipped: 0, published: 0, suppressed: 0 });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(organizations).not.toHaveReceivedCommand(DescribeAccountCommand);
  });

  test.each([
    ['no awslogs', {}],
    ['awslogs.data not base64 gzip', { awslogs: { data: 'bm90IGd6aXA=' } }],
    ['gzip of something that is not JSON', { awslogs: { data: gzipSync('not json').toString('base64') } }],
    ['gzip of JSON that is not an object', encode([1, 2, 3])],
    ['gzip of a JSON object without messageType', encode({ logEvents: [] })],
  ])('an invocation that is not a subscription delivery (%s) is logged and skipped', async (_title, event) => {
    await expect(handler(event as any)).resolves.toEqual({ messageType: '', events: 0, skipped: 1, published: 0, suppressed: 0 });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(logLines(warn)).toContainEqual(expect.objectContaining({ level: 'warn', message: 'skipped an invocation that is not a CloudWatch Logs subscription delivery' }));
  });

  test('TOPIC_ARN missing: the handler fails loudly', async () => {
    delete process.env.TOPIC_ARN;
    await expect(handler(subscriptionEvent([record('root-console-login-failure')]))).rejects.toThrow(/TOPIC_ARN is not set/);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  test('no ALARM_NAME: no alarm link, everything else the same', async () => {
    delete process.env.ALARM_NAME;
    await handler(subscriptionEvent([record('root-console-login-failure')]));
    const p = only();
    expect(p.email).not.toContain('#alarmsV2:alarm/');
    expect(p.chat.content.nextSteps).toHaveLength(3);
  });
});

describe('account names: never a failure', () => {
  test.each([
    ['AccessDeniedException', 'You don\'t have permissions to access this resource.'],
    ['AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.'],
    ['AccountNotFoundException', 'You specified an account that doesn\'t exist.'],
    ['TooManyRequestsException', 'You have sent too many requests in too short a period of time.'],
    ['Error', 'socket hang up'],
  ])('%s: the ID alone, still published', async (name, message) => {
    // GIVEN
    organizations.on(DescribeAccountCommand).rejects(Object.assign(new Error(message), { name }));
    // WHEN
    await handler(subscriptionEvent([record('root-console-login-success-no-mfa'), record('root-console-session-action')]));
    // THEN
    const p = only();
    expect(p.input.Subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 from 203.0.113.7 (2 events)');
    expect(lines(p.email)).toContain('Account:     111122223333');
    expect(organizations).toHaveReceivedCommandTimes(DescribeAccountCommand, 1);
    expect(logLines(warn)).toContainEqual({
      level: 'warn', message: 'account name not available, using the account ID alone', accountId: '111122223333', error: name, reason: message,
    });
  });

  test('an account name with anything in it: the subject stays printable ASCII under 100 characters', async () => {
    organizations.on(DescribeAccountCommand).resolves({ Account: { Id: '111122223333', Name: `Zürich\r\nBcc: x@example.com\t🚀 ${'Very long name '.repeat(10)}` } });
    await handler(subscriptionEvent([record('root-console-login-success-no-mfa')]));
    const p = only();
    expect(p.input.Subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 (self-named Zurich Bcc: x@exampl...) from 203.0.113.7');
    expect(p.input.Subject).toHaveLength(99);
    expect(p.input.Subject!.length).toBeLessThan(100);
    expect(p.input.Subject).toMatch(/^[\x20-\x7e]+$/);
    // The email shows the name on one line, control characters removed.
    expect(lines(p.email)[0]).toMatch(/^Root sign-in without MFA in AWS account 111122223333 \(name set by the account itself: "Zürich Bcc: x@example.com 🚀 Very long name/);
  });
});

describe('size: when even the bounded fields are too large', () => {
  test('fewer events are listed, and the rest counted, to stay under 200 KiB', async () => {
    // GIVEN 200 events whose every free-text field is 1,000 characters of 4-byte UTF-8
    const huge = '🚀'.repeat(600);
    const burst = consoleSessionBurst(200).map((r, i) => (i === 0 ? r : {
      ...r,
      userAgent: huge,
      errorCode: huge,
      errorMessage: huge,
      awsRegion: huge,
      eventID: `${i}${huge}`,
      eventTime: `${r.eventTime}${huge}`,
      eventName: huge,
      eventSource: huge,
    }));
    // WHEN
    await handler(subscriptionEvent(burst));
    // THEN
    const p = only();
    expect(Buffer.byteLength(p.input.Message!, 'utf8')).toBeLessThanOrEqual(200 * 1024);
    const listed = lines(p.email).filter((x) => /^\d+\. /.test(x)).length;
    expect(listed).toBeLessThan(20);
    expect(lines(p.email)).toContain(`Events:      200 in this delivery (first ${listed} listed)`);
    expect(lines(p.email)).toContain(`... and ${200 - listed} more events (not listed; see the session query below).`);
  });
});

describe('log events without a message', () => {
  test('are counted as skipped and logged', async () => {
    const decoded = dataMessage([JSON.stringify(record('root-console-login-failure'))]);
    (decoded.logEvents as unknown[]).push({ id: '1', timestamp: 1 }, null, { id: '2', timestamp: 2, message: 42 });
    const result = await handler(encode(decoded));
    expect(result).toEqual({ messageType: 'DATA_MESSAGE', events: 1, skipped: 3, published: 1, suppressed: 0 });
    expect(logLines(warn)).toContainEqual(expect.objectContaining({ message: 'skipped log events without a message string', count: 3 }));
  });
});

describe('chat markdown cannot be hijacked by record values or account names', () => {
  test('mentions, links and inline-code breaks are neutralized', async () => {
    organizations.on(DescribeAccountCommand).resolves({ Account: { Id: '111122223333', Name: '<!channel> `rm` <https://evil.example|click> & co' } });
    const r = record('root-console-login-failure');
    r.additionalEventData.MFAUsed = '<!here>';
    await handler(subscriptionEvent([r]));
    const p = only();
    const chatText = JSON.stringify(p.chat);
    expect(chatText).not.toMatch(/[<>&]/);
    expect(p.chat.content.description).toContain('*Account:* 111122223333 self-named channel rm https evil example click co');
    // MFAUsed is read as Yes / No whatever its case, anything else is "unknown": never echoed.
    expect(p.chat.content.description).toContain('Console sign-in failed (MFA used: unknown)');
    // The email keeps the name as it is (plain text, one line).
    expect(lines(p.email)).toContain('Account:     111122223333 (name set by the account itself: "<!channel> `rm` <https://evil.example|click> & co")');
  });
});

describe('publishing failures propagate (Lambda retries, then the on-failure destination)', () => {
  test('every group is attempted, then the handler rejects', async () => {
    // GIVEN SNS refusing the first of two messages
    sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' })).resolves({ MessageId: 'm-2' });
    // WHEN / THEN
    await expect(handler(subscriptionEvent([record('root-access-key-api-call'), record('root-console-login-failure')])))
      .rejects.toThrow('1 of 2 notification(s) could not be published: Rate exceeded');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(logLines(error)).toContainEqual({ level: 'error', message: 'publish failed', error: 'ThrottledException', reason: 'Rate exceeded' });
  });
});

describe('size: the message stays well inside SNS\'s 256 KB', () => {
  test('a record of 1 MB is truncated in the raw-event section and the message stays under 200 KiB', async () => {
    // GIVEN
    const big = record('root-access-key-api-call');
    big.requestParameters = { policyDocument: 'é'.repeat(500_000) };
    // WHEN
    await handler(subscriptionEvent([big]));
    // THEN
    const p = only();
    const bytes = Buffer.byteLength(p.input.Message!, 'utf8');
    expect(bytes).toBeLessThanOrEqual(200 * 1024);
    expect(p.email).toMatch(/\n\.\.\. \(truncated: \d+ of \d+ bytes shown\)\n/);
    expect(p.email).not.toContain('\uFFFD');
  });

  test('200 events with very long fields still fit', async () => {
    // (the actions only: the sign-in stays a sign-in, so the session stays one group)
    const burst = consoleSessionBurst(200).map((r, i) => (i === 0 ? r : {
      ...r, userAgent: 'x'.repeat(5000), errorMessage: 'y'.repeat(5000), errorCode: 'AccessDenied', eventSource: `${'s'.repeat(5000)}.amazonaws.com`, eventName: 'N'.repeat(500),
    }));
    await handler(subscriptionEvent(burst));
    const p = only();
    expect(Buffer.byteLength(p.input.Message!, 'utf8')).toBeLessThanOrEqual(200 * 1024);
    expect(p.chat.content.description.length).toBeLessThanOrEqual(3000);
    // Fewer events listed in chat than the usual 10, and the rest counted.
    const bullets = p.chat.content.description.split('\n').filter((x: string) => x.startsWith('• ')).length;
    expect(bullets).toBeLessThan(10);
    expect(p.chat.content.description).toMatch(new RegExp(`\n…and ${200 - bullets} more events$`));
  });
});

describe('the handler\'s wiring under pressure', () => {
  test('the SNS client gives up on a request after 3 s and tries at most 3 times: a stalled SNS cannot hold a delivery', async () => {
    const lambda = lambdaModule;
    expect([lambda.SNS_REQUEST_TIMEOUT_MS, lambda.SNS_MAX_ATTEMPTS]).toEqual([3000, 3]);
    expect(await lambda.sns.config.maxAttempts()).toBe(3);
    const requestHandler = lambda.sns.config.requestHandler as unknown as { configProvider: Promise<{ requestTimeout: number }> };
    const handlerConfig = await requestHandler.configProvider;
    expect(handlerConfig.requestTimeout).toBe(3000);
  });

  test('the deadline comes from the context: with too little time left, no session memory is read', async () => {
    process.env.TABLE_NAME = 'RootUsageEventNotifierFunction-sessions';
    try {
      const dynamodb = mockClient(DynamoDBClient);
      await handler(subscriptionEvent([record('root-console-login-success-no-mfa')]), { getRemainingTimeInMillis: () => 10_000 });
      expect(dynamodb.calls()).toHaveLength(0);
      expect(published()).toHaveLength(1);
      expect(warn.mock.calls.map((c) => JSON.parse(c[0]).message)).toContain('too little time left: publishing without reading the session memory');
      dynamodb.restore();
    } finally {
      delete process.env.TABLE_NAME;
    }
  });

  test('REALTIME_REGIONS: root use of a covered region that only the log path delivered gets the line and one NotSeenInRealTime metric line', async () => {
    process.env.TABLE_NAME = 'RootUsageEventNotifierFunction-sessions';
    process.env.REALTIME_REGIONS = 'us-east-1,eu-west-1';
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'RootUsageEventNotifierFunction';
    const dynamodb = mockClient(DynamoDBClient);
    try {
      // GIVEN a store that answers and remembers nothing
      dynamodb.on(BatchGetItemCommand).resolves({ Responses: {} });
      dynamodb.on(GetItemCommand).resolves({});
      dynamodb.on(UpdateItemCommand).resolves({});
      // WHEN the log path delivers a root sign-in of us-east-1
      await handler(subscriptionEvent([record('root-console-login-success-no-mfa')]), { getRemainingTimeInMillis: () => 120_000 });
      // THEN the message says so, and one embedded-metric-format line counts it
      expect(published()[0].email).toContain('Not seen in real time: the forwarder of account 111122223333 in region us-east-1 may be missing or disabled (the log path stays authoritative).');
      const metricLines = warn.mock.calls.map((c) => JSON.parse(c[0])).filter((l) => l._aws !== undefined);
      expect(metricLines).toHaveLength(1);
      expect(metricLines[0]).toEqual(expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [{ Namespace: 'cdk-root-usage-alarm', Dimensions: [['FunctionName']], Metrics: [{ Name: 'NotSeenInRealTime', Unit: 'Count' }] }],
        }),
        FunctionName: 'RootUsageEventNotifierFunction',
        NotSeenInRealTime: 1,
        forwarders: [{ accountId: '111122223333', region: 'us-east-1' }],
      }));

      // AND a region it does not cover: no line, no metric
      warn.mockClear();
      sns.resetHistory();
      process.env.REALTIME_REGIONS = 'eu-west-1';
      await handler(subscriptionEvent([{ ...record('root-console-login-success-no-mfa'), eventID: 'another-sign-in' }]), { getRemainingTimeInMillis: () => 120_000 });
      expect(published()[0].email).not.toContain('Not seen in real time');
      expect(warn.mock.calls.map((c) => JSON.parse(c[0])).filter((l) => l._aws !== undefined)).toHaveLength(0);
    } finally {
      dynamodb.restore();
      delete process.env.TABLE_NAME;
      delete process.env.REALTIME_REGIONS;
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
  });

  test('ACCOUNT_NAMES: the platform team\'s names, shown as they are, never looked up', async () => {
    process.env.ACCOUNT_NAMES = JSON.stringify({ 111122223333: 'Payments (platform)', bad: 'x' });
    try {
      await handler(subscriptionEvent([record('root-console-login-success-no-mfa')]));
      expect(published()[0].input.Subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 (Payments (platform)) from 203.0.113.7');
      expect(organizations).toHaveReceivedCommandTimes(DescribeAccountCommand, 0);
    } finally {
      delete process.env.ACCOUNT_NAMES;
    }
  });
});
