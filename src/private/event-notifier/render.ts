import { describeEvent, headline, RootUseKind } from './classify';
import { RootEvent } from './cloudtrail';
import { Expectation, expectationLabel } from './expectation';
import { DEFAULT_FIRST_SEEN_WINDOW_SECONDS, FirstSeen, firstSeenLine } from './first-seen';
import { EventGroup, isAssumeRootSession } from './group';
import { alarmUrl, insightsString, logsInsightsUrl, shiftIso } from './links';
import { redactRecord } from './redact';
import { ReportedEvent, ReportedVia } from './session-store';
import { Severity, severityPrefix } from './severity';
import { chatCode, chatWord, MAX_SUBJECT_CHARS, oneLine, prefixWithinBytes, safeBody, toSubjectText, truncateChars, utf8Bytes } from './text';

/** What the session memory knew before this message: it continues a session already reported. */
export interface Continuation {
  /** When the session was first reported (ms since the epoch). */
  readonly firstReportedAt: number;
  readonly via: ReportedVia;
  /** Events reported before this message. */
  readonly eventsSoFar: number;
  /** The latest of them, oldest first. */
  readonly earlier: readonly ReportedEvent[];
  /** This message holds the session's AssumeRoot call, and the earlier events were its actions. */
  readonly callArrivedLate: boolean;
}

/**
 * An account's name and who chose it: the account itself (Organizations: any member account
 * may set its own name, `account:PutAccountName`), or the platform team (the construct's
 * `accountNames`). A name the account set is always shown marked as such.
 */
export interface AccountName {
  readonly name: string;
  readonly setByAccount: boolean;
}

/** The first words of the log path's line for root use the real-time path did not forward (docs/event-notifications.md quotes it). */
export const NOT_SEEN_IN_REAL_TIME = 'Not seen in real time';

/** Where the events came from and where links point. */
export interface RenderContext {
  /** The account's name, when known. */
  readonly accountName?: AccountName;
  /** The name of the calling account of the AssumeRoot call, when known. */
  readonly callerAccountName?: AccountName;
  /** Sessions of this account and kind held back by the flood bound in the previous window, reported here. */
  readonly heldBefore?: number;
  /** The region of the log group and the alarm (the function's region). */
  readonly region: string;
  /** The log group the subscription delivered from. */
  readonly logGroupName: string;
  /** The root-usage alarm's name; no alarm link when empty. */
  readonly alarmName: string;
  /** The chat thread of the session (threadIdFor); one per session, never shared. */
  readonly threadId?: string;
  /** Set when the session was reported before. */
  readonly continuation?: Continuation;
  /** The log path: the real-time path should have forwarded these events and did not (the forwarder's account and region). */
  readonly notSeenInRealTime?: { readonly accountId: string; readonly region: string };
  /** The log path: the real-time path held this session back (the flood bound or the continuation bound). */
  readonly heldInRealTime?: boolean;
  /** Real time: the session's events held back since its previous real-time message (the continuation bound), reported here. */
  readonly heldSince?: { readonly count: number; readonly events: readonly HeldEvent[] };
  /** Severity, expected or not, first seen (notify.ts, from severity.ts, expectation.ts, first-seen.ts). */
  readonly verdict?: Verdict;
}

/**
 * What a message says about how urgent it is: the subject starts with the severity; the email and
 * the chat show it, the "Expected: <name>" / "Unexpected" label and, for an AssumeRoot call, first seen.
 */
export interface Verdict {
  readonly severity: Severity;
  readonly expectation: Expectation;
  /** For a message holding an AssumeRoot call that opened a session. */
  readonly firstSeen?: FirstSeen;
  /** The first-seen window (for the first-seen line). */
  readonly firstSeenWindowSeconds?: number;
}

/** The verdict's lines of the email text (fixed words and the deployer's entry name). */
export function verdictLines(v: Verdict): string[] {
  const lines = [`Severity:    ${v.severity}`, `Expected?:   ${oneLine(expectationLabel(v.expectation), 300)}`];
  if (v.firstSeen) lines.push(`First seen:  ${firstSeenLine(v.firstSeen, v.firstSeenWindowSeconds ?? DEFAULT_FIRST_SEEN_WINDOW_SECONDS)}`);
  return lines;
}

/** The verdict's lines of the chat description (the entry name in a code span). */
function verdictChatLines(v: Verdict): string[] {
  const x = v.expectation;
  const lines = [`*Severity:* ${v.severity}`, x.expected ? `*Expected:* \`${chatCode(x.name, 80)}\`` : `*Unexpected*${x.pending ? ' (so far: an AssumeRoot call for these credentials has not arrived)' : ''}`];
  if (v.firstSeen === 'first-time') lines.push('*First time:* this caller, task and account were not seen in the first-seen window');
  if (v.firstSeen === 'unknown') lines.push('*First-seen unknown:* the session memory could not be read');
  return lines;
}

/** An event held back in real time, as the session's slot remembers it. */
export interface HeldEvent {
  readonly id: string;
  readonly name: string;
  readonly time: string;
}

