# The Python side of rosetta/default.ts-fixture: a README fragment (a snippet that uses `self`)
# runs inside this stack's constructor, with these imports, as rosetta compiled its TypeScript.
# test/readme.test.ts checks that these imports match the fixture's.
import aws_cdk as cdk
from aws_cdk import Annotations, App, CfnOutput, Duration, Stack
import aws_cdk.aws_chatbot as chatbot
import aws_cdk.aws_cloudwatch_actions as actions
import aws_cdk.aws_iam as iam
import aws_cdk.aws_kms as kms
import aws_cdk.aws_logs as logs
import aws_cdk.aws_sns as sns
from constructs import Construct
from cdk_root_usage_alarm import AlarmTopic, CisControl, CisMonitoringAlarms, EventNotifier, LogPatternAlarm, RealTimeRootAlerts, RootEventForwarder, RootUsageAlarm, StackSetCallAs


class Fixture(Stack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)

        # here


app = App()
Fixture(app, "Fixture")
app.synth()
