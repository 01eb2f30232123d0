/**
 * The log group the library watches when the user names none: the one the AWS Control Tower trail
 * writes to, looked up at synthesis (src/private/control-tower-log-group.ts). The lookups here are
 * answered as the CDK CLI answers them: the context value it writes into `cdk.context.json` (or
 * passes for one synthesis, for a failed lookup). test/control-tower-lookup-cli.test.ts runs the
 * real CLI against a local implementation of the API.
 */
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { CisMonitoringAlarms, LogPatternAlarm, RootUsageAlarm } from '../src';
import { lookupSupported } from '../src/private/control-tower-log-group';

/** aws-cdk-lib 2.182.0 and newer can ask the CDK CLI for the lookup; test:min-cdk runs these tests on 2.93.0 too. */
const LOOKUP = lookupSupported();

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const ENV = { account: ACCOUNT, region: REGION };
const EMAIL = ['security@example.com'];

/**
 * The `cdk.context.json` key of the lookup in ACCOUNT / REGION, written out: a user's committed
 * cdk.context.json must keep answering it in later releases and on every aws-cdk-lib.
 */
const KEY =
  'cc-api-provider:account=111111111111:exactIdentifier=aws-controltower-BaselineCloudTrail' +
  ':ignoreErrorOnMissingContext=true:propertiesToReturn.0=CloudWatchLogsLogGroupArn:region=eu-west-1' +
  ':typeName=AWS$:$:CloudTrail$:$:Trail';

/** What the CLI's Cloud Control provider stores for a found trail: one object per resource. */
function found(logGroupName: string, region = REGION, account = ACCOUNT): unknown {
  return [{
    CloudWatchLogsLogGroupArn: `arn:aws:logs:${region}:${account}:log-group:${logGroupName}:*`,
    Identifier: 'aws-controltower-BaselineCloudTrail',
  }];
}

/** What the CLI passes (for one synthesis, never saved) when the provider failed. */
function providerError(message: string): unknown {
  return { [cxapi.PROVIDER_ERROR_KEY]: message, $dontSaveContext: true };
}

function stackWith(context?: unknown): Stack {
  const app = new App(context === undefined ? {} : { context: { [KEY]: context } });
  return new Stack(app, 'LandingZone', { env: ENV });
}

function rootFilter(template: Template): any {
  const filters = Object.values<any>(template.findResources('AWS::Logs::MetricFilter', {
    Properties: { MetricTransformations: [{ MetricName: 'RootAccountUsage' }] },
  }));
  expect(filters).toHaveLength(1);
  return filters[0].Properties;
}

