import { HavenError, type PrivateJwk } from '@haven/core';
import { describe, expect, test } from 'vitest';
import {
  createTestIssuer,
  fakeCredential,
  freshNonce,
  grant,
  KEYS,
  proofJwt,
  publicOf,
  type TestIssuer,
} from '../fixtures/issuer-fixture.js';
import { decideOffer } from './decide-offer.js';
import { handleCredentialRequest } from './handle-credential-request.js';
import { handleTokenRequest } from './handle-token-request.js';
import { withdrawOffer } from './withdraw-offer.js';

const code = (c: string) => expect.objectContaining({ code: c });

async function proofs(t: TestIssuer, keys: readonly PrivateJwk[], nonce?: string) {
  const n = nonce ?? (await freshNonce(t));
  return { jwt: keys.map((key) => proofJwt(t, key, { nonce: n })) };
}

function credential(t: TestIssuer, authorization: string | undefined, body: unknown) {
  return handleCredentialRequest(t.config, { authorization, body });
}

describe('openid4vci §8.2 / §8.3 credential request and response', () => {
  test('one proof: 200 with the credential bound to the proven key, no-store', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    const result = await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    expect(result.status).toBe(200);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(result.body).toEqual({
      credentials: [{ credential: fakeCredential('labour-contract', publicOf(KEYS.a)) }],
    });
    expect(t.issued).toHaveLength(1);
    expect(t.issued[0]?.holderKeys).toEqual([publicOf(KEYS.a)]);
    expect(t.issued[0]?.offer.payload).toBe('sealed-claims');
  });

  test('batch issuance (§12.2.4 batch_size): three proofs with distinct keys → three credentials in order', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    const result = await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a, KEYS.b, KEYS.ed]),
    });
    expect(result.body).toEqual({
      credentials: [KEYS.a, KEYS.b, KEYS.ed].map((k) => ({
        credential: fakeCredential('labour-contract', publicOf(k)),
      })),
    });
    expect(t.issued[0]?.holderKeys).toEqual([publicOf(KEYS.a), publicOf(KEYS.b), publicOf(KEYS.ed)]);
  });

  test('a configuration without proof_types_supported issues one unbound credential without proofs', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t, { configurationIds: ['event-badge'] });
    const result = await credential(t, authorization, { credential_configuration_id: 'event-badge' });
    expect(result.body).toEqual({ credentials: [{ credential: fakeCredential('event-badge', undefined) }] });
    expect(t.issued[0]?.holderKeys).toEqual([]);
  });

  test('unknown request members are ignored (§8.2)', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    const result = await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
      future_extension: { x: 1 },
    });
    expect(result.status).toBe(200);
  });

  test('one token serves each configuration of its offer once; the payload is wiped after the last', async () => {
    const t = createTestIssuer();
    const { authorization, created } = await grant(t, {
      configurationIds: ['labour-contract', 'civil-identity'],
    });
    await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('sealed-claims');
    await credential(t, authorization, {
      credential_configuration_id: 'civil-identity',
      proofs: await proofs(t, [KEYS.b]),
    });
    expect((await t.store.getOffer(created.offerId))?.payload).toBeUndefined();
  });
});

