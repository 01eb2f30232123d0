import * as http from 'http';
import { AddressInfo } from 'net';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSessionTable, loadMotoHandler, NotifierHandler } from './load-handler';
import { eventBridgeEvent, orgTrailDelivery, record, subscriptionEvent } from './payload';
import { RootTaskPolicy } from '../../src/expected-root-use';
import { seenKey } from '../../src/private/event-notifier/first-seen';
import { compactEntry } from '../../src/private/expected-root-use-options';
import { MOTO_CLIENT, MotoServer, startMotoServer } from '../moto-server';

// The handler against a real local implementation of the APIs it calls (moto's server, on
// 127.0.0.1): the session table in DynamoDB (named after the function, as EventNotifier names
// it), SNS delivering to an SQS queue, Organizations. Nothing reaches AWS.

let moto: MotoServer;
const savedEnv = { ...process.env };
const FUNCTION_NAME = 'RootUsageEventNotifierFunction';
const TABLE = `${FUNCTION_NAME}-sessions`;

beforeAll(async () => {
  moto = await startMotoServer();
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  jest.restoreAllMocks();
  await moto?.stop();
});

test('real time, then the log path, then a retry: published once each, remembered in DynamoDB', async () => {
  // GIVEN the table EventNotifier creates, a topic and a queue subscribed to it
  const ddb = await createSessionTable(moto.endpoint, TABLE);
  const snsClient = new SNSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const sqs = new SQSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const topicArn = (await snsClient.send(new CreateTopicCommand({ Name: 'RootUsageAlarmTopic' }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'chat' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));

  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const handler = loadHandler({ TOPIC_ARN: topicArn });
  const login = record('root-console-login-success-no-mfa');
  const consoleAction = record('root-console-session-action');
  const more = { ...consoleAction, eventID: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', eventName: 'CreateAccessKey', eventTime: '2026-11-27T10:04:10Z' };

  // WHEN the sign-in arrives in real time, then the log path delivers it with two actions, then Lambda retries that delivery
  const realtime = await handler(eventBridgeEvent(login) as any);
  const delivery = orgTrailDelivery('111122223333', 'us-east-1', [login, consoleAction, more]);
  const logPath = await handler(delivery);
  const retry = await handler(delivery);
  // and one more action of the same console session arrives on its own, in real time, from
  // another region, within 5 minutes of the sign-in's real-time message: held back in the
  // session's real-time slot; then a root MFA change of the session, alarming, goes out at once
  // and carries it
  const lateAction = { ...consoleAction, eventID: '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a', eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com', awsRegion: 'eu-central-1', eventTime: '2026-11-27T10:09:00Z' };
  const linked = await handler(eventBridgeEvent(lateAction) as any);
  const slotKey = { pk: { S: `slot#111122223333#login:${login.eventID}` } };
  const slot = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: slotKey }))).Item!;
  const mfa = { ...consoleAction, eventID: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b', eventName: 'DeactivateMFADevice', eventTime: '2026-11-27T10:10:00Z' };
  const alarming = await handler(eventBridgeEvent(mfa) as any);

  // THEN
  expect(realtime).toEqual({ messageType: 'EVENTBRIDGE', events: 1, skipped: 0, published: 1, suppressed: 0 });
  expect(logPath).toEqual({ messageType: 'DATA_MESSAGE', events: 3, skipped: 0, published: 1, suppressed: 1 });
  expect(retry).toEqual({ messageType: 'DATA_MESSAGE', events: 3, skipped: 0, published: 0, suppressed: 3 });
  expect(linked).toEqual({ messageType: 'EVENTBRIDGE', events: 1, skipped: 0, published: 0, suppressed: 0, heldForContinuation: 1 });
  expect(slot.held.SS!.map((x) => JSON.parse(x))).toEqual([{ id: lateAction.eventID, name: 'DescribeInstances', time: '2026-11-27T10:09:00Z' }]);
  expect(slot.heldCount.N).toBe('1');
  expect(alarming).toEqual({ messageType: 'EVENTBRIDGE', events: 1, skipped: 0, published: 1, suppressed: 0 });
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  const chats = (received.Messages ?? []).map((m) => JSON.parse(m.Body!));
  expect(chats.map((c) => c.content.title)).toEqual([
    ':rotating_light: [HIGH] Root sign-in without MFA: 111122223333',
    ':rotating_light: [CRITICAL] Root access key change continues: 111122223333 (2 events)',
    // linked to the sign-in through the link item the sign-in left (source IP, credential time)
    ':rotating_light: [CRITICAL] Root MFA device change continues: 111122223333',
  ]);
  expect(chats[2].content.description).toContain('*Held since the previous message:* 1 event (`DescribeInstances`)');
  expect(chats[2].metadata.threadId).toBe(chats[0].metadata.threadId);
  expect(chats[1].content.description).toContain('*Continues:* first reported in real time at');
  expect(chats[1].metadata.threadId).toBe(chats[0].metadata.threadId);
  // The slot was emptied by the message that reported what it held.
  const emptied = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: slotKey }))).Item!;
  expect(emptied.held).toBeUndefined();
  // The memory in the table: one item for the sign-in's session, every published event ID (the
  // held one too: the log path will not repeat it), a TTL a day ahead.
  const item = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `session#111122223333#login:${login.eventID}` } } }))).Item!;
  expect(new Set(item.publishedIds.SS)).toEqual(new Set([login.eventID, consoleAction.eventID, more.eventID, lateAction.eventID, mfa.eventID]));
  expect(item.eventCount.N).toBe('5');
  const link = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'link#111122223333#signin:203.0.113.7' } } }))).Item!;
  expect(link.target.S).toBe(`login:${login.eventID}`);
  expect(item.firstReportedVia.S).toBe('realtime');
  const ttl = Number(item.expiresAt.N) - Date.now() / 1000;
  expect(ttl).toBeGreaterThan(24 * 3600 - 60);
  expect(ttl).toBeLessThanOrEqual(24 * 3600);
}, 60_000);

