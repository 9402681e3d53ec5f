import { createSigner, signJwsSync, toPublicJwk, verifyJws } from '@haven/core';
import { CompactSign, compactVerify, importJWK } from 'jose';
import { describe, expect, test } from 'vitest';
import { ALGORITHMS, FIXED_KEYS, rejectionCode } from '../fixtures.js';

const encoder = new TextEncoder();

describe('interop: JWS between @haven/core and jose (RFC 7515 compact serialization)', () => {
  test.each(ALGORITHMS)('%s: a token Haven signs verifies in jose', async (alg) => {
    const token = signJwsSync(
      { iss: 'haven', n: 1 },
      { signer: createSigner(FIXED_KEYS[alg], { kid: 'k' }), typ: 'kb+jwt' },
    );
    const { payload, protectedHeader } = await compactVerify(
      token,
      await importJWK(toPublicJwk(FIXED_KEYS[alg]), alg),
      {
        algorithms: [alg],
      },
    );
    expect(protectedHeader).toEqual({ alg, typ: 'kb+jwt', kid: 'k' });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ iss: 'haven', n: 1 });
  });

  test.each(ALGORITHMS)('%s: a token jose signs verifies in Haven', async (alg) => {
    const token = await new CompactSign(encoder.encode('{"iss":"jose","n":2}'))
      .setProtectedHeader({ alg, typ: 'kb+jwt' })
      .sign(await importJWK(FIXED_KEYS[alg], alg));
    const { payload } = verifyJws(token, {
      algorithms: [alg],
      typ: 'kb+jwt',
      key: toPublicJwk(FIXED_KEYS[alg]),
    });
    expect(payload).toEqual({ iss: 'jose', n: 2 });
  });

  test('a jose token embedding its own key in the header is refused by Haven unless allowed', async () => {
    const publicJwk = toPublicJwk(FIXED_KEYS.ES256);
    const token = await new CompactSign(encoder.encode('{"nonce":"n"}'))
      .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: publicJwk })
      .sign(await importJWK(FIXED_KEYS.ES256, 'ES256'));
    const policy = { algorithms: ['ES256'] as const, typ: 'openid4vci-proof+jwt' };
    expect(
      await rejectionCode(
        Promise.resolve().then(() => verifyJws(token, { ...policy, algorithms: ['ES256'] })),
      ),
    ).toBe('JWS_HEADER_KEY_NOT_ALLOWED');
    expect(verifyJws(token, { ...policy, algorithms: ['ES256'], allowHeaderJwk: true }).payload).toEqual({
      nonce: 'n',
    });
  });
});
