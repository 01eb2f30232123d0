import { FilterPatternSyntaxError, matchesFilterPattern, parseFilterPattern } from './filter-pattern';

// The sample events of AWS's "Using filter patterns to match terms in JSON log events" page, with
// a few fields added for the cases the page does not cover.
const SAMPLE = {
  eventType: 'UpdateTrail',
  sourceIPAddress: '111.111.111.111',
  arrayKey: ['value', 'another value'],
  objectList: [{ name: 'a', id: 1 }, { name: 'b', id: 2 }],
  SomeObject: null,
  ThisFlag: true,
  OtherFlag: false,
  empty: '',
  latency: 250,
  ratio: 0.5,
  negative: -3,
  status: 404,
  numericString: '400',
  accountId: '123456789012',
  nested: { deeper: { leaf: 'x', nothing: null } },
};

const COMPOUND = {
  user: { id: 1, email: 'John.Stiles@example.com' },
  users: [{ id: 2, email: 'John.Doe@example.com' }, { id: 3, email: 'Jane.Doe@example.com' }],
  actions: ['GET', 'PUT', 'DELETE'],
  coordinates: [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
};

const match = (pattern: string, event: unknown = SAMPLE) => matchesFilterPattern(pattern, event);

describe('= and != on strings', () => {
  test.each([
    ['{ $.eventType = "UpdateTrail" }', true],
    ['{ $.eventType = UpdateTrail }', true],
    ['{ $.eventType = "updatetrail" }', false],
    ['{ $.eventType = "Update" }', false],
    ['{ $.eventType = "UpdateTrailX" }', false],
    ['{ $.eventType != "UpdateTrail" }', false],
    ['{ $.eventType != "CreateTrail" }', true],
    ['{ $.empty = "" }', true],
    ['{ $.empty != "" }', false],
    ['{ $.empty != "x" }', true],
    ['{ $.nested.deeper.leaf = "x" }', true],
    ['{ $.nested.deeper.leaf = "y" }', false],
  ])('%s -> %s', (pattern, expected) => {
    expect(match(pattern)).toBe(expected);
  });
});

describe('wildcards (leading and trailing *)', () => {
  test.each([
    ['{ $.sourceIPAddress != 123.123.* }', true], // AWS's own example
    ['{ $.sourceIPAddress = 111.111.* }', true],
    ['{ $.sourceIPAddress = 112.* }', false],
    ['{ $.eventType = "Update*" }', true],
    ['{ $.eventType = "*Trail" }', true],
    ['{ $.eventType = "*Trail*" }', true],
    ['{ $.eventType = "*dateTr*" }', true],
    ['{ $.eventType = "*Update" }', false],
    ['{ $.eventType = "Trail*" }', false],
    ['{ $.eventType = "*xyz*" }', false],
    ['{ $.eventType = "UpdateTrail*" }', true], // * matches empty text
    ['{ $.eventType = * }', true],
    ['{ $.eventType = "*" }', true],
    ['{ $.empty = * }', true],
    ['{ $.eventType != * }', false],
    ['{ $.latency = * }', true], // * also selects numbers (AWS's metric value example)
    ['{ $.status = 4* }', true],
    ['{ $.status = 5* }', false],
    ['{ $.missing = * }', false],
    ['{ $.SomeObject = * }', false],
    ['{ $.objectList = * }', false],
  ])('%s -> %s', (pattern, expected) => {
    expect(match(pattern)).toBe(expected);
  });

  test('a * in the middle is rejected rather than guessed', () => {
    expect(() => match('{ $.eventType = "Upd*Trail" }')).toThrow(/inside "Upd\*Trail" is not supported/);
    expect(() => match('{ $.eventType = Upd*Trail }')).toThrow(FilterPatternSyntaxError);
    expect(() => match('{ $.eventType = "*a*b*" }')).toThrow(FilterPatternSyntaxError);
  });
});

describe('numbers', () => {
  test.each([
    ['{ $.latency = 250 }', true],
    ['{ $.latency = 250.0 }', true],
    ['{ $.latency = 2.5e2 }', true],
    ['{ $.latency = +250 }', true],
    ['{ $.latency = 251 }', false],
    ['{ $.latency != 250 }', false],
    ['{ $.latency != 500 }', true],
    ['{ $.latency > 249 }', true],
    ['{ $.latency > 250 }', false],
    ['{ $.latency >= 250 }', true],
    ['{ $.latency >= 251 }', false],
    ['{ $.latency < 251 }', true],
    ['{ $.latency < 250 }', false],
    ['{ $.latency <= 250 }', true],
    ['{ $.latency <= 249 }', false],
    ['{ $.ratio < 1e0 }', true],
    ['{ $.ratio > 5e-1 }', false],
    ['{ $.negative < -2 }', true],
    ['{ $.negative > -2 }', false],
    ['{ $.objectList[1].id = 2 }', true], // AWS's own example
    ['{ $.objectList[0].id = 2 }', false],
    ['{ $.latency = "250" }', true], // quoted value against a number: the number's text
    ['{ $.numericString = 400 }', true], // unquoted number against a string: textual
    ['{ $.numericString = 400.0 }', false],
    ['{ $.accountId = 123456789012 }', true],
    ['{ $.numericString > 1 }', false], // numeric operators need a JSON number
    ['{ $.eventType < 5 }', false],
    ['{ $.missing < 5 }', false],
    ['{ $.missing >= 5 }', false],
    ['{ $.SomeObject > 0 }', false],
  ])('%s -> %s', (pattern, expected) => {
    expect(match(pattern)).toBe(expected);
  });

  test.each([
    ['{ $.latency > "5" }'],
    ['{ $.latency > abc }'],
    ['{ $.latency > 5* }'],
    ['{ $.latency >= }'],
  ])('%s throws: numeric operators need an unquoted number', (pattern) => {
    expect(() => match(pattern)).toThrow(/needs an unquoted number|expected a value/);
  });
});

describe('missing fields', () => {
  test('= is false on a missing field', () => {
    expect(match('{ $.missing = "x" }')).toBe(false);
    expect(match('{ $.missing = 1 }')).toBe(false);
  });

  test('!= is also false on a missing field (it is not "true because not equal")', () => {
    expect(match('{ $.missing != "x" }')).toBe(false);
    expect(match('{ $.missing != 1 }')).toBe(false);
    expect(match('{ $.nested.absent.leaf != "x" }')).toBe(false);
  });

  test('the documented workaround for != on optional fields: || NOT EXISTS', () => {
    expect(match('{ $.missing != "x" || $.missing NOT EXISTS }')).toBe(true);
    expect(match('{ $.eventType != "UpdateTrail" || $.eventType NOT EXISTS }')).toBe(false);
  });

  test('selectors through non-objects, non-arrays and past the end find nothing', () => {
    expect(match('{ $.eventType.length NOT EXISTS }')).toBe(true);
    expect(match('{ $.eventType[0] NOT EXISTS }')).toBe(true);
    expect(match('{ $.arrayKey[2] NOT EXISTS }')).toBe(true);
    expect(match('{ $.arrayKey[1] NOT EXISTS }')).toBe(false);
    expect(match('{ $.arrayKey.length NOT EXISTS }')).toBe(true);
    expect(match('{ $.SomeObject.child NOT EXISTS }')).toBe(true);
    expect(match('{ $.constructor NOT EXISTS }', {})).toBe(true); // own properties only
    expect(match('{ $.toString = * }', {})).toBe(false);
  });
});

describe('arrays and objects', () => {
  test.each([
    ['{ $.arrayKey[0] = "value" }', true], // AWS's own example
    ['{ $.arrayKey[1] = "another value" }', true],
    ['{ $.arrayKey[1] = "value" }', false],
    ['{ $.objectList[1].name = b }', true],
  ])('%s -> %s', (pattern, expected) => {
    expect(match(pattern)).toBe(expected);
  });

  test('= and != are both false on an array or an object (not a value node)', () => {
    const event = { users: [1, 2, 3], user: { id: 1 } };
    expect(match('{ $.users = 1 }', event)).toBe(false);
    expect(match('{ $.users != 1 }', event)).toBe(false);
    expect(match('{ $.user = 1 }', event)).toBe(false);
    expect(match('{ $.user != 1 }', event)).toBe(false);
  });

  test('nested array indexes', () => {
    expect(match('{ $.coordinates[1][2] = 6 }', COMPOUND)).toBe(true);
    expect(match('{ $.coordinates[2][0] = 6 }', COMPOUND)).toBe(false);
  });
});

describe('NOT EXISTS, IS NULL, IS TRUE, IS FALSE', () => {
  test('NOT EXISTS is true only for an absent field', () => {
    expect(match('{ $.SomeOtherObject NOT EXISTS }')).toBe(true);
    expect(match('{ $.eventType NOT EXISTS }')).toBe(false);
    expect(match('{ $.nested.deeper.absent NOT EXISTS }')).toBe(true);
    expect(match('{ $.nested.deeper NOT EXISTS }')).toBe(false);
  });

  test('a field present with the value null exists', () => {
    expect(match('{ $.SomeObject NOT EXISTS }')).toBe(false);
    expect(match('{ $.nested.deeper.nothing NOT EXISTS }')).toBe(false);
  });

  test('a field present with the empty string exists', () => {
    expect(match('{ $.empty NOT EXISTS }')).toBe(false);
  });

  test('IS NULL is true only for a field set to null', () => {
    expect(match('{ $.SomeObject IS NULL }')).toBe(true);
    expect(match('{ $.nested.deeper.nothing IS NULL }')).toBe(true);
    expect(match('{ $.missing IS NULL }')).toBe(false);
    expect(match('{ $.empty IS NULL }')).toBe(false);
    expect(match('{ $.OtherFlag IS NULL }')).toBe(false);
  });

  test('IS TRUE and IS FALSE need the JSON booleans', () => {
    expect(match('{ $.ThisFlag IS TRUE }')).toBe(true);
    expect(match('{ $.ThisFlag IS FALSE }')).toBe(false);
    expect(match('{ $.OtherFlag IS FALSE }')).toBe(true);
    expect(match('{ $.OtherFlag IS TRUE }')).toBe(false);
    expect(match('{ $.missing IS TRUE }')).toBe(false);
    expect(match('{ $.missing IS FALSE }')).toBe(false);
    expect(match('{ $.flag IS TRUE }', { flag: 'true' })).toBe(false);
    expect(match('{ $.flag IS FALSE }', { flag: 0 })).toBe(false);
  });

  test('= and != are both false on null and on booleans', () => {
    expect(match('{ $.SomeObject = "null" }')).toBe(false);
    expect(match('{ $.SomeObject != "x" }')).toBe(false);
    expect(match('{ $.ThisFlag = true }')).toBe(false);
    expect(match('{ $.ThisFlag != false }')).toBe(false);
  });

  test('EXISTS alone and IS NOT are rejected, as AWS documents them unsupported', () => {
    expect(() => match('{ $.eventType EXISTS }')).toThrow(/"EXISTS" is not supported/);
    expect(() => match('{ $.SomeObject IS NOT NULL }')).toThrow(/"IS NOT" is not supported/);
  });
});

describe('&&, || and parentheses', () => {
  const T = '$.eventType = UpdateTrail';
  const F = '$.eventType = Other';

  test.each([
    [`{ ${T} && ${T} }`, true],
    [`{ ${T} && ${F} }`, false],
    [`{ ${F} && ${T} }`, false],
    [`{ ${F} || ${T} }`, true],
    [`{ ${T} || ${F} }`, true],
    [`{ ${F} || ${F} }`, false],
    [`{ ${T} && ${T} && ${T} && ${T} }`, true],
    [`{ ${T} && ${T} && ${F} && ${T} }`, false],
    [`{ ${F} || ${F} || ${F} || ${T} }`, true],
  ])('%s -> %s', (pattern, expected) => {
    expect(match(pattern)).toBe(expected);
  });

  test('&& binds tighter than ||', () => {
    // T || (F && F) is true; (T || F) && F would be false.
    expect(match(`{ ${T} || ${F} && ${F} }`)).toBe(true);
    // (F && F) || T is true; F && (F || T) would be false.
    expect(match(`{ ${F} && ${F} || ${T} }`)).toBe(true);
    // (F && T) || T is true; F && (T || T) would be false.
    expect(match(`{ ${F} && ${T} || ${T} }`)).toBe(true);
  });

  test('parentheses override precedence', () => {
    expect(match(`{ (${T} || ${F}) && ${F} }`)).toBe(false);
    expect(match(`{ ${F} && (${F} || ${T}) }`)).toBe(false);
    expect(match(`{ ((${T})) }`)).toBe(true);
    expect(match(`{ (${F} || (${T} && (${T} || ${F}))) }`)).toBe(true);
  });

  // The four compound examples of AWS's documentation, with the results it states.
  test.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }', false],
  ])('AWS example %s -> %s', (pattern, expected) => {
    expect(match(pattern, COMPOUND)).toBe(expected);
  });
});

