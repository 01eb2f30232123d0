import { eventBridgeEvent, orgTrailDelivery, record } from './payload';
import { recordingDeps } from './recording-deps';
import { ExpectedRootUse } from '../../src/expected-root-use';
import { parseExpectations } from '../../src/private/event-notifier/expectation';
import {
  AsffFinding, FINDING_IMPORT_FAILED, findingImportFailuresMetricLine, FindingImportResult, importBatches, sessionFindingSeverity,
} from '../../src/private/event-notifier/finding';
import { notify, NotifierDeps } from '../../src/private/event-notifier/notify';
import { InMemorySessionStore } from '../../src/private/event-notifier/session-store';
import { compactEntry } from '../../src/private/expected-root-use-options';

// The Security Hub CSPM finding of each root session (finding.ts), as notify builds and imports it
// after publishing: every finding checked against the ASFF fields AWS documents (validateAsff
// below, written from the Security Hub API Reference's AwsSecurityFinding and the User Guide's
// "Required top-level ASFF attributes", "Optional top-level attributes", "Types taxonomy for ASFF"
// and "BatchImportFindings for finding providers"), not against a snapshot.

/** The notifier's own account (the management account, where the trail's log group is). */
const NOTIFIER_ACCOUNT = '111111111111';
const PRODUCT_ARN = `arn:aws:securityhub:us-east-1:${NOTIFIER_ACCOUNT}:product/${NOTIFIER_ACCOUNT}/default`;

const NAMES: Record<string, string> = { 111111111111: 'Management', 222222222222: 'Data-Lake', 111122223333: 'Payments-Prod' };

// ---------------------------------------------------------------------------------------------
// The documented schema, as a validator.

