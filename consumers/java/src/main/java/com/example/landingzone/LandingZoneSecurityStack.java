package com.example.landingzone;

import java.util.List;

import io.github.cdkrootusagealarm.RootUsageAlarm;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/** Emails the security team whenever a root user of the organization is used. */
public class LandingZoneSecurityStack extends Stack {
    private final RootUsageAlarm rootUsage;

    public LandingZoneSecurityStack(final Construct scope, final String id, final StackProps props,
            final List<String> securityEmails) {
        this(scope, id, props, securityEmails, false);
    }

    public LandingZoneSecurityStack(final Construct scope, final String id, final StackProps props,
            final List<String> securityEmails, final boolean eventNotifications) {
        super(scope, id, props);

        this.rootUsage = RootUsageAlarm.Builder.create(this, "RootUsage")
                // logGroupName defaults to "aws-controltower/CloudTrailLogs"
                .emailAddresses(securityEmails)
                .metricNamespace("LandingZone/Security")
                .alarmName("landing-zone-root-usage")
                .eventNotifications(eventNotifications)
                .build();

        // After `cdk deploy`: prove that a notification reaches every confirmed recipient.
        CfnOutput.Builder.create(this, "TestNotificationCommand")
                .description("Sets the root-usage alarm to ALARM once: every confirmed recipient gets the alarm email; "
                        + "the alarm returns to OK within about a minute")
                .value(rootUsage.testNotificationCommand())
                .build();
        CfnOutput.Builder.create(this, "ActionHistoryCommand")
                .description("Lists the alarm's latest notifications and whether each reached the topic")
                .value(rootUsage.actionHistoryCommand())
                .build();
    }

    public RootUsageAlarm getRootUsage() {
        return rootUsage;
    }
}
