import * as http from 'http';
import { AddressInfo } from 'net';
import { record, subscriptionEvent } from './payload';

// The handler uses the AWS SDK's standard configuration, nothing hard-coded: pointed with
// AWS_ENDPOINT_URL at a tiny HTTP server on the loopback address that answers SNS Publish and
// Organizations DescribeAccount, its requests arrive there, signed for the configured region.
// The server listens on 127.0.0.1 only, on a port the system picks, and is closed after the test.
// Fake credentials come from the environment; nothing can reach AWS or the metadata service.

interface Received {
  readonly method: string;
  readonly path: string;
  readonly host: string;
  readonly target: string;
  readonly authorization: string;
  readonly body: string;
}

const received: Received[] = [];
let server: http.Server;
let endpoint: string;
const savedEnv = { ...process.env };

function answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (target === 'AWSOrganizationsV20161128.DescribeAccount') {
    const { AccountId } = JSON.parse(body) as { AccountId: string };
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ Account: { Id: AccountId, Name: 'Loopback-Account', Arn: `arn:aws:organizations::999988887777:account/o-example/${AccountId}` } }));
  } else if (new URLSearchParams(body).get('Action') === 'Publish' || target.endsWith('.Publish')) {
    if (target !== '') {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ MessageId: '00000000-0000-4000-8000-000000000001' }));
    } else {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>'
        + '<MessageId>00000000-0000-4000-8000-000000000001</MessageId></PublishResult>'
        + '<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>');
    }
  } else {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('unexpected request');
  }
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        host: String(req.headers.host ?? ''),
        target: String(req.headers['x-amz-target'] ?? ''),
        authorization: String(req.headers.authorization ?? ''),
        body,
      });
      answer(req, body, res);
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  process.env = savedEnv;
  jest.restoreAllMocks();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('publishes and looks the account up through the endpoint the SDK is configured with', async () => {
  // GIVEN the standard SDK configuration, from the environment only
  process.env = {
    ...savedEnv,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    TOPIC_ARN: 'arn:aws:sns:eu-west-1:999988887777:RootUsageAlarmTopic',
    ALARM_NAME: 'RootUsage-Alarm',
    LOG_GROUP_NAME: 'aws-controltower/CloudTrailLogs',
  };
  delete process.env.AWS_PROFILE;
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  delete process.env.AWS_SESSION_TOKEN;
  let handler!: typeof import('../../src/event-notifier.lambda').handler;
  jest.isolateModules(() => {
    // The clients are created when the module loads, as in Lambda: load a fresh copy of it with
    // this environment (a static import would load it before the environment is set; jest's
    // dynamic import needs --experimental-vm-modules).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require('../../src/event-notifier.lambda').handler;
  });

  // WHEN
  const result = await handler(subscriptionEvent([record('root-console-login-success-no-mfa')]));

  // THEN
  expect(result.published).toBe(1);
  const describe = received.filter((r) => r.target === 'AWSOrganizationsV20161128.DescribeAccount');
  const publish = received.filter((r) => r.target.endsWith('.Publish') || new URLSearchParams(r.body).get('Action') === 'Publish');
  expect(describe).toHaveLength(1);
  expect(JSON.parse(describe[0].body)).toEqual({ AccountId: '111122223333' });
  expect(publish).toHaveLength(1);
  expect(received).toHaveLength(2);
  for (const r of received) {
    expect(r.method).toBe('POST');
    expect(r.host).toBe(endpoint.replace('http://', ''));
    // Signed with the environment's credentials for the configured region.
    expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/(eu-west-1|us-east-1)\/(sns|organizations)\/aws4_request/);
  }
  expect(publish[0].authorization).toContain('/eu-west-1/sns/aws4_request');
  // The published message: the account name from the loopback Organizations, the JSON structure.
  const params = new URLSearchParams(publish[0].body);
  const input = publish[0].target !== ''
    ? JSON.parse(publish[0].body)
    : { TopicArn: params.get('TopicArn'), Subject: params.get('Subject'), MessageStructure: params.get('MessageStructure'), Message: params.get('Message') };
  expect(input.TopicArn).toBe('arn:aws:sns:eu-west-1:999988887777:RootUsageAlarmTopic');
  expect(input.Subject).toBe('[HIGH] Root sign-in without MFA: 111122223333 (self-named Loopback-Account) from 203.0.113.7');
  expect(input.MessageStructure).toBe('json');
  const message = JSON.parse(input.Message);
  expect(Object.keys(message).sort()).toEqual(['default', 'email']);
  // Console links follow the function's region.
  expect(message.email).toContain('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/RootUsage-Alarm');
});
