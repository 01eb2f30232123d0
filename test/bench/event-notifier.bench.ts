/**
 * Benchmark of the event notifier (not a test, not part of jest or test:all; it reports figures):
 *
 *   AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1 npx ts-node test/bench/event-notifier.bench.ts
 *
 * - handler time per 1,000 events, the AWS SDK mocked with aws-sdk-client-mock (so this is the
 *   handler's own work: decode, parse, group, render, plus the SDK's command plumbing), for a
 *   single session, 100 sessions in 10 accounts, and 1,000 single-event sessions, with the
 *   session table's GetItem and UpdateItem answering after a realistic latency (STORE_LATENCY_MS,
 *   an in-region DynamoDB call from Lambda) and SNS Publish after PUBLISH_LATENCY_MS;
 * - the peak memory (RSS and heap) of one delivery of 5,000 sessions, against the function's
 *   256 MB, and its time against the function's timeout;
 * - the size of the bundled asset, built with the same esbuild flags as projen's
 *   `bundle:event-notifier.lambda` task into a temporary directory, and of the committed asset.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { notify } from '../../src/private/event-notifier/notify';
import { InMemorySessionStore } from '../../src/private/event-notifier/session-store';
import { consoleSessionBurst, record, subscriptionEvent } from '../event-notifier/payload';

process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:999988887777:RootUsageAlarmTopic';
process.env.ALARM_NAME = 'RootUsage-Alarm';
process.env.AWS_REGION = process.env.AWS_REGION ?? 'us-east-1';
process.env.LOG_GROUP_NAME = 'aws-controltower/CloudTrailLogs';
process.env.TABLE_NAME = 'RootUsageEventNotifierFunction-sessions';

/** One DynamoDB call from Lambda in the same region: single-digit milliseconds. */
const STORE_LATENCY_MS = 8;
/** One SNS Publish from Lambda in the same region. */
const PUBLISH_LATENCY_MS = 15;

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../src/event-notifier.lambda') as typeof import('../../src/event-notifier.lambda');

const ROOT = path.join(__dirname, '..', '..');