/** The continuation bound's interval in words (REALTIME_CONTINUATION_SECONDS in session-store.ts). */
const CONTINUATION_WORDS = 'at most one message per session every 5 minutes in real time';

/** `1 event`, `3 events`, `2 more events`: a count and its noun, singular or plural. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `HH:MM UTC` of a time in ms. */
export function hhmm(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '--:-- UTC' : `${d.toISOString().slice(11, 16)} UTC`;
}

/** "first reported at 10:05 UTC" / "first reported in real time at 10:05 UTC". */
export function firstReported(c: Continuation): string {
  return `first reported${c.via === 'realtime' ? ' in real time' : ''} at ${hhmm(c.firstReportedAt)}`;
}

/** An account name in a subject, or '' when it has no ASCII letter left (then the ID alone). */
export function subjectName(name: string | undefined): string {
  const n = name ? toSubjectText(name) : '';
  return /[A-Za-z]/.test(n) ? n : '';
}

/** A name as the subject shows it: a platform name as it is; a name the account chose marked `self-named`. */
function subjectNamePart(name: AccountName | undefined, room: number): string {
  const n = subjectName(name?.name);
  if (n === '') return '';
  const [pre, post] = name!.setByAccount ? [' (self-named ', ')'] : [' (', ')'];
  const fit = room - pre.length - post.length;
  return fit >= 4 ? `${pre}${truncateChars(n, fit)}${post}` : '';
}

/** An AWS root-task policy (centralized root access): `arn:<partition>:iam::aws:policy/root-task/<Name>`. */
export const AWS_ROOT_TASK_POLICY = /^arn:aws(-[a-z]+)*:iam::aws:policy\/root-task\/[A-Za-z0-9+=,.@_-]{1,128}$/;

/** Whether a task policy ARN is one of AWS's root-task policies (anything else is the caller's text, never printed as a task). */
export function isAwsTaskPolicy(arn: string): boolean {
  return AWS_ROOT_TASK_POLICY.test(arn);
}

/** The caller of an AssumeRoot call, short: `assumed-role/<role>/<session>`, `user/<name>`, or the ARN. */
export function shortCaller(arn: string): string {
  const m = /^arn:[^:]*:(?:sts|iam)::\d{12}:(.+)$/.exec(arn);
  return m ? m[1] : arn;
}

/** Bounds of one message. */
export interface RenderLimits {
  /** At most this many events are listed; the rest are counted ("and K more"). */
  readonly maxEvents: number;
  /** The raw event is cut to this many UTF-8 bytes of pretty-printed JSON. */
  readonly rawEventBytes: number;
  /** At most this many events are listed in the chat notification. */
  readonly maxChatEvents: number;
}

export const DEFAULT_LIMITS: RenderLimits = { maxEvents: 20, rawEventBytes: 16 * 1024, maxChatEvents: 10 };

/** SNS's maximum message size is 256 KiB; the notifier stays well inside it. */
export const MAX_MESSAGE_BYTES = 200 * 1024;

/** The chat description stays within the 3,000 characters of a Slack section block (the custom-notification schema limits could not be confirmed). */
export const MAX_CHAT_DESCRIPTION_CHARS = 3000;

/** One SNS publish: subject and the `MessageStructure: 'json'` message. */
export interface RenderedMessage {
  readonly subject: string;
  /** The plain-text body for email subscribers. */
  readonly email: string;
  /** The custom-notification object for AWS Chatbot / Amazon Q Developer in chat applications. */
  readonly chat: ChatNotification;
  /** JSON.stringify({ default: JSON.stringify(chat), email }), what is published. */
  readonly message: string;
}

/**
 * The custom notification schema of Amazon Q Developer in chat applications (formerly AWS
 * Chatbot), "Custom notifications using Amazon Q Developer in chat applications" (custom-notifs).
 */
export interface ChatNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: string[];
    readonly keywords?: string[];
  };
  readonly metadata?: {
    readonly threadId?: string;
    readonly summary?: string;
    readonly eventType?: string;
    readonly relatedResources?: string[];
    readonly additionalContext?: Record<string, string>;
  };
}

function accountLabel(id: string, name: AccountName | undefined): string {
  const n = name ? oneLine(name.name, 200) : '';
  if (n === '') return oneLine(id, 20);
  return name!.setByAccount ? `${oneLine(id, 20)} (name set by the account itself: "${n}")` : `${oneLine(id, 20)} (${n})`;
}

/** The account for chat: the ID (digits only) and the name reduced to letters, digits, spaces and hyphens, marked when the account chose it. */
function chatAccount(id: string, name: AccountName | undefined): string {
  const digits = id.replace(/[^0-9]/g, '').slice(0, 12) || 'unknown';
  const n = name ? truncateChars(chatWord(name.name), 60) : '';
  if (n === '') return digits;
  return name!.setByAccount ? `${digits} self-named ${n}` : `${digits} ${n}`;
}

/** The task of a group, when it is an AWS root-task policy; '' otherwise. */
function awsTask(group: EventGroup): string {
  const task = group.assumeRoot?.taskPolicyArn || group.assumeRootCall?.taskPolicyArn || '';
  return isAwsTaskPolicy(task) ? task : '';
}

