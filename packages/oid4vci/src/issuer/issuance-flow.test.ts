import { jwkThumbprint } from '@haven/core';
import { describe, expect, test } from 'vitest';
import { PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import {
  createTestIssuer,
  fakeCredential,
  ISSUER,
  KEYS,
  proofJwt,
  publicOf,
} from '../fixtures/issuer-fixture.js';
import { createCredentialIssuerMetadata } from '../metadata/credential-issuer-metadata.js';
import { createCredentialOffer } from './create-offer.js';
import { decideOffer } from './decide-offer.js';
import { getCredentialOfferObject } from './get-credential-offer.js';
import { type DeferredCredentialResponse, handleCredentialRequest } from './handle-credential-request.js';
import { handleDeferredCredentialRequest } from './handle-deferred-credential-request.js';
import { handleNonceRequest } from './handle-nonce-request.js';
import { handleTokenRequest } from './handle-token-request.js';

/** What a wallet does with `openid-credential-offer://?credential_offer_uri=…`: fetch the object. */
async function walletResolvesOffer(t: ReturnType<typeof createTestIssuer>, offerUri: string) {
  const url = new URL(new URL(offerUri).searchParams.get('credential_offer_uri') ?? '');
  expect(url.origin).toBe(ISSUER);
  const offerId = url.pathname.split('/').pop();
  return getCredentialOfferObject(t.config, offerId);
}

describe('openid4vci §3.5 pre-authorized code flow, end to end over the memory store', () => {
  test('offer (by reference) → token with tx_code → nonce → batch of 3 with distinct keys', async () => {
    const t = createTestIssuer();
    const metadata = createCredentialIssuerMetadata({
      credentialIssuer: ISSUER,
      configurations: t.config.configurations,
    });
    const created = await createCredentialOffer(t.config, {
      configurationIds: ['labour-contract'],
      payload: 'sealed-claims',
      txCode: { description: 'Sent by SMS' },
    });

    // §4.1.3: the wallet dereferences the offer.
    const offerObject = await walletResolvesOffer(t, created.offerUri);
    expect(offerObject.credential_issuer).toBe(metadata.credential_issuer);
    const grant = (offerObject.grants as Record<string, Record<string, unknown>>)[
      PRE_AUTHORIZED_CODE_GRANT_TYPE
    ];
    expect(grant?.tx_code).toEqual({ input_mode: 'numeric', length: 6, description: 'Sent by SMS' });

    // §6: the person types the tx_code they got out of band.
    const token = await handleTokenRequest(t.config, {
      grant_type: PRE_AUTHORIZED_CODE_GRANT_TYPE,
      'pre-authorized_code': grant?.['pre-authorized_code'],
      tx_code: created.txCode,
    });
    expect(token.status).toBe(200);
    // Once redeemed, the offer URL shows nothing any more.
    await expect(walletResolvesOffer(t, created.offerUri)).rejects.toMatchObject({
      code: 'OID4VCI_OFFER_NOT_FOUND',
    });

    // §7 then §8: one nonce, three proofs, three keys.
    const { body: nonce } = await handleNonceRequest(t.config);
    const keys = [KEYS.a, KEYS.b, KEYS.ed];
    t.clock.now += 5;
    const result = await handleCredentialRequest(t.config, {
      authorization: `Bearer ${token.body.access_token}`,
      body: {
        credential_configuration_id: 'labour-contract',
        proofs: { jwt: keys.map((key) => proofJwt(t, key, { nonce: nonce.c_nonce })) },
      },
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      credentials: keys.map((key) => ({ credential: fakeCredential('labour-contract', publicOf(key)) })),
    });
    const thumbprints = t.issued[0]?.holderKeys.map((k) => jwkThumbprint(k));
    expect(new Set(thumbprints).size).toBe(3);
    // Nothing to issue remains: no claim values are kept.
    expect((await t.store.getOffer(created.offerId))?.payload).toBeUndefined();
  });

  test('deferred: 202 transaction → still pending 202 → caseworker approves → 200 with the credentials', async () => {
    const t = createTestIssuer({ limits: { deferredAccessTokenSeconds: 86_400 } });
    const created = await createCredentialOffer(t.config, {
      configurationIds: ['civil-identity'],
      txCode: true,
      deferred: true,
    });
    const token = await handleTokenRequest(t.config, {
      grant_type: PRE_AUTHORIZED_CODE_GRANT_TYPE,
      'pre-authorized_code': created.preAuthorizedCode,
      tx_code: created.txCode,
    });
    const authorization = `Bearer ${token.body.access_token}`;
    const { body: nonce } = await handleNonceRequest(t.config);
    const first = await handleCredentialRequest(t.config, {
      authorization,
      body: {
        credential_configuration_id: 'civil-identity',
        proofs: { jwt: [proofJwt(t, KEYS.c, { nonce: nonce.c_nonce })] },
      },
    });
    expect(first.status).toBe(202);
    const { transaction_id, interval } = first.body as DeferredCredentialResponse;

    t.clock.now += interval;
    const again = await handleDeferredCredentialRequest(t.config, {
      authorization,
      body: { transaction_id },
    });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ transaction_id, interval });

    // Hours later the caseworker approves with the verified claims.
    t.clock.now += 6 * 3600;
    await decideOffer(t.config, created.offerId, 'approved', 'verified-claims');
    const done = await handleDeferredCredentialRequest(t.config, { authorization, body: { transaction_id } });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      credentials: [{ credential: fakeCredential('civil-identity', publicOf(KEYS.c)) }],
    });
    expect(t.issued[0]?.offer.payload).toBe('verified-claims');
    expect((await t.store.getOffer(created.offerId))?.payload).toBeUndefined();
  });
});
