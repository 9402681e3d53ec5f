import { describe, expect, test } from 'vitest';
import { allocateStatusIndex, MIN_STATUS_LIST_SIZE } from './allocate-status-index.js';
import { MemoryStatusListStore, type StatusListSnapshot } from './memory-status-list-store.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('status index allocation (status-list §13.2 unlinkability; herd privacy)', () => {
  test('indexes are random, distinct and not sequential; one list serves many credentials', async () => {
    const store = new MemoryStatusListStore();
    const indexes: number[] = [];
    let listId: string | undefined;
    for (let i = 0; i < 500; i++) {
      const allocated = await allocateStatusIndex(store, { mechanism: 'token-status-list' });
      listId ??= allocated.listId;
      expect(allocated.listId).toBe(listId);
      indexes.push(allocated.index);
    }
    expect(new Set(indexes).size).toBe(500);
    // Sequential or monotonic allocation would leak issuance order.
    const ascending = indexes.filter((v, i) => i > 0 && v > (indexes[i - 1] as number)).length;
    expect(ascending).toBeGreaterThan(150);
    expect(ascending).toBeLessThan(350);
    expect(Math.max(...indexes) - Math.min(...indexes)).toBeGreaterThan(MIN_STATUS_LIST_SIZE / 2);
    const { record } = await store.readList(listId as string);
    expect(record).toMatchObject({ size: MIN_STATUS_LIST_SIZE, bits: 2, used: 500 });
  });

  test('a taken index is never handed out again: collisions are retried', async () => {
    const store = new MemoryStatusListStore();
    const picks = [7, 7, 7, 9];
    const randomInt = (n: number) => (n === 1 ? 0 : (picks.shift() ?? 11));
    const first = await allocateStatusIndex(store, { mechanism: 'token-status-list', randomInt });
    const second = await allocateStatusIndex(store, { mechanism: 'token-status-list', randomInt });
    expect([first.index, second.index]).toEqual([7, 9]);
  });

  test('a list past maxFill takes no more; a new list is opened', async () => {
    const store = new MemoryStatusListStore();
    const options = { mechanism: 'token-status-list' as const, maxFill: 2 / MIN_STATUS_LIST_SIZE };
    const a = await allocateStatusIndex(store, options);
    const b = await allocateStatusIndex(store, options);
    const c = await allocateStatusIndex(store, options);
    expect(a.listId).toBe(b.listId);
    expect(c.listId).not.toBe(a.listId);
  });

  test('bitstring lists are 1-bit with a purpose; token lists have no purpose; small lists refused', async () => {
    const store = new MemoryStatusListStore();
    await expect(allocateStatusIndex(store, { mechanism: 'bitstring-status-list' })).rejects.toEqual(
      code('STATUS_POLICY_INVALID'),
    );
    await expect(
      allocateStatusIndex(store, { mechanism: 'token-status-list', purpose: 'revocation' }),
    ).rejects.toEqual(code('STATUS_POLICY_INVALID'));
    await expect(allocateStatusIndex(store, { mechanism: 'token-status-list', size: 1000 })).rejects.toEqual(
      code('STATUS_POLICY_INVALID'),
    );
    const rev = await allocateStatusIndex(store, {
      mechanism: 'bitstring-status-list',
      purpose: 'revocation',
    });
    const sus = await allocateStatusIndex(store, {
      mechanism: 'bitstring-status-list',
      purpose: 'suspension',
    });
    expect(rev.listId).not.toBe(sus.listId);
    expect(rev.record.bits).toBe(1);
  });
});

describe('MemoryStatusListStore', () => {
  test('status values are bounded by the list bits, and only allocated indexes can be set', async () => {
    const store = new MemoryStatusListStore();
    const { listId, index } = await allocateStatusIndex(store, { mechanism: 'token-status-list' });
    await store.setStatus(listId, index, 2);
    expect(await store.getStatus(listId, index)).toBe(2);
    await expect(store.setStatus(listId, index, 4)).rejects.toEqual(code('STATUS_BITS_INVALID'));
    await expect(store.setStatus(listId, (index + 1) % MIN_STATUS_LIST_SIZE, 1)).rejects.toEqual(
      code('STATUS_INDEX_OUT_OF_RANGE'),
    );
    for (const bad of [-1, 1.5, MIN_STATUS_LIST_SIZE, Number.NaN]) {
      await expect(store.getStatus(listId, bad)).rejects.toEqual(code('STATUS_INDEX_OUT_OF_RANGE'));
    }
    await expect(store.getStatus('nope', 0)).rejects.toEqual(code('STATUS_LIST_NOT_FOUND'));
  });

  test('snapshot and restore keep allocations and statuses (used recounted from the claims)', async () => {
    const store = new MemoryStatusListStore();
    const { listId, index } = await allocateStatusIndex(store, { mechanism: 'token-status-list' });
    await store.setStatus(listId, index, 1);
    const copy = new MemoryStatusListStore();
    copy.restore(store.snapshot());
    expect(await copy.getStatus(listId, index)).toBe(1);
    expect(await copy.claimIndex(listId, index)).toBe(false);
    expect((await copy.readList(listId)).record.used).toBe(1);
    const snap = store.snapshot()[0] as StatusListSnapshot;
    expect(() => copy.restore([{ ...snap, values: new Uint8Array(3) }])).toThrow(code('STATUS_LIST_INVALID'));
  });
});