describe('hostile: access tokens (rfc6750 §3.1 invalid_token, 401)', () => {
  test.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['Bearer without a token', 'Bearer'],
    ['Bearer and a space', 'Bearer '],
    ['two spaces', 'Bearer  abc'],
    ['characters outside b64token', 'Bearer abc def'],
    ['an unknown token', 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a 10 KB header', `Bearer ${'a'.repeat(10_000)}`],
  ])('OID4VCI_INVALID_TOKEN for %s', async (_name, authorization) => {
    const t = createTestIssuer();
    await grant(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_TOKEN'));
    expect(t.issued).toHaveLength(0);
  });

  test('a token in the body (not the header) is not looked at', async () => {
    const t = createTestIssuer();
    const { token } = await grant(t);
    await expect(
      credential(t, undefined, {
        access_token: token.access_token,
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_TOKEN'));
  });

  test('the scheme is case-insensitive (rfc9110 §11.1)', async () => {
    const t = createTestIssuer();
    const { token } = await grant(t);
    const result = await credential(t, `BEARER ${token.access_token}`, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    expect(result.status).toBe(200);
  });

  test('OID4VCI_INVALID_TOKEN for an expired token (alive until expires_in has passed)', async () => {
    const t = createTestIssuer();
    const { authorization, token } = await grant(t);
    const body = { credential_configuration_id: 'labour-contract', proofs: await proofs(t, [KEYS.a]) };
    t.clock.now += token.expires_in;
    await expect(credential(t, authorization, body)).rejects.toEqual(code('OID4VCI_INVALID_TOKEN'));
    t.clock.now -= 1;
    expect((await credential(t, authorization, body)).status).toBe(200);
  });

  test('OID4VCI_INVALID_TOKEN when the access token is reused for a configuration already issued', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.b]),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_TOKEN'));
    expect(t.issued).toHaveLength(1);
  });

  test('10 concurrent requests for one configuration with one token: exactly one is issued', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    const bodies = await Promise.all(
      Array.from({ length: 10 }, async () => ({
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      })),
    );
    const results = await Promise.allSettled(bodies.map((body) => credential(t, authorization, body)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(t.issued).toHaveLength(1);
  });

  test('a token from another offer cannot reach a configuration of that offer (unknown_credential_configuration)', async () => {
    const t = createTestIssuer();
    const mine = await grant(t, { configurationIds: ['event-badge'] });
    await grant(t, { configurationIds: ['labour-contract'] });
    await expect(
      credential(t, mine.authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION'));
  });

  test('a token whose offer shares a configuration id gets its OWN offer’s credential', async () => {
    const t = createTestIssuer();
    const first = await grant(t, { payload: 'claims-of-first' });
    await grant(t, { payload: 'claims-of-second' });
    await credential(t, first.authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    expect(t.issued[0]?.offer.id).toBe(first.created.offerId);
    expect(t.issued[0]?.offer.payload).toBe('claims-of-first');
  });

  test('OID4VCI_INVALID_TOKEN once the offer is withdrawn', async () => {
    const t = createTestIssuer();
    const { authorization, created } = await grant(t);
    await withdrawOffer(t.config, created.offerId);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_TOKEN'));
  });
});

describe('openid4vci §8.3.1.2 credential request errors', () => {
  test.each([
    ['a non-object body', 'text'],
    ['an array body', [{ credential_configuration_id: 'labour-contract' }]],
    ['null', null],
    ['neither configuration id nor identifier', {}],
    [
      'both configuration id and identifier',
      { credential_configuration_id: 'labour-contract', credential_identifier: 'labour-contract' },
    ],
    ['a non-string configuration id', { credential_configuration_id: ['labour-contract'] }],
    ['an empty configuration id', { credential_configuration_id: '' }],
    [
      'the legacy singular proof',
      { credential_configuration_id: 'labour-contract', proof: { proof_type: 'jwt', jwt: 'x' } },
    ],
    ['proofs that is not an object', { credential_configuration_id: 'labour-contract', proofs: ['x'] }],
    ['proofs with no proof type', { credential_configuration_id: 'labour-contract', proofs: {} }],
    [
      'proofs with two proof types',
      { credential_configuration_id: 'labour-contract', proofs: { jwt: ['x'], di_vp: [{}] } },
    ],
    ['jwt that is not an array', { credential_configuration_id: 'labour-contract', proofs: { jwt: 'x' } }],
    [
      'jwt with a non-string element',
      { credential_configuration_id: 'labour-contract', proofs: { jwt: [{}] } },
    ],
    [
      'proofs for a configuration that takes none',
      { credential_configuration_id: 'event-badge', proofs: { jwt: ['x'] } },
    ],
  ])('OID4VCI_INVALID_CREDENTIAL_REQUEST for %s', async (_name, body) => {
    const t = createTestIssuer();
    const { authorization } = await grant(t, { configurationIds: ['labour-contract', 'event-badge'] });
    await expect(credential(t, authorization, body)).rejects.toEqual(
      code('OID4VCI_INVALID_CREDENTIAL_REQUEST'),
    );
  });

  test('OID4VCI_INVALID_CREDENTIAL_REQUEST for more proofs than batch_size', async () => {
    const t = createTestIssuer({ limits: { batchSize: 3 } });
    const { authorization } = await grant(t);
    const nonce = await freshNonce(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a, KEYS.b, KEYS.c, KEYS.d], nonce),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_CREDENTIAL_REQUEST'));
    // Refused before any proof was verified: the nonce is still good.
    const ok = await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a, KEYS.b, KEYS.c], nonce),
    });
    expect(ok.body).toMatchObject({ credentials: [{}, {}, {}] });
  });

  test('batchSize 1 disables batches', async () => {
    const t = createTestIssuer({ limits: { batchSize: 1 } });
    const { authorization } = await grant(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a, KEYS.b]),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_CREDENTIAL_REQUEST'));
  });

  test('OID4VCI_INVALID_ENCRYPTION_PARAMETERS for credential_response_encryption (not supported, not advertised)', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
        credential_response_encryption: { jwk: publicOf(KEYS.b), enc: 'A256GCM' },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_ENCRYPTION_PARAMETERS'));
  });

  test.each([
    ['a configuration id not in the offer', 'civil-identity'],
    ['an unknown configuration id', 'nope'],
    ['"__proto__"', '__proto__'],
    ['"constructor"', 'constructor'],
    ['"toString"', 'toString'],
  ])('hostile: OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION for %s', async (_name, id) => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    await expect(
      credential(t, authorization, { credential_configuration_id: id, proofs: await proofs(t, [KEYS.a]) }),
    ).rejects.toEqual(code('OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION'));
  });

  test('OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION when the issuer dropped a configuration after offering it', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t, { configurationIds: ['labour-contract', 'event-badge'] });
    const { 'event-badge': _dropped, ...rest } = t.config.configurations;
    const reconfigured = { ...t.config, configurations: rest };
    await expect(
      handleCredentialRequest(reconfigured, {
        authorization,
        body: { credential_configuration_id: 'event-badge' },
      }),
    ).rejects.toEqual(code('OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION'));
  });

  test('§8.3.1.2 invalid_proof: proofs missing for a key-bound configuration', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    await expect(
      credential(t, authorization, { credential_configuration_id: 'labour-contract' }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
  });

  test('OID4VCI_INVALID_PROOF for an empty jwt array and for an unsupported proof type', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    await expect(
      credential(t, authorization, { credential_configuration_id: 'labour-contract', proofs: { jwt: [] } }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: { di_vp: [{}] },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: { attestation: ['x'] },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
  });

  test('OID4VCI_INVALID_PROOF for a proof signed with an algorithm the configuration does not list', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t, { configurationIds: ['civil-identity'] });
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'civil-identity',
        proofs: await proofs(t, [KEYS.ed]),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
  });

  test('OID4VCI_INVALID_PROOF for a proof with wrong aud, and nothing is issued', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    const nonce = await freshNonce(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: { jwt: [proofJwt(t, KEYS.a, { nonce, aud: 'https://other.example' })] },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
    expect(t.issued).toHaveLength(0);
  });

  test('hostile: the same key twice in one batch → OID4VCI_INVALID_PROOF (one key binds one credential)', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a, KEYS.b, KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
  });

  test('one bad proof in a batch fails the whole request', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    const nonce = await freshNonce(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: { jwt: [proofJwt(t, KEYS.a, { nonce }), proofJwt(t, KEYS.b, { nonce, typ: 'JWT' })] },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
    expect(t.issued).toHaveLength(0);
  });
});

