import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { matchesFilterPattern } from './filter-pattern';
import { CisMonitoringAlarms } from '../src';

// Runs CloudTrail records (synthetic, see each record's source) through the filter patterns that
// CisMonitoringAlarms actually synthesizes, one per Security Hub control, with the evaluator of
// ./filter-pattern.ts. Per control: records that must match, and near-misses that must not.

interface Vector {
  readonly control: string;
  readonly name: string;
  readonly expectMatch: boolean;
  readonly source: string;
  readonly event: Record<string, unknown>;
}

const FILE = 'synthetic-cis-monitoring.json';
const CONTROLS = Array.from({ length: 14 }, (_, i) => `CloudWatch.${i + 1}`);

const vectors: Vector[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'vectors', FILE), 'utf8'));

/** The synthesized FilterPattern of each control, by Security Hub ID, read back from the template. */
function synthesizedPatterns(): Record<string, unknown> {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
  const cis = new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: ['security@example.com'] });
  const filters = Object.values<any>(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter'))
    .filter((f) => f.Properties.MetricTransformations[0].MetricName !== 'RootWatchTampering');
  expect(filters).toHaveLength(14);
  return Object.fromEntries(cis.controls.map((control) => {
    const metricName = CisMonitoringAlarms.metricNameOf(control);
    const filter = filters.find((f) => f.Properties.MetricTransformations[0].MetricName === metricName);
    return [CisMonitoringAlarms.securityHubIdOf(control), filter.Properties.FilterPattern];
  }));
}

const patterns = synthesizedPatterns();

describe('the synthesized CIS filter patterns', () => {
  test.each(CONTROLS)('%s: a literal string, the published constant', (control) => {
    expect(typeof patterns[control]).toBe('string');
  });

  test.each(vectors.map((v): [string, Vector] => [
    `${v.control}: ${v.name} ${v.expectMatch ? 'matches' : 'does not match'}`, v,
  ]))('%s', (_title, vector) => {
    expect(matchesFilterPattern(patterns[vector.control] as string, vector.event)).toBe(vector.expectMatch);
  });
});

describe(`the vector file ${FILE}`, () => {
  test('every record is well formed, synthetic, for a known control', () => {
    for (const v of vectors) {
      expect(CONTROLS).toContain(v.control);
      expect(typeof v.name).toBe('string');
      expect(typeof v.expectMatch).toBe('boolean');
      expect(v.source).toMatch(/^synthetic: \S/);
      expect(typeof v.event).toBe('object');
    }
  });

  test.each(CONTROLS)('%s has at least three matching records and three near-misses', (control) => {
    const own = vectors.filter((v) => v.control === control);
    expect(own.filter((v) => v.expectMatch).length).toBeGreaterThanOrEqual(3);
    expect(own.filter((v) => !v.expectMatch).length).toBeGreaterThanOrEqual(3);
  });

  test('names are unique per control', () => {
    const keys = vectors.map((v) => `${v.control}/${v.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
