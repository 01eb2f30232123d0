/**
 * The member template's event patterns, evaluated by a real EventBridge implementation: moto's
 * server (test/moto-server.ts). moto 5.2.5 answers TestEventPattern with an empty response, but
 * its PutEvents evaluates the rules' patterns and delivers to SQS targets; so each rule of the
 * synthesized member template is put on a moto rule, with its pattern verbatim, targeting a
 * queue, and real CloudTrail records (AWS documentation examples, public fixtures, synthetic
 * records labelled as such) are sent as EventBridge events, as CloudTrail sends them: source
 * `aws.<service>`, the CloudTrail detail type, the record as `detail`. What arrives in each queue
 * is what the rule forwards.
 *
 * Then the fan-in: each member rule also targets a central event bus, whose rule (the central
 * rule's pattern from the synthesized `real-time` variant) sends to a queue of its own: what
 * arrives there is what the event notifier function would receive. A hostile member account is
 * there too: a rule of its own on the default bus forwards every AWS event to the central bus,
 * and it puts a forged root record with a custom source on the central bus directly. Those reach
 * the bus and stop there: only root activity and AssumeRoot calls reach the central queue.
 *
 * Not simulated: the rule state. EventBridge delivers read-only management events (readOnly:
 * true) only to rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS; moto ignores it.
 * The state of each rule is asserted in test/real-time-root-alerts.test.ts.
 */
import * as path from 'path';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { synthesizeMemberTemplate } from '../../src/private/real-time/member-stack';
import { eventBridgeDetailType, eventBridgeSource, loadVectors, Vector } from '../event-notifier/payload';
import { MOTO_CLIENT, MotoServer, startMotoServer } from '../moto-server';
import { VARIANTS } from '../variants';

/** The CloudTrail vectors of the project (expectMatch: the CIS pattern), and EventBridge's own near-misses. */
const CLOUDTRAIL_VECTORS: Vector[] = [
  ...loadVectors('cloudtrail-root-usage.json'),
  ...loadVectors('synthetic-root-usage.json'),
  ...loadVectors(path.join('event-notifier', 'root-sessions.json')),
];

interface Case {
  readonly name: string;
  readonly entry: PutEventsRequestEntry;
  /** Which rule must forward it. */
  readonly rootActivity: boolean;
  readonly assumeRoot: boolean;
}

const CASES: Case[] = [
  ...CLOUDTRAIL_VECTORS.map((vector) => ({
    name: vector.name,
    entry: { Source: eventBridgeSource(vector.event), DetailType: eventBridgeDetailType(vector.event), Detail: JSON.stringify(vector.event) },
    rootActivity: vector.expectMatch,
    assumeRoot: vector.event.eventSource === 'sts.amazonaws.com' && vector.event.eventName === 'AssumeRoot',
  })),
  // Synthetic near-misses that only an event bus has: the same root record, but not from CloudTrail.
  {
    name: 'synthetic: root record put on the bus by an application (custom source)',
    entry: {
      Source: 'acme.audit',
      DetailType: 'AWS API Call via CloudTrail',
      Detail: JSON.stringify(loadVectors('cloudtrail-root-usage.json')[2].event),
    },
    rootActivity: false,
    assumeRoot: false,
  },
  {
    name: 'synthetic: root record under another detail type',
    entry: { Source: 'aws.s3', DetailType: 'Object Created', Detail: JSON.stringify(loadVectors('cloudtrail-root-usage.json')[2].event) },
    rootActivity: false,
    assumeRoot: false,
  },
  {
    name: 'synthetic: root sign-in under the other spelling of the detail type ("Signin")',
    entry: {
      Source: 'aws.signin',
      DetailType: 'AWS Console Signin via CloudTrail',
      Detail: JSON.stringify({ ...loadVectors('cloudtrail-root-usage.json')[0].event, eventID: 'synthetic-signin-spelling' }),
    },
    rootActivity: true,
    assumeRoot: false,
  },
  {
    name: 'synthetic: sts:AssumeRole by an IAM user (read-only, not root)',
    entry: {
      Source: 'aws.sts',
      DetailType: 'AWS API Call via CloudTrail',
      Detail: JSON.stringify({
        eventVersion: '1.08',
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        eventType: 'AwsApiCall',
        readOnly: true,
        userIdentity: { type: 'IAMUser', accountId: '222222222222', userName: 'alice' },
        recipientAccountId: '222222222222',
      }),
    },
    rootActivity: false,
    assumeRoot: false,
  },
  {
    name: 'synthetic: AssumeRoot-named call from another service',
    entry: {
      Source: 'aws.iam',
      DetailType: 'AWS API Call via CloudTrail',
      Detail: JSON.stringify({ eventSource: 'iam.amazonaws.com', eventName: 'AssumeRoot', eventType: 'AwsApiCall', userIdentity: { type: 'AssumedRole' } }),
    },
    rootActivity: false,
    assumeRoot: false,
  },
];

