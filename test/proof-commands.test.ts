/**
 * The two proof commands of a deployed alarm as strings: `assumeRootTestCommand()` (an AssumeRoot
 * session and one call in it) and `verifyCommand()` (the read-only script; run against moto in
 * test/verify-command.test.ts). Both are parsed by bash; the AssumeRoot snippet is also run with a
 * stand-in `aws` (moto 5.2.5 has no `sts:AssumeRoot`), which records each call's arguments and
 * credentials.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LandingZoneSecurityStack } from '../examples/landing-zone/stack';
import { LogPatternAlarm, RootUsageAlarm } from '../src';
import { VERIFY_PERMISSIONS } from '../src/private/verify-script';

function rootUsageIn(stack: Stack): RootUsageAlarm {
  return new RootUsageAlarm(stack, 'RootUsage', {
    emailAddresses: ['security@example.com'],
    alarmName: 'landing-zone-root-usage',
    metricNamespace: 'LandingZone/Security',
  });
}
const euWest1 = () => new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'eu-west-1' } });

function bashParses(text: string): string {
  const run = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
  return run.status === 0 ? 'parses' : run.stderr;
}

describe('assumeRootTestCommand', () => {
  const EXPECTED = [
    "( creds=$(AWS_STS_REGIONAL_ENDPOINTS=regional aws sts assume-root --region 'eu-west-1' --target-principal '222233334444' " +
      "--task-policy-arn 'arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' --duration-seconds 900 " +
      "--query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) || exit 1",
    '  set -- $creds',
    '  unset AWS_PROFILE AWS_DEFAULT_PROFILE',
    '  export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3"',
    "  aws iam get-account-summary --region 'eu-west-1' " +
      "--query 'SummaryMap.{AccountMFAEnabled:AccountMFAEnabled,AccountAccessKeysPresent:AccountAccessKeysPresent}' --output json; rc=$?",
    '  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN creds; exit $rc )',
  ].join('\n');

  test('an AssumeRoot session with the read-only audit task, one call in it, in the stack region', () => {
    expect(rootUsageIn(euWest1()).assumeRootTestCommand('222233334444')).toBe(EXPECTED);
  });

  test('bash parses it', () => {
    expect(bashParses(rootUsageIn(euWest1()).assumeRootTestCommand('222233334444'))).toBe('parses');
  });

  test.each(['22223333444', '2222333344445', 'o-a1b2c3d4e5', '', "2222'33334444"])('rejects the account ID "%s"', (id) => {
    expect(() => rootUsageIn(euWest1()).assumeRootTestCommand(id))
      .toThrow(/RootUsageAlarm at Stack\/RootUsage: assumeRootTestCommand targetAccountId must be a 12-digit AWS account ID/);
  });

  test('a token account ID and an env-agnostic region resolve in a CfnOutput', () => {
    const stack = new Stack(new App(), 'Stack');
    const target = new CfnParameter(stack, 'SandboxAccountId', { type: 'String' });
    new CfnOutput(stack, 'AssumeRootTest', { value: rootUsageIn(stack).assumeRootTestCommand(target.valueAsString) });
    const parts: any[] = Template.fromStack(stack).toJSON().Outputs.AssumeRootTest.Value['Fn::Join'][1];
    expect(parts).toContainEqual({ Ref: 'SandboxAccountId' });
    expect(parts).toContainEqual({ Ref: 'AWS::Region' });
  });

  describe('run with a stand-in aws (records each call; answers AssumeRoot as STS does, in text)', () => {
    function runSnippet(assumeRootStatus: number, summaryStatus: number) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assume-root-'));
      const log = path.join(dir, 'calls.log');
      fs.writeFileSync(path.join(dir, 'aws'), [
        '#!/bin/bash',
        `echo "$* | key=\${AWS_ACCESS_KEY_ID:-} token=\${AWS_SESSION_TOKEN:-} profile=\${AWS_PROFILE:-} sts=\${AWS_STS_REGIONAL_ENDPOINTS:-}" >> '${log}'`,
        `if [ "$1 $2" = "sts assume-root" ]; then [ ${assumeRootStatus} -eq 0 ] || exit ${assumeRootStatus}; printf 'ASIAROOTSESSION00001\\tsecret/key+1\\tFwoGZXIvYXdzEROOT==\\n'; exit 0; fi`,
        `echo '{"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}'; exit ${summaryStatus}`,
      ].join('\n'), { mode: 0o755 });
      const snippet = rootUsageIn(euWest1()).assumeRootTestCommand('222233334444');
      // the caller's shell: a profile and no keys; after the snippet, it prints what it still has
      const shell = `${snippet}\necho "status=$? after: key=\${AWS_ACCESS_KEY_ID:-} profile=\${AWS_PROFILE:-}"`;
      const run = spawnSync('bash', ['-c', shell], {
        encoding: 'utf8',
        env: { PATH: `${dir}:${process.env.PATH}`, AWS_PROFILE: 'management' },
      });
      const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
      return { stdout: run.stdout, calls };
    }

    test('AssumeRoot with the caller\'s profile, the call with the session\'s keys only; the caller\'s shell unchanged', () => {
      const { stdout, calls } = runSnippet(0, 0);
      expect(calls).toHaveLength(2);
      expect(calls[0]).toMatch(/^sts assume-root --region eu-west-1 --target-principal 222233334444 --task-policy-arn arn=arn:aws:iam::aws:policy\/root-task\/IAMAuditRootUserCredentials .* \| key= token= profile=management sts=regional$/);
      expect(calls[1]).toMatch(/^iam get-account-summary --region eu-west-1 .* \| key=ASIAROOTSESSION00001 token=FwoGZXIvYXdzEROOT== profile= sts=$/);
      expect(stdout).toContain('"AccountMFAEnabled": 1');
      expect(stdout.trim().split('\n').pop()).toBe('status=0 after: key= profile=management');
    });

    test('a denied call in the session: the snippet exits with its status', () => {
      const { stdout, calls } = runSnippet(0, 254);
      expect(calls).toHaveLength(2);
      expect(stdout.trim().split('\n').pop()).toBe('status=254 after: key= profile=management');
    });

    test('AssumeRoot refused (no sts:AssumeRoot, or centralized root access off): no call, status 1', () => {
      const { stdout, calls } = runSnippet(255, 0);
      expect(calls).toHaveLength(1);
      expect(stdout.trim()).toBe('status=1 after: key= profile=management');
    });
  });
});

describe('verifyCommand', () => {
  test('the values, each shell-quoted once at the top; the pattern byte for byte', () => {
    const stack = euWest1();
    const text: string = stack.resolve(rootUsageIn(stack).verifyCommand())['Fn::Join'][1]
      .map((p: any) => (typeof p === 'string' ? p : `<${JSON.stringify(p)}>`)).join('');
    // the watchdog's line names the alarm of the lead's watchdog, where there is one
    const lines = text.split('\n').slice(0, 14).filter((line) => !line.startsWith('watchdog='));
    expect(lines).toEqual([
      '#!/usr/bin/env bash',
      '# cdk-root-usage-alarm: docs/proof.md',
      'set -u',
      "region='eu-west-1'",
      "group='aws-controltower/CloudTrailLogs'",
      'grouparn=\'arn:<{"Ref":"AWS::Partition"}>:logs:eu-west-1:111122223333:log-group:aws-controltower/CloudTrailLogs\'',
      "trail='aws-controltower-BaselineCloudTrail'",
      `pattern='${RootUsageAlarm.FILTER_PATTERN}'`,
      "ns='LandingZone/Security'",
      "metric='RootAccountUsage'",
      "alarm='landing-zone-root-usage'",
      'topic=\'<{"Ref":"RootUsageTopicF4157BDB"}>\'',
      "maxage='60'",
    ]);
  });

  test('bash parses it; a pattern with a single quote stays one word', () => {
    const stack = euWest1();
    const alarm = new LogPatternAlarm(stack, 'Quoted', {
      filterPattern: "{ $.userAgent = \"it's\" }",
      metricName: 'Quoted',
      emailAddresses: ['security@example.com'],
      alarmName: 'quoted',
    });
    const text: string = stack.resolve(alarm.verifyCommand())['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'x')).join('');
    expect(bashParses(text)).toBe('parses');
    expect(text).toContain("pattern='{ $.userAgent = \"it'\\''s\" }'");
  });

  test('an env-agnostic stack: region, account, partition, topic and alarm resolve in a CfnOutput', () => {
    const stack = new Stack(new App(), 'Stack');
    const alarm = new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: ['security@example.com'] });
    new CfnOutput(stack, 'Verify', { value: alarm.verifyCommand() });
    const parts: any[] = Template.fromStack(stack).toJSON().Outputs.Verify.Value['Fn::Join'][1];
    for (const ref of ['AWS::Region', 'AWS::AccountId', 'AWS::Partition']) {
      expect(parts).toContainEqual({ Ref: ref });
    }
    expect(parts).toContainEqual({ Ref: stack.getLogicalId(alarm.alarm.node.defaultChild as any) });
    expect(parts.filter((p) => typeof p !== 'string').every((p) => Object.keys(p).length === 1 && 'Ref' in p)).toBe(true);
  });

  test('it calls only the read-only actions it lists, and the docs list them all', () => {
    const text: string = euWest1().resolve(rootUsageIn(euWest1()).verifyCommand())['Fn::Join'][1]
      .filter((p: any) => typeof p === 'string').join('');
    const prefixes: Record<string, string> = { cloudtrail: 'cloudtrail', logs: 'logs', cloudwatch: 'cloudwatch', sns: 'sns' };
    const called = [...text.matchAll(/\brun (\w+) ([a-z-]+)/g)]
      .map(([, service, op]) => `${prefixes[service]}:${op.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`);
    expect([...new Set(called)].sort()).toEqual([...VERIFY_PERMISSIONS].sort());
    expect(text).not.toMatch(/\baws (?!"\$@")/); // every call goes through run
    const docs = fs.readFileSync(path.join(__dirname, '..', 'docs', 'proof.md'), 'utf8');
    const source = fs.readFileSync(path.join(__dirname, '..', 'src', 'log-pattern-alarm.ts'), 'utf8');
    for (const action of VERIFY_PERMISSIONS) {
      expect(docs).toContain(`\`${action}\``);
      expect(source).toContain(`\`${action}\``);
    }
  });

  test('the example stack\'s script stays under 4,096 characters, resolved, with a watchdog name of 64', () => {
    const stack = new LandingZoneSecurityStack(new App(), 'LandingZoneSecurity', {
      securityEmails: ['security@example.com'],
      env: { account: '111122223333', region: 'ap-southeast-3' },
    });
    const value = stack.resolve(stack.rootUsage.verifyCommand());
    const resolved: string = value['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p
      : p.Ref === 'AWS::Partition' ? 'aws-us-gov'
        : `arn:aws-us-gov:sns:ap-southeast-3:111122223333:LandingZoneSecurity-${p.Ref}-ABCDEFGHIJKL`)).join('');
    const withWatchdog = stack.rootUsage.deliveryWatchdog ? resolved : resolved.replace("watchdog=''", `watchdog='${'w'.repeat(64)}'`);
    expect(withWatchdog.length).toBeLessThanOrEqual(4096);
  });
});
