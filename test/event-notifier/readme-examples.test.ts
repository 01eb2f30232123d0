import * as fs from 'fs';
import * as path from 'path';
import { consoleSessionBurst, record, subscriptionEvent } from './payload';
import { notifyBatch } from '../../src/private/event-notifier/notify';
import { DEFAULT_LIMITS } from '../../src/private/event-notifier/render';

// The alert examples of docs/alert-examples.md ("What the alert looks like", linked from the
// README) are rendered here, by the handler's own logic, from the test fixtures: the page holds
// them between the markers below and this test fails if they differ. To rewrite them:
// UPDATE_README_EXAMPLES=1 npx jest test/event-notifier/readme-examples.test.ts

const README = path.join(__dirname, '..', '..', 'docs', 'alert-examples.md');
const START = '<!-- alert-examples:start -->';
const END = '<!-- alert-examples:end -->';

/** Raw events are cut shorter on the docs page than in real messages (16 KB), to keep it readable. */
const README_RAW_EVENT_BYTES = 400;

const NAMES: Record<string, string> = {
  111122223333: 'Payments-Prod',
  222222222222: 'Data-Lake',
  111111111111: 'Management',
};

interface Example {
  readonly title: string;
  readonly records: Array<Record<string, unknown>>;
  readonly chat?: boolean;
}

const EXAMPLES: Example[] = [
  { title: 'Root console sign-in without MFA, and what the session did', records: consoleSessionBurst(4), chat: true },
  { title: 'Failed root sign-in', records: [record('root-console-login-failure-mfa')] },
  { title: 'Root password recovery', records: [record('root-password-recovery-requested')] },
  { title: 'Root sign-in with MFA', records: [record('root-console-login-success-mfa')] },
  { title: 'API call with a root access key (account outside the organization: ID only)', records: [record('root-access-key-api-call')] },
  {
    title: 'Centralized root access: the AssumeRoot call and its session\'s action, in one batch',
    records: [record('assume-root-session-action-doc-example'), record('assume-root-call-doc-example')],
  },
  { title: 'An action in a centralized root access session whose AssumeRoot call is in another batch', records: [record('assume-root-privileged-session-action')] },
  { title: 'A denied AssumeRoot call', records: [record('assume-root-call-denied')] },
];

async function render(example: Example): Promise<Array<{ subject: string; email: string; chat: unknown }>> {
  const out: Array<{ subject: string; email: string; chat: unknown }> = [];
  await notifyBatch(subscriptionEvent(example.records), {
    topicArn: 'arn:aws:sns:us-east-1:999988887777:RootUsageAlarmTopic',
    alarmName: 'RootUsage-Alarm',
    region: 'us-east-1',
    limits: { ...DEFAULT_LIMITS, rawEventBytes: README_RAW_EVENT_BYTES },
    publish: async (input) => {
      const message = JSON.parse(input.Message);
      out.push({ subject: input.Subject, email: message.email, chat: JSON.parse(message.default) });
    },
    describeAccount: async (id) => {
      if (NAMES[id]) return NAMES[id];
      throw Object.assign(new Error('not in the organization'), { name: 'AccountNotFoundException' });
    },
    log: () => undefined,
  });
  return out;
}

async function renderSection(): Promise<string> {
  const parts: string[] = [START, ''];
  const rendered = await Promise.all(EXAMPLES.map(render));
  parts.push('Subjects, one per kind of root use:', '', '```text');
  rendered.forEach((messages) => messages.forEach((m) => parts.push(m.subject)));
  parts.push('```', '');
  EXAMPLES.forEach((example, i) => {
    for (const m of rendered[i]) {
      parts.push(`<details><summary>${example.title}</summary>`, '', `Subject: \`${m.subject}\``, '', '```text', m.email, '```', '');
      if (example.chat) {
        parts.push('The same message for AWS Chatbot / Amazon Q Developer in chat applications (the `default` key):', '');
        parts.push('```json', JSON.stringify(m.chat, null, 2), '```', '');
      }
      parts.push('</details>', '');
    }
  });
  parts.push(END);
  return parts.join('\n');
}

test('docs/alert-examples.md shows the alerts exactly as the handler renders them', async () => {
  const section = await renderSection();
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  const current = readme.slice(start, end + END.length);
  if (process.env.UPDATE_README_EXAMPLES === '1') {
    fs.writeFileSync(README, readme.slice(0, start) + section + readme.slice(end + END.length));
    return;
  }
  expect(current).toBe(section);
});

test('every kind of root use is shown', async () => {
  const kinds = new Set<string>();
  for (const example of EXAMPLES) {
    for (const m of await render(example)) kinds.add((m.chat as { content: { keywords: string[] } }).content.keywords[1]);
  }
  expect([...kinds].sort()).toEqual([
    'assume-root-call', 'assume-root-session-action', 'console-sign-in-failure', 'console-sign-in-mfa',
    'console-sign-in-no-mfa', 'password-recovery', 'root-api-call',
  ]);
});