/** AwsSecurityFinding's members (API Reference): anything else is not part of the format. */
const KNOWN_FIELDS = new Set([
  'Action', 'AwsAccountId', 'AwsAccountName', 'CompanyName', 'Compliance', 'Confidence', 'CreatedAt', 'Criticality', 'Description',
  'Detection', 'FindingProviderFields', 'FirstObservedAt', 'GeneratorDetails', 'GeneratorId', 'Id', 'LastObservedAt', 'Malware',
  'Network', 'NetworkPath', 'Note', 'PatchSummary', 'Process', 'ProcessedAt', 'ProductArn', 'ProductFields', 'ProductName',
  'RecordState', 'Region', 'RelatedFindings', 'Remediation', 'Resources', 'Sample', 'SchemaVersion', 'Severity', 'SourceUrl',
  'ThreatIntelIndicators', 'Threats', 'Title', 'Types', 'UpdatedAt', 'UserDefinedFields', 'VerificationState', 'Vulnerabilities',
  'Workflow', 'WorkflowState',
]);
/** Required for every finding (User Guide, "Required top-level ASFF attributes"). */
const REQUIRED = ['AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'Resources', 'SchemaVersion', 'Severity', 'Title', 'Types', 'UpdatedAt'];
/** The team's (BatchUpdateFindings, the console) or Security Hub's own: a provider does not send them. */
const NOT_FROM_PROVIDER = ['Workflow', 'WorkflowState', 'Note', 'UserDefinedFields', 'VerificationState', 'RecordState', 'Region', 'ProcessedAt'];
/** The Types taxonomy: namespaces and their categories. */
const TAXONOMY: Record<string, string[]> = {
  'Software and Configuration Checks': ['Vulnerabilities', 'AWS Security Best Practices', 'Industry and Regulatory Standards'],
  'TTPs': ['Initial Access', 'Execution', 'Persistence', 'Privilege Escalation', 'Defense Evasion', 'Credential Access', 'Discovery',
    'Lateral Movement', 'Collection', 'Command and Control'],
  'Effects': ['Data Exposure', 'Data Exfiltration', 'Data Destruction', 'Denial of Service', 'Resource Consumption'],
  'Unusual Behaviors': ['Application', 'Network Flow', 'IP address', 'User', 'VM', 'Container', 'Serverless', 'Process', 'Database', 'Data'],
  'Sensitive Data Identifications': ['PII', 'Passwords', 'Legal', 'Financial', 'Security', 'Business'],
};
const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-us-iso', 'aws-us-iso-b', 'AzureCloud'];
/** The documented timestamp formats (API Reference, "Timestamps"): seconds, up to 9 fraction digits, Z or an offset up to 18:00. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-](0\d|1[0-8])(:?[0-5]\d)?)$/;
const PRODUCT_ARN_FORMAT = /^arn:[a-z-]+:securityhub:[a-z0-9-]+:(\d{12})?:product\/([^/]+)\/([^/]+)$/;

/** Every violation of the documented format in `f` ([] when it conforms). */
function validateAsff(f: Record<string, any>): string[] {
  const errors: string[] = [];
  const fail = (m: string) => errors.push(m);
  for (const k of Object.keys(f)) if (!KNOWN_FIELDS.has(k)) fail(`unknown field ${k}`);
  for (const k of REQUIRED) if (f[k] === undefined) fail(`missing required ${k}`);
  for (const k of NOT_FROM_PROVIDER) if (f[k] !== undefined) fail(`${k} is not the provider's to send`);
  // NonEmptyString everywhere: a string with a non-space character.
  const walk = (v: unknown, at: string) => {
    if (typeof v === 'string') {
      if (!/\S/.test(v)) fail(`${at} is blank`);
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${at}[${i}]`));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    } else if (typeof v !== 'number' && typeof v !== 'boolean') {
      fail(`${at} is ${typeof v}`);
    }
  };
  walk(f, 'finding');
  const len = (k: string, min: number, max: number) => {
    const v = f[k];
    if (v === undefined) return;
    if (typeof v !== 'string' || v.length < min || v.length > max) fail(`${k} must be a string of ${min} to ${max} characters (${String(v).length})`);
  };
  if (f.SchemaVersion !== '2018-10-08') fail(`SchemaVersion ${f.SchemaVersion}`);
  len('Id', 1, 512);
  len('GeneratorId', 1, 512);
  len('Title', 1, 256);
  len('Description', 1, 1024);
  len('ProductName', 1, 128);
  len('CompanyName', 1, 128);
  len('ProductArn', 12, 2048);
  if (!/^\d{12}$/.test(f.AwsAccountId)) fail(`AwsAccountId ${f.AwsAccountId}`);
  const arn = PRODUCT_ARN_FORMAT.exec(f.ProductArn ?? '');
  if (!arn) fail(`ProductArn ${f.ProductArn}`);
  // A private product: company-id is the account, product-id "default"; only that account may import it.
  else if (arn[2] !== f.AwsAccountId || arn[1] !== f.AwsAccountId || arn[3] !== 'default') fail('ProductArn is not the default product of AwsAccountId');
  const checkTypes = (types: unknown, at: string) => {
    if (!Array.isArray(types) || types.length < 1 || types.length > 50) {
      fail(`${at} must hold 1 to 50 types`);
      return;
    }
    for (const t of types) {
      const [ns, cat] = String(t).split('/');
      if (!(ns in TAXONOMY)) fail(`${at}: namespace of ${t}`);
      else if (cat !== undefined && !TAXONOMY[ns].includes(cat)) fail(`${at}: category of ${t}`);
    }
  };
  checkTypes(f.Types, 'Types');
  const checkSeverity = (s: any, at: string) => {
    if (typeof s !== 'object' || s === null) {
      fail(`${at} missing`);
      return;
    }
    if (!SEVERITY_LABELS.includes(s.Label)) fail(`${at}.Label ${s.Label}`);
    if (s.Original !== undefined && (typeof s.Original !== 'string' || s.Original.length > 64)) fail(`${at}.Original`);
    if (s.Normalized !== undefined) fail(`${at}.Normalized is deprecated: Label is preferred`);
  };
  checkSeverity(f.Severity, 'Severity');
  if (f.FindingProviderFields !== undefined) {
    checkSeverity(f.FindingProviderFields.Severity, 'FindingProviderFields.Severity');
    checkTypes(f.FindingProviderFields.Types, 'FindingProviderFields.Types');
  }
  for (const k of ['CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt']) {
    if (f[k] !== undefined && (!TIMESTAMP.test(f[k]) || Number.isNaN(Date.parse(f[k])))) fail(`${k} ${f[k]} is not a documented timestamp`);
  }
  if (Date.parse(f.UpdatedAt) < Date.parse(f.CreatedAt)) fail('UpdatedAt before CreatedAt');
  if (f.FirstObservedAt && f.LastObservedAt && Date.parse(f.LastObservedAt) < Date.parse(f.FirstObservedAt)) fail('LastObservedAt before FirstObservedAt');
  if (!Array.isArray(f.Resources) || f.Resources.length < 1 || f.Resources.length > 32) fail('Resources must hold 1 to 32 resources');
  for (const r of f.Resources ?? []) {
    if (typeof r.Type !== 'string' || r.Type.length < 1 || r.Type.length > 256) fail(`Resource.Type ${r.Type}`);
    if (typeof r.Id !== 'string') fail('Resource.Id');
    if (r.Partition !== undefined && !PARTITIONS.includes(r.Partition)) fail(`Resource.Partition ${r.Partition}`);
    if (r.Region !== undefined && (r.Region.length < 1 || r.Region.length > 16)) fail('Resource.Region');
    if (r.Type === 'AwsAccount' && !/^AWS::::Account:\d{12}$/.test(r.Id)) fail(`AwsAccount Id ${r.Id}`);
  }
  if (f.ProductFields !== undefined) {
    const entries = Object.entries(f.ProductFields as Record<string, unknown>);
    if (entries.length > 50) fail(`ProductFields has ${entries.length} pairs`);
    for (const [k, v] of entries) {
      if (k.length > 128) fail(`ProductFields key ${k}`);
      if (typeof v !== 'string' || v.length > 2048) fail(`ProductFields value of ${k}`);
      if (k.startsWith('aws/')) fail(`ProductFields key ${k}: aws/ is reserved for AWS`);
    }
  }
  if (f.SourceUrl !== undefined && !/^https:\/\/[^\s]+$/.test(f.SourceUrl)) fail(`SourceUrl ${f.SourceUrl}`);
  if (Buffer.byteLength(JSON.stringify(f), 'utf8') > 240 * 1024) fail('over 240 KB');
  return errors;
}

// ---------------------------------------------------------------------------------------------

/** The core with a session memory, a clock, names, and a Security Hub that records every request (or fails as told). */
function setup(overrides: Partial<NotifierDeps> = {}, answer?: (findings: readonly AsffFinding[]) => Promise<FindingImportResult>) {
  let clock = Date.parse('2026-11-27T14:00:00Z');
  const store = new InMemorySessionStore(0, () => clock);
  const requests: AsffFinding[][] = [];
  const order: string[] = [];
  const counted: number[] = [];
  const { sent, logs, deps } = recordingDeps({
    store,
    now: () => clock,
    region: 'us-east-1',
    describeAccount: async (id) => NAMES[id],
    findingProductArn: PRODUCT_ARN,
    // As the handler configures it: the notifier's account is the management account (issue 22's severities).
    verdict: { entries: [], managementAccountId: NOTIFIER_ACCOUNT },
    importFindings: async (findings) => {
      order.push('import');
      requests.push(JSON.parse(JSON.stringify(findings)));
      return answer ? answer(findings) : { failedCount: 0, failed: [] };
    },
    countFindingImportFailures: (n) => { counted.push(n); },
    ...overrides,
  });
  const publish = deps.publish;
  const withOrder: NotifierDeps = { ...deps, publish: async (input) => { order.push('publish'); await publish(input); } };
  return { sent, logs, deps: withOrder, requests, order, counted, findings: () => requests.flat(), advance: (ms: number) => { clock += ms; } };
}

/** A trail change by the root user (synthetic: root-access-key-api-call as a StopLogging call). */
function trailChange(): Record<string, any> {
  return {
    ...record('root-access-key-api-call'),
    eventID: 'synthetic-stop-logging-0001',
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    requestParameters: { name: 'org-trail' },
    readOnly: false,
  };
}

/** A root sign-in in the notifier's own (management) account (synthetic: root-console-login-success-mfa there). */
function managementSignIn(): Record<string, any> {
  const r = record('root-console-login-success-mfa');
  r.recipientAccountId = NOTIFIER_ACCOUNT;
  r.userIdentity = { ...r.userIdentity, accountId: NOTIFIER_ACCOUNT, arn: `arn:aws:iam::${NOTIFIER_ACCOUNT}:root` };
  return r;
}

describe('the finding of each kind of session conforms to the documented ASFF', () => {
  const cases: Array<{
    name: string;
    deliveries: () => Array<{ account: string; region: string; records: Array<Record<string, any>> }>;
    target: string;
    actor?: string;
    types: string[];
    severity: [string, string];
    title: RegExp;
  }> = [
    {
      name: 'root sign-in without MFA (member account)',
      deliveries: () => [{ account: '111122223333', region: 'us-east-1', records: [record('root-console-login-success-no-mfa')] }],
      target: '111122223333',
      types: ['TTPs/Initial Access', 'Unusual Behaviors/User'],
      // The message's severity (issue 22: an unexpected root session of a member account is HIGH).
      severity: ['HIGH', '70'],
      title: /^Root sign-in without MFA in AWS account 111122223333 \(self-named "Payments-Prod"\)$/,
    },
    {
      name: 'root sign-in with MFA in the management account',
      deliveries: () => [{ account: NOTIFIER_ACCOUNT, region: 'us-east-1', records: [managementSignIn()] }],
      target: NOTIFIER_ACCOUNT,
      types: ['TTPs/Initial Access', 'Unusual Behaviors/User'],
      severity: ['CRITICAL', '95'],
      title: /^Root sign-in with MFA in AWS account 111111111111/,
    },
    {
      name: 'API call with a root access key',
      deliveries: () => [{ account: '555566667777', region: 'us-east-1', records: [record('root-access-key-api-call')] }],
      target: '555566667777',
      types: ['Unusual Behaviors/User'],
      severity: ['HIGH', '70'],
      title: /^Root API call in AWS account 555566667777$/,
    },
    {
      name: 'AssumeRoot allowed: the call, then its session\'s action',
      deliveries: () => [
        { account: NOTIFIER_ACCOUNT, region: 'us-west-2', records: [record('assume-root-call-doc-example')] },
        { account: '222222222222', region: 'us-west-2', records: [record('assume-root-session-action-doc-example')] },
      ],
      target: '222222222222',
      actor: NOTIFIER_ACCOUNT,
      types: ['TTPs/Privilege Escalation', 'Unusual Behaviors/User'],
      severity: ['HIGH', '70'],
      title: /^Root session \(AssumeRoot\) in AWS account 222222222222/,
    },
    {
      name: 'AssumeRoot denied',
      deliveries: () => [{ account: NOTIFIER_ACCOUNT, region: 'eu-west-1', records: [record('assume-root-call-denied')] }],
      target: '',
      actor: NOTIFIER_ACCOUNT,
      types: ['TTPs/Privilege Escalation', 'Unusual Behaviors/User'],
      severity: ['MEDIUM', '40'],
      title: /^AssumeRoot denied: 1 call by account 111111111111 for account /,
    },
    {
      name: 'credential change: a root access key created and an MFA device removed',
      deliveries: () => [{ account: '111122223333', region: 'us-east-1', records: [record('root-create-access-key'), record('root-deactivate-mfa')] }],
      target: '111122223333',
      types: ['TTPs/Persistence', 'Unusual Behaviors/User'],
      severity: ['CRITICAL', '90'],
      title: /^Root access key change in AWS account 111122223333/,
    },
    {
      name: 'trail change (StopLogging by root)',
      deliveries: () => [{ account: '555566667777', region: 'us-east-1', records: [trailChange()] }],
      target: '555566667777',
      types: ['TTPs/Defense Evasion', 'Unusual Behaviors/User'],
      severity: ['CRITICAL', '90'],
      title: /^CloudTrail trail changed by root in AWS account 555566667777$/,
    },
  ];

  test.each(cases)('$name', async (c) => {
    // GIVEN
    const { sent, deps, findings } = setup();
    // WHEN each delivery arrives (one log stream each)
    for (const d of c.deliveries()) await notify(orgTrailDelivery(d.account, d.region, d.records), deps);
    // THEN one finding per published message, each conforming
    const all = findings();
    expect(all).toHaveLength(sent.length);
    for (const f of all) expect(validateAsff(f)).toEqual([]);
    const f = all[all.length - 1];
    // Imported into the notifier's own account (the only one allowed to), naming the member account as the resource.
    expect(f.AwsAccountId).toBe(NOTIFIER_ACCOUNT);
    expect(f.ProductArn).toBe(PRODUCT_ARN);
    if (c.target !== '') expect(f.Resources[0]).toEqual({ Type: 'AwsAccount', Id: `AWS::::Account:${c.target}`, Partition: 'aws', ResourceRole: 'Target' });
    if (c.actor) expect(f.Resources).toContainEqual({ Type: 'AwsAccount', Id: `AWS::::Account:${c.actor}`, Partition: 'aws', ResourceRole: 'Actor' });
    expect(f.Types).toEqual(c.types);
    expect(f.FindingProviderFields.Types).toEqual(c.types);
    expect([f.Severity.Label, f.Severity.Original]).toEqual(c.severity);
    expect(f.FindingProviderFields.Severity).toEqual(f.Severity);
    expect(f.Title).toMatch(c.title);
    // The same Logs Insights query as the message's session link, over the trail's log group.
    expect(f.SourceUrl).toMatch(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#logsV2:logs-insights/);
    expect(f.ProductFields[`${NOTIFIER_ACCOUNT}/default/EventIds`]).toBeDefined();
  });

  test('the AssumeRoot session names its caller, task and source IP; the event IDs of both deliveries', async () => {
    const { deps, findings } = setup();
    const callRecord = record('assume-root-call-doc-example');
    const actionRecord = record('assume-root-session-action-doc-example');
    await notify(orgTrailDelivery(NOTIFIER_ACCOUNT, 'us-west-2', [callRecord]), deps);
    await notify(orgTrailDelivery('222222222222', 'us-west-2', [actionRecord]), deps);
    const [first, second] = findings();
    expect(second.Id).toBe(first.Id);
    const p = (k: string) => second.ProductFields[`${NOTIFIER_ACCOUNT}/default/${k}`];
    expect(p('CallerArn')).toBe(callRecord.userIdentity.arn);
    expect(p('CallerAccount')).toBe(NOTIFIER_ACCOUNT);
    expect(p('TaskPolicy')).toBe(callRecord.requestParameters.taskPolicyArn.arn);
    expect(p('EventIds')).toBe(`${callRecord.eventID}, ${actionRecord.eventID}`);
    expect(p('EventCount')).toBe('2');
    expect(p('SourceIps')).toBe('192.0.2.1');
    expect(second.Description).toContain(`Caller: ${callRecord.userIdentity.arn} (account ${NOTIFIER_ACCOUNT})`);
  });
});

describe('the finding says what the message says', () => {
  test('an expected session (a declared break-glass rehearsal): LOW, and its label in the product fields', async () => {
    const login = record('root-console-login-success-no-mfa');
    const at = Date.parse(login.eventTime);
    const rehearsal: ExpectedRootUse = {
      name: 'Break-glass rehearsal',
      accounts: ['111122223333'],
      start: new Date(at - 3600_000).toISOString(),
      end: new Date(at + 3600_000).toISOString(),
    };
    const { sent, deps, findings } = setup({
      verdict: { entries: parseExpectations(JSON.stringify([compactEntry(rehearsal)])), managementAccountId: NOTIFIER_ACCOUNT },
    });
    await notify(orgTrailDelivery('111122223333', 'us-east-1', [login]), deps);
    expect(sent[0].subject).toMatch(/^\[LOW\] /);
    const [f] = findings();
    expect(validateAsff(f)).toEqual([]);
    expect([f.Severity.Label, f.Severity.Original]).toEqual(['LOW', '20']);
    expect(f.ProductFields[`${NOTIFIER_ACCOUNT}/default/Expected`]).toBe('Expected: Break-glass rehearsal');
  });

  test('the message severity decides the label; the kind\'s finer score stays when both agree', () => {
    const group = { headlineKind: 'tamper', accountId: '555566667777' } as any;
    expect(sessionFindingSeverity(group, NOTIFIER_ACCOUNT, 'CRITICAL')).toEqual({ label: 'CRITICAL', score: 95 });
    expect(sessionFindingSeverity(group, NOTIFIER_ACCOUNT, 'LOW')).toEqual({ label: 'LOW', score: 20 });
    expect(sessionFindingSeverity(group, NOTIFIER_ACCOUNT)).toEqual({ label: 'CRITICAL', score: 95 });
  });
});

describe('one finding per session: continuations update it', () => {
  const burst = (from: number, n: number) => Array.from({ length: n }, (_, i) => {
    const r = record('root-access-key-api-call');
    r.eventID = `key-session-${from + i}`;
    r.eventTime = new Date(Date.parse('2026-11-27T11:20:05Z') + (from + i) * 60_000).toISOString().replace('.000Z', 'Z');
    return r;
  });

  test('three deliveries of one session: the same Id, CreatedAt and FirstObservedAt kept, UpdatedAt and LastObservedAt later, every event ID', async () => {
    const { deps, findings, advance } = setup();
    await notify(orgTrailDelivery('555566667777', 'us-east-1', burst(0, 3)), deps);
    advance(5 * 60_000);
    await notify(orgTrailDelivery('555566667777', 'us-east-1', burst(3, 2)), deps);
    advance(5 * 60_000);
    await notify(orgTrailDelivery('555566667777', 'us-east-1', burst(5, 1)), deps);
    const all = findings();
    expect(all).toHaveLength(3);
    expect(new Set(all.map((f) => f.Id)).size).toBe(1);
    expect(new Set(all.map((f) => f.CreatedAt))).toEqual(new Set(['2026-11-27T11:20:05.000Z']));
    expect(all.map((f) => f.FirstObservedAt)).toEqual(Array(3).fill('2026-11-27T11:20:05.000Z'));
    expect(all.map((f) => f.LastObservedAt)).toEqual(['2026-11-27T11:22:05.000Z', '2026-11-27T11:24:05.000Z', '2026-11-27T11:25:05.000Z']);
    expect(all.map((f) => f.UpdatedAt)).toEqual(['2026-11-27T14:00:00.000Z', '2026-11-27T14:05:00.000Z', '2026-11-27T14:10:00.000Z']);
    expect(all.map((f) => f.ProductFields[`${NOTIFIER_ACCOUNT}/default/EventCount`])).toEqual(['3', '5', '6']);
    expect(all[2].ProductFields[`${NOTIFIER_ACCOUNT}/default/EventIds`].split(', ')).toEqual(burst(0, 6).map((r) => r.eventID));
    for (const f of all) expect(validateAsff(f)).toEqual([]);
  });

  test('real time first, then the log path with more events: the same finding; a retry of the delivery imports nothing more', async () => {
    const { sent, deps, findings } = setup();
    const login = record('root-console-login-success-no-mfa');
    const consoleAction = record('root-console-session-action');
    await notify(eventBridgeEvent(login) as any, deps);
    const delivery = orgTrailDelivery('111122223333', 'us-east-1', [login, consoleAction]);
    await notify(delivery, deps);
    await notify(delivery, deps);
    expect(sent).toHaveLength(2);
    const all = findings();
    expect(all).toHaveLength(2);
    expect(all[1].Id).toBe(all[0].Id);
    expect(all[1].ProductFields[`${NOTIFIER_ACCOUNT}/default/FirstReportedVia`]).toBe('realtime');
  });

  test('two sessions, two findings; the same access key in two accounts never shares one', async () => {
    const { deps, findings } = setup();
    const a = record('root-access-key-api-call');
    const b = { ...record('root-access-key-api-call'), eventID: 'other-account-1', recipientAccountId: '999999999999', userIdentity: { ...a.userIdentity, accountId: '999999999999', arn: 'arn:aws:iam::999999999999:root' } };
    await notify(orgTrailDelivery('555566667777', 'us-east-1', [a]), deps);
    await notify(orgTrailDelivery('999999999999', 'us-east-1', [b]), deps);
    const [fa, fb] = findings();
    expect(fa.Id).not.toBe(fb.Id);
    expect(fa.Id).toMatch(/^us-east-1\/111111111111\/root-usage-555566667777-[0-9a-f]{24}$/);
  });
});

describe('hostile text never reaches a finding as markup', () => {
  test('a self-chosen account name, user agent, source address and event ID full of markup, mentions, links and control characters', async () => {
    // GIVEN a member account that named itself with markup, and a record with hostile values
    const hostileName = '<img src=x onerror=alert(1)>[click](https://evil.example) @here `code` *b* \u202Eevil\u0007';
    const { deps, findings } = setup({ describeAccount: async () => hostileName });
    const r = record('root-access-key-api-call');
    r.userAgent = '<script>alert(1)</script> https://evil.example/x?<b>';
    r.sourceIPAddress = '198.51.100.77\n<a href="javascript:x">';
    r.eventID = '<b>id</b>\u0000';
    r.errorCode = '[link](http://evil.example)';
    // WHEN
    await notify(orgTrailDelivery('555566667777', 'us-east-1', [r]), deps);
    // THEN
    const [f] = findings();
    expect(validateAsff(f)).toEqual([]);
    const texts = [f.Title, f.Description, ...Object.keys(f.ProductFields), ...Object.values(f.ProductFields)];
    for (const t of texts) {
      expect(t).toMatch(/^[\x20-\x7e]*$/);
      expect(t).not.toMatch(/[<>`*~|[\]{}\\]/);
      expect(t).not.toContain('://');
    }
    expect(f.Title).toContain('self-named');
    // The source URL carries the values encoded only.
    expect(f.SourceUrl).not.toMatch(/[<>\s"]/);
  });

  test('every value is cut to the documented lengths: title 256, description 1,024, product field values 2,048', async () => {
    const { deps, findings } = setup({ describeAccount: async () => 'N'.repeat(50) });
    const records = Array.from({ length: 120 }, (_, i) => ({
      ...record('root-access-key-api-call'),
      eventID: `${String(i).padStart(4, '0')}-${'e'.repeat(120)}`,
      sourceIPAddress: `198.51.${Math.floor(i / 250)}.${i % 250}`,
      userAgent: 'u'.repeat(5000),
      eventTime: new Date(Date.parse('2026-11-27T11:20:05Z') + i * 1000).toISOString(),
    }));
    await notify(orgTrailDelivery('555566667777', 'us-east-1', records), deps);
    const [f] = findings();
    expect(validateAsff(f)).toEqual([]);
    expect(f.ProductFields[`${NOTIFIER_ACCOUNT}/default/EventIds`].length).toBeLessThanOrEqual(2048);
    expect(f.ProductFields[`${NOTIFIER_ACCOUNT}/default/EventCount`]).toBe('120');
    expect(f.Description.length).toBeLessThanOrEqual(1024);
  });
});

