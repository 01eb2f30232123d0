/**
 * `verifyCommand()` end to end: the script, as CloudFormation resolves it from a `CfnOutput`, run
 * with bash and the real AWS CLI (v1, `moto:install`) against moto's server on 127.0.0.1, into
 * which the test first "deploys" what the template describes (the metric filter, the alarms, the
 * topic and its subscription, each with the template's properties) beside a Control Tower-like
 * trail and log group. All checks pass; then each thing is broken in turn and its FAIL line, and
 * only that one, is expected.
 *
 * Where moto 5.2.5 lacks a field, a small proxy between the CLI and moto adds it as AWS documents
 * it, and says so here:
 * - `GetTrailStatus`: moto returns no `LatestCloudWatchLogsDeliveryTime` nor
 *   `LatestCloudWatchLogsDeliveryError`; the proxy adds them (epoch seconds, as the CloudTrail API
 *   sends them) from `trailStatus` below. Without the proxy's fields, the check fails on moto's own
 *   answer (tested too).
 * - `ListSubscriptionsByTopic`: moto confirms every subscription at once; the proxy answers
 *   `PendingConfirmation` for each, as SNS does for an unconfirmed email subscription, when
 *   `pendingSubscriptions` is set.
 * `IsLogging`, the trails, the metric filters, the alarms and their states are moto's.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MOTO_CLIENT, MOTO_PYTHON, MotoServer, startMotoServer } from './moto-server';
import { RootUsageAlarm } from '../src';

const ACCOUNT = '123456789012'; // moto's default account
const REGION = 'us-east-1';
const LOG_GROUP = 'aws-controltower/CloudTrailLogs';
const TRAIL = 'aws-controltower-BaselineCloudTrail';
const VENV_BIN = path.dirname(MOTO_PYTHON);

// ---------------------------------------------------------------- the stack and its resolved script

const stack = new Stack(new App(), 'Verify', { env: { account: ACCOUNT, region: REGION } });
const rootUsage = new RootUsageAlarm(stack, 'RootUsage', {
  emailAddresses: ['security@example.com'],
  metricNamespace: 'LandingZone/Security',
  // no alarmName: the script names the alarm through its Ref, resolved at deployment
});
// The watchdog the alarm creates by default is checked too.
if (rootUsage.deliveryWatchdog === undefined) throw new Error('RootUsageAlarm creates a delivery watchdog by default');
new CfnOutput(stack, 'VerifyCommand', { value: rootUsage.verifyCommand() });
const template = Template.fromStack(stack).toJSON();
const resources: Record<string, any> = template.Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** What CloudFormation would name each resource the script refers to. */
function physicalName(logicalId: string): string {
  const r = resources[logicalId];
  if (r?.Type === 'AWS::SNS::Topic') return `arn:aws:sns:${REGION}:${ACCOUNT}:${logicalId}`;
  if (r?.Type === 'AWS::CloudWatch::Alarm') return r.Properties.AlarmName ?? `Verify-${logicalId}`;
  if (logicalId === 'AWS::Partition') return 'aws';
  if (logicalId === 'AWS::Region') return REGION;
  if (logicalId === 'AWS::AccountId') return ACCOUNT;
  throw new Error(`the test cannot resolve a Ref to ${logicalId} (${r?.Type})`);
}

