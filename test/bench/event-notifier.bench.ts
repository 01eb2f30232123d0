/**
 * Benchmark of the event notifier (not a test, not part of jest or test:all; it reports figures):
 *
 *   npx projen bundle && npx projen bench:event-notifier
 *
 * The bundled asset (assets/event-notifier.lambda/index.js, what Lambda runs) is loaded in a plain
 * Node.js process per scenario, with the AWS SDK v3 of node_modules (external to the bundle, as
 * the Lambda runtime provides it) pointed at a local fake of SNS, DynamoDB and Organizations on
 * 127.0.0.1 (AWS_ENDPOINT_URL): real HTTP, real SDK parsing, each answer after a set latency. No
 * AWS call is made. Each scenario reports the handler's wall time and CPU time (median of its
 * runs), the publishes, and the peak heap and RSS of that process against the function's memory.
 * The process's V8 old space is capped at 90% of the function's memory (--max-old-space-size), so
 * that V8 collects as it must near the function's limit instead of growing lazily: without the
 * cap, the 1,000 and 5,000 sign-in scenarios peaked at 261 and 292 MB RSS (heap 115 and 130 MB),
 * with it at 217 and 227 MB (heap 75 and 80 MB), on 2026-12-07. The cap is this benchmark's
 * assumption, not a documented Lambda setting.
 *
 * Scenarios (issue 24): 1,000 events of one session; 100 and 1,000 sessions; 5,000 sessions (time
 * and heap, against the 120 s timeout and 256 MB); 200 denied AssumeRoot calls; the store at 1.4 s
 * per call. Store calls answer after STORE_LATENCY_MS (an in-region DynamoDB call), SNS Publish
 * after PUBLISH_LATENCY_MS, DescribeAccount after 20 ms.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { consoleSessionBurst, orgTrailDelivery, record } from '../event-notifier/payload';

/** One DynamoDB call from Lambda in the same region: single-digit milliseconds. */
const STORE_LATENCY_MS = 8;
/** One SNS Publish from Lambda in the same region. */
const PUBLISH_LATENCY_MS = 15;
const FUNCTION_TIMEOUT_MS = 120_000;
const FUNCTION_MEMORY_MB = 256;

const ROOT = path.join(__dirname, '..', '..');
const ASSET = path.join(ROOT, 'assets', 'event-notifier.lambda', 'index.js');
const TABLE = 'RootUsageEventNotifierFunction-sessions';

/** A fake of the three APIs the function calls, answering after the given latencies. */
interface FakeAws { endpoint: string; counts: Record<string, number>; close(): Promise<void> }

async function fakeAws(latency: { store: number; publish: number }): Promise<FakeAws> {
  const counts: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = Buffer.concat(chunks).toString('utf8');
      let op: string;
      let ms: number;
      let answer: string;
      let type = 'application/x-amz-json-1.0';
      if (target.startsWith('DynamoDB_20120810.')) {
        op = target.slice(18);
        ms = latency.store;
        answer = op === 'BatchGetItem' ? JSON.stringify({ Responses: { [TABLE]: [] }, UnprocessedKeys: {} }) : '{}';
      } else if (target.startsWith('AWSOrganizationsV20161128.')) {
        op = 'DescribeAccount';
        ms = 20;
        type = 'application/x-amz-json-1.1';
        answer = JSON.stringify({ Account: { Id: '111122223333', Name: 'Bench' } });
      } else if (/Action=Publish/.test(body) || target.endsWith('.Publish')) {
        op = 'Publish';
        ms = latency.publish;
        if (target !== '') {
          answer = JSON.stringify({ MessageId: 'm' });
        } else {
          type = 'text/xml';
          answer = '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m</MessageId></PublishResult>'
            + '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>';
        }
      } else {
        op = `unknown ${target}`;
        ms = 0;
        answer = '{}';
      }
      counts[op] = (counts[op] ?? 0) + 1;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': type, 'x-amzn-requestid': 'r' });
        res.end(answer);
      }, ms);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** What the child process runs: the bundled handler on the payload, `runs` times; prints one JSON line. */
const CHILD = `
const fs = require('fs');
const { handler } = require(process.env.BENCH_ASSET);
const event = JSON.parse(fs.readFileSync(process.env.BENCH_PAYLOAD, 'utf8'));
const runs = Number(process.env.BENCH_RUNS);
console.log = () => undefined; console.warn = () => undefined; console.error = () => undefined;
(async () => {
  global.gc && global.gc();
  const base = process.memoryUsage();
  let peakHeap = base.heapUsed, peakRss = base.rss;
  const sample = () => { const m = process.memoryUsage(); peakHeap = Math.max(peakHeap, m.heapUsed); peakRss = Math.max(peakRss, m.rss); };
  const timer = setInterval(sample, 5);
  const wall = [], cpu = [];
  let result, error;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint(); const c0 = process.cpuUsage();
    const started = Date.now();
    try {
      result = await handler(event, { getRemainingTimeInMillis: () => ${FUNCTION_TIMEOUT_MS} - (Date.now() - started) });
    } catch (e) { error = e.message; }
    const c = process.cpuUsage(c0);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6); cpu.push((c.user + c.system) / 1000);
  }
  clearInterval(timer); sample();
  process.stdout.write(JSON.stringify({ wall, cpu, result, error, baseHeap: base.heapUsed, peakHeap, peakRss }) + '\\n');
})();
`;

interface ChildReport {
  wall: number[];
  cpu: number[];
  result?: { published: number; events: number; held?: number };
  error?: string;
  baseHeap: number;
  peakHeap: number;
  peakRss: number;
}

const DEFAULT_LATENCY = { store: STORE_LATENCY_MS, publish: PUBLISH_LATENCY_MS };

