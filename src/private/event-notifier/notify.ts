import { parseCloudTrailRecord, RootEvent } from './cloudtrail';
import { decodeSubscriptionEvent } from './decode';
import { groupEvents } from './group';
import { DEFAULT_LIMITS, RenderLimits, renderWithinLimit } from './render';

/** What `notifyBatch` needs from the outside world (the handler wires the AWS SDK in). */
export interface NotifierDeps {
  readonly topicArn: string;
  readonly alarmName: string;
  readonly region: string;
  /** Message bounds; DEFAULT_LIMITS when absent. */
  readonly limits?: RenderLimits;
  /** Publishes one message; rejects when SNS does. */
  publish(input: { TopicArn: string; Subject: string; Message: string; MessageStructure: 'json' }): Promise<void>;
  /** The account's name (Organizations DescribeAccount); rejects on any error. */
  describeAccount(accountId: string): Promise<string | undefined>;
  /** Structured log lines (console.log / console.warn in Lambda). */
  log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void;
}

/** What one invocation did. */
export interface BatchResult {
  readonly messageType: string;
  readonly events: number;
  readonly skipped: number;
  readonly published: number;
}

/** Looks account names up once per account per invocation; any error gives undefined. */
export class AccountNames {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(private readonly deps: Pick<NotifierDeps, 'describeAccount' | 'log'>) {}

  public lookup(accountId: string): Promise<string | undefined> {
    if (!/^\d{12}$/.test(accountId)) return Promise.resolve(undefined);
    let name = this.cache.get(accountId);
    if (!name) {
      name = this.deps.describeAccount(accountId).then(
        (n) => (typeof n === 'string' && n !== '' ? n : undefined),
        (err: unknown) => {
          const e = err as { name?: string; message?: string };
          this.deps.log('warn', 'account name not available, using the account ID alone', {
            accountId, error: e?.name ?? 'Error', reason: e?.message,
          });
          return undefined;
        });
      this.cache.set(accountId, name);
    }
    return name;
  }
}

/**
 * Handles one CloudWatch Logs subscription delivery: decodes it, parses each record (skipping,
 * with a log line, anything that is not a CloudTrail record), groups the events by account and
 * root session, and publishes one message per group. Every group is attempted; if any publish
 * fails, it then throws, so Lambda retries the delivery and finally sends it to the on-failure
 * destination (groups already published are then published again: a duplicate rather than a loss).
 */
export async function notifyBatch(event: unknown, deps: NotifierDeps): Promise<BatchResult> {
  let decoded: ReturnType<typeof decodeSubscriptionEvent>;
  try {
    decoded = decodeSubscriptionEvent(event);
  } catch (e) {
    // Not a subscription delivery: nothing a retry could fix. Log and skip.
    deps.log('warn', 'skipped an invocation that is not a CloudWatch Logs subscription delivery', { reason: (e as Error).message });
    return { messageType: '', events: 0, skipped: 1, published: 0 };
  }
  const { payload, droppedLogEvents } = decoded;
  if (payload.messageType !== 'DATA_MESSAGE') {
    deps.log('info', 'ignored a non-data message', { messageType: payload.messageType, logGroup: payload.logGroup });
    return { messageType: payload.messageType, events: 0, skipped: 0, published: 0 };
  }
  let skipped = droppedLogEvents;
  if (droppedLogEvents > 0) {
    deps.log('warn', 'skipped log events without a message string', { count: droppedLogEvents, logGroup: payload.logGroup });
  }
  const records: RootEvent[] = [];
  for (const le of payload.logEvents) {
    const parsed = parseCloudTrailRecord(le.message);
    if (typeof parsed === 'string') {
      skipped++;
      deps.log('warn', 'skipped a log event that is not a CloudTrail record', {
        reason: parsed, logEventId: le.id, logGroup: payload.logGroup, logStream: payload.logStream, length: le.message.length,
      });
    } else {
      records.push(parsed);
    }
  }
  const groups = groupEvents(records);
  const names = new AccountNames(deps);
  const results = await Promise.allSettled(groups.map(async (group) => {
    const [accountName, callerAccountName] = await Promise.all([
      names.lookup(group.accountId),
      group.assumeRootCall ? names.lookup(group.assumeRootCall.accountId) : Promise.resolve(undefined),
    ]);
    const rendered = renderWithinLimit(group, {
      accountName, callerAccountName, region: deps.region, logGroupName: payload.logGroup, alarmName: deps.alarmName,
    }, deps.limits ?? DEFAULT_LIMITS);
    await deps.publish({ TopicArn: deps.topicArn, Subject: rendered.subject, Message: rendered.message, MessageStructure: 'json' });
    deps.log('info', 'published', { accountId: group.accountId, kind: group.headlineKind, events: group.events.length, subject: rendered.subject });
  }));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    for (const f of failures) {
      const e = f.reason as { name?: string; message?: string };
      deps.log('error', 'publish failed', { error: e?.name ?? 'Error', reason: e?.message });
    }
    throw new Error(`${failures.length} of ${groups.length} notification(s) could not be published: ${(failures[0].reason as Error)?.message ?? failures[0].reason}`);
  }
  return { messageType: payload.messageType, events: records.length, skipped, published: groups.length };
}
