/**
 * Runs projen tasks as a small dependency graph, a few at a time (`test:all`'s second phase,
 * see projenrc/test-all.ts). Each job is `projen <task>`; its output goes to .tmp/jobs/<task>.log
 * and is printed whole when the job ends, so that the output of parallel jobs never interleaves.
 * The first failure stops the jobs still running, starts no new one, prints the failed job's
 * output last (where a CI log's tail shows it) and exits 1. A summary of every job's start and
 * duration ends the output.
 *
 * Usage: ts-node projenrc/run-jobs.ts --max N 'task' 'task<dependency,dependency' ...
 * Jobs start in the order given as soon as their dependencies have passed.
 */
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

interface Job {
  readonly name: string;
  readonly after: string[];
  state: 'waiting' | 'running' | 'passed' | 'failed' | 'stopped';
  child?: ChildProcess;
  log: string;
  started?: number;
  ended?: number;
}

const ROOT = path.resolve(__dirname, '..');
const LOG_DIR = path.join(ROOT, '.tmp', 'jobs');
const PROJEN = path.join(ROOT, 'node_modules', '.bin', 'projen');

function parse(argv: string[]): { max: number; jobs: Job[] } {
  let max = 2;
  const jobs: Job[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--max') {
      max = Number(argv[++i]);
      continue;
    }
    const [name, after] = argv[i].split('<');
    jobs.push({
      name,
      after: after ? after.split(',').filter((d) => d !== '') : [],
      state: 'waiting',
      log: path.join(LOG_DIR, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.log`),
    });
  }
  if (!Number.isInteger(max) || max < 1) throw new Error(`--max must be a positive integer, got ${max}`);
  const names = new Set(jobs.map((j) => j.name));
  for (const job of jobs) {
    for (const dependency of job.after) {
      if (!names.has(dependency)) throw new Error(`job ${job.name} waits for ${dependency}, which is not a job`);
    }
  }
  return { max, jobs };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function main(): void {
  const { max, jobs } = parse(process.argv.slice(2));
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const start = Date.now();
  const byName = new Map(jobs.map((j) => [j.name, j]));
  let failed: Job | undefined;

  const printLog = (job: Job): void => {
    process.stdout.write(`\n━━━ ${job.name}: ${job.state} after ${seconds(job.ended! - job.started!)} (output below, also in ${path.relative(ROOT, job.log)})\n`);
    process.stdout.write(fs.readFileSync(job.log, 'utf-8'));
  };

  const summary = (): void => {
    console.log(`\n━━━ jobs (at most ${max} at a time), ${seconds(Date.now() - start)} in all`);
    for (const job of [...jobs].sort((a, b) => (a.started ?? Infinity) - (b.started ?? Infinity))) {
      const when = job.started === undefined ? '        ' : `+${seconds(job.started - start).padStart(7)}`;
      const took = job.started !== undefined && job.ended !== undefined ? seconds(job.ended - job.started).padStart(8) : '        ';
      console.log(`  ${job.state.padEnd(8)} ${when} ${took}  ${job.name}`);
    }
  };

  const finish = (): void => {
    summary();
    if (failed) {
      printLog(failed);
      console.error(`\njob ${failed.name} failed: the jobs still running were stopped (see above; the full output is in ${path.relative(ROOT, failed.log)})`);
      process.exit(1);
    }
  };

  const schedule = (): void => {
    if (failed) {
      if (!jobs.some((j) => j.state === 'running')) finish();
      return;
    }
    for (const job of jobs) {
      if (jobs.filter((j) => j.state === 'running').length >= max) break;
      if (job.state !== 'waiting' || !job.after.every((d) => byName.get(d)!.state === 'passed')) continue;
      run(job);
    }
    if (jobs.every((j) => j.state === 'passed')) {
      finish();
    } else if (!jobs.some((j) => j.state === 'running')) {
      throw new Error(`no job can start: ${jobs.filter((j) => j.state === 'waiting').map((j) => j.name).join(', ')} wait in a cycle`);
    }
  };

  const run = (job: Job): void => {
    job.state = 'running';
    job.started = Date.now();
    console.log(`▶ ${job.name} (+${seconds(job.started - start)})`);
    const out = fs.openSync(job.log, 'w');
    // Its own process group, so that stopping it stops what it started (jest workers, mvn, go).
    job.child = spawn(PROJEN, [job.name], { cwd: ROOT, stdio: ['ignore', out, out], detached: true });
    job.child.on('error', (error) => fs.appendFileSync(job.log, `\ncannot start projen ${job.name}: ${error.message}\n`));
    job.child.on('close', (code, signal) => {
      fs.closeSync(out);
      job.ended = Date.now();
      if (job.state === 'stopped') {
        schedule();
        return;
      }
      job.state = code === 0 ? 'passed' : 'failed';
      if (job.state === 'passed') {
        printLog(job);
      } else if (!failed) {
        failed = job;
        fs.appendFileSync(job.log, `\nprojen ${job.name} exited with ${code ?? signal}\n`);
        for (const other of jobs.filter((j) => j.state === 'running')) {
          other.state = 'stopped';
          try {
            process.kill(-other.child!.pid!, 'SIGTERM');
          } catch {
            // already gone
          }
        }
      } else {
        printLog(job);
      }
      schedule();
    });
  };

  // An interrupted run stops its jobs too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      for (const job of jobs.filter((j) => j.state === 'running')) {
        try {
          process.kill(-job.child!.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      process.exit(1);
    });
  }

  schedule();
}

main();
