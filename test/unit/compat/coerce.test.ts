// The coercion every compat adapter shares: what a shell template or PHP sends ("12", "true",
// "null", a control character, a lone surrogate) and the value that is stored, or that nothing is.
// Each rule at its edges, so a regression in one adapter's input handling shows here at once.
import { z } from 'zod';
import { describe, expect, test } from 'vitest';
import {
  checkJsonShape,
  compact,
  distributionId,
  fieldName,
  IgnoredFields,
  isAbsentText,
  isRecord,
  mapSafely,
  shapedText,
  text,
  toAttribute,
  toBoolean,
  toInteger,
  toNumber,
  truncate,
  zodIssues,
} from '../../../functions/src/compat/coerce.ts';
import type { AdapterResult } from '../../../functions/src/model/incoming.ts';
import type { AttributeSpec } from '../../../shared/config.ts';
import { PRODUCT_SHAPES } from '../../../shared/schema/shapes.ts';

describe('isAbsentText and text: the "no value" markers', () => {
  test.each(['', 'null', 'undefined', 'unknown', 'n/a', '-', ' NULL ', 'Unknown', 'N/A'])(
    '%j means absent',
    (marker) => {
      expect(isAbsentText(marker)).toBe(true);
      expect(text(marker, 100)).toBeUndefined();
    },
  );

  test.each(['none', 'nul', '0', 'false', '--', 'unknowns'])('%j is a value', (value) => {
    expect(isAbsentText(value)).toBe(false);
    expect(text(value, 100)).toBe(value);
  });

  test('extra markers of a caller, compared trimmed and in lower case', () => {
    expect(text(' None ', 100, { absent: ['none'] })).toBeUndefined();
    expect(text('NONE', 100, { absent: ['none'] })).toBeUndefined();
    expect(text('None', 100)).toBe('None');
    expect(text('nothing', 100, { absent: ['none'] })).toBe('nothing');
  });
});

describe('text: kinds of value', () => {
  test.each<[unknown, string | undefined]>([
    ['debian', 'debian'],
    [12, '12'],
    [3.5, '3.5'],
    [0, '0'],
    [true, 'true'],
    [false, 'false'],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    [null, undefined],
    [undefined, undefined],
    [['a'], undefined],
    [{ a: 1 }, undefined],
  ])('%j → %j', (value, expected) => {
    expect(text(value, 100)).toBe(expected);
  });
});

describe('text: control characters and line breaks', () => {
  // Each edge of both classes: C0 without tab and line feed (multiline), all of C0 (single line),
  // DEL and C1; what lies just outside stays.
  test.each<[string, string, string]>([
    ['a\u0000b', 'a b', 'a b'],
    ['a\u0008b', 'a b', 'a b'],
    ['a\tb', 'a\tb', 'a b'],
    ['a\nb', 'a\nb', 'a b'],
    ['a\u000Bb', 'a b', 'a b'],
    ['a\u000Cb', 'a b', 'a b'],
    ['a\u001Fb', 'a b', 'a b'],
    ['a\u007Eb', 'a\u007Eb', 'a\u007Eb'],
    ['a\u007Fb', 'a b', 'a b'],
    ['a\u0085b', 'a b', 'a b'],
    ['a\u009Fb', 'a b', 'a b'],
    ['a\u00A0b', 'a\u00A0b', 'a\u00A0b'],
    ['a\rb', 'a\nb', 'a b'],
    ['a\r\nb', 'a\nb', 'a b'],
    ['a\r\nb\r\nc\rd', 'a\nb\nc\nd', 'a b c d'],
    ['a\u0000b\u0001c\u007Fd', 'a b c d', 'a b c d'],
    ['a\n\nb', 'a\n\nb', 'a  b'],
  ])('%j → multiline %j, single line %j', (raw, multiline, single) => {
    expect(text(raw, 100, { multiline: true })).toBe(multiline);
    expect(text(raw, 100)).toBe(single);
    expect(text(raw, 100, { multiline: false })).toBe(single);
  });

  test('a lone surrogate becomes U+FFFD: the stored string is well-formed', () => {
    expect(text('a\uD800b', 100)).toBe('a\uFFFDb');
    expect(text('a\uDC00', 100)).toBe('a\uFFFD');
  });

  test('trimmed before it is cut, and a marker between spaces is still a marker', () => {
    expect(text('   abcdef  ', 3)).toBe('abc');
    expect(text('\u0000 null \u0001', 100)).toBeUndefined();
    expect(text(' x ', 100)).toBe('x');
  });

  test('nothing is left when the cut leaves only half of a surrogate pair', () => {
    expect(text('😀', 1)).toBeUndefined();
    expect(text('😀x', 2)).toBe('😀');
  });
});

