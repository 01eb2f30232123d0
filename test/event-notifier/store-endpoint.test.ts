import { CreateTableCommand, DynamoDBClient, GetItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { eventBridgeEvent, LOG_GROUP, orgTrailDelivery, record } from './payload';
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
  const ddb = new DynamoDBClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  await ddb.send(new CreateTableCommand({
    TableName: TABLE,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  }));
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));
  const snsClient = new SNSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const sqs = new SQSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const topicArn = (await snsClient.send(new CreateTopicCommand({ Name: 'RootUsageAlarmTopic' }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'chat' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));

  process.env = {
    ...savedEnv,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: MOTO_CLIENT.region,
    AWS_ACCESS_KEY_ID: MOTO_CLIENT.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CLIENT.credentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    SESSION_TABLE_SUFFIX: '-sessions',
    TOPIC_ARN: topicArn,
    LOG_GROUP_NAME: LOG_GROUP,
  };
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.TABLE_NAME;
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  let handler!: typeof import('../../src/event-notifier.lambda').handler;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require('../../src/event-notifier.lambda').handler;
  });
  const login = record('root-console-login-success-no-mfa');
  const consoleAction = record('root-console-session-action');
  const more = { ...consoleAction, eventID: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', eventName: 'CreateAccessKey', eventTime: '2026-11-27T10:04:10Z' };

  // WHEN the sign-in arrives in real time, then the log path delivers it with two actions, then Lambda retries that delivery
  const realtime = await handler(eventBridgeEvent(login) as any);
  const delivery = orgTrailDelivery('111122223333', 'us-east-1', [login, consoleAction, more]);
  const logPath = await handler(delivery);
  const retry = await handler(delivery);
  // and one more action of the same console session arrives on its own, in real time, from another region
  const lateAction = { ...consoleAction, eventID: '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a', eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com', awsRegion: 'eu-central-1', eventTime: '2026-11-27T10:09:00Z' };
  const linked = await handler(eventBridgeEvent(lateAction) as any);

  // THEN
  expect(realtime).toEqual({ messageType: 'EVENTBRIDGE', events: 1, skipped: 0, published: 1, suppressed: 0 });
  expect(logPath).toEqual({ messageType: 'DATA_MESSAGE', events: 3, skipped: 0, published: 1, suppressed: 1 });
  expect(retry).toEqual({ messageType: 'DATA_MESSAGE', events: 3, skipped: 0, published: 0, suppressed: 3 });
  expect(linked).toEqual({ messageType: 'EVENTBRIDGE', events: 1, skipped: 0, published: 1, suppressed: 0 });
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  const chats = (received.Messages ?? []).map((m) => JSON.parse(m.Body!));
  expect(chats.map((c) => c.content.title)).toEqual([
    ':rotating_light: Root sign-in without MFA: 111122223333',
    ':rotating_light: Root access key change continues: 111122223333 (2 events)',
    // linked to the sign-in through the link item the sign-in left (source IP, credential time)
    ':rotating_light: Root API call continues: 111122223333',
  ]);
  expect(chats[2].metadata.threadId).toBe(chats[0].metadata.threadId);
  expect(chats[1].content.description).toContain('*Continues:* first reported in real time at');
  expect(chats[1].metadata.threadId).toBe(chats[0].metadata.threadId);
  // The memory in the table: one item for the sign-in's session, every published event ID, a TTL a day ahead.
  const item = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `session#111122223333#login:${login.eventID}` } } }))).Item!;
  expect(new Set(item.publishedIds.SS)).toEqual(new Set([login.eventID, consoleAction.eventID, more.eventID, lateAction.eventID]));
  expect(item.eventCount.N).toBe('4');
  const link = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'link#111122223333#signin:203.0.113.7' } } }))).Item!;
  expect(link.target.S).toBe(`login:${login.eventID}`);
  expect(item.firstReportedVia.S).toBe('realtime');
  const ttl = Number(item.expiresAt.N) - Date.now() / 1000;
  expect(ttl).toBeGreaterThan(24 * 3600 - 60);
  expect(ttl).toBeLessThanOrEqual(24 * 3600);
}, 60_000);
