import { awscdk, Task } from 'projen';

/** The peer-dependency minimums the packages must ask for. */
export interface PackageMinimumsOptions {
  /** The task CI runs (`test:all`): it gets the checks of the built packages. */
  readonly testAll: Task;
  /** The lowest aws-cdk-lib of package.json's peer dependency (`2.93.0`). */
  readonly cdkMinVersion: string;
  /** The lowest constructs of package.json's peer dependency (`10.0.5`). */
  readonly constructsMinVersion: string;
}

/**
 * Every package asks for the same minimum aws-cdk-lib and constructs as package.json's peer
 * dependencies (`^2.93.0`, `^10.0.5`), and works with the newest. The npm package and the wheel
 * (`aws-cdk-lib>=2.93.0, <3.0.0`) do so as jsii-pacmak builds them; the Maven POM and the Go
 * module need the two steps below.
 *
 * Maven: `package:java` ends with projenrc/java-pom-ranges.ts, which puts the peer ranges back
 * into the POM where jsii-pacmak's `versions:resolve-ranges` pinned the newest release on Maven
 * Central (see there).
 *
 * Go: the module must also work with the newest aws-cdk-go.
 *
 * Go has no version ranges: jsii-pacmak writes into the module's `go.mod` the exact versions of
 * the dependencies whose assemblies it generated the code from, and the generated code spells
 * out every inherited member of every type. Generated from the dev aws-cdk-lib (2.257.0,
 * constructs 10.5.1), the module required aws-cdk-go v2.257.0, and worse, its types named
 * `constructs.IMixin` (constructs 10.5), so no Go program with an older constructs-go could even
 * compile it; and aws-cdk-go releases built on older constructs do not compile with
 * constructs-go 10.5 (ambiguous `With`). Generated from the peer minimums, the code embeds the
 * `constructs.Construct` interface and proxy of whichever constructs-go a user selects, so it
 * compiles from aws-cdk-go v2.93.0 up to the newest, as the cdklabs construct libraries (built
 * against their peer minimum) do.
 *
 * So `package:go` is `projenrc/package-go.sh`: jsii-pacmak on the npm package, with aws-cdk-lib
 * and constructs at the peer minimums (the rest of the build keeps the dev aws-cdk-lib: the
 * integration test library needs 2.245 or newer, see PINNED TOOLING in `.projenrc.ts`).
 *
 * Proof, in `testAll` after `package-all`:
 * - `test:package-minimums` reads dist/go's go.mod, the POM and the wheel, and compares their
 *   minimums (and author) with package.json (test/packages/package-minimums.test.ts);
 * - `test:go-min` compiles a program using the module against exactly aws-cdk-go v2.93.0, from
 *   the Go module proxy with a committed go.sum (test/go-min);
 * - the Go consumer (consumers/go, `test:consumers`) builds and synthesizes it against the
 *   newest aws-cdk-go, v2.257.0 with constructs-go v10.5.1.
 */
export function addPackageMinimums(project: awscdk.AwsCdkConstructLibrary, options: PackageMinimumsOptions): void {
  const env = { MIN_CDK_VERSION: options.cdkMinVersion, MIN_CONSTRUCTS_VERSION: options.constructsMinVersion };

  const packageJava = project.tasks.tryFind('package:java');
  if (!packageJava) {
    throw new Error('The jsii project has no package:java task');
  }
  packageJava.exec('ts-node --project tsconfig.dev.json projenrc/java-pom-ranges.ts', {
    name: 'The peer-dependency ranges of aws-cdk-lib and constructs in the POM (jsii-pacmak pinned the newest)',
  });

  const packageGo = project.tasks.tryFind('package:go');
  if (!packageGo) {
    throw new Error('The jsii project has no package:go task');
  }
  packageGo.reset('bash projenrc/package-go.sh');
  for (const [name, value] of Object.entries(env)) {
    packageGo.env(name, value);
  }
  packageGo.description = `Create the Go module, generated against aws-cdk-lib ${options.cdkMinVersion} and constructs ${options.constructsMinVersion} (the peer-dependency minimums)`;

  const testPackageMinimums = project.addTask('test:package-minimums', {
    description: 'Check the minimum aws-cdk-lib and constructs, and the author, of the Go module, the Maven POM and the wheel in dist/ against package.json (needs package-all)',
    exec: 'jest --ci --coverage=false --testPathIgnorePatterns=/node_modules/ --testMatch="<rootDir>/test/packages/**/*.test.ts"',
  });
  const testGoMin = project.addTask('test:go-min', {
    description: `Compile a program using the Go module in dist/go against aws-cdk-go v${options.cdkMinVersion}, the minimum it requires (needs package:go; modules from the Go module proxy)`,
    env,
    exec: 'bash test/go-min/run.sh',
  });
  options.testAll.spawn(testPackageMinimums);
  options.testAll.spawn(testGoMin);
}