describe('truncate', () => {
  test.each<[string, number, string]>([
    ['abc', 3, 'abc'],
    ['ab ', 3, 'ab '],
    ['abcd', 3, 'abc'],
    ['ab cd', 3, 'ab'],
    [' abcd', 3, ' ab'],
    // A high surrogate at the cut goes; a low one (or any other unit) is kept.
    ['ab\uD800c', 3, 'ab'],
    ['ab\uDBFFc', 3, 'ab'],
    ['ab\uD7FFc', 3, 'ab\uD7FF'],
    ['ab\uDC00c', 3, 'ab\uDC00'],
    ['a😀b', 2, 'a'],
    ['a😀b', 3, 'a😀'],
  ])('%j cut to %i → %j', (value, max, expected) => {
    expect(truncate(value, max)).toBe(expected);
  });
});

describe('shapedText', () => {
  test('a value with the shape is kept, one without it is reported, nothing is neither', () => {
    expect(shapedText('1.44.3', PRODUCT_SHAPES.version)).toEqual({
      value: '1.44.3',
      rejected: false,
    });
    expect(shapedText('1.44 beta', PRODUCT_SHAPES.version)).toEqual({ rejected: true });
    expect(shapedText('x'.repeat(65), PRODUCT_SHAPES.version)).toEqual({ rejected: true });
    expect(shapedText('', PRODUCT_SHAPES.version)).toEqual({ rejected: false });
    expect(shapedText(null, PRODUCT_SHAPES.version)).toEqual({ rejected: false });
  });

  test("a caller's extra markers mean nothing, not a value", () => {
    expect(shapedText('None', PRODUCT_SHAPES.installMethod, { absent: ['none'] })).toEqual({
      rejected: false,
    });
    expect(shapedText('None', PRODUCT_SHAPES.installMethod)).toEqual({
      value: 'None',
      rejected: false,
    });
  });

  test('never cut: a value longer than its field is refused, not shortened', () => {
    const long = `1.${'2'.repeat(2000)}`;
    expect(shapedText(long, PRODUCT_SHAPES.version)).toEqual({ rejected: true });
  });
});

describe('toNumber', () => {
  test.each<[unknown, number | undefined]>([
    [12, 12],
    [-3.5, -3.5],
    ['12', 12],
    [' 3.5 ', 3.5],
    ['12.25', 12.25],
    ['.25', 0.25],
    ['1e10', 1e10],
    ['+4', 4],
    ['-4', -4],
    ['.5', 0.5],
    ['5.', 5],
    ['007', 7],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1e+3', 1000],
    ['2e-1', 0.2],
    ['-.5e1', -5],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    ['1e999', undefined],
    ['', undefined],
    ['  ', undefined],
    ['.', undefined],
    ['e3', undefined],
    ['1e', undefined],
    ['1e+', undefined],
    ['++1', undefined],
    ['+-1', undefined],
    ['1.2.3', undefined],
    ['1..2', undefined],
    ['12abc', undefined],
    ['abc12', undefined],
    ['1 2', undefined],
    ['0x10', undefined],
    ['0b11', undefined],
    ['0o7', undefined],
    ['1_000', undefined],
    ['Infinity', undefined],
    ['NaN', undefined],
    [true, undefined],
    [null, undefined],
    [[1], undefined],
  ])('%j → %j', (value, expected) => {
    expect(toNumber(value)).toBe(expected);
  });
});

describe('toInteger', () => {
  test.each<[unknown, number | undefined]>([
    [4, undefined],
    [5, 5],
    ['5', 5],
    [10, 10],
    [11, undefined],
    [7.5, undefined],
    ['7.0', 7],
    ['x', undefined],
  ])('%j in [5, 10] → %j', (value, expected) => {
    expect(toInteger(value, 5, 10)).toBe(expected);
  });

  test('minus zero is zero', () => {
    expect(toInteger('-0', -1, 1)).toBe(0);
    expect(toInteger(-0, 0, 1)).toBe(0);
    expect(Object.is(toInteger('-0', -1, 1), 0)).toBe(true);
  });
});

