#!/usr/bin/env node
import { App, CfnOutput } from 'aws-cdk-lib';
import { LandingZoneSecurityStack, ManagementForwarderStack } from './stack';

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

// The management account, which the stack set never reaches: a forwarder in each region the
// real-time path watches but the home region (us-east-1 included, where its root sign-ins are
// recorded). RealTimeRootAlerts warns at synthesis while one is missing.
if (security.realTime && env.account) {
  for (const region of security.realTime.managementAccountRegions) {
    new ManagementForwarderStack(app, `LandingZoneManagementForwarder-${region}`, {
      realTimeRootAlerts: security.realTime,
      env: { account: env.account, region },
      description: `Landing zone security: forwards the management account's root use in ${region} to the real-time path`,
    });
  }
}

app.synth();
