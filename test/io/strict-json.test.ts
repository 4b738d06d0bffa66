import { describe, expect, it } from 'vitest';
import { parseStrictJson } from '../../src/io/strict-json';

describe('strict JSON parser', () => {
  it('parses what JSON.parse parses, for the values headers hold', () => {
    const text = '{"a": [1, -2.5e3, 0, true, false, null], "b\\u00e9\\n": {"c": "x\\"y\\\\z/"}, "d": []}';
    expect(JSON.parse(JSON.stringify(parseStrictJson(text)))).toEqual(JSON.parse(text));
  });
  it('returns objects without a prototype', () => {
    expect(Object.getPrototypeOf(parseStrictJson('{"a":1}'))).toBeNull();
  });
  it('rejects duplicate keys, with the position', () => expect(() => parseStrictJson('{"a":1,"a":2}')).toThrow(/duplicate key "a" at character 7/));
  it('rejects __proto__, constructor and prototype keys', () => {
    for (const k of ['__proto__', 'constructor', 'prototype']) expect(() => parseStrictJson(`{"x":{"${k}":1}}`)).toThrow(`forbidden key "${k}"`);
  });
  it('rejects a key spelled with escapes into __proto__', () => expect(() => parseStrictJson('{"\\u005f_proto__":1}')).toThrow(/forbidden key/));
  it('rejects deep nesting instead of overflowing the stack', () => expect(() => parseStrictJson('['.repeat(100000))).toThrow(/nesting deeper than 64/));
  it('rejects trailing data, trailing commas, bare words and control characters', () => {
    expect(() => parseStrictJson('{} {}')).toThrow(/unexpected data after/);
    expect(() => parseStrictJson('[1,]')).toThrow(/unexpected character/);
    expect(() => parseStrictJson('{"a":NaN}')).toThrow(/unexpected character/);
    expect(() => parseStrictJson('"a\nb"')).toThrow(/control character/);
    expect(() => parseStrictJson('01')).toThrow(/unexpected data/);
  });
});
