import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { AlarmTopic } from '../alarm-topic';
import { DayOfWeek, ExpectedRootUse, RootTaskPolicy, RootUseSeverity } from '../expected-root-use';
import { CompactEntry } from './event-notifier/expectation';
import { PropValidator } from './validation';

/**
 * Declared expected root use, first seen and the high-priority topic (issue 22): the checks of
 * these props of `EventNotifierOptions`, the function's environment they become, and the
 * function's permissions on the high-priority topic.
 */
export interface ExpectedRootUseOptions {
  readonly expectedRootUse?: ExpectedRootUse[];
  readonly firstSeenWindow?: Duration;
  readonly highPriorityTopic?: sns.ITopic;
  readonly highPrioritySeverity?: RootUseSeverity;
  readonly accountNames?: { [accountId: string]: string };
}

/** The declared entries and the account names together travel in the function's 4 KB environment: at most this many characters of JSON. */
export const MAX_ENVIRONMENT_JSON_CHARS = 3000;

/** At most this many entries, and this many caller patterns per entry. */
export const MAX_ENTRIES = 50;
export const MAX_CALLER_PATTERNS = 10;

const DAY_NUMBER: Record<DayOfWeek, number> = {
  [DayOfWeek.SUNDAY]: 0,
  [DayOfWeek.MONDAY]: 1,
  [DayOfWeek.TUESDAY]: 2,
  [DayOfWeek.WEDNESDAY]: 3,
  [DayOfWeek.THURSDAY]: 4,
  [DayOfWeek.FRIDAY]: 5,
  [DayOfWeek.SATURDAY]: 6,
};

/** An ISO 8601 date and time with a time zone (`2026-03-01T09:00:00Z`, `2026-03-01T10:00+01:00`). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A caller ARN pattern: an STS or IAM ARN whose account is a literal 12-digit ID. */
const CALLER_PATTERN = /^arn:aws(-[a-z]+)*:(sts|iam)::\d{12}:[\x21-\x7e]+$/;

/** An entry's name: printable ASCII without the characters chat and mail clients read as markup. */
const ENTRY_NAME = /^[\x20-\x7e]{1,64}$/;
const ENTRY_NAME_FORBIDDEN = /[<>`*]/;

const unresolved = (v: unknown) => Token.isUnresolved(v);

/** The checks, with the names of `validate`'s owner (`eventNotifierOptions.` for the constructs that pass them on). */
export function validateExpectedRootUseOptions(validate: PropValidator, options: ExpectedRootUseOptions, prefix = ''): void {
  const { expectedRootUse, firstSeenWindow, highPriorityTopic, highPrioritySeverity } = options;
  if (expectedRootUse !== undefined && !unresolved(expectedRootUse)) {
    const prop = `${prefix}expectedRootUse`;
    if (expectedRootUse.length > MAX_ENTRIES) validate.fail(prop, `must have at most ${MAX_ENTRIES} entries (got ${expectedRootUse.length})`);
    expectedRootUse.forEach((entry, i) => validateEntry(validate, `${prop}[${i}]`, entry));
    const size = environmentJsonSize(options);
    if (size > MAX_ENVIRONMENT_JSON_CHARS) {
      validate.fail(prop, `together with accountNames must be at most ${MAX_ENVIRONMENT_JSON_CHARS.toLocaleString('en-US')} characters as JSON: `
        + `they travel in the function's environment, which Lambda limits to 4 KB (got ${size})`);
    }
  }
  if (firstSeenWindow !== undefined) {
    const prop = `${prefix}firstSeenWindow`;
    if (firstSeenWindow.isUnresolved()) validate.fail(prop, 'must be known at synthesis (a Duration such as Duration.days(90)), not a token');
    const seconds = firstSeenWindow.toSeconds();
    if (!Number.isInteger(seconds / 3600) || seconds < 86400 || seconds > 365 * 86400) {
      validate.fail(prop, `must be whole hours from 1 day to 365 days (got ${firstSeenWindow.toHumanString()})`);
    }
  }
  if (highPrioritySeverity !== undefined) {
    const prop = `${prefix}highPrioritySeverity`;
    if (!Object.values(RootUseSeverity).includes(highPrioritySeverity)) {
      validate.fail(prop, `must be a member of RootUseSeverity (got ${JSON.stringify(highPrioritySeverity)})`);
    }
    if (highPriorityTopic === undefined) validate.fail(prop, 'is only used with highPriorityTopic: set highPriorityTopic, or remove it');
  }
}