describe('hostile: c_nonce (openid4vci §7, §8.3.1.2 invalid_nonce, §13.5 proof replay)', () => {
  test('a proof reusing a c_nonce → OID4VCI_INVALID_NONCE', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t, { configurationIds: ['labour-contract', 'civil-identity'] });
    const nonce = await freshNonce(t);
    await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a], nonce),
    });
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'civil-identity',
        proofs: await proofs(t, [KEYS.b], nonce),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_NONCE'));
  });

  test('a replayed proof (same JWT) from another grant → OID4VCI_INVALID_NONCE', async () => {
    const t = createTestIssuer();
    const first = await grant(t);
    const second = await grant(t);
    const body = { credential_configuration_id: 'labour-contract', proofs: await proofs(t, [KEYS.a]) };
    await credential(t, first.authorization, body);
    await expect(credential(t, second.authorization, body)).rejects.toEqual(code('OID4VCI_INVALID_NONCE'));
  });

  test('an unknown c_nonce → OID4VCI_INVALID_NONCE', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a], 'made-up-nonce'),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_NONCE'));
  });

  test('an expired c_nonce → OID4VCI_INVALID_NONCE (alive for nonceSeconds)', async () => {
    const t = createTestIssuer({ limits: { nonceSeconds: 120, accessTokenSeconds: 600 } });
    const { authorization } = await grant(t);
    const nonce = await freshNonce(t);
    t.clock.now += 120;
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a], nonce),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_NONCE'));
  });

  test('proofs of one batch carrying different c_nonces → OID4VCI_INVALID_NONCE', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    const [n1, n2] = [await freshNonce(t), await freshNonce(t)];
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: { jwt: [proofJwt(t, KEYS.a, { nonce: n1 }), proofJwt(t, KEYS.b, { nonce: n2 })] },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_NONCE'));
  });

  test('a batch spends its nonce once: all proofs share it and it is then gone', async () => {
    const t = createTestIssuer();
    const a = await grant(t);
    const b = await grant(t);
    const nonce = await freshNonce(t);
    await credential(t, a.authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a, KEYS.b], nonce),
    });
    await expect(
      credential(t, b.authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.c], nonce),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_NONCE'));
  });

  test('a request failing a signature check does not burn the nonce', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    const nonce = await freshNonce(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: { jwt: [proofJwt(t, KEYS.a, { nonce, header: { jwk: publicOf(KEYS.b) } })] },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
    const ok = await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a], nonce),
    });
    expect(ok.status).toBe(200);
  });

  test('§8.3.1.2 invalid_proof (not invalid_nonce) for a proof without any nonce', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: { jwt: [proofJwt(t, KEYS.a, { omit: ['nonce'] })] },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_PROOF'));
  });
});

