import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * FailedInvocations + InvocationsFailedToBeSentToDlq of the rules (EventBridge reports each only
 * when it is not zero, hence FILL). With a dead-letter queue, a failed delivery that reaches the
 * queue counts in neither: the queue's own alarm covers it.
 */
export function failedDeliveries(rules: Record<string, string>[], period: Duration): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  rules.forEach((dimensionsMap, index) => {
    for (const [key, metricName] of [['failed', 'FailedInvocations'], ['dlq', 'InvocationsFailedToBeSentToDlq']]) {
      usingMetrics[`${key}${index}`] = new cloudwatch.Metric({
        namespace: 'AWS/Events', metricName, dimensionsMap, statistic: cloudwatch.Stats.SUM, period,
      });
    }
  });
  return new cloudwatch.MathExpression({
    expression: Object.keys(usingMetrics).map((metricId) => `FILL(${metricId}, 0)`).join(' + '),
    usingMetrics,
    period,
    label: 'Failed deliveries',
  });
}
