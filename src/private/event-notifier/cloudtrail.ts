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
  /** ISO 8601 UTC, as CloudTrail writes it (`2024-10-25T20:52:11Z`), or '' if absent. */
  readonly eventTime: string;
  readonly eventType: string;
  readonly awsRegion: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  /** The account the event happened in (recipientAccountId, else userIdentity.accountId). */
  readonly accountId: string;
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
  /** ConsoleLogin only: additionalEventData.MFAUsed ("Yes" / "No"). */
  readonly mfaUsed: string;
  /** AssumeRoot only: the member account of requestParameters.targetPrincipal. */
  readonly targetAccountId: string;
  /** AssumeRoot only: requestParameters.taskPolicyArn.arn. */
  readonly taskPolicyArn: string;
  /** AssumeRoot only: responseElements.credentials.accessKeyId, the key of the root session. */
  readonly issuedAccessKeyId: string;
}

/** Why a log event was skipped (logged, never thrown). */
export type SkipReason = 'not-json' | 'not-an-object' | 'not-cloudtrail';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

const ACCOUNT_ID = /(?:^|:)(\d{12})(?::|$)/;

/** The 12-digit account of an account ID or a principal ARN (`arn:aws:iam::222222222222:root`). */
export function accountOf(principal: string): string {
  if (/^\d{12}$/.test(principal)) return principal;
  const m = ACCOUNT_ID.exec(principal);
  return m ? m[1] : '';
}

/** Parses one log event's message as a CloudTrail record, or says why it is skipped. */
export function parseCloudTrailRecord(message: string): RootEvent | SkipReason {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return 'not-json';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not-an-object';
  const r = parsed as Record<string, unknown>;
  const identity = obj(r.userIdentity);
  // Every CloudTrail record has eventName, eventSource, eventTime and a userIdentity object.
  if (typeof r.eventName !== 'string' || typeof r.eventSource !== 'string' || typeof r.eventTime !== 'string'
    || typeof r.userIdentity !== 'object' || r.userIdentity === null) {
    return 'not-cloudtrail';
  }
  const sessionContext = obj(identity.sessionContext);
  const request = obj(r.requestParameters);
  const response = obj(r.responseElements);
  const isAssumeRoot = r.eventSource === 'sts.amazonaws.com' && r.eventName === 'AssumeRoot';
  return {
    raw: r,
    eventId: str(r.eventID),
    eventName: r.eventName,
    eventSource: r.eventSource,
    eventTime: r.eventTime,
    eventType: str(r.eventType),
    awsRegion: str(r.awsRegion),
    sourceIp: str(r.sourceIPAddress),
    userAgent: str(r.userAgent),
    errorCode: str(r.errorCode),
    errorMessage: str(r.errorMessage),
    accountId: accountOf(str(r.recipientAccountId)) || accountOf(str(identity.accountId)) || str(r.recipientAccountId) || str(identity.accountId),
    identityType: str(identity.type),
    identityArn: str(identity.arn),
    accessKeyId: str(identity.accessKeyId),
    assumedRoot: sessionContext.assumedRoot === 'true',
    sessionCreationDate: str(obj(sessionContext.attributes).creationDate),
    mfaAuthenticated: str(obj(sessionContext.attributes).mfaAuthenticated),
    consoleLoginResult: str(response.ConsoleLogin),
    mfaUsed: str(obj(r.additionalEventData).MFAUsed),
    targetAccountId: isAssumeRoot ? accountOf(str(request.targetPrincipal)) : '',
    taskPolicyArn: isAssumeRoot ? str(obj(request.taskPolicyArn).arn) : '',
    issuedAccessKeyId: isAssumeRoot ? str(obj(response.credentials).accessKeyId) : '',
  };
}
