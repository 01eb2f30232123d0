import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';

/**
 * Adds `actions` to the ALARM actions of every CloudWatch alarm in the subtree of `scope` when
 * called (whichever constructs created them), and returns those alarms: one mechanism for every
 * construct of the library, so that an alarm added to a construct later is covered without a list
 * to keep up to date.
 */
export function addActionsToEveryAlarm(scope: IConstruct, actions: cloudwatch.IAlarmAction[]): cloudwatch.Alarm[] {
  const alarms = scope.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm);
  for (const alarm of alarms) {
    alarm.addAlarmAction(...actions);
  }
  return alarms;
}
