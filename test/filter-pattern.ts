/**
 * A test-only evaluator of the CloudWatch Logs JSON filter-pattern syntax: does a filter pattern
 * such as `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }` match a JSON
 * log event? No npm package does this, and no test may call AWS (TestMetricFilter), so the tests
 * of this library check their patterns with this evaluator instead.
 *
 * It is a tokenizer, a recursive-descent parser to an AST and an evaluator. Everything is parsed
 * before anything is evaluated, so a syntax error is thrown whatever the event.
 *
 * SOURCES (cited below by letter)
 *
 * [A] AWS, Amazon CloudWatch Logs User Guide, "Using filter patterns to match terms in JSON log
 *     events" (part of "Filter pattern syntax for metric filters, subscription filters, filter log
 *     events, and Live Tail"):
 *     https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
 *     https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 * [B] The same guide's previous "Filter and pattern syntax" page, sections "Using metric filters
 *     to match terms and extract values from JSON log events" and "Using compound expressions to
 *     match terms in JSON objects", in the awsdocs repository archived in 2023:
 *     https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/master/doc_source/FilterAndPatternSyntax.md
 * [C] An older revision of that file (commit 5ae5c9aeccbdc909d7549b9260291ce7ed2a92f3), sections
 *     "Matching JSON Terms Using Metric Filters", "JSON Special Considerations", "Numeric
 *     Comparisons" and "Publishing Numerical Values Found in Log Entries".
 * [D] Observations of the real service (not AWS documentation): DataBiosphere/azul issue #5884,
 *     "Metric alarm api_unauthorized is not firing for some hits", tested in the CloudWatch console:
 *     https://github.com/DataBiosphere/azul/issues/5884 ; and Classmethod DevelopersIO (in
 *     Japanese), on JSON metric filter patterns always being FALSE when the JSON element is absent:
 *     https://devio-20240701.developers.io/articles/cloudwatch-logs-json-notexists-false-001
 *
 * SUPPORTED SYNTAX
 *
 *   pattern    := "{" or-expr "}"          nothing before "{" or after "}", not even whitespace
 *   or-expr    := and-expr ( "||" and-expr )*
 *   and-expr   := primary ( "&&" primary )*
 *   primary    := "(" or-expr ")" | condition
 *   condition  := selector ( "=" | "!=" ) value
 *               | selector ( "<" | "<=" | ">" | ">=" ) number
 *               | selector "IS" ( "NULL" | "TRUE" | "FALSE" )
 *               | selector "NOT" "EXISTS"
 *   selector   := "$" ( "." name | "[" digits "]" )+  the first step is a name; name = [A-Za-z0-9_-]+
 *   value      := "..." (any characters but " and \) | an unquoted run of [A-Za-z0-9_.*+-]
 *   number     := an unquoted [+-]digits[.digits][(e|E)[+-]digits]
 *
 *   Keywords are upper case. Whitespace (space, tab, CR, LF) is allowed, and ignored, between any
 *   two tokens inside the braces and is not required around operators: `{$.a="x"&&$.b!=1}` and
 *   `{ $.a = "x" && $.b != 1 }` are the same pattern. AWS's own examples use both spacings, e.g.
 *   `{ $.errorCode = 400}` and `{$.foo = bar}` [C], and the CIS root pattern has none around `=`.
 *
 * Anything else throws a FilterPatternSyntaxError, never a silent `false`. That includes, on
 * purpose: patterns that are not JSON patterns (terms, space-delimited `[...]`, ""), whitespace
 * outside the braces, regular expressions (`%...%`), wildcard selectors (`$.*`, `[*]`), bracket
 * property names (`$.['cluster.name']`), backslashes in quoted strings, lower-case keywords,
 * `IS NOT` and `EXISTS` on its own (both documented as unsupported, see below), and a `*` that is
 * neither the first nor the last character of a value (see below).
 *
 * SEMANTICS, AND WHERE EACH RULE COMES FROM
 *
 * 1. Precedence: () > && > ||, both left-associative: "Compound expressions support parentheses
 *    and follow standard order of operations: () > && > ||" [A][B]. So `a || b && c` is
 *    `a || (b && c)`; [A]'s example `{ $.user.email = "John.Stiles@example.com" ||
 *    $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }` matches its sample event.
 * 2. Selectors: "$." then property names of alphanumerics, "-" and "_"; array elements as
 *    [NUMBER], zero-based, after a property [A][B][C]. A name step on a non-object, an index step
 *    on a non-array or an index out of range finds nothing ("If arrayKey is not an array this will
 *    be false" [C]). Own properties only: `$.constructor` does not exist on `{}`.
 * 3. `=` / `!=` compare a value node, a string or a number, with the value: "Property selectors
 *    point to value nodes in JSON log events. Value nodes can be strings or numbers. [...] If a
 *    property selector points to an array or object, the metric filter won't match" [B], and
 *    "both {$.users = 1} and {$.users != 1} will fail to match a log event where users is an
 *    array" [C]. Hence both `=` and `!=` are false on an object or an array.
 * 4. A MISSING field: `=` and `!=` are both false. `!=` is NOT "true because it is not equal".
 *    AWS's documentation does not state this case in so many words; it follows from rule 3 (no
 *    value node, no match for either operator), and it is how the service behaves: a pattern
 *    `{($.errorCode = "AccessDenied") && ($.userIdentity.invokedBy != "cloudfront.amazonaws.com")}`
 *    did not match a test record without invokedBy in the CloudWatch console [D, azul #5884], and
 *    `{ $.user.phone != "08000000000" }` is always false when phone is absent, the workaround being
 *    `|| $.user.phone NOT EXISTS` [D, DevelopersIO]. Consequence for the CIS root pattern: a record
 *    without eventType does not match `$.eventType != "AwsServiceEvent"`.
 * 5. null, true and false are not value nodes ("Value nodes can be strings or numbers" [B]), so
 *    `=` and `!=` are both false on them, as on objects (our reading; not stated by AWS). Test
 *    them with `IS NULL`, `IS TRUE`, `IS FALSE`: "The IS variable can match fields that contain
 *    the values NULL, TRUE, or FALSE" [B]; IS NULL "will only be true [if] the specified object is
 *    set to null" [C]. All three are false on a missing field.
 * 6. `NOT EXISTS` is true only when the selector finds nothing: "This will only be true if
 *    specified object does not exist in log data" [C]; "return JSON logs that don't contain
 *    specific fields" [B]. A field present with the value null, or "" (empty string), EXISTS, so
 *    NOT EXISTS is false on it (AWS's sample event has "SomeObject": null and illustrates NOT
 *    EXISTS with a different, absent field, SomeOtherObject [A][B][C]).
 * 7. `EXISTS` alone and `IS NOT` are rejected: "The variables IS NOT and EXISTS currently aren't
 *    supported" [A][B]. (Existence of a string or number can be written `$.x = *`, see 9.)
 * 8. Strings are case sensitive ("Filter patterns are case sensitive" [A]) and compared exactly;
 *    quoted and unquoted values mean the same ("A string with or without quotes" [C]); values
 *    with characters other than alphanumerics and "_" should be quoted [B], but AWS's own
 *    examples leave `123.123.*` and `10e-3` unquoted, so `.`, `*`, `+` and `-` are accepted bare.
 * 9. Wildcards: "You can use the asterisk '*' wildcard character to match any text at, before, or
 *    after a search term. For example, *Event will match PutEvent and GetEvent. Event* will match
 *    EventId and EventName" [C]; `*` alone matches any string or number (`{ $.latency = * }`
 *    selects numeric latencies [C]). A leading and/or trailing `*`, quoted or not, is a wildcard
 *    here. A `*` in the MIDDLE is rejected: [C] says "Ev*ent will only match the actual string
 *    Ev*ent" (a literal), while the current page [A] only says "Use the asterisk as a wild card to
 *    match text" without that sentence, so the two revisions may disagree and we do not guess.
 *    A wildcard is matched against a number's text: `{ $.status = 4* }` matches 404.
 * 10. Numbers: `<`, `<=`, `>`, `>=` need a number ("an integer with an optional + or - sign, a
 *    decimal with an optional + or - sign, or a number in scientific notation" [C]) and compare it
 *    with a JSON number; they are false on anything else, including a numeric string (our
 *    reading: numeric filters are about numeric value nodes). `=` / `!=` with an unquoted number
 *    compare numerically with a JSON number (`{ $.errorCode = 400 }` [C]; 1e3 = 1000), and
 *    textually with a JSON string ([C]'s prose example: "the recipientAccountId is 123456789012",
 *    a string in CloudTrail). A quoted value against a JSON number compares with the number's
 *    JavaScript text (String(400) = "400"; not documented by AWS).
 *
 * The event is a parsed JSON value (or a JSON string, which is parsed). The matching is what
 * CloudWatch Logs documents, not what it is proven to do: it is a test oracle, not the service.
 */

