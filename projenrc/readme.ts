import { awscdk, Task } from 'projen';

/**
 * The README as the registries show it (README "Quick start", CONTRIBUTING "Documentation layout").
 *
 * `jsii-rosetta extract --strict` (post-compile) compiles every TypeScript snippet of the README
 * and translates it; jsii-pacmak writes those translations into each package's README. This adds:
 *
 * - `test:readme:python`: reads the README out of the wheel in dist/python (what PyPI shows) and
 *   runs every Python block against that wheel, without AWS (test/readme/wheel_readme.py). It
 *   needs the wheel (`package:python`) and reuses the Python consumer's virtual environment when
 *   `test:consumers` made one, so `testAll` runs it after them.
 */
export function addReadmeTests(project: awscdk.AwsCdkConstructLibrary, testAll: Task): void {
  const python = project.addTask('test:readme:python', {
    description: 'Run every Python block of the README in the wheel (dist/python, as PyPI shows it) against that wheel, without AWS (needs package:python)',
    exec: 'python3 test/readme/wheel_readme.py',
  });
  testAll.spawn(python);
}