describe('openid4vci §8.2 credential_identifier (after authorization_details, §6.2)', () => {
  async function narrowed(t: TestIssuer) {
    return grant(
      t,
      { configurationIds: ['labour-contract', 'civil-identity'] },
      {
        authorization_details: JSON.stringify([
          { type: 'openid_credential', credential_configuration_id: 'civil-identity' },
        ]),
      },
    );
  }

  test('the granted identifier issues its configuration', async () => {
    const t = createTestIssuer();
    const { authorization } = await narrowed(t);
    const result = await credential(t, authorization, {
      credential_identifier: 'civil-identity',
      proofs: await proofs(t, [KEYS.a]),
    });
    expect(result.status).toBe(200);
    expect(t.issued[0]?.configurationId).toBe('civil-identity');
  });

  test('OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER for an identifier the token was not granted', async () => {
    const t = createTestIssuer();
    const { authorization } = await narrowed(t);
    await expect(
      credential(t, authorization, {
        credential_identifier: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER'));
    await expect(
      credential(t, authorization, { credential_identifier: 'nope', proofs: await proofs(t, [KEYS.a]) }),
    ).rejects.toEqual(code('OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER'));
  });

  test('OID4VCI_INVALID_CREDENTIAL_REQUEST for credential_configuration_id with a token granted identifiers', async () => {
    const t = createTestIssuer();
    const { authorization } = await narrowed(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'civil-identity',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_CREDENTIAL_REQUEST'));
  });

  test('OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER for any identifier with a token granted none', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    await expect(
      credential(t, authorization, {
        credential_identifier: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER'));
  });
});

describe('issuance outcome: denied, failing issue, bad issue output', () => {
  test('a denied offer → OID4VCI_CREDENTIAL_REQUEST_DENIED; nothing is issued and the nonce is kept', async () => {
    const t = createTestIssuer();
    const { authorization, created } = await grant(t, { deferred: true });
    await decideOffer(t.config, created.offerId, 'denied');
    const nonce = await freshNonce(t);
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a], nonce),
      }),
    ).rejects.toEqual(code('OID4VCI_CREDENTIAL_REQUEST_DENIED'));
    expect(t.issued).toHaveLength(0);
    const other = await grant(t);
    const ok = await credential(t, other.authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a], nonce),
    });
    expect(ok.status).toBe(200);
  });

  test('a denial landing between the token check and the claim is honoured and final', async () => {
    const t = createTestIssuer();
    const { authorization, created } = await grant(t, { deferred: true });
    const claim = t.store.claimIssuance.bind(t.store);
    t.store.claimIssuance = async (...args) => {
      await decideOffer(t.config, created.offerId, 'denied');
      return claim(...args);
    };
    const body = { credential_configuration_id: 'labour-contract', proofs: await proofs(t, [KEYS.a]) };
    await expect(credential(t, authorization, body)).rejects.toEqual(
      code('OID4VCI_CREDENTIAL_REQUEST_DENIED'),
    );
    t.store.claimIssuance = claim;
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_CREDENTIAL_REQUEST_DENIED'));
  });

  test('when issue throws, the error propagates and the claim is given back (the wallet may retry)', async () => {
    const t = createTestIssuer();
    const { authorization, created } = await grant(t);
    t.onIssue = async () => {
      throw new HavenError('INTERNAL_ERROR', 'signing service down');
    };
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('INTERNAL_ERROR'));
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('sealed-claims');
    t.onIssue = async (r) => r.holderKeys.map((k) => fakeCredential(r.configurationId, k));
    const retry = await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    expect(retry.status).toBe(200);
  });

  test('a claim failing while another configuration completes loses nothing: the payload waits for the retry', async () => {
    const t = createTestIssuer();
    const { authorization, created } = await grant(t, {
      configurationIds: ['labour-contract', 'civil-identity'],
    });
    let failB: (error: Error) => void = () => {};
    let reachedB: () => void = () => {};
    const bIssuing = new Promise<void>((resolve) => {
      reachedB = resolve;
    });
    const normal = t.onIssue;
    t.onIssue = async (r) => {
      if (r.configurationId !== 'civil-identity') return normal(r);
      reachedB();
      return new Promise((_resolve, reject) => {
        failB = reject;
      });
    };
    // B is claimed and its issuance is running when A is issued and delivered.
    const b = credential(t, authorization, {
      credential_configuration_id: 'civil-identity',
      proofs: await proofs(t, [KEYS.b]),
    });
    await bIssuing;
    const a = await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    expect(a.status).toBe(200);
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('sealed-claims');
    failB(new HavenError('INTERNAL_ERROR', 'signing service down'));
    await expect(b).rejects.toEqual(code('INTERNAL_ERROR'));
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('sealed-claims');

    t.onIssue = normal;
    const retry = await credential(t, authorization, {
      credential_configuration_id: 'civil-identity',
      proofs: await proofs(t, [KEYS.b]),
    });
    expect(retry.status).toBe(200);
    expect(t.issued.at(-1)?.offer.payload).toBe('sealed-claims');
    expect((await t.store.getOffer(created.offerId))?.payload).toBeUndefined();
  });

  test('when recording the delivery fails, the error propagates and the claim is given back', async () => {
    const t = createTestIssuer();
    const { authorization, created } = await grant(t);
    const complete = t.store.completeIssuance.bind(t.store);
    t.store.completeIssuance = async () => {
      throw new HavenError('INTERNAL_ERROR', 'database down');
    };
    const body = async () => ({
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    await expect(credential(t, authorization, await body())).rejects.toEqual(code('INTERNAL_ERROR'));
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('sealed-claims');
    t.store.completeIssuance = complete;
    expect((await credential(t, authorization, await body())).status).toBe(200);
    expect((await t.store.getOffer(created.offerId))?.payload).toBeUndefined();
    // Delivered now: asking again is refused, the claim is not given back by anything.
    await expect(credential(t, authorization, await body())).rejects.toEqual(code('OID4VCI_INVALID_TOKEN'));
  });

  test('a failing payload wipe does not withhold credentials already marked delivered', async () => {
    const t = createTestIssuer();
    const { authorization, created } = await grant(t);
    t.store.wipePayloadIfComplete = async () => {
      throw new HavenError('INTERNAL_ERROR', 'database down');
    };
    const result = await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    expect(result.status).toBe(200);
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('sealed-claims');
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a]),
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_TOKEN'));
  });

  test.each([
    ['fewer credentials than keys', async () => ['one']],
    ['an empty credential', async () => ['', '']],
    ['a non-object credential', async () => [42, 43] as unknown as string[]],
    ['not an array', async () => 'x' as unknown as string[]],
  ])('OID4VCI_CONFIG_INVALID when issue returns %s, and the claim is given back', async (_name, issue) => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    t.onIssue = issue;
    await expect(
      credential(t, authorization, {
        credential_configuration_id: 'labour-contract',
        proofs: await proofs(t, [KEYS.a, KEYS.b]),
      }),
    ).rejects.toEqual(code('OID4VCI_CONFIG_INVALID'));
    t.onIssue = async (r) => r.holderKeys.map((k) => fakeCredential(r.configurationId, k));
    expect(
      (
        await credential(t, authorization, {
          credential_configuration_id: 'labour-contract',
          proofs: await proofs(t, [KEYS.a]),
        })
      ).status,
    ).toBe(200);
  });

  test('JSON-object credentials (e.g. ldp_vc) are delivered as objects', async () => {
    const t = createTestIssuer();
    const { authorization } = await grant(t);
    t.onIssue = async () => [{ '@context': ['https://www.w3.org/ns/credentials/v2'] }];
    const result = await credential(t, authorization, {
      credential_configuration_id: 'labour-contract',
      proofs: await proofs(t, [KEYS.a]),
    });
    expect(result.body).toEqual({
      credentials: [{ credential: { '@context': ['https://www.w3.org/ns/credentials/v2'] } }],
    });
  });

  test('the token handler and the credential handler refuse a broken config with OID4VCI_CONFIG_INVALID', async () => {
    const t = createTestIssuer();
    const bad = { ...t.config, secret: new Uint8Array(16) };
    await expect(handleTokenRequest(bad, {})).rejects.toEqual(code('OID4VCI_CONFIG_INVALID'));
    await expect(handleCredentialRequest(bad, { authorization: undefined, body: {} })).rejects.toEqual(
      code('OID4VCI_CONFIG_INVALID'),
    );
  });
});
