/**
 * Keeps the README's code honest in every language. The README is written once, in TypeScript:
 * `jsii-rosetta extract --strict` (post-compile) compiles every TypeScript snippet with the
 * fixtures in rosetta/ and writes its translations to the tablet `.jsii.tabl.json`, from which
 * jsii-pacmak writes the README of each package (PyPI and the Go module show those) and Construct
 * Hub renders it per language. `test:readme:python` then runs the Python translations from the
 * wheel. This test checks what lies between: every snippet compiled and has a translation for
 * every language, no hand-written duplicate sits beside them, every snippet brings its imports
 * (the fragment fixture and its Python and Java stand-ins import nothing a snippet may use), every
 * Java translation imports the java.util classes it uses, and the package names match package.json.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
const tablet = JSON.parse(fs.readFileSync(path.join(root, '.jsii.tabl.json'), 'utf8'));
const targets = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).jsii.targets;

/** The languages rosetta translates into (C# too, though the project publishes no NuGet package). */
const LANGUAGES = ['python', 'java', 'go', 'csharp'];

interface Fence {
  readonly line: number;
  readonly info: string;
  readonly code: string;
}

/** Fenced code blocks of `text` whose info string starts with one of `languages` (also in list items). */
function fences(text: string, languages: string[]): Fence[] {
  const pattern = /^( *)```(\S+)([^\n]*)\n([\s\S]*?)^\1```[ \t]*$/gm;
  return [...text.matchAll(pattern)]
    .filter((m) => languages.includes(m[2]))
    .map((m) => {
      const indent = m[1].length;
      const code = m[4].split('\n').map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n');
      return { line: text.slice(0, m.index).split('\n').length, info: `${m[2]}${m[3]}`.trim(), code };
    });
}

const snippets = Object.values<any>(tablet.snippets);
const typescript = fences(readme, ['ts', 'typescript']);

test('the README has TypeScript snippets and rosetta translated them', () => {
  expect(typescript.length).toBeGreaterThanOrEqual(4);
  expect(snippets.length).toBeGreaterThanOrEqual(typescript.length);
});