test('first seen remembered in DynamoDB, and routing to two topics: the main one gets every message, the pager those at HIGH or above', async () => {
  // GIVEN a main topic and a pager topic, each with a queue; one declared entry; the session table of the first test
  const main = await topicWithQueue('RoutingMain');
  const pager = await topicWithQueue('RoutingPager');
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const handler = loadHandler({
    TOPIC_ARN: main.topicArn,
    HIGH_PRIORITY_TOPIC_ARN: pager.topicArn,
    HIGH_PRIORITY_SEVERITY: 'HIGH',
    WATCH_ACCOUNT: '111111111111',
    FIRST_SEEN_WINDOW_SECONDS: String(90 * 86400),
    EXPECTED_ROOT_USE: JSON.stringify([compactEntry({
      name: 'CHG-1042 unlock the data lake bucket',
      callerArnPatterns: ['arn:aws:sts::111111111111:assumed-role/JohnDoe/*'],
      taskPolicies: [RootTaskPolicy.S3_UNLOCK_BUCKET_POLICY],
      accounts: ['222222222222'],
    })]),
  });
  const call = record('assume-root-call-doc-example');
  const again = { ...call, eventID: 'second-call', eventTime: '2024-10-25T21:30:00Z', responseElements: { credentials: { ...call.responseElements.credentials, accessKeyId: 'ASIAIOSFODNN7SECOND' } } };
  const stranger = {
    ...call,
    eventID: 'stranger-call',
    userIdentity: { ...call.userIdentity, arn: 'arn:aws:sts::111111111111:assumed-role/Contractor/JohnRole1' },
    responseElements: { credentials: { ...call.responseElements.credentials, accessKeyId: 'ASIAIOSFODNN7STRANG' } },
  };
  // WHEN the expected call arrives twice (two sessions), a stranger's call once, and a root sign-in
  for (const r of [call, again, stranger]) await handler(orgTrailDelivery('111111111111', 'us-west-2', [r]));
  // (a sign-in of its own: the first test's sign-in is remembered as published in this table)
  await handler(subscriptionEvent([{ ...record('root-console-login-success-no-mfa'), eventID: 'routing-sign-in' }]));
  // THEN the main topic has all four, the pager the two at HIGH or above, the same messages
  const titles = async (t: { drain: () => Promise<any[]> }) => (await t.drain()).map((c) => c.content.title.replace(':rotating_light: ', '')).sort();
  expect(await titles(main)).toEqual([
    '[HIGH] AssumeRoot call: 222222222222',
    '[HIGH] Root sign-in without MFA: 111122223333',
    '[LOW] AssumeRoot call: 222222222222',
    '[MEDIUM] AssumeRoot call: 222222222222',
  ]);
  expect(await titles(pager)).toEqual(['[HIGH] AssumeRoot call: 222222222222', '[HIGH] Root sign-in without MFA: 111122223333']);
  // The first-seen memory: one item per (caller, target, task), its first call's event ID, a TTL of the window.
  const ddb = new DynamoDBClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const key = seenKey({ callerArn: call.userIdentity.arn, targetAccountId: '222222222222', taskPolicyArn: call.requestParameters.taskPolicyArn.arn });
  const item = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: key } } }))).Item!;
  expect(item.firstEventId.S).toBe(call.eventID);
  const ttl = Number(item.expiresAt.N) - Date.now() / 1000;
  expect(ttl).toBeGreaterThan(90 * 86400 - 120);
  expect(ttl).toBeLessThanOrEqual(90 * 86400);
  const scan = await ddb.send(new ScanCommand({ TableName: TABLE }));
  expect((scan.Items ?? []).filter((i) => i.pk.S!.startsWith('seen#'))).toHaveLength(2);
}, 60_000);

