import * as fs from 'fs';
import * as path from 'path';
import { orgTrailDelivery, record } from './payload';
import { KIND_PRIORITY } from '../../src/private/event-notifier/classify';
import { notify, NotifierDeps } from '../../src/private/event-notifier/notify';
import { InMemorySessionStore } from '../../src/private/event-notifier/session-store';
import { isTamperCall, WatchedConfig, watchedChange } from '../../src/private/event-notifier/tamper';
import { ROOT_EVENT_NOTIFICATION_PATTERN, TAMPER_NOTIFICATION_CLAUSE } from '../../src/private/root-event-pattern';
import { matchesFilterPattern } from '../filter-pattern';

// Tamper calls through the event notifier: the subscription filter's coarse clause delivers them
// (eventSource + eventName), the function reports those that name the watched resources, as
// their own kind, and skips the others quietly. Deliveries are shaped as CloudWatch Logs sends
// them (payload.ts); the records are the tamper vectors (test/vectors/tamper).

interface TamperVector { name: string; expectMatch: boolean; expectMatchWhenTrailUnnamed?: boolean; event: Record<string, any> }
interface TamperWorld {
  account: string; region: string; logGroupName: string; trailName: string; topicArn: string; keyArn: string; stackName: string; stackId: string;
}
const file = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'vectors', 'tamper', 'synthetic-tamper.json'), 'utf8')) as {
  world: TamperWorld;
  vectors: TamperVector[];
};
const w = file.world;
const WATCHED: WatchedConfig = {
  account: w.account,
  region: w.region,
  logGroupName: w.logGroupName,
  trailName: w.trailName,
  topicArns: [w.topicArn],
  keyArns: [w.keyArn],
  stackName: w.stackName,
  stackId: w.stackId,
};
const vector = (name: string) => JSON.parse(JSON.stringify(file.vectors.find((v) => v.name === name)!.event)) as Record<string, any>;

function harness(watched: WatchedConfig | 'none' = WATCHED, store = new InMemorySessionStore()) {
  const published: Array<{ Subject: string; Message: string }> = [];
  const logs: Array<{ level: string; message: string }> = [];
  const deps: NotifierDeps = {
    topicArn: w.topicArn,
    alarmName: 'RootUsageAlarm',
    region: w.region,
    logGroupName: w.logGroupName,
    watched: watched === 'none' ? undefined : watched,
    store,
    now: () => Date.parse('2026-01-12T10:00:00Z'),
    publish: async (input) => { published.push(input); },
    describeAccount: async () => 'Management',
    log: (level, message) => { logs.push({ level, message }); },
  };
  return { deps, published, logs };
}

describe('the subscription filter pattern with the coarse tamper clause', () => {
  test('is within 1,024 characters and contains the clause', () => {
    expect(ROOT_EVENT_NOTIFICATION_PATTERN.length).toBeLessThanOrEqual(1024);
    expect(ROOT_EVENT_NOTIFICATION_PATTERN).toContain(TAMPER_NOTIFICATION_CLAUSE);
    expect(TAMPER_NOTIFICATION_CLAUSE).not.toMatch(/Token|\$\{/);
  });

  test.each(file.vectors.map((v) => [v.name, v] as const))('delivers every tamper vector the metric filter matches: %s', (_n, v) => {
    const delivered = matchesFilterPattern(ROOT_EVENT_NOTIFICATION_PATTERN, v.event);
    if (v.expectMatch) expect(delivered).toBe(true);
    // The function's own coarse test agrees with the pattern's clause.
    expect(isTamperCall(v.event)).toBe(matchesFilterPattern(`{${TAMPER_NOTIFICATION_CLAUSE}}`, v.event));
  });
});

describe('watchedChange: the precise decision', () => {
  test.each(file.vectors.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    // The notifier is precise where the metric filter is coarse (Put* calls other than filters, Delete*).
    const metricOnly = ['put-metric-filter-replaced'].includes(v.name) ? true : v.expectMatch;
    expect(watchedChange(v.event, WATCHED) !== '').toBe(metricOnly && isTamperCall(v.event));
  });

  test('without a trail name, any trail of the account and region', () => {
    expect(watchedChange(vector('stop-logging-other-trail'), { ...WATCHED, trailName: '' })).toMatch(/trail was stopped/);
    expect(watchedChange(vector('stop-logging-other-trail'), WATCHED)).toBe('');
  });
});

