import * as fs from 'fs';
import * as path from 'path';
import { App, Aws, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { matchesFilterPattern, parseFilterPattern } from './filter-pattern';
import {
  MAX_PATTERN_LENGTH, REALISTIC_MAX_LENGTHS, tamperFilterPattern, tamperPatternDeployedLength, WatchedResources,
} from '../src/private/tamper-pattern';

// The tamper pattern, resolved as CloudFormation would deploy it (tokens replaced by the values
// of a test "world": Ref, GetAtt, Fn::Select / Fn::Split and pseudo parameters evaluated here),
// through the filter-pattern evaluator (./filter-pattern.ts), against CloudTrail records of every
// call it is for and of their near misses: AWS's documented examples where they exist
// (vectors/tamper/aws-documented-tamper.json) and synthetic ones (synthetic-tamper.json).

interface World {
  readonly account: string;
  readonly region: string;
  readonly logGroupName: string;
  readonly trailName?: string;
  readonly topicArn: string;
  readonly keyArn: string;
  readonly stackName: string;
  readonly stackId: string;
}

interface Vector {
  readonly name: string;
  readonly expectMatch: boolean;
  /** When the trail is not named in the pattern (unknown, or too long to fit): any trail of the account and region. */
  readonly expectMatchWhenTrailUnnamed?: boolean;
  readonly source: string;
  readonly world?: World;
  readonly event: Record<string, unknown>;
}

const VECTOR_DIR = path.join(__dirname, 'vectors', 'tamper');
const synthetic = JSON.parse(fs.readFileSync(path.join(VECTOR_DIR, 'synthetic-tamper.json'), 'utf8')) as { world: World; vectors: Vector[] };
const documented = JSON.parse(fs.readFileSync(path.join(VECTOR_DIR, 'aws-documented-tamper.json'), 'utf8')) as { vectors: Vector[] };
const ALL: Array<{ file: string; vector: Vector; world: World }> = [
  ...synthetic.vectors.map((vector) => ({ file: 'synthetic', vector, world: synthetic.world })),
  ...documented.vectors.map((vector) => ({ file: 'aws-documented', vector, world: vector.world! })),
];

/** Evaluates the intrinsic functions of a resolved pattern with the world's values. */
function evaluate(value: unknown, refs: Record<string, string>): string | string[] {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if ('Ref' in v) {
    if (!(v.Ref in refs)) throw new Error(`no value for Ref ${v.Ref}`);
    return refs[v.Ref];
  }
  if ('Fn::GetAtt' in v) {
    const key = `${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}`;
    if (!(key in refs)) throw new Error(`no value for GetAtt ${key}`);
    return refs[key];
  }
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => evaluate(p, refs)).join(sep);
  }
  if ('Fn::Split' in v) {
    const [sep, source] = v['Fn::Split'] as [string, unknown];
    return (evaluate(source, refs) as string).split(sep);
  }
  if ('Fn::Select' in v) {
    const [index, list] = v['Fn::Select'] as [number, unknown];
    const items = evaluate(list, refs) as string[];
    if (index >= items.length) throw new Error(`Fn::Select ${index} out of range`);
    return items[index];
  }
  throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
}

/** The pattern as the constructs build it (tokens for account, region, stack, topic, key), deployed in `world`. */
function deployedWithTokens(world: World): { pattern: string; resources: WatchedResources } {
  const stack = new Stack(new App(), 'Watch');
  const key = new kms.Key(stack, 'TopicKey');
  const topic = new sns.Topic(stack, 'AlarmTopic', { masterKey: key });
  const resources: WatchedResources = {
    account: Aws.ACCOUNT_ID,
    region: Aws.REGION,
    logGroupName: world.logGroupName,
    trailName: world.trailName,
    topicArns: [topic.topicArn],
    keyArns: [key.keyArn],
    stackName: Aws.STACK_NAME,
    stackId: Aws.STACK_ID,
  };
  const resolved = stack.resolve(tamperFilterPattern(resources));
  const refs: Record<string, string> = {
    'AWS::AccountId': world.account,
    'AWS::Region': world.region,
    'AWS::StackName': world.stackName,
    'AWS::StackId': world.stackId,
    'AWS::Partition': 'aws',
    [stack.resolve(topic.topicArn).Ref]: world.topicArn,
    [`${stack.resolve(key.keyArn)['Fn::GetAtt'][0]}.Arn`]: world.keyArn,
  };
  return { pattern: evaluate(resolved, refs) as string, resources };
}

