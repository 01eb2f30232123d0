#!/usr/bin/env node
// The landing-zone security stack, written as a TypeScript user of cdk-root-usage-alarm writes it.
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { CisControl, CisMonitoringAlarms, RootUsageAlarm } from 'cdk-root-usage-alarm';
import { Construct } from 'constructs';

interface LandingZoneSecurityStackProps extends StackProps {
  readonly securityEmails: string[];
  readonly eventNotifications?: boolean;
}

class LandingZoneSecurityStack extends Stack {
  public readonly rootUsage: RootUsageAlarm;

  constructor(scope: Construct, id: string, props: LandingZoneSecurityStackProps) {
    super(scope, id, props);

    this.rootUsage = new RootUsageAlarm(this, 'RootUsage', {
      // logGroupName defaults to 'aws-controltower/CloudTrailLogs'
      emailAddresses: props.securityEmails,
      metricNamespace: 'LandingZone/Security',
      alarmName: 'landing-zone-root-usage',
      eventNotifications: props.eventNotifications,
    });

    new CfnOutput(this, 'TestNotificationCommand', {
      description: 'Sets the root-usage alarm to ALARM once: every confirmed recipient gets the alarm email; the alarm returns to OK within about a minute',
      value: this.rootUsage.testNotificationCommand(),
    });
    new CfnOutput(this, 'ActionHistoryCommand', {
      description: "Lists the alarm's latest notifications and whether each reached the topic",
      value: this.rootUsage.actionHistoryCommand(),
    });
  }
}

/** The CIS monitoring alarms, Security Hub CloudWatch.1 to .14 but the noisy .2, on one topic. */
class LandingZoneCisStack extends Stack {
  public readonly cis: CisMonitoringAlarms;

  constructor(scope: Construct, id: string, props: LandingZoneSecurityStackProps) {
    super(scope, id, props);

    this.cis = new CisMonitoringAlarms(this, 'Cis', {
      emailAddresses: props.securityEmails,
      metricNamespace: 'LandingZone/CIS',
      excludeControls: [CisControl.CLOUDWATCH_2],
    });

    new CfnOutput(this, 'IamPolicyChangesTestCommand', {
      description: 'Sets the IAM policy changes alarm (CloudWatch.4) to ALARM once',
      value: this.cis.alarmFor(CisControl.CLOUDWATCH_4).testNotificationCommand(),
    });
  }
}

const app = new App();
new LandingZoneSecurityStack(app, 'LandingZoneSecurity', {
  securityEmails: ['security@example.com', 'cloud-platform@example.com'],
  description: 'Landing zone security: email on any use of a root user in the organization (CIS 4.3)',
});
new LandingZoneCisStack(app, 'LandingZoneCis', {
  securityEmails: ['security@example.com', 'cloud-platform@example.com'],
  description: 'Landing zone security: the CIS monitoring alarms (Security Hub CloudWatch.1 to .14 but .2)',
});
new LandingZoneSecurityStack(app, 'LandingZoneSecurityEventNotifications', {
  securityEmails: ['security@example.com', 'cloud-platform@example.com'],
  description: 'Landing zone security: email and a message per root session on any use of a root user (CIS 4.3)',
  eventNotifications: true,
});
app.synth();
