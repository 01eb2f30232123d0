/**
 * Security Hub CSPM findings (eventNotifierOptions.securityHubFindings): one finding in the AWS
 * Security Finding Format (ASFF) per root session, imported with BatchImportFindings after the
 * session's message went out, never before it and never instead of it.
 *
 * The rules this follows (AWS Security Hub API Reference, BatchImportFindings and
 * AwsSecurityFinding; Security Hub User Guide, "BatchImportFindings for finding providers",
 * "Required top-level ASFF attributes", "Optional top-level attributes", "Types taxonomy for ASFF"):
 * - With the default product ARN (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`),
 *   only the account whose ID is the finding's `AwsAccountId` may import it. So the notifier
 *   imports into its own account and region (where the trail's log group is: in a Control Tower
 *   landing zone the management account, whose Security Hub is usually the aggregator), with its
 *   own account as `AwsAccountId`, and names the account whose root user acted as the resource
 *   (`AwsAccount`, `AWS::::Account:<id>`).
 * - BatchImportFindings creates a finding when its `Id` is new for the product, and updates it
 *   when the `Id` exists and `UpdatedAt` is later than the stored one. The `Id` is derived from
 *   the session's chat thread (notify.ts threadIdFor, kept in the session memory), so every
 *   continuation, and the log path's delivery after the real-time path, updates the same finding.
 * - `Workflow`, `Note`, `UserDefinedFields` and `VerificationState` belong to the team (BatchUpdateFindings,
 *   the console): never sent. `RecordState` is left unset (a new finding is ACTIVE); `Region` is
 *   set by Security Hub (it cannot be imported). `Severity` and `Types` are also given in
 *   `FindingProviderFields`, the provider's own copy that BatchUpdateFindings cannot change.
 * - Lengths: `Id` and `GeneratorId` 1-512, `Title` 1-256, `Description` 1-1024,
 *   `ProductName`/`CompanyName` 1-128, `Severity.Original` 1-64; at most 50 `Types` and 1-32
 *   `Resources` (a resource `Type` at most 256); `ProductFields` at most 50 pairs, keys at most
 *   128 and values at most 2048 characters; every string has a non-space character
 *   (`.*\S.*`); timestamps `YYYY-MM-DDTHH:MM:SS[.fraction]Z`; at most 240 KB per finding, 100
 *   findings and 6 MB per request.
 *
 * Everything a record or an account carries (names, ARNs, addresses, user agents, event IDs) is
 * untrusted: reduced to printable ASCII without the characters that start markup or mentions in the
 * tools findings travel on to (ticketing, chat), and cut to the documented lengths.
 */
import { headline, RootUseKind, safeKeyId } from './classify';
import { RootEvent } from './cloudtrail';
import { NOTIFIER_METRIC_NAMESPACE } from './decode';
import { EventGroup, isAssumeRootSession } from './group';
import { logsInsightsUrl, shiftIso } from './links';
import { AccountName, Continuation, isAwsTaskPolicy, sessionQuery } from './render';
import { ReportedVia, withTimeout } from './session-store';
import { Severity } from './severity';
import { toSubjectText, truncateChars } from './text';

