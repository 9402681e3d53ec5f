import { decodeBase64Url, type JwsPolicy, type PublicJwk, type Signer, verifyJws } from '@haven/core';
import { describe, expect, test } from 'vitest';
import {
  createFakeFetch,
  errorCode,
  HOLDER_PRIVATE_JWKS,
  holderKey,
  ISSUER,
  NOW,
  type Reply,
  rejection,
} from './fixtures/fake-issuer.js';
import { requestNonce } from './nonce.js';
import { createProofJwt } from './proof-jwt.js';

/** RFC 8037 Appendix A.1 public key. */
const RFC8037_ED25519_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(decodeBase64Url(token.split('.')[index] ?? ''))) as Record<
    string,
    unknown
  >;
}

describe('openid4vci Appendix F.1 jwt proof', () => {
  test('header {typ, alg, jwk} with the public key only; payload {aud, iat, nonce}', async () => {
    const key = holderKey(0);
    const proof = await createProofJwt({ ...key, credentialIssuer: ISSUER, nonce: 'n-1', now: NOW + 0.7 });
    const header = decodePart(proof, 0);
    expect(header).toEqual({ typ: 'openid4vci-proof+jwt', alg: 'ES256', jwk: key.publicJwk });
    expect(header.jwk).not.toHaveProperty('d');
    expect(decodePart(proof, 1)).toEqual({ aud: ISSUER, iat: NOW, nonce: 'n-1' });
  });

  test('F.1 verifies with core verifyJws under the public key, and under the header jwk', async () => {
    for (const index of [0, 3]) {
      const key = holderKey(index);
      const proof = await createProofJwt({ ...key, credentialIssuer: ISSUER, nonce: 'n', now: NOW });
      const policy: JwsPolicy = {
        algorithms: ['ES256', 'EdDSA'],
        typ: 'openid4vci-proof+jwt',
        allowHeaderJwk: true,
      };
      expect(verifyJws(proof, { ...policy, key: key.publicJwk }).payload.nonce).toBe('n');
      expect(verifyJws(proof, policy).payload.aud).toBe(ISSUER);
      const other: PublicJwk =
        index === 0 ? holderKey(1).publicJwk : { kty: 'OKP', crv: 'Ed25519', x: RFC8037_ED25519_X };
      expect(errorCode(() => verifyJws(proof, { ...policy, key: other }))).toBe('JWS_SIGNATURE_INVALID');
    }
  });

  test('F.1 iss only with a client_id; nonce omitted when the issuer has no nonce endpoint', async () => {
    const key = holderKey(0);
    expect(
      decodePart(
        await createProofJwt({ ...key, credentialIssuer: ISSUER, now: NOW, clientId: 'wallet-1' }),
        1,
      ),
    ).toEqual({
      aud: ISSUER,
      iat: NOW,
      iss: 'wallet-1',
    });
  });

  test('F.1 no kid next to jwk, even when the signer has one', async () => {
    const key = holderKey(0);
    const signer: Signer = { alg: key.signer.alg, kid: 'wallet-key-7', sign: (d) => key.signer.sign(d) };
    const proof = await createProofJwt({
      signer,
      publicJwk: { ...key.publicJwk, kid: 'wallet-key-7' },
      credentialIssuer: ISSUER,
      now: NOW,
    });
    expect(decodePart(proof, 0)).not.toHaveProperty('kid');
    expect(decodePart(proof, 0).jwk).not.toHaveProperty('kid');
  });

  test("hostile input: a private jwk is refused; so is a key that is not the signer's type", async () => {
    const key = holderKey(0);
    const withD = HOLDER_PRIVATE_JWKS[0] as unknown as typeof key.publicJwk;
    expect(
      (
        await rejection(
          createProofJwt({ signer: key.signer, publicJwk: withD, credentialIssuer: ISSUER, now: NOW }),
        )
      ).code,
    ).toBe('JWK_PRIVATE_KEY_NOT_ALLOWED');
    expect(
      (
        await rejection(
          createProofJwt({
            signer: key.signer,
            publicJwk: holderKey(3).publicJwk,
            credentialIssuer: ISSUER,
            now: NOW,
          }),
        )
      ).code,
    ).toBe('JWS_ALG_KEY_MISMATCH');
    expect(
      (await rejection(createProofJwt({ ...key, credentialIssuer: ISSUER, now: Number.NaN }))).code,
    ).toBe('CLOCK_INVALID');
  });
});

describe('openid4vci §7 nonce endpoint', () => {
  const NONCE = `${ISSUER}/nonce`;
  test('§7.1 unauthenticated POST with an empty body; §7.2 returns c_nonce', async () => {
    const fetch = createFakeFetch({
      [`POST ${NONCE}`]: { json: { c_nonce: 'wKI4LT17ac15ES9bw8ac4', extra: true } },
    });
    expect(await requestNonce({ fetch, nonceEndpoint: NONCE })).toBe('wKI4LT17ac15ES9bw8ac4');
    expect(fetch.requests[0]).toMatchObject({ method: 'POST', body: '' });
    expect(fetch.requests[0]?.headers).not.toHaveProperty('authorization');
  });

  test('§7.2 missing, empty, non-string or huge c_nonce, non-JSON → OID4VCI_CLIENT_RESPONSE_INVALID', async () => {
    const replies: Reply[] = [
      { json: {} },
      { json: { c_nonce: '' } },
      { json: { c_nonce: 5 } },
      { json: { c_nonce: 'x'.repeat(1025) } },
      { headers: { 'content-type': 'text/plain' }, body: 'nonce' },
      { status: 204 },
    ];
    for (const reply of replies) {
      const fetch = createFakeFetch({ [`POST ${NONCE}`]: reply });
      expect((await rejection(requestNonce({ fetch, nonceEndpoint: NONCE }))).code).toBe(
        'OID4VCI_CLIENT_RESPONSE_INVALID',
      );
    }
    const failing = createFakeFetch({ [`POST ${NONCE}`]: { status: 503 } });
    expect((await rejection(requestNonce({ fetch: failing, nonceEndpoint: NONCE }))).code).toBe(
      'OID4VCI_CLIENT_ISSUER_ERROR',
    );
  });
});