function validateEntry(validate: PropValidator, prop: string, entry: ExpectedRootUse): void {
  const { name, callerArnPatterns, taskPolicies, accounts, start, end, weeklyWindow } = entry;
  if (!unresolved(name) && (typeof name !== 'string' || !ENTRY_NAME.test(name) || ENTRY_NAME_FORBIDDEN.test(name) || name.trim() === '')) {
    validate.fail(`${prop}.name`, `must be 1 to 64 printable ASCII characters, not blank, without < > \` or * (got ${JSON.stringify(name)})`);
  }
  if (callerArnPatterns !== undefined && !unresolved(callerArnPatterns)) {
    if (callerArnPatterns.length === 0) validate.fail(`${prop}.callerArnPatterns`, 'must not be empty: leave it unset to accept any caller');
    if (callerArnPatterns.length > MAX_CALLER_PATTERNS) validate.fail(`${prop}.callerArnPatterns`, `must have at most ${MAX_CALLER_PATTERNS} patterns (got ${callerArnPatterns.length})`);
    callerArnPatterns.forEach((p, j) => {
      if (unresolved(p)) return;
      if (typeof p !== 'string' || p.length > 300 || !CALLER_PATTERN.test(p)) {
        validate.fail(`${prop}.callerArnPatterns[${j}]`, 'must be an STS or IAM ARN pattern of at most 300 characters whose account is a 12-digit ID without '
          + `wildcards, such as "arn:aws:sts::111111111111:assumed-role/PlatformRootAccess/*" (got ${JSON.stringify(p)})`);
      }
    });
  }
  if (taskPolicies !== undefined && !unresolved(taskPolicies)) {
    if (taskPolicies.length === 0) validate.fail(`${prop}.taskPolicies`, 'must not be empty: leave it unset to accept any task policy');
    taskPolicies.forEach((t, j) => {
      if (!Object.values(RootTaskPolicy).includes(t)) {
        validate.fail(`${prop}.taskPolicies[${j}]`, `must be a member of RootTaskPolicy (got ${JSON.stringify(t)})`);
      }
    });
  }
  if (accounts !== undefined && !unresolved(accounts)) {
    if (accounts.length === 0) validate.fail(`${prop}.accounts`, 'must not be empty: leave it unset to accept any account');
    accounts.forEach((a, j) => {
      if (!unresolved(a) && (typeof a !== 'string' || !/^\d{12}$/.test(a))) {
        validate.fail(`${prop}.accounts[${j}]`, `must be a 12-digit account ID (got ${JSON.stringify(a)})`);
      }
    });
  }
  if (callerArnPatterns === undefined && taskPolicies === undefined && accounts === undefined) {
    validate.fail(prop, 'must set at least one of callerArnPatterns, taskPolicies or accounts: an entry with a window alone would make every AssumeRoot session in it expected');
  }
  if ((start === undefined) !== (end === undefined)) validate.fail(`${prop}.${start === undefined ? 'start' : 'end'}`, 'must be set with ' + (start === undefined ? 'end' : 'start'));
  const times: number[] = [];
  for (const [field, value] of [['start', start], ['end', end]] as const) {
    if (value === undefined || unresolved(value)) continue;
    const ms = Date.parse(value);
    if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(ms)) {
      validate.fail(`${prop}.${field}`, `must be an ISO 8601 date and time with a time zone, such as "2026-03-01T09:00:00Z" (got ${JSON.stringify(value)})`);
    }
    times.push(ms);
  }
  if (times.length === 2 && times[0] >= times[1]) validate.fail(`${prop}.end`, `must be after start (got start ${start}, end ${end})`);
  if (weeklyWindow !== undefined) {
    const w = weeklyWindow;
    if (!Object.values(DayOfWeek).includes(w.dayOfWeek)) validate.fail(`${prop}.weeklyWindow.dayOfWeek`, `must be a member of DayOfWeek (got ${JSON.stringify(w.dayOfWeek)})`);
    if (unresolved(w.startHour) || !Number.isInteger(w.startHour) || w.startHour < 0 || w.startHour > 23) {
      validate.fail(`${prop}.weeklyWindow.startHour`, `must be a whole number from 0 to 23, known at synthesis (got ${w.startHour})`);
    }
    if (w.startMinute !== undefined && (unresolved(w.startMinute) || !Number.isInteger(w.startMinute) || w.startMinute < 0 || w.startMinute > 59)) {
      validate.fail(`${prop}.weeklyWindow.startMinute`, `must be a whole number from 0 to 59, known at synthesis (got ${w.startMinute})`);
    }
    if (w.duration.isUnresolved()) validate.fail(`${prop}.weeklyWindow.duration`, 'must be known at synthesis, not a token');
    const ms = w.duration.toMilliseconds();
    if (ms % 60_000 !== 0 || ms < 60_000 || ms > 7 * 86_400_000) {
      validate.fail(`${prop}.weeklyWindow.duration`, `must be whole minutes from 1 minute to 7 days (got ${w.duration.toHumanString()})`);
    }
  }
}

