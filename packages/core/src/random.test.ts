import { describe, expect, test } from 'vitest';
import { randomBase64Url, randomBytes } from './random.js';

describe('CSPRNG helpers', () => {
  test('128-bit values by default, never repeating across 1,000 draws', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => randomBase64Url()));
    expect(seen.size).toBe(1000);
    expect([...seen].every((v) => v.length === 22)).toBe(true);
  });

  test('refuses lengths outside 1..1024', () => {
    expect(() => randomBytes(0)).toThrow(RangeError);
    expect(() => randomBytes(1.5)).toThrow(RangeError);
    expect(() => randomBytes(1025)).toThrow(RangeError);
    expect(randomBytes(32)).toHaveLength(32);
  });
});