/** Resolves Ref and Fn::Join as CloudFormation does; any other intrinsic fails the test. */
function resolve(value: any): any {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(resolve);
  if ('Ref' in value) return physicalName(value.Ref);
  if ('Fn::Join' in value) return (value['Fn::Join'][1] as any[]).map(resolve).join(value['Fn::Join'][0]);
  if (Object.keys(value).some((k) => k.startsWith('Fn::'))) throw new Error(`unresolvable: ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
}

const script: string = resolve(template.Outputs.VerifyCommand.Value);

/** The script of the same alarm with a known `trailName` (the lead's Control Tower lookup sets it). */
function scriptWithTrail(trailName: string | undefined): string {
  const original = rootUsage.trailName;
  Object.defineProperty(rootUsage, 'trailName', { value: trailName, configurable: true });
  try {
    return resolve(stack.resolve(rootUsage.verifyCommand()));
  } finally {
    Object.defineProperty(rootUsage, 'trailName', { value: original, configurable: true });
  }
}
const [[, filterResource]] = ofType('AWS::Logs::MetricFilter');
const filter = resolve(filterResource.Properties);
const [[topicId]] = ofType('AWS::SNS::Topic');
const topicArn = physicalName(topicId);
const alarmName = physicalName(ofType('AWS::CloudWatch::Alarm').find(([, r]) => r.Properties.Namespace === 'LandingZone/Security')![0]);
const watchdogName = rootUsage.deliveryWatchdog ? stack.resolve(rootUsage.deliveryWatchdog.alarmName) : undefined;
const watchdogNameResolved: string = resolve(watchdogName);

// ---------------------------------------------------------------- moto, the proxy, the deployment

interface ProxyState {
  /** The trail status fields moto lacks; undefined: moto's answer unchanged. */
  trailStatus?: { LatestCloudWatchLogsDeliveryTime?: number | string; LatestCloudWatchLogsDeliveryError?: string };
  pendingSubscriptions: boolean;
}
let proxyState: ProxyState = { pendingSubscriptions: false };
let moto: MotoServer;
let proxy: http.Server;
let proxyEndpoint: string;

function startProxy(target: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        const parts: Buffer[] = [];
        up.on('data', (c: Buffer) => parts.push(c));
        up.on('end', () => {
          let text = Buffer.concat(parts).toString('utf8');
          const operation = String(req.headers['x-amz-target'] ?? '');
          if (operation.endsWith('.GetTrailStatus') && proxyState.trailStatus && up.statusCode === 200) {
            text = JSON.stringify({ ...JSON.parse(text), ...proxyState.trailStatus });
          }
          if (body.toString('utf8').includes('Action=ListSubscriptionsByTopic') && proxyState.pendingSubscriptions) {
            text = text.replace(/<SubscriptionArn>arn:[^<]*<\/SubscriptionArn>/g, '<SubscriptionArn>PendingConfirmation</SubscriptionArn>');
          }
          const headers = { ...up.headers, 'content-length': String(Buffer.byteLength(text)) };
          res.writeHead(up.statusCode ?? 500, headers);
          res.end(text);
        });
      });
      upstream.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      upstream.end(body);
    });
  });
  return new Promise((resolveServer) => server.listen(0, '127.0.0.1', () => resolveServer(server)));
}

/** boto3 calls against moto, in one Python process (test/verify/moto_apply.py). */
function apply(calls: Array<[string, string, Record<string, unknown>]>): any[] {
  const run = spawnSync(MOTO_PYTHON, [path.join(__dirname, 'verify', 'moto_apply.py')], {
    input: JSON.stringify({ endpoint: moto.endpoint, calls }),
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  if (run.status !== 0) throw new Error(`moto_apply failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** The alarm as put-metric-alarm takes it, from the template's properties. */
function alarmCall(logicalId: string): [string, string, Record<string, unknown>] {
  const p = resolve(resources[logicalId].Properties);
  return ['cloudwatch', 'put_metric_alarm', {
    AlarmName: physicalName(logicalId),
    ...Object.fromEntries(['AlarmDescription', 'ActionsEnabled', 'AlarmActions', 'OKActions', 'MetricName', 'Namespace',
      'Statistic', 'Period', 'EvaluationPeriods', 'DatapointsToAlarm', 'Threshold', 'ComparisonOperator', 'TreatMissingData', 'Dimensions']
      .filter((k) => p[k] !== undefined).map((k) => [k, p[k]])),
  }];
}

/** Everything fresh: the landing zone's trail and group, then the stack's resources. */
async function deploy(): Promise<void> {
  await moto.reset();
  proxyState = {
    trailStatus: { LatestCloudWatchLogsDeliveryTime: Date.now() / 1000 - 120 }, // two minutes ago
    pendingSubscriptions: false,
  };
  const [subscription] = ofType('AWS::SNS::Subscription').map(([, r]) => resolve(r.Properties));
  apply([
    ['s3', 'create_bucket', { Bucket: 'aws-controltower-logs-123456789012-us-east-1' }],
    ['logs', 'create_log_group', { logGroupName: LOG_GROUP }],
    ['logs', 'create_log_group', { logGroupName: 'another-group' }],
    ['cloudtrail', 'create_trail', {
      Name: TRAIL,
      S3BucketName: 'aws-controltower-logs-123456789012-us-east-1',
      IsMultiRegionTrail: true,
      CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}:*`,
      CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/aws-controltower-CloudWatchLogsRole`,
    }],
    ['cloudtrail', 'start_logging', { Name: TRAIL }],
    // a trail of another kind, without CloudWatch Logs: not the group's, so not checked
    ['cloudtrail', 'create_trail', { Name: 'data-events', S3BucketName: 'aws-controltower-logs-123456789012-us-east-1' }],
    ['logs', 'put_metric_filter', {
      logGroupName: filter.LogGroupName,
      filterName: 'RootUsageMetricFilter',
      filterPattern: filter.FilterPattern,
      metricTransformations: filter.MetricTransformations.map((m: any) => ({
        metricName: m.MetricName, metricNamespace: m.MetricNamespace, metricValue: m.MetricValue,
      })),
    }],
    ['sns', 'create_topic', { Name: topicId }],
    ['sns', 'subscribe', { TopicArn: subscription.TopicArn, Protocol: subscription.Protocol, Endpoint: subscription.Endpoint }],
    ...ofType('AWS::CloudWatch::Alarm').map(([id]) => alarmCall(id)),
    ['cloudwatch', 'set_alarm_state', { AlarmName: alarmName, StateValue: 'OK', StateReason: 'no root use' }],
    ...(watchdogName ? [['cloudwatch', 'set_alarm_state', { AlarmName: watchdogNameResolved, StateValue: 'OK', StateReason: 'events arrive' }]] as any : []),
  ]);
}

interface VerifyResult { status: number | null; lines: string[]; stderr: string }

/**
 * Runs the script with bash and the AWS CLI pointed at the proxy; its lines and exit status.
 * Asynchronous: the proxy answers from this process's event loop.
 */
function verify(text = script): Promise<VerifyResult> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verify-')), 'verify.sh');
  fs.writeFileSync(file, text);
  const child = spawn('bash', [file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: `${VENV_BIN}:${process.env.PATH}`,
      HOME: path.dirname(file), // no ~/.aws of the machine
      AWS_ENDPOINT_URL: proxyEndpoint,
      AWS_ACCESS_KEY_ID: MOTO_CLIENT.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CLIENT.credentials.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_DEFAULT_REGION: REGION,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolveRun) => child.on('close', (status) => resolveRun({
    status, lines: stdout.split('\n').filter((l) => l !== ''), stderr,
  })));
}