describe('whitespace', () => {
  const variants = [
    '{$.userIdentity.type="Root"&&$.eventType!="AwsServiceEvent"}',
    '{$.userIdentity.type="Root" && $.eventType !="AwsServiceEvent"}',
    '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }',
    '{\n  $.userIdentity.type = "Root"\n  && $.eventType != "AwsServiceEvent"\n}',
    '{\t$.userIdentity.type\t=\t"Root"\t&&\t$.eventType\t!=\t"AwsServiceEvent"\t}',
    '{   ( $.userIdentity.type   =   "Root" )   &&   ( $.eventType   !=   "AwsServiceEvent" )   }',
  ];
  const root = { userIdentity: { type: 'Root' }, eventType: 'AwsApiCall' };
  const service = { userIdentity: { type: 'Root' }, eventType: 'AwsServiceEvent' };

  test.each(variants)('%j is insignificant between tokens', (pattern) => {
    expect(match(pattern, root)).toBe(true);
    expect(match(pattern, service)).toBe(false);
  });

  test('whitespace inside a quoted string is part of the value', () => {
    expect(match('{ $.arrayKey[1] = "another value" }')).toBe(true);
    expect(match('{ $.eventType = " UpdateTrail" }')).toBe(false);
    expect(match('{ $.eventType = "UpdateTrail " }')).toBe(false);
  });

  test('whitespace inside NOT EXISTS and IS NULL may be any amount', () => {
    expect(match('{ $.missing  NOT \n EXISTS }')).toBe(true);
    expect(match('{ $.SomeObject IS\tNULL }')).toBe(true);
  });

  test.each([[' {$.eventType = UpdateTrail}'], ['{$.eventType = UpdateTrail} '], ['\n{$.eventType = UpdateTrail}\n']])(
    'whitespace outside the braces is rejected: %j', (pattern) => {
      expect(() => match(pattern)).toThrow(/whitespace outside the braces/);
    });
});

