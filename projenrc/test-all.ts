import { awscdk, Task } from 'projen';

/** One job of `test:all`'s second phase: a task, and the jobs it waits for. */
export interface TestAllJob {
  readonly task: string;
  readonly after?: string[];
}

export interface TestAllPlan {
  /** Run one after the other first (the build up to the compiled library and its docs). */
  readonly first: string[];
  /** Then these, at most `maxParallel` at a time, each when the jobs it waits for have passed. */
  readonly jobs: TestAllJob[];
  readonly maxParallel: number;
  /**
   * Tasks that stand for others in the plan: the plan must cover every task that was spawned
   * into `test:all`, either itself or through the tasks listed here (`test:consumers` through
   * `test:consumers:<language>`).
   */
  readonly coveredBy?: Record<string, string[]>;
}

/**
 * `test:all` (README "Run every test", what `.ci/run` and the build workflow run) as a plan:
 * the project's helpers spawn their checks into `test:all`; this replaces those steps with the
 * build's first steps, run in order, and then one step that runs every check as a job of a small
 * dependency graph, a few at a time (projenrc/run-jobs.ts). Checks that do not depend on each
 * other (the jest suite, the packages and their consumer apps, cdk-nag 3, the minimum aws-cdk-lib,
 * the Go minimum, actionlint) overlap: most of them wait on a single-threaded process, a network
 * install or a compiler, and the machine has two cores.
 *
 * Throws at synthesis when the plan leaves out a task that a helper spawned into `test:all`, or
 * names one that does not exist: no check drops out silently.
 */
export function planTestAll(project: awscdk.AwsCdkConstructLibrary, testAll: Task, plan: TestAllPlan): void {
  const spawned = testAll.steps.map((step) => step.spawn).filter((name): name is string => name !== undefined);
  const planned = [...plan.first, ...plan.jobs.map((job) => job.task)];
  for (const name of planned) {
    if (!project.tasks.tryFind(name)) throw new Error(`test:all plans the task ${name}, which does not exist`);
  }
  const build = project.buildTask.steps.map((step) => step.spawn).filter((name): name is string => name !== undefined);
  const expected = spawned.flatMap((name) => (name === project.buildTask.name ? build : [name]));
  for (const name of expected) {
    const covering = plan.coveredBy?.[name] ?? [name];
    // `package` builds the npm package only with CI=true, which `package-all` also builds.
    if (name === 'package' && planned.includes('package-all')) continue;
    const missing = covering.filter((c) => !planned.includes(c));
    if (missing.length > 0) throw new Error(`test:all's plan leaves out ${missing.join(', ')} (spawned by ${name})`);
  }

  testAll.reset();
  for (const name of plan.first) testAll.spawn(project.tasks.tryFind(name)!);
  const args = plan.jobs.map((job) => `'${job.task}${job.after?.length ? `<${job.after.join(',')}` : ''}'`);
  testAll.exec(`ts-node --transpile-only --project tsconfig.dev.json projenrc/run-jobs.ts --max ${plan.maxParallel} ${args.join(' ')}`, {
    name: 'Every check as a job of a dependency graph, a few at a time (projenrc/run-jobs.ts; each job\'s output in .tmp/jobs/)',
  });
}