/** The central rule's name in moto (on the central bus). */
const CENTRAL = 'central';
/** A hostile member account's own rule on its default bus: every AWS event to the central bus. */
const HOSTILE = 'hostile-forward-everything';
/** The forgery the hostile member puts on the central bus directly. */
const FORGERY = CASES.find((c) => c.name.startsWith('synthetic: root record put on the bus by an application'))!;

let moto: MotoServer;
let template: any;
/** The name of each case that arrived, by rule. */
const arrived: Record<string, string[]> = {};

beforeAll(async () => {
  moto = await startMotoServer();
  template = JSON.parse(synthesizeMemberTemplate('test', { allRootApiCalls: false }));
  const events = new EventBridgeClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });
  const sqs = new SQSClient({ endpoint: moto.endpoint, ...MOTO_CLIENT });

  const createQueue = async (name: string): Promise<[string, string]> => {
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    return [queueUrl, queueArn];
  };
  const queues: Record<string, string> = {};

  // GIVEN the central bus and its rule, with the pattern the real-time variant synthesizes
  const outer = Template.fromStack(VARIANTS.find((variant) => variant.name === 'real-time')!.build(new App()).stack).toJSON();
  const [, centralRule] = Object.entries<any>(outer.Resources)
    .find(([, resource]) => resource.Type === 'AWS::Events::Rule' && resource.Properties.EventBusName !== undefined)!;
  const busArn = (await events.send(new CreateEventBusCommand({ Name: 'root-usage-real-time' }))).EventBusArn!;
  const [centralUrl, centralArn] = await createQueue(CENTRAL);
  await events.send(new PutRuleCommand({
    Name: CENTRAL, EventBusName: 'root-usage-real-time', EventPattern: JSON.stringify(centralRule.Properties.EventPattern), State: 'ENABLED',
  }));
  await events.send(new PutTargetsCommand({ Rule: CENTRAL, EventBusName: 'root-usage-real-time', Targets: [{ Id: 'queue', Arn: centralArn }] }));
  queues[CENTRAL] = centralUrl;

  // GIVEN a hostile member account's own rule, which forwards every AWS event to the central bus
  await events.send(new PutRuleCommand({ Name: HOSTILE, EventPattern: JSON.stringify({ source: [{ prefix: 'aws.' }] }), State: 'ENABLED' }));
  await events.send(new PutTargetsCommand({ Rule: HOSTILE, Targets: [{ Id: 'central', Arn: busArn }] }));

  // GIVEN each rule of the member template, its pattern verbatim, targeting a queue of its own and the central bus
  const rules = Object.entries<any>(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Events::Rule');
  for (const [logicalId, rule] of rules) {
    const [queueUrl, queueArn] = await createQueue(logicalId);
    await events.send(new PutRuleCommand({ Name: logicalId, EventPattern: JSON.stringify(rule.Properties.EventPattern), State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: logicalId, Targets: [{ Id: 'queue', Arn: queueArn }, { Id: 'central', Arn: busArn }] }));
    queues[logicalId] = queueUrl;
  }

  // WHEN every case is sent to the default bus, as CloudTrail sends it
  for (let i = 0; i < CASES.length; i += 10) {
    const result = await events.send(new PutEventsCommand({ Entries: CASES.slice(i, i + 10).map((c) => c.entry) }));
    if (result.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(result.Entries)}`);
  }
  // WHEN the hostile member puts a forged root record with a custom source on the central bus itself
  const forged = await events.send(new PutEventsCommand({ Entries: [{ ...FORGERY.entry, EventBusName: 'root-usage-real-time' }] }));
  if (forged.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(forged.Entries)}`);
  for (const [logicalId, queueUrl] of Object.entries(queues)) {
    arrived[logicalId] = [];
    for (;;) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (!got.Messages?.length) break;
      for (const message of got.Messages) {
        const event = JSON.parse(message.Body!);
        const match = CASES.find((c) => c.entry.Source === event.source && c.entry.DetailType === event['detail-type']
          && JSON.stringify(JSON.parse(c.entry.Detail!)) === JSON.stringify(event.detail));
        arrived[logicalId].push(match?.name ?? `unknown event: ${message.Body}`);
      }
      await sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: got.Messages.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle! })),
      }));
    }
  }
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

