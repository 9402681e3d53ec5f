import { randomBase64Url } from '@haven/core';
import {
  allocateStatusIndex,
  allocateStatusIndexes,
  MemoryStatusListStore,
  MIN_STATUS_LIST_SIZE,
  type StatusListStore,
} from '@haven/status';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HavenDatabase } from './open-database.js';
import { SqlStatusListStore } from './sql-status-list-store.js';
import { POSTGRES_URL, removeTestDatabases, sqlBackends } from './test-backends.test-helper.js';

const code = (c: string) => expect.objectContaining({ code: c });

interface Backend {
  name: string;
  open(): Promise<{ store: StatusListStore; database?: HavenDatabase; close(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'memory',
    open: async () => ({ store: new MemoryStatusListStore(), close: async () => {} }),
  },
  ...sqlBackends().map((backend) => ({
    name: backend.name,
    open: async () => {
      const database = await backend.open();
      return { store: new SqlStatusListStore(database.db), database, close: () => database.close() };
    },
  })),
];

afterAll(removeTestDatabases);

describe.each(BACKENDS)('StatusListStore contract — $name', (backend) => {
  let store: StatusListStore;
  let close: () => Promise<void>;
  let database: HavenDatabase | undefined;

  beforeAll(async () => {
    const opened = await backend.open();
    store = opened.store;
    close = opened.close;
    database = opened.database;
    return () => close();
  });

  test('create, claim once, set and read back; used counts claims', async () => {
    const id = randomBase64Url(12);
    const record = await store.createList({
      id,
      mechanism: 'token-status-list',
      size: MIN_STATUS_LIST_SIZE,
      bits: 2,
    });
    expect(record.used).toBe(0);
    await expect(
      store.createList({ id, mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 }),
    ).rejects.toEqual(code('STATUS_STORE_CONFLICT'));
    expect(await store.claimIndex(id, 4242)).toBe(true);
    expect(await store.claimIndex(id, 4242)).toBe(false);
    expect(await store.getStatus(id, 4242)).toBe(0);
    await store.setStatus(id, 4242, 2);
    expect(await store.getStatus(id, 4242)).toBe(2);
    const { record: read, values } = await store.readList(id);
    expect(read.used).toBe(1);
    expect(values.length).toBe(MIN_STATUS_LIST_SIZE);
    expect(values[4242]).toBe(2);
    expect(values.reduce((a, b) => a + b, 0)).toBe(2);
  });

  test('out of range, never allocated, values beyond the bits, unknown lists: refused with codes', async () => {
    const id = randomBase64Url(12);
    await store.createList({ id, mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 });
    for (const bad of [-1, 1.5, MIN_STATUS_LIST_SIZE, Number.NaN]) {
      await expect(store.claimIndex(id, bad)).rejects.toEqual(code('STATUS_INDEX_OUT_OF_RANGE'));
    }
    await expect(store.setStatus(id, 9, 1)).rejects.toEqual(code('STATUS_INDEX_OUT_OF_RANGE'));
    await store.claimIndex(id, 9);
    await expect(store.setStatus(id, 9, 4)).rejects.toEqual(code('STATUS_BITS_INVALID'));
    await expect(store.getStatus('no-such-list', 0)).rejects.toEqual(code('STATUS_LIST_NOT_FOUND'));
    await expect(store.claimIndex('no-such-list', 0)).rejects.toEqual(code('STATUS_LIST_NOT_FOUND'));
  });

  test('allocation over the store: random distinct indexes; bitstring lists by purpose', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const { listId, index } = await allocateStatusIndex(store, {
        mechanism: 'bitstring-status-list',
        purpose: 'suspension',
      });
      seen.add(`${listId}:${index}`);
    }
    expect(seen.size).toBe(40);
    const lists = await store.listsWithRoom('bitstring-status-list', 'suspension', 1);
    expect(lists.some((l) => l.used >= 40)).toBe(true);
    expect(await store.listsWithRoom('bitstring-status-list', 'revocation', 1)).toEqual([]);
  });

  test('50 concurrent claims of one index: exactly one wins (the database decides, not memory)', async () => {
    const id = randomBase64Url(12);
    await store.createList({ id, mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 });
    const results = await Promise.all(Array.from({ length: 50 }, () => store.claimIndex(id, 777)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.readList(id)).record.used).toBe(1);
  });