describe('events', () => {
  test('a JSON string event is parsed', () => {
    expect(match('{ $.a = 1 }', '{"a": 1}')).toBe(true);
    expect(match('{ $.a = 2 }', '{"a": 1}')).toBe(false);
  });

  test('a string event that is not JSON throws, to catch broken fixtures', () => {
    expect(() => match('{ $.a = 1 }', 'not json')).toThrow(SyntaxError);
  });

  test('a non-object event has no fields', () => {
    expect(match('{ $.a NOT EXISTS }', [1, 2])).toBe(true);
    expect(match('{ $.a NOT EXISTS }', null)).toBe(true);
    expect(match('{ $.a = * }', 42)).toBe(false);
  });
});

describe('syntax errors throw, never return false', () => {
  test.each([
    ['', /only JSON filter patterns/],
    ['ERROR', /only JSON filter patterns/],
    ['"ERROR"', /only JSON filter patterns/],
    ['[ip, user, status_code = 4*]', /only JSON filter patterns/],
    ['{}', /empty JSON filter pattern/],
    ['{ }', /empty JSON filter pattern/],
    ['{ $.a = 1', /only JSON filter patterns/],
    ['$.a = 1 }', /only JSON filter patterns/],
    ['{ $.a = 1 } }', /expected the end of the pattern/],
    ['{ $.a = 1 }{ $.b = 2 }', /expected the end of the pattern after "}"/],
    ['{ $.a }', /expected an operator/],
    ['{ $.a = }', /expected a value/],
    ['{ $.a == 1 }', /expected a value/],
    ['{ $.a = 1 2 }', /expected "&&", "\|\|" or "}"/],
    ['{ = 1 }', /expected a selector/],
    ['{ a = 1 }', /expected a selector/],
    ['{ $ = 1 }', /must start with "\$\." and name a property/],
    ['{ $. = 1 }', /a property name must follow/],
    ['{ $[0] = 1 }', /an array index must follow a property/],
    ['{ $.a[] = 1 }', /non-negative integers/],
    ['{ $.a[-1] = 1 }', /non-negative integers/],
    ['{ $.a[0 = 1 }', /expected "]"/],
    ['{ $.a[*] = 1 }', /wildcard \[\*\] is not supported/],
    ['{ $.* = 1 }', /wildcard selectors/],
    ['{ $.[\'cluster.name\'] = "c" }', /bracket property names/],
    ['{ $.a = $.b }', /selector with another selector/],
    ['{ $.a = "x }', /unterminated quoted string/],
    ['{ $.a = "x\\"y" }', /backslash escapes/],
    ['{ $.a = %Trail% }', /regular expressions/],
    ['{ $.a = x@y }', /unexpected character "@"/],
    ['{ $.a = 1 & $.b = 2 }', /a single "&" is not an operator/],
    ['{ $.a = 1 | $.b = 2 }', /a single "\|" is not an operator/],
    ['{ $.a = 1 AND $.b = 2 }', /expected "&&", "\|\|" or "}"/],
    ['{ !$.a = 1 }', /"!" must be followed by "="/],
    ['{ ($.a = 1 }', /expected "\)"/],
    ['{ $.a = 1) }', /expected "&&", "\|\|" or "}"/],
    ['{ () }', /expected a selector/],
    ['{ $.a = 1 && }', /expected a selector/],
    ['{ || $.a = 1 }', /expected a selector/],
    ['{ $.a not exists }', /expected an operator/],
    ['{ $.a is null }', /expected an operator/],
    ['{ $.a NOT EXIST }', /expected EXISTS after NOT/],
    ['{ $.a IS EMPTY }', /expected NULL, TRUE or FALSE after IS/],
  ])('%j', (pattern, message) => {
    expect(() => matchesFilterPattern(pattern, SAMPLE)).toThrow(FilterPatternSyntaxError);
    expect(() => matchesFilterPattern(pattern, SAMPLE)).toThrow(message);
  });

  test('errors name the pattern and the offset', () => {
    expect(() => parseFilterPattern('{ $.a = x@y }')).toThrow('unexpected character "@" (unquoted values may contain only letters, digits and _ . * + -; ' +
      'quote others) in filter pattern "{ $.a = x@y }" at offset 9');
  });

  test('a syntax error is thrown even where evaluation could stop early', () => {
    // The left side alone would decide the result; the right side is still parsed.
    expect(() => match('{ $.eventType = UpdateTrail || $.a = "b*c" }')).toThrow(FilterPatternSyntaxError);
    expect(() => match('{ $.eventType = Other && $.a EXISTS }')).toThrow(FilterPatternSyntaxError);
  });

  test('a non-string pattern is a TypeError', () => {
    expect(() => matchesFilterPattern(undefined as unknown as string, SAMPLE)).toThrow(TypeError);
  });
});

describe('the parser', () => {
  test('builds a left-associative tree with && below ||', () => {
    expect(parseFilterPattern('{ $.a = 1 || $.b = 2 && $.c NOT EXISTS }')).toMatchObject({
      kind: 'or',
      left: { kind: 'compare', selector: '$.a', op: '=', value: { text: '1', number: 1 } },
      right: {
        kind: 'and',
        left: { kind: 'compare', selector: '$.b', op: '=' },
        right: { kind: 'notExists', selector: '$.c' },
      },
    });
    expect(parseFilterPattern('{ $.a = 1 && $.b = 2 && $.c = 3 }')).toMatchObject({
      kind: 'and',
      left: { kind: 'and', left: { selector: '$.a' }, right: { selector: '$.b' } },
      right: { selector: '$.c' },
    });
  });

  test('splits selectors into property and index steps', () => {
    expect(parseFilterPattern('{ $.a-b.c_d[3][0].e IS NULL }')).toEqual({
      kind: 'isNull',
      selector: '$.a-b.c_d[3][0].e',
      steps: [{ name: 'a-b' }, { name: 'c_d' }, { index: 3 }, { index: 0 }, { name: 'e' }],
    });
  });
});
