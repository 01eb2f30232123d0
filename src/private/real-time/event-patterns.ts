/**
 * The EventBridge event patterns of the real-time path (`RealTimeRootAlerts`,
 * `RootEventForwarder`). CloudTrail sends each management event and console sign-in to the
 * default bus of the account and region where it is recorded, as an event whose `detail` is the
 * CloudTrail record; these patterns select the root-usage ones.
 *
 * They restate the CIS root-usage conditions on `detail` (`userIdentity.type` is `Root`,
 * `userIdentity.invokedBy` is absent, `eventType` is not `AwsServiceEvent`) and add the
 * `sts:AssumeRoot` call that opens a centralized-root-access session. They never claim that a
 * non-root identity is root: the root arm requires `userIdentity.type` `Root`, and both arms
 * require an `aws.` source and a CloudTrail detail type, which events that a principal of the
 * account puts on the bus itself cannot carry (PutEvents rejects sources starting with `aws.`).
 */
// CloudTrail's detail types on EventBridge, the list the event notifier accepts (both spellings of
// the sign-in detail type; root console actions that are not API calls arrive as "AWS Console
// Action via CloudTrail" and match the CIS conditions; service events are never root usage).
import { CLOUDTRAIL_DETAIL_TYPES } from '../event-notifier/decode';

/**
 * Root activity: root console sign-ins (success and failure), root password recovery, and every
 * root API call EventBridge delivers to the rule (with the rule state `ENABLED`, the calls that
 * change something; with `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, read-only calls too).
 * This includes the actions of a centralized-root-access session, which are Root-typed.
 */
export const ROOT_ACTIVITY_PATTERN = {
  'source': [{ prefix: 'aws.' }],
  'detail-type': CLOUDTRAIL_DETAIL_TYPES,
  'detail': {
    userIdentity: {
      type: ['Root'],
      invokedBy: [{ exists: false }],
    },
    eventType: [{ 'anything-but': 'AwsServiceEvent' }],
  },
};

/**
 * The `sts:AssumeRoot` call, successful or denied, whoever makes it: it opens a
 * centralized-root-access session for a member account (made in the management or
 * delegated-admin account, by an `AssumedRole` principal as a rule).
 */
export const ASSUME_ROOT_PATTERN = {
  'source': ['aws.sts'],
  'detail-type': ['AWS API Call via CloudTrail'],
  'detail': {
    eventSource: ['sts.amazonaws.com'],
    eventName: ['AssumeRoot'],
  },
};

/**
 * The central rule on the central event bus: the two forwarding rules' patterns again, as one
 * `$or`. Any principal of the organization can put events on the central bus, and a member
 * account's administrator can add rules of their own that forward anything CloudTrail records
 * there (IAM user calls, service events, `AssumeRole`...): those reach the bus and stop there.
 * Only root activity (the CIS conditions) and `AssumeRoot` calls invoke the function, so its
 * invocations stay bounded by root use, whatever the member accounts forward.
 */
export const CENTRAL_PATTERN = {
  $or: [ROOT_ACTIVITY_PATTERN, ASSUME_ROOT_PATTERN],
};

/** EventBridge rule states (AWS::Events::Rule `State`). */
export const RULE_STATE_ENABLED = 'ENABLED';
/** Also read-only management events (Describe*, Get*, List*, and others such as STS AssumeRole*). */
export const RULE_STATE_ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
