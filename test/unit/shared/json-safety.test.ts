// The JSON-safety walk every parsed body goes through: each key that could pollute a prototype is
// found wherever it is, by itself, with the path a refusal names; nesting is measured exactly.
import { describe, expect, test } from 'vitest';
import { findUnsafeJson } from '../../../shared/schema/json-safety.ts';

const parsed = (text: string): unknown => JSON.parse(text);

describe('forbidden keys', () => {
  test.each([
    [
      '__proto__ at the top',
      '{"type":"heartbeat","__proto__":{"x":1}}',
      '__proto__',
      ['__proto__'],
    ],
    ['constructor at the top', '{"constructor":1}', 'constructor', ['constructor']],
    ['prototype at the top', '{"prototype":"x"}', 'prototype', ['prototype']],
    [
      'constructor holding a harmless object',
      '{"platform":{"constructor":{"name":"x"}}}',
      'constructor',
      ['platform', 'constructor'],
    ],
    [
      'prototype inside an array',
      '{"events":[{"a":1},{"prototype":{}}]}',
      'prototype',
      ['events', 1, 'prototype'],
    ],
    [
      'constructor in the last item of an array',
      '[1,"a",null,{"constructor":true}]',
      'constructor',
      [3, 'constructor'],
    ],
  ])('%s is refused by its name and path', (_name, text, key, path) => {
    expect(findUnsafeJson(parsed(text), 12)).toEqual({ problem: 'key', key, path });
  });

  test.each([
    ['keys that only contain the words', '{"constructors":1,"my_prototype":2,"proto":3}'],
    ['the words as values', '{"a":"constructor","b":["prototype","__proto__"]}'],
    ['arrays with nulls and scalars', '[null,1,"x",[true,[]]]'],
    ['a scalar', '"constructor"'],
  ])('%s: safe', (_name, text) => {
    expect(findUnsafeJson(parsed(text), 12)).toBeUndefined();
  });
});

describe('depth', () => {
  test.each([
    [1, '{"a":1,"b":"x"}', undefined],
    [1, '{"a":{}}', ['a']],
    [1, '[[]]', [0]],
    [2, '{"a":[1,2,null]}', undefined],
    [2, '{"a":[1,{}]}', ['a', 1]],
    [3, '{"a":[{"b":1}]}', undefined],
    [3, '{"a":[{"b":[]}]}', ['a', 0, 'b']],
  ])('a limit of %i, %s', (max, text, path) => {
    const expected = path === undefined ? undefined : { problem: 'depth', path };
    expect(findUnsafeJson(parsed(text), max)).toEqual(expected);
  });
});
