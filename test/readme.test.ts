/**
 * Keeps the README's quick starts (and the snippets of the docs/ pages it links to) honest. The TypeScript snippets are compiled by
 * `jsii-rosetta extract --strict` in post-compile; rosetta cannot compile Python, Java or Go, so
 * this test checks those snippets against the jsii assembly (.jsii, written by the compile step
 * that runs before the tests) and the package names declared in package.json: every module,
 * class and prop they name must exist under exactly that name.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
/** The README and the docs/ pages: a snippet is checked wherever it lives. */
const docs = [readme, ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort()
  .map((f) => fs.readFileSync(path.join(root, 'docs', f), 'utf8'))].join('\n');
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
const targets = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).jsii.targets;

/** The props of a props struct, including the inherited ones, by their TypeScript names. */
function propsOf(fqn: string): string[] {
  const type = assembly.types[fqn];
  const own: string[] = (type.properties ?? []).map((p: { name: string }) => p.name);
  return [...own, ...(type.interfaces ?? []).flatMap((base: string) => propsOf(base))];
}

/** The constructs the README's snippets may build, each with the props of its props struct. */
const CONSTRUCTS = ['RootUsageAlarm', 'CisMonitoringAlarms'];
const propsByConstruct: Record<string, Set<string>> = Object.fromEntries(
  CONSTRUCTS.map((name) => [name, new Set(propsOf(`${assembly.name}.${name}Props`))]),
);
const props = propsByConstruct.RootUsageAlarm;

function snippets(language: string): string[] {
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...docs.matchAll(fence)].map((m) => m[1]);
}
function onlySnippet(language: string): string {
  const found = snippets(language);
  expect(found).toHaveLength(1);
  return found[0];
}
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);

/** The one construct of the list that the snippet builds, found by `marker(name)`. */
function constructOf(code: string, marker: (name: string) => string): string {
  const built = CONSTRUCTS.filter((name) => code.includes(marker(name)));
  expect(built).toHaveLength(1);
  return built[0];
}

/** Every member of a jsii enum the snippet names (`CisControl.X` or Go's `CisControl_X`) exists. */
function expectEnumMembersExist(code: string): void {
  const enums = Object.values<any>(assembly.types).filter((t) => t.kind === 'enum');
  for (const type of enums) {
    const used = [...code.matchAll(new RegExp(`${type.name}[._]([A-Z0-9_]+)`, 'g'))].map((m) => m[1]);
    const members = new Set(type.members.map((m: { name: string }) => m.name));
    expect(used.filter((name) => !members.has(name))).toEqual([]);
  }
}

test('the assembly has the props the snippets use', () => {
  expect([...props]).toEqual(expect.arrayContaining(['logGroupName', 'emailAddresses', 'metricNamespace', 'topic']));
  expect([...propsByConstruct.CisMonitoringAlarms]).toEqual(expect.arrayContaining(['emailAddresses', 'excludeControls', 'controls']));
});

test('every construct has snippets in Python, Java and Go', () => {
  for (const name of CONSTRUCTS) {
    expect(snippets('python').some((code) => code.includes(`${name}(self`))).toBe(true);
    expect(snippets('java').some((code) => code.includes(`${name}.Builder.create`))).toBe(true);
    expect(snippets('go').some((code) => code.includes(`.New${name}(`))).toBe(true);
  }
});

test.each(snippets('python').map((code, i) => [i + 1, code]))('Python snippet %i: module and keyword arguments', (_i, code) => {
  const name = constructOf(code, (n) => `${n}(self`);
  const imported = code.match(new RegExp(`from ${targets.python.module} import ([\\w, ]+)`));
  expect(imported?.[1].split(',').map((n) => n.trim())).toContain(name);
  const call = code.slice(code.indexOf(`${name}(self`));
  const keywords = [...call.matchAll(/^\s+(\w+)=/gm)].map((m) => m[1]);
  expect(keywords.length).toBeGreaterThan(0);
  const known = new Set([...propsByConstruct[name]].map(snake));
  expect(keywords.filter((k) => !known.has(k))).toEqual([]);
  expectEnumMembersExist(code);
});

test('Java: dependency coordinates', () => {
  const xml = onlySnippet('xml');
  expect(xml).toContain(`<groupId>${targets.java.maven.groupId}</groupId>`);
  expect(xml).toContain(`<artifactId>${targets.java.maven.artifactId}</artifactId>`);
});

test.each(snippets('java').map((code, i) => [i + 1, code]))('Java snippet %i: package and builder methods', (_i, code) => {
  const name = constructOf(code, (n) => `${n}.Builder.create`);
  expect(code).toContain(`import ${targets.java.package}.${name};`);
  const from = code.indexOf(`${name}.Builder.create`);
  const chain = code.slice(from, code.indexOf('.build()', from));
  const methods = [...chain.matchAll(/^\s+\.(\w+)\(/gm)].map((m) => m[1]);
  expect(methods.length).toBeGreaterThan(0);
  expect(methods.filter((m) => !propsByConstruct[name].has(m))).toEqual([]);
  expectEnumMembersExist(code);
});

test.each(snippets('go').map((code, i) => [i + 1, code]))('Go snippet %i: constructor and struct fields', (_i, code) => {
  const goPackage = targets.go.packageName;
  const name = constructOf(code, (n) => `${goPackage}.New${n}(`);
  const literal = code.slice(code.indexOf(`&${goPackage}.${name}Props{`), code.indexOf('})'));
  const fields = [...literal.matchAll(/^\s+(\w+):/gm)].map((m) => m[1]);
  expect(fields.length).toBeGreaterThan(0);
  const known = new Set([...propsByConstruct[name]].map(pascal));
  expect(fields.filter((f) => !known.has(f))).toEqual([]);
  expectEnumMembersExist(code);
});

test('Go: the full example imports the module path', () => {
  const goPackage = targets.go.packageName;
  expect(snippets('go').some((code) => code.includes(`"${targets.go.moduleName}/${goPackage}"`))).toBe(true);
});

test('the install table names the packages declared for each registry', () => {
  expect(readme).toContain(`npm \`${assembly.name}\``);
  expect(readme).toContain(`PyPI \`${targets.python.distName}\`, module \`${targets.python.module}\``);
  expect(readme).toContain(`Maven \`${targets.java.maven.groupId}:${targets.java.maven.artifactId}\`, package \`${targets.java.package}\``);
  expect(readme).toContain(`\`${targets.go.moduleName}/${targets.go.packageName}\``);
});
