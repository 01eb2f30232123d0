/**
 * Benchmark (not a test): how long the full CIS monitoring set takes to synthesize and how big
 * its template is, next to a standalone RootUsageAlarm. Reports figures only; asserts nothing.
 *
 *   npx projen bench:cis            (BENCH_RUNS=20 npx projen bench:cis for more runs)
 */
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import { CisMonitoringAlarms, RootUsageAlarm } from '../../src';

const RUNS = Number(process.env.BENCH_RUNS ?? '10');
const EMAIL = 'security@example.com';

interface Figures {
  readonly name: string;
  readonly millis: number[];
  readonly resources: number;
  readonly bytes: number;
  readonly prettyBytes: number;
}

/** Builds the stack in a new app and synthesizes it; returns the time and the template. */
function synthOnce(build: (stack: Stack) => void): { millis: number; template: any } {
  const start = performance.now();
  const app = new App();
  const stack = new Stack(app, 'Bench');
  build(stack);
  const assembly = app.synth();
  const millis = performance.now() - start;
  return { millis, template: assembly.getStackByName('Bench').template };
}

function measure(name: string, build: (stack: Stack) => void): Figures {
  synthOnce(build); // warm-up: module loading and JIT are not part of the figure
  const millis: number[] = [];
  let template: any;
  for (let i = 0; i < RUNS; i++) {
    const run = synthOnce(build);
    millis.push(run.millis);
    template = run.template;
  }
  return {
    name,
    millis,
    resources: Object.keys(template.Resources).length,
    bytes: Buffer.byteLength(JSON.stringify(template)),
    prettyBytes: Buffer.byteLength(JSON.stringify(template, undefined, 1)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const results = [
  measure('RootUsageAlarm (CloudWatch.1 only)', (stack) => new RootUsageAlarm(stack, 'RootUsage', { emailAddresses: [EMAIL] })),
  measure('CisMonitoringAlarms (CloudWatch.1-.14)', (stack) => new CisMonitoringAlarms(stack, 'Cis', { emailAddresses: [EMAIL] })),
];

console.log(`node ${process.version}, ${RUNS} runs after one warm-up, new App per run (construct + synth)`);
console.log('| construct | resources | template (minified) | template (cdk.out, indent 1) | synth median | min | max |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(`| ${r.name} | ${r.resources} | ${(r.bytes / 1024).toFixed(1)} KiB | ${(r.prettyBytes / 1024).toFixed(1)} KiB | `
    + `${median(r.millis).toFixed(0)} ms | ${Math.min(...r.millis).toFixed(0)} ms | ${Math.max(...r.millis).toFixed(0)} ms |`);
}
console.log('CloudFormation limits: 500 resources and 1 MB (S3) / 51,200 bytes (direct upload) per template.');
