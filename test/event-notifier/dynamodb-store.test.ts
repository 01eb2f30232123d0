import { memoryFromItem, sessionItemKey, updateInput } from '../../src/private/event-notifier/dynamodb-store';
import { MAX_REMEMBERED_IDS, nextMemory, SESSION_MEMORY_SECONDS } from '../../src/private/event-notifier/session-store';

// The DynamoDB store's requests and readings, on the cases the moto endpoint test does not reach.

const NOW = Date.parse('2026-11-27T10:00:00Z');

test('the first message of a session: one UpdateItem that sets the first report only if absent and adds the event IDs', () => {
  const input = updateInput('t', {
    accountId: '111122223333',
    sessionKey: 'key:ASIAEXAMPLE',
    now: NOW,
    via: 'realtime',
    threadId: 'root-usage-111122223333-abc',
    events: [{ id: 'e1', name: 'ConsoleLogin', time: '2026-11-27T09:59:00Z' }],
    firstEventAt: NOW - 60_000,
  });
  expect(input.Key).toEqual({ pk: { S: 'session#111122223333#key:ASIAEXAMPLE' } });
  expect(input.UpdateExpression).toBe('SET #first = if_not_exists(#first, :now), #via = if_not_exists(#via, :via), '
    + '#thread = if_not_exists(#thread, :thread), #fe = if_not_exists(#fe, :fe), #exp = :exp, #events = :events, #account = :account, #session = :session '
    + 'ADD #count :n, #ids :ids');
  expect(input.ExpressionAttributeValues[':exp']).toEqual({ N: String(NOW / 1000 + SESSION_MEMORY_SECONDS) });
  expect(input.ExpressionAttributeValues[':ids']).toEqual({ SS: ['e1'] });
});

test('event IDs stop being added at the bound; the item stays small', () => {
  const previous = nextMemory({
    accountId: 'a',
    sessionKey: 'k',
    now: NOW,
    via: 'log',
    threadId: 't',
    events: Array.from({ length: MAX_REMEMBERED_IDS }, (_, i) => ({ id: `e${i}`, name: 'X', time: '' })),
    firstEventAt: 0,
  });
  const input = updateInput('t', { accountId: 'a', sessionKey: 'k', now: NOW, via: 'log', threadId: 't', events: [{ id: 'more', name: 'X', time: '' }], previous, firstEventAt: 0 });
  expect(input.UpdateExpression).not.toContain('#ids');
  expect(JSON.parse((input.ExpressionAttributeValues[':events'] as { S: string }).S)).toHaveLength(20);
});

test('an oversized session key is hashed: DynamoDB would refuse it and the store would stop for the whole invocation', () => {
  const key = sessionItemKey('111122223333', `ip:${'9'.repeat(5000)}`);
  expect(key).toMatch(/^session#sha256:[0-9a-f]{64}$/);
  expect(sessionItemKey('111122223333', `ip:${'9'.repeat(5000)}`)).toBe(key);
});

test('an expired or malformed item reads as no memory', () => {
  const item = { pk: { S: 'x' }, firstReportedAt: { N: String(NOW) }, expiresAt: { N: String(NOW / 1000 - 1) } };
  expect(memoryFromItem(item, NOW)).toBeUndefined();
  const garbage = { firstReportedAt: { N: String(NOW) }, expiresAt: { N: String(NOW / 1000 + 60) }, events: { S: '{not json' }, assumeRoot: { S: '[1]' } };
  expect(memoryFromItem(garbage, NOW)).toEqual(expect.objectContaining({ events: [], assumeRoot: undefined, firstReportedVia: 'log', eventCount: 0 }));
});