/** Whether the group is denied AssumeRoot calls (one caller, one target, one window). */
function isDeniedGroup(group: EventGroup): boolean {
  return group.sessionKey.startsWith('denied:');
}

/** The accounts whose resources the root user acted on, when not its own. */
function resourceAccounts(group: EventGroup): string[] {
  return distinct(group.events.map((e) => e.event.resourceAccountId));
}

function distinct(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v !== ''))];
}

/** The task of a task policy ARN: `arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy` -> S3UnlockBucketPolicy. */
export function taskName(taskPolicyArn: string): string {
  const i = taskPolicyArn.lastIndexOf('/');
  return i >= 0 ? taskPolicyArn.slice(i + 1) : taskPolicyArn;
}

/**
 * The subject: `<what>: <account id> (<account name>) from <ip>`, under 100 printable ASCII
 * characters. The account name is shortened first, then dropped, so the account ID and the
 * source always fit; the whole is cut as a last resort. Denied AssumeRoot calls name their
 * caller first: `AssumeRoot denied: N calls by <caller account> <caller> for <target>`. A root
 * user acting on another account's resource: `... <account> on a resource of <other account>`.
 * `prefix` (the severity, `[HIGH] `) comes first; the rest shortens to leave room for it.
 */
export function renderSubject(group: EventGroup, accountName: AccountName | undefined, continuation?: Continuation, prefix = ''): string {
  const max = MAX_SUBJECT_CHARS - prefix.length;
  const what = `${headline(group.headlineKind, isAssumeRootSession(group))}${continuation ? ' continues' : ''}`;
  if (isDeniedGroup(group)) {
    const call = group.events[0].event;
    const n = group.events.length;
    const head = `${what}: ${n} call${n === 1 ? '' : 's'} by ${toSubjectText(group.accountId)} `;
    const tail = ` for ${toSubjectText(call.targetAccountId) || 'an unknown account'}`;
    const caller = truncateChars(toSubjectText(shortCaller(call.identityArn)) || 'unknown caller', Math.max(8, max - head.length - tail.length));
    return prefix + truncateChars(`${head}${caller}${tail}`, max);
  }
  const task = awsTask(group);
  let tail: string;
  if (task) {
    tail = `, task ${toSubjectText(taskName(task))}`;
  } else {
    const ips = distinct(group.events.map((e) => e.event.sourceIp));
    tail = ips.length === 1 ? ` from ${toSubjectText(ips[0])}` : ips.length > 1 ? ` from ${ips.length} addresses` : '';
  }
  const others = resourceAccounts(group);
  const on = others.length === 1 ? ` on a resource of ${toSubjectText(others[0])}` : others.length > 1 ? ` on resources of ${others.length} other accounts` : '';
  const count = group.events.length > 1 ? ` (${group.events.length} events)` : '';
  const fixed = `${what}: ${toSubjectText(group.accountId)}`;
  const rest = `${on}${tail}${count}`;
  const namePart = subjectNamePart(accountName, max - fixed.length - rest.length);
  return prefix + truncateChars(`${fixed}${namePart}${rest}`, max);
}

function windowOf(events: readonly RootEvent[]): { start: string; end: string } {
  const times = events.map((e) => e.eventTime).filter((t) => !Number.isNaN(Date.parse(t))).sort();
  const first = times[0] ?? new Date(0).toISOString();
  const last = times[times.length - 1] ?? first;
  // CloudTrail's eventTime and the log event's timestamp differ by the delivery delay: widen.
  return { start: shiftIso(first, -60), end: shiftIso(last, 60) };
}

const INSIGHTS_FIELDS = 'fields @timestamp, recipientAccountId, eventSource, eventName, sourceIPAddress, userIdentity.type, errorCode, eventID';

/** The Logs Insights query for every event of the group's session. */
export function sessionQuery(group: EventGroup): string {
  const clauses: string[] = [];
  if (group.accessKeys.length > 0) {
    const keys = `[${group.accessKeys.slice(0, 20).map((k) => insightsString(k.slice(0, 128))).join(', ')}]`;
    clauses.push(`userIdentity.accessKeyId in ${keys} or responseElements.credentials.accessKeyId in ${keys}`);
  }
  if (group.signInIp !== '') {
    clauses.push(`(userIdentity.type = "Root" and recipientAccountId = ${insightsString(group.accountId.slice(0, 12))}`
      + ` and sourceIPAddress = ${insightsString(group.signInIp.slice(0, 128))})`);
  }
  if (clauses.length === 0) return eventQuery(group.events[0].event);
  return `${INSIGHTS_FIELDS}\n| filter ${clauses.join(' or ')}\n| sort @timestamp asc`;
}

/** The Logs Insights query for one event. */
export function eventQuery(e: RootEvent): string {
  return `fields @timestamp, @message\n| filter eventID = ${insightsString(e.eventId.slice(0, 128))}`;
}

/** A task policy as a body shows it: an AWS root-task policy's ARN, or a note (the caller chose that text). */
function taskText(arn: string): string {
  if (arn === '') return '-';
  return isAwsTaskPolicy(arn) ? arn : '(not an AWS root-task policy: the text the caller sent is not shown here; see the raw record)';
}

