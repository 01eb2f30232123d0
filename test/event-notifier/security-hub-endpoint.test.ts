import { EnableSecurityHubCommand, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSessionTable, loadMotoHandler, NotifierHandler } from './load-handler';
import { orgTrailDelivery, record } from './payload';
import { freePort, MOTO_CLIENT, MotoServer, startMotoServer } from '../moto-server';

// The handler with securityHubFindings on (SECURITY_HUB_PRODUCT_ARN), against a real local
// implementation of the APIs it calls (moto's server on 127.0.0.1): Security Hub
// (BatchImportFindings, GetFindings), the session table, SNS delivering to SQS. Nothing reaches AWS.

let moto: MotoServer;
const savedEnv = { ...process.env };
const FUNCTION_NAME = 'RootUsageEventNotifierFunction';
const TABLE = `${FUNCTION_NAME}-sessions`;
/** moto's account. */
const ACCOUNT = '123456789012';
const PRODUCT_ARN = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;

beforeAll(async () => {
  moto = await startMotoServer();
  await createSessionTable(moto.endpoint, TABLE);
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  jest.restoreAllMocks();
  await moto?.stop();
});

/** A topic with a queue subscribed (raw delivery); returns the topic ARN and a reader of the messages. */
async function topicWithQueue(name: string): Promise<{ topicArn: string; receive: () => Promise<any[]> }> {
  const snsClient = new SNSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const sqs = new SQSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const topicArn = (await snsClient.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-chat` }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  const receive = async () => {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    return (got.Messages ?? []).map((m) => JSON.parse(m.Body!));
  };
  return { topicArn, receive };
}

test('a session over two deliveries: one finding, imported then updated (GetFindings shows one)', async () => {
  // GIVEN Security Hub enabled in the notifier's account and region, and the notifier with findings on
  const securityHub = new SecurityHubClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  await securityHub.send(new EnableSecurityHubCommand({}));
  const { topicArn, receive } = await topicWithQueue('FindingsTopic');
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const handler = loadHandler({ TOPIC_ARN: topicArn, SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN });
  const first = record('root-access-key-api-call');
  const second = { ...record('root-access-key-api-call'), eventID: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e', eventName: 'AttachUserPolicy', eventTime: '2026-11-27T11:24:05Z' };

  // WHEN the session's first events arrive, then more of them in a later delivery
  const one = await handler(orgTrailDelivery('555566667777', 'us-east-1', [first]));
  const two = await handler(orgTrailDelivery('555566667777', 'us-east-1', [second]));

  // THEN two messages, one finding: the second import updated the first
  expect(one).toMatchObject({ published: 1, findingsImported: 1, findingImportFailures: 0 });
  expect(two).toMatchObject({ published: 1, findingsImported: 1, findingImportFailures: 0 });
  expect((await receive()).map((c) => c.content.title)).toEqual([
    ':rotating_light: [HIGH] Root API call: 555566667777',
    ':rotating_light: [HIGH] Root API call continues: 555566667777',
  ]);
  const findings = (await securityHub.send(new GetFindingsCommand({}))).Findings ?? [];
  expect(findings).toHaveLength(1);
  const f = findings[0];
  expect(f.AwsAccountId).toBe(ACCOUNT);
  expect(f.ProductArn).toBe(PRODUCT_ARN);
  expect(f.Resources).toEqual([{ Type: 'AwsAccount', Id: 'AWS::::Account:555566667777', Partition: 'aws', ResourceRole: 'Target' }]);
  expect(f.CreatedAt).toBe('2026-11-27T11:20:05.000Z');
  expect(f.LastObservedAt).toBe('2026-11-27T11:24:05.000Z');
  expect(f.ProductFields?.[`${ACCOUNT}/default/EventIds`]).toBe(`${first.eventID}, ${second.eventID}`);
  expect(f.ProductFields?.[`${ACCOUNT}/default/EventCount`]).toBe('2');
  expect(f.Workflow).toBeUndefined();
  expect(errors).not.toHaveBeenCalled();
}, 60_000);

test('Security Hub out of reach: the message goes out once, the handler ends normally, and the failure is an embedded metric', async () => {
  // GIVEN a Security Hub endpoint where nothing listens (connection refused, on 127.0.0.1)
  const closed = await freePort();
  const { topicArn, receive } = await topicWithQueue('UnreachableTopic');
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const handler = loadHandler({
    TOPIC_ARN: topicArn, SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN, AWS_ENDPOINT_URL_SECURITYHUB: `http://127.0.0.1:${closed}`,
  });
  const r = { ...record('root-access-key-api-call'), eventID: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f', recipientAccountId: '666677778888', userIdentity: { ...record('root-access-key-api-call').userIdentity, accountId: '666677778888', arn: 'arn:aws:iam::666677778888:root' } };

  // WHEN
  const result = await handler(orgTrailDelivery('666677778888', 'us-east-1', [r]));

  // THEN
  expect(result).toMatchObject({ published: 1, findingsImported: 0, findingImportFailures: 1 });
  expect(await receive()).toHaveLength(1);
  const lines = errors.mock.calls.map((c) => JSON.parse(String(c[0])));
  expect(lines).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/^Security Hub finding import failed/) }));
  const metric = lines.find((l) => l._aws !== undefined);
  expect(metric).toMatchObject({
    FunctionName: FUNCTION_NAME,
    FindingImportFailures: 1,
    _aws: { CloudWatchMetrics: [{ Namespace: 'cdk-root-usage-alarm', Dimensions: [['FunctionName']], Metrics: [{ Name: 'FindingImportFailures', Unit: 'Count' }] }] },
  });
}, 60_000);

/** The handler module, loaded afresh against moto with `env` (load-handler.ts). */
function loadHandler(env: Record<string, string>): NotifierHandler {
  return loadMotoHandler(moto.endpoint, savedEnv, FUNCTION_NAME, env);
}
