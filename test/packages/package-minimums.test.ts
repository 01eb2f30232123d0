/**
 * The built packages ask for what package.json promises: the same minimum aws-cdk-lib and
 * constructs in every language, and real author metadata that points at the project.
 *
 * It reads dist/ (go.mod of the Go module, the Maven POM, the wheel's METADATA), so it is not
 * part of the default jest run (package.json `jest.testPathIgnorePatterns`): `npx projen
 * test:package-minimums` runs it after `npx projen package-all` (test:all does).
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const dist = path.join(root, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const REPOSITORY = 'https://github.com/cdk-root-usage-alarm/cdk-root-usage-alarm';
const ORGANIZATION_URL = 'https://github.com/cdk-root-usage-alarm';

/** The lowest version a peer-dependency range of package.json admits (`^2.93.0` -> `2.93.0`). */
function peerMinimum(name: string): string {
  const range: string = pkg.peerDependencies[name];
  const match = range.match(/^\^(\d+)\.(\d+)\.(\d+)$/);
  if (!match) {
    throw new Error(`package.json peerDependencies.${name} is "${range}", not a caret range`);
  }
  return `${match[1]}.${match[2]}.${match[3]}`;
}
const major = (version: string) => Number(version.split('.')[0]);

/** The one file under dist/<dir> whose name matches, or a clear failure. */
function built(dir: string, pattern: RegExp): string {
  const base = path.join(dist, dir);
  const walk = (folder: string): string[] => fs.existsSync(folder)
    ? fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => entry.isDirectory()
      ? walk(path.join(folder, entry.name))
      : [path.join(folder, entry.name)])
    : [];
  const found = walk(base).filter((file) => pattern.test(path.basename(file)));
  if (found.length !== 1) {
    throw new Error(`expected one ${pattern} under ${base}, found ${found.length}: run "npx projen package-all" first`);
  }
  return found[0];
}

const cdkMin = peerMinimum('aws-cdk-lib');
const constructsMin = peerMinimum('constructs');

describe('package.json', () => {
  test('the peer dependencies are the minimums every package states', () => {
    expect(cdkMin).toBe('2.93.0');
    expect(constructsMin).toBe('10.0.5');
    expect(pkg.dependencies ?? {}).not.toHaveProperty('aws-cdk-lib');
  });

  test('the author is the project organization, with its URL, and no placeholder address', () => {
    expect(pkg.author).toEqual({ name: 'cdk-root-usage-alarm', url: ORGANIZATION_URL, organization: true });
    expect(pkg.repository.url).toBe(`${REPOSITORY}.git`);
    expect(JSON.stringify(pkg)).not.toMatch(/noreply|\.example\b/);
  });
});

describe('Go module (dist/go)', () => {
  const goMod = fs.readFileSync(built('go', /^go\.mod$/), 'utf8');
  const requires = Object.fromEntries([...goMod.matchAll(/^\s+(\S+)\s+v(\S+)(\s*\/\/.*)?$/gm)].map((m) => [m[1], m[2]]));

  test('requires aws-cdk-go and constructs-go at the peer minimums', () => {
    expect(requires[`github.com/aws/aws-cdk-go/awscdk/v${major(cdkMin)}`]).toBe(cdkMin);
    expect(requires[`github.com/aws/constructs-go/constructs/v${major(constructsMin)}`]).toBe(constructsMin);
  });

  test('requires nothing else but the jsii runtime: no module of a newer aws-cdk-lib', () => {
    expect(Object.keys(requires).sort()).toEqual([
      `github.com/aws/aws-cdk-go/awscdk/v${major(cdkMin)}`,
      `github.com/aws/constructs-go/constructs/v${major(constructsMin)}`,
      'github.com/aws/jsii-runtime-go',
    ].sort());
    expect(goMod).not.toMatch(/\/\/ indirect/);
  });

  test('uses no API of constructs 10.5 (mixins), which older aws-cdk-go cannot compile with', () => {
    const sources = fs.readdirSync(path.dirname(built('go', /^go\.mod$/))).filter((file) => file.endsWith('.go'));
    const mixins = sources.filter((file) => fs.readFileSync(path.join(path.dirname(built('go', /^go\.mod$/)), file), 'utf8').includes('IMixin'));
    expect(sources.length).toBeGreaterThan(0);
    expect(mixins).toEqual([]);
  });
});