describe('toBoolean', () => {
  test.each<[unknown, boolean | undefined]>([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    [2, undefined],
    [-1, undefined],
    ['true', true],
    [' TRUE ', true],
    ['1', true],
    ['yes', true],
    ['On', true],
    ['false', false],
    ['0', false],
    ['No', false],
    [' off ', false],
    ['', undefined],
    ['maybe', undefined],
    ['2', undefined],
    [null, undefined],
    [[true], undefined],
  ])('%j → %j', (value, expected) => {
    expect(toBoolean(value)).toBe(expected);
  });
});

describe('toAttribute', () => {
  const spec = (kind: AttributeSpec['kind'], shape?: AttributeSpec['shape']): AttributeSpec => ({
    kind,
    title: 'An attribute',
    description: 'An attribute of the deployment.',
    published: true,
    ...(shape ? { shape } : {}),
  });

  test.each<[string, unknown, unknown]>([
    ['database', 'mariadb', 'mariadb'],
    ['database', ' Postgres SQL ', 'Postgres SQL'],
    ['database', 'null', undefined],
    ['database', 'two  spaces', undefined],
    ['database', 'x'.repeat(201), 'x'.repeat(200)],
    ['php_version', '8.2.7', '8.2.7'],
    ['php_version', 'PHP 8.2', undefined],
  ])('string %s: %j → %j', (key, value, expected) => {
    expect(toAttribute(key, spec('string'), value)).toBe(expected);
  });

  test('a string attribute takes the kind its config names over the one its key suggests', () => {
    expect(toAttribute('tool', spec('string', 'version'), '1.2')).toBe('1.2');
    expect(toAttribute('tool', spec('string', 'version'), 'a b')).toBeUndefined();
    expect(toAttribute('tool', spec('string'), 'a b')).toBe('a b');
  });

  test.each<[unknown, unknown]>([
    [4, 4],
    ['8', 8],
    [1e12, 1e12],
    [-1e12, -1e12],
    [1e12 + 1, undefined],
    [-1e12 - 1, undefined],
    ['many', undefined],
    [true, undefined],
  ])('number: %j → %j', (value, expected) => {
    expect(toAttribute('cpu_cores', spec('number'), value)).toBe(expected);
  });

  test.each<[unknown, unknown]>([
    ['yes', true],
    [0, false],
    ['maybe', undefined],
  ])('boolean: %j → %j', (value, expected) => {
    expect(toAttribute('tls', spec('boolean'), value)).toBe(expected);
  });
});

describe('isRecord', () => {
  test.each<[unknown, boolean]>([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ['x', false],
    [1, false],
  ])('%j → %j', (value, expected) => {
    expect(isRecord(value)).toBe(expected);
  });
});

describe('IgnoredFields', () => {
  test('deduplicated, in order, control characters shown as "?", each cut to 100', () => {
    const ignored = new IgnoredFields();
    ignored.add('b');
    ignored.add('a');
    ignored.add('b');
    ignored.add('x\ny\u0000z\u007F\u009F');
    ignored.add('k'.repeat(150));
    ignored.add('u\uD800');
    expect(ignored.list()).toEqual(['b', 'a', 'x?y?z??', 'k'.repeat(100), 'u\uFFFD']);
  });

  test('at most 100 names', () => {
    const ignored = new IgnoredFields();
    for (let i = 0; i < 150; i++) ignored.add(`field${i}`);
    const list = ignored.list();
    expect(list).toHaveLength(100);
    expect(list.at(-1)).toBe('field99');
  });
});

describe('fieldName', () => {
  test.each<[string, string, string]>([
    ['', 'uuid', 'uuid'],
    ['', 'odd key', '"odd key"'],
    ['properties', 'distinct_id', 'properties.distinct_id'],
    ['properties', 'a-b$1', 'properties.a-b$1'],
    ['properties', 'a b', 'properties["a b"]'],
    ['properties', ' a', 'properties[" a"]'],
    ['properties', 'a.b', 'properties["a.b"]'],
    ['properties', '', 'properties[""]'],
    ['data', 'x"y', 'data["x\\"y"]'],
  ])('%j + %j → %s', (parent, key, expected) => {
    expect(fieldName(parent, key)).toBe(expected);
  });
});

describe('zodIssues', () => {
  const schema = z.object(
    Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, z.string()])),
  );
  const error = schema.safeParse({}).error;
  if (!error) throw new Error('the schema must refuse {}');

  test('the first 20 issues, each with its path', () => {
    const issues = zodIssues(error);
    expect(issues).toHaveLength(20);
    expect(issues[0]?.path).toEqual(['f0']);
    expect(issues[19]?.path).toEqual(['f19']);
  });

  test('under a prefix', () => {
    expect(zodIssues(error, ['data'])[0]?.path).toEqual(['data', 'f0']);
  });
});

