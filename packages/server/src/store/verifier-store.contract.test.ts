import { randomBase64Url } from '@haven/core';
import type { Purpose } from '@haven/credentials';
import type { VerifierTransactionRecord } from '@haven/oid4vp';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HavenDatabase } from './open-database.js';
import { SqlOid4vpStore } from './sql-oid4vp-store.js';
import { SqlPurposeStore } from './sql-purpose-store.js';
import { removeTestDatabases, sqlBackends } from './test-backends.test-helper.js';

const code = (c: string) => expect.objectContaining({ code: c });
const NOW = 1_767_225_600;

/** A fresh, unanswered transaction: random id and hashes, 10 minutes to live. */
function makeTransaction(overrides: Partial<VerifierTransactionRecord> = {}): VerifierTransactionRecord {
  return {
    id: randomBase64Url(16),
    requestIdHash: randomBase64Url(32),
    sessionHash: randomBase64Url(32),
    purposeId: 'age-check',
    responseMode: 'direct_post.jwt',
    sealedRequest: `sealed-request.${randomBase64Url(24)}`,
    createdAt: NOW,
    expiresAt: NOW + 600,
    ...overrides,
  };
}

const ACCEPTED = { respondedAt: NOW + 5, outcome: 'accepted' as const };

function makePurpose(overrides: Partial<Purpose> = {}): Purpose {
  return {
    id: `bar.${randomBase64Url(6)
      .replace(/[^A-Za-z0-9]/g, 'x')
      .toLowerCase()}`,
    description: 'A bar checks that a guest is of age.',
    legalBasis: 'Licensing law: no alcohol to minors.',
    credentialTypes: { 'refugee-registration': [['age_over_18']] },
    ...overrides,
  };
}

async function rawTransaction(database: HavenDatabase, id: string) {
  const { rows } = await sql<{ sealed_result: string | null; collected_at: unknown }>`
    select sealed_result, collected_at from verifier_transactions where id = ${id}`.execute(database.db);
  return rows[0];
}

afterAll(removeTestDatabases);