  test('claimIndexes: one step takes the free indexes once, skips taken ones, refuses out of range', async () => {
    const id = randomBase64Url(12);
    await store.createList({ id, mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 });
    const claimIndexes = store.claimIndexes?.bind(store);
    expect(claimIndexes).toBeDefined();
    if (claimIndexes === undefined) return;
    await store.claimIndex(id, 3);
    expect([...(await claimIndexes(id, [1, 3, 2, 1]))].sort((a, b) => a - b)).toEqual([1, 2]);
    expect((await store.readList(id)).record.used).toBe(3);
    for (const bad of [-1, 1.5, MIN_STATUS_LIST_SIZE, Number.NaN]) {
      await expect(claimIndexes(id, [10, bad])).rejects.toEqual(code('STATUS_INDEX_OUT_OF_RANGE'));
    }
    // Nothing of a refused batch was taken.
    expect(await store.claimIndex(id, 10)).toBe(true);
    await expect(claimIndexes('no-such-list', [1])).rejects.toEqual(code('STATUS_LIST_NOT_FOUND'));
    expect(await claimIndexes(id, [])).toEqual([]);
    // More rows than one insert chunk on any backend.
    const many = Array.from({ length: 9000 }, (_, i) => 20 + i * 7);
    expect(await claimIndexes(id, many)).toHaveLength(9000);
    expect((await store.readList(id)).record.used).toBe(9004);
  });

  test('two concurrent batch claims over the same indexes never share one; used counts each once', async () => {
    const id = randomBase64Url(12);
    await store.createList({ id, mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 });
    const a = Array.from({ length: 600 }, (_, i) => i * 3);
    const b = Array.from({ length: 600 }, (_, i) => i * 2);
    const none: readonly number[] = [];
    const [takenA, takenB] = await Promise.all([
      store.claimIndexes?.(id, a) ?? none,
      store.claimIndexes?.(id, b) ?? none,
    ]);
    const overlap = takenA.filter((i) => takenB.includes(i));
    expect(overlap).toEqual([]);
    const union = new Set([...a, ...b]);
    expect(takenA.length + takenB.length).toBe(union.size);
    expect((await store.readList(id)).record.used).toBe(union.size);
  });

  test('bulk allocation over the store: 1,500 distinct indexes, list counts agree', async () => {
    const slots = await allocateStatusIndexes(store, 1500, {
      mechanism: 'bitstring-status-list',
      purpose: 'revocation',
    });
    expect(new Set(slots.map((s) => `${s.listId}:${s.index}`)).size).toBe(1500);
    const listId = slots[0]?.listId as string;
    expect(slots.every((s) => s.listId === listId)).toBe(true);
    expect((await store.readList(listId)).record.used).toBeGreaterThanOrEqual(1500);
  });

  test('the schema holds the invariants itself: a duplicate entry row is refused by the database', async () => {
    if (database === undefined) return;
    const id = randomBase64Url(12);
    await store.createList({ id, mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 });
    await store.claimIndex(id, 1);
    await expect(
      database.db.insertInto('status_entries').values({ list_id: id, idx: 1 }).execute(),
    ).rejects.toThrow();
    await expect(
      sql`update status_lists set bits = 3 where id = ${id}`.execute(database.db),
    ).rejects.toThrow();
  });
});

describe.runIf(POSTGRES_URL !== undefined)('PostgreSQL across processes-worth of connections', () => {
  test('two independent pools (two server instances) racing for one index: exactly one wins', async () => {
    const postgres = sqlBackends().find((b) => b.name === 'postgres');
    if (postgres === undefined) return;
    const [a, b] = await postgres.openTwo();
    const storeA = new SqlStatusListStore(a.db);
    const storeB = new SqlStatusListStore(b.db);
    const id = randomBase64Url(12);
    await storeA.createList({ id, mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 });
    const claims = Array.from({ length: 50 }, (_, i) =>
      (i % 2 === 0 ? storeA : storeB).claimIndex(id, 31337),
    );
    const results = await Promise.all(claims);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await storeB.readList(id)).record.used).toBe(1);
  });

  test('two pools allocating batches at once: never one index twice, used equals the entries', async () => {
    const postgres = sqlBackends().find((b) => b.name === 'postgres');
    if (postgres === undefined) return;
    const [a, b] = await postgres.openTwo();
    const stores = [new SqlStatusListStore(a.db), new SqlStatusListStore(b.db)];
    const id = randomBase64Url(12);
    await stores[0]?.createList({ id, mechanism: 'token-status-list', size: MIN_STATUS_LIST_SIZE, bits: 2 });
    const wanted = Array.from({ length: 2000 }, (_, i) => i);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => stores[i % 2]?.claimIndexes(id, wanted) ?? Promise.resolve([])),
    );
    const all = results.flat();
    expect(all).toHaveLength(2000);
    expect(new Set(all).size).toBe(2000);
    expect((await stores[1]?.readList(id))?.record.used).toBe(2000);
  });
});
