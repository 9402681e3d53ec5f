import { describe, expect, test } from 'vitest';
import { createTestIssuer, grant, KEYS, proofJwt } from '../fixtures/issuer-fixture.js';
import { handleCredentialRequest } from './handle-credential-request.js';
import { handleNonceRequest } from './handle-nonce-request.js';

describe('openid4vci §7 nonce endpoint', () => {
  test('§7.2: 200 {c_nonce} with Cache-Control: no-store; 128-bit, unpredictable, fresh each time', async () => {
    const t = createTestIssuer();
    const first = await handleNonceRequest(t.config);
    const second = await handleNonceRequest(t.config);
    expect(first.status).toBe(200);
    expect(first.headers['Cache-Control']).toBe('no-store');
    expect(Object.keys(first.body)).toEqual(['c_nonce']);
    expect(first.body.c_nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(first.body.c_nonce).not.toBe(second.body.c_nonce);
  });

  test('the store keeps only an HMAC of the nonce, with its expiry', async () => {
    const t = createTestIssuer();
    const seen: [string, number][] = [];
    const create = t.store.createNonce.bind(t.store);
    t.store.createNonce = async (hash, expiresAt) => {
      seen.push([hash, expiresAt]);
      return create(hash, expiresAt);
    };
    const { body } = await handleNonceRequest(t.config);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).not.toContain(body.c_nonce);
    expect(seen[0]?.[1]).toBe(t.clock.now + 300);
  });

  test('a nonce is spent by exactly one of 10 concurrent credential requests', async () => {
    const t = createTestIssuer();
    const grants = await Promise.all(Array.from({ length: 10 }, () => grant(t)));
    const { body } = await handleNonceRequest(t.config);
    const results = await Promise.allSettled(
      grants.map((g) =>
        handleCredentialRequest(t.config, {
          authorization: g.authorization,
          body: {
            credential_configuration_id: 'labour-contract',
            proofs: { jwt: [proofJwt(t, KEYS.a, { nonce: body.c_nonce })] },
          },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected')
        expect(r.reason).toEqual(expect.objectContaining({ code: 'OID4VCI_INVALID_NONCE' }));
    }
  });
});
