import { isTamperCall, watchedChange, WatchedConfig } from './tamper';

/**
 * The parts of a CloudTrail record the notifier reads, parsed defensively: CloudTrail records
 * are JSON from AWS, but the log group may hold anything, so every field is checked.
 */

/** What the notifier knows about one root-related CloudTrail record. */
export interface RootEvent {
  /** The record as parsed, for the raw-event section of the message. */
  readonly raw: Record<string, unknown>;
  readonly eventId: string;
  readonly eventName: string;
  readonly eventSource: string;
  /**
   * ISO 8601 UTC, as CloudTrail writes it (`2024-10-25T20:52:11Z`); when the record has none, the
   * log event's timestamp (EventBridge: the envelope's `time`); '' when neither is known.
   */
  readonly eventTime: string;
  readonly eventType: string;
  readonly awsRegion: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  /**
   * The account whose root user acted: for a root record whose userIdentity.accountId (A) differs
   * from recipientAccountId (B, the owner of the resource acted on), A; otherwise the account the
   * event happened in (recipientAccountId, else userIdentity.accountId).
   */
  readonly accountId: string;
  /**
   * When the root user of `accountId` acted on a resource of another account: that account
   * (recipientAccountId); '' otherwise. A sandbox's root user cannot make an alert name another account as its own.
   */
  readonly resourceAccountId: string;
  readonly identityType: string;
  readonly identityArn: string;
  readonly accessKeyId: string;
  /** userIdentity.sessionContext.assumedRoot === "true". */
  readonly assumedRoot: boolean;
  /** userIdentity.sessionContext.attributes.creationDate: when the session's credentials were issued. */
  readonly sessionCreationDate: string;
  /** userIdentity.sessionContext.attributes.mfaAuthenticated. */
  readonly mfaAuthenticated: string;
  /** ConsoleLogin only: responseElements.ConsoleLogin ("Success" / "Failure"). */
  readonly consoleLoginResult: string;
  /** ConsoleLogin only: additionalEventData.MFAUsed, compared without case: "Yes", "No", or '' (absent or anything else). */
  readonly mfaUsed: string;
  /** PasswordUpdated only: responseElements.PasswordUpdated ("Success" / "Failure"). */
  readonly passwordUpdatedResult: string;
  /** requestParameters.userName (IAM credential calls name the user; the root user's own calls do not). */
  readonly requestUserName: string;
  /** AssumeRoot only: the member account of requestParameters.targetPrincipal. */
  readonly targetAccountId: string;
  /** AssumeRoot only: requestParameters.taskPolicyArn.arn. */
  readonly taskPolicyArn: string;
  /** AssumeRoot only: responseElements.credentials.accessKeyId, the key of the root session. */
  readonly issuedAccessKeyId: string;
  /** What the record did to the watch (tamper.ts, fixed words), or '' when it is not a tamper call on a watched resource. */
  readonly tamper: string;
}

/** Why a log event was skipped (logged, never thrown). */
export type SkipReason = 'not-json' | 'not-an-object' | 'not-cloudtrail' | 'not-root-usage' | 'not-watched';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

/** "Yes" / "No" whatever their case (AWS's own example writes "YES"); '' for anything else. */
function yesNo(v: string): string {
  const l = v.trim().toLowerCase();
  return l === 'yes' ? 'Yes' : l === 'no' ? 'No' : '';
}

const ACCOUNT_ID = /(?:^|:)(\d{12})(?::|$)/;

/** The 12-digit account of an account ID or a principal ARN (`arn:aws:iam::222222222222:root`). */
export function accountOf(principal: string): string {
  if (/^\d{12}$/.test(principal)) return principal;
  const m = ACCOUNT_ID.exec(principal);
  return m ? m[1] : '';
}

const isAssumeRootCall = (r: Record<string, unknown>) => r.eventSource === 'sts.amazonaws.com' && r.eventName === 'AssumeRoot';

/**
 * Whether the subscription filter (RootUsageAlarm.EVENT_NOTIFICATION_PATTERN) would have
 * delivered this record: the CIS expression (`userIdentity.type` exactly "Root", no
 * `userIdentity.invokedBy` key at all, `eventType` present and not "AwsServiceEvent", as
 * CloudWatch Logs evaluates it), or the `sts:AssumeRoot` call. Anything else (an IAM user, a
 * call invoked by an AWS service, an AWS service event, whatever else reaches the function)
 * never becomes a root message.
 */
