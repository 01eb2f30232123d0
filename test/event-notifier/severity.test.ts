import { orgTrailDelivery, record, subscriptionEvent } from './payload';
import { recordingDeps } from './recording-deps';
import { RootUseKind } from '../../src/private/event-notifier/classify';
import { Expectation, UNEXPECTED } from '../../src/private/event-notifier/expectation';
import { notify, NotifierDeps } from '../../src/private/event-notifier/notify';
import { InMemorySessionStore } from '../../src/private/event-notifier/session-store';
import { atOrAbove, parseSeverity, Severity, SEVERITIES, severityOf } from '../../src/private/event-notifier/severity';
import { highPriorityTopicFor, VerdictConfig } from '../../src/private/event-notifier/verdict';

// Severity on every message, from fixed rules (docs/expected-root-use.md), and routing: the main
// topic receives every message, the high-priority topic also those at or above its severity, and
// a retry never publishes anything twice.

const MANAGEMENT = '111111111111';
const MAIN = 'arn:aws:sns:us-east-1:111111111111:RootUsageAlarmTopic';
const PAGER = 'arn:aws:sns:us-east-1:111111111111:Pager';
const EXPECTED: Expectation = { expected: true, name: 'CHG-1' };

describe('severityOf: the rules', () => {
  const of = (kinds: RootUseKind[], expectation: Expectation = UNEXPECTED, accountId = '222222222222', firstSeen?: 'first-time' | 'seen-before' | 'unknown') =>
    severityOf({ kinds, accountId, managementAccountId: MANAGEMENT, expectation, firstSeen });

  test.each<[string, RootUseKind[], Expectation, string, Severity]>([
    ['the watch tampered, even if expected', ['tamper'], EXPECTED, '222222222222', 'CRITICAL'],
    ['a trail changed by root, even if expected', ['assume-root-session-action', 'trail-change'], EXPECTED, '222222222222', 'CRITICAL'],
    ['the management account\'s root sign-in', ['console-sign-in-mfa'], UNEXPECTED, MANAGEMENT, 'CRITICAL'],
    ['a root access key created', ['root-access-key-change'], UNEXPECTED, '222222222222', 'CRITICAL'],
    ['a root MFA device removed', ['root-mfa-change'], UNEXPECTED, '222222222222', 'CRITICAL'],
    ['a member\'s root sign-in', ['console-sign-in-no-mfa'], UNEXPECTED, '222222222222', 'HIGH'],
    ['an unexpected AssumeRoot session', ['assume-root-call', 'assume-root-session-action'], UNEXPECTED, '222222222222', 'HIGH'],
    ['a root access key used', ['root-api-call'], UNEXPECTED, '222222222222', 'HIGH'],
    ['password recovery', ['password-recovery'], UNEXPECTED, '222222222222', 'HIGH'],
    ['failed sign-ins', ['console-sign-in-failure'], UNEXPECTED, '222222222222', 'MEDIUM'],
    ['failed sign-ins to the management account', ['console-sign-in-failure'], UNEXPECTED, MANAGEMENT, 'MEDIUM'],
    ['denied AssumeRoot calls', ['assume-root-denied'], UNEXPECTED, MANAGEMENT, 'MEDIUM'],
    ['expected work', ['assume-root-call', 'assume-root-session-action'], EXPECTED, '222222222222', 'LOW'],
    ['expected credential deletion (an IAMDeleteRootUserCredentials session)', ['root-access-key-change', 'root-mfa-change'], EXPECTED, '222222222222', 'LOW'],
    ['expected root use of the management account', ['console-sign-in-mfa'], EXPECTED, MANAGEMENT, 'MEDIUM'],
  ])('%s: %s', (_name, kinds, expectation, account, severity) => {
    expect(of(kinds, expectation, account)).toBe(severity);
  });

  test('first seen: an unexpected AssumeRoot call is HIGH either way; an expected one MEDIUM the first time, LOW after', () => {
    expect(of(['assume-root-call'], UNEXPECTED, '222222222222', 'first-time')).toBe('HIGH');
    expect(of(['assume-root-call'], EXPECTED, '222222222222', 'first-time')).toBe('MEDIUM');
    expect(of(['assume-root-call'], EXPECTED, '222222222222', 'seen-before')).toBe('LOW');
    expect(of(['assume-root-call'], EXPECTED, '222222222222', 'unknown')).toBe('LOW');
  });

  test('order, thresholds and the environment value', () => {
    expect(SEVERITIES).toEqual(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    expect(atOrAbove('CRITICAL', 'HIGH')).toBe(true);
    expect(atOrAbove('MEDIUM', 'HIGH')).toBe(false);
    expect(parseSeverity('MEDIUM', 'HIGH')).toBe('MEDIUM');
    expect(parseSeverity('urgent', 'HIGH')).toBe('HIGH');
    expect(parseSeverity(undefined, 'HIGH')).toBe('HIGH');
    expect(highPriorityTopicFor('HIGH', {})).toBeUndefined();
    expect(highPriorityTopicFor('HIGH', { highPriorityTopicArn: PAGER })).toBe(PAGER);
    expect(highPriorityTopicFor('HIGH', { highPriorityTopicArn: PAGER, highPrioritySeverity: 'CRITICAL' })).toBeUndefined();
  });
});

/** A root record of `account` with another event name (synthetic, from the access-key vector). */
function rootCall(eventSource: string, eventName: string, eventID: string): Record<string, any> {
  const r = record('root-access-key-api-call');
  return { ...r, eventSource, eventName, eventID, requestParameters: {}, responseElements: null };
}

function setup(extra: Partial<VerdictConfig> = {}, overrides: Partial<NotifierDeps> = {}) {
  const clock = Date.parse('2026-11-27T12:00:00Z');
  const store = new InMemorySessionStore(0, () => clock);
  const topics: Array<{ topic: string; subject: string }> = [];
  const verdict = { managementAccountId: MANAGEMENT, highPriorityTopicArn: PAGER, ...extra };
  const base = recordingDeps({ topicArn: MAIN, store, now: () => clock, verdict, ...overrides });
  const deps: NotifierDeps = {
    ...base.deps,
    publish: async (input) => {
      topics.push({ topic: input.TopicArn, subject: input.Subject });
      if (input.TopicArn === MAIN) await base.deps.publish(input);
    },
  };
  return { ...base, deps, store, topics };
}

describe('routing: each kind, through notify, on CloudWatch Logs deliveries', () => {
  test.each<[string, Severity, () => Record<string, any>[]]>([
    ['root sign-in without MFA', 'HIGH', () => [record('root-console-login-success-no-mfa')]],
    ['failed root sign-in', 'MEDIUM', () => [record('root-console-login-failure-mfa')]],
    ['root access key created', 'CRITICAL', () => [record('root-create-access-key')]],
    ['root MFA device deactivated', 'CRITICAL', () => [record('root-deactivate-mfa')]],
    ['trail stopped by root', 'CRITICAL', () => [rootCall('cloudtrail.amazonaws.com', 'StopLogging', 'stop-1')]],
    ['trail deleted by root', 'CRITICAL', () => [rootCall('cloudtrail.amazonaws.com', 'DeleteTrail', 'delete-1')]],
    ['root access key used', 'HIGH', () => [record('root-access-key-api-call')]],
    ['password recovery requested', 'HIGH', () => [record('root-password-recovery-requested')]],
    ['denied AssumeRoot call', 'MEDIUM', () => [record('assume-root-call-denied')]],
  ])('%s: %s', async (_name, severity, records) => {
    const { topics, sent, deps } = setup();
    await notify(subscriptionEvent(records()), deps);
    expect(sent).toHaveLength(1);
    expect(sent[0].subject.startsWith(`[${severity}] `)).toBe(true);
    expect(sent[0].subject.length).toBeLessThan(100);
    expect(sent[0].email).toContain(`Severity:    ${severity}`);
    expect(sent[0].chat.content.description.split('\n')[0]).toBe(`*Severity:* ${severity}`);
    expect(sent[0].chat.content.title).toContain(`[${severity}]`);
    const expectedTopics = atOrAbove(severity, 'HIGH') ? [MAIN, PAGER] : [MAIN];
    expect(topics.map((t) => t.topic)).toEqual(expectedTopics);
    // The same message on both topics.
    expect(new Set(topics.map((t) => t.subject)).size).toBe(1);
  });

  test('highPrioritySeverity CRITICAL: a sign-in stays on the main topic, a credential change pages', async () => {
    const { topics, deps } = setup({ highPrioritySeverity: 'CRITICAL' });
    await notify(subscriptionEvent([record('root-console-login-success-no-mfa')]), deps);
    await notify(subscriptionEvent([record('root-create-access-key')]), deps);
    expect(topics.map((t) => `${t.topic === PAGER ? 'pager' : 'main'} ${t.subject.split(' ')[0]}`)).toEqual(['main [HIGH]', 'main [CRITICAL]', 'pager [CRITICAL]']);
  });

  test('highPrioritySeverity MEDIUM: failed sign-ins page too; without a high-priority topic nothing else is published', async () => {
    const medium = setup({ highPrioritySeverity: 'MEDIUM' });
    await notify(subscriptionEvent([record('root-console-login-failure-mfa')]), medium.deps);
    expect(medium.topics.map((t) => t.topic)).toEqual([MAIN, PAGER]);
    const none = setup({ highPriorityTopicArn: undefined });
    await notify(subscriptionEvent([record('root-create-access-key')]), none.deps);
    expect(none.topics.map((t) => t.topic)).toEqual([MAIN]);
  });

  test('the management account\'s root sign-in: CRITICAL, paged', async () => {
    const { topics, sent, deps } = setup({ managementAccountId: '111122223333' });
    await notify(subscriptionEvent([record('root-console-login-success-mfa')]), deps);
    expect(sent[0].subject).toMatch(/^\[CRITICAL\] Root sign-in with MFA: 111122223333/);
    expect(topics.map((t) => t.topic)).toEqual([MAIN, PAGER]);
  });

  test('a flood summary carries the severity of its kind', async () => {
    const { sent, topics, deps } = setup();
    const failures = Array.from({ length: 7 }, (_, i) => ({ ...record('root-console-login-failure-mfa'), sourceIPAddress: `198.51.100.${i + 1}`, eventID: `fail-${i}` }));
    await notify(subscriptionEvent(failures), deps);
    expect(sent).toHaveLength(6);
    expect(sent[5].subject).toMatch(/^\[MEDIUM\] Failed root sign-in: 2 more held back/);
    expect(topics.every((t) => t.topic === MAIN)).toBe(true);
  });
});

describe('routing and retries: nothing twice, nothing lost', () => {
  test('the high-priority publish fails: the invocation fails; the retry publishes to the high-priority topic only', async () => {
    let pagerDown = true;
    const { topics, deps, logs } = setup();
    const flaky: NotifierDeps = {
      ...deps,
      publish: async (input) => {
        if (input.TopicArn === PAGER && pagerDown) {
          pagerDown = false;
          throw new Error('the pager topic refused');
        }
        await deps.publish(input);
      },
    };
    const delivery = orgTrailDelivery('111122223333', 'us-east-1', [record('root-console-login-success-no-mfa')]);
    await expect(notify(delivery, flaky)).rejects.toThrow(/1 of 1 notification\(s\) could not be published: the pager topic refused/);
    expect(topics.map((t) => t.topic)).toEqual([MAIN]);
    await notify(delivery, flaky);
    expect(topics.map((t) => t.topic)).toEqual([MAIN, PAGER]);
    // A third attempt (a duplicate delivery) publishes nothing.
    await notify(delivery, flaky);
    expect(topics.map((t) => t.topic)).toEqual([MAIN, PAGER]);
    expect(logs.some((l) => l.message === 'publish failed')).toBe(true);
  });

  test('the main publish fails: nothing goes to the high-priority topic before it; the retry publishes both', async () => {
    let mainDown = true;
    const { topics, deps } = setup();
    const flaky: NotifierDeps = {
      ...deps,
      publish: async (input) => {
        if (input.TopicArn === MAIN && mainDown) {
          mainDown = false;
          throw new Error('SNS is down');
        }
        await deps.publish(input);
      },
    };
    const delivery = orgTrailDelivery('111122223333', 'us-east-1', [record('root-console-login-success-no-mfa')]);
    await expect(notify(delivery, flaky)).rejects.toThrow(/could not be published/);
    expect(topics).toEqual([]);
    await notify(delivery, flaky);
    expect(topics.map((t) => t.topic)).toEqual([MAIN, PAGER]);
  });
});
