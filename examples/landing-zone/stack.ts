import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { RootUsageAlarm } from 'cdk-root-usage-alarm';
import { RootUsageAlarm } from '../../src';

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
}

/**
 * The stack a platform team deploys once, to the AWS Control Tower management account in the
 * landing zone's home region: there the organization trail already delivers every account's
 * CloudTrail events to the log group `aws-controltower/CloudTrailLogs`.
 */
export class LandingZoneSecurityStack extends Stack {
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
