#!/usr/bin/env node
// The landing-zone security stack, written as a TypeScript user of cdk-root-usage-alarm writes it.
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import {
  AlarmTopic, CisControl, CisMonitoringAlarms, DayOfWeek, ExpectedRootUse, RealTimeRootAlerts, RootTaskPolicy, RootUsageAlarm, RootUsageDashboard,
  RootUseSeverity, StackSetCallAs,
} from 'cdk-root-usage-alarm';
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

/** Root sign-ins and root use in every account of the organization, reported within seconds. */
class LandingZoneRealTimeStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { securityEmails: string[] }) {
    super(scope, id, props);

    // The platform team's routine root work is labelled "Expected"; urgent messages also page.
    const pager = new AlarmTopic(this, 'Pager', { emailAddresses: ['oncall@example.com'] });
    const unlock: ExpectedRootUse = {
      name: 'RUN-12 unlock a bucket policy',
      callerArnPatterns: ['arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*'],
      taskPolicies: [RootTaskPolicy.S3_UNLOCK_BUCKET_POLICY],
      weeklyWindow: { dayOfWeek: DayOfWeek.TUESDAY, startHour: 9, duration: Duration.hours(2) },
    };
    const rootUsage = new RootUsageAlarm(this, 'RootUsage', {
      emailAddresses: props.securityEmails,
      metricNamespace: 'LandingZone/Security',
      eventNotifications: true,
      // A Security Hub CSPM finding per root session, beside the message.
      eventNotifierOptions: { expectedRootUse: [unlock], highPriorityTopic: pager.topic, highPrioritySeverity: RootUseSeverity.HIGH, securityHubFindings: true },
    });
    const realTime = new RealTimeRootAlerts(this, 'RealTime', {
      rootUsageAlarm: rootUsage,
      organizationalUnitIds: ['r-ab12'],
      organizationId: 'o-a1b2c3d4e5',
      regions: ['us-east-1', 'eu-west-1'],
      allRootApiCalls: true,
      callAs: StackSetCallAs.DELEGATED_ADMIN,
    });
    new CfnOutput(this, 'EventBusArn', {
      description: 'The central event bus: a RootEventForwarder in another region of this account targets it',
      value: realTime.eventBus.eventBusArn,
    });
    new RootUsageDashboard(this, 'Dashboard', {
      rootUsageAlarm: rootUsage,
      realTimeRootAlerts: realTime,
      dashboardName: 'landing-zone-root-use',
      timeRange: Duration.days(1),
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
new LandingZoneRealTimeStack(app, 'LandingZoneRealTime', {
  securityEmails: ['security@example.com', 'cloud-platform@example.com'],
  description: 'Landing zone security: root sign-ins and root use reported within seconds, organization-wide',
});
app.synth();