describe('tamper calls through notify', () => {
  test('a watched change is published as "Watch tampered", ranked first, with fixed words', async () => {
    const h = harness();
    const result = await notify(orgTrailDelivery(w.account, w.region, [vector('stop-logging-by-name'), vector('delete-topic')]), h.deps);
    expect(result).toMatchObject({ events: 2, published: 1, skipped: 0 });
    expect(h.published).toHaveLength(1);
    expect(h.published[0].Subject).toMatch(/^\[CRITICAL\] Watch tampered: 111122223333 \(self-named Management\)/);
    const email = JSON.parse(h.published[0].Message).email as string;
    expect(email).toContain('Watch tampered: the trail was stopped (StopLogging)');
    expect(email).toContain('Watch tampered: the alarm topic was deleted (DeleteTopic)');
    expect(KIND_PRIORITY[0]).toBe('tamper');
  });

  test('a change to another resource is skipped quietly (an info line), nothing published', async () => {
    const h = harness();
    const result = await notify(orgTrailDelivery(w.account, w.region, [vector('delete-other-topic'), vector('disable-other-key')]), h.deps);
    expect(result).toMatchObject({ published: 0, skipped: 2 });
    expect(h.logs.filter((l) => l.message === 'skipped a change to a resource this notifier does not watch')).toHaveLength(2);
    expect(h.logs.every((l) => l.level === 'info')).toBe(true);
  });

  test('CloudFormation\'s own calls (a deploy) are skipped', async () => {
    const h = harness();
    const result = await notify(orgTrailDelivery(w.account, w.region, [vector('set-topic-attributes-by-cloudformation')]), h.deps);
    expect(result.published).toBe(0);
  });

  test('never suppressed by session memory: a second delivery of the same change is published again', async () => {
    const store = new InMemorySessionStore();
    const h = harness(WATCHED, store);
    const delivery = [vector('schedule-key-deletion')];
    await notify(orgTrailDelivery(w.account, w.region, delivery), h.deps);
    await notify(orgTrailDelivery(w.account, w.region, delivery), h.deps);
    expect(h.published).toHaveLength(2);
  });

  test('a tamper call by the root user heads its root session\'s message', async () => {
    const h = harness();
    const root = record('root-api-call');
    const tamper = { ...vector('delete-trail'), userIdentity: root.userIdentity, sourceIPAddress: '203.0.113.9' };
    await notify(orgTrailDelivery(w.account, w.region, [tamper]), h.deps);
    expect(h.published).toHaveLength(1);
    expect(h.published[0].Subject).toMatch(/^\[CRITICAL\] Watch tampered: /);
  });

  test('without the watched resources (an older function environment), tamper calls are skipped as not root usage', async () => {
    const h = harness('none');
    const result = await notify(orgTrailDelivery(w.account, w.region, [vector('delete-topic')]), h.deps);
    expect(result).toMatchObject({ published: 0, skipped: 1 });
  });

  test('hostile text in a tamper record reaches the subject only as one printable ASCII line', async () => {
    const h = harness();
    const hostile = vector('delete-log-group');
    hostile.sourceIPAddress = '<script>alert(1)</script>\n';
    await notify(orgTrailDelivery(w.account, w.region, [hostile]), h.deps);
    expect(h.published[0].Subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(h.published[0].Subject).not.toMatch(/[\r\n]/);
  });
});
