// The landing-zone security app, written as a Go user of cdk-root-usage-alarm writes it.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-root-usage-alarm/cdk-root-usage-alarm-go/cdkrootusagealarm"
)

// LandingZoneSecurityStackProps are the properties of the landing-zone security stack.
type LandingZoneSecurityStackProps struct {
	awscdk.StackProps
	// SecurityEmails are told when a root user is used.
	SecurityEmails *[]*string
	// EventNotifications also sends every root use as its own message (adds a Lambda function).
	EventNotifications *bool
}

// NewLandingZoneSecurityStack emails the security team whenever a root user of the organization is used.
func NewLandingZoneSecurityStack(scope constructs.Construct, id string, props *LandingZoneSecurityStackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)

	rootUsage := cdkrootusagealarm.NewRootUsageAlarm(stack, jsii.String("RootUsage"), &cdkrootusagealarm.RootUsageAlarmProps{
		// LogGroupName defaults to "aws-controltower/CloudTrailLogs"
		EmailAddresses:     props.SecurityEmails,
		MetricNamespace:    jsii.String("LandingZone/Security"),
		AlarmName:          jsii.String("landing-zone-root-usage"),
		EventNotifications: props.EventNotifications,
	})

	// After `cdk deploy`: prove that a notification reaches every confirmed recipient.
	awscdk.NewCfnOutput(stack, jsii.String("TestNotificationCommand"), &awscdk.CfnOutputProps{
		Description: jsii.String("Sets the root-usage alarm to ALARM once: every confirmed recipient gets the alarm email; " +
			"the alarm returns to OK within about a minute"),
		Value: rootUsage.TestNotificationCommand(),
	})
	awscdk.NewCfnOutput(stack, jsii.String("ActionHistoryCommand"), &awscdk.CfnOutputProps{
		Description: jsii.String("Lists the alarm's latest notifications and whether each reached the topic"),
		Value:       rootUsage.ActionHistoryCommand(),
	})

	return stack
}

// NewLandingZoneCisStack creates the CIS monitoring alarms, Security Hub CloudWatch.1 to .14 but the noisy .2, on one topic.
func NewLandingZoneCisStack(scope constructs.Construct, id string, props *LandingZoneSecurityStackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)

	cis := cdkrootusagealarm.NewCisMonitoringAlarms(stack, jsii.String("Cis"), &cdkrootusagealarm.CisMonitoringAlarmsProps{
		EmailAddresses:  props.SecurityEmails,
		MetricNamespace: jsii.String("LandingZone/CIS"),
		ExcludeControls: &[]cdkrootusagealarm.CisControl{cdkrootusagealarm.CisControl_CLOUDWATCH_2},
	})

	awscdk.NewCfnOutput(stack, jsii.String("IamPolicyChangesTestCommand"), &awscdk.CfnOutputProps{
		Description: jsii.String("Sets the IAM policy changes alarm (CloudWatch.4) to ALARM once"),
		Value:       cis.AlarmFor(cdkrootusagealarm.CisControl_CLOUDWATCH_4).TestNotificationCommand(),
	})

	return stack
}

