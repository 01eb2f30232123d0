/**
 * The event notifier's checks of an EventBridge envelope (src/private/event-notifier/decode.ts and
 * the handler): only events an AWS service sent (`aws.*` source), with a CloudTrail detail type
 * (both spellings of the sign-in one), whose account is the record's recipientAccountId, and that
 * are not replays. What is skipped is logged and counted (an embedded-metric-format line).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../src/event-notifier.lambda';
import { decodeEventBridgeEvent, EnvelopeError } from '../../src/private/event-notifier/decode';
import { eventBridgeEvent, LOG_GROUP, record } from '../event-notifier/payload';

const signIn = () => eventBridgeEvent(record('root-console-login-failure'));

describe('decodeEventBridgeEvent', () => {
  test('a sign-in as CloudTrail sends it passes, under both spellings of the detail type', () => {
    for (const detailType of ['AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail']) {
      expect(decodeEventBridgeEvent({ ...signIn(), 'detail-type': detailType }).detailType).toBe(detailType);
    }
  });

  test.each([
    ['not-aws-source', { source: 'acme.audit' }],
    ['not-cloudtrail-detail-type', { 'detail-type': 'AWS Service Event via CloudTrail' }],
    ['not-cloudtrail-detail-type', { 'detail-type': 'Object Created' }],
    ['account-mismatch', { account: '999999999999' }],
    ['account-mismatch', { account: '' }],
    ['replay', { 'replay-name': 'after-the-outage' }],
  ])('%s: %j is refused', (reason, change) => {
    // WHEN
    let error: unknown;
    try {
      decodeEventBridgeEvent({ ...signIn(), ...change });
    } catch (e) {
      error = e;
    }

    // THEN
    expect(error).toBeInstanceOf(EnvelopeError);
    expect((error as EnvelopeError).reason).toBe(reason);
  });

  test('a record without recipientAccountId is refused', () => {
    const event = signIn();
    const { recipientAccountId: _omitted, ...detail } = event.detail as Record<string, unknown>;
    expect(() => decodeEventBridgeEvent({ ...event, detail })).toThrow(/account is not the recipientAccountId/);
  });
});

describe('the handler', () => {
  const sns = mockClient(SNSClient);
  let warn: jest.SpyInstance;

  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:999988887777:RootUsageAlarmTopic';
    process.env.LOG_GROUP_NAME = LOG_GROUP;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'RootUsageEventNotifier';
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  });

  test('a replay is skipped, logged and counted, and nothing is published', async () => {
    // WHEN
    const result = await handler({ ...signIn(), 'replay-name': 'after-the-outage' } as any);

    // THEN
    expect(result).toEqual({ messageType: 'EVENTBRIDGE', events: 0, skipped: 1, published: 0, suppressed: 0 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    const lines = warn.mock.calls.map((c) => JSON.parse(c[0] as string));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(expect.objectContaining({
      level: 'warn',
      replayName: 'after-the-outage',
      FunctionName: 'RootUsageEventNotifier',
      Reason: 'replay',
      SkippedEvents: 1,
      _aws: expect.objectContaining({
        CloudWatchMetrics: [{
          Namespace: 'cdk-root-usage-alarm',
          Dimensions: [['FunctionName', 'Reason']],
          Metrics: [{ Name: 'SkippedEvents', Unit: 'Count' }],
        }],
      }),
    }));
  });

  test('an event whose account is not its record\'s is skipped and counted as account-mismatch', async () => {
    // WHEN
    const result = await handler({ ...signIn(), account: '999999999999' } as any);

    // THEN
    expect(result.skipped).toBe(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(JSON.parse(warn.mock.calls[0][0] as string)).toEqual(expect.objectContaining({ Reason: 'account-mismatch', account: '999999999999' }));
  });

  test('the same event with a correct envelope is published (the check is not what skips it)', async () => {
    // WHEN
    const result = await handler({ ...signIn(), 'detail-type': 'AWS Console Signin via CloudTrail' } as any);

    // THEN
    expect(result).toEqual(expect.objectContaining({ messageType: 'EVENTBRIDGE', events: 1, skipped: 0, published: 1 }));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
