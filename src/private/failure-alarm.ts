import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/**
 * An alarm on a failure count of the library's own plumbing (a function's errors, a queue's
 * arrivals, a rule's failed deliveries): ALARM on one or more in a period, missing data not
 * breaching, notifying `action` when it fires and again when it clears, so that a failure is
 * never silent and the recipients know when it is over.
 */
export function failureAlarm(
  scope: Construct, id: string, alarmDescription: string, metric: cloudwatch.IMetric, action: cloudwatch.IAlarmAction,
): cloudwatch.Alarm {
  const alarm = failureCondition(scope, id, alarmDescription, metric);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

/**
 * The condition of {@link failureAlarm} (one or more in a period, missing data not breaching),
 * without its actions: for an alarm whose actions are not an IAlarmAction (the member template's,
 * chosen by a CloudFormation condition).
 */
export function failureCondition(
  scope: Construct, id: string, alarmDescription: string, metric: cloudwatch.IMetric, alarmName?: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    ...(alarmName !== undefined ? { alarmName } : {}),
    alarmDescription,
    metric,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    actionsEnabled: true,
  });
}
