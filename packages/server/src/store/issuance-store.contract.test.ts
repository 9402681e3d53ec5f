import { HavenError, openAead, randomBase64Url, sealAead } from '@haven/core';
import {
  createCredentialOffer,
  type DeferredRecord,
  handleCredentialRequest,
  handleTokenRequest,
  type IssueRequest,
  MemoryOid4vciStore,
  type OfferRecord,
  type Oid4vciIssuerConfig,
  type Oid4vciIssuerStore,
} from '@haven/oid4vci';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HavenDatabase } from './open-database.js';
import { SqlOid4vciStore } from './sql-oid4vci-store.js';
import { removeTestDatabases, sqlBackends } from './test-backends.test-helper.js';

const code = (c: string) => expect.objectContaining({ code: c });
const NOW = 1_767_225_600;
const MAX_FAILURES = 5;

/** A fresh offer: random id and code hash, two configurations, a tx_code, approved, 10 minutes to live. */
function makeOffer(overrides: Partial<OfferRecord> = {}): OfferRecord {
  return {
    id: randomBase64Url(16),
    configurationIds: ['identity-restoration_dc+sd-jwt', 'identity-restoration_jwt_vc_json'],
    codeHash: randomBase64Url(32),
    txCodeHash: randomBase64Url(32),
    txCode: { input_mode: 'numeric', length: 6, description: 'the PIN on your letter' },
    txCodeFailures: 0,
    sealedOffer: `sealed-offer.${randomBase64Url(24)}`,
    payload: `sealed-claims.${randomBase64Url(24)}`,
    decision: 'approved',
    createdAt: NOW,
    expiresAt: NOW + 600,
    withdrawn: false,
    ...overrides,
  };
}

afterAll(removeTestDatabases);