test('the member template has exactly the two forwarding rules', () => {
  expect(Object.keys(arrived).sort()).toEqual(['ForwarderAssumeRootRuleA5E59E35', 'ForwarderRootActivityRuleD4AF6399', CENTRAL]);
});

test('there are positives and near-misses for each rule', () => {
  expect(CASES.filter((c) => c.rootActivity).length).toBeGreaterThanOrEqual(8);
  expect(CASES.filter((c) => !c.rootActivity && !c.assumeRoot).length).toBeGreaterThanOrEqual(12);
  expect(CASES.filter((c) => c.assumeRoot).length).toBeGreaterThanOrEqual(3);
});

test('the root-activity rule forwards exactly what the CIS pattern matches, from CloudTrail only', () => {
  // THEN
  expect(arrived.ForwarderRootActivityRuleD4AF6399.sort()).toEqual(CASES.filter((c) => c.rootActivity).map((c) => c.name).sort());
});

test('the AssumeRoot rule forwards every sts:AssumeRoot call, allowed or denied, and nothing else', () => {
  // THEN
  expect(arrived.ForwarderAssumeRootRuleA5E59E35.sort()).toEqual(CASES.filter((c) => c.assumeRoot).map((c) => c.name).sort());
});

test('no non-root identity is forwarded as root activity', () => {
  const forwarded = new Set(arrived.ForwarderRootActivityRuleD4AF6399);
  const nonRoot = CASES.filter((c) => JSON.parse(c.entry.Detail!).userIdentity?.type !== 'Root');
  expect(nonRoot.length).toBeGreaterThan(0);
  expect(nonRoot.filter((c) => forwarded.has(c.name)).map((c) => c.name)).toEqual([]);
});

test('fan-in: the central rule passes on root activity and AssumeRoot calls only, whatever a member forwards', () => {
  // THEN: once per forwarding rule that matched, and once more through the hostile rule (an AWS
  // source); IAM user events, service events, AssumeRole and the custom-source forgery stop at the bus
  const rootOrAssumeRoot = (c: Case) => c.rootActivity || c.assumeRoot;
  const expected = [
    ...CASES.filter((c) => c.rootActivity).map((c) => c.name),
    ...CASES.filter((c) => c.assumeRoot).map((c) => c.name),
    ...CASES.filter((c) => rootOrAssumeRoot(c) && c.entry.Source!.startsWith('aws.')).map((c) => c.name),
  ];
  const stopped = CASES.filter((c) => !rootOrAssumeRoot(c));
  expect(stopped.map((c) => c.name)).toEqual(expect.arrayContaining([
    'synthetic: sts:AssumeRole by an IAM user (read-only, not root)',
    FORGERY.name,
  ]));
  expect(stopped.some((c) => JSON.parse(c.entry.Detail!).eventType === 'AwsServiceEvent')).toBe(true);
  expect(stopped.some((c) => JSON.parse(c.entry.Detail!).userIdentity?.type === 'IAMUser')).toBe(true);
  expect(expected.length).toBeGreaterThan(0);
  expect(arrived[CENTRAL].sort()).toEqual(expected.sort());
});
