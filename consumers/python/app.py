#!/usr/bin/env python3
"""The landing-zone security stack, written as a Python user of cdk-root-usage-alarm writes it."""
from typing import List

import aws_cdk as cdk
from constructs import Construct

from cdk_root_usage_alarm import (
    AlarmTopic,
    CisControl,
    CisMonitoringAlarms,
    DayOfWeek,
    EventNotifierOptions,
    ExpectedRootUse,
    RealTimeRootAlerts,
    RootTaskPolicy,
    RootUsageAlarm,
    RootUsageDashboard,
    RootUseSeverity,
    StackSetCallAs,
    WeeklyWindow,
)


class LandingZoneSecurityStack(cdk.Stack):
    """Emails the security team whenever a root user of the organization is used."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        security_emails: List[str],
        event_notifications: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)

        self.root_usage = RootUsageAlarm(
            self,
            "RootUsage",
            # log_group_name defaults to "aws-controltower/CloudTrailLogs"
            email_addresses=security_emails,
            metric_namespace="LandingZone/Security",
            alarm_name="landing-zone-root-usage",
            event_notifications=event_notifications,
        )

        # After `cdk deploy`: prove that a notification reaches every confirmed recipient.
        cdk.CfnOutput(
            self,
            "TestNotificationCommand",
            description="Sets the root-usage alarm to ALARM once: every confirmed recipient gets the alarm email; "
            "the alarm returns to OK within about a minute",
            value=self.root_usage.test_notification_command(),
        )
        cdk.CfnOutput(
            self,
            "ActionHistoryCommand",
            description="Lists the alarm's latest notifications and whether each reached the topic",
            value=self.root_usage.action_history_command(),
        )


class LandingZoneCisStack(cdk.Stack):
    """The CIS monitoring alarms, Security Hub CloudWatch.1 to .14 but the noisy .2, on one topic."""

    def __init__(self, scope: Construct, construct_id: str, *, security_emails: List[str], **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        self.cis = CisMonitoringAlarms(
            self,
            "Cis",
            email_addresses=security_emails,
            metric_namespace="LandingZone/CIS",
            exclude_controls=[CisControl.CLOUDWATCH_2],
        )

        cdk.CfnOutput(
            self,
            "IamPolicyChangesTestCommand",
            description="Sets the IAM policy changes alarm (CloudWatch.4) to ALARM once",
            value=self.cis.alarm_for(CisControl.CLOUDWATCH_4).test_notification_command(),
        )


class LandingZoneRealTimeStack(cdk.Stack):
    """Root sign-ins and root use in every account of the organization, reported within seconds."""

    def __init__(self, scope: Construct, construct_id: str, *, security_emails: List[str], **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # The platform team's routine root work is labelled "Expected"; urgent messages also page.
        pager = AlarmTopic(self, "Pager", email_addresses=["oncall@example.com"])
        unlock = ExpectedRootUse(
            name="RUN-12 unlock a bucket policy",
            caller_arn_patterns=["arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*"],
            task_policies=[RootTaskPolicy.S3_UNLOCK_BUCKET_POLICY],
            weekly_window=WeeklyWindow(day_of_week=DayOfWeek.TUESDAY, start_hour=9, duration=cdk.Duration.hours(2)),
        )
        root_usage = RootUsageAlarm(
            self,
            "RootUsage",
            email_addresses=security_emails,
            metric_namespace="LandingZone/Security",
            event_notifications=True,
            event_notifier_options=EventNotifierOptions(
                expected_root_use=[unlock],
                high_priority_topic=pager.topic,
                high_priority_severity=RootUseSeverity.HIGH,
                # A Security Hub CSPM finding per root session, beside the message.
                security_hub_findings=True,
            ),
        )
        real_time = RealTimeRootAlerts(
            self,
            "RealTime",
            root_usage_alarm=root_usage,
            organizational_unit_ids=["r-ab12"],
            organization_id="o-a1b2c3d4e5",
            regions=["us-east-1", "eu-west-1"],
            all_root_api_calls=True,
            call_as=StackSetCallAs.DELEGATED_ADMIN,
        )
        cdk.CfnOutput(
            self,
            "EventBusArn",
            description="The central event bus: a RootEventForwarder in another region of this account targets it",
            value=real_time.event_bus.event_bus_arn,
        )
        RootUsageDashboard(
            self,
            "Dashboard",
            root_usage_alarm=root_usage,
            real_time_root_alerts=real_time,
            dashboard_name="landing-zone-root-use",
            time_range=cdk.Duration.days(1),
        )


app = cdk.App()
LandingZoneSecurityStack(
    app,
    "LandingZoneSecurity",
    security_emails=["security@example.com", "cloud-platform@example.com"],
    description="Landing zone security: email on any use of a root user in the organization (CIS 4.3)",
)
LandingZoneCisStack(
    app,
    "LandingZoneCis",
    security_emails=["security@example.com", "cloud-platform@example.com"],
    description="Landing zone security: the CIS monitoring alarms (Security Hub CloudWatch.1 to .14 but .2)",
)
LandingZoneSecurityStack(
    app,
    "LandingZoneSecurityEventNotifications",
    security_emails=["security@example.com", "cloud-platform@example.com"],
    description="Landing zone security: email and a message per root session on any use of a root user (CIS 4.3)",
    event_notifications=True,
)
LandingZoneRealTimeStack(
    app,
    "LandingZoneRealTime",
    security_emails=["security@example.com", "cloud-platform@example.com"],
    description="Landing zone security: root sign-ins and root use reported within seconds, organization-wide",
)
app.synth()
