/**
 * The Control Tower log group lookup as users run it: the real CDK CLI (`cdk synth`, the pinned
 * aws-cdk) synthesizes an app whose stack has an account and region, finds the lookup the library
 * asks for, performs it with its Cloud Control provider and synthesizes again with the answer.
 *
 * Nothing reaches AWS. The CLI's SDK clients are pointed (AWS_ENDPOINT_URL) at a small server on
 * 127.0.0.1 that answers the Cloud Control API's GetResource for AWS::CloudTrail::Trail from a
 * trail kept in moto's CloudTrail (moto has no Cloud Control API), in the shape the Cloud Control
 * API documents (`ResourceDescription.Properties`, a JSON string; absent properties left out;
 * `ResourceNotFoundException` for no such trail), and passes every other call (STS: the lookup
 * role, the caller's account) on to moto.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { MOTO_CLIENT, MotoServer, startMotoServer } from './moto-server';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..');
const ACCOUNT = '123456789012'; // moto's account
const REGION = 'us-east-1';
const TRAIL = 'aws-controltower-BaselineCloudTrail';
const SUFFIXED = 'aws-controltower/CloudTrailLogs-tfw-qeb';

let moto: MotoServer;
let cloudControl: http.Server;
let endpoint: string;
/** The Cloud Control calls the server answered, in order. */
const calls: string[] = [];

/** A call to moto's CloudTrail (AWS JSON 1.1; moto routes by the service of the credential scope). */
async function motoJson(target: string, body: unknown): Promise<{ status: number; json: any }> {
  return send(moto.endpoint, '/', {
    'Content-Type': 'application/x-amz-json-1.1',
    'X-Amz-Target': target,
    'Authorization': `AWS4-HMAC-SHA256 Credential=${MOTO_CLIENT.credentials.accessKeyId}/20260101/${REGION}/cloudtrail/aws4_request, SignedHeaders=host, Signature=0`,
  }, JSON.stringify(body), 'POST');
}

function send(base: string, pathname: string, headers: Record<string, string>, body: string, method: string):
Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { method, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: any;
        try { json = text ? JSON.parse(text) : {}; } catch { json = { text }; }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Cloud Control GetResource of AWS::CloudTrail::Trail, read from moto's CloudTrail. */
async function getResource(request: { TypeName: string; Identifier: string }): Promise<{ status: number; body: unknown }> {
  calls.push(`GetResource ${request.TypeName} ${request.Identifier}`);
  if (request.TypeName !== 'AWS::CloudTrail::Trail') {
    return { status: 400, body: { __type: 'TypeNotFoundException', Message: `not in this stand-in: ${request.TypeName}` } };
  }
  const trail = await motoJson('com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrail', { Name: request.Identifier });
  if (trail.status !== 200) {
    return { status: 400, body: { __type: 'ResourceNotFoundException', Message: `AWS::CloudTrail::Trail Handler returned status FAILED: Trail ${request.Identifier} not found` } };
  }
  const t = trail.json.Trail;
  // The Cloud Control read model of AWS::CloudTrail::Trail: properties without a value are absent.
  const properties = Object.fromEntries(Object.entries({
    TrailName: t.Name,
    Arn: t.TrailARN,
    S3BucketName: t.S3BucketName,
    IsMultiRegionTrail: t.IsMultiRegionTrail,
    IsOrganizationTrail: t.IsOrganizationTrail,
    IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents,
    EnableLogFileValidation: t.LogFileValidationEnabled,
    CloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn ?? undefined,
    CloudWatchLogsRoleArn: t.CloudWatchLogsRoleArn ?? undefined,
    IsLogging: true,
  }).filter(([, value]) => value !== undefined && value !== null));
  return {
    status: 200,
    body: { TypeName: request.TypeName, ResourceDescription: { Identifier: request.Identifier, Properties: JSON.stringify(properties) } },
  };
}

function startCloudControl(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target.startsWith('CloudApiService.')) {
        const answer = target === 'CloudApiService.GetResource'
          ? getResource(JSON.parse(body.toString()))
          : Promise.resolve({ status: 400, body: { __type: 'UnsupportedActionException', Message: target } });
        void answer.then(({ status, body: out }) => {
          res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(out));
        });
        return;
      }
      // Everything else (STS) to moto, unchanged.
      const forward = http.request(`${moto.endpoint}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      forward.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  moto = await startMotoServer();
  cloudControl = await startCloudControl();
  endpoint = `http://127.0.0.1:${(cloudControl.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => cloudControl?.close(resolve));
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  calls.length = 0;
});