describe('Maven POM (dist/java)', () => {
  const pomFile = built('java', /\.pom$/);
  const pom = fs.readFileSync(pomFile, 'utf8');
  /** The <version> of a <dependency> by artifactId. */
  const dependency = (groupId: string, artifactId: string) => {
    const block = [...pom.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].map((m) => m[1])
      .find((text) => text.includes(`<groupId>${groupId}</groupId>`) && text.includes(`<artifactId>${artifactId}</artifactId>`));
    return block?.match(/<version>([^<]+)<\/version>/)?.[1];
  };

  test('asks for aws-cdk-lib and constructs from the peer minimums up to the next major', () => {
    expect(dependency('software.amazon.awscdk', 'aws-cdk-lib')).toBe(`[${cdkMin},${major(cdkMin) + 1}.0.0)`);
    expect(dependency('software.constructs', 'constructs')).toBe(`[${constructsMin},${major(constructsMin) + 1}.0.0)`);
  });

  test('the checksum files match the rewritten POM', () => {
    for (const algorithm of ['md5', 'sha1']) {
      expect(fs.readFileSync(`${pomFile}.${algorithm}`, 'utf8').trim()).toBe(crypto.createHash(algorithm).update(pom).digest('hex'));
    }
  });

  test('has what Maven Central requires: name, description, url, license, developer, scm', () => {
    expect(pom).toMatch(/<name>[^<]+<\/name>/);
    expect(pom).toMatch(/<description>[^<]+<\/description>/);
    expect(pom).toContain(`<url>${REPOSITORY}.git</url>`);
    expect(pom).toMatch(/<licenses>\s*<license>\s*<name>Apache License 2\.0<\/name>/);
    expect(pom).toMatch(/<developers>\s*<developer>\s*<organization>cdk-root-usage-alarm<\/organization>/);
    expect(pom).toContain(`<organizationUrl>${ORGANIZATION_URL}</organizationUrl>`);
    expect(pom).toMatch(/<scm>[\s\S]*<url>[^<]+<\/url>[\s\S]*<\/scm>/);
    expect(pom).not.toMatch(/noreply|\.example\b/);
  });
});

describe('Python wheel (dist/python)', () => {
  const wheel = built('python', /\.whl$/);
  const metadata = execFileSync('python3', ['-c', [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    "name = next(n for n in z.namelist() if n.endswith('.dist-info/METADATA'))",
    'sys.stdout.write(z.read(name).decode())',
  ].join('\n'), wheel], { encoding: 'utf8' });
  const header = metadata.split('\n\n')[0];
  const requiresDist = [...header.matchAll(/^Requires-Dist: (.+)$/gm)].map((m) => m[1].replace(/\s+/g, ''));

  test('requires aws-cdk-lib and constructs from the peer minimums up to the next major', () => {
    expect(requiresDist).toContain(`aws-cdk-lib<${major(cdkMin) + 1}.0.0,>=${cdkMin}`);
    expect(requiresDist).toContain(`constructs<${major(constructsMin) + 1}.0.0,>=${constructsMin}`);
  });

  test('states the Python it needs and the project author', () => {
    expect(header).toMatch(/^Requires-Python: >=3\.10$/m);
    expect(header).toMatch(/^Author: cdk-root-usage-alarm$/m);
    expect(header).toMatch(new RegExp(`^Project-URL: Source, ${REPOSITORY}\\.git$`, 'm'));
    expect(header).not.toMatch(/noreply|\.example\b|Author-email/);
  });
});
