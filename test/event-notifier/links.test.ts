import { alarmUrl, consoleBase, insightsString, logsInsightsUrl } from '../../src/private/event-notifier/links';
import { prefixWithinBytes, toSubjectText, truncateChars } from '../../src/private/event-notifier/text';

// The Logs Insights deep link format is not documented by AWS. The console writes it into the
// address bar; this decoder reads it the way the console does (as reverse-engineered by public
// tools), and is checked first on a URL the console itself wrote, then used to read back ours.

/** Decodes the queryDetail of a Logs Insights console URL into an object. */
function decodeInsightsUrl(url: string): Record<string, unknown> {
  const marker = '#logsV2:logs-insights';
  const fragment = url.slice(url.indexOf(marker) + marker.length);
  // Outer level: `$` stands for `%`, then one URI decoding, then escape()'s encoding.
  const detail = decodeURIComponent(decodeURIComponent(fragment.replace(/\$/g, '%')).replace(/^\?queryDetail=/, '').replace(/&.*$/, ''));
  let i = 0;
  const value = (): unknown => {
    if (detail.startsWith('~(', i) || detail[i] === '(') {
      i += detail[i] === '~' ? 2 : 1;
      if (detail[i] === '~' && detail[i + 1] === '\'') {
        const items: unknown[] = [];
        while (detail[i] === '~') {
          i++;
          items.push(value());
        }
        expect(detail[i]).toBe(')');
        i++;
        return items;
      }
      const o: Record<string, unknown> = {};
      while (detail[i] !== ')') {
        const keyEnd = detail.indexOf('~', i);
        const key = detail.slice(i, keyEnd);
        i = keyEnd + 1;
        o[key] = value();
        if (detail[i] === '~') i++;
      }
      i++;
      return o;
    }
    let end = i;
    while (end < detail.length && detail[end] !== '~' && detail[end] !== ')') end++;
    const raw = detail.slice(i, end);
    i = end;
    if (raw.startsWith('\'')) return decodeURIComponent(raw.slice(1).replace(/\*/g, '%'));
    return raw === 'true' ? true : raw === 'false' ? false : Number(raw);
  };
  return value() as Record<string, unknown>;
}

describe('Logs Insights deep links', () => {
  test('the decoder reads a URL the console wrote (quoted in a public Q&A, "Generate AWS Logs Insights URL with query"; query ID and log group name replaced)', () => {
    const consoleUrl = 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights'
      + '$3FqueryDetail$3D$257E$2528end$257E$25272021-07-18T20*3a59*3a59.000Z$257Estart$257E$25272021-07-15T21*3a00*3a00.000Z'
      + '$257EtimeType$257E$2527ABSOLUTE$257Etz$257E$2527Local$257EeditorString$257E$2527fields*20*40timestamp*2c*20*40message'
      + '*0a*7c*20sort*20*40timestamp*20desc*0a*7c*20filter*20*40message*20*3d*7e*20*22Exception*22*0a*7c*20limit*20200'
      + '$257EisLiveTail$257Efalse$257EqueryId$257E$2527abcd$257Esource$257E$2528$257E$2527*2faws*2flambda*2fmy-function$2529$2529$26tab$3Dlogs';
    expect(decodeInsightsUrl(consoleUrl)).toEqual({
      end: '2021-07-18T20:59:59.000Z',
      start: '2021-07-15T21:00:00.000Z',
      timeType: 'ABSOLUTE',
      tz: 'Local',
      editorString: 'fields @timestamp, @message\n| sort @timestamp desc\n| filter @message =~ "Exception"\n| limit 200',
      isLiveTail: false,
      queryId: 'abcd',
      source: ['/aws/lambda/my-function'],
    });
  });

  test('our link reads back to the query, the log group and the time window', () => {
    const query = 'fields @timestamp, @message\n| filter eventID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111" and x in ["(~\'*!)"]';
    const url = logsInsightsUrl({
      region: 'eu-central-2',
      logGroupName: 'aws-controltower/CloudTrailLogs~(x)',
      query,
      start: '2024-10-25T19:53:47.000Z',
      end: '2024-10-25T21:53:47.000Z',
    });
    expect(url.startsWith('https://eu-central-2.console.aws.amazon.com/cloudwatch/home?region=eu-central-2#logsV2:logs-insights$3FqueryDetail$3D')).toBe(true);
    // Only characters that survive in a URL fragment and in a chat or mail client.
    expect(url).toMatch(/^[A-Za-z0-9:/?=#.$*_-]+$/);
    expect(decodeInsightsUrl(url)).toEqual({
      end: '2024-10-25T21:53:47.000Z',
      start: '2024-10-25T19:53:47.000Z',
      timeType: 'ABSOLUTE',
      tz: 'UTC',
      editorString: query,
      isLiveTail: false,
      source: ['aws-controltower/CloudTrailLogs~(x)'],
    });
  });

  test('console hosts per partition, and the alarm page', () => {
    expect(consoleBase('us-east-1')).toBe('https://us-east-1.console.aws.amazon.com');
    expect(consoleBase('cn-north-1')).toBe('https://cn-north-1.console.amazonaws.cn');
    expect(consoleBase('us-gov-west-1')).toBe('https://console.amazonaws-us-gov.com');
    expect(alarmUrl('eu-west-1', 'Root usage / prod')).toBe('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/Root%20usage%20%2F%20prod');
  });

  test('query string literals cannot be broken out of', () => {
    expect(insightsString('a"b\\c\nd')).toBe('"abcd"');
  });
});

describe('text helpers', () => {
  test('subject text is printable ASCII', () => {
    expect(toSubjectText('Zürich\r\n\tProd 🚀  ünïcödé\u0000')).toBe('Zurich Prod ? unicode');
  });

  test('byte-bounded prefixes never split a character', () => {
    expect(prefixWithinBytes('aé🚀b', 1)).toBe('a');
    expect(prefixWithinBytes('aé🚀b', 2)).toBe('a');
    expect(prefixWithinBytes('aé🚀b', 3)).toBe('aé');
    expect(prefixWithinBytes('aé🚀b', 6)).toBe('aé');
    expect(prefixWithinBytes('aé🚀b', 7)).toBe('aé🚀');
    expect(prefixWithinBytes('aé🚀b', 8)).toBe('aé🚀b');
  });

  test('truncation says so', () => {
    expect(truncateChars('abcdef', 6)).toBe('abcdef');
    expect(truncateChars('abcdefg', 6)).toBe('abc...');
  });
});
