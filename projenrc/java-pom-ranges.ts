/**
 * The last step of `package:java`: the Maven POM asks for aws-cdk-lib and constructs as
 * package.json's peer dependencies do, `[2.93.0,3.0.0)` and `[10.0.5,11.0.0)`.
 *
 * jsii-pacmak writes those ranges into the POM and then runs `versions:resolve-ranges`, which
 * replaces each range with the newest release on Maven Central at build time (2.263.0 when this
 * was written), to spare Maven the range resolution. Published that way, the POM would pull
 * every Gradle build (which takes the highest requested version) up to that release, and tell
 * Maven users a minimum the npm, PyPI and Go packages do not have. This puts the peer ranges back
 * into the `.pom` files under dist/java (what Maven and Gradle read) and rewrites their checksum
 * files; publib signs them at publication. (The copy of the POM inside the jar,
 * META-INF/maven/.../pom.xml, is informational and keeps jsii-pacmak's versions.)
 *
 * test/packages/package-minimums.test.ts checks the result; the Java consumer (consumers/java)
 * proves the package with the newest aws-cdk-lib.
 *
 * Usage: ts-node --project tsconfig.dev.json projenrc/java-pom-ranges.ts
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The Maven range for an npm caret range: `^2.93.0` -> `[2.93.0,3.0.0)`. */
export function mavenRange(npmRange: string): string {
  const match = npmRange.trim().match(/^\^(\d+)\.(\d+)\.(\d+)$/);
  if (!match) {
    throw new Error(`Cannot turn "${npmRange}" into a Maven range: expected ^X.Y.Z`);
  }
  return `[${match[1]}.${match[2]}.${match[3]},${Number(match[1]) + 1}.0.0)`;
}

/** A Maven dependency whose version is set to a range. */
export interface PomRange {
  readonly groupId: string;
  readonly artifactId: string;
  readonly range: string;
}

/** The POM with the `<version>` of each given dependency set to its range; throws when one is missing. */
export function pomWithRanges(pom: string, ranges: PomRange[]): string {
  let result = pom;
  for (const { groupId, artifactId, range } of ranges) {
    let found = 0;
    result = result.replace(/<dependency>([\s\S]*?)<\/dependency>/g, (block, body: string) => {
      if (!body.includes(`<groupId>${groupId}</groupId>`) || !body.includes(`<artifactId>${artifactId}</artifactId>`)) {
        return block;
      }
      found++;
      return block.replace(/<version>[^<]*<\/version>/, `<version>${range}</version>`);
    });
    if (found !== 1) {
      throw new Error(`Expected one <dependency> ${groupId}:${artifactId} in the POM, found ${found}`);
    }
  }
  return result;
}

/** The ranges of package.json's peer dependencies, with the Maven coordinates their assemblies declare. */
export function peerRanges(packageJson: any, assembly: any): PomRange[] {
  return Object.entries<string>(packageJson.peerDependencies ?? {}).map(([name, npmRange]) => {
    const maven = assembly.dependencyClosure?.[name]?.targets?.java?.maven;
    if (!maven?.groupId || !maven?.artifactId) {
      throw new Error(`The jsii assembly names no Maven coordinates for the peer dependency ${name}`);
    }
    return { groupId: maven.groupId, artifactId: maven.artifactId, range: mavenRange(npmRange) };
  });
}

/** Rewrites every `.pom` under `<root>/dist/java` and its checksum files; returns the POMs rewritten. */
export function rewriteDistPoms(root: string): string[] {
  const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
  const ranges = peerRanges(packageJson, assembly);
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]);
  const poms = walk(path.join(root, 'dist', 'java')).filter((file) => file.endsWith('.pom'));
  if (poms.length === 0) {
    throw new Error('No .pom under dist/java: run jsii-pacmak --target java first');
  }
  for (const pom of poms) {
    const content = pomWithRanges(fs.readFileSync(pom, 'utf8'), ranges);
    fs.writeFileSync(pom, content);
    for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512']) {
      const checksum = `${pom}.${algorithm}`;
      if (algorithm === 'md5' || algorithm === 'sha1' || fs.existsSync(checksum)) {
        fs.writeFileSync(checksum, crypto.createHash(algorithm).update(content).digest('hex'));
      }
    }
  }
  return poms;
}

if (require.main === module) {
  for (const pom of rewriteDistPoms(process.cwd())) {
    console.log(`${path.relative(process.cwd(), pom)}: aws-cdk-lib and constructs as the peer-dependency ranges`);
  }
}
