import { describe, expect, test } from 'vitest';
import { PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import { createTestIssuer, offer } from '../fixtures/issuer-fixture.js';
import { decideOffer } from './decide-offer.js';
import { handleTokenRequest } from './handle-token-request.js';
import { withdrawOffer } from './withdraw-offer.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('caseworker decisions on deferred offers', () => {
  test('approving a pending offer stores the decision and the final payload', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { deferred: true, payload: undefined });
    await decideOffer(t.config, created.offerId, 'approved', 'final');
    expect(await t.store.getOffer(created.offerId)).toMatchObject({ decision: 'approved', payload: 'final' });
  });

  test('approving without a payload keeps the one given at creation', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { deferred: true });
    await decideOffer(t.config, created.offerId, 'approved');
    expect(await t.store.getOffer(created.offerId)).toMatchObject({
      decision: 'approved',
      payload: 'sealed-claims',
    });
  });

  test('denying drops any payload (no claims kept for a refused request)', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { deferred: true });
    await decideOffer(t.config, created.offerId, 'denied');
    const record = await t.store.getOffer(created.offerId);
    expect(record?.decision).toBe('denied');
    expect(record?.payload).toBeUndefined();
  });

  test('OID4VCI_OFFER_STATE when already decided, not deferred, or withdrawn', async () => {
    const t = createTestIssuer();
    const decided = await offer(t, { deferred: true });
    await decideOffer(t.config, decided.offerId, 'approved');
    await expect(decideOffer(t.config, decided.offerId, 'denied')).rejects.toEqual(
      code('OID4VCI_OFFER_STATE'),
    );
    const immediate = await offer(t);
    await expect(decideOffer(t.config, immediate.offerId, 'approved')).rejects.toEqual(
      code('OID4VCI_OFFER_STATE'),
    );
    const withdrawn = await offer(t, { deferred: true });
    await withdrawOffer(t.config, withdrawn.offerId);
    await expect(decideOffer(t.config, withdrawn.offerId, 'approved')).rejects.toEqual(
      code('OID4VCI_OFFER_STATE'),
    );
  });

  test('two concurrent decisions: exactly one wins, the other is OID4VCI_OFFER_STATE', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { deferred: true });
    const results = await Promise.allSettled([
      decideOffer(t.config, created.offerId, 'approved', 'a'),
      decideOffer(t.config, created.offerId, 'denied'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.status === 'rejected' && lost.reason).toEqual(code('OID4VCI_OFFER_STATE'));
  });

  test('OID4VCI_OFFER_NOT_FOUND for an unknown offer', async () => {
    const t = createTestIssuer();
    await expect(decideOffer(t.config, 'nope', 'approved')).rejects.toEqual(code('OID4VCI_OFFER_NOT_FOUND'));
  });

  test('OID4VCI_OFFER_INVALID for a bad decision, a denial with payload, an empty payload', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { deferred: true });
    await expect(decideOffer(t.config, created.offerId, 'pending' as 'approved')).rejects.toEqual(
      code('OID4VCI_OFFER_INVALID'),
    );
    await expect(decideOffer(t.config, created.offerId, 'denied', 'claims')).rejects.toEqual(
      code('OID4VCI_OFFER_INVALID'),
    );
    await expect(decideOffer(t.config, created.offerId, 'approved', '')).rejects.toEqual(
      code('OID4VCI_OFFER_INVALID'),
    );
    expect((await t.store.getOffer(created.offerId))?.decision).toBe('pending');
  });
});

describe('withdrawing offers', () => {
  test('a withdrawn offer’s code is invalid_grant', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { txCode: false });
    await withdrawOffer(t.config, created.offerId);
    await expect(
      handleTokenRequest(t.config, {
        grant_type: PRE_AUTHORIZED_CODE_GRANT_TYPE,
        'pre-authorized_code': created.preAuthorizedCode,
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_GRANT'));
  });

  test('OID4VCI_OFFER_STATE when withdrawn twice, OID4VCI_OFFER_NOT_FOUND when unknown', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    await withdrawOffer(t.config, created.offerId);
    await expect(withdrawOffer(t.config, created.offerId)).rejects.toEqual(code('OID4VCI_OFFER_STATE'));
    await expect(withdrawOffer(t.config, 'nope')).rejects.toEqual(code('OID4VCI_OFFER_NOT_FOUND'));
  });
});