/** The ASFF schema version (the only one AWS publishes). */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** The component that generates every finding of the notifier (stable: a session's kind may change as it continues). */
export const FINDING_GENERATOR_ID = 'cdk-root-usage-alarm/root-usage-event-notifier';

/** What the finding names as its product and company (allowed for a custom integration's default product). */
export const FINDING_PRODUCT_NAME = 'Root usage event notifier';
export const FINDING_COMPANY_NAME = 'cdk-root-usage-alarm';

/** Documented limits of an imported finding. */
export const ASFF_LIMITS = {
  id: 512,
  generatorId: 512,
  title: 256,
  description: 1024,
  productName: 128,
  severityOriginal: 64,
  types: 50,
  resources: 32,
  resourceType: 256,
  productFields: 50,
  productFieldKey: 128,
  productFieldValue: 2048,
  findingBytes: 240 * 1024,
  findingsPerRequest: 100,
  requestBytes: 6 * 1024 * 1024,
} as const;

/** The severity labels of ASFF (SeverityLabel). */
export type SeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** A finding's severity: its label, and the score (0-100) sent as `Original`. */
export interface FindingSeverity {
  readonly label: SeverityLabel;
  readonly score: number;
}

/** One resource of a finding (the subset the notifier sends). */
export interface AsffResource {
  readonly Type: string;
  readonly Id: string;
  readonly Partition?: AsffPartition;
  readonly ResourceRole?: 'Actor' | 'Target';
}

/** The finding the notifier imports (a subset of AwsSecurityFinding, as the API takes it). */
export interface AsffFinding {
  readonly SchemaVersion: string;
  readonly Id: string;
  readonly ProductArn: string;
  readonly ProductName: string;
  readonly CompanyName: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly FirstObservedAt: string;
  readonly LastObservedAt: string;
  readonly Severity: { readonly Label: SeverityLabel; readonly Original: string };
  readonly FindingProviderFields: {
    readonly Severity: { readonly Label: SeverityLabel; readonly Original: string };
    readonly Types: string[];
  };
  readonly Title: string;
  readonly Description: string;
  readonly SourceUrl?: string;
  readonly Resources: AsffResource[];
  readonly ProductFields: Record<string, string>;
}

/** The AWS partitions of ASFF's Resource.Partition. */
export type AsffPartition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-us-iso' | 'aws-us-iso-b';
const PARTITIONS: ReadonlySet<string> = new Set<AsffPartition>(['aws', 'aws-cn', 'aws-us-gov', 'aws-us-iso', 'aws-us-iso-b']);

/** The default product ARN of a custom integration, as EventNotifier passes it (SECURITY_HUB_PRODUCT_ARN). */
const DEFAULT_PRODUCT_ARN = /^arn:(aws[a-z-]*):securityhub:([a-z0-9-]+):(\d{12}):product\/(\d{12})\/default$/;

/** The parts of a default product ARN, or undefined when it is not one. */
export function parseProductArn(arn: string): { partition: string; region: string; accountId: string } | undefined {
  const m = DEFAULT_PRODUCT_ARN.exec(arn);
  if (!m || m[3] !== m[4]) return undefined;
  return { partition: m[1], region: m[2], accountId: m[3] };
}

/** Kinds that change the root user's credentials or what CloudTrail records: how an intruder keeps root access or hides. */
const CREDENTIAL_OR_TRAIL: ReadonlySet<RootUseKind> = new Set<RootUseKind>([
  'tamper', 'trail-change', 'root-access-key-change', 'root-mfa-change', 'root-login-profile-change', 'root-password-change',
]);

/** Attempts that opened nothing: failed sign-ins and password changes, password recovery, denied AssumeRoot calls. */
const ATTEMPTS: ReadonlySet<RootUseKind> = new Set<RootUseKind>([
  'root-password-change-failure', 'console-sign-in-failure', 'password-recovery', 'assume-root-denied',
]);

/**
 * The finding's severity, from the session's headline kind and whose root user it is.
 * `notifierAccountId` is the account the notifier runs in (the trail's: in a Control Tower
 * landing zone the management account), whose root user reaches every account of the organization.
 *
 * - CRITICAL 95: a change to the watch (tamper), and any root session of the notifier's own account
 *   that signed in or changed credentials or the trail;
 * - CRITICAL 90: a change to the root user's credentials (access keys, MFA, password, login
 *   profile) or to a trail, a root sign-in without MFA, any other root use of the notifier's account;
 * - HIGH 70: any other root session (a sign-in with MFA, an API call, a centralized root access
 *   (AssumeRoot) session);
 * - MEDIUM 40: attempts that opened nothing (failed sign-ins or password changes, password
 *   recovery, denied AssumeRoot calls);
 * - LOW 20: other sign-in activity.
 *
 * The message's severity (sessionFindingSeverity) takes over where it is given; this stays the fallback.
 */
export function findingSeverity(group: EventGroup, notifierAccountId: string): FindingSeverity {
  const kind = group.headlineKind;
  const own = group.accountId === notifierAccountId && /^\d{12}$/.test(notifierAccountId);
  if (kind === 'tamper') return { label: 'CRITICAL', score: 95 };
  const signIn = kind === 'console-sign-in-mfa' || kind === 'console-sign-in-no-mfa';
  if (own && (signIn || CREDENTIAL_OR_TRAIL.has(kind))) return { label: 'CRITICAL', score: 95 };
  if (CREDENTIAL_OR_TRAIL.has(kind) || kind === 'console-sign-in-no-mfa') return { label: 'CRITICAL', score: 90 };
  if (ATTEMPTS.has(kind)) return { label: 'MEDIUM', score: 40 };
  if (kind === 'sign-in-activity') return { label: own ? 'MEDIUM' : 'LOW', score: own ? 40 : 20 };
  if (own) return { label: 'CRITICAL', score: 90 };
  return { label: 'HIGH', score: 70 };
}

/** The ASFF types of a kind (namespaces and categories of the documented taxonomy). */
export function findingTypes(kind: RootUseKind): string[] {
  switch (kind) {
    case 'tamper':
    case 'trail-change':
      return ['TTPs/Defense Evasion', 'Unusual Behaviors/User'];
    case 'root-access-key-change':
    case 'root-mfa-change':
    case 'root-login-profile-change':
    case 'root-password-change':
      return ['TTPs/Persistence', 'Unusual Behaviors/User'];
    case 'root-password-change-failure':
    case 'console-sign-in-failure':
    case 'password-recovery':
      return ['TTPs/Credential Access', 'Unusual Behaviors/User'];
    case 'console-sign-in-mfa':
    case 'console-sign-in-no-mfa':
      return ['TTPs/Initial Access', 'Unusual Behaviors/User'];
    case 'assume-root-call':
    case 'assume-root-session-action':
    case 'assume-root-denied':
      return ['TTPs/Privilege Escalation', 'Unusual Behaviors/User'];
    case 'sign-in-activity':
    case 'root-api-call':
      return ['Unusual Behaviors/User'];
  }
}

/**
 * A value from a record or an account, as a finding carries it: printable ASCII only (control
 * characters, line breaks and invisible characters out, other characters '?'), none of the
 * characters that start markup, links or mentions in ticketing and chat tools (`<>&` and the
 * backtick, `*_~|[]{}` are kept out too: `?`), `://` broken, cut to `max` characters; '' when
 * nothing is left.
 */
export function findingText(s: string, max: number): string {
  const ascii = toSubjectText(s).replace(/[<>&`*~|[\]{}\\]/g, '?').replace(/:\/\//g, ': //');
  return truncateChars(ascii, max).trim();
}

/** An account ID as the finding names it: 12 digits, or '' when the record holds anything else. */
function accountIdOf(id: string): string {
  return /^\d{12}$/.test(id) ? id : '';
}

/** ISO 8601 with milliseconds and Z (an ASFF timestamp). */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function distinct(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v !== ''))];
}

function eventTimes(events: readonly RootEvent[]): number[] {
  return events.map((e) => Date.parse(e.eventTime)).filter((t) => !Number.isNaN(t));
}

/** What one published session message gives its finding. */
export interface SessionFindingInput {
  readonly group: EventGroup;
  /** The session's thread (threadIdFor, or remembered): the finding's Id derives from it. */
  readonly threadId: string;
  /** The session was reported before (a continuation): the same finding is updated. */
  readonly continuation?: Continuation;
  /** The event time of the session's first reported event (ms; 0 when unknown), from the session memory. */
  readonly firstEventAt?: number;
  readonly accountName?: AccountName;
  readonly via: ReportedVia;
  /** The product ARN (the notifier's account and region, default product). */
  readonly productArn: string;
  /** The log group the session's events are in (the SourceUrl's Logs Insights query runs over it). */
  readonly logGroupName: string;
  /** The notifier's region (the console link's). */
  readonly region: string;
  /** Now (ms): UpdatedAt. */
  readonly now: number;
  /** The message's severity (severity.ts): the finding's label when given. */
  readonly severity?: Severity;
  /** The message's label: "Expected: <name>" or "Unexpected" (expectation.ts). */
  readonly expectation?: string;
}

/** The finding's score for each message severity (SeverityLabel ranges: LOW 1-39, MEDIUM 40-69, HIGH 70-89, CRITICAL 90-100). */
const SEVERITY_SCORES: Record<Severity, number> = { LOW: 20, MEDIUM: 40, HIGH: 70, CRITICAL: 90 };

/**
 * The finding's severity: the message's (issue 22's rules, so the finding and the message agree),
 * keeping findingSeverity's finer score when both say the same label; findingSeverity alone
 * without a message severity.
 */
export function sessionFindingSeverity(group: EventGroup, notifierAccountId: string, messageSeverity?: Severity): FindingSeverity {
  const own = findingSeverity(group, notifierAccountId);
  if (messageSeverity === undefined || own.label === messageSeverity) return own;
  return { label: messageSeverity, score: SEVERITY_SCORES[messageSeverity] };
}

/** The finding's Id for a session's thread: `<region>/<notifier account>/<thread>`, at most 512 characters. */
export function findingId(productArn: string, threadId: string): string {
  const p = parseProductArn(productArn);
  const thread = threadId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 200) || 'root-usage';
  return `${p?.region ?? 'unknown'}/${p?.accountId ?? 'unknown'}/${thread}`;
}

/** The window of the Logs Insights link: the session's events, widened by an hour each side (the delivery delay), as the message's link. */
function linkWindow(firstMs: number, lastMs: number): { start: string; end: string } {
  return { start: shiftIso(iso(firstMs), -60), end: shiftIso(iso(Math.max(lastMs, firstMs)), 60) };
}

/**
 * The ASFF finding of one published session message. Pure: the same input gives the same
 * finding. CreatedAt and FirstObservedAt are the session's first event time (stable across its
 * updates: the memory keeps it), LastObservedAt its latest event time, UpdatedAt now.
 */
export function buildFinding(input: SessionFindingInput): AsffFinding {
  const { group, now } = input;
  const product = parseProductArn(input.productArn);
  const notifierAccount = product?.accountId ?? '';
  const events = group.events.map((c) => c.event);
  const times = eventTimes(events);
  const firstFresh = times.length > 0 ? Math.min(...times) : now;
  const remembered = input.continuation && input.firstEventAt !== undefined && input.firstEventAt > 0 ? input.firstEventAt : undefined;
  // Never after now (a record may carry any time): UpdatedAt must not be earlier than CreatedAt.
  const firstMs = Math.min(remembered ?? firstFresh, now);
  const lastMs = Math.min(Math.max(times.length > 0 ? Math.max(...times) : firstMs, firstMs), now);
  const severity = sessionFindingSeverity(group, notifierAccount, input.severity);
  const types = findingTypes(group.headlineKind);
  const inSession = isAssumeRootSession(group);
  const what = headline(group.headlineKind, inSession);
  const denied = group.sessionKey.startsWith('denied:');

  // The accounts: the one whose root user acted (or, for denied AssumeRoot calls, the target), and a calling account.
  const first = events[0];
  const target = accountIdOf(denied ? first?.targetAccountId ?? '' : group.assumeRoot?.targetAccountId || group.accountId);
  const caller = accountIdOf(denied ? group.accountId : group.assumeRoot?.callerAccountId ?? '');
  const resources: AsffResource[] = [];
  const partition = product && PARTITIONS.has(product.partition) ? { Partition: product.partition as AsffPartition } : {};
  resources.push(target !== ''
    ? { Type: 'AwsAccount', Id: `AWS::::Account:${target}`, ...partition, ResourceRole: 'Target' }
    : { Type: 'Other', Id: `unknown account ${findingText(group.accountId, 40) || '(none)'}`, ResourceRole: 'Target' });
  if (caller !== '' && caller !== target) resources.push({ Type: 'AwsAccount', Id: `AWS::::Account:${caller}`, ...partition, ResourceRole: 'Actor' });
  for (const other of distinct(events.map((e) => accountIdOf(e.resourceAccountId)))) {
    if (resources.length >= ASFF_LIMITS.resources) break;
    if (other !== target && other !== caller) resources.push({ Type: 'AwsAccount', Id: `AWS::::Account:${other}`, ...partition, ResourceRole: 'Target' });
  }

  const name = input.accountName ? findingText(input.accountName.name, 60) : '';
  const nameText = name === '' ? '' : input.accountName!.setByAccount ? ` (self-named "${name}")` : ` (${name})`;
  const accountText = target !== '' ? target : 'an unknown account';
  const title = denied
    ? `${what}: ${group.events.length} call${group.events.length === 1 ? '' : 's'} by account ${caller || 'unknown'} for account ${accountText}`
    : `${what} in AWS account ${accountText}${nameText}`;

  const callerArn = group.assumeRoot?.callerArn || (denied ? first?.identityArn ?? '' : '');
  const task = group.assumeRoot?.taskPolicyArn || group.assumeRootCall?.taskPolicyArn || '';
  const taskText = task === '' ? '' : isAwsTaskPolicy(task) ? task : '(not an AWS root-task policy)';
  const ips = distinct(events.map((e) => findingText(e.sourceIp, 64)));
  const regions = distinct(events.map((e) => findingText(e.awsRegion, 32)));
  const eventsSoFar = (input.continuation?.eventsSoFar ?? 0) + events.length;
  const description = [
    `${what}${input.continuation ? ' (continued)' : ''}: ${eventsSoFar} event${eventsSoFar === 1 ? '' : 's'} from ${iso(firstMs)} to ${iso(lastMs)}`,
    ` in AWS account ${accountText}${nameText}.`,
    callerArn !== '' ? ` Caller: ${findingText(callerArn, 200)}${caller !== '' ? ` (account ${caller})` : ''}.` : '',
    taskText !== '' ? ` Task: ${findingText(taskText, 200)}.` : '',
    ips.length > 0 ? ` Source IP${ips.length === 1 ? '' : 's'}: ${ips.slice(0, 5).join(', ')}${ips.length > 5 ? ` and ${ips.length - 5} more` : ''}.` : '',
    ' Reported by the root-usage event notifier, which also sent a message to the alarm topic;',
    ' the source URL opens every event of the session in CloudWatch Logs Insights.',
  ].join('');

  const prefix = product ? `${product.accountId}/default/` : '';
  const fields: Array<[string, string]> = [
    ['Kind', group.headlineKind],
    ['Expected', findingText(input.expectation ?? '', ASFF_LIMITS.productFieldValue)],
    ['Account', target],
    ['AccountName', name],
    ['AccountNameSetBy', name === '' ? '' : input.accountName!.setByAccount ? 'the account itself' : 'the platform team'],
    ['CallerArn', findingText(callerArn, ASFF_LIMITS.productFieldValue)],
    ['CallerAccount', caller],
    ['TaskPolicy', findingText(taskText, ASFF_LIMITS.productFieldValue)],
    ['AccessKeyIds', distinct(group.accessKeys.map(safeKeyId)).join(', ')],
    ['SourceIps', ips.join(', ')],
    ['Regions', regions.join(', ')],
    ['EventNames', distinct(events.map((e) => findingText(`${e.eventSource.replace(/\.amazonaws\.com$/, '')}:${e.eventName}`, 100))).join(', ')],
    ['EventIds', distinct([...(input.continuation?.earlier ?? []).map((e) => e.id), ...events.map((e) => e.eventId)].map((id) => findingText(id, 128))).join(', ')],
    ['EventCount', String(eventsSoFar)],
    ['ErrorCodes', distinct(events.map((e) => findingText(e.errorCode, 100))).join(', ')],
    ['MfaUsed', distinct(events.map((e) => e.mfaUsed)).join(', ')],
    ['UserAgent', findingText(events.find((e) => e.userAgent !== '')?.userAgent ?? '', 512)],
    ['FirstReportedVia', input.continuation ? input.continuation.via : input.via],
    ['ThreadId', findingText(input.threadId, 128)],
  ];
  const productFields: Record<string, string> = {};
  for (const [k, v] of fields) {
    if (Object.keys(productFields).length >= ASFF_LIMITS.productFields) break;
    const value = truncateChars(v, ASFF_LIMITS.productFieldValue).trim();
    if (value !== '') productFields[`${prefix}${k}`.slice(0, ASFF_LIMITS.productFieldKey)] = value;
  }

  const sourceUrl = logsInsightsUrl({
    region: input.region.replace(/[^a-z0-9-]/g, ''),
    logGroupName: input.logGroupName,
    query: sessionQuery(group),
    ...linkWindow(firstMs, lastMs),
  });
  const sev = { Label: severity.label, Original: String(severity.score) };
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: findingId(input.productArn, input.threadId),
    ProductArn: input.productArn,
    ProductName: FINDING_PRODUCT_NAME,
    CompanyName: FINDING_COMPANY_NAME,
    GeneratorId: FINDING_GENERATOR_ID,
    AwsAccountId: notifierAccount,
    Types: types,
    CreatedAt: iso(firstMs),
    UpdatedAt: iso(now),
    FirstObservedAt: iso(firstMs),
    LastObservedAt: iso(lastMs),
    Severity: sev,
    FindingProviderFields: { Severity: sev, Types: types },
    Title: truncateChars(title, ASFF_LIMITS.title),
    Description: truncateChars(description, ASFF_LIMITS.description),
    ...(sourceUrl !== '' ? { SourceUrl: sourceUrl } : {}),
    Resources: resources.slice(0, ASFF_LIMITS.resources),
    ProductFields: productFields,
  };
}

/** What BatchImportFindings answered (the handler maps the SDK's response to this). */
export interface FindingImportResult {
  /** FailedCount. */
  readonly failedCount: number;
  /** FailedFindings: the Id, ErrorCode and ErrorMessage of each finding that was not imported. */
  readonly failed: ReadonlyArray<{ readonly id: string; readonly errorCode: string; readonly errorMessage: string }>;
}

/** What `notify` needs to import findings (NotifierDeps extends it; all optional: no findings without them). */
export interface FindingDeps {
  /**
   * The default product ARN of the notifier's account and region (SECURITY_HUB_PRODUCT_ARN);
   * findings are built and imported only when it is set and `importFindings` exists.
   */
  readonly findingProductArn?: string;
  /** Each BatchImportFindings call gives up after this many ms (IMPORT_TIMEOUT_MS when absent). */
  readonly importTimeoutMs?: number;
  /** One BatchImportFindings call (at most 100 findings); rejects when the API does. */
  importFindings?(findings: readonly AsffFinding[]): Promise<FindingImportResult>;
  /** Counts findings that were not imported (the handler: the embedded metric FindingImportFailures). */
  countFindingImportFailures?(count: number): void;
}

/** Each BatchImportFindings call gives up after this long (the client's own timeout and retry sit inside it). */
export const IMPORT_TIMEOUT_MS = 5000;

/** No import starts with less than this left (on top of the finish reserve): it could not finish. */
export const MIN_IMPORT_MS = 1000;

/** The findings in requests of at most 100 findings and under 6 MB. */
export function importBatches(findings: readonly AsffFinding[]): AsffFinding[][] {
  const batches: AsffFinding[][] = [];
  let current: AsffFinding[] = [];
  let bytes = 0;
  const budget = ASFF_LIMITS.requestBytes - 64 * 1024;
  for (const f of findings) {
    const size = Buffer.byteLength(JSON.stringify(f), 'utf8');
    if (current.length > 0 && (current.length >= ASFF_LIMITS.findingsPerRequest || bytes + size > budget)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The log line of a failed import (docs/security-hub.md quotes it). */
export const FINDING_IMPORT_FAILED = 'Security Hub finding import failed: the message went out; the finding is missing or not updated';

/**
 * Builds each session's finding and imports them, one request after the other (Security Hub allows 10 requests a second),
 * each bounded by IMPORT_TIMEOUT_MS and by the time left before `reserveMs` of the deadline (none
 * starts with less than MIN_IMPORT_MS of it); never
 * throws. A rejected request, a finding in FailedFindings (Security Hub not enabled: InvalidAccess)
 * and a finding not sent for lack of time are each logged and counted as failed; nothing is
 * retried here (the messages went out already, and a retry of the invocation would publish nothing again).
 */
export async function importSessionFindings(
  deps: FindingDeps & { log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void },
  sessions: readonly SessionFindingInput[],
  remainingMs: () => number,
  reserveMs: number,
): Promise<{ imported: number; failed: number }> {
  if (sessions.length === 0 || !deps.importFindings) return { imported: 0, failed: 0 };
  let imported = 0;
  let failed = 0;
  const findings: AsffFinding[] = [];
  for (const s of sessions) {
    try {
      findings.push(buildFinding(s));
    } catch (err) {
      failed++;
      const e = err as { name?: string; message?: string } | undefined;
      deps.log('error', FINDING_IMPORT_FAILED, { reason: 'the finding could not be built', error: e?.name ?? 'Error', errorMessage: e?.message, accountId: s.group.accountId });
    }
  }
  for (const batch of importBatches(findings)) {
    const left = Math.min(deps.importTimeoutMs ?? IMPORT_TIMEOUT_MS, remainingMs() - reserveMs);
    if (left < MIN_IMPORT_MS) {
      failed += batch.length;
      deps.log('error', FINDING_IMPORT_FAILED, { reason: 'too little time left before the function\'s deadline', findings: batch.length, ids: batch.map((f) => f.Id).slice(0, 20) });
      continue;
    }
    try {
      const result = await withTimeout(deps.importFindings(batch), left, 'securityhub:BatchImportFindings');
      const failedHere = Math.min(batch.length, Math.max(result.failedCount, result.failed.length));
      failed += failedHere;
      imported += batch.length - failedHere;
      if (failedHere > 0) {
        deps.log('error', FINDING_IMPORT_FAILED, {
          reason: 'BatchImportFindings returned failed findings',
          failedCount: failedHere,
          failedFindings: result.failed.slice(0, 20).map((f) => ({ id: f.id, errorCode: f.errorCode, errorMessage: f.errorMessage })),
        });
      }
    } catch (err) {
      failed += batch.length;
      const e = err as { name?: string; message?: string } | undefined;
      deps.log('error', FINDING_IMPORT_FAILED, { reason: 'BatchImportFindings failed', error: e?.name ?? 'Error', errorMessage: e?.message, findings: batch.length });
    }
  }
  if (imported > 0) deps.log('info', 'imported Security Hub findings', { imported });
  if (failed > 0) {
    try {
      deps.countFindingImportFailures?.(failed);
    } catch {
      // Counting must not fail the invocation.
    }
  }
  return { imported, failed };
}

/** The embedded metric of failed imports (the alarm EventNotifier.securityHubImportFailuresAlarm watches it). */
export const FINDING_IMPORT_FAILURES_METRIC = 'FindingImportFailures';

/**
 * One CloudWatch embedded-metric-format log line that counts the findings one invocation could
 * not import: metric FINDING_IMPORT_FAILURES_METRIC (Count) in NOTIFIER_METRIC_NAMESPACE,
 * dimension `FunctionName`.
 */
export function findingImportFailuresMetricLine(functionName: string, count: number, now: number): string {
  return JSON.stringify({
    level: 'error',
    message: 'Security Hub findings not imported (the messages went out): see the log lines before this one',
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{
        Namespace: NOTIFIER_METRIC_NAMESPACE,
        Dimensions: [['FunctionName']],
        Metrics: [{ Name: FINDING_IMPORT_FAILURES_METRIC, Unit: 'Count' }],
      }],
    },
    FunctionName: functionName,
    [FINDING_IMPORT_FAILURES_METRIC]: count,
  });
}
