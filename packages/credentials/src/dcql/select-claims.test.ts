import { describe, expect, test } from 'vitest';
import { SELECTED_ELEMENTS_MAX, selectClaims } from './select-claims.js';

const CREDENTIAL = {
  name: 'Arthur Dent',
  address: { street_address: '42 Market Street', locality: 'Milliways', region: 'Magrathea' },
  degrees: [
    { type: 'Bachelor of Science', university: 'University of Betelgeuse' },
    { type: 'Master of Science', university: 'University of Betelgeuse' },
  ],
  nationalities: ['British', 'Betelgeusian'],
  nested: [
    [1, 2],
    [3, 4, 5],
  ],
};

describe('openid4vp §7.1 claims path pointer processing on JSON credentials', () => {
  test('§7.1 a string selects the member of an object', () => {
    expect(selectClaims(CREDENTIAL, ['name'])).toEqual([{ path: ['name'], value: 'Arthur Dent' }]);
    expect(selectClaims(CREDENTIAL, ['address', 'locality'])).toEqual([
      { path: ['address', 'locality'], value: 'Milliways' },
    ]);
  });

  test('§7.1 the value at a path may be an object or an array (the whole claim)', () => {
    expect(selectClaims(CREDENTIAL, ['address'])?.[0]?.value).toEqual(CREDENTIAL.address);
    expect(selectClaims(CREDENTIAL, ['nationalities'])?.[0]?.value).toEqual(CREDENTIAL.nationalities);
  });

  test('§7.1 null selects every element of the selected arrays, with concrete paths', () => {
    expect(selectClaims(CREDENTIAL, ['nationalities', null])).toEqual([
      { path: ['nationalities', 0], value: 'British' },
      { path: ['nationalities', 1], value: 'Betelgeusian' },
    ]);
    expect(selectClaims(CREDENTIAL, ['degrees', null, 'type'])?.map((s) => s.value)).toEqual([
      'Bachelor of Science',
      'Master of Science',
    ]);
    expect(selectClaims(CREDENTIAL, ['nested', null, null])?.map((s) => s.value)).toEqual([1, 2, 3, 4, 5]);
  });

  test('§7.1 an index selects that element; an index past the end removes the array from the selection', () => {
    expect(selectClaims(CREDENTIAL, ['nationalities', 1])).toEqual([
      { path: ['nationalities', 1], value: 'Betelgeusian' },
    ]);
    expect(selectClaims(CREDENTIAL, ['nested', null, 2])).toEqual([{ path: ['nested', 1, 2], value: 5 }]);
    expect(selectClaims(CREDENTIAL, ['nationalities', 2])).toBeUndefined();
  });

  test('§7.1 a missing key removes the element; an empty selection is an error', () => {
    expect(selectClaims(CREDENTIAL, ['family_name'])).toBeUndefined();
    expect(selectClaims(CREDENTIAL, ['address', 'postal_code'])).toBeUndefined();
  });

  test('§7.1 a key of a non-object, or an index or null of a non-array, is an error', () => {
    expect(selectClaims(CREDENTIAL, ['name', 'first'])).toBeUndefined();
    expect(selectClaims(CREDENTIAL, ['nationalities', 'length'])).toBeUndefined();
    expect(selectClaims(CREDENTIAL, ['address', 0])).toBeUndefined();
    expect(selectClaims(CREDENTIAL, ['address', null])).toBeUndefined();
    expect(selectClaims(CREDENTIAL, ['name', null])).toBeUndefined();
    expect(selectClaims({ a: null }, ['a', 'b'])).toBeUndefined();
  });

  test('§7.1 an explicit null claim value is selected (it exists)', () => {
    expect(selectClaims({ a: null }, ['a'])).toEqual([{ path: ['a'], value: null }]);
  });

  test('§7.1 inherited members never resolve: __proto__, constructor, toString', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(selectClaims(CREDENTIAL, [key])).toBeUndefined();
    }
    const own = JSON.parse('{"__proto__": "own"}') as Record<string, unknown>;
    expect(selectClaims(own, ['__proto__'])).toEqual([{ path: ['__proto__'], value: 'own' }]);
  });

  test('§7.1 a component of any other kind is an error', () => {
    expect(selectClaims(CREDENTIAL, ['nationalities', -1] as never)).toBeUndefined();
    expect(selectClaims(CREDENTIAL, ['nationalities', 0.5] as never)).toBeUndefined();
  });

  test(`Haven bound: a wildcard over more than ${SELECTED_ELEMENTS_MAX} elements counts as not matching`, () => {
    const big = { list: Array.from({ length: SELECTED_ELEMENTS_MAX + 1 }, (_, i) => i) };
    expect(selectClaims(big, ['list', null])).toBeUndefined();
    const fits = { list: Array.from({ length: SELECTED_ELEMENTS_MAX }, (_, i) => i) };
    expect(selectClaims(fits, ['list', null])).toHaveLength(SELECTED_ELEMENTS_MAX);
    const square = { m: Array.from({ length: 40 }, () => Array.from({ length: 40 }, () => 0)) };
    expect(selectClaims(square, ['m', null, null])).toBeUndefined();
  });
});