beforeAll(async () => {
  moto = await startMotoServer();
  proxy = await startProxy(moto.endpoint);
  proxyEndpoint = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((r) => proxy?.close(r));
  await moto?.stop();
});

// ---------------------------------------------------------------- the checks

const TRAIL_CHECK = `trail ${TRAIL} is logging and delivers to ${LOG_GROUP}`;
const FILTER_CHECK = `metric filter on ${LOG_GROUP} counts the exact pattern as LandingZone/Security/RootAccountUsage`;
const ALARM_CHECK = `alarm ${alarmName} watches LandingZone/Security/RootAccountUsage, actions enabled, on ${topicArn}`;
const TOPIC_CHECK = `topic ${topicArn} has a confirmed subscription`;
const WATCHDOG_CHECK = `delivery watchdog ${watchdogNameResolved} is OK`;

/** The lines of a run where only `failing` fails, with its reason matching `why`. */
function expectOnlyFailure(result: VerifyResult, failing: string, why: RegExp): void {
  expect(result.status).toBe(1);
  const failures = result.lines.filter((l) => l.startsWith('FAIL '));
  expect(failures).toHaveLength(1);
  expect(failures[0].startsWith(`FAIL ${failing}: `)).toBe(true);
  expect(failures[0].slice(`FAIL ${failing}: `.length)).toMatch(why);
  expect(result.lines.filter((l) => l.startsWith('PASS '))).toHaveLength(4);
}

