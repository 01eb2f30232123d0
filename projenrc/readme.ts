import { awscdk, Task } from 'projen';

/**
 * post-compile: `jsii-rosetta extract --strict` compiles every TypeScript snippet of the README
 * with the fixtures in rosetta/ and writes the tablet `.jsii.tabl.json`, from which jsii-pacmak
 * writes each package's README (what PyPI and the Go module show). The same rosetta run compiles
 * and translates the snippets of the docs/ pages: test/readme/docs.ts first writes
 * `.tmp/docs-assembly`, a copy of the assembly whose README is those snippets (one rosetta
 * process for both: its start-up is most of its time).
 */
export function addRosettaExtract(project: awscdk.AwsCdkConstructLibrary): void {
  project.postCompileTask.exec('ts-node --transpile-only --project tsconfig.dev.json test/readme/docs.ts');
  project.postCompileTask.exec('jsii-rosetta extract --strict . .tmp/docs-assembly');
}

/**
 * The README as the registries show it (README "Quick start", CONTRIBUTING "Documentation layout").
 *
 * - `test:readme:python`: reads the README out of the wheel in dist/python (what PyPI shows) and
 *   runs every Python block against that wheel, without AWS, with the Python translations shown
 *   on the docs/ pages (test/readme/wheel_readme.py). It needs the wheel (`package:python`) and
 *   reuses the Python consumer's virtual environment when `test:consumers` made one, so `testAll`
 *   runs it after them.
 */
export function addReadmeTests(project: awscdk.AwsCdkConstructLibrary, testAll: Task): void {
  const python = project.addTask('test:readme:python', {
    description: 'Run every Python block of the README in the wheel (dist/python, as PyPI shows it) and of docs/ against that wheel, without AWS (needs package:python)',
    exec: 'python3 test/readme/wheel_readme.py',
  });
  testAll.spawn(python);
}