describe('mapSafely', () => {
  test('a mapping that throws becomes a 400 body, never a 500', () => {
    expect(
      mapSafely(() => {
        throw new Error('boom');
      }),
    ).toEqual({
      ok: false,
      message: 'The body could not be read.',
      issues: [{ path: [], message: 'unreadable body' }],
    });
  });

  test('a mapping that returns is passed through', () => {
    const result: AdapterResult<'netdata'> = {
      ok: true,
      source: 'netdata',
      events: [],
      ignoredFields: [],
    };
    expect(mapSafely(() => result)).toBe(result);
  });
});

describe('checkJsonShape', () => {
  test('nesting deeper than 8 levels', () => {
    expect(checkJsonShape({ a: [[[[[[[[1]]]]]]]] })).toEqual({
      path: ['a', 0, 0, 0, 0, 0, 0, 0],
      message: 'nesting deeper than 8 levels is not accepted',
    });
    expect(checkJsonShape({ a: [[[[[[[1]]]]]]] })).toBeUndefined();
  });

  test('a prototype key', () => {
    expect(checkJsonShape(JSON.parse('{"properties": {"__proto__": {}}}'))).toEqual({
      path: ['properties', '__proto__'],
      message: 'key __proto__ is not accepted',
    });
  });
});

describe('compact', () => {
  test('drops undefined values, keeps null and falsy ones, and nothing is undefined', () => {
    expect(compact({ a: 1, b: undefined, c: null, d: 0, e: '' })).toEqual({
      a: 1,
      c: null,
      d: 0,
      e: '',
    });
    expect(Object.keys(compact({ a: 1, b: undefined }) ?? {})).toEqual(['a']);
    expect(compact({ a: undefined })).toBeUndefined();
    expect(compact({})).toBeUndefined();
  });
});

describe('distributionId', () => {
  test.each<[string, string | undefined]>([
    ['Ubuntu', 'ubuntu'],
    ['#59~20.04.1-Ubuntu SMP Fri Jan 12 2024', 'ubuntu'],
    ['Debian GNU/Linux', 'debian'],
    ['#1 SMP PREEMPT_DYNAMIC Debian 6.1.90-1 (2024-05-03)', 'debian'],
    ['Raspbian', 'raspbian'],
    ['Red Hat Enterprise Linux', 'rhel'],
    ['RHEL', 'rhel'],
    ['CentOS Stream', 'centos'],
    ['Rocky Linux', 'rocky'],
    ['AlmaLinux', 'almalinux'],
    ['Oracle Linux Server', 'ol'],
    ['Fedora Linux', 'fedora'],
    ['openSUSE Leap', 'opensuse'],
    ['SLES', 'sles'],
    ['SUSE Linux Enterprise Server', 'sles'],
    ['Alpine Linux', 'alpine'],
    ['Arch Linux', 'arch'],
    ['Gentoo', 'gentoo'],
    ['Amazon Linux', 'amzn'],
    ['FreeBSD', 'freebsd'],
    // Whole words only.
    ['Kubuntu', undefined],
    ['Ubuntus', undefined],
    ['Xdebian', undefined],
    ['Debianx', undefined],
    ['Xraspbian', undefined],
    ['Raspbianx', undefined],
    ['Xred Hat', undefined],
    ['Red Hatx', undefined],
    ['XRHEL', undefined],
    ['RHELX', undefined],
    ['Xcentos', undefined],
    ['Centosx', undefined],
    ['Xrocky', undefined],
    ['Rockyx', undefined],
    ['Xalmalinux', undefined],
    ['Almalinuxx', undefined],
    ['Xoracle linux', undefined],
    ['Oracle Linuxx', undefined],
    ['Xfedora', undefined],
    ['Fedorax', undefined],
    ['Xopensuse', undefined],
    ['Opensusex', undefined],
    ['XSLES', undefined],
    ['SLESX', undefined],
    ['Xsuse linux enterprise', undefined],
    ['SUSE Linux Enterprisex', undefined],
    ['Xalpine', undefined],
    ['Alpinex', undefined],
    ['Xarch linux', undefined],
    ['Arch Linuxx', undefined],
    ['Xgentoo', undefined],
    ['Gentoox', undefined],
    ['Xamazon linux', undefined],
    ['Amazon Linuxx', undefined],
    ['Xfreebsd', undefined],
    ['FreeBSDx', undefined],
    ['Windows', undefined],
    ['', undefined],
  ])('%j → %j', (value, expected) => {
    expect(distributionId(value)).toBe(expected);
  });
});