test('the script resolves to plain text: no token or intrinsic left', async () => {
  expect(script).not.toMatch(/\$\{Token\[|Fn::|"Ref"/);
  expect(script).toContain(`topic='${topicArn}'`);
  expect(script).toContain(`alarm='${alarmName}'`);
  expect(script).toContain(`grouparn='arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}'`);
});

describe('against moto', () => {
  beforeEach(deploy, 60_000);

  test('deployed as synthesized: every check passes, one line each, exit 0', async () => {
    const result = await verify();
    expect(result.stderr).toBe('');
    expect(result.lines).toEqual([
      `PASS ${TRAIL_CHECK} (last delivery 2 minutes ago)`,
      `PASS ${FILTER_CHECK}`,
      `PASS ${ALARM_CHECK}`,
      `PASS ${TOPIC_CHECK} (1 confirmed, 0 pending)`,
      `PASS ${WATCHDOG_CHECK}`,
    ]);
    expect(result.status).toBe(0);
  }, 60_000);

  test('the trail stopped logging', async () => {
    apply([['cloudtrail', 'stop_logging', { Name: TRAIL }]]);
    expectOnlyFailure(await verify(), TRAIL_CHECK, /^the trail is not logging$/);
  }, 60_000);

  test('the trail delivers to another group (a new suffixed group): no trail feeds the watched one', async () => {
    apply([['cloudtrail', 'update_trail', {
      Name: TRAIL,
      CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:another-group:*`,
      CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/aws-controltower-CloudWatchLogsRole`,
    }]]);
    // (A group the user named: the trail is unknown, so every trail is read.)
    expectOnlyFailure(await verify(scriptWithTrail(undefined)), `a trail delivers to ${LOG_GROUP}`, /^no trail in us-east-1 delivers to it$/);
  }, 60_000);

  test('moto\'s own trail status, which has no LatestCloudWatchLogsDeliveryTime: no delivery recorded', async () => {
    proxyState.trailStatus = undefined;
    expectOnlyFailure(await verify(), TRAIL_CHECK, /^no delivery recorded \(None\)$/);
  }, 60_000);

  test('(proxy) the last delivery is two hours old', async () => {
    proxyState.trailStatus = { LatestCloudWatchLogsDeliveryTime: Date.now() / 1000 - 2 * 3600 };
    expectOnlyFailure(await verify(), TRAIL_CHECK, /^last delivery 120 minutes ago \(over 60\)$/);
  }, 60_000);

  test('(proxy) the last delivery failed', async () => {
    proxyState.trailStatus = {
      LatestCloudWatchLogsDeliveryTime: Date.now() / 1000 - 120,
      LatestCloudWatchLogsDeliveryError: 'AccessDeniedException',
    };
    expectOnlyFailure(await verify(), TRAIL_CHECK, /^delivery error: AccessDeniedException$/);
  }, 60_000);

  test('(proxy) an ISO 8601 delivery time, as the AWS CLI v2 prints it, is read too', async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000 - 5_000).toISOString().replace('Z', '+00:00');
    proxyState.trailStatus = { LatestCloudWatchLogsDeliveryTime: tenMinutesAgo };
    const result = await verify();
    expect(result.lines[0]).toBe(`PASS ${TRAIL_CHECK} (last delivery 10 minutes ago)`);
    expect(result.status).toBe(0);
  }, 60_000);

  test('the pattern changed by one character', async () => {
    apply([['logs', 'delete_metric_filter', { logGroupName: LOG_GROUP, filterName: 'RootUsageMetricFilter' }], ['logs', 'put_metric_filter', {
      logGroupName: LOG_GROUP,
      filterName: 'RootUsageMetricFilter',
      filterPattern: filter.FilterPattern.replace('!="AwsServiceEvent"', '!= "AwsServiceEvent"'),
      metricTransformations: [{ metricName: 'RootAccountUsage', metricNamespace: 'LandingZone/Security', metricValue: '1' }],
    }]]);
    expectOnlyFailure(await verify(), FILTER_CHECK, /^pattern differs: \{\$\.userIdentity\.type="Root" .*!= "AwsServiceEvent"\}$/);
  }, 60_000);

  test('the metric filter is gone', async () => {
    apply([['logs', 'delete_metric_filter', { logGroupName: LOG_GROUP, filterName: 'RootUsageMetricFilter' }]]);
    expectOnlyFailure(await verify(), FILTER_CHECK, /^no filter emits LandingZone\/Security\/RootAccountUsage$/);
  }, 60_000);

  test('the alarm\'s actions are disabled', async () => {
    apply([['cloudwatch', 'disable_alarm_actions', { AlarmNames: [alarmName] }]]);
    expectOnlyFailure(await verify(), ALARM_CHECK, /^actions disabled$/);
  }, 60_000);

  test('the alarm no longer notifies the topic', async () => {
    const [, , params] = alarmCall(ofType('AWS::CloudWatch::Alarm').find(([, r]) => r.Properties.Namespace === 'LandingZone/Security')![0]);
    apply([['cloudwatch', 'put_metric_alarm', { ...params, AlarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:elsewhere`] }]]);
    expectOnlyFailure(await verify(), ALARM_CHECK, /^the topic is not an alarm action$/);
  }, 60_000);

  test('the alarm is gone', async () => {
    apply([['cloudwatch', 'delete_alarms', { AlarmNames: [alarmName] }]]);
    expectOnlyFailure(await verify(), ALARM_CHECK, /^no such alarm$/);
  }, 60_000);

  test('(proxy) the only subscription is pending confirmation', async () => {
    proxyState.pendingSubscriptions = true;
    expectOnlyFailure(await verify(), TOPIC_CHECK, /^none confirmed \(1 pending\)$/);
  }, 60_000);

  test('the watchdog is in ALARM', async () => {
    apply([['cloudwatch', 'set_alarm_state', { AlarmName: watchdogNameResolved, StateValue: 'ALARM', StateReason: 'no events for an hour' }]]);
    expectOnlyFailure(await verify(), WATCHDOG_CHECK, /^it is ALARM: no events for an hour$/);
  }, 60_000);

  test('a known trail: only that one is read, and it passes', async () => {
    const named = scriptWithTrail(TRAIL);
    expect(named).toContain(`trail='${TRAIL}'`);
    const result = await verify(named);
    expect(result.lines[0]).toBe(`PASS ${TRAIL_CHECK} (last delivery 2 minutes ago)`);
    expect(result.status).toBe(0);
  }, 60_000);

  test('a known trail that delivers to another group', async () => {
    apply([['cloudtrail', 'update_trail', {
      Name: TRAIL,
      CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:another-group:*`,
      CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/aws-controltower-CloudWatchLogsRole`,
    }]]);
    expectOnlyFailure(await verify(scriptWithTrail(TRAIL)), `trail ${TRAIL} delivers to ${LOG_GROUP}`,
      /^it delivers to arn:aws:logs:us-east-1:123456789012:log-group:another-group:\*$/);
  }, 60_000);

  test('a known trail that does not exist', async () => {
    expectOnlyFailure(await verify(scriptWithTrail('no-such-trail')), `a trail delivers to ${LOG_GROUP}`,
      /^no trail no-such-trail or no trail in us-east-1 delivers to it$/);
  }, 60_000);

  test('a call the caller may not make fails its check with the CLI\'s error, and the others still run', async () => {
    apply([['sns', 'delete_topic', { TopicArn: topicArn }]]);
    expectOnlyFailure(await verify(), TOPIC_CHECK, /^An error occurred \(NotFound\) when calling the ListSubscriptionsByTopic operation/);
  }, 60_000);
});