/** The pattern built from the world's values directly (no token). */
function withValues(world: World): string {
  return tamperFilterPattern({
    account: world.account,
    region: world.region,
    logGroupName: world.logGroupName,
    trailName: world.trailName,
    topicArns: [world.topicArn],
    keyArns: [world.keyArn],
    stackName: world.stackName,
    stackId: world.stackId,
  });
}

const namesTheTrail = (pattern: string) => pattern.includes('$.requestParameters.trailName=');
const expected = (v: Vector, pattern: string) => (namesTheTrail(pattern) ? v.expectMatch : (v.expectMatchWhenTrailUnnamed ?? v.expectMatch));

describe('the tamper pattern, built with tokens as the constructs build it', () => {
  test.each(ALL.map((c) => [`${c.file}: ${c.vector.name}`, c] as const))('%s', (_title, c) => {
    const { pattern } = deployedWithTokens(c.world);
    expect(pattern).not.toMatch(/\$\{Token|Fn::|"Ref"/);
    expect(matchesFilterPattern(pattern, c.vector.event)).toBe(expected(c.vector, pattern));
  });

  test('names no trail with the realistic worst case of its tokens (it would not fit), and fits in 1,024 characters', () => {
    const { pattern, resources } = deployedWithTokens(synthetic.world);
    expect(namesTheTrail(pattern)).toBe(false);
    expect(pattern).toContain('$.eventName="StopLogging"');
    const worst = tamperPatternDeployedLength(resources);
    expect(worst).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    // The worst case is worse than this world's actual length, and counts every token.
    expect(worst).toBeGreaterThan(pattern.length);
    expect(worst - pattern.length).toBe(
      (REALISTIC_MAX_LENGTHS.stackName - synthetic.world.stackName.length)
      + 2 * (REALISTIC_MAX_LENGTHS.topicName - synthetic.world.topicArn.split(':')[5].length)
      + (REALISTIC_MAX_LENGTHS.region - synthetic.world.region.length)
      + (REALISTIC_MAX_LENGTHS.keyId - synthetic.world.keyArn.split('/')[1].length));
  });
});

describe('the tamper pattern, built with values (the trail named)', () => {
  test.each(ALL.map((c) => [`${c.file}: ${c.vector.name}`, c] as const))('%s', (_title, c) => {
    const pattern = withValues(c.world);
    expect(namesTheTrail(pattern)).toBe(true);
    expect(matchesFilterPattern(pattern, c.vector.event)).toBe(c.vector.expectMatch);
  });

  test('its deployed length is its length when nothing is a token', () => {
    const w = synthetic.world;
    const pattern = withValues(w);
    expect(tamperPatternDeployedLength({ ...w, topicArns: [w.topicArn], keyArns: [w.keyArn] })).toBe(pattern.length);
    expect(pattern.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
  });

  test('without a trail name, the trail calls match any trail of the account and region', () => {
    const pattern = withValues({ ...synthetic.world, trailName: undefined });
    expect(namesTheTrail(pattern)).toBe(false);
    const other = synthetic.vectors.find((v) => v.name === 'stop-logging-other-trail')!;
    expect(matchesFilterPattern(pattern, other.event)).toBe(true);
  });
});

describe('the tamper pattern itself', () => {
  test('is a valid JSON filter pattern, one AST, with no whitespace outside strings', () => {
    const pattern = withValues(synthetic.world);
    expect(() => parseFilterPattern(pattern)).not.toThrow();
    expect(pattern.replace(/"[^"]*"/g, '')).not.toMatch(/\s(?!(NOT|EXISTS))/);
  });

  test('has one clause per topic and per key, each named once per selector', () => {
    const w = synthetic.world;
    const second = 'arn:aws:sns:us-east-1:111122223333:CisMonitoring-Topic-XYZ';
    const pattern = tamperFilterPattern({ ...w, topicArns: [w.topicArn, second, w.topicArn], keyArns: [] });
    expect(pattern.split('CisMonitoring-Topic-XYZ').length - 1).toBe(2);
    expect(pattern).not.toContain('$.resources[0].ARN');
    const del = { ...synthetic.vectors.find((v) => v.name === 'delete-topic')!.event, requestParameters: { topicArn: second } };
    expect(matchesFilterPattern(pattern, del)).toBe(true);
  });

  test('refuses a literal that would break the pattern, and names the field', () => {
    const w = { ...synthetic.world, topicArns: [], keyArns: [] };
    expect(() => tamperFilterPattern({ ...w, logGroupName: 'a"b' })).toThrow(/logGroupName must be a non-empty string without '"'/);
    expect(() => tamperFilterPattern({ ...w, trailName: '' })).toThrow(/trailName/);
  });

  test('worst-case lengths: pseudo parameters at their own maxima, other tokens at their field\'s', () => {
    const stack = new Stack(new App(), 'Lengths');
    const topic = new sns.Topic(stack, 'T');
    const base: WatchedResources = {
      account: '111122223333', region: 'us-east-1', logGroupName: 'lg', topicArns: [], keyArns: [], stackName: 'S', stackId: 'x',
    };
    const literal = tamperPatternDeployedLength(base);
    expect(tamperPatternDeployedLength({ ...base, account: Aws.ACCOUNT_ID })).toBe(literal);
    expect(tamperPatternDeployedLength({ ...base, region: Aws.REGION })).toBe(literal + REALISTIC_MAX_LENGTHS.region - 'us-east-1'.length);
    expect(tamperPatternDeployedLength({ ...base, stackName: Aws.STACK_NAME })).toBe(literal + REALISTIC_MAX_LENGTHS.stackName - 1);
    expect(tamperPatternDeployedLength({ ...base, logGroupName: topic.topicName })).toBe(literal + REALISTIC_MAX_LENGTHS.logGroupName - 2);
    const oneTopic = tamperPatternDeployedLength({ ...base, topicArns: ['arn:aws:sns:us-east-1:111122223333:n'] });
    expect(tamperPatternDeployedLength({ ...base, topicArns: [topic.topicArn] })).toBe(oneTopic + 2 * (REALISTIC_MAX_LENGTHS.topicName - 1));
  });
});

describe('the tamper vectors', () => {
  test('cover every call the pattern is for, and near misses of each', () => {
    const names = new Set(ALL.filter((c) => c.vector.expectMatch).map((c) => c.vector.event.eventName as string));
    for (const call of ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'DeleteLogGroup', 'DeleteMetricFilter',
      'DeleteSubscriptionFilter', 'DeleteAlarms', 'DisableAlarmActions', 'DeleteTopic', 'Unsubscribe', 'SetTopicAttributes',
      'RemovePermission', 'DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'DeleteStack']) {
      expect(names).toContain(call);
    }
    const misses = ALL.filter((c) => !c.vector.expectMatch);
    expect(misses.length).toBeGreaterThanOrEqual(25);
    // Read-only calls and CloudFormation's own calls among them.
    expect(misses.some((c) => c.vector.event.readOnly === true)).toBe(true);
    expect(misses.filter((c) => c.vector.event.sourceIPAddress === 'cloudformation.amazonaws.com').length).toBeGreaterThanOrEqual(5);
  });

  test('have unique names; synthetic ones say so; documented ones name their page', () => {
    const names = ALL.map((c) => c.vector.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of synthetic.vectors) expect(v.source).toMatch(/^synthetic: \S/);
    for (const v of documented.vectors) expect(v.source).toMatch(/^(AWS|Amazon) \S.*(Guide)/);
  });
});

describe('the tamper pattern split over two filters (the watch; the topics), as LogGroupWatch splits it when one does not fit', () => {
  /** The world's pattern of one part, with the world's values (the trail named). */
  function part(world: World, which: 'watch' | 'topics'): string {
    return tamperFilterPattern({
      account: world.account,
      region: world.region,
      logGroupName: world.logGroupName,
      trailName: world.trailName,
      topicArns: [world.topicArn],
      keyArns: [world.keyArn],
      stackName: world.stackName,
      stackId: world.stackId,
      part: which,
    });
  }

  test.each(ALL.map((c) => [`${c.file}: ${c.vector.name}`, c] as const))('%s: one of the parts matches exactly when the whole does', (_title, c) => {
    const whole = matchesFilterPattern(withValues(c.world), c.vector.event);
    const parts = matchesFilterPattern(part(c.world, 'watch'), c.vector.event) || matchesFilterPattern(part(c.world, 'topics'), c.vector.event);
    expect(parts).toBe(whole);
  });

  test('the topic part names only the topic and its key; the watch part neither', () => {
    const world = synthetic.world;
    const topicName = world.topicArn.split(':')[5];
    expect(part(world, 'topics')).toContain(topicName);
    expect(part(world, 'topics')).not.toContain('StopLogging');
    expect(part(world, 'topics')).not.toContain(world.logGroupName);
    expect(part(world, 'watch')).not.toContain(topicName);
    expect(part(world, 'watch')).toContain(world.logGroupName);
  });
});
