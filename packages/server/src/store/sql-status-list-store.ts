import { HavenError } from '@haven/core';
import type { StatusListRecord, StatusListStore, StatusMechanism } from '@haven/status';
import { type Kysely, type Selectable, SqliteAdapter } from 'kysely';
import type { HavenSchema, StatusListsTable } from './schema.js';
import { writeTransaction } from './write-transaction.js';

function fail(
  code:
    | 'STATUS_LIST_NOT_FOUND'
    | 'STATUS_INDEX_OUT_OF_RANGE'
    | 'STATUS_BITS_INVALID'
    | 'STATUS_STORE_CONFLICT',
  message: string,
): never {
  throw new HavenError(code, message);
}

function toRecord(row: Selectable<StatusListsTable>): StatusListRecord {
  return {
    id: row.id,
    mechanism: row.mechanism as StatusMechanism,
    ...(row.purpose === null ? {} : { purpose: row.purpose as 'revocation' | 'suspension' }),
    size: Number(row.size),
    bits: Number(row.bits) as 1 | 2 | 4 | 8,
    used: Number(row.used),
  };
}

/**
 * `@haven/status`'s {@link StatusListStore} in SQL, the same on SQLite and PostgreSQL. Each method is one
 * statement or one transaction, so any number of server processes can share the database:
 * `claimIndex` is an insert under the (list, index) primary key that does nothing on conflict — the
 * database, not process memory, decides who got an index — and bumps `used` in the same transaction.
 *
 * @example
 * ```ts
 * const store = new SqlStatusListStore(db);
 * const { listId, index } = await allocateStatusIndex(store, { mechanism: 'token-status-list' });
 * ```
 */
export class SqlStatusListStore implements StatusListStore {
  readonly #db: Kysely<HavenSchema>;

  constructor(db: Kysely<HavenSchema>) {
    this.#db = db;
  }

