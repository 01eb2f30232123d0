/**
 * The one thing rosetta's Java translations leave out: `import java.util.List;` and
 * `import java.util.Map;`, although they use `List.of(...)` and `Map.of(...)` (jsii-rosetta 6 adds
 * no import for the JDK's classes). Every other import is the translation of the snippet's own
 * TypeScript imports (README and docs/ snippets bring theirs, see rosetta/default.ts-fixture).
 *
 * Run as a script (post-compile, after `jsii-rosetta extract`), it adds those imports to the Java
 * translation of every snippet in the tablets it is given: the README's (`.jsii.tabl.json`, which
 * the npm package ships and from which jsii-pacmak and Construct Hub take the translations) and
 * the docs/ pages' (`.tmp/docs-assembly/.jsii.tabl.json`, printed on the pages). So the Java that
 * a reader sees is complete as printed, and test:readme:java (test/readme/compile_java.py)
 * compiles exactly that text, adding nothing.
 *
 * Usage: ts-node test/readme/complete-java.ts <tablet>...
 */
import * as fs from 'fs';

/** The JDK classes rosetta's Java uses without importing them, by the pattern of their use. */
const JAVA_UTIL: Array<{ use: RegExp; name: string }> = [
  { use: /\bList\.of\(/, name: 'java.util.List' },
  { use: /\bMap\.of\(/, name: 'java.util.Map' },
];

/** The translation with an import for each `java.util` class it uses and does not import yet. */
export function withJavaUtilImports(source: string): string {
  const missing = JAVA_UTIL.filter(({ use, name }) => use.test(source) && !source.includes(`import ${name};`))
    .map(({ name }) => `import ${name};`);
  if (missing.length === 0) return source;
  const lines = source.split('\n');
  let last = -1;
  lines.forEach((line, i) => {
    if (line.startsWith('import ')) last = i;
  });
  if (last < 0) {
    return [...missing, '', source].join('\n');
  }
  return [...lines.slice(0, last + 1), ...missing, ...lines.slice(last + 1)].join('\n');
}

/** Rewrites the Java translations of one tablet in place; returns how many it changed. */
export function completeTablet(file: string): number {
  const tablet = JSON.parse(fs.readFileSync(file, 'utf8'));
  let changed = 0;
  for (const snippet of Object.values<any>(tablet.snippets)) {
    const java = snippet.translations?.java;
    if (!java) continue;
    const completed = withJavaUtilImports(java.source);
    if (completed !== java.source) {
      java.source = completed;
      changed++;
    }
  }
  if (changed > 0) fs.writeFileSync(file, JSON.stringify(tablet));
  return changed;
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const changed = completeTablet(file);
    console.log(`${file}: java.util imports added to ${changed} Java translation(s)`);
  }
}
