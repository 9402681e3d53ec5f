import * as core from '@haven/core';
import { describe, expect, test, vi } from 'vitest';

vi.mock('@haven/core', async (importOriginal) => {
  const actual = await importOriginal<typeof core>();
  return { ...actual, timingSafeEqualStrings: vi.fn(actual.timingSafeEqualStrings) };
});

const { adminTokenId, createAdminTokenVerifier, generateAdminToken, hashAdminToken } = await import(
  './admin-auth.js'
);

describe('admin tokens', () => {
  test('generated tokens are 256-bit random and distinct; the id is a short non-secret fingerprint', () => {
    const a = generateAdminToken();
    const b = generateAdminToken();
    expect(a).toMatch(/^haven_admin_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(adminTokenId(a)).toBe(hashAdminToken(a).slice(0, 8));
    expect(a).not.toContain(adminTokenId(a));
  });

  test('the verifier compares hashes in constant time against EVERY entry, even after a match', async () => {
    const tokens = [generateAdminToken(), generateAdminToken(), generateAdminToken()];
    const verify = createAdminTokenVerifier(tokens.map((t, i) => ({ id: `t${i}`, hash: hashAdminToken(t) })));
    const spy = vi.mocked(core.timingSafeEqualStrings);
    spy.mockClear();
    expect(await verify(tokens[0] as string)).toBe('t0');
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockClear();
    expect(await verify('wrong')).toBeUndefined();
    expect(spy).toHaveBeenCalledTimes(3);
    // What is compared is always a 43-character hash, never the presented token itself.
    for (const [left, right] of spy.mock.calls) {
      expect(left).toHaveLength(43);
      expect(right).toHaveLength(43);
    }
  });

  test('malformed configuration is refused at startup', () => {
    expect(() => createAdminTokenVerifier([{ id: 'ops', hash: 'plain-token' }])).toThrow(RangeError);
    expect(() => createAdminTokenVerifier([{ id: 'a b', hash: hashAdminToken('x') }])).toThrow(RangeError);
  });
});
