/**
 * Integration test: deployed to a real account, a root console sign-in record that reaches the
 * log group must put the alarm into ALARM.
 *
 * CI runs it in snapshot mode only (`npx projen integ:snapshot`, no AWS access): the synthesized
 * templates must match the committed snapshot in `integ.root-usage-alarm.ts.snapshot/`.
 * Against your own account (it creates a log group, a KMS key, a topic and an alarm, deletes
 * them afterwards, and rewrites the snapshot when the test passes):
 *
 *   npx integ-runner --directory test --language typescript --force --update-on-failed \
 *     --profiles <profile> --parallel-regions <region>
 *
 * (integ-runner takes the region from `--parallel-regions`, by default from us-east-1, us-east-2
 * and us-west-2, not from AWS_REGION.)
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RootUsageAlarm } from '../src';

/**
 * A root console sign-in as CloudTrail records it (AWS CloudTrail User Guide; test vector
 * "root-console-login-success"). Only the log event's timestamp, set at deployment below, makes
 * it current: the metric filter counts the event at that timestamp, not at `eventTime`.
 */
const ROOT_CONSOLE_LOGIN = {
  eventVersion: '1.05',
  userIdentity: {
    type: 'Root',
    principalId: 'AIDACKCEVSQ6C2EXAMPLE',
    arn: 'arn:aws:iam::111122223333:root',
    accountId: '111122223333',
    accessKeyId: '',
  },
  eventTime: '2018-08-29T16:24:34Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  sourceIPAddress: '192.0.2.0',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:62.0) Gecko/20100101 Firefox/62.0',
  requestParameters: null,
  responseElements: { ConsoleLogin: 'Success' },
  additionalEventData: {
    LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
    MobileVersion: 'No',
    MFAUsed: 'No',
  },
  eventID: 'deb1e1f9-c99b-4612-8e9f-21f93b5d79c0',
  eventType: 'AwsConsoleSignIn',
  recipientAccountId: '111122223333',
};

const ALARM_NAME = 'cdk-root-usage-alarm-integ';

const app = new App();
const stack = new Stack(app, 'RootUsageAlarmInteg');

// The test's own stand-in for the CloudTrail log group, removed with the stack.
const logGroup = new logs.LogGroup(stack, 'TrailLogGroup', {
  retention: logs.RetentionDays.ONE_DAY,
  removalPolicy: RemovalPolicy.DESTROY,
});
const logStream = new logs.LogStream(stack, 'TrailLogStream', {
  logGroup,
  removalPolicy: RemovalPolicy.DESTROY,
});

const rootUsage = new RootUsageAlarm(stack, 'RootUsage', {
  logGroup,
  emailAddresses: ['security@example.com'],
  alarmName: ALARM_NAME,
  // Not the default namespace: the test event must not reach a real root usage alarm that
  // watches CloudTrailMetrics/RootAccountUsage in the same account and region.
  metricNamespace: 'CdkRootUsageAlarmInteg',
});
// The construct retains its key by default; the test must leave nothing behind.
rootUsage.encryptionKey?.applyRemovalPolicy(RemovalPolicy.DESTROY);

const integ = new IntegTest(app, 'RootUsageAlarmIntegTest', {
  testCases: [stack],
  // The clock below is the log stream's creation time: deploying a previous snapshot first
  // would make it older than the alarm's ten-minute window.
  stackUpdateWorkflow: false,
});

// A deployment-time clock: the log stream was created moments ago. (A synthesis-time
// `Date.now()` would change the snapshot on every run.)
const clock = integ.assertions.awsApiCall('CloudWatchLogs', 'describeLogStreams', {
  logGroupName: logGroup.logGroupName,
  logStreamNamePrefix: logStream.logStreamName,
});

const putRootLogin = integ.assertions.awsApiCall('CloudWatchLogs', 'putLogEvents', {
  logGroupName: logGroup.logGroupName,
  logStreamName: logStream.logStreamName,
  // The handler turns the timestamp string back into the number the API expects.
  logEvents: [{ timestamp: clock.getAttString('logStreams.0.creationTime'), message: JSON.stringify(ROOT_CONSOLE_LOGIN) }],
});

const alarmState = integ.assertions.awsApiCall('CloudWatch', 'describeAlarms', { AlarmNames: [ALARM_NAME] })
  .expect(ExpectedResult.objectLike({ MetricAlarms: [{ StateValue: 'ALARM' }] }))
  .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });

clock.next(putRootLogin).next(alarmState);
