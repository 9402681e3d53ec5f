import { describe, expect, test } from 'vitest';
import { createFakeIssuer } from './fixtures/fake-issuer.test-helper.js';
import { startTestServer } from './fixtures/test-server.test-helper.js';
import { clientAddressGroup, rateLimit } from './rate-limit.js';

describe('clientAddressGroup: IPv4 by address, IPv6 by /64', () => {
  test('addresses inside one IPv6 /64 share a group, whatever their spelling', () => {
    const group = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:db8:1:2:aaaa:bbbb:cccc:dddd',
      '2001:0DB8:0001:0002:ffff:ffff:ffff:ffff',
      '2001:db8:1:2::1%eth0',
      '2001:db8:1:2:0:0:192.0.2.1',
    ]) {
      expect(clientAddressGroup(address), address).toBe(group);
    }
  });

  test('neighbouring /64s and IPv4 addresses stay apart', () => {
    expect(clientAddressGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientAddressGroup('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressGroup('fe80::1')).toBe('fe80:0:0:0::/64');
    expect(clientAddressGroup('192.0.2.7')).toBe('192.0.2.7');
    expect(clientAddressGroup('192.0.2.8')).toBe('192.0.2.8');
  });

  test('an IPv4-mapped IPv6 address counts as its IPv4 address', () => {
    expect(clientAddressGroup('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientAddressGroup('::ffff:c000:207')).toBe('192.0.2.7');
  });

  test('anything else is one shared "unknown" group', () => {
    for (const address of [undefined, '', 'localhost', '1.2.3', '2001:db8::1::2', '::ffff:999.0.0.1']) {
      expect(clientAddressGroup(address)).toBe('unknown');
    }
  });
});

describe('rate limits behind a trusted reverse proxy', () => {
  const post = (url: string, forwardedFor: string) =>
    fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      body: 'grant_type=a&grant_type=b',
    });

  test('rotating IPv6 addresses inside one /64 does not escape the limit; another /64 is apart', async () => {
    const local = await startTestServer({
      issuer: createFakeIssuer(),
      trustProxy: 'loopback',
      limits: { rateLimits: { token: 2 } },
    });
    try {
      expect((await post(local.url, '2001:db8:1:2::1')).status).toBe(400);
      expect((await post(local.url, '2001:db8:1:2::2')).status).toBe(400);
      expect((await post(local.url, '2001:db8:1:2:ffff::3')).status).toBe(429);
      expect((await post(local.url, '2001:db8:1:3::1')).status).toBe(400);
      expect((await post(local.url, '192.0.2.1')).status).toBe(400);
    } finally {
      await local.close();
    }
  });

  test('without trust proxy, X-Forwarded-For is ignored: a client cannot pick its own key', async () => {
    const local = await startTestServer({ issuer: createFakeIssuer(), limits: { rateLimits: { token: 2 } } });
    try {
      expect((await post(local.url, '192.0.2.1')).status).toBe(400);
      expect((await post(local.url, '192.0.2.2')).status).toBe(400);
      expect((await post(local.url, '192.0.2.3')).status).toBe(429);
    } finally {
      await local.close();
    }
  });

  test('nonsense limits and windows are refused', () => {
    const base = {
      store: { hit: async () => 1, purge: async () => 0 },
      bucket: 'token' as const,
      now: () => 0,
      clientKey: new Uint8Array(32),
    };
    expect(() => rateLimit({ ...base, limit: 0, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => rateLimit({ ...base, limit: 1, windowSeconds: 0.5 })).toThrow(RangeError);
  });
});