describe.each(sqlBackends())('Oid4vciIssuerStore contract — $name', (backend) => {
  let database: HavenDatabase;
  let store: SqlOid4vciStore;

  beforeAll(async () => {
    database = await backend.open();
    store = new SqlOid4vciStore(database.db);
  });

  test('createOffer / getOffer / findOfferByCodeHash round-trip every field (epoch seconds past 2^31 too)', async () => {
    const offer = makeOffer({ expiresAt: 4_102_444_800, redeemedAt: 2_147_483_648, txCodeFailures: 2 });
    await store.createOffer(offer);
    expect(await store.getOffer(offer.id)).toEqual(offer);
    expect(await store.findOfferByCodeHash(offer.codeHash)).toEqual(offer);
    const bare = makeOffer({
      txCodeHash: undefined,
      txCode: undefined,
      payload: undefined,
      decision: 'pending',
    });
    const { txCodeHash: _h, txCode: _t, payload: _p, ...expected } = bare;
    await store.createOffer(bare);
    expect(await store.getOffer(bare.id)).toEqual(expected);
    expect(await store.getOffer('no-such-offer')).toBeUndefined();
    expect(await store.findOfferByCodeHash('no-such-hash')).toBeUndefined();
  });

  test('createOffer refuses a second offer with the same id or the same code hash', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    await expect(store.createOffer(makeOffer({ id: offer.id }))).rejects.toEqual(
      code('SERVER_STORE_CONFLICT'),
    );
    await expect(store.createOffer(makeOffer({ codeHash: offer.codeHash }))).rejects.toEqual(
      code('SERVER_STORE_CONFLICT'),
    );
    expect(await store.getOffer(offer.id)).toEqual(offer);
  });

  test('createOffer refuses malformed records, and nothing of them is stored', async () => {
    const bad: Partial<OfferRecord>[] = [
      { configurationIds: [] },
      { configurationIds: ['a', 'a'] },
      { txCode: undefined },
      { txCodeHash: undefined },
      { txCode: { input_mode: 'emoji' as 'text', length: 6 } },
      { txCodeFailures: -1 },
      { decision: 'maybe' as 'approved' },
      { expiresAt: 1.5 },
      { id: '' },
      { codeHash: 'x'.repeat(257) },
    ];
    for (const overrides of bad) {
      const offer = makeOffer(overrides);
      await expect(store.createOffer(offer)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
      if (offer.id !== '') expect(await store.getOffer(offer.id)).toBeUndefined();
    }
  });

  test('openid4vci §13.6.1: the pre-authorized code is redeemed once; expired, withdrawn and dead codes never', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    expect(await store.redeemOffer(offer.id, NOW + 1, MAX_FAILURES)).toBe(true);
    expect(await store.redeemOffer(offer.id, NOW + 2, MAX_FAILURES)).toBe(false);
    expect((await store.getOffer(offer.id))?.redeemedAt).toBe(NOW + 1);

    const expired = makeOffer();
    await store.createOffer(expired);
    expect(await store.redeemOffer(expired.id, expired.expiresAt, MAX_FAILURES)).toBe(false);

    const withdrawn = makeOffer();
    await store.createOffer(withdrawn);
    expect(await store.withdrawOffer(withdrawn.id)).toBe(true);
    expect(await store.redeemOffer(withdrawn.id, NOW, MAX_FAILURES)).toBe(false);

    const dead = makeOffer({ txCodeFailures: MAX_FAILURES });
    await store.createOffer(dead);
    expect(await store.redeemOffer(dead.id, NOW, MAX_FAILURES)).toBe(false);
    expect(await store.redeemOffer(dead.id, NOW, MAX_FAILURES + 1)).toBe(true);

    expect(await store.redeemOffer('no-such-offer', NOW, MAX_FAILURES)).toBe(false);
  });

  test('openid4vci §13.6.3: wrong tx_codes are counted in the database and end the code at the limit', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    for (let i = 1; i <= MAX_FAILURES; i++) expect(await store.recordTxCodeFailure(offer.id)).toBe(i);
    expect(await store.redeemOffer(offer.id, NOW, MAX_FAILURES)).toBe(false);
    await expect(store.recordTxCodeFailure('no-such-offer')).rejects.toEqual(code('SERVER_STORE_NOT_FOUND'));
  });

  test('50 concurrent recordTxCodeFailure calls are all counted', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const counts = await Promise.all(Array.from({ length: 50 }, () => store.recordTxCodeFailure(offer.id)));
    expect(new Set(counts).size).toBe(50);
    expect(Math.max(...counts)).toBe(50);
    expect((await store.getOffer(offer.id))?.txCodeFailures).toBe(50);
  });

  test('50 concurrent redeemOffer calls on one handle: exactly one wins', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.redeemOffer(offer.id, NOW + 5, MAX_FAILURES)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('access tokens: stored by HMAC, found again, tied to an existing offer', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const token = { tokenHash: randomBase64Url(32), offerId: offer.id, expiresAt: NOW + 300 };
    await store.createAccessToken(token);
    expect(await store.findAccessToken(token.tokenHash)).toEqual(token);
    expect(await store.findAccessToken(randomBase64Url(32))).toBeUndefined();
    await expect(store.createAccessToken(token)).rejects.toEqual(code('SERVER_STORE_CONFLICT'));
    await expect(
      store.createAccessToken({ tokenHash: randomBase64Url(32), offerId: 'no-such-offer', expiresAt: NOW }),
    ).rejects.toEqual(code('SERVER_STORE_NOT_FOUND'));
  });

  test('openid4vci §6.2: a token narrowed with authorization_details keeps its credential identifiers', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const narrowed = {
      tokenHash: randomBase64Url(32),
      offerId: offer.id,
      expiresAt: NOW + 300,
      credentialIdentifiers: [offer.configurationIds[1] as string],
    };
    await store.createAccessToken(narrowed);
    expect(await store.findAccessToken(narrowed.tokenHash)).toEqual(narrowed);
    const both = {
      ...narrowed,
      tokenHash: randomBase64Url(32),
      credentialIdentifiers: offer.configurationIds,
    };
    await store.createAccessToken(both);
    expect(await store.findAccessToken(both.tokenHash)).toEqual(both);
    for (const credentialIdentifiers of [
      'a',
      [''],
      ['a', 'a'],
      [1],
      ['x'.repeat(257)],
      Array.from({ length: 65 }, (_, i) => `c${i}`),
    ]) {
      const tokenHash = randomBase64Url(32);
      await expect(
        store.createAccessToken({
          tokenHash,
          offerId: offer.id,
          expiresAt: NOW + 300,
          credentialIdentifiers: credentialIdentifiers as string[],
        }),
      ).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
      expect(await store.findAccessToken(tokenHash)).toBeUndefined();
    }
  });

  test('openid4vci §6.2: damaged stored credential identifiers are refused, never read as a broad token', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    for (const stored of ['not json', '{"0":"a"}', '"a"', '[1]', '[""]', '["a","a"]', 'null']) {
      const tokenHash = randomBase64Url(32);
      await store.createAccessToken({
        tokenHash,
        offerId: offer.id,
        expiresAt: NOW + 300,
        credentialIdentifiers: ['a'],
      });
      await database.db
        .updateTable('access_tokens')
        .set({ credential_identifiers: stored })
        .where('token_hash', '=', tokenHash)
        .execute();
      await expect(store.findAccessToken(tokenHash)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
    }
  });

  test('openid4vci §8: each configuration is issued once; release gives a failed claim back', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const [first, second] = offer.configurationIds as [string, string];
    expect(await store.claimIssuance(offer.id, first, NOW)).toBe(true);
    expect(await store.claimIssuance(offer.id, first, NOW)).toBe(false);
    expect(await store.claimIssuance(offer.id, second, NOW)).toBe(true);
    await store.releaseIssuance(offer.id, second);
    expect(await store.claimIssuance(offer.id, second, NOW + 1)).toBe(true);
    // A configuration the offer does not hold, or an unknown offer, can never be claimed.
    expect(await store.claimIssuance(offer.id, 'labour-contract_dc+sd-jwt', NOW)).toBe(false);
    expect(await store.claimIssuance('no-such-offer', first, NOW)).toBe(false);
  });

  test('openid4vci §8: a delivered claim is never released, so a delivered configuration is never issued twice', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const [first, second] = offer.configurationIds as [string, string];
    expect(await store.claimIssuance(offer.id, first, NOW)).toBe(true);
    await store.completeIssuance(offer.id, first, NOW + 1);
    await store.completeIssuance(offer.id, first, NOW + 9);
    await store.releaseIssuance(offer.id, first);
    expect(await store.claimIssuance(offer.id, first, NOW + 2)).toBe(false);
    const row = await database.db
      .selectFrom('issuances')
      .select('delivered_at')
      .where('offer_id', '=', offer.id)
      .where('configuration_id', '=', first)
      .executeTakeFirst();
    expect(Number(row?.delivered_at)).toBe(NOW + 1);
    // Completing without a claim does nothing: it neither creates a claim nor counts as a delivery.
    await store.completeIssuance(offer.id, second, NOW);
    await store.wipePayloadIfComplete(offer.id);
    expect((await store.getOffer(offer.id))?.payload).toBe(offer.payload);
    expect(await store.claimIssuance(offer.id, second, NOW)).toBe(true);
    await expect(store.completeIssuance(offer.id, second, -1)).rejects.toEqual(
      code('SERVER_STORE_RECORD_INVALID'),
    );
  });

  test('50 concurrent claimIssuance calls for one configuration: exactly one wins', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const configurationId = offer.configurationIds[0] as string;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.claimIssuance(offer.id, configurationId, NOW)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('the sealed payload is wiped only once every configuration has been delivered', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const [first, second] = offer.configurationIds as [string, string];
    await store.wipePayloadIfComplete(offer.id);
    expect((await store.getOffer(offer.id))?.payload).toBe(offer.payload);
    await store.claimIssuance(offer.id, first, NOW);
    await store.completeIssuance(offer.id, first, NOW);
    await store.wipePayloadIfComplete(offer.id);
    expect((await store.getOffer(offer.id))?.payload).toBe(offer.payload);
    await store.claimIssuance(offer.id, second, NOW);
    // Claimed is not delivered.
    await store.wipePayloadIfComplete(offer.id);
    expect((await store.getOffer(offer.id))?.payload).toBe(offer.payload);
    await store.completeIssuance(offer.id, second, NOW);
    await store.wipePayloadIfComplete(offer.id);
    const after = await store.getOffer(offer.id);
    expect(after).toBeDefined();
    expect(after?.payload).toBeUndefined();
    expect(after?.sealedOffer).toBe(offer.sealedOffer);
    // Another offer's issuances do not count towards this one.
    const other = makeOffer({ configurationIds: [first] });
    await store.createOffer(other);
    await store.wipePayloadIfComplete(other.id);
    expect((await store.getOffer(other.id))?.payload).toBe(other.payload);
  });

  test('a claim failing after another configuration was delivered loses nothing: B is claimed and issued again', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const [a, b] = offer.configurationIds as [string, string];
    expect(await store.claimIssuance(offer.id, b, NOW)).toBe(true);
    expect(await store.claimIssuance(offer.id, a, NOW)).toBe(true);
    await store.completeIssuance(offer.id, a, NOW);
    await store.wipePayloadIfComplete(offer.id);
    expect((await store.getOffer(offer.id))?.payload).toBe(offer.payload);
    // B's issuance threw: its claim goes back, and the payload B needs is still there.
    await store.releaseIssuance(offer.id, b);
    expect(await store.claimIssuance(offer.id, b, NOW + 1)).toBe(true);
    expect((await store.getOffer(offer.id))?.payload).toBe(offer.payload);
    await store.completeIssuance(offer.id, b, NOW + 1);
    await store.wipePayloadIfComplete(offer.id);
    expect((await store.getOffer(offer.id))?.payload).toBeUndefined();
  });

  test('openid4vci §9: a pending deferred transaction keeps the payload until its pickup is delivered', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const [a, b] = offer.configurationIds as [string, string];
    await store.claimIssuance(offer.id, a, NOW);
    await store.completeIssuance(offer.id, a, NOW);
    await store.claimIssuance(offer.id, b, NOW);
    const record: DeferredRecord = {
      transactionHash: randomBase64Url(32),
      offerId: offer.id,
      configurationId: b,
      holderKeys: '[]',
      createdAt: NOW,
      expiresAt: NOW + 86_400,
      state: 'pending',
    };
    await store.createDeferred(record);
    await store.wipePayloadIfComplete(offer.id);
    expect((await store.getOffer(offer.id))?.payload).toBe(offer.payload);
    expect(await store.finishDeferred(record.transactionHash, 'issued')).toBe(true);
    await store.wipePayloadIfComplete(offer.id);
    expect((await store.getOffer(offer.id))?.payload).toBe(offer.payload);
    await store.completeIssuance(offer.id, b, NOW + 60);
    await store.wipePayloadIfComplete(offer.id);
    expect((await store.getOffer(offer.id))?.payload).toBeUndefined();
  });

  test('openid4vci §9: a pending offer is decided once; approval may bring the payload, denial wipes it', async () => {
    const pending = makeOffer({ decision: 'pending', payload: undefined });
    await store.createOffer(pending);
    expect(await store.decideOffer(pending.id, 'approved', 'sealed-final-claims')).toBe(true);
    expect(await store.getOffer(pending.id)).toMatchObject({
      decision: 'approved',
      payload: 'sealed-final-claims',
    });
    expect(await store.decideOffer(pending.id, 'denied', undefined)).toBe(false);

    const keep = makeOffer({ decision: 'pending' });
    await store.createOffer(keep);
    expect(await store.decideOffer(keep.id, 'approved', undefined)).toBe(true);
    expect((await store.getOffer(keep.id))?.payload).toBe(keep.payload);

    const deny = makeOffer({ decision: 'pending' });
    await store.createOffer(deny);
    expect(await store.decideOffer(deny.id, 'denied', 'ignored')).toBe(true);
    const denied = await store.getOffer(deny.id);
    expect(denied?.decision).toBe('denied');
    expect(denied?.payload).toBeUndefined();

    const withdrawn = makeOffer({ decision: 'pending' });
    await store.createOffer(withdrawn);
    await store.withdrawOffer(withdrawn.id);
    expect(await store.decideOffer(withdrawn.id, 'approved', undefined)).toBe(false);
    expect(await store.decideOffer('no-such-offer', 'approved', undefined)).toBe(false);
    await expect(store.decideOffer(keep.id, 'pending' as 'approved', undefined)).rejects.toEqual(
      code('SERVER_STORE_RECORD_INVALID'),
    );
  });

  test('withdrawOffer: once, and the sealed claims go with it', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    expect(await store.withdrawOffer(offer.id)).toBe(true);
    expect(await store.withdrawOffer(offer.id)).toBe(false);
    expect(await store.withdrawOffer('no-such-offer')).toBe(false);
    const after = await store.getOffer(offer.id);
    expect(after?.withdrawn).toBe(true);
    expect(after?.payload).toBeUndefined();
  });

  test('openid4vci §8.3.1.2: a c_nonce is used once and only before it expires', async () => {
    const nonce = randomBase64Url(32);
    await store.createNonce(nonce, NOW + 60);
    await expect(store.createNonce(nonce, NOW + 60)).rejects.toEqual(code('SERVER_STORE_CONFLICT'));
    expect(await store.consumeNonce(nonce, NOW)).toBe(true);
    expect(await store.consumeNonce(nonce, NOW)).toBe(false);
    const late = randomBase64Url(32);
    await store.createNonce(late, NOW + 60);
    expect(await store.consumeNonce(late, NOW + 60)).toBe(false);
    expect(await store.consumeNonce(randomBase64Url(32), NOW)).toBe(false);
  });

  test('openid4vci §8.3.1.2: 50 concurrent uses of one c_nonce, exactly one succeeds', async () => {
    const nonce = randomBase64Url(32);
    await store.createNonce(nonce, NOW + 60);
    const results = await Promise.all(Array.from({ length: 50 }, () => store.consumeNonce(nonce, NOW)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('openid4vci §9: deferred transactions move from pending once; only issued reopens', async () => {
    const offer = makeOffer({ decision: 'pending' });
    await store.createOffer(offer);
    const record: DeferredRecord = {
      transactionHash: randomBase64Url(32),
      offerId: offer.id,
      configurationId: offer.configurationIds[0] as string,
      holderKeys: '[{"kty":"EC","crv":"P-256","x":"x","y":"y"}]',
      createdAt: NOW,
      expiresAt: NOW + 86_400,
      state: 'pending',
    };
    await store.createDeferred(record);
    expect(await store.findDeferred(record.transactionHash)).toEqual(record);
    expect(await store.findDeferred(randomBase64Url(32))).toBeUndefined();
    await expect(store.createDeferred(record)).rejects.toEqual(code('SERVER_STORE_CONFLICT'));
    await expect(
      store.createDeferred({
        ...record,
        transactionHash: randomBase64Url(32),
        configurationId: 'not-offered',
      }),
    ).rejects.toEqual(code('SERVER_STORE_NOT_FOUND'));

    const finishes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.finishDeferred(record.transactionHash, i % 2 ? 'issued' : 'closed'),
      ),
    );
    expect(finishes.filter(Boolean)).toHaveLength(1);
    const finished = (await store.findDeferred(record.transactionHash))?.state;
    await store.reopenDeferred(record.transactionHash);
    expect((await store.findDeferred(record.transactionHash))?.state).toBe(
      finished === 'issued' ? 'pending' : 'closed',
    );

    const closed = { ...record, transactionHash: randomBase64Url(32) };
    await store.createDeferred(closed);
    expect(await store.finishDeferred(closed.transactionHash, 'closed')).toBe(true);
    await store.reopenDeferred(closed.transactionHash);
    expect((await store.findDeferred(closed.transactionHash))?.state).toBe('closed');
    expect(await store.finishDeferred(closed.transactionHash, 'issued')).toBe(false);
    await expect(store.finishDeferred(closed.transactionHash, 'pending' as 'issued')).rejects.toEqual(
      code('SERVER_STORE_RECORD_INVALID'),
    );
  });

  test('purgeExpired drops expired and used nonces, expired tokens and transactions, and dead offers’ payloads', async () => {
    const database2 = await backend.open();
    const s = new SqlOid4vciStore(database2.db);
    const live = makeOffer({ expiresAt: NOW + 600 });
    const unredeemedExpired = makeOffer({ expiresAt: NOW - 1 });
    const spent = makeOffer({ expiresAt: NOW - 1, redeemedAt: NOW - 100 });
    const spentWithToken = makeOffer({ expiresAt: NOW - 1, redeemedAt: NOW - 100 });
    const denied = makeOffer({ decision: 'denied' });
    for (const o of [live, unredeemedExpired, spent, spentWithToken, denied]) await s.createOffer(o);
    await s.createAccessToken({ tokenHash: 'expired-token', offerId: spent.id, expiresAt: NOW - 10 });
    await s.createAccessToken({ tokenHash: 'live-token', offerId: spentWithToken.id, expiresAt: NOW + 10 });
    await s.createNonce('expired-nonce', NOW - 1);
    await s.createNonce('used-nonce', NOW + 60);
    await s.consumeNonce('used-nonce', NOW);
    await s.createNonce('live-nonce', NOW + 60);
    const deferred: DeferredRecord = {
      transactionHash: 'expired-transaction',
      offerId: live.id,
      configurationId: live.configurationIds[0] as string,
      holderKeys: '[]',
      createdAt: NOW - 100,
      expiresAt: NOW - 1,
      state: 'pending',
    };
    await s.createDeferred(deferred);

    // Deleted: 2 nonces, 1 token, 1 transaction. Wiped: unredeemedExpired, spent, denied.
    expect(await s.purgeExpired(NOW)).toBe(7);
    const remaining = await sql<{ n: number }>`select count(*) as n from nonces`.execute(database2.db);
    expect(Number(remaining.rows[0]?.n)).toBe(1);
    expect(await s.purgeExpired(NOW)).toBe(0);
    expect(await s.consumeNonce('live-nonce', NOW)).toBe(true);
    expect(await s.findAccessToken('expired-token')).toBeUndefined();
    expect(await s.findAccessToken('live-token')).toBeDefined();
    expect(await s.findDeferred('expired-transaction')).toBeUndefined();
    expect((await s.getOffer(live.id))?.payload).toBe(live.payload);
    expect((await s.getOffer(spentWithToken.id))?.payload).toBe(spentWithToken.payload);
    for (const o of [unredeemedExpired, spent, denied]) {
      const after = await s.getOffer(o.id);
      expect(after?.id).toBe(o.id);
      expect(after?.payload).toBeUndefined();
    }
    // The used nonce goes at the next purge.
    expect(await s.purgeExpired(NOW)).toBe(1);
  });

  test('offer summaries: newest first, keyset pages, never the payload, codes or sealed offer', async () => {
    const database2 = await backend.open();
    const s = new SqlOid4vciStore(database2.db);
    const offers: OfferRecord[] = [];
    for (let i = 0; i < 7; i++) {
      // Two offers share each creation second, so the id breaks ties.
      const offer = makeOffer({
        createdAt: NOW + Math.floor(i / 2),
        txCodeHash: undefined,
        txCode: undefined,
      });
      offers.push(i === 3 ? { ...offer, txCodeHash: 'h', txCode: { input_mode: 'text', length: 8 } } : offer);
    }
    for (const o of offers) await s.createOffer(o);
    await s.redeemOffer(offers[0]?.id as string, NOW + 10, MAX_FAILURES);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.listOfferSummaries({ limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const expected = [...offers]
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((o) => o.id);
    expect(new Set(seen).size).toBe(7);
    expect(seen.map((id) => offers.find((o) => o.id === id)?.createdAt)).toEqual(
      expected.map((id) => offers.find((o) => o.id === id)?.createdAt),
    );

    const summary = await s.getOfferSummary(offers[0]?.id as string);
    expect(summary).toEqual({
      id: offers[0]?.id,
      configurationIds: offers[0]?.configurationIds,
      decision: 'approved',
      createdAt: NOW,
      expiresAt: NOW + 600,
      redeemedAt: NOW + 10,
      withdrawn: false,
      hasTxCode: false,
    });
    expect((await s.getOfferSummary(offers[3]?.id as string))?.hasTxCode).toBe(true);
    const text = JSON.stringify(await s.listOfferSummaries({ limit: 500 }));
    for (const o of offers) {
      expect(text).not.toContain(o.codeHash);
      expect(text).not.toContain(o.payload as string);
      expect(text).not.toContain(o.sealedOffer);
    }
    expect(await s.getOfferSummary('no-such-offer')).toBeUndefined();
  });

  test('offer listing refuses hostile cursors and limits with typed errors', async () => {
    for (const cursor of [
      "1' or '1'='1",
      'not base64url!',
      Buffer.from("0:x' union select payload from offers --").toString('base64url').slice(0, -1),
      Buffer.from('abc:id').toString('base64url'),
      Buffer.from('99999999999999999:id').toString('base64url'),
      Buffer.from('5:').toString('base64url'),
      Buffer.from([0x31, 0x3a, 0xff, 0xfe]).toString('base64url'),
      'A'.repeat(10_000),
      '',
    ]) {
      await expect(store.listOfferSummaries({ cursor })).rejects.toEqual(code('SERVER_STORE_CURSOR_INVALID'));
    }
    for (const limit of [0, 501, 1.5, Number.NaN, -1]) {
      await expect(store.listOfferSummaries({ limit })).rejects.toEqual(code('SERVER_STORE_QUERY_INVALID'));
    }
    // A well-formed cursor carrying SQL text is only ever a parameter: it pages, it does not inject.
    const sqlText = Buffer.from(`${NOW + 1}:' or 1=1 --`).toString('base64url');
    await expect(store.listOfferSummaries({ cursor: sqlText })).resolves.toBeDefined();
  });
});

// What every store must do to keep no data longer than needed: the memory store and both SQL stores.
const retentionBackends: { name: string; open: () => Promise<Oid4vciIssuerStore> }[] = [
  { name: 'memory', open: async () => new MemoryOid4vciStore() },
  ...sqlBackends().map((b) => ({
    name: b.name,
    open: async () => new SqlOid4vciStore((await b.open()).db),
  })),
];

describe.each(retentionBackends)('Oid4vciIssuerStore retention — $name', (backend) => {
  let store: Oid4vciIssuerStore;
  const KEYS = '[{"kty":"EC","crv":"P-256","x":"x","y":"y"}]';
  const deferredFor = (offer: OfferRecord, configurationId: string): DeferredRecord => ({
    transactionHash: randomBase64Url(32),
    offerId: offer.id,
    configurationId,
    holderKeys: KEYS,
    createdAt: NOW,
    expiresAt: NOW + 86_400,
    state: 'pending',
  });

  beforeAll(async () => {
    store = await backend.open();
  });

  test('openid4vci §13.6.3: wipeDeadOfferPayload wipes only an unredeemed offer at the failure limit', async () => {
    const below = makeOffer({ txCodeFailures: MAX_FAILURES - 1 });
    const dead = makeOffer({ txCodeFailures: MAX_FAILURES });
    const redeemed = makeOffer({ txCodeFailures: MAX_FAILURES, redeemedAt: NOW });
    for (const o of [below, dead, redeemed]) await store.createOffer(o);
    for (const o of [below, dead, redeemed]) await store.wipeDeadOfferPayload?.(o.id, MAX_FAILURES);
    expect((await store.getOffer(below.id))?.payload).toBe(below.payload);
    expect((await store.getOffer(dead.id))?.payload).toBeUndefined();
    expect((await store.getOffer(redeemed.id))?.payload).toBe(redeemed.payload);
    await store.wipeDeadOfferPayload?.('no-such-offer', MAX_FAILURES);
  });

  test('openid4vci §9: a closed deferred transaction keeps no holder keys', async () => {
    const offer = makeOffer({ decision: 'pending' });
    await store.createOffer(offer);
    const record = deferredFor(offer, offer.configurationIds[0] as string);
    await store.createDeferred(record);
    expect(await store.finishDeferred(record.transactionHash, 'closed')).toBe(true);
    expect(await store.findDeferred(record.transactionHash)).toEqual({
      ...record,
      state: 'closed',
      holderKeys: '[]',
    });
  });

  test('openid4vci §9: an issued transaction keeps its holder keys for a reopen, and loses them once delivered', async () => {
    const offer = makeOffer();
    await store.createOffer(offer);
    const [a, b] = offer.configurationIds as [string, string];
    const record = deferredFor(offer, a);
    const other = deferredFor(offer, b);
    await store.claimIssuance(offer.id, a, NOW);
    await store.claimIssuance(offer.id, b, NOW);
    await store.createDeferred(record);
    await store.createDeferred(other);
    expect(await store.finishDeferred(record.transactionHash, 'issued')).toBe(true);
    expect((await store.findDeferred(record.transactionHash))?.holderKeys).toBe(KEYS);
    // Delivery failed: back to pending, keys intact for the next pickup.
    await store.reopenDeferred(record.transactionHash);
    expect((await store.findDeferred(record.transactionHash))?.holderKeys).toBe(KEYS);
    expect(await store.finishDeferred(record.transactionHash, 'issued')).toBe(true);
    await store.completeIssuance(offer.id, a, NOW + 60);
    expect(await store.findDeferred(record.transactionHash)).toEqual({
      ...record,
      state: 'issued',
      holderKeys: '[]',
    });
    // Another configuration's pending transaction is untouched.
    expect((await store.findDeferred(other.transactionHash))?.holderKeys).toBe(KEYS);
  });
});

describe.each(sqlBackends())('damaged offer rows — $name', (backend) => {
  test('configuration ids or a tx_code description that are not JSON: SERVER_STORE_RECORD_INVALID, not SyntaxError', async () => {
    const database = await backend.open();
    const store = new SqlOid4vciStore(database.db);
    for (const column of ['configuration_ids', 'tx_code'] as const) {
      const offer = makeOffer();
      await store.createOffer(offer);
      await database.db
        .updateTable('offers')
        .set({ [column]: '{not json' })
        .where('id', '=', offer.id)
        .execute();
      await expect(store.getOffer(offer.id)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
      await expect(store.findOfferByCodeHash(offer.codeHash)).rejects.toEqual(
        code('SERVER_STORE_RECORD_INVALID'),
      );
    }
    const listed = makeOffer();
    await store.createOffer(listed);
    await database.db
      .updateTable('offers')
      .set({ configuration_ids: '[' })
      .where('id', '=', listed.id)
      .execute();
    await expect(store.getOfferSummary(listed.id)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
  });
});

describe.each(sqlBackends())('two handles on one database (two server processes) — $name', (backend) => {
  test('openid4vci §13.6.1: 50 concurrent redeemOffer calls across two handles, exactly one wins', async () => {
    const [a, b] = await backend.openTwo();
    const storeA = new SqlOid4vciStore(a.db);
    const storeB = new SqlOid4vciStore(b.db);
    const offer = makeOffer();
    await storeA.createOffer(offer);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? storeA : storeB).redeemOffer(offer.id, NOW + 1, MAX_FAILURES),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('concurrent tx_code misses, nonce uses and issuance claims across two handles', async () => {
    const [a, b] = await backend.openTwo();
    const storeA = new SqlOid4vciStore(a.db);
    const storeB = new SqlOid4vciStore(b.db);
    const offer = makeOffer();
    await storeA.createOffer(offer);
    const pick = (i: number) => (i % 2 ? storeA : storeB);
    const counts = await Promise.all(
      Array.from({ length: 50 }, (_, i) => pick(i).recordTxCodeFailure(offer.id)),
    );
    expect(Math.max(...counts)).toBe(50);
    expect((await storeB.getOffer(offer.id))?.txCodeFailures).toBe(50);

    const nonce = randomBase64Url(32);
    await storeB.createNonce(nonce, NOW + 60);
    const uses = await Promise.all(Array.from({ length: 50 }, (_, i) => pick(i).consumeNonce(nonce, NOW)));
    expect(uses.filter(Boolean)).toHaveLength(1);

    const configurationId = offer.configurationIds[1] as string;
    const claims = await Promise.all(
      Array.from({ length: 50 }, (_, i) => pick(i).claimIssuance(offer.id, configurationId, NOW)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

/** The oid4vci handlers over the SQL store, with two unbound configurations (no proofs needed). */
function sqlIssuer(store: SqlOid4vciStore) {
  const sealKey = new Uint8Array(32).fill(9);
  const issued: IssueRequest[] = [];
  const t = {
    issued,
    onIssue: async (r: IssueRequest): Promise<readonly string[]> => [`credential.${r.configurationId}`],
    config: undefined as unknown as Oid4vciIssuerConfig,
  };
  t.config = {
    credentialIssuer: 'https://issuer.example',
    configurations: { identity: { format: 'jwt_vc_json' }, labour: { format: 'jwt_vc_json' } },
    store,
    secret: new Uint8Array(32).fill(7),
    sealOffer: (offerId, json) => sealAead(sealKey, json, `offer:${offerId}`),
    openOffer: (offerId, sealed) => new TextDecoder().decode(openAead(sealKey, sealed, `offer:${offerId}`)),
    issue: async (request) => {
      issued.push(request);
      return t.onIssue(request);
    },
    now: () => NOW,
  };
  return t;
}

async function grantOn(config: Oid4vciIssuerConfig, extra: Record<string, unknown> = {}) {
  const created = await createCredentialOffer(config, {
    configurationIds: ['identity', 'labour'],
    payload: 'sealed-claims',
    txCode: false,
  });
  const token = await handleTokenRequest(config, {
    grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
    'pre-authorized_code': created.preAuthorizedCode,
    ...extra,
  });
  return { offerId: created.offerId, authorization: `Bearer ${token.body.access_token}` };
}

describe.each(sqlBackends())('oid4vci handlers over the SQL store — $name', (backend) => {
  let store: SqlOid4vciStore;

  beforeAll(async () => {
    store = new SqlOid4vciStore((await backend.open()).db);
  });

  test('openid4vci §6.2 / §8.2: a token narrowed to one configuration is refused the other', async () => {
    const t = sqlIssuer(store);
    const { authorization } = await grantOn(t.config, {
      authorization_details: JSON.stringify([
        { type: 'openid_credential', credential_configuration_id: 'labour' },
      ]),
    });
    const ask = (body: unknown) => handleCredentialRequest(t.config, { authorization, body });
    await expect(ask({ credential_identifier: 'identity' })).rejects.toEqual(
      code('OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER'),
    );
    await expect(ask({ credential_configuration_id: 'identity' })).rejects.toEqual(
      code('OID4VCI_INVALID_CREDENTIAL_REQUEST'),
    );
    expect((await ask({ credential_identifier: 'labour' })).status).toBe(200);
    expect(t.issued.map((r) => r.configurationId)).toEqual(['labour']);
  });

  test('openid4vci §8: B failing while A is delivered loses nothing; the retry of B still gets the payload', async () => {
    const t = sqlIssuer(store);
    const { offerId, authorization } = await grantOn(t.config);
    const ask = (id: string) =>
      handleCredentialRequest(t.config, { authorization, body: { credential_configuration_id: id } });
    let failB: (error: Error) => void = () => {};
    let reachedB: () => void = () => {};
    const bIssuing = new Promise<void>((resolve) => {
      reachedB = resolve;
    });
    const normal = t.onIssue;
    t.onIssue = async (r) => {
      if (r.configurationId !== 'identity') return normal(r);
      reachedB();
      return new Promise((_resolve, reject) => {
        failB = reject;
      });
    };
    const b = ask('identity');
    await bIssuing;
    expect((await ask('labour')).status).toBe(200);
    expect((await store.getOffer(offerId))?.payload).toBe('sealed-claims');
    failB(new HavenError('INTERNAL_ERROR', 'signing service down'));
    await expect(b).rejects.toEqual(code('INTERNAL_ERROR'));
    t.onIssue = normal;
    expect((await ask('identity')).status).toBe(200);
    expect(t.issued.at(-1)?.offer.payload).toBe('sealed-claims');
    expect((await store.getOffer(offerId))?.payload).toBeUndefined();
    await expect(ask('labour')).rejects.toEqual(code('OID4VCI_INVALID_TOKEN'));
  });
});
