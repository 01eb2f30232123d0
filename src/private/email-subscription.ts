import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { acknowledgeNagRules } from './nag';

/**
 * Subscribes `email` to `topic` (the subscription stays pending until its recipient confirms),
 * with the one cdk-nag finding on it acknowledged: Serverless-SNSRedrivePolicy.
 */
export function subscribeEmail(topic: sns.ITopic, email: string): sns.Subscription {
  const subscription = topic.addSubscription(new subscriptions.EmailSubscription(email));
  acknowledgeNagRules(subscription, [{
    id: 'Serverless-SNSRedrivePolicy',
    reason: 'An email subscription: a dead-letter queue would keep the notifications SNS could not deliver by email in a ' +
      'queue nobody reads; the alarm history and the topic\'s NumberOfNotificationsFailed metric already show them.',
  }]);
  return subscription;
}