/** Thrown for any pattern this evaluator cannot or will not evaluate. */
export class FilterPatternSyntaxError extends Error {
  constructor(message: string, public readonly pattern: string, public readonly position?: number) {
    super(`${message} in filter pattern ${JSON.stringify(pattern)}${position === undefined ? '' : ` at offset ${position}`}`);
    this.name = 'FilterPatternSyntaxError';
  }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type TokenKind = '{' | '}' | '(' | ')' | '&&' | '||' | 'op' | 'selector' | 'string' | 'word' | 'end';

interface Token {
  readonly kind: TokenKind;
  /** The operator, the selector text, the unquoted string content or the bare word. */
  readonly text: string;
  readonly pos: number;
}

const WHITESPACE = /[ \t\r\n]/;
const NAME_CHAR = /[A-Za-z0-9_-]/;
const WORD_CHAR = /[A-Za-z0-9_.*+-]/;

function tokenize(pattern: string): Token[] {
  const fail = (message: string, pos: number): never => {
    throw new FilterPatternSyntaxError(message, pattern, pos);
  };
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    const start = i;
    if (WHITESPACE.test(c)) {
      i++;
    } else if (c === '{' || c === '}' || c === '(' || c === ')') {
      tokens.push({ kind: c, text: c, pos: start });
      i++;
    } else if (c === '&' || c === '|') {
      if (pattern[i + 1] !== c) fail(`a single "${c}" is not an operator (use "${c}${c}")`, start);
      tokens.push({ kind: c === '&' ? '&&' : '||', text: c + c, pos: start });
      i += 2;
    } else if (c === '=') {
      tokens.push({ kind: 'op', text: '=', pos: start });
      i++;
    } else if (c === '!') {
      if (pattern[i + 1] !== '=') fail('"!" must be followed by "=" (there is no negation operator)', start);
      tokens.push({ kind: 'op', text: '!=', pos: start });
      i += 2;
    } else if (c === '<' || c === '>') {
      const op = pattern[i + 1] === '=' ? `${c}=` : c;
      tokens.push({ kind: 'op', text: op, pos: start });
      i += op.length;
    } else if (c === '"') {
      i++;
      let text = '';
      while (i < pattern.length && pattern[i] !== '"') {
        if (pattern[i] === '\\') fail('backslash escapes in quoted strings are not supported', i);
        text += pattern[i];
        i++;
      }
      if (i >= pattern.length) fail('unterminated quoted string', start);
      i++; // the closing quote
      tokens.push({ kind: 'string', text, pos: start });
    } else if (c === '$') {
      i = readSelector(pattern, i, fail);
      tokens.push({ kind: 'selector', text: pattern.slice(start, i), pos: start });
    } else if (c === '%') {
      fail('regular expressions (%...%) are not supported', start);
    } else if (WORD_CHAR.test(c)) {
      while (i < pattern.length && WORD_CHAR.test(pattern[i])) i++;
      tokens.push({ kind: 'word', text: pattern.slice(start, i), pos: start });
    } else {
      fail(`unexpected character ${JSON.stringify(c)} (unquoted values may contain only letters, digits and _ . * + -; quote others)`, start);
    }
  }
  tokens.push({ kind: 'end', text: '', pos: pattern.length });
  return tokens;
}