/** The handler module, loaded afresh against moto with `env` (load-handler.ts). */
function loadHandler(env: Record<string, string>): NotifierHandler {
  return loadMotoHandler(moto.endpoint, savedEnv, FUNCTION_NAME, env);
}

/** A fresh topic with a queue subscribed (raw delivery); returns the topic ARN and a reader of every message. */
async function topicWithQueue(name: string): Promise<{ topicArn: string; drain: () => Promise<any[]> }> {
  const snsClient = new SNSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const sqs = new SQSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const topicArn = (await snsClient.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-chat` }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  const drain = async () => {
    const all: any[] = [];
    for (;;) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (!got.Messages || got.Messages.length === 0) return all;
      all.push(...got.Messages.map((m) => JSON.parse(m.Body!)));
      await sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: queueUrl, Entries: got.Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }));
    }
  };
  return { topicArn, drain };
}

/** A proxy in front of moto that answers every DynamoDB call `latencyMs` late (a slow store, on 127.0.0.1). */
async function slowDynamoDb(latencyMs: number): Promise<{ endpoint: string; calls: string[]; close: () => Promise<void> }> {
  const target = new URL(moto.endpoint);
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push(String(req.headers['x-amz-target'] ?? ''));
      // The answer leaves latencyMs after the request arrived (or when moto answers, if later):
      // moto's own time on a busy machine is inside the latency, not added to it.
      const due = Date.now() + latencyMs;
      const fwd = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        const body: Buffer[] = [];
        up.on('data', (c: Buffer) => body.push(c));
        up.on('end', () => setTimeout(() => {
          res.writeHead(up.statusCode ?? 500, up.headers);
          res.end(Buffer.concat(body));
        }, Math.max(0, due - Date.now())));
      });
      fwd.on('error', () => { res.destroy(); });
      fwd.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** `count` denied AssumeRoot calls of one caller for `targets` member accounts, within one minute. */
function deniedCalls(count: number, targets: number): Array<Record<string, any>> {
  const base = record('assume-root-call-denied');
  return Array.from({ length: count }, (_, i) => ({
    ...base,
    eventID: `denied-${String(i).padStart(4, '0')}`,
    eventTime: '2026-11-27T12:00:30Z',
    requestParameters: { ...base.requestParameters, targetPrincipal: String(222222222200 + (i % targets)) },
  }));
}

test('a flood of 200 denied calls and a real sign-in in one delivery, then 200 in real time: a few messages, the sign-in among them', async () => {
  // GIVEN the table, a topic and a queue, in moto
  const { topicArn, drain } = await topicWithQueue('FloodTopic');
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const handler = loadHandler({ TOPIC_ARN: topicArn });
  const login = record('root-console-login-success-no-mfa');
  const signIn = { ...login, eventID: 'real-sign-in', recipientAccountId: '111111111111', userIdentity: { ...login.userIdentity, accountId: '111111111111', arn: 'arn:aws:iam::111111111111:root' } };
  const records: Array<Record<string, any>> = deniedCalls(200, 20).map((r) => ({ ...r, awsRegion: 'us-east-1' }));
  records.splice(120, 0, signIn);
  const context = { getRemainingTimeInMillis: () => 120_000 };
  // WHEN one delivery holds them all
  const delivered = await handler(orgTrailDelivery('111111111111', 'us-east-1', records), context);
  const first = await drain();
  // THEN the sign-in, 5 denied groups, one summary (an SQS standard queue keeps no order: the publish order is
  // asserted in pressure.test.ts, where the publish calls are recorded)
  expect(delivered).toEqual(expect.objectContaining({ events: 201, published: 7, held: 15 }));
  expect(first.map((c) => c.content.title.replace(/:rotating_light: /, '').replace(/ self-named \w+/, '')).sort()).toEqual([
    '[HIGH] Root sign-in without MFA: 111111111111',
    ...Array.from({ length: 5 }, (_, i) => `[MEDIUM] AssumeRoot denied: 10 calls by 111111111111 user mallory for ${222222222200 + i}`),
    '[MEDIUM] AssumeRoot denied: 15 more held back for 111111111111',
  ].sort());
  // WHEN 200 more denied calls arrive one by one in real time (other targets, the same window)
  for (const r of deniedCalls(200, 200)) {
    await handler(eventBridgeEvent({ ...r, eventID: `rt-${String(r.eventID)}`, requestParameters: { ...r.requestParameters, targetPrincipal: String(Number(r.requestParameters.targetPrincipal) + 1000) } }) as any, context);
  }
  // THEN none: the bound was reached and its summary sent in this window; they are counted in the table for the next
  expect(await drain()).toEqual([]);
  const ddb = new DynamoDBClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const scan = await ddb.send(new ScanCommand({ TableName: TABLE }));
  const counters = (scan.Items ?? []).filter((i) => i.pk.S!.startsWith('rate#111111111111#assume-root-denied#'));
  expect(counters.map((c) => [c.sent.N, c.held.N, c.reported.N])).toEqual([['5', '215', '15']]);
}, 120_000);

test('a slow store (1 s per call): every session is published, within the invocation\'s deadline', async () => {
  // GIVEN DynamoDB behind a proxy that answers 1 s late. (1.4 s, just under the 1.5 s per-call
  // bound, is pressure.test.ts's case on a fake clock: here the SDK, HTTP and a machine busy with
  // other jobs add their own time, and 100 ms of margin made this test fail now and then.)
  const { topicArn, drain } = await topicWithQueue('SlowStoreTopic');
  const slow = await slowDynamoDb(1000);
  try {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const handler = loadHandler({ TOPIC_ARN: topicArn, AWS_ENDPOINT_URL_DYNAMODB: slow.endpoint });
    const login = record('root-console-login-success-no-mfa');
    const records = Array.from({ length: 30 }, (_, i) => {
      const account = String(300000000000 + i);
      return { ...login, eventID: `slow-${i}`, recipientAccountId: account, userIdentity: { ...login.userIdentity, accountId: account, arn: `arn:aws:iam::${account}:root` } };
    });
    const started = Date.now();
    const context = { getRemainingTimeInMillis: () => 120_000 - (Date.now() - started) };
    const delivery = subscriptionEvent(records);
    // WHEN
    const result = await handler(delivery, context);
    // THEN every session went out once, and the store was used (it answered, slowly)
    expect(result).toEqual(expect.objectContaining({ events: 30, published: 30 }));
    const chats = await drain();
    expect(new Set(chats.map((c) => c.content.title)).size).toBe(30);
    expect(slow.calls.filter((t) => t.endsWith('.BatchGetItem')).length).toBeGreaterThanOrEqual(1);
    expect(slow.calls.filter((t) => t.endsWith('.GetItem'))).toHaveLength(1); // the delivery's record, once
    // WHEN Lambda retries the same delivery: the delivery's record says every session went out, nothing is read or published again
    const before = slow.calls.length;
    const retry = await handler(delivery, { getRemainingTimeInMillis: () => 120_000 });
    expect(warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('session store read failed'))).toEqual([]);
    expect(retry).toEqual(expect.objectContaining({ published: 0, suppressed: 30 }));
    expect(slow.calls.slice(before).map((t) => t.replace(/^DynamoDB_20120810\./, ''))).toEqual(['GetItem']);
    expect(await drain()).toEqual([]);
  } finally {
    await slow.close();
  }
}, 120_000);

test('the real-time slot in DynamoDB: one session\'s first call claims it; five more in concurrent invocations are held in it', async () => {
  // GIVEN the table and a topic, in moto; a root access key's calls, each in its own EventBridge
  // event. (moto's server answers requests on threads without DynamoDB's per-item atomicity, so
  // concurrent claims of a free slot are proved on the in-memory store, real-time-check.test.ts;
  // here the condition itself, against a real implementation of its expression language.)
  const { topicArn, drain } = await topicWithQueue('ConcurrentTopic');
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const handler = loadHandler({ TOPIC_ARN: topicArn });
  const action = record('root-console-session-action');
  const calls = Array.from({ length: 6 }, (_, i) => ({
    ...action,
    eventID: `concurrent-${i}`,
    eventName: 'PutBucketPolicy',
    eventSource: 's3.amazonaws.com',
    readOnly: false,
    recipientAccountId: '777788889999',
    eventTime: `2026-11-27T10:0${i}:00Z`,
    userIdentity: { ...action.userIdentity, accountId: '777788889999', arn: 'arn:aws:iam::777788889999:root', accessKeyId: 'AKIAQNOXQ7CONCURRENT', sessionContext: undefined },
  }));
  // WHEN the first arrives, then the five others at the same time
  const first = await handler(eventBridgeEvent(calls[0]) as any);
  const results = await Promise.all(calls.slice(1).map((c) => handler(eventBridgeEvent(c) as any)));
  // THEN the first claimed the slot and published; the others were refused by the condition and held their event in it
  expect(first).toEqual(expect.objectContaining({ published: 1 }));
  expect(results.map((r) => [r.published, r.heldForContinuation])).toEqual(Array.from({ length: 5 }, () => [0, 1]));
  expect(await drain()).toHaveLength(1);
  const ddb = new DynamoDBClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const slotKey = { pk: { S: 'slot#777788889999#key:AKIAQNOXQ7CONCURRENT' } };
  const slot = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: slotKey }))).Item!;
  expect(slot.held.SS!.map((x) => JSON.parse(x).id).sort()).toEqual(['concurrent-1', 'concurrent-2', 'concurrent-3', 'concurrent-4', 'concurrent-5']);
  expect(slot.heldCount.N).toBe('5');
  // AND a retry of the first delivery publishes nothing again (the delivery's record)
  expect(await handler(eventBridgeEvent(calls[0]) as any)).toEqual(expect.objectContaining({ suppressed: 1, published: 0 }));
}, 60_000);
