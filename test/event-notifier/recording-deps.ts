import { LOG_GROUP } from './payload';
import type { NotifierDeps } from '../../src/private/event-notifier/notify';

/** A message the core published, as the tests read it: the subject, the email text and the chat payload. */
export interface SentMessage {
  readonly subject: string;
  readonly email: string;
  readonly chat: any;
  /** The time of the publish call on the `at` clock given to recordingDeps. */
  readonly at?: number;
}

/** A log line of the core. */
export interface LoggedLine {
  readonly level: string;
  readonly message: string;
  readonly [key: string]: unknown;
}

/**
 * The event notifier's dependencies for tests of the pure core: the topic, alarm, region and log
 * group every test shares, a publish that records each message in `sent` (with `at()` when given),
 * a log that records each line in `logs`, and no account names. `overrides` set the rest (the
 * store, the clock, the deadline, names, real-time regions).
 */
export function recordingDeps(
  overrides: Partial<NotifierDeps> = {},
  at?: () => number,
): { sent: SentMessage[]; logs: LoggedLine[]; deps: NotifierDeps } {
  const sent: SentMessage[] = [];
  const logs: LoggedLine[] = [];
  const deps: NotifierDeps = {
    topicArn: 'arn:aws:sns:us-east-1:111111111111:RootUsageAlarmTopic',
    alarmName: 'RootUsage-Alarm',
    region: 'us-east-1',
    logGroupName: LOG_GROUP,
    publish: async (input) => {
      const m = JSON.parse(input.Message);
      sent.push({ subject: input.Subject, email: m.email, chat: JSON.parse(m.default), ...(at ? { at: at() } : {}) });
    },
    describeAccount: async () => undefined,
    log: (level, message, details) => { logs.push({ level, message, ...details }); },
    ...overrides,
  };
  return { sent, logs, deps };
}
