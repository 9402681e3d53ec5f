import { describe, expect, test } from 'vitest';
import { errorCode as code } from '../test/fixtures/keys.js';
import { isHavenError } from './errors.js';
import { parseStrictJson, parseStrictJsonObject } from './json.js';

describe('strict JSON for tokens', () => {
  test('parses ordinary JSON, nested containers and escaped strings', () => {
    expect(parseStrictJson('{"a":[1,{"b":"x\\"}"}],"c":{"d":null}}')).toEqual({
      a: [1, { b: 'x"}' }],
      c: { d: null },
    });
    expect(parseStrictJson(new TextEncoder().encode('{"é":"ü"}'))).toEqual({ é: 'ü' });
  });

  test('RFC 7515 §5.2 / RFC 8259 §4: rejects duplicate member names', () => {
    expect(code(() => parseStrictJson('{"a":1,"a":2}'))).toBe('JSON_DUPLICATE_KEY');
    expect(code(() => parseStrictJson('{"x":{"a":1,"b":2,"a":3}}'))).toBe('JSON_DUPLICATE_KEY');
    expect(code(() => parseStrictJson('[{"a":1},{"a":1,"a":1}]'))).toBe('JSON_DUPLICATE_KEY');
  });

  test('rejects duplicates hidden behind escapes ("a" and "\\u0061")', () => {
    expect(code(() => parseStrictJson('{"a":1,"\\u0061":2}'))).toBe('JSON_DUPLICATE_KEY');
  });

  test('allows the same name in sibling objects and as a string value', () => {
    expect(parseStrictJson('{"a":{"k":1},"b":{"k":2},"c":"a"}')).toEqual({
      a: { k: 1 },
      b: { k: 2 },
      c: 'a',
    });
    expect(parseStrictJson('{"a":["a","a"],"b":"a"}')).toEqual({ a: ['a', 'a'], b: 'a' });
  });

  test.each(['__proto__', 'constructor', 'prototype', '\\u005f_proto__'])(
    'hostile input: rejects %s member names at any depth (no prototype pollution)',
    (key) => {
      expect(code(() => parseStrictJson(`{"${key}":{"admin":true}}`))).toBe('JSON_FORBIDDEN_KEY');
      expect(code(() => parseStrictJson(`{"x":[{"${key}":1}]}`))).toBe('JSON_FORBIDDEN_KEY');
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    },
  );

  test('hostile input: 100,000-level nesting is capped before parsing', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(code(() => parseStrictJson(deep, { maxBytes: 1_000_000 }))).toBe('JSON_TOO_DEEP');
    expect(code(() => parseStrictJson('[[[1]]]', { maxDepth: 2 }))).toBe('JSON_TOO_DEEP');
    expect(parseStrictJson('[[1]]', { maxDepth: 2 })).toEqual([[1]]);
  });

  test('hostile input: oversize input is rejected before parsing', () => {
    expect(code(() => parseStrictJson(`"${'a'.repeat(300 * 1024)}"`))).toBe('JSON_TOO_LARGE');
    expect(code(() => parseStrictJson(new Uint8Array(11), { maxBytes: 10 }))).toBe('JSON_TOO_LARGE');
  });

  test('RFC 8259 §8.1: rejects invalid UTF-8 and a byte order mark', () => {
    expect(code(() => parseStrictJson(Uint8Array.of(0x22, 0xff, 0x22)))).toBe('JSON_INVALID');
    expect(code(() => parseStrictJson(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d)))).toBe('JSON_INVALID');
  });

  test.each(['{', '{"a":}', "{'a':1}", '{"a":1,}', 'NaN', '', '"unterminated', '{"a" 1}'])(
    'rejects malformed JSON %j without echoing it',
    (text) => {
      try {
        parseStrictJson(text);
        expect.unreachable();
      } catch (e) {
        expect(isHavenError(e, 'JSON_INVALID')).toBe(true);
        expect((e as Error).message).not.toContain(text || '\u0000');
      }
    },
  );

  test('parseStrictJsonObject requires an object', () => {
    expect(code(() => parseStrictJsonObject('[1]'))).toBe('JSON_NOT_OBJECT');
    expect(code(() => parseStrictJsonObject('null'))).toBe('JSON_NOT_OBJECT');
    expect(parseStrictJsonObject('{"a":1}')).toEqual({ a: 1 });
  });
});

test('limits from configuration that are NaN, fractional or negative are refused, not ignored', () => {
  expect(() => parseStrictJson('{}', { maxDepth: Number.NaN })).toThrow(RangeError);
  expect(() => parseStrictJson('{}', { maxBytes: -1 })).toThrow(RangeError);
  expect(() => parseStrictJson('{}', { maxDepth: 1.5 })).toThrow(RangeError);
});