describe.each(sqlBackends())('Oid4vpVerifierStore contract — $name', (backend) => {
  let database: HavenDatabase;
  let store: SqlOid4vpStore;

  beforeAll(async () => {
    database = await backend.open();
    store = new SqlOid4vpStore(database.db);
  });

  test('createTransaction / findTransaction / findTransactionByRequestId round-trip every field', async () => {
    const open = makeTransaction({ responseMode: 'direct_post', expiresAt: 4_102_444_800 });
    await store.createTransaction(open);
    expect(await store.findTransaction(open.id)).toEqual(open);
    expect(await store.findTransactionByRequestId(open.requestIdHash)).toEqual(open);

    const answered = makeTransaction({
      createdAt: 2_147_483_648,
      expiresAt: 2_147_484_248,
      respondedAt: 2_147_483_700,
      outcome: 'rejected',
      errorCode: 'OID4VP_NONCE_MISMATCH',
      responseCodeHash: randomBase64Url(32),
      sealedResult: `sealed-result.${randomBase64Url(24)}`,
    });
    await store.createTransaction(answered);
    expect(await store.findTransaction(answered.id)).toEqual(answered);
    expect(await store.findTransactionByRequestId(answered.requestIdHash)).toEqual(answered);

    expect(await store.findTransaction('no-such-transaction')).toBeUndefined();
    expect(await store.findTransactionByRequestId(open.id)).toBeUndefined();
  });

  test('createTransaction refuses a second transaction with the same id or the same request-id hash', async () => {
    const first = makeTransaction();
    await store.createTransaction(first);
    await expect(store.createTransaction(makeTransaction({ id: first.id }))).rejects.toEqual(
      code('SERVER_STORE_CONFLICT'),
    );
    const sameRequest = makeTransaction({ requestIdHash: first.requestIdHash });
    await expect(store.createTransaction(sameRequest)).rejects.toEqual(code('SERVER_STORE_CONFLICT'));
    expect(await store.findTransaction(sameRequest.id)).toBeUndefined();
    expect(await store.findTransaction(first.id)).toEqual(first);
  });

  test('createTransaction refuses malformed records, and nothing of them is stored', async () => {
    const bad: Partial<VerifierTransactionRecord>[] = [
      { id: '' },
      { requestIdHash: 'x'.repeat(257) },
      { responseMode: 'fragment' as 'direct_post' },
      { expiresAt: 1.5 },
      { createdAt: -1 },
      { outcome: 'accepted' },
      { respondedAt: NOW },
      { respondedAt: NOW, outcome: 'maybe' as 'accepted' },
      { sealedResult: 'sealed' },
      { respondedAt: NOW, outcome: 'accepted', sealedResult: 'sealed', collectedAt: NOW },
    ];
    for (const overrides of bad) {
      const record = makeTransaction(overrides);
      await expect(store.createTransaction(record)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
      if (record.id !== '') expect(await store.findTransaction(record.id)).toBeUndefined();
    }
  });

  test('openid4vp §14.1: a response is recorded once; a second one, an expired or unknown transaction never', async () => {
    const tx = makeTransaction();
    await store.createTransaction(tx);
    const sealedResult = `sealed-result.${randomBase64Url(24)}`;
    const responseCodeHash = randomBase64Url(32);
    expect(
      await store.completeTransaction(tx.id, { ...ACCEPTED, sealedResult, responseCodeHash }, NOW + 5),
    ).toBe(true);
    expect(
      await store.completeTransaction(
        tx.id,
        { respondedAt: NOW + 6, outcome: 'rejected', errorCode: 'SECOND' },
        NOW + 6,
      ),
    ).toBe(false);
    expect(await store.findTransaction(tx.id)).toEqual({
      ...tx,
      ...ACCEPTED,
      sealedResult,
      responseCodeHash,
    });

    const expired = makeTransaction();
    await store.createTransaction(expired);
    expect(await store.completeTransaction(expired.id, ACCEPTED, expired.expiresAt)).toBe(false);
    expect(await store.findTransaction(expired.id)).toEqual(expired);
    // Alive while now < expiresAt.
    expect(await store.completeTransaction(expired.id, ACCEPTED, expired.expiresAt - 1)).toBe(true);

    expect(await store.completeTransaction('no-such-transaction', ACCEPTED, NOW)).toBe(false);
  });

  test('completeTransaction refuses a malformed update and changes nothing', async () => {
    const tx = makeTransaction();
    await store.createTransaction(tx);
    await expect(
      store.completeTransaction(tx.id, { respondedAt: NOW, outcome: 'maybe' as 'accepted' }, NOW),
    ).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
    await expect(store.completeTransaction(tx.id, ACCEPTED, Number.NaN)).rejects.toEqual(
      code('SERVER_STORE_RECORD_INVALID'),
    );
    expect(await store.findTransaction(tx.id)).toEqual(tx);
  });

  test('openid4vp §14.1: 50 concurrent completeTransaction calls on one handle, exactly one wins', async () => {
    const tx = makeTransaction();
    await store.createTransaction(tx);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.completeTransaction(
          tx.id,
          { respondedAt: NOW + i, outcome: 'declined', errorCode: `e${i}` },
          NOW,
        ),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store.findTransaction(tx.id)).toMatchObject({
      respondedAt: NOW + winner,
      errorCode: `e${winner}`,
    });
  });

  test('collectTransaction hands the result out once and wipes it from the row', async () => {
    const tx = makeTransaction();
    await store.createTransaction(tx);
    expect(await store.collectTransaction(tx.id, NOW + 1)).toBeUndefined();

    const sealedResult = `sealed-result.${randomBase64Url(24)}`;
    expect(await store.completeTransaction(tx.id, { ...ACCEPTED, sealedResult }, NOW + 5)).toBe(true);
    expect((await rawTransaction(database, tx.id))?.sealed_result).toBe(sealedResult);

    const collected = await store.collectTransaction(tx.id, NOW + 10);
    expect(collected).toEqual({ ...tx, ...ACCEPTED, sealedResult });
    expect(await store.collectTransaction(tx.id, NOW + 11)).toBeUndefined();

    const raw = await rawTransaction(database, tx.id);
    expect(raw?.sealed_result).toBeNull();
    expect(Number(raw?.collected_at)).toBe(NOW + 10);
    const { sealedResult: _gone, ...rest } = { ...tx, ...ACCEPTED, sealedResult };
    expect(await store.findTransaction(tx.id)).toEqual({ ...rest, collectedAt: NOW + 10 });
    // Collected is final: no later response can bring a result back.
    expect(await store.completeTransaction(tx.id, ACCEPTED, NOW + 12)).toBe(false);

    // A rejected transaction is collected once too, with no result to hand out.
    const rejected = makeTransaction();
    await store.createTransaction(rejected);
    const rejection = { respondedAt: NOW + 5, outcome: 'rejected' as const, errorCode: 'OID4VP_X' };
    expect(await store.completeTransaction(rejected.id, rejection, NOW + 5)).toBe(true);
    expect(await store.collectTransaction(rejected.id, NOW + 6)).toEqual({ ...rejected, ...rejection });
    expect(await store.collectTransaction(rejected.id, NOW + 7)).toBeUndefined();
    expect(await store.collectTransaction('no-such-transaction', NOW)).toBeUndefined();
  });

  test('50 concurrent collectTransaction calls on one handle: the result is handed out once', async () => {
    const tx = makeTransaction();
    await store.createTransaction(tx);
    expect(await store.completeTransaction(tx.id, { ...ACCEPTED, sealedResult: 'the-result' }, NOW)).toBe(
      true,
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.collectTransaction(tx.id, NOW + 1)),
    );
    const handedOut = results.filter((r) => r !== undefined);
    expect(handedOut).toHaveLength(1);
    expect(handedOut[0]?.sealedResult).toBe('the-result');
  });

  test('a damaged stored transaction (a response mode or outcome the schema forbids) is a typed error', async () => {
    const damaged = await backend.open();
    const own = new SqlOid4vpStore(damaged.db);
    // Get past the CHECKs the way a damaged or hand-edited database would.
    if (damaged.dialect === 'sqlite') {
      await sql`pragma ignore_check_constraints = on`.execute(damaged.db);
    } else {
      await sql`alter table verifier_transactions drop constraint verifier_transactions_response_mode`.execute(
        damaged.db,
      );
      await sql`alter table verifier_transactions drop constraint verifier_transactions_outcome`.execute(
        damaged.db,
      );
    }
    const tx = makeTransaction();
    await own.createTransaction(tx);
    await sql`update verifier_transactions set response_mode = 'fragment' where id = ${tx.id}`.execute(
      damaged.db,
    );
    await expect(own.findTransaction(tx.id)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
    const answered = makeTransaction();
    await own.createTransaction(answered);
    expect(await own.completeTransaction(answered.id, ACCEPTED, NOW)).toBe(true);
    await sql`update verifier_transactions set outcome = 'maybe' where id = ${answered.id}`.execute(
      damaged.db,
    );
    await expect(own.findTransactionByRequestId(answered.requestIdHash)).rejects.toEqual(
      code('SERVER_STORE_RECORD_INVALID'),
    );
  });

  test('purgeTransactions deletes the transactions expired before the cut-off, results included', async () => {
    const purge = new SqlOid4vpStore((await backend.open()).db);
    const early = makeTransaction({ expiresAt: NOW + 10 });
    const answered = makeTransaction({ expiresAt: NOW + 20 });
    const atCutOff = makeTransaction({ expiresAt: NOW + 30 });
    const late = makeTransaction({ expiresAt: NOW + 40 });
    for (const tx of [early, answered, atCutOff, late]) await purge.createTransaction(tx);
    expect(await purge.completeTransaction(answered.id, { ...ACCEPTED, sealedResult: 's' }, NOW)).toBe(true);

    expect(await purge.purgeTransactions(NOW + 30)).toBe(2);
    expect(await purge.findTransaction(early.id)).toBeUndefined();
    expect(await purge.findTransaction(answered.id)).toBeUndefined();
    expect(await purge.findTransaction(atCutOff.id)).toEqual(atCutOff);
    expect(await purge.findTransaction(late.id)).toEqual(late);
    expect(await purge.purgeTransactions(NOW + 30)).toBe(0);
  });
});

