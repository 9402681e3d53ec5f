import { PURPOSES, type Purpose, parsePurpose } from '@haven/credentials';
import { type Kysely, SqliteAdapter, sql } from 'kysely';
import { failServer } from '../errors.js';
import type { PurposeStore } from './contracts.js';
import type { VerifierSchema } from './migration-0003-verifier.js';
import type { HavenSchema } from './schema.js';
import { assertEpoch, assertKey, toSafeInteger } from './sql-values.js';
import { writeTransaction } from './write-transaction.js';

/**
 * A stored purpose as read back: the database is not trusted to keep it intact, and a damaged
 * registration must never widen what a verifier may ask for, so it goes through `parsePurpose` again.
 */
function readPurpose(id: string, text: string): Purpose {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    failServer('SERVER_STORE_RECORD_INVALID', 'a stored purpose is not JSON');
  }
  let purpose: Purpose;
  try {
    purpose = parsePurpose(value);
  } catch (error) {
    failServer('SERVER_STORE_RECORD_INVALID', 'a stored purpose is malformed', { cause: error });
  }
  if (purpose.id !== id) failServer('SERVER_STORE_RECORD_INVALID', 'a stored purpose is under another id');
  return purpose;
}

/**
 * The verifier's registered purposes ({@link PurposeStore}) in SQL, the same on SQLite and PostgreSQL.
 * Each purpose is checked with `parsePurpose` on the way in and again on the way out. The ids of Haven's
 * built-in `PURPOSES` are reserved: a registration can never shadow one.
 *
 * @example
 * ```ts
 * const purposes = new SqlPurposeStore(db);
 * await purposes.putPurpose(parsePurpose(body), now); // 'created' or 'updated'
 * ```
 */
export class SqlPurposeStore implements PurposeStore {
  readonly #db: Kysely<HavenSchema & VerifierSchema>;
  readonly #sqlite: boolean;

  constructor(db: Kysely<HavenSchema>) {
    this.#db = db.withTables<VerifierSchema>();
    this.#sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  }

  async putPurpose(purpose: Purpose, now: number): Promise<'created' | 'updated'> {
    assertEpoch(now, 'now');
    let checked: Purpose;
    try {
      checked = parsePurpose(purpose);
    } catch (error) {
      failServer('SERVER_STORE_RECORD_INVALID', 'purpose is not a valid purpose', { cause: error });
    }
    if (Object.hasOwn(PURPOSES, checked.id)) {
      failServer('SERVER_STORE_CONFLICT', 'the purpose id is reserved by a built-in purpose');
    }
    const text = JSON.stringify(checked);
    const upsert = (db: Kysely<HavenSchema & VerifierSchema>) =>
      db
        .insertInto('verifier_purposes')
        .values({ id: checked.id, purpose: text, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ purpose: text, updated_at: now }));
    if (this.#sqlite) {
      // SQLite has no way to tell an inserted row from an updated one in RETURNING: the look and the
      // upsert share one `BEGIN IMMEDIATE` transaction, so no other process writes in between.
      return writeTransaction(this.#db, async (tx) => {
        const existing = await tx
          .selectFrom('verifier_purposes')
          .select('id')
          .where('id', '=', checked.id)
          .executeTakeFirst();
        await upsert(tx).execute();
        return existing === undefined ? 'created' : 'updated';
      });
    }
    // PostgreSQL: one statement; a row the statement inserted has no deleting transaction (`xmax = 0`),
    // a row it updated on conflict has this one. Two concurrent creators: one inserts, the other updates.
    const row = await upsert(this.#db)
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .executeTakeFirstOrThrow();
    return row.inserted ? 'created' : 'updated';
  }

  async getPurpose(id: string): Promise<Purpose | undefined> {
    const row = await this.#db
      .selectFrom('verifier_purposes')
      .select(['id', 'purpose'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : readPurpose(row.id, row.purpose);
  }

  async listPurposes(): Promise<Purpose[]> {
    const rows = await this.#db
      .selectFrom('verifier_purposes')
      .select(['id', 'purpose'])
      .orderBy('id')
      .execute();
    return rows.map((row) => readPurpose(row.id, row.purpose));
  }

  async deletePurpose(id: string): Promise<boolean> {
    assertKey(id, 'purpose id');
    const result = await this.#db.deleteFrom('verifier_purposes').where('id', '=', id).executeTakeFirst();
    return toSafeInteger(result.numDeletedRows) > 0;
  }
}