function manySessions(total: number, sessions: number, accounts: number): Array<Record<string, any>> {
  const base = record('root-access-key-api-call');
  const out: Array<Record<string, any>> = [];
  for (let i = 0; i < total; i++) {
    const s = i % sessions;
    const account = String(100000000000 + (s % accounts));
    const r = JSON.parse(JSON.stringify(base));
    r.recipientAccountId = account;
    r.userIdentity.accountId = account;
    r.userIdentity.accessKeyId = `AKIABENCH${String(s).padStart(11, '0')}`;
    r.eventID = `bench-${i}`;
    r.eventTime = new Date(Date.parse('2026-11-27T11:00:00Z') + i * 1000).toISOString().replace('.000Z', 'Z');
    out.push(r);
  }
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeHandler(name: string, records: Array<Record<string, any>>, runs: number): Promise<void> {
  const event = subscriptionEvent(records);
  const sns = mockClient(SNSClient);
  const organizations = mockClient(OrganizationsClient);
  const dynamodb = mockClient(DynamoDBClient);
  // Every run starts with an empty table (nothing remembered), as the first delivery of a session.
  dynamodb.on(GetItemCommand).callsFake(async () => { await delay(STORE_LATENCY_MS); return {}; });
  dynamodb.on(UpdateItemCommand).callsFake(async () => { await delay(STORE_LATENCY_MS); return {}; });
  sns.on(PublishCommand).callsFake(async () => { await delay(PUBLISH_LATENCY_MS); return { MessageId: 'm' }; });
  organizations.on(DescribeAccountCommand).callsFake((input: { AccountId: string }) => ({ Account: { Id: input.AccountId, Name: `Account ${input.AccountId}` } }));
  const log = console.log;
  console.log = () => undefined; // the handler's per-publish log lines
  const times: number[] = [];
  let published = 0;
  let bytes = 0;
  try {
    for (let i = 0; i < runs + 3; i++) {
      sns.resetHistory();
      const t0 = process.hrtime.bigint();
      const result = await handler(event);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (i >= 3) times.push(ms); // the first runs warm the JIT
      published = result.published;
      bytes = sns.commandCalls(PublishCommand).reduce((n, c) => n + Buffer.byteLength(c.args[0].input.Message ?? '', 'utf8'), 0);
    }
  } finally {
    console.log = log;
    sns.restore();
    organizations.restore();
    dynamodb.restore();
  }
  const perThousand = (median(times) * 1000) / records.length;
  console.log(`${name.padEnd(44)} ${String(records.length).padStart(5)} events  ${String(published).padStart(4)} publishes  `
    + `median ${median(times).toFixed(1).padStart(7)} ms  min ${Math.min(...times).toFixed(1).padStart(7)} ms  `
    + `=> ${perThousand.toFixed(1)} ms per 1,000 events; ${(bytes / 1024).toFixed(0)} KiB published`);
}

function assetSize(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-notifier-bench-'));
  try {
    const out = path.join(dir, 'index.js');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'esbuild'), [
      '--bundle', 'src/event-notifier.lambda.ts', '--target=node24', '--platform=node', `--outfile=${out}`,
      '--tsconfig=tsconfig.dev.json', '--external:@aws-sdk/*', '--log-level=warning',
    ], { cwd: ROOT, stdio: 'inherit' });
    const built = fs.readFileSync(out);
    console.log(`asset, built now (projen's bundle flags):       ${built.length} bytes (${(built.length / 1024).toFixed(1)} KiB), gzip ${gzipSync(built).length} bytes`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const committed = path.join(ROOT, 'assets', 'event-notifier.lambda', 'index.js');
  if (fs.existsSync(committed)) {
    const b = fs.readFileSync(committed);
    console.log(`asset, assets/event-notifier.lambda/index.js:  ${b.length} bytes (${(b.length / 1024).toFixed(1)} KiB), gzip ${gzipSync(b).length} bytes`);
  }
}

/**
 * Peak memory and time of one delivery of `sessions` single-event sessions (one account, as one
 * log stream holds), through the handler's core (`notify`) with plain dependencies: the SDK mocks
 * record every call they answer, which would count their own memory. Run first, in a fresh heap.
 */
async function memoryOfSessions(sessions: number): Promise<void> {
  const event = subscriptionEvent(manySessions(sessions, sessions, 1));
  (global as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 5);
  let published = 0;
  const t0 = process.hrtime.bigint();
  try {
    const result = await notify(event, {
      topicArn: process.env.TOPIC_ARN!,
      alarmName: 'RootUsage-Alarm',
      region: 'us-east-1',
      logGroupName: process.env.LOG_GROUP_NAME!,
      store: new InMemorySessionStore(STORE_LATENCY_MS),
      publish: async () => { await delay(PUBLISH_LATENCY_MS); },
      describeAccount: async () => 'Bench',
      log: () => undefined,
    });
    published = result.published;
  } finally {
    clearInterval(sampler);
  }
  sample();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
  console.log(`${sessions} sessions in one delivery (${(event.awslogs.data.length / 1024).toFixed(0)} KiB payload): ${published} publishes in `
    + `${(ms / 1000).toFixed(1)} s (function timeout 120 s); heap ${mb(before.heapUsed)} -> peak ${mb(peakHeap)} MB `
    + `(+${mb(peakHeap - before.heapUsed)} MB), process RSS peak ${mb(peakRss)} MB (function memory 256 MB)`);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`store calls answer after ${STORE_LATENCY_MS} ms, SNS Publish after ${PUBLISH_LATENCY_MS} ms (mocked); sessions handled 8 at a time`);
  await memoryOfSessions(5000);
  await timeHandler('one console session (1 sign-in + 999 actions)', consoleSessionBurst(1000), 10);
  await timeHandler('100 sessions in 10 accounts', manySessions(1000, 100, 10), 10);
  await timeHandler('1,000 sessions in 50 accounts', manySessions(1000, 1000, 50), 3);
  await timeHandler('one session, 200 events (the burst test)', consoleSessionBurst(200), 10);
  assetSize();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
