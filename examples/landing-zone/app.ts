#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { LandingZoneSecurityStack } from './stack';

const app = new App();

// Recipients: `cdk synth -c securityEmails=security@example.com,cloud-platform@example.com`
const emails = String(app.node.tryGetContext('securityEmails') ?? 'security@example.com,cloud-platform@example.com');

new LandingZoneSecurityStack(app, 'LandingZoneSecurity', {
  securityEmails: emails.split(',').map((email) => email.trim()).filter((email) => email.length > 0),
  // Every root use as its own message too: `cdk synth -c eventNotifications=true`
  eventNotifications: String(app.node.tryGetContext('eventNotifications') ?? 'false') === 'true',
  // Deploy to the Control Tower management account, home region (from your AWS profile).
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Landing zone security: email on any use of a root user in the organization (CIS 4.3)',
});

app.synth();
