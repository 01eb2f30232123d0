package com.example.landingzone;

import java.util.List;

import io.github.cdkrootusagealarm.CisControl;
import io.github.cdkrootusagealarm.CisMonitoringAlarms;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/** The CIS monitoring alarms, Security Hub CloudWatch.1 to .14 but the noisy .2, on one topic. */
public class LandingZoneCisStack extends Stack {
    private final CisMonitoringAlarms cis;

    public LandingZoneCisStack(final Construct scope, final String id, final StackProps props,
            final List<String> securityEmails) {
        super(scope, id, props);

        this.cis = CisMonitoringAlarms.Builder.create(this, "Cis")
                .emailAddresses(securityEmails)
                .metricNamespace("LandingZone/CIS")
                .excludeControls(List.of(CisControl.CLOUDWATCH_2))
                .build();

        CfnOutput.Builder.create(this, "IamPolicyChangesTestCommand")
                .description("Sets the IAM policy changes alarm (CloudWatch.4) to ALARM once")
                .value(cis.alarmFor(CisControl.CLOUDWATCH_4).testNotificationCommand())
                .build();
    }

    public CisMonitoringAlarms getCis() {
        return cis;
    }
}