describe('a failed import never blocks or duplicates a message, and is counted', () => {
  const keyCall = () => orgTrailDelivery('555566667777', 'us-east-1', [record('root-access-key-api-call')]);

  test('the import comes after the publish, never before', async () => {
    const { deps, order } = setup();
    await notify(keyCall(), deps);
    expect(order).toEqual(['publish', 'import']);
  });

  test('BatchImportFindings throws (Security Hub not enabled, no permission): the message went out once, the failure is logged and counted; a retry publishes nothing', async () => {
    const { sent, logs, deps, counted } = setup({}, async () => {
      throw Object.assign(new Error('Account 111111111111 is not subscribed to AWS Security Hub'), { name: 'InvalidAccessException' });
    });
    const delivery = keyCall();
    const result = await notify(delivery, deps);
    expect(sent).toHaveLength(1);
    expect(result).toMatchObject({ published: 1, findingsImported: 0, findingImportFailures: 1 });
    expect(counted).toEqual([1]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', message: FINDING_IMPORT_FAILED, error: 'InvalidAccessException' }));
    // Lambda would not retry (nothing thrown); a redelivery of the same events publishes nothing again.
    const again = await notify(delivery, deps);
    expect(again.published).toBe(0);
    expect(sent).toHaveLength(1);
  });

  test('a partial failure (FailedCount, FailedFindings) counts the failed findings', async () => {
    const { sent, logs, deps, counted } = setup({}, async (findings) => ({
      failedCount: 1, failed: [{ id: findings[0].Id, errorCode: 'InvalidInput', errorMessage: 'Finding does not adhere to ASFF' }],
    }));
    const result = await notify(orgTrailDelivery('111122223333', 'us-east-1', [record('root-password-recovery-requested'), record('root-console-login-success-no-mfa')]), deps);
    expect(sent).toHaveLength(2);
    expect(result).toMatchObject({ published: 2, findingsImported: 1, findingImportFailures: 1 });
    expect(counted).toEqual([1]);
    expect(logs).toContainEqual(expect.objectContaining({
      level: 'error',
      message: FINDING_IMPORT_FAILED,
      failedCount: 1,
      failedFindings: [expect.objectContaining({ errorCode: 'InvalidInput' })],
    }));
  });

  test('FailedCount without FailedFindings is still a failure', async () => {
    const { deps, counted } = setup({}, async () => ({ failedCount: 1, failed: [] }));
    const result = await notify(keyCall(), deps);
    expect(result).toMatchObject({ findingsImported: 0, findingImportFailures: 1 });
    expect(counted).toEqual([1]);
  });

  test('an import that never answers is given up after its timeout; the invocation ends normally', async () => {
    const { sent, deps, counted } = setup({ importTimeoutMs: 20 }, () => new Promise(() => undefined));
    const result = await notify(keyCall(), deps);
    expect(sent).toHaveLength(1);
    expect(result).toMatchObject({ findingImportFailures: 1 });
    expect(counted).toEqual([1]);
  });

  test('too little time left before the deadline: nothing is imported, the message went out, the finding is counted as failed', async () => {
    let remaining = 60_000;
    const { sent, deps, requests, counted } = setup({ remainingTimeMs: () => remaining });
    const publish = deps.publish;
    const result = await notify(keyCall(), { ...deps, publish: async (input) => { await publish(input); remaining = 5500; } });
    expect(sent).toHaveLength(1);
    expect(requests).toHaveLength(0);
    expect(result).toMatchObject({ findingsImported: 0, findingImportFailures: 1 });
    expect(counted).toEqual([1]);
  });

  test('a message that could not be published gets no finding', async () => {
    const { deps, requests } = setup({ publish: async () => { throw new Error('SNS is down'); } });
    await expect(notify(keyCall(), deps)).rejects.toThrow(/could not be published/);
    expect(requests).toHaveLength(0);
  });

  test('without a product ARN (the default) nothing is imported and the result has no finding counts', async () => {
    const { deps, requests } = setup({ findingProductArn: undefined });
    const result = await notify(keyCall(), deps);
    expect(requests).toHaveLength(0);
    expect(result).toEqual({ messageType: 'DATA_MESSAGE', events: 1, skipped: 0, published: 1, suppressed: 0 });
  });
});

describe('requests and the metric', () => {
  test('at most 100 findings per request', () => {
    const f = (i: number) => ({ Id: `f${i}` }) as unknown as AsffFinding;
    expect(importBatches(Array.from({ length: 250 }, (_, i) => f(i))).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(importBatches([])).toEqual([]);
  });

  test('the failures are one embedded-metric-format line: FindingImportFailures by FunctionName in cdk-root-usage-alarm', () => {
    const line = JSON.parse(findingImportFailuresMetricLine('fn', 3, 1764252000000));
    expect(line._aws).toEqual({
      Timestamp: 1764252000000,
      CloudWatchMetrics: [{ Namespace: 'cdk-root-usage-alarm', Dimensions: [['FunctionName']], Metrics: [{ Name: 'FindingImportFailures', Unit: 'Count' }] }],
    });
    expect(line).toMatchObject({ FunctionName: 'fn', FindingImportFailures: 3 });
  });

  test('the validator itself rejects what the documentation forbids', () => {
    const good: Record<string, any> = {
      SchemaVersion: '2018-10-08',
      Id: 'x',
      ProductArn: PRODUCT_ARN,
      GeneratorId: 'g',
      AwsAccountId: NOTIFIER_ACCOUNT,
      Types: ['Unusual Behaviors/User'],
      CreatedAt: '2026-11-27T11:20:05Z',
      UpdatedAt: '2026-11-27T11:20:05.123Z',
      Severity: { Label: 'HIGH' },
      Title: 't',
      Description: 'd',
      Resources: [{ Type: 'AwsAccount', Id: 'AWS::::Account:222222222222' }],
    };
    expect(validateAsff(good)).toEqual([]);
    expect(validateAsff({ ...good, Title: 'x'.repeat(257) })).toHaveLength(1);
    expect(validateAsff({ ...good, Types: ['Bad Namespace/User'] })).toHaveLength(1);
    expect(validateAsff({ ...good, CreatedAt: '2026-11-27 11:20:05' })).toHaveLength(1);
    expect(validateAsff({ ...good, AwsAccountId: '222222222222' })).toHaveLength(1);
    expect(validateAsff({ ...good, Workflow: { Status: 'NEW' } })).toHaveLength(1);
    expect(validateAsff({ ...good, Description: ' ' })).toHaveLength(1);
    expect(validateAsff({ ...good, ProductFields: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) })).toHaveLength(1);
  });
});