/** Reads `$.name.name[0].name` from `start` (at the `$`) and returns the offset after it. */
function readSelector(pattern: string, start: number, fail: (message: string, pos: number) => never): number {
  let i = start + 1;
  let steps = 0;
  while (pattern[i] === '.' || pattern[i] === '[') {
    if (pattern[i] === '.') {
      i++;
      if (pattern[i] === '*') fail('wildcard selectors ($.*) are not supported', i);
      if (pattern[i] === '[') fail('bracket property names ($.[\'name\']) are not supported', i);
      const nameStart = i;
      while (i < pattern.length && NAME_CHAR.test(pattern[i])) i++;
      if (i === nameStart) fail('a property name must follow "."', i);
    } else {
      if (steps === 0) fail('an array index must follow a property ($.name[0], not $[0])', i);
      i++;
      const digitsStart = i;
      while (i < pattern.length && /[0-9]/.test(pattern[i])) i++;
      if (i === digitsStart) fail('array indexes must be non-negative integers (wildcard [*] is not supported)', digitsStart);
      if (pattern[i] !== ']') fail('expected "]" after the array index', i);
      i++;
    }
    steps++;
  }
  if (steps === 0) fail('a selector must start with "$." and name a property', start);
  return i;
}

// ---------------------------------------------------------------------------------------------
// AST and parser

