import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { consoleBase, insightsConsoleUrl, primitive } from './event-notifier/links';

/**
 * A CloudWatch Logs Insights console link with a query pre-filled, for alarm descriptions.
 *
 * The console's deep-link format is not documented by AWS; it is the one the console writes into
 * its own address bar (the encoding is shared with the handler's links, src/private/event-notifier/links.ts):
 * after `#logsV2:logs-insights`, `?queryDetail=` and a rison-like object `~(key~value~...)` whose
 * string values start with `'` and are percent-encoded with `*` in place of `%`; the fragment's
 * structural characters are then encoded once more with `$` in place of `%`.
 *
 * The time range is relative (the last `hours` hours), so the link stays useful when someone
 * opens the notification later. The region may be a token (an environment-agnostic stack): the
 * link then uses the global console address with `region=`, which the console redirects. The log
 * group name is encoded at synthesis, so a token name (a log group created in the same stack) is
 * left out of the link: the console then asks which log group to query.
 */
export function logsInsightsLink(scope: IConstruct, logGroupName: string, query: string, hours: number): string {
  const region = Stack.of(scope).region;
  const fields = [
    'end~0',
    `start~-${hours * 3600}`,
    "timeType~'RELATIVE",
    "unit~'seconds",
    `editorString~${primitive(query)}`,
  ];
  const source = Token.isUnresolved(logGroupName) ? '' : `~source~(~${primitive(logGroupName)})`;
  const detail = `~(${fields.join('~')}${source})`;
  // A region known only at deployment: the global console address, which redirects by `region=`.
  const base = Token.isUnresolved(region) ? 'https://console.aws.amazon.com' : consoleBase(region);
  return insightsConsoleUrl(base, region, detail);
}

/**
 * The longest a string can be once deployed, with every token replaced by `placeholderLength`
 * characters (enough for any region name, account ID or partition).
 */
export function deployedLength(scope: IConstruct, value: string, placeholderLength = 14): number {
  if (!Token.isUnresolved(value)) return value.length;
  const resolved = Stack.of(scope).resolve(value);
  if (typeof resolved === 'string') return resolved.length;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return value.length;
  return join[1].reduce<number>((sum, part) => sum + (typeof part === 'string' ? part.length : placeholderLength), 0);
}
