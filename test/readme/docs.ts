/**
 * The TypeScript snippets of the docs/ pages, compiled and translated by jsii-rosetta as the
 * README's are (the registries show only the README, so rosetta never sees these pages by itself).
 *
 * Run as a script (post-compile, before `jsii-rosetta extract --strict . .tmp/docs-assembly`), it
 * writes `.tmp/docs-assembly`: a copy of the package's assembly whose README is the docs/ pages,
 * with the project's fixtures (rosetta/), node_modules and lib/. Rosetta then compiles every
 * snippet of the pages in strict mode with the same fixtures and writes their translations to
 * `.tmp/docs-assembly/.jsii.tabl.json`.
 *
 * test/readme-docs.test.ts checks that every snippet compiled, and that each page shows, below
 * each snippet, its Python, Java and Go translations exactly as rosetta wrote them
 * (`UPDATE_DOCS_TRANSLATIONS=1` rewrites them); test:readme:python runs the Python ones.
 */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');
export const DOCS = path.join(ROOT, 'docs');
export const DOCS_ASSEMBLY = path.join(ROOT, '.tmp', 'docs-assembly');
export const DOCS_TABLET = path.join(DOCS_ASSEMBLY, '.jsii.tabl.json');

/** The translations shown below a snippet, and their headings. */
export const SHOWN_LANGUAGES: Array<{ id: string; fence: string; summary: string }> = [
  { id: 'python', fence: 'python', summary: 'Python' },
  { id: 'java', fence: 'java', summary: 'Java' },
  { id: 'go', fence: 'go', summary: 'Go (rosetta\'s translation does not compile as written: prefix struct types with their package, import github.com/aws/aws-cdk-go/awscdk/v2; consumers/go/main.go compiles)' },
];

export const TRANSLATIONS_START = '<!-- translations:start (generated from the TypeScript above by jsii-rosetta; UPDATE_DOCS_TRANSLATIONS=1 npx jest test/readme-docs.test.ts) -->';
export const TRANSLATIONS_END = '<!-- translations:end -->';

/** The docs/ pages, by file name. */
export function pages(): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort()
    .map((f) => [f, fs.readFileSync(path.join(DOCS, f), 'utf8')]));
}

export interface Fence {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly language: string;
  readonly info: string;
  readonly code: string;
  /** Offset just after the closing fence. */
  readonly end: number;
}

/** The top-level fenced code blocks of a Markdown text (not indented). */
export function fences(markdown: string): Fence[] {
  return [...markdown.matchAll(/^```(\S*)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    line: markdown.slice(0, m.index).split('\n').length,
    language: m[1],
    info: `${m[1]}${m[2]}`.trim(),
    code: m[3],
    end: m.index! + m[0].length,
  }));
}

/** The TypeScript snippets of a page, outside the generated sections. */
export function typescriptSnippets(markdown: string): Fence[] {
  return fences(markdown).filter((f) => f.language === 'ts' || f.language === 'typescript');
}

/** The generated section for one snippet's translations (`translations[language]`: source). */
export function renderTranslations(translations: Record<string, string>): string {
  const parts = [TRANSLATIONS_START, ''];
  for (const { id, fence, summary } of SHOWN_LANGUAGES) {
    parts.push(`<details><summary>${summary}</summary>`, '', '```' + fence, translations[id], '```', '', '</details>', '');
  }
  parts.push(TRANSLATIONS_END);
  return parts.join('\n');
}

/**
 * The page with, right after each TypeScript snippet, the generated section `render(snippet)`
 * (replacing the one already there).
 */
export function withTranslations(markdown: string, render: (snippet: Fence) => string): string {
  let out = '';
  let from = 0;
  for (const snippet of typescriptSnippets(markdown)) {
    out += markdown.slice(from, snippet.end);
    from = snippet.end;
    const rest = markdown.slice(from);
    const existing = rest.match(/^\n\n<!-- translations:start[^\n]*-->\n[\s\S]*?<!-- translations:end -->/);
    if (existing) {
      from += existing[0].length;
    }
    out += '\n\n' + render(snippet);
  }
  return out + markdown.slice(from);
}

/** Writes .tmp/docs-assembly (see the top of this file). */
export function prepareDocsAssembly(): void {
  fs.rmSync(DOCS_ASSEMBLY, { recursive: true, force: true });
  fs.mkdirSync(DOCS_ASSEMBLY, { recursive: true });
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));
  // Only the TypeScript of each page: the generated translations are not rosetta's input.
  const markdown = Object.entries(pages()).map(([name, text]) => `<!-- docs/${name} -->\n\n`
    + typescriptSnippets(text).map((s) => '```' + s.info + '\n' + s.code + '```\n').join('\n')).join('\n');
  assembly.readme = { markdown };
  fs.writeFileSync(path.join(DOCS_ASSEMBLY, '.jsii'), JSON.stringify(assembly));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(DOCS_ASSEMBLY, 'package.json'));
  for (const link of ['rosetta', 'node_modules', 'lib']) {
    fs.symlinkSync(path.join(ROOT, link), path.join(DOCS_ASSEMBLY, link));
  }
}

if (require.main === module) {
  prepareDocsAssembly();
}
