#!/usr/bin/env node
import { Annotations, App, CfnOutput } from 'aws-cdk-lib';
import { LandingZoneSecurityStack, ManagementSignInsStack } from './stack';

const app = new App();

// Recipients: `cdk synth -c securityEmails=security@example.com,cloud-platform@example.com`
const emails = String(app.node.tryGetContext('securityEmails') ?? 'security@example.com,cloud-platform@example.com');

// Root sign-ins and root use reported within seconds in every account (docs/real-time-alerts.md):
// `cdk synth -c realTime=true -c organizationId=o-... -c organizationalUnitIds=r-...`
const realTime = String(app.node.tryGetContext('realTime') ?? 'false') === 'true';
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

const security = new LandingZoneSecurityStack(app, 'LandingZoneSecurity', {
  securityEmails: emails.split(',').map((email) => email.trim()).filter((email) => email.length > 0),
  // Every root use as its own message too: `cdk synth -c eventNotifications=true`
  eventNotifications: String(app.node.tryGetContext('eventNotifications') ?? 'false') === 'true',
  realTime: realTime ? {
    organizationId: String(app.node.tryGetContext('organizationId') ?? 'o-a1b2c3d4e5'),
    organizationalUnitIds: String(app.node.tryGetContext('organizationalUnitIds') ?? 'r-ab12').split(','),
  } : undefined,
  // Deploy to the Control Tower management account, home region (from your AWS profile).
  env,
  description: 'Landing zone security: email on any use of a root user in the organization (CIS 4.3)',
});

// After `cdk deploy` (README "Test it after deploying", docs/proof.md):
// - the whole chain without a root password: an AssumeRoot session in a sandbox member account,
//   `cdk deploy -c sandboxAccountId=<12-digit ID>` (without it, the output is not created);
// - the read-only verify script, one PASS or FAIL line per check: the evidence for auditors.
const sandboxAccountId = app.node.tryGetContext('sandboxAccountId');
if (sandboxAccountId !== undefined) {
  new CfnOutput(security, 'AssumeRootTestCommand', {
    description: 'Opens an AssumeRoot session (IAMAuditRootUserCredentials) in the sandbox account and makes one read-only call: the root-usage alarm fires',
    value: security.rootUsage.assumeRootTestCommand(String(sandboxAccountId)),
  });
}
new CfnOutput(security, 'VerifyCommand', {
  description: 'A read-only bash script: one PASS or FAIL line per check of the trail, metric filter, alarm, topic and watchdog',
  value: security.rootUsage.verifyCommand(),
});

// The management account's own root sign-ins are recorded in us-east-1: forward them from there
// when the home region is another one.
if (realTime && env.account && env.region && env.region !== 'us-east-1') {
  const eventBusArn = `arn:${app.node.tryGetContext('partition') ?? 'aws'}:events:${env.region}:${env.account}:event-bus/root-usage-real-time`;
  new ManagementSignInsStack(app, 'LandingZoneManagementSignIns', {
    eventBusArn,
    env: { account: env.account, region: 'us-east-1' },
    description: 'Landing zone security: forwards the management account\'s root sign-ins (us-east-1) to the real-time path',
  }).addDependency(security);
  Annotations.of(security.realTime!).acknowledgeWarning('cdk-root-usage-alarm:realTimeManagementUsEast1',
    'LandingZoneManagementSignIns forwards the management account\'s root sign-ins from us-east-1');
}

app.synth();