// NewLandingZoneRealTimeStack reports root sign-ins and root use in every account of the organization within seconds.
func NewLandingZoneRealTimeStack(scope constructs.Construct, id string, props *LandingZoneSecurityStackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)

	// The platform team's routine root work is labelled "Expected"; urgent messages also page.
	pager := cdkrootusagealarm.NewAlarmTopic(stack, jsii.String("Pager"), &cdkrootusagealarm.AlarmTopicProps{
		EmailAddresses: jsii.Strings("oncall@example.com"),
	})
	unlock := &cdkrootusagealarm.ExpectedRootUse{
		Name:              jsii.String("RUN-12 unlock a bucket policy"),
		CallerArnPatterns: jsii.Strings("arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*"),
		TaskPolicies:      &[]cdkrootusagealarm.RootTaskPolicy{cdkrootusagealarm.RootTaskPolicy_S3_UNLOCK_BUCKET_POLICY},
		WeeklyWindow: &cdkrootusagealarm.WeeklyWindow{
			DayOfWeek: cdkrootusagealarm.DayOfWeek_TUESDAY,
			StartHour: jsii.Number(9),
			Duration:  awscdk.Duration_Hours(jsii.Number(2)),
		},
	}
	rootUsage := cdkrootusagealarm.NewRootUsageAlarm(stack, jsii.String("RootUsage"), &cdkrootusagealarm.RootUsageAlarmProps{
		EmailAddresses:     props.SecurityEmails,
		MetricNamespace:    jsii.String("LandingZone/Security"),
		EventNotifications: jsii.Bool(true),
		EventNotifierOptions: &cdkrootusagealarm.EventNotifierOptions{
			ExpectedRootUse:      &[]*cdkrootusagealarm.ExpectedRootUse{unlock},
			HighPriorityTopic:    pager.Topic(),
			HighPrioritySeverity: cdkrootusagealarm.RootUseSeverity_HIGH,
			// A Security Hub CSPM finding per root session, beside the message.
			SecurityHubFindings: jsii.Bool(true),
		},
	})
	realTime := cdkrootusagealarm.NewRealTimeRootAlerts(stack, jsii.String("RealTime"), &cdkrootusagealarm.RealTimeRootAlertsProps{
		RootUsageAlarm:        rootUsage,
		OrganizationalUnitIds: jsii.Strings("r-ab12"),
		OrganizationId:        jsii.String("o-a1b2c3d4e5"),
		Regions:               jsii.Strings("us-east-1", "eu-west-1"),
		AllRootApiCalls:       jsii.Bool(true),
		CallAs:                cdkrootusagealarm.StackSetCallAs_DELEGATED_ADMIN,
	})
	awscdk.NewCfnOutput(stack, jsii.String("EventBusArn"), &awscdk.CfnOutputProps{
		Description: jsii.String("The central event bus: a RootEventForwarder in another region of this account targets it"),
		Value:       realTime.EventBus().EventBusArn(),
	})
	cdkrootusagealarm.NewRootUsageDashboard(stack, jsii.String("Dashboard"), &cdkrootusagealarm.RootUsageDashboardProps{
		RootUsageAlarm:     rootUsage,
		RealTimeRootAlerts: realTime,
		DashboardName:      jsii.String("landing-zone-root-use"),
		TimeRange:          awscdk.Duration_Days(jsii.Number(1)),
	})

	return stack
}

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)

	NewLandingZoneSecurityStack(app, "LandingZoneSecurity", &LandingZoneSecurityStackProps{
		StackProps: awscdk.StackProps{
			Description: jsii.String("Landing zone security: email on any use of a root user in the organization (CIS 4.3)"),
		},
		SecurityEmails: jsii.Strings("security@example.com", "cloud-platform@example.com"),
	})
	NewLandingZoneSecurityStack(app, "LandingZoneSecurityEventNotifications", &LandingZoneSecurityStackProps{
		StackProps: awscdk.StackProps{
			Description: jsii.String("Landing zone security: email and a message per root session on any use of a root user (CIS 4.3)"),
		},
		SecurityEmails:     jsii.Strings("security@example.com", "cloud-platform@example.com"),
		EventNotifications: jsii.Bool(true),
	})

	NewLandingZoneCisStack(app, "LandingZoneCis", &LandingZoneSecurityStackProps{
		StackProps: awscdk.StackProps{
			Description: jsii.String("Landing zone security: the CIS monitoring alarms (Security Hub CloudWatch.1 to .14 but .2)"),
		},
		SecurityEmails: jsii.Strings("security@example.com", "cloud-platform@example.com"),
	})

	NewLandingZoneRealTimeStack(app, "LandingZoneRealTime", &LandingZoneSecurityStackProps{
		StackProps: awscdk.StackProps{
			Description: jsii.String("Landing zone security: root sign-ins and root use reported within seconds, organization-wide"),
		},
		SecurityEmails: jsii.Strings("security@example.com", "cloud-platform@example.com"),
	})

	app.Synth(nil)
}