type Step = { readonly name: string } | { readonly index: number };

/** A value after `=` / `!=` / a numeric operator. */
interface Value {
  /** The text between the quotes, or the bare word. */
  readonly text: string;
  readonly quoted: boolean;
  /** Set for an unquoted number without wildcard. */
  readonly number?: number;
  /** Set when the value starts and/or ends with `*`. */
  readonly wildcard?: { readonly leading: boolean; readonly trailing: boolean; readonly core: string };
}

export type FilterNode =
  | { readonly kind: 'or' | 'and'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'compare'; readonly selector: string; readonly steps: Step[]; readonly op: string; readonly value: Value }
  | { readonly kind: 'isNull' | 'isTrue' | 'isFalse' | 'notExists'; readonly selector: string; readonly steps: Step[] };

const NUMBER = /^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const RELATIONAL_OPS = ['<', '<=', '>', '>='];

/** Parses a JSON filter pattern to its AST, or throws a FilterPatternSyntaxError. */
export function parseFilterPattern(pattern: string): FilterNode {
  if (typeof pattern !== 'string') {
    throw new TypeError(`filter pattern must be a string, got ${typeof pattern}`);
  }
  const fail = (message: string, pos?: number): never => {
    throw new FilterPatternSyntaxError(message, pattern, pos);
  };
  if (!pattern.startsWith('{') || !pattern.endsWith('}')) {
    fail(/^\s*\{[\s\S]*\}\s*$/.test(pattern)
      ? 'whitespace outside the braces is not supported'
      : 'only JSON filter patterns, enclosed in { }, are supported');
  }
  const tokens = tokenize(pattern);
  let at = 0;
  const peek = (): Token => tokens[at];
  const next = (): Token => tokens[at++];
  const describe = (t: Token): string => {
    if (t.kind === 'end') return 'the end of the pattern';
    return t.kind === 'string' ? `"${t.text}"` : `'${t.text}'`;
  };
  const expect = (kind: TokenKind, what: string): Token => {
    const t = next();
    if (t.kind !== kind) fail(`expected ${what}, found ${describe(t)}`, t.pos);
    return t;
  };

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (peek().kind === '||') {
      next();
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };

  const parseAnd = (): FilterNode => {
    let left = parsePrimary();
    while (peek().kind === '&&') {
      next();
      left = { kind: 'and', left, right: parsePrimary() };
    }
    return left;
  };

  const parsePrimary = (): FilterNode => {
    if (peek().kind === '(') {
      next();
      const inner = parseOr();
      expect(')', '")"');
      return inner;
    }
    return parseCondition();
  };

  const parseCondition = (): FilterNode => {
    const sel = expect('selector', 'a selector ($.name) or "("');
    const selector = sel.text;
    const steps = parseSteps(selector);
    const t = next();
    if (t.kind === 'op') {
      return { kind: 'compare', selector, steps, op: t.text, value: parseValue(t.text) };
    }
    if (t.kind === 'word' && t.text === 'IS') {
      const what = next();
      if (what.kind === 'word' && what.text === 'NULL') return { kind: 'isNull', selector, steps };
      if (what.kind === 'word' && what.text === 'TRUE') return { kind: 'isTrue', selector, steps };
      if (what.kind === 'word' && what.text === 'FALSE') return { kind: 'isFalse', selector, steps };
      if (what.kind === 'word' && what.text === 'NOT') {
        fail('"IS NOT" is not supported by CloudWatch Logs ("The variables IS NOT and EXISTS currently aren\'t supported")', what.pos);
      }
      fail(`expected NULL, TRUE or FALSE after IS, found ${describe(what)}`, what.pos);
    }
    if (t.kind === 'word' && t.text === 'NOT') {
      const what = next();
      if (what.kind === 'word' && what.text === 'EXISTS') return { kind: 'notExists', selector, steps };
      fail(`expected EXISTS after NOT, found ${describe(what)}`, what.pos);
    }
    if (t.kind === 'word' && t.text === 'EXISTS') {
      fail('"EXISTS" is not supported by CloudWatch Logs ("The variables IS NOT and EXISTS currently aren\'t supported"); use NOT EXISTS, or = * for a string or number', t.pos);
    }
    return fail(`expected an operator (= != < <= > >=), IS NULL/TRUE/FALSE or NOT EXISTS after ${selector}, found ${describe(t)}`, t.pos);
  };

  const parseValue = (op: string): Value => {
    const t = next();
    if (t.kind === 'selector') fail('comparing a selector with another selector is not supported', t.pos);
    if (t.kind !== 'string' && t.kind !== 'word') fail(`expected a value after "${op}", found ${describe(t)}`, t.pos);
    const quoted = t.kind === 'string';
    const text = t.text;
    if (RELATIONAL_OPS.includes(op)) {
      if (quoted || !NUMBER.test(text)) fail(`"${op}" needs an unquoted number, found ${describe(t)}`, t.pos);
      return { text, quoted, number: Number(text) };
    }
    const stars = [...text].map((ch, i) => (ch === '*' ? i : -1)).filter((i) => i >= 0);
    if (stars.length > 0) {
      const leading = text.startsWith('*');
      const trailing = text.length > 1 && text.endsWith('*');
      const core = text.slice(leading ? 1 : 0, trailing ? -1 : undefined);
      if (core.includes('*')) {
        fail(`a "*" inside ${describe(t)} is not supported: only a leading and/or trailing "*" is a documented wildcard ` +
          '(older AWS documentation says "Ev*ent will only match the actual string Ev*ent")', t.pos);
      }
      return { text, quoted, wildcard: { leading, trailing, core } };
    }
    if (!quoted && NUMBER.test(text)) return { text, quoted, number: Number(text) };
    return { text, quoted };
  };

  const parseSteps = (selector: string): Step[] => {
    const steps: Step[] = [];
    const re = /\.([A-Za-z0-9_-]+)|\[([0-9]+)\]/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(selector)) !== null) {
      steps.push(m[1] !== undefined ? { name: m[1] } : { index: Number(m[2]) });
    }
    return steps;
  };

  expect('{', '"{"');
  if (peek().kind === '}') fail('empty JSON filter pattern', peek().pos);
  const ast = parseOr();
  expect('}', '"&&", "||" or "}"');
  expect('end', 'the end of the pattern after "}"');
  return ast;
}

