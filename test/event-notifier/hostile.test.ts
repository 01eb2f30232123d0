import { eventBridgeEvent, LOG_GROUP, orgTrailDelivery, record, subscriptionEvent } from './payload';
import { notify, NotifierDeps } from '../../src/private/event-notifier/notify';
import { REDACTED } from '../../src/private/event-notifier/redact';
import { InMemorySessionStore } from '../../src/private/event-notifier/session-store';
import { UNSAFE_CHARS } from '../../src/private/event-notifier/text';

// Hostile input: member accounts choose their own names (account:PutAccountName: printable ASCII
// except < and >, up to 50 characters), whoever acts chooses user agents and session names, and a
// record may hold anything. None of it may produce a chat mention, link, emoji or formatting,
// leave its code span, hide or reorder text, leak a secret, or stop the other messages.

interface Sent { readonly subject: string; readonly email: string; readonly chat: any; readonly message: string }

function setup(names: Record<string, string> = {}, overrides: Partial<NotifierDeps> = {}) {
  const sent: Sent[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const deps: NotifierDeps = {
    topicArn: 'arn:aws:sns:us-east-1:111111111111:RootUsageAlarmTopic',
    alarmName: 'RootUsage-Alarm',
    region: 'us-east-1',
    logGroupName: LOG_GROUP,
    store: new InMemorySessionStore(),
    publish: async (input) => {
      const m = JSON.parse(input.Message);
      sent.push({ subject: input.Subject, email: m.email, chat: JSON.parse(m.default), message: input.Message });
    },
    describeAccount: async (id) => names[id],
    log: (level, message, details) => { logs.push({ level, message, ...details }); },
    ...overrides,
  };
  return { sent, logs, deps };
}

/** Values a member account or an actor can choose (account names: printable ASCII except < >). */
const HOSTILE = [
  '@here',
  '@channel',
  '<!channel>',
  '<!here|here>',
  '<@U012AB3CD>',
  '[x](https://e.example)',
  'https://e.example/phish',
  'www.e.example',
  ':rotating_light:',
  '*bold*',
  '_italic_',
  '~strike~',
  '`code` ``` fence',
  '> quote',
  '# heading',
  '| table |',
];

/** Everything in a chat notification that a chat client renders as markdown. */
function renderedChat(chat: any): string[] {
  return [chat.content.title, chat.content.description, ...(chat.content.nextSteps ?? []), chat.metadata.summary];
}

/** The text of a markdown string outside its code spans (what a client formats). */
function outsideCode(s: string): string {
  return s.split('`').filter((_, i) => i % 2 === 0).join(' ');
}

function expectInert(chat: any): void {
  for (const text of renderedChat(chat)) {
    // Code spans stay balanced: no value can end one and go on outside.
    for (const line of text.split('\n')) expect((line.match(/`/g) ?? []).length % 2).toBe(0);
    const plain = outsideCode(text)
      .replace(/https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/\S+/g, '') // the console links the notifier writes itself
      .replace(/^:rotating_light: /, ''); // the notifier's own emoji
    expect(plain).not.toMatch(/@here|@channel|<!|<@|\]\(|https?:|www\.|e\.example|:[a-z_]+:|\*bold\*|_italic_|~strike~/);
    // Inside code spans: no backtick, no angle bracket, no @, no link.
    const code = text.split('`').filter((_, i) => i % 2 === 1).join(' ');
    expect(code).not.toMatch(/[<>@]|https?:\/\/|\]\(/);
  }
}

describe.each(HOSTILE)('hostile value %j', (value) => {
  test('as the account name: chat inert, the subject ASCII, the email a single plain line', async () => {
    // account:PutAccountName accepts printable ASCII except < and >: keep them anyway, defence in depth
    const { sent, deps } = setup({ 111122223333: value });
    await notify(orgTrailDelivery('111122223333', 'us-east-1', [record('root-console-login-success-no-mfa')]), deps);
    expect(sent).toHaveLength(1);
    expectInert(sent[0].chat);
    expect(sent[0].subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });

  test('as user agent, session name, task policy ARN, caller ARN, event name, region, source IP and error code', async () => {
    const { sent, deps } = setup({ 222222222222: value, 111111111111: value });
    const call = record('assume-root-call-doc-example');
    call.userAgent = value;
    call.userIdentity.arn = `arn:aws:sts::111111111111:assumed-role/JohnDoe/${value}`;
    call.requestParameters.taskPolicyArn.arn = `arn:aws:iam::aws:policy/root-task/${value}`;
    const act = record('assume-root-session-action-doc-example');
    Object.assign(act, { userAgent: value, eventName: value, awsRegion: 'us-west-2', sourceIPAddress: value, errorCode: value, errorMessage: value });
    await notify(orgTrailDelivery('111111111111', 'us-west-2', [call]), deps);
    await notify(orgTrailDelivery('222222222222', 'us-west-2', [act]), deps);
    const failed = record('root-console-login-failure');
    failed.userAgent = value;
    await notify(eventBridgeEvent(failed), deps);
    expect(sent).toHaveLength(3);
    for (const m of sent) {
      expectInert(m.chat);
      expect(m.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    }
  });
});

test('a renamed account with markdown: the subject and chat keep the ID and the letters, nothing else', async () => {
  const { sent, deps } = setup({ 111122223333: '[Payments](https://e.example) *PROD* @here' });
  await notify(orgTrailDelivery('111122223333', 'us-east-1', [record('root-console-login-success-no-mfa')]), deps);
  expect(sent[0].chat.content.title).toBe(':rotating_light: [HIGH] Root sign-in without MFA: 111122223333 self-named Payments https e example PROD here');
  // (email subject: plain text, the name shortened to fit 99 characters)
  expect(sent[0].subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 (self-named [Payments](https://e...) from 203.0.113.7');
});

test('an account name with no ASCII letter: the ID alone in the subject', async () => {
  const { sent, deps } = setup({ 111122223333: '12345 --- ###' });
  await notify(orgTrailDelivery('111122223333', 'us-east-1', [record('root-console-login-success-no-mfa')]), deps);
  expect(sent[0].subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 from 203.0.113.7');
  const { sent: sent2, deps: deps2 } = setup({ 111122223333: 'Zürich 🚀' });
  await notify(orgTrailDelivery('111122223333', 'us-east-1', [record('root-console-login-success-no-mfa')]), deps2);
  expect(sent2[0].subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 (self-named Zurich ?) from 203.0.113.7');
});

test('bidi, zero-width, C0 and C1 control characters never reach email or chat', async () => {
  const sneaky = 'a\u202Eevil\u202C\u2066x\u2069\u200B\u200D\uFEFF\u0007\u001B[31m\u0085\u009B\u2028b\uD800';
  const { sent, deps } = setup({ 111122223333: `Pay${sneaky}ments` });
  const r = record('root-console-login-failure');
  r.userAgent = sneaky;
  r.errorMessage = sneaky;
  r.requestParameters = { note: sneaky };
  await notify(orgTrailDelivery('111122223333', 'us-east-1', [r]), deps);
  const m = sent[0];
  const everything = [m.subject, m.email, ...renderedChat(m.chat), m.chat.metadata.threadId];
  for (const text of everything) {
    expect(text.replace(/\n/g, '')).not.toMatch(UNSAFE_CHARS);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
  }
  // The raw event too: the characters became spaces, or JSON escapes (visible text).
  expect(m.email).toContain('"errorMessage": "a evil  x    \\u0007\\u001b[31m   b\\ud800"');
});

test('secrets never leave: the session token, secret key and other secret fields are redacted; the session key is kept', async () => {
  const { sent, deps } = setup();
  const call = record('assume-root-call-doc-example');
  call.responseElements.credentials.secretAccessKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
  call.requestParameters.password = 'hunter2-secret';
  call.additionalEventData = { SamlResponse: 'PHNhbWw+c2VjcmV0PC9zYW1sPg==', clientSecret: 'abc' };
  await notify(orgTrailDelivery('111111111111', 'us-west-2', [call]), deps);
  const m = sent[0];
  for (const secret of ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY', 'hunter2-secret', 'PHNhbWw+c2VjcmV0PC9zYW1sPg==']) {
    expect(m.message).not.toContain(secret);
  }
  expect(m.email).toContain(`"sessionToken": "${REDACTED}"`);
  expect(m.email).toContain('"accessKeyId": "ASIAIOSFODNN7EXAMPLE"');
  expect(m.email).toContain('"expiration": "Oct 25, 2024, 9:07:11 PM"');
});

describe('one group that cannot be rendered goes out as a minimal message, and the others as usual', () => {
  test.each([
    ['an impossible time', (r: Record<string, any>) => { r.eventTime = '+275760-09-13T00:00:00.000Z'; }],
    ['nesting thousands deep', (r: Record<string, any>) => { r.requestParameters = 'DEEP'; }],
  ])('%s', async (_title, spoil) => {
    const { sent, deps, logs } = setup({ 555566667777: 'Ops' });
    const bad = record('root-access-key-api-call');
    spoil(bad);
    // 5,000 levels of arrays, written as text (JSON.stringify of such an object would overflow the stack of the test itself)
    const badText = JSON.stringify(bad).replace('"DEEP"', `${'['.repeat(5000)}"bottom"${']'.repeat(5000)}`);
    const good = { ...record('root-access-key-api-call'), eventID: 'good-one', userIdentity: { ...record('root-access-key-api-call').userIdentity, accessKeyId: 'AKIAI44QH8DHBEXAMPLE' } };
    await notify(orgTrailDelivery('555566667777', 'us-east-1', [badText, good]), deps);
    expect(sent).toHaveLength(2);
    const fallback = sent.find((m) => /could not be rendered/.test(m.subject));
    const normal = sent.find((m) => m.email.includes('good-one'));
    if (_title === 'an impossible time') {
      expect(fallback?.subject).toBe('[HIGH] Root API call: 555566667777 (details could not be rendered)');
      expect(fallback?.email).toContain(`Event IDs:   ${record('root-access-key-api-call').eventID}`);
      expect(fallback?.email).toMatch(/Logs Insights, these events \(last 24 hours\): https:\/\/us-east-1\.console\.aws\.amazon\.com\//);
      expect(logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'a message could not be rendered: publishing the minimal fallback message' }));
    } else {
      // Deep nesting is cut in the raw event (MAX_RAW_DEPTH): the normal message still renders.
      expect(sent.some((m) => m.email.includes('(nested too deep: not shown)'))).toBe(true);
    }
    expect(normal?.email).toContain('Event ID:    good-one');
    for (const m of sent) expect(Buffer.byteLength(m.message, 'utf8')).toBeLessThanOrEqual(200 * 1024);
  });

  test('fields of any length: every message stays under the bound', async () => {
    const { sent, deps } = setup({ 555566667777: 'x'.repeat(5000) });
    const r = record('root-access-key-api-call');
    for (const k of ['eventName', 'eventSource', 'userAgent', 'sourceIPAddress', 'errorCode', 'errorMessage', 'awsRegion', 'eventID']) r[k] = '\u{1F680}'.repeat(300_000);
    r.awsRegion = 'us-east-1';
    await notify(orgTrailDelivery('555566667777', 'us-east-1', [r]), deps);
    expect(sent).toHaveLength(1);
    expect(Buffer.byteLength(sent[0].message, 'utf8')).toBeLessThanOrEqual(200 * 1024);
    expect(sent[0].subject.length).toBeLessThan(100);
  });
});

test('the account-name lookup gives up after its timeout: the ID alone, published at once', async () => {
  const { sent, deps, logs } = setup({}, { describeAccount: () => new Promise(() => undefined), accountNameTimeoutMs: 30 });
  await notify(orgTrailDelivery('111122223333', 'us-east-1', [record('root-console-login-success-no-mfa')]), deps);
  expect(sent[0].subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 from 203.0.113.7');
  expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', accountId: '111122223333', error: 'TimeoutError' }));
});

test('publishing is bounded: never more than `concurrency` sessions at a time', async () => {
  let inFlight = 0;
  let most = 0;
  const { deps } = setup({}, {
    concurrency: 3,
    publish: async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
    },
  });
  // 20 accounts (the flood bound is per account and kind), one root access key session each
  const records = Array.from({ length: 20 }, (_, i) => ({
    ...record('root-access-key-api-call'),
    eventID: `e-${i}`,
    recipientAccountId: String(555566667700 + i),
    userIdentity: { ...record('root-access-key-api-call').userIdentity, accountId: String(555566667700 + i), accessKeyId: `AKIAEXAMPLE${String(i).padStart(9, '0')}` },
  }));
  const result = await notify(subscriptionEvent(records), deps);
  expect(result.published).toBe(20);
  expect(most).toBe(3);
});
