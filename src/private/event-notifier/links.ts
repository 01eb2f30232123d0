/**
 * AWS console links: the CloudWatch alarm, and CloudWatch Logs Insights with a query pre-filled.
 *
 * The Logs Insights deep link is not documented by AWS. Its format is the one the console itself
 * writes into the address bar, as reverse-engineered and used by many public tools (for example
 * the widely cited Stack Overflow answer "Is there a way to generate the AWS Console URLs for
 * CloudWatch Log Group filters?"): after `#logsV2:logs-insights`, the text `?queryDetail=` and a
 * rison-like object `~(key~value~...)`, where string values are prefixed with `'` and their
 * special characters percent-encoded with `*` in place of `%`, arrays are `~(~item~item)`; the
 * whole fragment is then URI-encoded twice with `$` in place of `%` at the outer level.
 */

/** The console's base URL for a region, per partition. */
export function consoleBase(region: string): string {
  if (region.startsWith('cn-')) return `https://${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
}

/** The CloudWatch console page of an alarm. */
export function alarmUrl(region: string, alarmName: string): string {
  return `${consoleBase(region)}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

/** A primitive of the queryDetail object: only [A-Za-z0-9-_.] and `*XX` escapes remain. */
export function primitive(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const encoded = encodeURIComponent(value).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `'${encoded.replace(/%/g, '*')}`;
}

/** The structural characters after escape() and encodeURIComponent, with `$` for `%`. */
function outer(detail: string): string {
  return detail
    .replace(/~/g, '$257E')
    .replace(/\(/g, '$2528')
    .replace(/\)/g, '$2529')
    .replace(/'/g, '$2527');
}

/** The Logs Insights console at `base` for `region`, with the queryDetail object `detail`. */
export function insightsConsoleUrl(base: string, region: string, detail: string): string {
  return `${base}/cloudwatch/home?region=${region}#logsV2:logs-insights$3FqueryDetail$3D${outer(detail)}`;
}

/** Options of a Logs Insights link. */
export interface InsightsQuery {
  readonly region: string;
  readonly logGroupName: string;
  readonly query: string;
  /** ISO 8601 times of the window to query. */
  readonly start: string;
  readonly end: string;
}

/** The Logs Insights console with `query` over `logGroupName` in [start, end] pre-filled. */
export function logsInsightsUrl(q: InsightsQuery): string {
  const fields: Array<[string, string | number | boolean]> = [
    ['end', q.end],
    ['start', q.start],
    ['timeType', 'ABSOLUTE'],
    ['tz', 'UTC'],
    ['editorString', q.query],
    ['isLiveTail', false],
  ];
  const body = fields.map(([k, v]) => `${k}~${primitive(v)}`).join('~');
  const detail = `~(${body}~source~(~${primitive(q.logGroupName)}))`;
  return insightsConsoleUrl(consoleBase(q.region), q.region, detail);
}

/** A string literal for a Logs Insights query: the characters that could end it are dropped. */
export function insightsString(value: string): string {
  return `"${value.replace(/["\\\u0000-\u001f]/g, '')}"`;
}

/** `iso` shifted by `minutes`, as ISO 8601 with milliseconds (what the console writes). */
export function shiftIso(iso: string, minutes: number): string {
  const t = Date.parse(iso);
  return new Date((Number.isNaN(t) ? 0 : t) + minutes * 60_000).toISOString();
}