  async #list(db: Kysely<HavenSchema>, listId: string): Promise<StatusListRecord> {
    const row = await db.selectFrom('status_lists').selectAll().where('id', '=', listId).executeTakeFirst();
    if (row === undefined) fail('STATUS_LIST_NOT_FOUND', 'no such status list');
    return toRecord(row);
  }

  async listsWithRoom(
    mechanism: StatusMechanism,
    purpose: StatusListRecord['purpose'],
    maxFill: number,
  ): Promise<readonly StatusListRecord[]> {
    let query = this.#db.selectFrom('status_lists').selectAll().where('mechanism', '=', mechanism);
    query = purpose === undefined ? query.where('purpose', 'is', null) : query.where('purpose', '=', purpose);
    const rows = await query.execute();
    return rows.map(toRecord).filter((r) => r.used < r.size * maxFill);
  }

  async createList(record: Omit<StatusListRecord, 'used'>): Promise<StatusListRecord> {
    const inserted = await this.#db
      .insertInto('status_lists')
      .values({
        id: record.id,
        mechanism: record.mechanism,
        purpose: record.purpose ?? null,
        size: record.size,
        bits: record.bits,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted === undefined) fail('STATUS_STORE_CONFLICT', 'a status list with this id exists');
    return { ...record, used: 0 };
  }

  async claimIndex(listId: string, index: number): Promise<boolean> {
    return writeTransaction(this.#db, async (tx) => {
      const list = await this.#list(tx, listId);
      if (!Number.isSafeInteger(index) || index < 0 || index >= list.size) {
        fail('STATUS_INDEX_OUT_OF_RANGE', 'the index is not in the list');
      }
      const inserted = await tx
        .insertInto('status_entries')
        .values({ list_id: listId, idx: index })
        .onConflict((oc) => oc.columns(['list_id', 'idx']).doNothing())
        .returning('idx')
        .executeTakeFirst();
      if (inserted === undefined) return false;
      await tx
        .updateTable('status_lists')
        .set((eb) => ({ used: eb('used', '+', 1) }))
        .where('id', '=', listId)
        .execute();
      return true;
    });
  }

  /**
   * Takes every free index of `indexes` in ONE write transaction: multi-row inserts under the
   * (list, index) key that do nothing on conflict, returning the rows they made, then `used += taken`.
   * The database decides who gets an index, so concurrent batches (any process) never share one.
   */
  async claimIndexes(listId: string, indexes: readonly number[]): Promise<readonly number[]> {
    // Ascending, so that concurrent batches lock overlapping entries in one order and cannot deadlock
    // (PostgreSQL: an insert waits on another transaction's uncommitted row of the same key).
    const unique = [...new Set(indexes)].sort((a, b) => a - b);
    if (unique.length === 0) return [];
    // Two bound parameters per row: below SQLite's historic 999 and far below PostgreSQL's 65,535.
    const chunk = this.#db.getExecutor().adapter instanceof SqliteAdapter ? 400 : 4000;
    return writeTransaction(this.#db, async (tx) => {
      const list = await this.#list(tx, listId);
      for (const index of unique) {
        if (!Number.isSafeInteger(index) || index < 0 || index >= list.size) {
          fail('STATUS_INDEX_OUT_OF_RANGE', 'the index is not in the list');
        }
      }
      const taken: number[] = [];
      for (let start = 0; start < unique.length; start += chunk) {
        const rows = await tx
          .insertInto('status_entries')
          .values(unique.slice(start, start + chunk).map((idx) => ({ list_id: listId, idx })))
          .onConflict((oc) => oc.columns(['list_id', 'idx']).doNothing())
          .returning('idx')
          .execute();
        for (const row of rows) taken.push(Number(row.idx));
      }
      if (taken.length > 0) {
        // The check constraint `used <= size` holds here too: only new entries of this list are counted.
        await tx
          .updateTable('status_lists')
          .set((eb) => ({ used: eb('used', '+', taken.length) }))
          .where('id', '=', listId)
          .execute();
      }
      return taken;
    });
  }

  async setStatus(listId: string, index: number, value: number): Promise<void> {
    const list = await this.#list(this.#db, listId);
    if (!Number.isSafeInteger(index) || index < 0 || index >= list.size) {
      fail('STATUS_INDEX_OUT_OF_RANGE', 'the index is not in the list');
    }
    const max = 2 ** list.bits - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) {
      fail('STATUS_BITS_INVALID', `a status value must be an integer from 0 to ${max}`);
    }
    const updated = await this.#db
      .updateTable('status_entries')
      .set({ value })
      .where('list_id', '=', listId)
      .where('idx', '=', index)
      .returning('idx')
      .executeTakeFirst();
    if (updated === undefined) fail('STATUS_INDEX_OUT_OF_RANGE', 'the index was never allocated');
  }

  async getStatus(listId: string, index: number): Promise<number> {
    const list = await this.#list(this.#db, listId);
    if (!Number.isSafeInteger(index) || index < 0 || index >= list.size) {
      fail('STATUS_INDEX_OUT_OF_RANGE', 'the index is not in the list');
    }
    const row = await this.#db
      .selectFrom('status_entries')
      .select('value')
      .where('list_id', '=', listId)
      .where('idx', '=', index)
      .executeTakeFirst();
    return row === undefined ? 0 : Number(row.value);
  }

  async readList(listId: string): Promise<{ record: StatusListRecord; values: Uint8Array }> {
    // One transaction, so the record and its entries are one consistent picture for publishing.
    return writeTransaction(this.#db, async (tx) => {
      const record = await this.#list(tx, listId);
      const values = new Uint8Array(record.size);
      const rows = await tx
        .selectFrom('status_entries')
        .select(['idx', 'value'])
        .where('list_id', '=', listId)
        .where('value', '!=', 0)
        .execute();
      for (const row of rows) values[Number(row.idx)] = Number(row.value);
      return { record, values };
    });
  }
}
