import { awscdk, Task } from 'projen';

/** Languages with a consumer app under consumers/<language> (see consumers/run.ts). */
const LANGUAGES = ['typescript', 'python', 'java', 'go'] as const;

/**
 * Proves the packages for every language with a consumer app that installs the freshly built
 * package from dist/ as a user of that language would, synthesizes the landing-zone stack, and
 * compares the template with the one synthesized from examples/landing-zone/stack.ts.
 *
 * `cloudAssemblySchemaForGo` is the pinned @aws-cdk/cloud-assembly-schema (PINNED TOOLING in
 * `.projenrc.ts`).
 *
 * Adds `test:consumers` (all languages) and `test:consumers:<language>`, which inherit the
 * project-wide AWS_EC2_METADATA_DISABLED and AWS_REGION, and makes `testAll`
 * build every package (`package-all`) and then run `test:consumers`.
 */
export function addConsumerTests(project: awscdk.AwsCdkConstructLibrary, testAll: Task, cloudAssemblySchemaForGo: string): void {
  // The @aws-cdk/cloud-assembly-schema that the Go module of the dev aws-cdk-lib requires.
  // jsii-pacmak writes the npm-installed version of each transitive jsii dependency into the
  // `go.mod` of our Go module; npm would resolve aws-cdk-lib's `^53.25.0` to a newer schema whose
  // Go module (cloud-assembly-schema-go v53.28.0) is not published, so `go mod tidy` in
  // `package:go` fails. Pinning it to what aws-cdk-go itself requires keeps our go.mod
  // resolvable. It moves with the dev aws-cdk-lib (see PINNED TOOLING in .projenrc.ts).
  project.addDevDeps(`@aws-cdk/cloud-assembly-schema@${cloudAssemblySchemaForGo}`);

  // jsii-pacmak embeds the npm tarball in every package (wheel, jar, Go module): keep the
  // consumers' per-run state (virtual environments, node_modules, Maven repository), synthesized
  // cloud assemblies and the git-ignored scratch folders out of it.
  for (const folder of ['/consumers/', 'cdk.out/', '/.tmp/', '/.venv/']) {
    project.addPackageIgnore(folder);
  }

  const driver = 'ts-node --project tsconfig.dev.json consumers/run.ts';
  const testConsumers = project.addTask('test:consumers', {
    description: 'Install the packages in dist/ into a consumer app per language and compare each synthesized template with the TypeScript reference (needs package-all)',
    exec: driver,
  });
  for (const language of LANGUAGES) {
    project.addTask(`test:consumers:${language}`, {
      description: `Install the ${language} package from dist/ into consumers/${language} and compare its template with the TypeScript reference (needs package-all)`,
      exec: `${driver} ${language}`,
    });
  }

  const packageAll = project.tasks.tryFind('package-all');
  if (!packageAll) {
    throw new Error('The jsii project has no package-all task to build the packages the consumers install');
  }
  testAll.spawn(packageAll);
  testAll.spawn(testConsumers);
}
