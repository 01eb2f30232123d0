import { describeEvent, headline } from './classify';
import { RootEvent } from './cloudtrail';
import { EventGroup } from './group';
import { alarmUrl, insightsString, logsInsightsUrl, shiftIso } from './links';
import { MAX_SUBJECT_CHARS, oneLine, prefixWithinBytes, toSubjectText, truncateChars, utf8Bytes } from './text';

/** Where the events came from and where links point. */
export interface RenderContext {
  /** The account's name from AWS Organizations, when it could be read. */
  readonly accountName?: string;
  /** The name of the calling account of the AssumeRoot call, when it could be read. */
  readonly callerAccountName?: string;
  /** The region of the log group and the alarm (the function's region). */
  readonly region: string;
  /** The log group the subscription delivered from. */
  readonly logGroupName: string;
  /** The root-usage alarm's name; no alarm link when empty. */
  readonly alarmName: string;
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

function accountLabel(id: string, name: string | undefined): string {
  return name ? `${id} (${oneLine(name, 200)})` : id;
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
 * source always fit; the whole is cut as a last resort.
 */
export function renderSubject(group: EventGroup, accountName: string | undefined): string {
  const hasActions = group.events.some((e) => e.kind === 'assume-root-session-action');
  const what = headline(group.headlineKind, hasActions);
  const call = group.assumeRootCall;
  let tail: string;
  if (call && call.taskPolicyArn) {
    tail = `, task ${toSubjectText(taskName(call.taskPolicyArn))}`;
  } else {
    const ips = distinct(group.events.map((e) => e.event.sourceIp));
    tail = ips.length === 1 ? ` from ${toSubjectText(ips[0])}` : ips.length > 1 ? ` from ${ips.length} addresses` : '';
  }
  const count = group.events.length > 1 ? ` (${group.events.length} events)` : '';
  const fixed = `${what}: ${toSubjectText(group.accountId)}`;
  const rest = `${tail}${count}`;
  const name = accountName ? toSubjectText(accountName) : '';
  const room = MAX_SUBJECT_CHARS - fixed.length - rest.length - 3; // " (" + ")"
  const namePart = name !== '' && room >= 6 ? ` (${truncateChars(name, room)})` : '';
  return truncateChars(`${fixed}${namePart}${rest}`, MAX_SUBJECT_CHARS);
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
    const keys = `[${group.accessKeys.map(insightsString).join(', ')}]`;
    clauses.push(`userIdentity.accessKeyId in ${keys} or responseElements.credentials.accessKeyId in ${keys}`);
  }
  if (group.signInIp !== '') {
    clauses.push(`(userIdentity.type = "Root" and recipientAccountId = ${insightsString(group.accountId)}`
      + ` and sourceIPAddress = ${insightsString(group.signInIp)})`);
  }
  if (clauses.length === 0) return eventQuery(group.events[0].event);
  return `${INSIGHTS_FIELDS}\n| filter ${clauses.join(' or ')}\n| sort @timestamp asc`;
}

/** The Logs Insights query for one event. */
export function eventQuery(e: RootEvent): string {
  return `fields @timestamp, @message\n| filter eventID = ${insightsString(e.eventId)}`;
}

function field(label: string, value: string): string {
  return `   ${`${label}:`.padEnd(12)} ${value === '' ? '-' : oneLine(value)}`;
}

/** The raw event, pretty-printed, cut to `maxBytes` UTF-8 bytes with a note saying so. */
export function rawEventText(e: RootEvent, maxBytes: number): string {
  const pretty = JSON.stringify(e.raw, null, 2);
  const total = utf8Bytes(pretty);
  if (total <= maxBytes) return pretty;
  const cut = prefixWithinBytes(pretty, maxBytes);
  return `${cut}\n... (truncated: ${utf8Bytes(cut)} of ${total} bytes shown)`;
}

/** Renders one group as subject, email text and chat notification, within `limits`. */
export function renderGroup(group: EventGroup, ctx: RenderContext, limits: RenderLimits = DEFAULT_LIMITS): RenderedMessage {
  const subject = renderSubject(group, ctx.accountName);
  const hasActions = group.events.some((e) => e.kind === 'assume-root-session-action');
  const what = headline(group.headlineKind, hasActions);
  const listed = group.events.slice(0, limits.maxEvents);
  const more = group.events.length - listed.length;
  const first = group.events.find((e) => e.kind === group.headlineKind) ?? group.events[0];
  const window = windowOf(group.events.map((e) => e.event));
  const sessionLink = logsInsightsUrl({ region: ctx.region, logGroupName: ctx.logGroupName, query: sessionQuery(group), ...window });
  const eventWindow = windowOf([first.event]);
  const eventLink = logsInsightsUrl({ region: ctx.region, logGroupName: ctx.logGroupName, query: eventQuery(first.event), ...eventWindow });
  const alarmLink = ctx.alarmName !== '' ? alarmUrl(ctx.region, ctx.alarmName) : '';
  const account = accountLabel(group.accountId, ctx.accountName);
  const call = group.assumeRootCall;

  const lines: string[] = [];
  lines.push(`${what} in AWS account ${account}`, '');
  lines.push(`Account:     ${account}`);
  lines.push(`What:        ${describeEvent(first.event, first.kind)}`);
  lines.push(`Events:      ${group.events.length} in this delivery${more > 0 ? ` (first ${listed.length} listed)` : ''}`);
  lines.push(`First event: ${group.events[0].event.eventTime || '-'}`);
  lines.push(`Last event:  ${group.events[group.events.length - 1].event.eventTime || '-'}`);
  lines.push(`Source IPs:  ${distinct(group.events.map((e) => e.event.sourceIp)).slice(0, 5).map((ip) => oneLine(ip, 100)).join(', ') || '-'}`);
  if (call) {
    lines.push('');
    lines.push('Centralized root access session:');
    lines.push(`   Opened by:    ${oneLine(call.identityArn) || '-'}`);
    lines.push(`   From account: ${accountLabel(call.accountId, ctx.callerAccountName)}`);
    lines.push(`   Task policy:  ${oneLine(call.taskPolicyArn) || '-'}`);
    lines.push(`   Session key:  ${oneLine(call.issuedAccessKeyId) || '-'}`);
  } else if (hasActions) {
    lines.push('');
    lines.push('Centralized root access session: the AssumeRoot call that opened it is not in this delivery;');
    lines.push('find it in the management (or delegated administrator) account by this session\'s access key.');
  }
  lines.push('', 'Events (UTC):');
  listed.forEach((c, i) => {
    const e = c.event;
    lines.push(`${i + 1}. ${oneLine(e.eventName, 200)} (${oneLine(e.eventSource, 200)}): ${describeEvent(e, c.kind)}`);
    lines.push(field('Time', e.eventTime));
    lines.push(field('Region', e.awsRegion));
    lines.push(field('Source IP', e.sourceIp));
    lines.push(field('User agent', e.userAgent));
    if (e.errorCode !== '' || e.errorMessage !== '') lines.push(field('Error', [e.errorCode, e.errorMessage].filter((s) => s !== '').join(': ')));
    if (c.kind === 'assume-root-call') {
      lines.push(field('Caller', e.identityArn));
      lines.push(field('Target', e.targetAccountId));
      lines.push(field('Task policy', e.taskPolicyArn));
    }
    lines.push(field('Event ID', e.eventId));
  });
  if (more > 0) lines.push(`... and ${more} more event${more === 1 ? '' : 's'} (not listed; see the session query below).`);
  lines.push('', 'Links:');
  lines.push(`Logs Insights, this session: ${sessionLink}`);
  lines.push(`Logs Insights, event ${oneLine(first.event.eventId, 100) || '-'}: ${eventLink}`);
  if (alarmLink) lines.push(`Alarm: ${alarmLink}`);
  lines.push('', `Raw event ${oneLine(first.event.eventId, 100)}:`, rawEventText(first.event, limits.rawEventBytes));
  lines.push('', `Sent by the root-usage event notifier (cdk-root-usage-alarm) for log group ${oneLine(ctx.logGroupName, 512)} in ${ctx.region}.`);
  const email = lines.join('\n');

  const chat = renderChat(group, limits, { subject, what, account, sessionLink, eventLink, alarmLink });
  const message = JSON.stringify({ default: JSON.stringify(chat), email });
  return { subject, email, chat, message };
}

/**
 * A value from a record or an account name, made inert for client-markdown: no backtick to break
 * out of inline code, no `<` / `>` (Slack reads `<!channel>`, `<@U123>` and `<url|text>` as
 * mentions and links), no `&` entities.
 */
export function md(s: string): string {
  return s.replace(/`/g, "'").replace(/</g, '‹').replace(/>/g, '›').replace(/&/g, '+');
}

function renderChat(
  group: EventGroup, limits: RenderLimits,
  r: { subject: string; what: string; account: string; sessionLink: string; eventLink: string; alarmLink: string },
): ChatNotification {
  const call = group.assumeRootCall;
  const head: string[] = [];
  head.push(`*Account:* ${md(r.account)}`);
  head.push(`*Events:* ${group.events.length} in this delivery`);
  if (call) {
    head.push(`*Opened by:* \`${md(oneLine(call.identityArn, 300))}\``);
    head.push(`*Task policy:* \`${md(oneLine(call.taskPolicyArn, 300))}\``);
  }
  const eventLines: string[] = [];
  const listed = group.events.slice(0, limits.maxChatEvents);
  for (const c of listed) {
    const e = c.event;
    const err = e.errorCode !== '' ? ` error \`${md(oneLine(e.errorCode, 100))}\`` : '';
    eventLines.push(`• \`${md(oneLine(e.eventTime, 40))}\` \`${md(oneLine(e.eventName, 100))}\` (${md(oneLine(e.eventSource, 100))}) in ${md(oneLine(e.awsRegion, 30))} from \`${md(oneLine(e.sourceIp, 100))}\`${err}: ${md(describeEvent(e, c.kind))}`);
  }
  let description = `${head.join('\n')}\n${eventLines.join('\n')}`;
  const more = group.events.length - listed.length;
  const moreLine = (n: number) => `\n…and ${n} more event${n === 1 ? '' : 's'}`;
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
  return {
    version: '1.0',
    source: 'custom',
    id: truncateChars(`${group.accountId}-${group.events[0].event.eventId}`, 128),
    content: {
      textType: 'client-markdown',
      title: `:rotating_light: ${md(r.subject)}`,
      description,
      nextSteps,
      keywords: distinct(['root-usage', group.headlineKind, group.accountId]),
    },
    metadata: {
      threadId: truncateChars(`root-usage-${group.accountId}-${group.accessKeys[0] ?? group.signInIp ?? group.events[0].event.eventId}`, 128),
      summary: md(r.subject),
      eventType: 'RootUsage',
    },
  };
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
      return rendered; // one event, 512 bytes of raw JSON and 1,000-character fields: cannot exceed the limit
    }
  }
}
