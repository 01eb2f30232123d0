/**
 * A syntax check of CloudWatch Logs Insights queries, from the query syntax AWS documents
 * ("CloudWatch Logs Insights language query syntax"): commands separated by `|`, each one of the
 * documented commands; strings, regular expressions and parentheses closed; `stats` made of the
 * documented aggregation functions, with an optional `by` list of fields; `sort` fields with
 * `asc`/`desc`; `limit` a whole number; `parse` of a field with a glob string or a regular
 * expression whose named groups are the fields it extracts. No AWS API checks a query without
 * running it, so this is the offline check: it returns the problems found (none for a valid query).
 */

const COMMANDS = ['fields', 'display', 'filter', 'stats', 'sort', 'limit', 'parse', 'dedup', 'pattern', 'diff', 'unmask', 'unnest', 'SOURCE', 'filterIndex'];
const AGGREGATIONS = ['avg', 'count', 'count_distinct', 'max', 'min', 'pct', 'stddev', 'sum', 'earliest', 'latest', 'sortsFirst', 'sortsLast'];
const FIELD = /^@?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_@][A-Za-z0-9_]*)*$/;

/** Splits at top-level `|`, outside strings, regular expressions and parentheses. */
export function stages(query: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (quote) {
      if (c === '\\') { current += c + (query[++i] ?? ''); continue; }
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`' || c === '/') {
      quote = c;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth < 0) throw new Error(`unbalanced ")" at ${i}`);
    } else if (c === '|' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (quote) throw new Error(`unclosed ${quote}`);
  if (depth !== 0) throw new Error('unbalanced "("');
  parts.push(current.trim());
  return parts;
}

/** Splits at top-level commas. */
function commaList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) { items.push(current.trim()); current = ''; continue; }
    current += c;
  }
  items.push(current.trim());
  return items;
}

/** The problems of a query: an empty list when its syntax is valid. */
export function insightsSyntaxProblems(query: string): string[] {
  const problems: string[] = [];
  let parts: string[];
  try {
    parts = stages(query);
  } catch (e) {
    return [(e as Error).message];
  }
  for (const stage of parts) {
    const command = stage.split(/\s+/)[0];
    if (!COMMANDS.includes(command)) { problems.push(`unknown command "${command}" in "${stage}"`); continue; }
    const rest = stage.slice(command.length).trim();
    if (rest === '') problems.push(`"${command}" without arguments`);
    switch (command) {
      case 'fields':
      case 'display':
        for (const f of commaList(rest)) if (!FIELD.test(f)) problems.push(`"${f}" is not a field`);
        break;
      case 'sort':
        for (const f of commaList(rest)) if (!/^@?[A-Za-z_][\w.@]*(\s+(asc|desc))?$/.test(f)) problems.push(`"${f}" is not a sort key`);
        break;
      case 'limit':
        if (!/^\d+$/.test(rest) || Number(rest) < 1 || Number(rest) > 10000) problems.push(`limit "${rest}" must be 1 to 10000`);
        break;
      case 'parse': {
        const m = rest.match(/^(@?[\w.]+)\s+(\/.*\/|'.*'|".*")(\s+as\s+.+)?$/);
        if (!m) { problems.push(`"${stage}" is not parse <field> <pattern>`); break; }
        if (m[2].startsWith('/')) {
          if (m[3]) problems.push('a regular expression parse names its fields with named groups, not "as"');
          try { new RegExp(m[2].slice(1, -1)); } catch (e) { problems.push(`bad regular expression: ${(e as Error).message}`); }
          if (!/\(\?<\w+>/.test(m[2])) problems.push('a regular expression parse needs a named group');
        } else if (!m[3]) {
          problems.push('a glob parse needs "as <fields>"');
        }
        break;
      }
      case 'stats': {
        const [aggregations, by] = rest.split(/\s+by\s+/);
        for (const a of commaList(aggregations)) {
          const m = a.match(/^([A-Za-z_]+)\((.*)\)(\s+as\s+([A-Za-z_]\w*))?$/);
          if (!m || !AGGREGATIONS.includes(m[1])) { problems.push(`"${a}" is not an aggregation`); continue; }
          if (m[2] !== '*' && !FIELD.test(m[2])) problems.push(`"${m[2]}" is not a field of ${m[1]}`);
        }
        if (by !== undefined) {
          for (const f of commaList(by)) if (!FIELD.test(f) && !/^bin\(\d+[smhdw]\)$/.test(f)) problems.push(`"${f}" is not a grouping field`);
        }
        break;
      }
      case 'filter': {
        // operands: fields, strings, numbers, regular expressions, function calls; documented operators
        const tokens = rest.match(/"(?:\\.|[^"])*"|'(?:\\.|[^'])*'|\/(?:\\.|[^/])*\/|!=|<=|>=|[=<>()!,]|[^\s=<>()!,]+/g) ?? [];
        for (const t of tokens) {
          if (/^["'/]/.test(t) || /^[=<>()!,]+$/.test(t) || /^\d+(\.\d+)?$/.test(t)) continue;
          if (['and', 'or', 'not', 'like', 'in', 'ispresent', 'isempty', 'isblank', 'strcontains'].includes(t)) continue;
          if (!FIELD.test(t)) problems.push(`"${t}" is not a field or operator in "${stage}"`);
        }
        break;
      }
    }
  }
  return problems;
}
