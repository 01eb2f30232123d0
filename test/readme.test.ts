/**
 * Keeps the README's quick starts honest. The TypeScript snippets are compiled by
 * `jsii-rosetta extract --strict` in post-compile; rosetta cannot compile Python, Java or Go, so
 * this test checks those snippets against the jsii assembly (.jsii, written by the compile step
 * that runs before the tests) and the package names declared in package.json: every module,
 * class and prop they name must exist under exactly that name.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
const targets = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).jsii.targets;

/** The props of RootUsageAlarmProps, including the inherited ones, by their TypeScript names. */
function propsOf(fqn: string): string[] {
  const type = assembly.types[fqn];
  const own: string[] = (type.properties ?? []).map((p: { name: string }) => p.name);
  return [...own, ...(type.interfaces ?? []).flatMap((base: string) => propsOf(base))];
}
const props = new Set(propsOf(`${assembly.name}.RootUsageAlarmProps`));

function snippets(language: string): string[] {
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...readme.matchAll(fence)].map((m) => m[1]);
}
function onlySnippet(language: string): string {
  const found = snippets(language);
  expect(found).toHaveLength(1);
  return found[0];
}
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);

test('the assembly has the props the snippets use', () => {
  expect([...props]).toEqual(expect.arrayContaining(['logGroupName', 'emailAddresses', 'metricNamespace', 'topic']));
});

test('Python: module and keyword arguments', () => {
  const code = onlySnippet('python');
  expect(code).toContain(`from ${targets.python.module} import RootUsageAlarm`);
  const call = code.slice(code.indexOf('RootUsageAlarm(self'));
  const keywords = [...call.matchAll(/^\s+(\w+)=/gm)].map((m) => m[1]);
  expect(keywords.length).toBeGreaterThan(0);
  const known = new Set([...props].map(snake));
  expect(keywords.filter((k) => !known.has(k))).toEqual([]);
});

test('Java: dependency coordinates, package and builder methods', () => {
  const xml = onlySnippet('xml');
  expect(xml).toContain(`<groupId>${targets.java.maven.groupId}</groupId>`);
  expect(xml).toContain(`<artifactId>${targets.java.maven.artifactId}</artifactId>`);
  const code = onlySnippet('java');
  expect(code).toContain(`import ${targets.java.package}.RootUsageAlarm;`);
  const chain = code.slice(code.indexOf('RootUsageAlarm.Builder.create'), code.indexOf('.build()'));
  const methods = [...chain.matchAll(/^\s+\.(\w+)\(/gm)].map((m) => m[1]);
  expect(methods.length).toBeGreaterThan(0);
  expect(methods.filter((m) => !props.has(m))).toEqual([]);
});

test('Go: module path, constructor and struct fields', () => {
  const code = onlySnippet('go');
  const goPackage = targets.go.packageName;
  expect(code).toContain(`"${targets.go.moduleName}/${goPackage}"`);
  expect(code).toContain(`${goPackage}.NewRootUsageAlarm(`);
  const literal = code.slice(code.indexOf(`&${goPackage}.RootUsageAlarmProps{`), code.indexOf('})'));
  const fields = [...literal.matchAll(/^\s+(\w+):/gm)].map((m) => m[1]);
  expect(fields.length).toBeGreaterThan(0);
  const known = new Set([...props].map(pascal));
  expect(fields.filter((f) => !known.has(f))).toEqual([]);
});

test('the install table names the packages declared for each registry', () => {
  expect(readme).toContain(`npm \`${assembly.name}\``);
  expect(readme).toContain(`PyPI \`${targets.python.distName}\`, module \`${targets.python.module}\``);
  expect(readme).toContain(`Maven \`${targets.java.maven.groupId}:${targets.java.maven.artifactId}\`, package \`${targets.java.package}\``);
  expect(readme).toContain(`\`${targets.go.moduleName}/${targets.go.packageName}\``);
});
