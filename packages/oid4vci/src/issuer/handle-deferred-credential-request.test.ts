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
import { type DeferredCredentialResponse, handleCredentialRequest } from './handle-credential-request.js';
import { handleDeferredCredentialRequest } from './handle-deferred-credential-request.js';
import { withdrawOffer } from './withdraw-offer.js';

const code = (c: string) => expect.objectContaining({ code: c });

async function requestDeferred(
  t: TestIssuer,
  keys: readonly PrivateJwk[] = [KEYS.a],
  configurationIds = ['labour-contract'],
) {
  const g = await grant(t, { deferred: true, payload: undefined, configurationIds });
  const nonce = await freshNonce(t);
  const result = await handleCredentialRequest(t.config, {
    authorization: g.authorization,
    body: {
      credential_configuration_id: configurationIds[0],
      proofs: { jwt: keys.map((k) => proofJwt(t, k, { nonce })) },
    },
  });
  return { ...g, result, transactionId: (result.body as DeferredCredentialResponse).transaction_id };
}

function poll(t: TestIssuer, authorization: string | undefined, body: unknown) {
  return handleDeferredCredentialRequest(t.config, { authorization, body });
}

describe('openid4vci §8.3 / §9 deferred issuance', () => {
  test('a pending offer answers 202 {transaction_id, interval} with no-store; issue is not called', async () => {
    const t = createTestIssuer();
    const { result, transactionId } = await requestDeferred(t);
    expect(result.status).toBe(202);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(result.body).toEqual({ transaction_id: transactionId, interval: 60 });
    expect(transactionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(t.issued).toHaveLength(0);
  });

  test('§9.2: still pending → 202 with the SAME transaction_id; approved → 200 bound to the original keys', async () => {
    const t = createTestIssuer();
    const { authorization, created, transactionId } = await requestDeferred(t, [KEYS.a, KEYS.b]);
    const pending = await poll(t, authorization, { transaction_id: transactionId });
    expect(pending).toEqual({
      status: 202,
      headers: { 'Cache-Control': 'no-store' },
      body: { transaction_id: transactionId, interval: 60 },
    });

    await decideOffer(t.config, created.offerId, 'approved', 'final-claims');
    const done = await poll(t, authorization, { transaction_id: transactionId });
    expect(done.status).toBe(200);
    expect(done.headers['Cache-Control']).toBe('no-store');
    expect(done.body).toEqual({
      credentials: [KEYS.a, KEYS.b].map((k) => ({
        credential: fakeCredential('labour-contract', publicOf(k)),
      })),
    });
    expect(t.issued[0]?.offer.payload).toBe('final-claims');
    expect(t.issued[0]?.holderKeys).toEqual([publicOf(KEYS.a), publicOf(KEYS.b)]);
    expect((await t.store.getOffer(created.offerId))?.payload).toBeUndefined();
  });

  test('§9.1: the transaction_id is invalidated once the credentials were obtained', async () => {
    const t = createTestIssuer();
    const { authorization, created, transactionId } = await requestDeferred(t);
    await decideOffer(t.config, created.offerId, 'approved', 'claims');
    await poll(t, authorization, { transaction_id: transactionId });
    await expect(poll(t, authorization, { transaction_id: transactionId })).rejects.toEqual(
      code('OID4VCI_INVALID_TRANSACTION_ID'),
    );
  });

  test('§9.3: denied → credential_request_denied, and the transaction is closed', async () => {
    const t = createTestIssuer();
    const { authorization, created, transactionId } = await requestDeferred(t);
    await decideOffer(t.config, created.offerId, 'denied');
    await expect(poll(t, authorization, { transaction_id: transactionId })).rejects.toEqual(
      code('OID4VCI_CREDENTIAL_REQUEST_DENIED'),
    );
    await expect(poll(t, authorization, { transaction_id: transactionId })).rejects.toEqual(
      code('OID4VCI_INVALID_TRANSACTION_ID'),
    );
    expect(t.issued).toHaveLength(0);
  });

  test('a withdrawn offer: its token no longer works at all', async () => {
    const t = createTestIssuer();
    const { authorization, created, transactionId } = await requestDeferred(t);
    await withdrawOffer(t.config, created.offerId);
    await expect(poll(t, authorization, { transaction_id: transactionId })).rejects.toEqual(
      code('OID4VCI_INVALID_TOKEN'),
    );
  });

  test('the payload is kept while a deferred transaction is pending, even once every configuration is claimed', async () => {
    const t = createTestIssuer();
    const { authorization, created, transactionId } = await requestDeferred(
      t,
      [KEYS.a],
      ['labour-contract', 'civil-identity'],
    );
    await decideOffer(t.config, created.offerId, 'approved', 'claims');
    const nonce = await freshNonce(t);
    await handleCredentialRequest(t.config, {
      authorization,
      body: {
        credential_configuration_id: 'civil-identity',
        proofs: { jwt: [proofJwt(t, KEYS.b, { nonce })] },
      },
    });
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('claims');
    await poll(t, authorization, { transaction_id: transactionId });
    expect((await t.store.getOffer(created.offerId))?.payload).toBeUndefined();
  });

  test('a pickup whose delivery cannot be recorded reopens the transaction; the payload stays for the retry', async () => {
    const t = createTestIssuer();
    const { authorization, created, transactionId } = await requestDeferred(t);
    await decideOffer(t.config, created.offerId, 'approved', 'claims');
    const complete = t.store.completeIssuance.bind(t.store);
    t.store.completeIssuance = async () => {
      throw new HavenError('INTERNAL_ERROR', 'database down');
    };
    await expect(poll(t, authorization, { transaction_id: transactionId })).rejects.toEqual(
      code('INTERNAL_ERROR'),
    );
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('claims');
    t.store.completeIssuance = complete;
    expect((await poll(t, authorization, { transaction_id: transactionId })).status).toBe(200);
    expect((await t.store.getOffer(created.offerId))?.payload).toBeUndefined();
  });

  test('when issue throws, the transaction is reopened and the error propagates', async () => {
    const t = createTestIssuer();
    const { authorization, created, transactionId } = await requestDeferred(t);
    await decideOffer(t.config, created.offerId, 'approved', 'claims');
    t.onIssue = async () => {
      throw new HavenError('INTERNAL_ERROR', 'signing service down');
    };
    await expect(poll(t, authorization, { transaction_id: transactionId })).rejects.toEqual(
      code('INTERNAL_ERROR'),
    );
    t.onIssue = async (r) => r.holderKeys.map((k) => fakeCredential(r.configurationId, k));
    expect((await poll(t, authorization, { transaction_id: transactionId })).status).toBe(200);
  });

  test('10 concurrent pickups of one approved transaction: exactly one gets the credentials', async () => {
    const t = createTestIssuer();
    const { authorization, created, transactionId } = await requestDeferred(t);
    await decideOffer(t.config, created.offerId, 'approved', 'claims');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => poll(t, authorization, { transaction_id: transactionId })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toEqual(code('OID4VCI_INVALID_TRANSACTION_ID'));
    expect(t.issued).toHaveLength(1);
  });

  test('the configuration stays claimed while deferred: asking again at the credential endpoint is invalid_token', async () => {
    const t = createTestIssuer();
    const { authorization } = await requestDeferred(t);
    const nonce = await freshNonce(t);
    await expect(
      handleCredentialRequest(t.config, {
        authorization,
        body: {
          credential_configuration_id: 'labour-contract',
          proofs: { jwt: [proofJwt(t, KEYS.b, { nonce })] },
        },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_TOKEN'));
  });
});

describe('hostile: deferred credential request errors (openid4vci §9.3)', () => {
  test('a token from another offer → OID4VCI_INVALID_TRANSACTION_ID', async () => {
    const t = createTestIssuer();
    const mine = await requestDeferred(t);
    const other = await grant(t, { deferred: true });
    await expect(poll(t, other.authorization, { transaction_id: mine.transactionId })).rejects.toEqual(
      code('OID4VCI_INVALID_TRANSACTION_ID'),
    );
  });

  test('an unknown transaction_id → OID4VCI_INVALID_TRANSACTION_ID', async () => {
    const t = createTestIssuer();
    const { authorization } = await requestDeferred(t);
    await expect(poll(t, authorization, { transaction_id: 'AAAAAAAAAAAAAAAAAAAAAA' })).rejects.toEqual(
      code('OID4VCI_INVALID_TRANSACTION_ID'),
    );
  });

  test('an expired transaction → OID4VCI_INVALID_TRANSACTION_ID', async () => {
    const t = createTestIssuer({ limits: { deferredSeconds: 3600, deferredAccessTokenSeconds: 7200 } });
    const { authorization, created, transactionId } = await requestDeferred(t);
    await decideOffer(t.config, created.offerId, 'approved', 'claims');
    t.clock.now += 3600;
    await expect(poll(t, authorization, { transaction_id: transactionId })).rejects.toEqual(
      code('OID4VCI_INVALID_TRANSACTION_ID'),
    );
  });

  test.each([
    ['no transaction_id', {}],
    ['a non-string transaction_id', { transaction_id: 7 }],
    ['an empty transaction_id', { transaction_id: '' }],
    ['an array body', [{ transaction_id: 'x' }]],
  ])('OID4VCI_INVALID_CREDENTIAL_REQUEST for %s', async (_name, body) => {
    const t = createTestIssuer();
    const { authorization } = await requestDeferred(t);
    await expect(poll(t, authorization, body)).rejects.toEqual(code('OID4VCI_INVALID_CREDENTIAL_REQUEST'));
  });

  test('OID4VCI_INVALID_ENCRYPTION_PARAMETERS for credential_response_encryption', async () => {
    const t = createTestIssuer();
    const { authorization, transactionId } = await requestDeferred(t);
    await expect(
      poll(t, authorization, {
        transaction_id: transactionId,
        credential_response_encryption: { enc: 'A256GCM' },
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_ENCRYPTION_PARAMETERS'));
  });

  test('OID4VCI_INVALID_TOKEN without a token or with an expired one', async () => {
    const t = createTestIssuer();
    const { authorization, token, transactionId } = await requestDeferred(t);
    await expect(poll(t, undefined, { transaction_id: transactionId })).rejects.toEqual(
      code('OID4VCI_INVALID_TOKEN'),
    );
    t.clock.now += token.expires_in;
    await expect(poll(t, authorization, { transaction_id: transactionId })).rejects.toEqual(
      code('OID4VCI_INVALID_TOKEN'),
    );
  });

  test('holder keys stored corrupt are refused (OID4VCI_CONFIG_INVALID), never issued to', async () => {
    const t = createTestIssuer();
    const { authorization, created, transactionId } = await requestDeferred(t);
    await decideOffer(t.config, created.offerId, 'approved', 'claims');
    const find = t.store.findDeferred.bind(t.store);
    t.store.findDeferred = async (hash) => {
      const record = await find(hash);
      return record && { ...record, holderKeys: JSON.stringify([KEYS.a]) };
    };
    await expect(poll(t, authorization, { transaction_id: transactionId })).rejects.toEqual(
      code('OID4VCI_CONFIG_INVALID'),
    );
    expect(t.issued).toHaveLength(0);
  });
});
