import { Duration } from 'aws-cdk-lib';

/**
 * The AWS managed task policies of centralized root access (`arn:aws:iam::aws:policy/root-task/<name>`):
 * an `sts:AssumeRoot` session is scoped to exactly one of them.
 */
export enum RootTaskPolicy {
  /** `root-task/IAMAuditRootUserCredentials`: read the member's root user credentials (read-only). */
  IAM_AUDIT_ROOT_USER_CREDENTIALS = 'IAMAuditRootUserCredentials',
  /** `root-task/IAMCreateRootUserPassword`: allow the member's root user password to be recovered. */
  IAM_CREATE_ROOT_USER_PASSWORD = 'IAMCreateRootUserPassword',
  /** `root-task/IAMDeleteRootUserCredentials`: delete the member's root user credentials (password, access keys, signing certificates, MFA). */
  IAM_DELETE_ROOT_USER_CREDENTIALS = 'IAMDeleteRootUserCredentials',
  /** `root-task/S3UnlockBucketPolicy`: delete a bucket policy that denies every principal. */
  S3_UNLOCK_BUCKET_POLICY = 'S3UnlockBucketPolicy',
  /** `root-task/SQSUnlockQueuePolicy`: delete a queue policy that denies every principal. */
  SQS_UNLOCK_QUEUE_POLICY = 'SQSUnlockQueuePolicy',
}

/** A day of the week (UTC), for a {@link WeeklyWindow}. */
export enum DayOfWeek {
  /** Monday. */
  MONDAY = 'MONDAY',
  /** Tuesday. */
  TUESDAY = 'TUESDAY',
  /** Wednesday. */
  WEDNESDAY = 'WEDNESDAY',
  /** Thursday. */
  THURSDAY = 'THURSDAY',
  /** Friday. */
  FRIDAY = 'FRIDAY',
  /** Saturday. */
  SATURDAY = 'SATURDAY',
  /** Sunday. */
  SUNDAY = 'SUNDAY',
}

/**
 * How urgent a root-usage message is, from fixed rules (docs/expected-root-use.md lists them):
 * every message's subject starts with it (`[HIGH] ...`).
 */
export enum RootUseSeverity {
  /** Declared, expected root work. */
  LOW = 'LOW',
  /** Failed or denied attempts; expected work done for the first time. */
  MEDIUM = 'MEDIUM',
  /** Unexpected root use: a root session, sign-in or access key nobody declared. */
  HIGH = 'HIGH',
  /** Trail or watch changes; unexpected root credential or MFA changes; unexpected root use of the management account. */
  CRITICAL = 'CRITICAL',
}

/** A window that recurs every week, in UTC: for example a break-glass rehearsal every Tuesday 09:00-11:00. */
export interface WeeklyWindow {
  /** The day the window starts on (UTC). */
  readonly dayOfWeek: DayOfWeek;

  /** The hour the window starts at, 0 to 23 (UTC). */
  readonly startHour: number;

  /**
   * The minute the window starts at, 0 to 59.
   *
   * @default 0
   */
  readonly startMinute?: number;

  /** How long the window lasts: whole minutes, from 1 minute to 7 days. */
  readonly duration: Duration;
}

/**
 * Root use the platform team plans: a session that matches one entry in every field the entry
 * sets is labelled "Expected: <name>" (and gets a low severity); anything else "Unexpected". It is
 * still reported, counted by the alarm and found by the Logs Insights links: nothing is dropped.
 *
 * An `sts:AssumeRoot` session matches on what AWS records of its `AssumeRoot` call in the calling
 * (management or delegated administrator) account: the caller's ARN, the task policy, the target
 * account and the call's time. A root console sign-in, a root access key or any other root session
 * matches only an entry that names its account and a time window and sets neither
 * `callerArnPatterns` nor `taskPolicies`.
 */
export interface ExpectedRootUse {
  /**
   * What the work is (a ticket or a reason): shown as "Expected: <name>". 1 to 64 printable ASCII
   * characters, without `<`, `>`, backquotes or `*`.
   */
  readonly name: string;

  /**
   * The ARNs of the principals allowed to call `sts:AssumeRoot` for this work, as patterns: `*`
   * matches any characters, `?` one. Each names its account by its 12-digit ID (no wildcard there),
   * for example `arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*` (any session of
   * that role; an IAM Identity Center permission set's role name carries a suffix:
   * `AWSReservedSSO_RootAccess_` followed by `*` matches it). Only `AssumeRoot` sessions can match an
   * entry that sets it. At most 10 patterns of at most 300 characters.
   *
   * @default - any caller
   */
  readonly callerArnPatterns?: string[];

  /**
   * The task policies the work uses. Only `AssumeRoot` sessions can match an entry that sets it.
   *
   * @default - any task policy
   */
  readonly taskPolicies?: RootTaskPolicy[];

  /**
   * The accounts (12-digit IDs) whose root user the work uses: an `AssumeRoot` session's target
   * account, or the account of a root sign-in or root access key.
   *
   * @default - any account (only `AssumeRoot` sessions can match an entry without accounts)
   */
  readonly accounts?: string[];

  /**
   * When the window opens: an ISO 8601 date and time with a time zone, for example
   * `2026-03-01T09:00:00Z`. Set with `end`.
   *
   * @default - no absolute window
   */
  readonly start?: string;

  /**
   * When the window closes: an ISO 8601 date and time with a time zone, after `start`. Set with `start`.
   *
   * @default - no absolute window
   */
  readonly end?: string;

  /**
   * A window that recurs every week (UTC). With `start` and `end` too, the time must be in both.
   *
   * @default - no weekly window
   */
  readonly weeklyWindow?: WeeklyWindow;
}