function field(label: string, value: string): string {
  return `   ${`${label}:`.padEnd(12)} ${value === '' ? '-' : oneLine(value)}`;
}

/** The raw event, secrets redacted, pretty-printed, cut to `maxBytes` UTF-8 bytes with a note saying so. */
export function rawEventText(e: RootEvent, maxBytes: number): string {
  const pretty = JSON.stringify(redactRecord(e.raw), null, 2);
  const total = utf8Bytes(pretty);
  if (total <= maxBytes) return pretty;
  const cut = prefixWithinBytes(pretty, maxBytes);
  return `${cut}\n... (truncated: ${utf8Bytes(cut)} of ${total} bytes shown)`;
}

/** Renders one group as subject, email text and chat notification, within `limits`. */
export function renderGroup(group: EventGroup, ctx: RenderContext, limits: RenderLimits = DEFAULT_LIMITS): RenderedMessage {
  const c = ctx.continuation;
  const subject = renderSubject(group, ctx.accountName, c, ctx.verdict ? severityPrefix(ctx.verdict.severity) : '');
  const inSession = isAssumeRootSession(group);
  const what = headline(group.headlineKind, inSession);
  const listed = group.events.slice(0, limits.maxEvents);
  const more = group.events.length - listed.length;
  const first = group.events.find((e) => e.kind === group.headlineKind) ?? group.events[0];
  const window = windowOf(group.events.map((e) => e.event));
  const sessionLink = logsInsightsUrl({ region: ctx.region, logGroupName: ctx.logGroupName, query: sessionQuery(group), ...window });
  const eventWindow = windowOf([first.event]);
  const eventLink = logsInsightsUrl({ region: ctx.region, logGroupName: ctx.logGroupName, query: eventQuery(first.event), ...eventWindow });
  const alarmLink = ctx.alarmName !== '' ? alarmUrl(ctx.region, ctx.alarmName) : '';
  const account = accountLabel(group.accountId, ctx.accountName);
  const call = group.assumeRoot;
  const temporary = !inSession && group.accessKeys.some((k) => k.startsWith('ASIA')) && group.signInIp === '';

  const others = resourceAccounts(group);
  const lines: string[] = [];
  if (isDeniedGroup(group)) {
    const e0 = group.events[0].event;
    lines.push(`${what}: ${plural(group.events.length, 'denied call')} by ${oneLine(e0.identityArn) || '-'} (account ${account}) `
      + `for ${oneLine(e0.targetAccountId) || 'an unknown account'}`, '');
  } else if (c) {
    lines.push(`${what} continues in AWS account ${account}: ${firstReported(c)}, ${plural(c.eventsSoFar, 'event')} so far`, '');
  } else {
    lines.push(`${what} in AWS account ${account}`, '');
  }
  if (others.length > 0) {
    lines.push(`The root user of AWS account ${oneLine(group.accountId, 20)} acted on a resource of AWS account ${others.map((o) => oneLine(o, 20)).join(', ')}`
      + ' (the record\'s userIdentity.accountId differs from its recipientAccountId): it is reported against the account whose root user acted.', '');
  }
  if (ctx.heldBefore && ctx.heldBefore > 0) {
    lines.push(`Also: ${plural(ctx.heldBefore, 'more session')} of this kind in this account were held back by the flood bound in the previous window (see the summary message).`, '');
  }
  if (ctx.heldInRealTime) {
    lines.push('These events were held back in real time by the flood bound (a summary message counted them) or by the continuation bound '
      + `(${CONTINUATION_WORDS}): this message reports them.`, '');
  }
  if (ctx.heldSince && ctx.heldSince.count > 0) {
    const listedHeld = ctx.heldSince.events.slice(0, 10);
    lines.push(`Held back since the previous message (${CONTINUATION_WORDS}): ${plural(ctx.heldSince.count, 'event')}, reported here`
      + `${listedHeld.length > 0 ? `: ${listedHeld.map((e) => `${oneLine(e.name, 100) || '-'} at ${oneLine(e.time, 40) || '-'}`).join(', ')}` : ''}`
      + `${ctx.heldSince.count > listedHeld.length ? `${listedHeld.length > 0 ? ' and' : ''} ${ctx.heldSince.count - listedHeld.length} more (see the session's Logs Insights link)` : ''}.`, '');
  }
  if (ctx.notSeenInRealTime) {
    lines.push(`${NOT_SEEN_IN_REAL_TIME}: the forwarder of account ${oneLine(ctx.notSeenInRealTime.accountId, 20)} in region `
      + `${oneLine(ctx.notSeenInRealTime.region, 40)} may be missing or disabled (the log path stays authoritative).`, '');
  }
  if (ctx.verdict) lines.push(...verdictLines(ctx.verdict));
  lines.push(`Account:     ${account}`);
  lines.push(`What:        ${describeEvent(first.event, first.kind)}`);
  lines.push(`Events:      ${group.events.length} in this delivery${more > 0 ? ` (first ${listed.length} listed)` : ''}`);
  if (c) lines.push(`Session:     ${firstReported(c)}; ${plural(c.eventsSoFar, 'event')} reported before this message`);
  lines.push(`First event: ${group.events[0].event.eventTime || '-'}`);
  lines.push(`Last event:  ${group.events[group.events.length - 1].event.eventTime || '-'}`);
  lines.push(`Source IPs:  ${distinct(group.events.map((e) => e.event.sourceIp)).slice(0, 5).map((ip) => oneLine(ip, 100)).join(', ') || '-'}`);
  if (call) {
    lines.push('');
    lines.push('Centralized root access session:');
    lines.push(`   Opened by:    ${oneLine(call.callerArn) || '-'}`);
    lines.push(`   From account: ${accountLabel(call.callerAccountId, ctx.callerAccountName)}`);
    lines.push(`   Task policy:  ${taskText(call.taskPolicyArn)}`);
    lines.push(`   Target:       ${oneLine(call.targetAccountId) || '-'}`);
    lines.push(`   Session key:  ${oneLine(call.issuedAccessKeyId) || '-'}`);
    lines.push(`   Opened at:    ${oneLine(call.eventTime) || '-'}`);
  } else if (inSession) {
    lines.push('');
    lines.push('Centralized root access session: the AssumeRoot call that opened it has not arrived yet;');
    lines.push('find it in the management (or delegated administrator) account by this session\'s access key.');
  } else if (temporary) {
    lines.push('');
    lines.push('Temporary credentials (ASIA...): this may be a centralized root access session, opened with sts:AssumeRoot');
    lines.push('from the management or a delegated administrator account, or a console session. If its AssumeRoot call');
    lines.push('arrives later, that message says so and lists these events.');
  }
  if (c && c.callArrivedLate && c.earlier.length > 0) {
    lines.push('');
    lines.push(`Already reported before this call arrived: ${plural(c.eventsSoFar, 'event')} of this session (they were its actions):`);
    for (const r of c.earlier) lines.push(`   ${oneLine(r.time, 40) || '-'}  ${oneLine(r.name, 128) || '-'}  (event ${oneLine(r.id, 100) || '-'})`);
    if (c.eventsSoFar > c.earlier.length) lines.push(`   ... and ${c.eventsSoFar - c.earlier.length} earlier`);
  } else if (c && c.earlier.length > 0) {
    lines.push('');
    lines.push(`Reported before (latest ${c.earlier.length} of ${c.eventsSoFar}): ${c.earlier.map((e) => `${oneLine(e.name, 128)} ${oneLine(e.time, 40)}`).join(', ')}`);
  }
  lines.push('', 'Events (UTC):');
  listed.forEach((ce, i) => {
    const e = ce.event;
    lines.push(`${i + 1}. ${oneLine(e.eventName, 200)} (${oneLine(e.eventSource, 200)}): ${describeEvent(e, ce.kind)}`);
    lines.push(field('Time', e.eventTime));
    lines.push(field('Region', e.awsRegion));
    lines.push(field('Source IP', e.sourceIp));
    lines.push(field('User agent', e.userAgent));
    if (e.errorCode !== '' || e.errorMessage !== '') lines.push(field('Error', [e.errorCode, e.errorMessage].filter((s) => s !== '').join(': ')));
    if (ce.kind === 'assume-root-call' || ce.kind === 'assume-root-denied') {
      lines.push(field('Caller', e.identityArn));
      lines.push(field('Target', e.targetAccountId));
      lines.push(`   ${'Task policy:'.padEnd(12)} ${taskText(e.taskPolicyArn)}`);
    }
    lines.push(field('Event ID', e.eventId));
  });
  if (more > 0) lines.push(`... and ${plural(more, 'more event')} (not listed; see the session query below).`);
  lines.push('', 'Links:');
  lines.push(`Logs Insights, this session: ${sessionLink}`);
  lines.push(`Logs Insights, event ${oneLine(first.event.eventId, 100) || '-'}: ${eventLink}`);
  if (alarmLink) lines.push(`Alarm: ${alarmLink}`);
  lines.push('', `Raw event ${oneLine(first.event.eventId, 100)}:`, rawEventText(first.event, limits.rawEventBytes));
  lines.push('', `Sent by the root-usage event notifier (cdk-root-usage-alarm) for log group ${oneLine(ctx.logGroupName, 512)} in ${ctx.region}.`);
  const email = safeBody(lines.join('\n'));

  const chat = renderChat(group, limits, ctx, { what, sessionLink, eventLink, alarmLink });
  const message = JSON.stringify({ default: JSON.stringify(chat), email });
  return { subject, email, chat, message };
}

function renderChat(
  group: EventGroup, limits: RenderLimits, ctx: RenderContext,
  r: { what: string; sessionLink: string; eventLink: string; alarmLink: string },
): ChatNotification {
  const call = group.assumeRoot;
  const c = ctx.continuation;
  const account = chatAccount(group.accountId, ctx.accountName);
  // Title and summary: fixed words, the account ID, the name reduced to a safe alphabet, numbers.
  const title = isDeniedGroup(group)
    ? `${r.what}: ${plural(group.events.length, 'call')} by ${account} ${chatWord(shortCaller(group.events[0].event.identityArn)).slice(0, 60)} for ${group.events[0].event.targetAccountId.replace(/[^0-9]/g, '').slice(0, 12) || 'unknown'}`
    : `${r.what}${c ? ' continues' : ''}: ${account}${group.events.length > 1 ? ` (${group.events.length} events)` : ''}`
      + (resourceAccounts(group).length > 0 ? ` on a resource of ${resourceAccounts(group).map((o) => o.replace(/[^0-9]/g, '').slice(0, 12)).join(' ')}` : '');
  const head: string[] = [];
  if (ctx.verdict) head.push(...verdictChatLines(ctx.verdict));
  head.push(`*Account:* ${account}`);
  head.push(`*Events:* ${group.events.length} in this delivery`);
  if (c) head.push(`*Continues:* ${firstReported(c)}, ${plural(c.eventsSoFar, 'event')} so far`);
  if (call) {
    head.push(`*Opened by:* \`${chatCode(call.callerArn)}\` in ${chatAccount(call.callerAccountId, ctx.callerAccountName)}`);
    head.push(`*Task policy:* ${isAwsTaskPolicy(call.taskPolicyArn) ? `\`${chatCode(call.taskPolicyArn)}\`` : 'not an AWS root-task policy (see the email)'}`);
  }
  if (c && c.callArrivedLate) head.push(`*Already reported:* ${plural(c.eventsSoFar, 'earlier event')} were this session's actions`);
  if (ctx.heldInRealTime) head.push('*Held in real time:* held back in real time by the flood bound or the continuation bound, reported here');
  if (ctx.heldSince && ctx.heldSince.count > 0) {
    const names = ctx.heldSince.events.slice(0, 5).map((e) => `\`${chatCode(e.name, 60)}\``).join(' ');
    head.push(`*Held since the previous message:* ${plural(ctx.heldSince.count, 'event')}${names !== '' ? ` (${names}${ctx.heldSince.count > 5 ? ' ...' : ''})` : ''}`);
  }
  if (ctx.notSeenInRealTime) {
    head.push(`*${NOT_SEEN_IN_REAL_TIME}:* the forwarder of account ${ctx.notSeenInRealTime.accountId.replace(/[^0-9]/g, '').slice(0, 12)} in region `
      + `\`${chatCode(ctx.notSeenInRealTime.region, 30)}\` may be missing or disabled (the log path stays authoritative)`);
  }
  const eventLines: string[] = [];
  const listed = group.events.slice(0, limits.maxChatEvents);
  for (const ce of listed) {
    const e = ce.event;
    const err = e.errorCode !== '' ? ` error \`${chatCode(e.errorCode, 100)}\`` : '';
    eventLines.push(`• \`${chatCode(e.eventTime, 40)}\` \`${chatCode(e.eventName, 100)}\` \`${chatCode(e.eventSource, 100)}\` in \`${chatCode(e.awsRegion, 30)}\` from \`${chatCode(e.sourceIp, 100)}\`${err}: ${describeEvent(e, ce.kind)}`);
  }
  let description = `${head.join('\n')}\n${eventLines.join('\n')}`;
  const more = group.events.length - listed.length;
  const moreLine = (n: number) => `\n…and ${plural(n, 'more event')}`;
  // Drop listed events from the end until the description fits.
  let shown = eventLines.length;
  while (description.length + (more > 0 || shown < eventLines.length ? 40 : 0) > MAX_CHAT_DESCRIPTION_CHARS && shown > 0) {
    shown--;
    description = `${head.join('\n')}\n${eventLines.slice(0, shown).join('\n')}`;
  }
  const notShown = group.events.length - shown;
  if (notShown > 0) description += moreLine(notShown);
  description = truncateChars(description, MAX_CHAT_DESCRIPTION_CHARS);

  const nextSteps = [
    `Query this session in CloudWatch Logs Insights: ${r.sessionLink}`,
    `Query the first event: ${r.eventLink}`,
  ];
  if (r.alarmLink) nextSteps.push(`Root-usage alarm: ${r.alarmLink}`);
  nextSteps.push('Confirm with the account owner that this root use was expected; if not, follow your incident response runbook.');
  const threadId = ctx.threadId ?? `root-usage-${group.accountId.replace(/[^0-9]/g, '')}`;
  return {
    version: '1.0',
    source: 'custom',
    id: truncateChars(`${group.accountId}-${group.events[0].event.eventId}`.replace(/[^A-Za-z0-9-]/g, ''), 128),
    content: {
      textType: 'client-markdown',
      title: `:rotating_light: ${ctx.verdict ? severityPrefix(ctx.verdict.severity) : ''}${truncateChars(title, 200)}`,
      description,
      nextSteps,
      keywords: distinct(['root-usage', group.headlineKind, group.accountId.replace(/[^0-9]/g, '')]),
    },
    metadata: {
      threadId: truncateChars(threadId.replace(/[^A-Za-z0-9-]/g, ''), 128),
      summary: truncateChars(title, 200),
      eventType: 'RootUsage',
    },
  };
}

/**
 * The minimal message of a group that could not be rendered (a record nested too deep, an
 * impossible time, anything): fixed words, the account, the kind, the event IDs and a Logs
 * Insights link that finds them. Bounded whatever the input.
 */
export function renderFallback(group: EventGroup, ctx: RenderContext, nowMs: number): RenderedMessage {
  const accountId = group.accountId.replace(/[^0-9]/g, '').slice(0, 12) || 'unknown';
  const ids = group.events.map((e) => e.event.eventId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64)).filter((id) => id !== '').slice(0, 50);
  const what = headline(group.headlineKind, isAssumeRootSession(group));
  const prefix = ctx.verdict ? severityPrefix(ctx.verdict.severity) : '';
  const subject = prefix + truncateChars(`${what}${ctx.continuation ? ' continues' : ''}: ${accountId} (details could not be rendered)`, MAX_SUBJECT_CHARS - prefix.length);
  const now = new Date(Number.isFinite(nowMs) ? nowMs : 0).toISOString();
  const query = ids.length > 0
    ? `fields @timestamp, @message\n| filter eventID in [${ids.map(insightsString).join(', ')}]`
    : `fields @timestamp, @message\n| filter recipientAccountId = ${insightsString(accountId)}`;
  const link = logsInsightsUrl({ region: ctx.region.replace(/[^a-z0-9-]/g, ''), logGroupName: ctx.logGroupName, query, start: shiftIso(now, -24 * 60), end: shiftIso(now, 5) });
  const email = safeBody([
    `${what} in AWS account ${accountId}`,
    '',
    'The details of these events could not be rendered (see the function\'s log for why); here is what is certain.',
    ...(ctx.verdict ? verdictLines(ctx.verdict) : []),
    `Account:     ${accountId}`,
    `Kind:        ${group.headlineKind}`,
    `Events:      ${group.events.length}`,
    `Event IDs:   ${ids.join(', ') || '-'}${group.events.length > ids.length ? ' ...' : ''}`,
    `Logs Insights, these events (last 24 hours): ${link}`,
  ].join('\n'));
  const chat: ChatNotification = {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `:rotating_light: ${prefix}${what}: ${accountId}`,
      description: `*Account:* ${accountId}\n*Events:* ${group.events.length}\nThe details could not be rendered: see the email or the Logs Insights link.`,
      nextSteps: [`Query these events in CloudWatch Logs Insights: ${link}`],
      keywords: ['root-usage', group.headlineKind, accountId],
    },
    metadata: {
      threadId: truncateChars((ctx.threadId ?? `root-usage-${accountId}`).replace(/[^A-Za-z0-9-]/g, ''), 128),
      summary: `${what}: ${accountId}`,
      eventType: 'RootUsage',
    },
  };
  return { subject, email, chat, message: JSON.stringify({ default: JSON.stringify(chat), email }) };
}

/**
 * Renders within SNS's size limit: if the message is larger than MAX_MESSAGE_BYTES (possible
 * only with very large records), the raw event and then the number of listed events are halved
 * until it fits.
 */
export function renderWithinLimit(group: EventGroup, ctx: RenderContext, limits: RenderLimits = DEFAULT_LIMITS): RenderedMessage {
  let current = limits;
  for (;;) {
    const rendered = renderGroup(group, ctx, current);
    if (utf8Bytes(rendered.message) + utf8Bytes(rendered.subject) <= MAX_MESSAGE_BYTES) return rendered;
    if (current.rawEventBytes > 512) {
      current = { ...current, rawEventBytes: Math.floor(current.rawEventBytes / 2) };
    } else if (current.maxEvents > 1 || current.maxChatEvents > 1) {
      current = {
        ...current,
        maxEvents: Math.max(1, Math.floor(current.maxEvents / 2)),
        maxChatEvents: Math.max(1, Math.floor(current.maxChatEvents / 2)),
      };
    } else {
      // One event, 512 bytes of raw JSON, fields of at most 1,000 characters: this fits; if it
      // does not, something unforeseen is that large, and the caller sends the fallback message.
      if (utf8Bytes(rendered.message) + utf8Bytes(rendered.subject) > MAX_MESSAGE_BYTES) {
        throw new Error(`the message is ${utf8Bytes(rendered.message)} bytes even at its smallest`);
      }
      return rendered;
    }
  }
}

/** Sessions of one account and kind held back by the flood bound, reported in one summary message. */
export interface HeldSummary {
  readonly accountId: string;
  readonly kind: RootUseKind;
  /** The sessions held back by this delivery. */
  readonly groups: readonly EventGroup[];
  /** Held back in this window before this delivery (counted, not yet in a summary). */
  readonly heldBefore: number;
  /** Held back in the previous window after its summary, carried into this one. */
  readonly carried: number;
  /** The window's start, ms since the epoch. */
  readonly windowStart: number;
  readonly windowSeconds: number;
  /** Messages per account and kind per window. */
  readonly bound: number;
}

/** The context of a summary message. */
export interface SummaryContext {
  readonly accountName?: AccountName;
  readonly region: string;
  readonly logGroupName: string;
  readonly alarmName: string;
  /** The summary's severity (severity.ts): the subject starts with it. */
  readonly severity?: Severity;
}

/**
 * The one message beyond the flood bound: how many sessions of one kind in one account were held
 * back, and (at most 20) which; a Logs Insights link finds them all. Fixed words, the account, counts.
 */
export function renderSummary(s: HeldSummary, ctx: SummaryContext): RenderedMessage {
  const what = headline(s.kind, false);
  const sessions = s.groups.length + s.heldBefore + s.carried;
  const events = s.groups.reduce((n, g) => n + g.events.length, 0);
  const accountId = s.accountId.replace(/[^0-9]/g, '').slice(0, 12) || 'unknown';
  const fixed = `${what}: ${sessions} more held back for ${accountId}`;
  const suffix = ` (flood, ${s.bound} per ${s.windowSeconds / 60} min)`;
  const prefix = ctx.severity ? severityPrefix(ctx.severity) : '';
  const room = MAX_SUBJECT_CHARS - prefix.length;
  const subject = prefix + truncateChars(`${fixed}${subjectNamePart(ctx.accountName, room - fixed.length - suffix.length)}${suffix}`, room);
  const account = accountLabel(accountId, ctx.accountName);
  const start = new Date(s.windowStart).toISOString();
  const allEvents = s.groups.flatMap((g) => g.events.map((c) => c.event));
  const window = windowOf(allEvents);
  const query = `${INSIGHTS_FIELDS}\n| filter recipientAccountId = ${insightsString(accountId)} or userIdentity.accountId = ${insightsString(accountId)}\n| sort @timestamp asc`;
  const link = logsInsightsUrl({ region: ctx.region, logGroupName: ctx.logGroupName, query, ...window });
  const lines: string[] = [
    `Flood bound reached: ${what} in AWS account ${account}`,
    '',
    ...(ctx.severity ? [`Severity:    ${ctx.severity} (held sessions are not matched against the declared expected root use: Unexpected)`, ''] : []),
    `At most ${s.bound} messages per account and kind are sent in ${s.windowSeconds / 60} minutes (window from ${hhmm(s.windowStart)});`,
    `${plural(s.groups.length, 'more session')} (${plural(events, 'event')}) of this kind were held back by this delivery`
      + (s.heldBefore > 0 ? `, ${s.heldBefore} before it in this window` : '')
      + (s.carried > 0 ? `, ${s.carried} after the summary of the previous window` : '') + '.',
    'Further sessions of this kind in this window are counted and reported with the next window\'s first message.',
    'Alarming kinds (a root sign-in, credential, MFA, login-profile and trail changes, AssumeRoot sessions) are never held back.',
    '',
    'Held back (first 20):',
  ];
  for (const g of s.groups.slice(0, 20)) {
    const e = g.events[0].event;
    if (isDeniedGroup(g)) {
      lines.push(`- ${plural(g.events.length, 'denied call')} by ${oneLine(e.identityArn, 300) || '-'} for ${oneLine(e.targetAccountId, 20) || '-'}, first at ${oneLine(e.eventTime, 40) || '-'}`);
    } else {
      lines.push(`- ${plural(g.events.length, 'event')} from ${oneLine(e.sourceIp, 100) || '-'}, first ${oneLine(e.eventName, 128)} at ${oneLine(e.eventTime, 40) || '-'} (event ${oneLine(e.eventId, 100) || '-'})`);
    }
  }
  if (s.groups.length > 20) lines.push(`... and ${plural(s.groups.length - 20, 'more session')}`);
  lines.push('', `Logs Insights, this account's root events in the window: ${link}`);
  if (ctx.alarmName !== '') lines.push(`Alarm: ${alarmUrl(ctx.region, ctx.alarmName)}`);
  lines.push('', `Window start: ${start}. Sent by the root-usage event notifier (cdk-root-usage-alarm) for log group ${oneLine(ctx.logGroupName, 512)} in ${ctx.region}.`);
  const email = safeBody(lines.join('\n'));
  const chat: ChatNotification = {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `:rotating_light: ${prefix}${truncateChars(`${what}: ${sessions} more held back for ${chatAccount(accountId, ctx.accountName)}`, 200)}`,
      description: truncateChars(`*Account:* ${chatAccount(accountId, ctx.accountName)}\n*Held back:* ${plural(sessions, 'session')}, ${plural(events, 'event')} in this delivery\n`
        + `*Bound:* ${s.bound} messages per account and kind per ${s.windowSeconds / 60} minutes; alarming kinds are never held back`, MAX_CHAT_DESCRIPTION_CHARS),
      nextSteps: [`Query this account's root events in CloudWatch Logs Insights: ${link}`],
      keywords: ['root-usage', 'flood', s.kind, accountId],
    },
    metadata: {
      threadId: `root-usage-flood-${accountId}-${s.kind}`.replace(/[^A-Za-z0-9-]/g, '').slice(0, 128),
      summary: truncateChars(`${what}: ${sessions} more held back for ${accountId}`, 200),
      eventType: 'RootUsage',
    },
  };
  return { subject, email, chat, message: JSON.stringify({ default: JSON.stringify(chat), email }) };
}
