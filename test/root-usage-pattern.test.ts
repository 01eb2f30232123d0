import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { matchesFilterPattern } from './filter-pattern';
import { RootUsageAlarm } from '../src';

// Runs CloudTrail records, real (AWS documentation examples and public fixtures) and synthetic,
// through the filter pattern that RootUsageAlarm actually synthesizes, with the evaluator of
// ./filter-pattern.ts, which follows CloudWatch Logs' documented JSON filter-pattern semantics.

interface Vector {
  readonly name: string;
  readonly expectMatch: boolean;
  readonly source: string;
  readonly event: Record<string, unknown>;
}

const VECTOR_FILES = ['cloudtrail-root-usage.json', 'synthetic-root-usage.json'];

function loadVectors(file: string): Vector[] {
  const parsed: unknown = JSON.parse(fs.readFileSync(path.join(__dirname, 'vectors', file), 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of vectors`);
  return parsed.map((v: Vector, i) => {
    if (typeof v?.name !== 'string' || v.name === '' || typeof v.expectMatch !== 'boolean'
      || typeof v.source !== 'string' || v.source === ''
      || typeof v.event !== 'object' || v.event === null || Array.isArray(v.event)) {
      throw new Error(`${file}[${i}]: a vector needs a name, a boolean expectMatch, a source and an event object`);
    }
    return v;
  });
}

const vectors: Record<string, Vector[]> = Object.fromEntries(VECTOR_FILES.map((f) => [f, loadVectors(f)]));
const cases: Array<[string, Vector]> = VECTOR_FILES.flatMap((file) => vectors[file].map((v): [string, Vector] => [
  `${file}: ${v.name} ${v.expectMatch ? 'matches' : 'does not match'}`, v,
]));

/** The FilterPattern of the root-usage AWS::Logs::MetricFilter of a stack with a RootUsageAlarm. */
function synthesizedFilterPattern(): unknown {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
  new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: ['security@example.com'] });
  // The root-usage filter (the other one is the tamper alarm's).
  const filters = Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter', {
    Properties: { MetricTransformations: [{ MetricName: 'RootAccountUsage' }] },
  }));
  expect(filters).toHaveLength(1);
  return filters[0].Properties.FilterPattern;
}

let pattern: string;

beforeAll(() => {
  const synthesized = synthesizedFilterPattern();
  // A literal string, not a token or an intrinsic function, or nothing below would mean anything.
  expect(typeof synthesized).toBe('string');
  pattern = synthesized as string;
});

describe('the synthesized root-usage filter pattern', () => {
  test('is the CIS pattern, verbatim', () => {
    expect(pattern).toBe(RootUsageAlarm.FILTER_PATTERN);
    expect(pattern).toBe('{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}');
  });

  test.each(cases)('%s', (_title, vector) => {
    expect(matchesFilterPattern(pattern, vector.event)).toBe(vector.expectMatch);
  });
});

describe('the vector files', () => {
  test.each(VECTOR_FILES)('%s is non-empty and has both matching and non-matching records', (file) => {
    expect(vectors[file].length).toBeGreaterThan(0);
    expect(vectors[file].some((v) => v.expectMatch)).toBe(true);
    expect(vectors[file].some((v) => !v.expectMatch)).toBe(true);
  });

  test('every record is run above: the test list has one case per record', () => {
    expect(cases).toHaveLength(VECTOR_FILES.reduce((n, f) => n + vectors[f].length, 0));
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  test.each(VECTOR_FILES)('%s has unique names', (file) => {
    const names = vectors[file].map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test('every synthetic record says so in its source', () => {
    for (const v of vectors['synthetic-root-usage.json']) {
      expect(v.source).toMatch(/^synthetic: \S/);
    }
  });

  test('the synthetic file covers the cases it was written for', () => {
    const byName = new Map(vectors['synthetic-root-usage.json'].map((v) => [v.name, v]));
    const expected: Array<[string, boolean]> = [
      ['assume-root-privileged-session-action', true],
      ['root-invoked-by-empty-string', false],
      ['assumed-role-api-call', false],
      ['aws-service-identity', false],
      ['root-aws-service-event', false],
      ['root-event-without-event-type', false],
      ['iam-user-without-invoked-by', false],
    ];
    for (const [name, expectMatch] of expected) {
      expect(byName.get(name)?.expectMatch).toBe(expectMatch);
    }
    const assumeRoot = byName.get('assume-root-privileged-session-action')!.event as any;
    expect(assumeRoot.userIdentity).toMatchObject({ type: 'Root', sessionContext: { assumedRoot: 'true' } });
    expect(assumeRoot.userIdentity).not.toHaveProperty('invokedBy');
    expect(byName.get('root-invoked-by-empty-string')!.event).toMatchObject({ userIdentity: { type: 'Root', invokedBy: '' } });
    expect(byName.get('root-event-without-event-type')!.event).not.toHaveProperty('eventType');
  });
});