/** The trail of a Control Tower landing zone in moto, delivering to `logGroupName` (or to no log group). */
async function createTrail(logGroupName: string | undefined): Promise<void> {
  expect((await send(moto.endpoint, '/aws-controltower-logs-123456789012', {}, '', 'PUT')).status).toBe(200);
  const created = await motoJson('com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.CreateTrail', {
    Name: TRAIL,
    S3BucketName: 'aws-controltower-logs-123456789012',
    IsMultiRegionTrail: true,
    ...(logGroupName === undefined ? {} : {
      CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logGroupName}:*`,
      CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/aws-controltower-CloudWatchLogsRole`,
    }),
  });
  expect(created.status).toBe(200);
}

/** A user's app: one RootUsageAlarm in a stack with the management account and home region. */
function appDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-lookup-'));
  fs.writeFileSync(path.join(dir, 'app.ts'), [
    `import { App, Stack } from ${JSON.stringify(path.join(ROOT, 'node_modules', 'aws-cdk-lib'))};`,
    `import { RootUsageAlarm } from ${JSON.stringify(path.join(ROOT, 'src'))};`,
    'const app = new App();',
    `const stack = new Stack(app, 'LandingZoneSecurity', { env: { account: '${ACCOUNT}', region: '${REGION}' } });`,
    "new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: ['security@example.com'] });",
  ].join('\n'));
  return dir;
}

/**
 * `cdk synth` in `dir`, with the CLI's AWS calls going to `awsEndpoint`. Asynchronous: the
 * stand-in server runs in this process and must answer while the CLI waits.
 */
function cdkSynth(dir: string, awsEndpoint: string): Promise<{ status: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ACCESS_KEY_ID: MOTO_CLIENT.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CLIENT.credentials.secretAccessKey,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ENDPOINT_URL: awsEndpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    TS_NODE_TRANSPILE_ONLY: 'true',
    TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'),
  };
  const app = `node -r ${JSON.stringify(require.resolve('ts-node/register'))} app.ts`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--app', app, '--output', 'cdk.out', '--no-notices', '--quiet',
    ], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output: output.join('') });
    });
  });
}

function cachedLookups(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'cdk.context.json');
  if (!fs.existsSync(file)) return {};
  return Object.fromEntries(Object.entries(JSON.parse(fs.readFileSync(file, 'utf8'))).filter(([key]) => key.startsWith('cc-api-provider:')));
}

function rootFilterLogGroup(dir: string): string {
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.out', 'LandingZoneSecurity.template.json'), 'utf8'));
  const filters = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Logs::MetricFilter'
    && r.Properties.MetricTransformations[0].MetricName === 'RootAccountUsage');
  expect(filters).toHaveLength(1);
  return filters[0].Properties.LogGroupName;
}

test('landing zone 4.0: the CLI looks the trail up, caches the answer in cdk.context.json, and the filter is on the suffixed group', async () => {
  // GIVEN
  await createTrail(SUFFIXED);
  const dir = appDir();

  // WHEN
  const first = await cdkSynth(dir, endpoint);

  // THEN
  expect(first.output).not.toMatch(/Error/);
  expect(first.status).toBe(0);
  expect(calls).toEqual([`GetResource AWS::CloudTrail::Trail ${TRAIL}`]);
  expect(Object.values(cachedLookups(dir))).toEqual([[{
    CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${SUFFIXED}:*`,
    Identifier: TRAIL,
  }]]);
  expect(rootFilterLogGroup(dir)).toBe(SUFFIXED);

  // AND WHEN: synthesized again with no AWS to answer (the endpoint refuses connections)
  calls.length = 0;
  const again = await cdkSynth(dir, 'http://127.0.0.1:9');
  expect(again.status).toBe(0);
  expect(calls).toEqual([]);
  expect(rootFilterLogGroup(dir)).toBe(SUFFIXED);
});

test('no Control Tower trail: synthesis fails with the library\'s error, and the answer is cached until reset', async () => {
  const dir = appDir();
  const result = await cdkSynth(dir, endpoint);
  expect(result.status).not.toBe(0);
  expect(result.output).toMatch(/RootUsageAlarm at LandingZoneSecurity\/RootUsage: logGroupName was not given, and account 123456789012, region us-east-1 has no AWS Control Tower trail aws-controltower-BaselineCloudTrail/);
  expect(result.output).toMatch(/cdk context --reset/);
  expect(Object.values(cachedLookups(dir))).toEqual([[]]);
});

test('a trail without CloudWatch Logs delivery: synthesis fails saying so, and nothing is cached', async () => {
  await createTrail(undefined);
  const dir = appDir();
  const result = await cdkSynth(dir, endpoint);
  expect(result.status).not.toBe(0);
  expect(result.output).toMatch(/the AWS Control Tower trail aws-controltower-BaselineCloudTrail \(account 123456789012, region us-east-1\) delivers to no CloudWatch Logs log group/);
  expect(cachedLookups(dir)).toEqual({});
});
