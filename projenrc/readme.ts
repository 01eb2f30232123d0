import { awscdk, Task } from 'projen';

/**
 * post-compile: `jsii-rosetta extract --strict` compiles every TypeScript snippet of the README
 * with the fixtures in rosetta/ and writes the tablet `.jsii.tabl.json`, from which jsii-pacmak
 * writes each package's README (what PyPI and the Go module show). The same rosetta run compiles
 * and translates the snippets of the docs/ pages: test/readme/docs.ts first writes
 * `.tmp/docs-assembly`, a copy of the assembly whose README is those snippets (one rosetta
 * process for both: its start-up is most of its time). Then test/readme/complete-java.ts adds the
 * `java.util` imports that rosetta's Java translations use and leave out, in both tablets, so that
 * the Java shown (Construct Hub, the docs/ pages) is complete as printed.
 */
export function addRosettaExtract(project: awscdk.AwsCdkConstructLibrary): void {
  project.postCompileTask.exec('ts-node --transpile-only --project tsconfig.dev.json test/readme/docs.ts');
  project.postCompileTask.exec('jsii-rosetta extract --strict . .tmp/docs-assembly');
  project.postCompileTask.exec('ts-node --transpile-only --project tsconfig.dev.json test/readme/complete-java.ts .jsii.tabl.json .tmp/docs-assembly/.jsii.tabl.json');
}

/**
 * The README as the registries show it (README "Quick start", CONTRIBUTING "Documentation layout").
 *
 * - `test:readme:python`: reads the README out of the wheel in dist/python (what PyPI shows) and
 *   runs every Python block against that wheel, without AWS, with the Python translations shown
 *   on the docs/ pages (test/readme/wheel_readme.py). It needs the wheel (`package:python`) and
 *   reuses the Python consumer's virtual environment when `test:consumers` made one.
 * - `test:readme:java`: compiles rosetta's Java translation of every README and docs/ snippet
 *   (what Construct Hub and the docs/ pages show) against the jar in dist/java, with the Java
 *   consumer's classpath and Maven repository (test/readme/compile_java.py).
 *
 * Rosetta's Go translations are not compiled: jsii-rosetta 6 leaves struct types without their
 * package and writes the aws-cdk-go import path without /v2, so none compiles as written (the
 * docs/ pages say so; consumers/go/main.go is the Go example that CI builds).
 *
 * `testAll` runs both after `test:consumers`, whose virtual environment and Maven repository they reuse.
 */
export function addReadmeTests(project: awscdk.AwsCdkConstructLibrary, testAll: Task): void {
  const python = project.addTask('test:readme:python', {
    description: 'Run every Python block of the README in the wheel (dist/python, as PyPI shows it) and of docs/ against that wheel, without AWS (needs package:python)',
    exec: 'python3 test/readme/wheel_readme.py',
  });
  const java = project.addTask('test:readme:java', {
    description: 'Compile the Java translation of every README and docs/ snippet against the jar in dist/java (needs package:java; reuses the Java consumer\'s Maven repository)',
    exec: 'python3 test/readme/compile_java.py',
  });
  testAll.spawn(python);
  testAll.spawn(java);
}
