import { loadVectors, VECTOR_FILES } from './event-notifier/payload';
import { matchesFilterPattern, parseFilterPattern } from './filter-pattern';
import { RootUsageAlarm } from '../src';
import { ROOT_EVENT_NOTIFICATION_PATTERN } from '../src/private/root-event-pattern';

// The subscription filter pattern of the event notifier, through the project's filter-pattern
// evaluator, against every vector: the shared ones (test/vectors/*.json) and the notifier's own
// (test/vectors/event-notifier/). It must catch everything the CIS pattern catches, plus the
// sts:AssumeRoot call, and nothing else.

const CIS = RootUsageAlarm.FILTER_PATTERN;
const cases = VECTOR_FILES.flatMap((file) => loadVectors(file).map((v) => ({ file, ...v })));
const isAssumeRootCall = (e: any) => e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRoot';

describe('ROOT_EVENT_NOTIFICATION_PATTERN', () => {
  test('is a valid JSON filter pattern within the 1,024-character limit', () => {
    expect(() => parseFilterPattern(ROOT_EVENT_NOTIFICATION_PATTERN)).not.toThrow();
    expect(ROOT_EVENT_NOTIFICATION_PATTERN.length).toBeLessThanOrEqual(1024);
  });

  test('is what RootUsageAlarm exposes and subscribes with', () => {
    expect(RootUsageAlarm.EVENT_NOTIFICATION_PATTERN).toBe(ROOT_EVENT_NOTIFICATION_PATTERN);
  });

  test('contains the CIS expression unchanged', () => {
    expect(ROOT_EVENT_NOTIFICATION_PATTERN).toContain(CIS.slice(1, -1));
  });

  test.each(cases.map((c) => [`${c.file}: ${c.name}`, c] as const))('%s', (_title, c) => {
    const cis = matchesFilterPattern(CIS, c.event);
    const ours = matchesFilterPattern(ROOT_EVENT_NOTIFICATION_PATTERN, c.event);
    // Everything the CIS pattern (the alarm) catches, the notifications catch.
    expect(cis).toBe(c.expectMatch);
    if (cis) expect(ours).toBe(true);
    // Beyond that, exactly the AssumeRoot calls.
    expect(ours).toBe(cis || isAssumeRootCall(c.event));
  });

  test('the vectors cover what the pattern is for', () => {
    const caught = cases.filter((c) => matchesFilterPattern(ROOT_EVENT_NOTIFICATION_PATTERN, c.event));
    const notCaught = cases.filter((c) => !matchesFilterPattern(ROOT_EVENT_NOTIFICATION_PATTERN, c.event));
    // AssumeRoot calls by an AssumedRole (AWS's example) and a denied one by an IAM user.
    expect(caught.filter((c) => isAssumeRootCall(c.event)).map((c) => (c.event as any).userIdentity.type).sort())
      .toEqual(['AssumedRole', 'AssumedRole', 'IAMUser']);
    // Ordinary non-root events, including other STS calls, are not caught.
    expect(notCaught.map((c) => c.name)).toEqual(expect.arrayContaining([
      'iam-user-console-login', 'assumed-role-api-call', 'aws-service-event', 'root-invoked-by-service',
      'assumed-role-sts-call-not-assume-root', 'assume-role-call-not-assume-root',
    ]));
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test('the vector names are unique across files, and every notifier vector is labelled synthetic', () => {
    const names = cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of loadVectors('event-notifier/root-sessions.json')) {
      expect(v.source).toMatch(/^synthetic(, from AWS documentation)?: \S/);
    }
  });
});