test.each(typescript.map((f) => [f.line, f]))('README TypeScript snippet at line %i compiled and has a translation in every language', (_line, fence) => {
  const { code } = fence as Fence;
  const snippet = snippets.find((s) => s.translations.$.source === code.trim());
  expect(snippet).toBeDefined();
  expect(snippet.didCompile).toBe(true);
  for (const language of LANGUAGES) {
    expect(snippet.translations[language]?.source?.length ?? 0).toBeGreaterThan(0);
    // rosetta repeats a comment that stands right before an expression statement (`new X(...);`)
    // in Java and Go: keep such comments in the prose
    const lines: string[] = snippet.translations[language].source.split('\n');
    expect(lines.filter((l, i) => i > 0 && l === lines[i - 1] && /^\s*(\/\/|#)/.test(l))).toEqual([]);
  }
});

test('no hand-written Python, Java, Go or C# code beside the translations (the registries would show both)', () => {
  expect(fences(readme, ['python', 'py', 'java', 'go', 'csharp', 'cs']).map((f) => f.line)).toEqual([]);
});

test('an app snippet brings its imports and synthesizes; a fragment brings its imports and uses the default fixture', () => {
  for (const { info, code } of typescript) {
    // every snippet starts with its imports: rosetta translates them, so each translation is complete as printed
    expect(code).toMatch(/^import /);
    if (info.includes('fixture=module')) {
      expect(code).toContain('.synth()');
    } else {
      expect(info).toBe('ts');
      expect(code).toContain('(this, ');
    }
  }
});

test('the fragment fixture and its Python and Java stand-ins import nothing under a name a snippet may use', () => {
  // GIVEN the default fixture, the Python prelude and the Java compile check
  const fixture = fs.readFileSync(path.join(root, 'rosetta', 'default.ts-fixture'), 'utf8');
  const prelude = fs.readFileSync(path.join(root, 'test', 'readme', 'python-prelude.py'), 'utf8');
  const java = fs.readFileSync(path.join(root, 'test', 'readme', 'compile_java.py'), 'utf8');

  // THEN the fixture imports only the names of its own wrapper, under aliases no snippet uses
  const imports = [...fixture.matchAll(/^import (.+) from '([^']+)';$/gm)].map((m) => m[1]);
  expect(imports).toEqual(['{ Stack as FixtureStack }', '{ Construct as FixtureConstruct }']);
  // the Python prelude likewise, and the Java check adds no import (only full class names)
  const pythonImports = prelude.split('\n').filter((l) => /^(from|import) /.test(l));
  expect(pythonImports).toEqual([
    'from aws_cdk import App as _FixtureApp, Stack as _FixtureStack',
    'from constructs import Construct as _FixtureConstruct',
  ]);
  expect(java).not.toMatch(/['"]import [a-z][\w.]*(\.\*)?;/);
});

test('every Java translation imports the java.util classes it uses (test/readme/complete-java.ts)', () => {
  const docsTablet = JSON.parse(fs.readFileSync(path.join(root, '.tmp', 'docs-assembly', '.jsii.tabl.json'), 'utf8'));
  const java = [...snippets, ...Object.values<any>(docsTablet.snippets)].map((s) => s.translations.java.source as string);
  expect(java.length).toBeGreaterThan(typescript.length);
  for (const source of java) {
    for (const name of ['List', 'Map']) {
      if (new RegExp(`\\b${name}\\.of\\(`).test(source)) {
        expect(source).toContain(`import java.util.${name};`);
      }
    }
    expect(source).toMatch(/^import /);
  }
});

test('Java: dependency coordinates', () => {
  const xml = fences(readme, ['xml']);
  expect(xml).toHaveLength(1);
  expect(xml[0].code).toContain(`<groupId>${targets.java.maven.groupId}</groupId>`);
  expect(xml[0].code).toContain(`<artifactId>${targets.java.maven.artifactId}</artifactId>`);
});

test('Go: the module path to get', () => {
  expect(readme).toContain(`go get ${targets.go.moduleName}/${targets.go.packageName}`);
});

test('Python: the distribution to install', () => {
  expect(readme).toContain(`pip install aws-cdk-lib constructs ${targets.python.distName}`);
});

test('the install table names the packages declared for each registry', () => {
  expect(readme).toContain(`npm \`${assembly.name}\``);
  expect(readme).toContain(`PyPI \`${targets.python.distName}\`, module \`${targets.python.module}\``);
  expect(readme).toContain(`Maven \`${targets.java.maven.groupId}:${targets.java.maven.artifactId}\`, package \`${targets.java.package}\``);
  expect(readme).toContain(`\`${targets.go.moduleName}/${targets.go.packageName}\``);
});

test('the per-language API reference is named', () => {
  for (const language of ['typescript', 'python', 'java', 'go']) {
    expect(readme).toContain(`https://constructs.dev/packages/${assembly.name}/?lang=${language}`);
  }
});

test('links work where the registries show the README: absolute to the repository, no relative ones', () => {
  const repository = 'https://github.com/cdk-root-usage-alarm/cdk-root-usage-alarm';
  const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
  expect(links.filter((l) => !/^(https:\/\/|#)/.test(l))).toEqual([]);
  for (const link of links.filter((l) => l.startsWith(`${repository}/blob/main/`))) {
    const file = link.slice(`${repository}/blob/main/`.length).split('#')[0];
    expect(fs.existsSync(path.join(root, file))).toBe(true);
  }
});

test('no mermaid diagram: PyPI and Construct Hub would show its source', () => {
  expect(fences(readme, ['mermaid'])).toEqual([]);
});

test('the contributor part opens with the two commands that work on a fresh clone', () => {
  // GIVEN the README's "Contributing" section and the project's tasks
  const start = readme.indexOf('\n## Contributing\n');
  expect(start).toBeGreaterThan(-1);
  const contributing = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')).tasks;
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');

  // THEN its first code block is the example synth and every test, each after a clean install
  const [first] = fences(contributing, ['sh']);
  const lines = first.code.split('\n').filter((l) => l && !l.startsWith('#'));
  expect(lines).toEqual(['npm ci && npx projen example:synth', 'npm ci && npx projen test:all']);
  expect(contributing.indexOf('```sh')).toBeLessThan(contributing.indexOf('CONTRIBUTING.md)'));
  // the tasks exist, and test:all is what CI runs
  expect(tasks['example:synth']).toBeDefined();
  expect(tasks['test:all']).toBeDefined();
  expect(ci).toMatch(/^npm ci && npx projen test:all$/m);
});

test('the version to write is where the README points: the registries\' badges, and the release notes', () => {
  const top = readme.slice(0, readme.indexOf('\n## '));
  expect(top).toContain(`https://img.shields.io/npm/v/${assembly.name}`);
  expect(top).toContain(`https://img.shields.io/pypi/v/${targets.python.distName}`);
  expect(top).toContain(`https://img.shields.io/maven-central/v/${targets.java.maven.groupId}/${targets.java.maven.artifactId}`);
  expect(top).toContain(`https://pkg.go.dev/${targets.go.moduleName}/${targets.go.packageName}`);
  expect(top).toContain('https://github.com/cdk-root-usage-alarm/cdk-root-usage-alarm/releases');
  expect(top).toContain('https://github.com/cdk-root-usage-alarm/cdk-root-usage-alarm/blob/main/SECURITY.md');
  // the Maven snippet, where a version must be written, points at the badge
  const [xml] = fences(readme, ['xml']);
  expect(xml.code).toMatch(/<!-- the newest version: the Maven Central badge at the top of the README -->\n\s*<version>VERSION<\/version>/);
});