// ---------------------------------------------------------------------------------------------
// Evaluator

/** What a selector finds: nothing, or a JSON value (possibly null). */
type Lookup = { readonly found: false } | { readonly found: true; readonly value: unknown };

function lookup(event: unknown, steps: Step[]): Lookup {
  let current: unknown = event;
  for (const step of steps) {
    if ('name' in step) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)
        || !Object.prototype.hasOwnProperty.call(current, step.name)) {
        return { found: false };
      }
      current = (current as Record<string, unknown>)[step.name];
    } else {
      if (!Array.isArray(current) || step.index >= current.length) return { found: false };
      current = current[step.index];
    }
  }
  return { found: true, value: current };
}

function wildcardMatch(value: Value, text: string): boolean {
  const w = value.wildcard;
  if (!w) return text === value.text;
  if (text.length < w.core.length) return false;
  if (w.leading && w.trailing) return text.includes(w.core);
  if (w.leading) return text.endsWith(w.core);
  return text.startsWith(w.core);
}

/** `=` on a value node (string or number); undefined when the field is not a value node. */
function equals(value: Value, field: unknown): boolean | undefined {
  if (typeof field === 'string') return wildcardMatch(value, field);
  if (typeof field === 'number') {
    return value.number !== undefined ? field === value.number : wildcardMatch(value, String(field));
  }
  return undefined; // missing, null, boolean, object, array: not a value node
}

