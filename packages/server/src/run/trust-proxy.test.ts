import { describe, expect, test } from 'vitest';
import { parseTrustProxy } from './trust-proxy.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('parseTrustProxy (haven serve --trust-proxy, HAVEN_TRUST_PROXY)', () => {
  test('hop counts, addresses, CIDRs and named ranges are accepted', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy(2)).toBe(2);
    expect(parseTrustProxy('loopback')).toEqual(['loopback']);
    expect(parseTrustProxy('loopback, 10.0.0.0/8,2001:db8::/32, 192.0.2.1')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '2001:db8::/32',
      '192.0.2.1',
    ]);
    expect(parseTrustProxy(['uniquelocal', 'linklocal'])).toEqual(['uniquelocal', 'linklocal']);
  });

  test('off is 0 hops', () => {
    expect(parseTrustProxy(false)).toBe(0);
    expect(parseTrustProxy('false')).toBe(0);
    expect(parseTrustProxy('')).toBe(0);
  });

  test('true (trust every hop: any client picks its own address) and nonsense are refused', () => {
    for (const value of [
      true,
      'true',
      '*',
      -1,
      17,
      1.5,
      '99',
      'loopback,',
      'example.com',
      '10.0.0.0/33',
      '2001:db8::/129',
      '10.0.0.0/8/8',
      '10.0.0.0/x',
      [],
      [1],
      null,
    ]) {
      expect(() => parseTrustProxy(value), String(value)).toThrow(code('SERVER_RUN_CONFIG_INVALID'));
    }
  });
});
