package com.example.landingzone;

import java.util.List;

import io.github.cdkrootusagealarm.AlarmTopic;
import io.github.cdkrootusagealarm.DayOfWeek;
import io.github.cdkrootusagealarm.EventNotifierOptions;
import io.github.cdkrootusagealarm.ExpectedRootUse;
import io.github.cdkrootusagealarm.RealTimeRootAlerts;
import io.github.cdkrootusagealarm.RootTaskPolicy;
import io.github.cdkrootusagealarm.RootUsageAlarm;
import io.github.cdkrootusagealarm.RootUsageDashboard;
import io.github.cdkrootusagealarm.RootUseSeverity;
import io.github.cdkrootusagealarm.StackSetCallAs;
import io.github.cdkrootusagealarm.WeeklyWindow;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/** Root sign-ins and root use in every account of the organization, reported within seconds. */
public class LandingZoneRealTimeStack extends Stack {
    private final RealTimeRootAlerts realTime;

    public LandingZoneRealTimeStack(final Construct scope, final String id, final StackProps props,
            final List<String> securityEmails) {
        super(scope, id, props);

        // The platform team's routine root work is labelled "Expected"; urgent messages also page.
        AlarmTopic pager = AlarmTopic.Builder.create(this, "Pager").emailAddresses(List.of("oncall@example.com")).build();
        ExpectedRootUse unlock = ExpectedRootUse.builder()
                .name("RUN-12 unlock a bucket policy")
                .callerArnPatterns(List.of("arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*"))
                .taskPolicies(List.of(RootTaskPolicy.S3_UNLOCK_BUCKET_POLICY))
                .weeklyWindow(WeeklyWindow.builder().dayOfWeek(DayOfWeek.TUESDAY).startHour(9).duration(Duration.hours(2)).build())
                .build();
        RootUsageAlarm rootUsage = RootUsageAlarm.Builder.create(this, "RootUsage")
                .emailAddresses(securityEmails)
                .metricNamespace("LandingZone/Security")
                .eventNotifications(true)
                .eventNotifierOptions(EventNotifierOptions.builder()
                        .expectedRootUse(List.of(unlock))
                        .highPriorityTopic(pager.getTopic())
                        .highPrioritySeverity(RootUseSeverity.HIGH)
                        // A Security Hub CSPM finding per root session, beside the message.
                        .securityHubFindings(true)
                        .build())
                .build();
        this.realTime = RealTimeRootAlerts.Builder.create(this, "RealTime")
                .rootUsageAlarm(rootUsage)
                .organizationalUnitIds(List.of("r-ab12"))
                .organizationId("o-a1b2c3d4e5")
                .regions(List.of("us-east-1", "eu-west-1"))
                .allRootApiCalls(true)
                .callAs(StackSetCallAs.DELEGATED_ADMIN)
                .build();

        CfnOutput.Builder.create(this, "EventBusArn")
                .description("The central event bus: a RootEventForwarder in another region of this account targets it")
                .value(realTime.getEventBus().getEventBusArn())
                .build();
        RootUsageDashboard.Builder.create(this, "Dashboard")
                .rootUsageAlarm(rootUsage)
                .realTimeRootAlerts(realTime)
                .dashboardName("landing-zone-root-use")
                .timeRange(Duration.days(1))
                .build();
    }

    public RealTimeRootAlerts getRealTime() {
        return realTime;
    }
}