(LOOKUP ? describe : describe.skip)('the lookup, as the CDK CLI answers it', () => {
  test('landing zone 3.x: aws-controltower/CloudTrailLogs, the trail known, no lookup left, no warning', () => {
    // GIVEN
    const stack = stackWith(found('aws-controltower/CloudTrailLogs'));
    // WHEN
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL });
    // THEN
    const template = Template.fromStack(stack);
    expect(rootFilter(template)).toMatchObject({
      LogGroupName: 'aws-controltower/CloudTrailLogs',
      FilterPattern: RootUsageAlarm.FILTER_PATTERN,
    });
    expect(alarm.logGroup.logGroupName).toBe('aws-controltower/CloudTrailLogs');
    expect(alarm.trailName).toBe('aws-controltower-BaselineCloudTrail');
    expect(missingContext(stack)).toEqual([]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('landing zone 4.0: the suffixed group, for the metric filter, the watchdog and the tamper filter', () => {
    // GIVEN (the suffix reported in Landing Zone Accelerator issue #1081)
    const stack = stackWith(found('aws-controltower/CloudTrailLogs-tfw-qeb'));
    // WHEN
    new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL, eventNotifications: true });
    // THEN
    const template = Template.fromStack(stack);
    expect(rootFilter(template)).toMatchObject({
      LogGroupName: 'aws-controltower/CloudTrailLogs-tfw-qeb',
      FilterPattern: RootUsageAlarm.FILTER_PATTERN,
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: 'aws-controltower/CloudTrailLogs-tfw-qeb',
      MetricTransformations: [Match.objectLike({ MetricName: 'RootWatchTampering' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Logs',
      MetricName: 'IncomingLogEvents',
      Dimensions: [{ Name: 'LogGroupName', Value: 'aws-controltower/CloudTrailLogs-tfw-qeb' }],
    });
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: 'aws-controltower/CloudTrailLogs-tfw-qeb' });
    // The alarm's Logs Insights link opens the suffixed group.
    const alarm = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RootAccountUsage' } }))[0];
    expect(JSON.stringify(alarm.Properties.AlarmDescription)).toContain('aws-controltower*2FCloudTrailLogs-tfw-qeb');
    expect(missingContext(stack)).toEqual([]);
  });

  test('CisMonitoringAlarms: one lookup for all fourteen filters', () => {
    const stack = stackWith(found('aws-controltower/CloudTrailLogs-a1b2'));
    const cis = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: EMAIL });
    const filters = Object.values<any>(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter'));
    expect(filters).toHaveLength(15);
    expect(new Set(filters.map((f) => f.Properties.LogGroupName))).toEqual(new Set(['aws-controltower/CloudTrailLogs-a1b2']));
    expect(cis.trailName).toBe('aws-controltower-BaselineCloudTrail');
    for (const alarm of cis.alarms) expect(alarm.trailName).toBe('aws-controltower-BaselineCloudTrail');
  });

  test('first synthesis: the lookup is asked of the CLI, exactly as the Cloud Control provider reads it', () => {
    // GIVEN / WHEN
    const stack = stackWith();
    new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL });
    // THEN: the CLI reads the trail and synthesizes again; meanwhile a valid name stands in.
    expect(missingContext(stack)).toEqual([{
      key: KEY,
      provider: 'cc-api-provider',
      props: expect.objectContaining({
        account: ACCOUNT,
        region: REGION,
        typeName: 'AWS::CloudTrail::Trail',
        exactIdentifier: 'aws-controltower-BaselineCloudTrail',
        propertiesToReturn: ['CloudWatchLogsLogGroupArn'],
        ignoreErrorOnMissingContext: true,
        dummyValue: [],
      }),
    }]);
    expect(rootFilter(Template.fromStack(stack)).LogGroupName).toBe('aws-controltower/CloudTrailLogs');
  });

  test('no Control Tower trail: an error naming the construct, what was looked for, what to set and how to forget the answer', () => {
    const stack = stackWith([]);
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL })).toThrow(new RegExp(
      '^RootUsageAlarm at LandingZone/RootUsage: logGroupName was not given, and account 111111111111, region eu-west-1 has no ' +
      'AWS Control Tower trail aws-controltower-BaselineCloudTrail.*give logGroupName.*cdk context --reset',
    ));
  });

  test('a trail without CloudWatch Logs delivery (the provider finds no CloudWatchLogsLogGroupArn): an error that says so', () => {
    // The CLI's Cloud Control provider fails with this message when the property is absent.
    const stack = stackWith(providerError('Cannot read field CloudWatchLogsLogGroupArn. CloudWatchLogsLogGroupArn is not found.'));
    expect(() => new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: EMAIL })).toThrow(
      /^CisMonitoringAlarms at LandingZone\/Cis: logGroupName was not given, and the AWS Control Tower trail aws-controltower-BaselineCloudTrail \(account 111111111111, region eu-west-1\) delivers to no CloudWatch Logs log group.*give logGroupName/,
    );
  });

  test('any other failed lookup (no permission, no network): the provider\'s message and what the lookup needs', () => {
    const stack = stackWith(providerError('Encountered CC API error while getting AWS::CloudTrail::Trail resource aws-controltower-BaselineCloudTrail: AccessDeniedException'));
    expect(() => new LogPatternAlarm(stack, 'Alarm', { emailAddresses: EMAIL, filterPattern: '{$.eventName="X"}', metricName: 'X' }))
      .toThrow(/logGroupName was not given, and looking up the log group .* failed: Encountered CC API error.*AccessDeniedException.*cloudformation:GetResource/);
  });

  test('a trail writing to a group in another region: an error (a metric filter lives in its group\'s region)', () => {
    const stack = stackWith(found('aws-controltower/CloudTrailLogs', 'us-west-2'));
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL }))
      .toThrow(/writes to aws-controltower\/CloudTrailLogs in account 111111111111, region us-west-2.*Deploy the stack there/);
  });

  test('an answer without a log group ARN (a hand-edited cdk.context.json): an error naming the key', () => {
    const stack = stackWith([{ Identifier: 'aws-controltower-BaselineCloudTrail', CloudWatchLogsLogGroupArn: 'not-an-arn' }]);
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL }))
      .toThrow(/names no CloudWatch Logs log group \(CloudWatchLogsLogGroupArn "not-an-arn" in cdk.context.json key/);
  });
});

