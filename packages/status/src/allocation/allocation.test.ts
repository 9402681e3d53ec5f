import { describe, expect, test } from 'vitest';
import {
  allocateStatusIndex,
  allocateStatusIndexes,
  MAX_STATUS_BATCH,
  MIN_STATUS_LIST_SIZE,
} from './allocate-status-index.js';
import { MemoryStatusListStore, type StatusListSnapshot } from './memory-status-list-store.js';
import type { StatusListStore } from './status-list-store.js';

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

describe('bulk allocation: allocateStatusIndexes (same privacy rules, many claims per round trip)', () => {
  test('500 at once: distinct, in range, random (not sequential), one list; used counts them', async () => {
    const store = new MemoryStatusListStore();
    const slots = await allocateStatusIndexes(store, 500, { mechanism: 'token-status-list' });
    expect(slots).toHaveLength(500);
    const indexes = slots.map((s) => s.index);
    expect(new Set(indexes).size).toBe(500);
    expect(indexes.every((i) => Number.isInteger(i) && i >= 0 && i < MIN_STATUS_LIST_SIZE)).toBe(true);
    const ascending = indexes.filter((v, i) => i > 0 && v > (indexes[i - 1] as number)).length;
    expect(ascending).toBeGreaterThan(150);
    expect(ascending).toBeLessThan(350);
    const listId = slots[0]?.listId as string;
    expect(slots.every((s) => s.listId === listId)).toBe(true);
    expect((await store.readList(listId)).record.used).toBe(500);
    // Later single allocations never get one of these.
    const more = await allocateStatusIndexes(store, 300, { mechanism: 'token-status-list' });
    const all = new Set([...indexes, ...more.map((s) => s.index)]);
    expect(all.size).toBe(800);
  });

  test('taken indexes are redrawn: collisions with earlier claims and within a draw', async () => {
    const store = new MemoryStatusListStore();
    await store.createList({ id: 'L', mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 });
    await store.claimIndex('L', 5);
    // One draw of 3: 5 (taken earlier), 5 again (a repeat in the draw), 6, 5, 7 → claims {5, 6, 7} and
    // gets 6 and 7; the redraw for the one missing gets 99.
    const picks = [5, 5, 6, 5, 7];
    const randomInt = (n: number) => (n === MIN_STATUS_LIST_SIZE ? (picks.shift() ?? 99) : 0);
    const slots = await allocateStatusIndexes(store, 3, { mechanism: 'token-status-list', randomInt });
    expect(slots.map((s) => s.index).sort((a, b) => a - b)).toEqual([6, 7, 99]);
    expect((await store.readList('L')).record.used).toBe(4);
  });

  test('a batch larger than the room below maxFill spreads over the old list and new ones', async () => {
    const store = new MemoryStatusListStore();
    const maxFill = 100 / MIN_STATUS_LIST_SIZE;
    const options = { mechanism: 'token-status-list' as const, maxFill };
    await allocateStatusIndexes(store, 60, options);
    const slots = await allocateStatusIndexes(store, 250, options);
    const perList = new Map<string, number>();
    for (const s of slots) perList.set(s.listId, (perList.get(s.listId) ?? 0) + 1);
    expect(perList.size).toBe(4);
    expect([...perList.values()].sort((a, b) => a - b)).toEqual([10, 40, 100, 100]);
    for (const id of perList.keys()) {
      expect((await store.readList(id)).record.used).toBeLessThanOrEqual(100);
    }
    expect(new Set(slots.map((s) => `${s.listId}:${s.index}`)).size).toBe(250);
  });

  test('a store without claimIndexes is served one claim at a time, with the same result rules', async () => {
    const inner = new MemoryStatusListStore();
    const plain: StatusListStore = {
      listsWithRoom: (m, p, f) => inner.listsWithRoom(m, p, f),
      createList: (r) => inner.createList(r),
      claimIndex: (l, i) => inner.claimIndex(l, i),
      setStatus: (l, i, v) => inner.setStatus(l, i, v),
      getStatus: (l, i) => inner.getStatus(l, i),
      readList: (l) => inner.readList(l),
    };
    const slots = await allocateStatusIndexes(plain, 50, {
      mechanism: 'bitstring-status-list',
      purpose: 'revocation',
    });
    expect(new Set(slots.map((s) => s.index)).size).toBe(50);
    expect((await inner.readList(slots[0]?.listId as string)).record).toMatchObject({ used: 50, bits: 1 });
  });

  test('counts outside 1..MAX_STATUS_BATCH and bad policies are refused before anything is claimed', async () => {
    const store = new MemoryStatusListStore();
    for (const bad of [0, -1, 1.5, Number.NaN, MAX_STATUS_BATCH + 1]) {
      await expect(allocateStatusIndexes(store, bad, { mechanism: 'token-status-list' })).rejects.toEqual(
        code('STATUS_POLICY_INVALID'),
      );
    }
    await expect(
      allocateStatusIndexes(store, 2, { mechanism: 'token-status-list', size: 1000 }),
    ).rejects.toEqual(code('STATUS_POLICY_INVALID'));
    expect(store.snapshot()).toEqual([]);
  });

  test('a store that hands back an index it was not asked for is a conflict, not a credential', async () => {
    const inner = new MemoryStatusListStore();
    const lying: StatusListStore = {
      listsWithRoom: (m, p, f) => inner.listsWithRoom(m, p, f),
      createList: (r) => inner.createList(r),
      claimIndex: (l, i) => inner.claimIndex(l, i),
      claimIndexes: async () => [MIN_STATUS_LIST_SIZE + 5],
      setStatus: (l, i, v) => inner.setStatus(l, i, v),
      getStatus: (l, i) => inner.getStatus(l, i),
      readList: (l) => inner.readList(l),
    };
    await expect(allocateStatusIndexes(lying, 3, { mechanism: 'token-status-list' })).rejects.toEqual(
      code('STATUS_STORE_CONFLICT'),
    );
  });
});

describe('MemoryStatusListStore', () => {
  test('claimIndexes takes the free ones once, skips taken and repeated ones, refuses out of range', async () => {
    const store = new MemoryStatusListStore();
    await store.createList({ id: 'L', mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 });
    await store.claimIndex('L', 3);
    expect(await store.claimIndexes('L', [1, 3, 2, 1])).toEqual([1, 2]);
    expect((await store.readList('L')).record.used).toBe(3);
    await expect(store.claimIndexes('L', [4, MIN_STATUS_LIST_SIZE])).rejects.toEqual(
      code('STATUS_INDEX_OUT_OF_RANGE'),
    );
    expect(await store.claimIndex('L', 4)).toBe(true);
    await expect(store.claimIndexes('nope', [1])).rejects.toEqual(code('STATUS_LIST_NOT_FOUND'));
  });

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