function evaluate(node: FilterNode, event: unknown): boolean {
  switch (node.kind) {
    case 'or':
      return evaluate(node.left, event) || evaluate(node.right, event);
    case 'and':
      return evaluate(node.left, event) && evaluate(node.right, event);
    case 'notExists':
      return !lookup(event, node.steps).found;
    case 'isNull':
    case 'isTrue':
    case 'isFalse': {
      const found = lookup(event, node.steps);
      const expected = node.kind === 'isNull' ? null : node.kind === 'isTrue';
      return found.found && found.value === expected;
    }
    case 'compare': {
      const found = lookup(event, node.steps);
      if (!found.found) return false; // rule 4: a missing field matches neither = nor !=
      const field = found.value;
      switch (node.op) {
        case '=':
        case '!=': {
          const eq = equals(node.value, field);
          if (eq === undefined) return false; // rules 3 and 5
          return node.op === '=' ? eq : !eq;
        }
        default: {
          if (typeof field !== 'number') return false; // rule 10
          const n = node.value.number as number;
          switch (node.op) {
            case '<': return field < n;
            case '<=': return field <= n;
            case '>': return field > n;
            case '>=': return field >= n;
            default: throw new Error(`unreachable operator ${node.op}`);
          }
        }
      }
    }
  }
}

/**
 * Whether a CloudWatch Logs JSON filter pattern matches a log event, per the documented semantics
 * in this file's header. The event is a parsed JSON value, or a JSON string (parsed here; a string
 * that is not JSON throws, to catch broken fixtures). Throws FilterPatternSyntaxError for any
 * pattern outside the supported syntax.
 */
export function matchesFilterPattern(pattern: string, event: unknown): boolean {
  const ast = parseFilterPattern(pattern);
  const parsed = typeof event === 'string' ? JSON.parse(event) as unknown : event;
  return evaluate(ast, parsed);
}
