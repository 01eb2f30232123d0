import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_CLIENT, MotoServer, startMotoServer } from './moto-server';

// The local AWS implementation the endpoint tests rely on: it answers the APIs they use, on the
// loopback address only, and forgets everything on reset.

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMotoServer();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

test('listens on the loopback address only', () => {
  expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

test('DynamoDB: a table written and read back; reset forgets it', async () => {
  // GIVEN
  const ddb = new DynamoDBClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  await ddb.send(new CreateTableCommand({
    TableName: 'smoke',
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  }));
  // WHEN
  await ddb.send(new PutItemCommand({ TableName: 'smoke', Item: { pk: { S: 'a' }, n: { N: '1' } } }));
  const got = await ddb.send(new GetItemCommand({ TableName: 'smoke', Key: { pk: { S: 'a' } } }));
  // THEN
  expect(got.Item?.n).toEqual({ N: '1' });
  await moto.reset();
  await expect(ddb.send(new GetItemCommand({ TableName: 'smoke', Key: { pk: { S: 'a' } } })))
    .rejects.toThrow(/not found|ResourceNotFound|non-existent/i);
});

test('EventBridge: an event matching a rule reaches its SQS target, one that does not stays out', async () => {
  // GIVEN
  const events = new EventBridgeClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const sqs = new SQSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'matched' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await events.send(new PutRuleCommand({
    Name: 'root-sign-in',
    EventPattern: JSON.stringify({ source: ['aws.signin'], detail: { userIdentity: { type: ['Root'] } } }),
  }));
  await events.send(new PutTargetsCommand({ Rule: 'root-sign-in', Targets: [{ Id: 'q', Arn: queueArn }] }));
  // WHEN
  const entry = (type: string) => ({
    Source: 'aws.signin',
    DetailType: 'AWS Console Sign In via CloudTrail',
    Detail: JSON.stringify({ eventName: 'ConsoleLogin', userIdentity: { type } }),
  });
  await events.send(new PutEventsCommand({ Entries: [entry('IAMUser'), entry('Root')] }));
  // THEN
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  expect(got.Messages?.map((m) => JSON.parse(m.Body!).detail.userIdentity.type)).toEqual(['Root']);
});
