/**
 * The snippets of the docs/ pages in every language: each TypeScript snippet compiled under
 * `jsii-rosetta extract --strict` with the project's fixtures (post-compile, through
 * test/readme/docs.ts), and each page shows, below it, rosetta's Python, Java and Go translations
 * word for word. To rewrite them after changing a snippet:
 *   npx projen compile && UPDATE_DOCS_TRANSLATIONS=1 npx jest test/readme-docs.test.ts
 * test:readme:python runs the Python ones against the wheel.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DOCS, DOCS_TABLET, fences, pages, renderTranslations, SHOWN_LANGUAGES, typescriptSnippets, withTranslations } from './readme/docs';

if (!fs.existsSync(DOCS_TABLET)) {
  throw new Error(`${DOCS_TABLET} is missing: run "npx projen compile" (its post-compile step translates the docs/ snippets)`);
}
const tablet = JSON.parse(fs.readFileSync(DOCS_TABLET, 'utf8'));
const translated = Object.values<any>(tablet.snippets);
const docs = pages();

function translationOf(code: string): any {
  return translated.find((s) => s.translations.$.source === code.trim());
}

const snippets = Object.entries(docs).flatMap(([page, text]) => typescriptSnippets(text).map((s) => [`docs/${page}`, s.line, s.code] as const));

test('the pages that must have code have it', () => {
  const pagesWithCode = new Set(snippets.map(([page]) => page));
  for (const page of ['docs/cis-monitoring.md', 'docs/event-notifications.md', 'docs/security.md']) {
    expect(pagesWithCode).toContain(page);
  }
});

test.each(snippets)('%s, line %i: brings its imports, compiled under rosetta strict, translated into every language', (_page, _line, code) => {
  // the default fixture imports nothing a snippet may use: each translation shows its imports
  expect(code).toMatch(/^import /);
  const snippet = translationOf(code);
  expect(snippet).toBeDefined();
  expect(snippet.didCompile).toBe(true);
  for (const { id } of SHOWN_LANGUAGES) {
    expect(snippet.translations[id]?.source?.length ?? 0).toBeGreaterThan(0);
    // rosetta repeats a comment that stands right before an expression statement (`new X(...);`)
    // in Java and Go: keep such comments in the prose
    const lines: string[] = snippet.translations[id].source.split('\n');
    expect(lines.filter((l, i) => i > 0 && l === lines[i - 1] && /^\s*(\/\/|#)/.test(l))).toEqual([]);
  }
});

test.each(Object.keys(docs))('docs/%s shows the translations of each snippet as rosetta wrote them', (page) => {
  const text = docs[page];
  const expected = withTranslations(text, (snippet) => {
    const translations = translationOf(snippet.code)?.translations ?? {};
    return renderTranslations(Object.fromEntries(SHOWN_LANGUAGES.map(({ id }) => [id, translations[id]?.source ?? '(not translated)'])));
  });
  if (process.env.UPDATE_DOCS_TRANSLATIONS === '1') {
    fs.writeFileSync(path.join(DOCS, page), expected);
    return;
  }
  expect(text).toBe(expected);
});

test.each(Object.keys(docs))('docs/%s has no hand-written Python, Java or Go beside the generated ones', (page) => {
  const text = docs[page];
  const count = (language: string) => fences(text).filter((f) => f.language === language).length;
  const typescript = typescriptSnippets(text).length;
  for (const language of ['python', 'java', 'go']) {
    expect(count(language)).toBe(typescript);
  }
});
