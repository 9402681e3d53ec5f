import { describe, expect, it } from 'vitest';
import type { VerifierTransactionRecord } from './contracts.js';
import { MemoryOid4vpVerifierStore } from './memory-store.js';

const T0 = 1_767_225_600;

function record(id: string, overrides: Partial<VerifierTransactionRecord> = {}): VerifierTransactionRecord {
  return {
    id,
    requestIdHash: `request-hash-${id}`,
    sessionHash: `session-hash-${id}`,
    purposeId: 'age-check',
    responseMode: 'direct_post.jwt',
    sealedRequest: 'sealed-request',
    createdAt: T0,
    expiresAt: T0 + 600,
    ...overrides,
  };
}

const ACCEPTED = { respondedAt: T0 + 5, outcome: 'accepted', sealedResult: 'sealed-result' } as const;

describe('MemoryOid4vpVerifierStore (the Oid4vpVerifierStore contract)', () => {
  it('finds a transaction by id and by request-id hash; ids and request-id hashes are unique', async () => {
    const store = new MemoryOid4vpVerifierStore();
    await store.createTransaction(record('a'));
    expect((await store.findTransaction('a'))?.id).toBe('a');
    expect((await store.findTransactionByRequestId('request-hash-a'))?.id).toBe('a');
    expect(await store.findTransaction('b')).toBeUndefined();
    expect(await store.findTransactionByRequestId('request-hash-b')).toBeUndefined();
    await expect(store.createTransaction(record('a', { requestIdHash: 'other' }))).rejects.toMatchObject({
      code: 'OID4VP_OPTIONS_INVALID',
    });
    await expect(
      store.createTransaction(record('c', { requestIdHash: 'request-hash-a' })),
    ).rejects.toMatchObject({
      code: 'OID4VP_OPTIONS_INVALID',
    });
  });

  it('openid4vp §14.1 completeTransaction is one-time and only before expiry', async () => {
    const store = new MemoryOid4vpVerifierStore();
    await store.createTransaction(record('a'));
    await store.createTransaction(record('b'));
    expect(await store.completeTransaction('a', ACCEPTED, T0 + 5)).toBe(true);
    expect(
      await store.completeTransaction(
        'a',
        { respondedAt: T0 + 6, outcome: 'rejected', errorCode: 'X' },
        T0 + 6,
      ),
    ).toBe(false);
    expect(await store.findTransaction('a')).toMatchObject({
      outcome: 'accepted',
      sealedResult: 'sealed-result',
    });
    expect(await store.findTransaction('a')).not.toHaveProperty('errorCode');
    expect(await store.completeTransaction('b', ACCEPTED, T0 + 600)).toBe(false);
    expect(await store.completeTransaction('missing', ACCEPTED, T0)).toBe(false);
    const results = await Promise.all([
      store.completeTransaction('b', ACCEPTED, T0 + 1),
      store.completeTransaction('b', ACCEPTED, T0 + 1),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('openid4vp §13.3 collectTransaction returns the result once and wipes it', async () => {
    const store = new MemoryOid4vpVerifierStore();
    await store.createTransaction(record('a'));
    expect(await store.collectTransaction('a', T0 + 1)).toBeUndefined(); // no response yet
    await store.completeTransaction('a', ACCEPTED, T0 + 5);
    const before = await store.collectTransaction('a', T0 + 9);
    expect(before?.sealedResult).toBe('sealed-result');
    expect(await store.collectTransaction('a', T0 + 10)).toBeUndefined();
    const after = await store.findTransaction('a');
    expect(after).toMatchObject({ collectedAt: T0 + 9, outcome: 'accepted' });
    expect(after).not.toHaveProperty('sealedResult');
    expect(JSON.stringify(store.snapshot())).not.toContain('sealed-result');
  });

  it('purges transactions that expired before the given time, and only those', async () => {
    const store = new MemoryOid4vpVerifierStore();
    await store.createTransaction(record('old', { expiresAt: T0 + 10 }));
    await store.createTransaction(record('new', { expiresAt: T0 + 100 }));
    expect(await store.purgeTransactions(T0 + 10)).toBe(0);
    expect(await store.purgeTransactions(T0 + 11)).toBe(1);
    expect(await store.findTransaction('old')).toBeUndefined();
    expect(await store.findTransactionByRequestId('request-hash-old')).toBeUndefined();
    expect((await store.findTransaction('new'))?.id).toBe('new');
  });

  it('stored records cannot be changed through a reference a caller holds', async () => {
    const store = new MemoryOid4vpVerifierStore();
    const input = { ...record('a') } as {
      -readonly [K in keyof VerifierTransactionRecord]: VerifierTransactionRecord[K];
    };
    await store.createTransaction(input);
    input.expiresAt = T0 + 99_999;
    expect((await store.findTransaction('a'))?.expiresAt).toBe(T0 + 600);
    const found = await store.findTransaction('a');
    expect(Object.isFrozen(found)).toBe(true);
  });
});
