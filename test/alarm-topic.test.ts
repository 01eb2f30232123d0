import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AlarmTopic } from '../src';

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

describe('AlarmTopic', () => {
  test('defaults: a topic with a new rotating key, CloudWatch admitted, TLS enforced, no subscriptions', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const alarmTopic = new AlarmTopic(stack, 'Alerts');
    // THEN
    const template = Template.fromStack(stack);
    expect(alarmTopic.encryptionKey).toBeInstanceOf(kms.Key);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyGrantsExceptForAwsServices',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          },
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ],
      },
    });
  });

  test('the topic child is the default child, so its logical ID is short', () => {
    const stack = newStack();
    const alarmTopic = new AlarmTopic(stack, 'Alerts');
    expect(alarmTopic.node.defaultChild).toBe(alarmTopic.topic);
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::SNS::Topic'))).toEqual([
      expect.stringMatching(/^Alerts[0-9A-F]{8}$/),
    ]);
  });

  test('names, display name and subscriptions', () => {
    const stack = newStack();
    new AlarmTopic(stack, 'Alerts', {
      topicName: 'security-alarms',
      displayName: 'Security alarms',
      emailAddresses: ['a@example.com', 'b@example.com'],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'security-alarms', DisplayName: 'Security alarms' });
    template.resourceCountIs('AWS::SNS::Subscription', 2);
  });

  test('one topic serves several alarms', () => {
    const stack = newStack();
    const alarmTopic = new AlarmTopic(stack, 'Alerts', { emailAddresses: ['a@example.com'] });
    for (const name of ['One', 'Two']) {
      new cloudwatch.Alarm(stack, name, {
        metric: new cloudwatch.Metric({ namespace: 'Ns', metricName: name }),
        threshold: 1,
        evaluationPeriods: 1,
      }).addAlarmAction(new actions.SnsAction(alarmTopic.topic));
    }
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 1);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }] },
    }))).toHaveLength(2);
  });

  test.each([
    ['an invalid email address', { emailAddresses: ['nope'] }, /AlarmTopic at Stack\/Alerts: emailAddresses\[0\] must be an email address/],
    ['a display name over 100 characters', { displayName: 'd'.repeat(101) }, /displayName must be at most 100 characters/],
    ['an empty topic name', { topicName: '' }, /topicName must not be empty/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => new AlarmTopic(newStack(), 'Alerts', props)).toThrow(message);
  });

  test('rejects the AWS managed key', () => {
    const stack = newStack();
    expect(() => new AlarmTopic(stack, 'Alerts', { encryptionKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sns') }))
      .toThrow(/AlarmTopic at Stack\/Alerts: encryptionKey must not be the AWS managed key alias\/aws\/sns/);
  });

  test('no warning for a key defined in the app', () => {
    const stack = newStack();
    new AlarmTopic(stack, 'Alerts', { encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