async function runScenario(name: string, event: unknown, runs: number, latency = DEFAULT_LATENCY): Promise<void> {
  const aws = await fakeAws(latency);
  const payload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'event-notifier-bench-')), 'event.json');
  fs.writeFileSync(payload, JSON.stringify(event));
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', `--max-old-space-size=${Math.floor(FUNCTION_MEMORY_MB * 0.9)}`, '-e', CHILD], {
        env: {
          PATH: process.env.PATH,
          NODE_PATH: path.join(ROOT, 'node_modules'),
          BENCH_ASSET: ASSET,
          BENCH_PAYLOAD: payload,
          BENCH_RUNS: String(runs),
          AWS_ENDPOINT_URL: aws.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'bench',
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
          TOPIC_ARN: 'arn:aws:sns:us-east-1:999988887777:RootUsageAlarmTopic',
          ALARM_NAME: 'RootUsage-Alarm',
          LOG_GROUP_NAME: 'aws-controltower/CloudTrailLogs',
          TABLE_NAME: TABLE,
        },
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.on('error', reject);
      child.on('exit', () => resolve(stdout));
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as ChildReport;
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    const events = r.result?.events ?? 0;
    console.log(`${name.padEnd(48)} ${String(events).padStart(5)} events ${String(r.result?.published ?? '-').padStart(5)} publishes`
      + `${r.result?.held ? ` (${r.result.held} held)` : ''}${r.error ? ` ERROR ${r.error}` : ''}\n`
      + `${''.padEnd(48)} wall median ${median(r.wall).toFixed(0)} ms (of ${FUNCTION_TIMEOUT_MS / 1000} s), CPU median ${median(r.cpu).toFixed(0)} ms`
      + ` => CPU ${(median(r.cpu) * 1000 / Math.max(1, events)).toFixed(1)} ms per 1,000 events;`
      + ` heap ${mb(r.baseHeap)} -> peak ${mb(r.peakHeap)} MB, RSS peak ${mb(r.peakRss)} MB (of ${FUNCTION_MEMORY_MB} MB);`
      + ` calls ${Object.entries(aws.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  } finally {
    await aws.close();
    fs.rmSync(path.dirname(payload), { recursive: true, force: true });
  }
}

/** `total` events of `sessions` root access key sessions in one account (one log stream). */
function keySessions(total: number, sessions: number): Array<Record<string, any>> {
  const base = record('root-access-key-api-call');
  return Array.from({ length: total }, (_, i) => {
    const r = JSON.parse(JSON.stringify(base));
    r.userIdentity.accessKeyId = `AKIABENCH${String(i % sessions).padStart(11, '0')}`;
    r.eventID = `bench-${i}`;
    r.eventTime = new Date(Date.parse('2026-11-27T11:00:00Z') + i * 100).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return r;
  });
}

/** `n` successful root sign-ins in one account (each its own session; alarming: never held back). */
function signIns(n: number): Array<Record<string, any>> {
  const base = record('root-console-login-success-no-mfa');
  return Array.from({ length: n }, (_, i) => ({
    ...base,
    eventID: `sign-in-${i}`,
    sourceIPAddress: `198.51.${Math.floor(i / 250)}.${i % 250}`,
    eventTime: new Date(Date.parse('2026-11-27T10:00:00Z') + i * 50).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }));
}

/** `n` denied AssumeRoot calls by one caller for 20 targets. */
function deniedCalls(n: number): Array<Record<string, any>> {
  const base = record('assume-root-call-denied');
  return Array.from({ length: n }, (_, i) => ({
    ...base,
    awsRegion: 'us-east-1',
    eventID: `denied-${i}`,
    eventTime: '2026-11-27T12:00:30Z',
    requestParameters: { ...base.requestParameters, targetPrincipal: String(222222222200 + (i % 20)) },
  }));
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
  const b = fs.readFileSync(ASSET);
  console.log(`asset, assets/event-notifier.lambda/index.js:  ${b.length} bytes (${(b.length / 1024).toFixed(1)} KiB), gzip ${gzipSync(b).length} bytes`);
}

async function main(): Promise<void> {
  if (!fs.existsSync(ASSET)) throw new Error(`${ASSET} not found: run 'npx projen bundle' first`);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`the bundled asset in a plain Node.js process per scenario; store calls answer after ${STORE_LATENCY_MS} ms, SNS Publish after `
    + `${PUBLISH_LATENCY_MS} ms, DescribeAccount after 20 ms (a local fake over HTTP); nothing remembered (an empty table)`);
  const delivery = (records: Array<Record<string, any>>) =>
    orgTrailDelivery(String(records[0].recipientAccountId ?? records[0].userIdentity.accountId), records[0].awsRegion, records);
  await runScenario('1,000 events of one console session', delivery(consoleSessionBurst(1000)), 10);
  await runScenario('100 sessions (root access keys), 1,000 events', delivery(keySessions(1000, 100)), 5);
  await runScenario('1,000 sessions (root access keys), 1,000 events', delivery(keySessions(1000, 1000)), 3);
  await runScenario('1,000 sessions (sign-ins, never held back)', delivery(signIns(1000)), 3);
  await runScenario('5,000 sessions (sign-ins, never held back)', delivery(signIns(5000)), 1);
  await runScenario('200 denied AssumeRoot calls, 20 targets', delivery(deniedCalls(200)), 5);
  await runScenario('1,000 sessions (sign-ins), store at 1.4 s per call', delivery(signIns(1000)), 1, { store: 1400, publish: PUBLISH_LATENCY_MS });
  await runScenario('5,000 sessions (sign-ins), store at 1.4 s per call', delivery(signIns(5000)), 1, { store: 1400, publish: PUBLISH_LATENCY_MS });
  assetSize();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
