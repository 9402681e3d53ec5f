import { describe, expect, test } from 'vitest';
import { MemoryOid4vciStore } from './memory-store.js';
import type { OfferRecord } from './store.js';

const code = (c: string) => expect.objectContaining({ code: c });
const NOW = 1_000;

function record(overrides: Partial<OfferRecord> = {}): OfferRecord {
  return {
    id: 'offer-1',
    configurationIds: ['a', 'b'],
    codeHash: 'code-1',
    txCodeFailures: 0,
    sealedOffer: 'sealed',
    payload: 'payload',
    decision: 'approved',
    createdAt: NOW,
    expiresAt: NOW + 600,
    withdrawn: false,
    ...overrides,
  };
}

describe('MemoryOid4vciStore (the Oid4vciIssuerStore contract)', () => {
  test('createOffer refuses a duplicate id or code hash', async () => {
    const store = new MemoryOid4vciStore();
    await store.createOffer(record());
    await expect(store.createOffer(record({ codeHash: 'other' }))).rejects.toEqual(
      code('OID4VCI_OFFER_INVALID'),
    );
    await expect(store.createOffer(record({ id: 'other' }))).rejects.toEqual(code('OID4VCI_OFFER_INVALID'));
  });

  test('records handed out are copies: mutating one changes nothing stored', async () => {
    const store = new MemoryOid4vciStore();
    await store.createOffer(record());
    const got = (await store.getOffer('offer-1')) as { withdrawn: boolean };
    got.withdrawn = true;
    expect((await store.findOfferByCodeHash('code-1'))?.withdrawn).toBe(false);
  });

  test('redeemOffer: one winner; refused when expired (now = expiresAt), withdrawn or dead', async () => {
    const store = new MemoryOid4vciStore();
    await store.createOffer(record());
    const results = await Promise.all(Array.from({ length: 20 }, () => store.redeemOffer('offer-1', NOW, 3)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.getOffer('offer-1'))?.redeemedAt).toBe(NOW);

    await store.createOffer(record({ id: 'expired', codeHash: 'c2' }));
    expect(await store.redeemOffer('expired', NOW + 600, 3)).toBe(false);
    expect(await store.redeemOffer('expired', NOW + 599, 3)).toBe(true);

    await store.createOffer(record({ id: 'withdrawn', codeHash: 'c3' }));
    await store.withdrawOffer('withdrawn');
    expect(await store.redeemOffer('withdrawn', NOW, 3)).toBe(false);

    await store.createOffer(record({ id: 'dead', codeHash: 'c4' }));
    expect(await store.recordTxCodeFailure('dead')).toBe(1);
    expect(await store.recordTxCodeFailure('dead')).toBe(2);
    expect(await store.redeemOffer('dead', NOW, 2)).toBe(false);
    expect(await store.redeemOffer('dead', NOW, 3)).toBe(true);
    expect(await store.redeemOffer('unknown', NOW, 3)).toBe(false);
  });

  test('consumeNonce: once, and only before it expires', async () => {
    const store = new MemoryOid4vciStore();
    await store.createNonce('n', NOW + 300);
    expect(await store.consumeNonce('n', NOW)).toBe(true);
    expect(await store.consumeNonce('n', NOW)).toBe(false);
    await store.createNonce('m', NOW + 300);
    expect(await store.consumeNonce('m', NOW + 300)).toBe(false);
    expect(await store.consumeNonce('m', NOW)).toBe(false);
    expect(await store.consumeNonce('never', NOW)).toBe(false);
  });

  test('claimIssuance: once per (offer, configuration); releaseIssuance gives an undelivered claim back', async () => {
    const store = new MemoryOid4vciStore();
    expect(await store.claimIssuance('o', 'a', NOW)).toBe(true);
    expect(await store.claimIssuance('o', 'a', NOW)).toBe(false);
    expect(await store.claimIssuance('o', 'b', NOW)).toBe(true);
    expect(await store.claimIssuance('p', 'a', NOW)).toBe(true);
    await store.releaseIssuance('o', 'a');
    expect(await store.claimIssuance('o', 'a', NOW)).toBe(true);
    // Delivered: release is a no-op, so the configuration is never issued twice.
    await store.completeIssuance('o', 'b', NOW);
    await store.releaseIssuance('o', 'b');
    expect(await store.claimIssuance('o', 'b', NOW)).toBe(false);
    // Completing without a claim does nothing (and does not count as a delivery).
    await store.completeIssuance('o', 'c', NOW);
    expect(await store.claimIssuance('o', 'c', NOW)).toBe(true);
  });

  test('wipePayloadIfComplete: a claim whose issuance fails after another configuration completed loses nothing', async () => {
    const store = new MemoryOid4vciStore();
    await store.createOffer(record());
    expect(await store.claimIssuance('offer-1', 'b', NOW)).toBe(true);
    expect(await store.claimIssuance('offer-1', 'a', NOW)).toBe(true);
    await store.completeIssuance('offer-1', 'a', NOW);
    await store.wipePayloadIfComplete('offer-1');
    expect((await store.getOffer('offer-1'))?.payload).toBe('payload');
    // B's issuance failed: its claim goes back, and B can be claimed and issued again.
    await store.releaseIssuance('offer-1', 'b');
    expect(await store.claimIssuance('offer-1', 'b', NOW + 1)).toBe(true);
    expect((await store.getOffer('offer-1'))?.payload).toBe('payload');
    await store.completeIssuance('offer-1', 'b', NOW + 1);
    await store.wipePayloadIfComplete('offer-1');
    expect((await store.getOffer('offer-1'))?.payload).toBeUndefined();
  });

  test('wipePayloadIfComplete: a pending deferred claim keeps the payload until its pickup is delivered', async () => {
    const store = new MemoryOid4vciStore();
    await store.createOffer(record());
    await store.claimIssuance('offer-1', 'a', NOW);
    await store.completeIssuance('offer-1', 'a', NOW);
    await store.claimIssuance('offer-1', 'b', NOW);
    await store.createDeferred({
      transactionHash: 't',
      offerId: 'offer-1',
      configurationId: 'b',
      holderKeys: '[]',
      createdAt: NOW,
      expiresAt: NOW + 60,
      state: 'pending',
    });
    await store.wipePayloadIfComplete('offer-1');
    expect((await store.getOffer('offer-1'))?.payload).toBe('payload');
    await store.finishDeferred('t', 'issued');
    await store.wipePayloadIfComplete('offer-1');
    expect((await store.getOffer('offer-1'))?.payload).toBe('payload');
    await store.completeIssuance('offer-1', 'b', NOW + 5);
    await store.wipePayloadIfComplete('offer-1');
    expect((await store.getOffer('offer-1'))?.payload).toBeUndefined();
  });

  test('access tokens keep the credential identifiers they were narrowed to (openid4vci §6.2)', async () => {
    const store = new MemoryOid4vciStore();
    const narrowed = { tokenHash: 'n', offerId: 'o', expiresAt: NOW + 60, credentialIdentifiers: ['b'] };
    await store.createAccessToken(narrowed);
    await store.createAccessToken({ tokenHash: 'w', offerId: 'o', expiresAt: NOW + 60 });
    expect(await store.findAccessToken('n')).toEqual(narrowed);
    expect((await store.findAccessToken('w'))?.credentialIdentifiers).toBeUndefined();
  });

  test('finishDeferred: pending → issued|closed once; reopenDeferred only from issued', async () => {
    const store = new MemoryOid4vciStore();
    const deferred = {
      transactionHash: 't',
      offerId: 'o',
      configurationId: 'a',
      holderKeys: '[]',
      createdAt: NOW,
      expiresAt: NOW + 60,
      state: 'pending' as const,
    };
    await store.createDeferred(deferred);
    await expect(store.createDeferred(deferred)).rejects.toBeDefined();
    const results = await Promise.all([
      store.finishDeferred('t', 'issued'),
      store.finishDeferred('t', 'issued'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    await store.reopenDeferred('t');
    expect((await store.findDeferred('t'))?.state).toBe('pending');
    expect(await store.finishDeferred('t', 'closed')).toBe(true);
    await store.reopenDeferred('t');
    expect((await store.findDeferred('t'))?.state).toBe('closed');
    expect(await store.finishDeferred('t', 'issued')).toBe(false);
  });

  test('decideOffer only on a pending, live offer; withdrawOffer once', async () => {
    const store = new MemoryOid4vciStore();
    await store.createOffer(record({ decision: 'pending', payload: undefined }));
    expect(await store.decideOffer('offer-1', 'approved', 'p')).toBe(true);
    expect(await store.decideOffer('offer-1', 'denied', undefined)).toBe(false);
    expect((await store.getOffer('offer-1'))?.payload).toBe('p');
    expect(await store.withdrawOffer('offer-1')).toBe(true);
    expect(await store.withdrawOffer('offer-1')).toBe(false);
    expect(await store.withdrawOffer('unknown')).toBe(false);
  });

  test('purgeExpired drops expired nonces, tokens and transactions and the claims of offers that can no longer issue', async () => {
    const store = new MemoryOid4vciStore();
    await store.createNonce('n-old', NOW + 10);
    await store.createNonce('n-new', NOW + 100);
    await store.createAccessToken({ tokenHash: 't-old', offerId: 'x', expiresAt: NOW + 10 });
    await store.createAccessToken({ tokenHash: 't-new', offerId: 'x', expiresAt: NOW + 100 });
    await store.createOffer(record({ expiresAt: NOW + 10 }));
    expect(await store.purgeExpired(NOW + 50)).toBe(3);
    expect(await store.consumeNonce('n-new', NOW + 50)).toBe(true);
    expect(await store.findAccessToken('t-old')).toBeUndefined();
    expect(await store.findAccessToken('t-new')).toBeDefined();
    expect((await store.getOffer('offer-1'))?.payload).toBeUndefined();
  });

  test('purgeExpired wipes a used offer’s payload once its code expired and no token or transaction is left', async () => {
    const store = new MemoryOid4vciStore();
    await store.createOffer(record({ redeemedAt: NOW, expiresAt: NOW + 10 }));
    await store.createOffer(record({ id: 'held', codeHash: 'c2', redeemedAt: NOW, expiresAt: NOW + 10 }));
    await store.createAccessToken({ tokenHash: 't', offerId: 'held', expiresAt: NOW + 100 });
    expect(await store.purgeExpired(NOW + 50)).toBe(1);
    expect((await store.getOffer('offer-1'))?.payload).toBeUndefined();
    expect((await store.getOffer('held'))?.payload).toBe('payload');
    expect(await store.purgeExpired(NOW + 100)).toBe(2);
    expect((await store.getOffer('held'))?.payload).toBeUndefined();
  });
});