describe.each(sqlBackends())('PurposeStore contract — $name', (backend) => {
  let database: HavenDatabase;
  let store: SqlPurposeStore;

  beforeAll(async () => {
    database = await backend.open();
    store = new SqlPurposeStore(database.db);
  });

  test('putPurpose creates then updates; getPurpose and listPurposes read it back; deletePurpose removes it', async () => {
    const purpose = makePurpose();
    expect(await store.putPurpose(purpose, NOW)).toBe('created');
    expect(await store.getPurpose(purpose.id)).toEqual(purpose);

    const changed = makePurpose({
      id: purpose.id,
      description: 'A bar checks age and nothing else.',
      credentialTypes: { 'identity-restoration': [['age_over_18']] },
    });
    expect(await store.putPurpose(changed, NOW + 1)).toBe('updated');
    expect(await store.getPurpose(purpose.id)).toEqual(changed);
    const { rows } = await sql<{ created_at: unknown; updated_at: unknown }>`
      select created_at, updated_at from verifier_purposes where id = ${purpose.id}`.execute(database.db);
    expect(rows.map((r) => [Number(r.created_at), Number(r.updated_at)])).toEqual([[NOW, NOW + 1]]);

    const other = makePurpose({ id: `a-${purpose.id}` });
    expect(await store.putPurpose(other, NOW)).toBe('created');
    expect(await store.listPurposes()).toEqual([other, changed]);

    expect(await store.deletePurpose(purpose.id)).toBe(true);
    expect(await store.deletePurpose(purpose.id)).toBe(false);
    expect(await store.getPurpose(purpose.id)).toBeUndefined();
    expect(await store.listPurposes()).toEqual([other]);
    expect(await store.deletePurpose(other.id)).toBe(true);
  });

  test('putPurpose refuses a malformed purpose and a built-in purpose id, and stores nothing', async () => {
    const extra = { ...makePurpose(), extra: 'x' } as Purpose;
    await expect(store.putPurpose(extra, NOW)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
    const unknownClaim = makePurpose({ credentialTypes: { 'refugee-registration': [['no_such_claim']] } });
    await expect(store.putPurpose(unknownClaim, NOW)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
    await expect(store.putPurpose(makePurpose({ id: 'age-check' }), NOW)).rejects.toEqual(
      code('SERVER_STORE_CONFLICT'),
    );
    await expect(store.putPurpose(makePurpose(), -1)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
    expect(await store.getPurpose(extra.id)).toBeUndefined();
    expect(await store.getPurpose('age-check')).toBeUndefined();
  });

  test('20 concurrent putPurpose calls of a new id on one handle: exactly one creates it', async () => {
    const purpose = makePurpose();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.putPurpose(purpose, NOW + i)),
    );
    expect(results.filter((r) => r === 'created')).toHaveLength(1);
    expect(await store.getPurpose(purpose.id)).toEqual(purpose);
  });

  test('a damaged stored purpose is a typed error, never a purpose', async () => {
    const purpose = makePurpose();
    await store.putPurpose(purpose, NOW);
    const damage = [
      'not json',
      JSON.stringify({ ...purpose, credentialTypes: { 'refugee-registration': [['no_such_claim']] } }),
      JSON.stringify({ ...purpose, id: 'someone-else' }),
      'null',
    ];
    for (const text of damage) {
      await sql`update verifier_purposes set purpose = ${text} where id = ${purpose.id}`.execute(database.db);
      await expect(store.getPurpose(purpose.id)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
      await expect(store.listPurposes()).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
    }
    expect(await store.deletePurpose(purpose.id)).toBe(true);
  });
});

describe.each(sqlBackends())('verifier stores on two handles (two server processes) — $name', (backend) => {
  test('openid4vp §14.1: 50 concurrent completeTransaction calls across two handles, exactly one wins', async () => {
    const [a, b] = await backend.openTwo();
    const storeA = new SqlOid4vpStore(a.db);
    const storeB = new SqlOid4vpStore(b.db);
    const tx = makeTransaction();
    await storeA.createTransaction(tx);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? storeA : storeB).completeTransaction(tx.id, { ...ACCEPTED, sealedResult: `r${i}` }, NOW),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await storeB.findTransaction(tx.id))?.sealedResult).toBe(`r${results.indexOf(true)}`);
  });

  // SQLite: collecting and creating a purpose are a read and a write in one `BEGIN IMMEDIATE`
  // transaction. Two handles in ONE process cannot race them: better-sqlite3 waits for the lock
  // synchronously, blocking the event loop the lock holder needs to commit. Separate processes do not
  // share an event loop; in one process the handle's own connection serialises them (tested above).
  test.skipIf(backend.name === 'sqlite')(
    '50 concurrent collectTransaction calls across two handles: the result is handed out once',
    async () => {
      const [a, b] = await backend.openTwo();
      const storeA = new SqlOid4vpStore(a.db);
      const storeB = new SqlOid4vpStore(b.db);
      const tx = makeTransaction();
      await storeA.createTransaction(tx);
      expect(await storeB.completeTransaction(tx.id, { ...ACCEPTED, sealedResult: 'the-result' }, NOW)).toBe(
        true,
      );
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? storeA : storeB).collectTransaction(tx.id, NOW + 1)),
      );
      const handedOut = results.filter((r) => r !== undefined);
      expect(handedOut).toHaveLength(1);
      expect(handedOut[0]?.sealedResult).toBe('the-result');
      expect((await rawTransaction(a, tx.id))?.sealed_result).toBeNull();
    },
  );

  test.skipIf(backend.name === 'sqlite')(
    'concurrent putPurpose of a new id across two handles: exactly one creates it',
    async () => {
      const [a, b] = await backend.openTwo();
      const storeA = new SqlPurposeStore(a.db);
      const storeB = new SqlPurposeStore(b.db);
      const purpose = makePurpose();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? storeA : storeB).putPurpose(purpose, NOW + i)),
      );
      expect(results.filter((r) => r === 'created')).toHaveLength(1);
      expect(await storeB.getPurpose(purpose.id)).toEqual(purpose);
    },
  );
});