describe('an explicit log group is used as given: never looked up, never replaced', () => {
  test('logGroupName, in a stack with an account and region', () => {
    const stack = stackWith(found('aws-controltower/CloudTrailLogs-tfw-qeb'));
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL, logGroupName: 'aws-controltower/CloudTrailLogs' });
    expect(rootFilter(Template.fromStack(stack)).LogGroupName).toBe('aws-controltower/CloudTrailLogs');
    expect(alarm.trailName).toBeUndefined();
  });

  test('no lookup is asked for with logGroupName or logGroup', () => {
    const stack = stackWith();
    new RootUsageAlarm(stack, 'A', { emailAddresses: EMAIL, logGroupName: 'org/trail' });
    new CisMonitoringAlarms(stack, 'B', { emailAddresses: EMAIL, logGroup: logs.LogGroup.fromLogGroupName(stack, 'G', 'org/other') });
    expect(missingContext(stack)).toEqual([]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a failed lookup in the context does not matter when the group is given', () => {
    const stack = stackWith([]);
    expect(() => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL, logGroupName: 'org/trail' })).not.toThrow();
  });
});

describe('an environment-agnostic stack cannot look up', () => {
  test('it watches the 3.x name and warns, saying what a 4.0 landing zone needs', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL });
    expect(rootFilter(Template.fromStack(stack)).LogGroupName).toBe('aws-controltower/CloudTrailLogs');
    expect(alarm.trailName).toBe('aws-controltower-BaselineCloudTrail');
    Annotations.fromStack(stack).hasWarning('/Agnostic/RootUsage', Match.stringLikeRegexp(
      'cannot be looked up: watching aws-controltower/CloudTrailLogs.*4\\.0.*Give the stack an env.*or give logGroupName.*controlTowerLogGroupNotLookedUp',
    ));
    expect(missingContext(stack)).toEqual([]);
  });
});

(LOOKUP ? describe.skip : describe)('an aws-cdk-lib older than 2.182.0 cannot ask for the lookup', () => {
  test('it watches the 3.x name and warns that aws-cdk-lib 2.182.0 or logGroupName is needed, in a stack with an account and region', () => {
    const stack = stackWith(found('aws-controltower/CloudTrailLogs-tfw-qeb'));
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: EMAIL });
    expect(rootFilter(Template.fromStack(stack)).LogGroupName).toBe('aws-controltower/CloudTrailLogs');
    expect(alarm.trailName).toBe('aws-controltower-BaselineCloudTrail');
    Annotations.fromStack(stack).hasWarning('/LandingZone/RootUsage', Match.stringLikeRegexp(
      'older than 2\\.182\\.0.*cannot be looked up: watching aws-controltower/CloudTrailLogs.*Upgrade aws-cdk-lib to 2\\.182\\.0 or newer.*or give logGroupName',
    ));
    expect(missingContext(stack)).toEqual([]);
  });
});

test('the installed aws-cdk-lib decides whether the lookup is possible', () => {
  const version: string = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version;
  const [major, minor] = version.split('.').map(Number);
  expect(LOOKUP).toBe(major > 2 || minor >= 182);
});

/** The lookups a stack asks of the CDK CLI. */
function missingContext(stack: Stack): unknown[] {
  const assembly = (stack.node.root as App).synth();
  return assembly.manifest.missing ?? [];
}
