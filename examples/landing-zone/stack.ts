import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { ManagementAccountForwarder, RealTimeRootAlerts, RootUsageAlarm } from 'cdk-root-usage-alarm';
import { ManagementAccountForwarder, RealTimeRootAlerts, RootUsageAlarm } from '../../src';

/** Properties of the example landing-zone security stack. */
export interface LandingZoneSecurityStackProps extends StackProps {
  /** Who is told when a root user is used. Each address must confirm its subscription. */
  readonly securityEmails: string[];

  /**
   * Also send every root use as its own message, with its details (adds a Lambda function).
   *
   * @default false
   */
  readonly eventNotifications?: boolean;

  /**
   * Also report root sign-ins and root use within seconds, in every account of these
   * organizational units (docs/real-time-alerts.md). Turns `eventNotifications` on.
   *
   * @default - no real-time path
   */
  readonly realTime?: RealTimeOptions;
}

/** Where the real-time path reaches. */
export interface RealTimeOptions {
  /** The organization's ID, `o-...`: the central event bus accepts events from it only. */
  readonly organizationId: string;
  /** The organization root (`r-...`) or the OUs whose accounts forward their root events. */
  readonly organizationalUnitIds: string[];
}

/**
 * The stack a platform team deploys once, to the AWS Control Tower management account in the
 * landing zone's home region: there the organization trail already delivers every account's
 * CloudTrail events to the log group `aws-controltower/CloudTrailLogs`.
 */
export class LandingZoneSecurityStack extends Stack {
  public readonly rootUsage: RootUsageAlarm;
  public readonly realTime?: RealTimeRootAlerts;

  constructor(scope: Construct, id: string, props: LandingZoneSecurityStackProps) {
    super(scope, id, props);

    this.rootUsage = new RootUsageAlarm(this, 'RootUsage', {
      // logGroupName defaults to 'aws-controltower/CloudTrailLogs'
      emailAddresses: props.securityEmails,
      metricNamespace: 'LandingZone/Security',
      alarmName: 'landing-zone-root-usage',
      eventNotifications: props.eventNotifications || props.realTime !== undefined,
    });

    if (props.realTime) {
      this.realTime = new RealTimeRootAlerts(this, 'RealTime', {
        rootUsageAlarm: this.rootUsage,
        organizationId: props.realTime.organizationId,
        organizationalUnitIds: props.realTime.organizationalUnitIds,
      });
      new CfnOutput(this, 'FailedStackInstancesCommand', {
        description: 'Lists the accounts and regions where the forwarding rules failed to deploy',
        value: `aws cloudformation list-stack-instances --stack-set-name ${this.realTime.stackSet.stackSetName} ` +
          '--filters Name=DETAILED_STATUS,Values=FAILED',
      });
    }

    // After `cdk deploy`: prove that a notification really reaches every confirmed recipient
    // (README "Test it after deploying"), then check that the alarm's action succeeded.
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

/** Properties of the {@link ManagementForwarderStack}. */
export interface ManagementForwarderStackProps extends StackProps {
  /** The real-time path of the landing zone's security stack. */
  readonly realTimeRootAlerts: RealTimeRootAlerts;
}

/**
 * The real-time path for the management account in one region other than the home region (the
 * stack set never deploys to the management account): its forwarding rules, and alarms relayed
 * to the root-usage topic.
 */
export class ManagementForwarderStack extends Stack {
  constructor(scope: Construct, id: string, props: ManagementForwarderStackProps) {
    super(scope, id, props);
    new ManagementAccountForwarder(this, 'Forwarder', { realTimeRootAlerts: props.realTimeRootAlerts });
  }
}