export function matchesNotificationPattern(r: Record<string, unknown>): boolean {
  if (isAssumeRootCall(r)) return true;
  const identity = obj(r.userIdentity);
  return identity.type === 'Root'
    && !Object.prototype.hasOwnProperty.call(identity, 'invokedBy')
    && typeof r.eventType === 'string' && r.eventType !== 'AwsServiceEvent';
}

/** A log event timestamp (ms) as CloudTrail's eventTime format, or '' when not a usable time. */
export function isoFromMillis(ms: number | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return '';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Parses one log event's message as a CloudTrail record, or says why it is skipped.
 * `fallbackTime` (ISO) stands in for a missing eventTime: the log event's timestamp.
 */
export function parseCloudTrailRecord(message: string, fallbackTime = '', watched?: WatchedConfig): RootEvent | SkipReason {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return 'not-json';
  }
  return parseRecordObject(parsed, fallbackTime, watched);
}

/**
 * Parses an already decoded record (an EventBridge event's `detail`), or says why it is skipped.
 * With `watched`, a tamper call on a watched resource is kept (whoever made it), and a tamper call
 * on anything else is 'not-watched'.
 */
export function parseRecordObject(parsed: unknown, fallbackTime = '', watched?: WatchedConfig): RootEvent | SkipReason {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not-an-object';
  const r = parsed as Record<string, unknown>;
  const identity = obj(r.userIdentity);
  // Every CloudTrail record has eventName, eventSource and a userIdentity object (eventTime too,
  // but a record without it is still reported, at the time of its log event).
  if (typeof r.eventName !== 'string' || typeof r.eventSource !== 'string'
    || typeof r.userIdentity !== 'object' || r.userIdentity === null || Array.isArray(r.userIdentity)) {
    return 'not-cloudtrail';
  }
  const tamper = watched ? watchedChange(r, watched) : '';
  if (!matchesNotificationPattern(r) && tamper === '') return watched && isTamperCall(r) ? 'not-watched' : 'not-root-usage';
  const sessionContext = obj(identity.sessionContext);
  const request = obj(r.requestParameters);
  const response = obj(r.responseElements);
  const isAssumeRoot = isAssumeRootCall(r);
  const recipient = accountOf(str(r.recipientAccountId));
  const actor = accountOf(str(identity.accountId));
  const crossAccount = identity.type === 'Root' && recipient !== '' && actor !== '' && actor !== recipient;
  return {
    raw: r,
    eventId: str(r.eventID),
    eventName: r.eventName,
    eventSource: r.eventSource,
    eventTime: typeof r.eventTime === 'string' && r.eventTime !== '' ? r.eventTime : fallbackTime,
    eventType: str(r.eventType),
    awsRegion: str(r.awsRegion),
    sourceIp: str(r.sourceIPAddress),
    userAgent: str(r.userAgent),
    errorCode: str(r.errorCode),
    errorMessage: str(r.errorMessage),
    accountId: crossAccount ? actor : recipient || actor || str(r.recipientAccountId) || str(identity.accountId),
    resourceAccountId: crossAccount ? recipient : '',
    identityType: str(identity.type),
    identityArn: str(identity.arn),
    accessKeyId: str(identity.accessKeyId),
    assumedRoot: sessionContext.assumedRoot === 'true',
    sessionCreationDate: str(obj(sessionContext.attributes).creationDate),
    mfaAuthenticated: str(obj(sessionContext.attributes).mfaAuthenticated),
    consoleLoginResult: str(response.ConsoleLogin),
    mfaUsed: yesNo(str(obj(r.additionalEventData).MFAUsed)),
    passwordUpdatedResult: str(response.PasswordUpdated),
    requestUserName: str(request.userName),
    targetAccountId: isAssumeRoot ? accountOf(str(request.targetPrincipal)) : '',
    taskPolicyArn: isAssumeRoot ? str(obj(request.taskPolicyArn).arn) : '',
    issuedAccessKeyId: isAssumeRoot ? str(obj(response.credentials).accessKeyId) : '',
    tamper,
  };
}