/** An entry as the function reads it (expectation.ts CompactEntry). */
export function compactEntry(e: ExpectedRootUse): CompactEntry {
  const iso = (v: string) => (Token.isUnresolved(v) ? v : new Date(Date.parse(v)).toISOString());
  return {
    n: e.name,
    ...(e.callerArnPatterns !== undefined ? { c: e.callerArnPatterns } : {}),
    ...(e.taskPolicies !== undefined ? { t: e.taskPolicies.map((t) => `${t}`) } : {}),
    ...(e.accounts !== undefined ? { a: e.accounts } : {}),
    ...(e.start !== undefined && e.end !== undefined ? { s: iso(e.start), e: iso(e.end) } : {}),
    ...(e.weeklyWindow !== undefined ? {
      w: {
        d: DAY_NUMBER[e.weeklyWindow.dayOfWeek],
        m: e.weeklyWindow.startHour * 60 + (e.weeklyWindow.startMinute ?? 0),
        l: e.weeklyWindow.duration.toMinutes(),
      },
    } : {}),
  };
}

/** The characters of JSON the entries and the account names take in the environment. */
function environmentJsonSize(options: ExpectedRootUseOptions): number {
  const entries = JSON.stringify((options.expectedRootUse ?? []).map(compactEntry)).length;
  const names = options.accountNames !== undefined ? JSON.stringify(options.accountNames).length : 0;
  return entries + names;
}

/** The function's environment for these options (nothing when none is set: the default template stays the same). */
export function expectedRootUseEnvironment(scope: IConstruct, options: ExpectedRootUseOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.expectedRootUse !== undefined && options.expectedRootUse.length > 0) {
    env.EXPECTED_ROOT_USE = Stack.of(scope).toJsonString(options.expectedRootUse.map(compactEntry));
  }
  if (options.firstSeenWindow !== undefined) env.FIRST_SEEN_WINDOW_SECONDS = String(options.firstSeenWindow.toSeconds());
  if (options.highPriorityTopic !== undefined) {
    env.HIGH_PRIORITY_TOPIC_ARN = options.highPriorityTopic.topicArn;
    env.HIGH_PRIORITY_SEVERITY = options.highPrioritySeverity ?? RootUseSeverity.HIGH;
  }
  return env;
}

/**
 * The KMS key of a topic as far as this app can see it (a Topic defined here with `masterKey`), or
 * undefined (an imported topic, or one not encrypted).
 */
export function knownTopicKey(topic: sns.ITopic): kms.IKey | undefined {
  // The topic of an AlarmTopic: its key, whatever aws-cdk-lib (2.93 has no Topic.masterKey).
  const parent = topic.node.scope;
  if (parent instanceof AlarmTopic && parent.topic === topic) return parent.encryptionKey;
  const key = (topic as { masterKey?: unknown }).masterKey;
  return key !== undefined && typeof (key as kms.IKey).keyArn === 'string' ? key as kms.IKey : undefined;
}

/**
 * The function's permissions on the high-priority topic: publish to it, and use its key through
 * SNS (its own key when known, else any key of this account through SNS in this region, as for
 * the main topic when its key is not given).
 */
export function highPriorityStatements(scope: IConstruct, topic: sns.ITopic | undefined): iam.PolicyStatement[] {
  if (topic === undefined) return [];
  const key = knownTopicKey(topic);
  const region = Stack.of(scope).region;
  return [
    new iam.PolicyStatement({ sid: 'PublishToHighPriorityTopic', actions: ['sns:Publish'], resources: [topic.topicArn] }),
    new iam.PolicyStatement({
      sid: 'UseHighPriorityTopicKey',
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: [key ? key.keyArn : `arn:${Aws.PARTITION}:kms:${region}:${Stack.of(scope).account}:key/*`],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${region}.amazonaws.com` } },
    }),
  ];
}
