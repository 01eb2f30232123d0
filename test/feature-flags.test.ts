/**
 * A new user's app: `cdk init` writes aws-cdk-lib's recommended feature flags into cdk.json, and
 * some of them change what aws-cdk-lib creates (DESIGN.md fact 22). Every variant, and the
 * constructs' other combinations, must synthesize a template that cfn-lint finds no error in, and
 * that has no two resources of one physical name, with the flags of the aws-cdk-lib the tests
 * load (the dev version here; test:min-cdk runs this file against the peer minimum).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CisMonitoringAlarms } from '../src';
import { BROKEN_TEMPLATE, lintTemplates } from './cfn-lint-runner';
import { recommendedFlags } from './recommended-flags';
import { VARIANTS } from './variants';

const FLAGS = recommendedFlags();
const USE_CDK_MANAGED_LOG_GROUP = '@aws-cdk/aws-lambda:useCdkManagedLogGroup';

/** The variants, and what no variant covers: the CIS set with the per-event path. */
const CASES: { name: string; build: (app: App) => Stack }[] = [
  ...VARIANTS.map((variant) => ({ name: variant.name, build: (app: App) => variant.build(app).stack })),
  {
    name: 'cis-event-notifications',
    build: (app) => {
      const stack = new Stack(app, 'CisEventNotifications');
      new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: ['security@example.com'], eventNotifications: true });
      return stack;
    },
  },
];

function appWithFlags(): App {
  return new App({ context: FLAGS });
}

const templates = Object.fromEntries(CASES.map((c) => [c.name, Template.fromStack(c.build(appWithFlags())).toJSON()]));
let findings: Map<string, string[]>;

beforeAll(() => {
  findings = lintTemplates({ ...templates, broken: BROKEN_TEMPLATE });
}, 120_000);

test('the flags are the ones of the loaded aws-cdk-lib, and reach the constructs of an app', () => {
  // GIVEN: a plain function in an app with the flags
  const stack = new Stack(appWithFlags(), 'Plain');
  new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_18_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });

  // THEN: aws-cdk-lib gives it a log group of its own exactly where the flag is recommended
  expect(Object.keys(FLAGS).length).toBeGreaterThan(10);
  Template.fromStack(stack).resourceCountIs('AWS::Logs::LogGroup', FLAGS[USE_CDK_MANAGED_LOG_GROUP] === true ? 1 : 0);
});

test.each(CASES)('no cfn-lint error with the recommended flags, $name', ({ name }) => {
  expect(findings.get(name)!.filter((line) => /:E\d+:/.test(line))).toEqual([]);
});

/** The property that names each resource type the library creates with a name (CloudFormation refuses a second). */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudFormation::StackSet': 'StackSetName',
};

test.each(CASES)('no two resources of one type share a name, $name', ({ name }) => {
  const seen = new Map<string, string>();
  const duplicates: string[] = [];
  for (const [logicalId, resource] of Object.entries<{ Type: string; Properties?: Record<string, unknown> }>(templates[name].Resources)) {
    const value = resource.Properties?.[NAME_PROPERTY[resource.Type] ?? ''];
    if (value === undefined) continue;
    const key = `${resource.Type} ${JSON.stringify(value)}`;
    if (seen.has(key)) duplicates.push(`${seen.get(key)} and ${logicalId}: ${key}`);
    seen.set(key, logicalId);
  }
  expect(duplicates).toEqual([]);
});

test('the event notifier keeps its one encrypted log group with the flags', () => {
  const template = Template.fromJSON(templates['event-notifications']);
  template.resourceCountIs('AWS::Logs::LogGroup', 1);
  template.hasResourceProperties('AWS::Logs::LogGroup', {
    LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: Match.stringLikeRegexp('^RootUsageEventNotifierFunction') }]] },
    KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RootUsageEventNotifierKey'), 'Arn'] },
    RetentionInDays: 365,
  });
});

test('the resources are the same with and without the flags', () => {
  for (const c of CASES) {
    const withFlags = Object.keys(templates[c.name].Resources).sort();
    const without = Object.keys(Template.fromStack(c.build(new App())).toJSON().Resources).sort();
    expect({ name: c.name, resources: withFlags }).toEqual({ name: c.name, resources: without });
  }
});

test('cfn-lint rejects a broken template in the same run', () => {
  expect(findings.get('broken')!.join('\n')).toMatch(/:E\d+:/);
});
