import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Runs `work` in one write transaction. On PostgreSQL this is Kysely's transaction. On SQLite it starts
 * with `BEGIN IMMEDIATE`: a deferred `BEGIN` that reads first and writes later fails at once with
 * `SQLITE_BUSY_SNAPSHOT` when another process committed in between (WAL mode; the busy timeout does not
 * apply), which several `haven serve` workers sharing one file hit under load. `IMMEDIATE` takes the
 * write lock up front and waits for it under the busy timeout instead.
 *
 * @example
 * ```ts
 * const claimed = await writeTransaction(db, async (tx) => { … });
 * ```
 */
export async function writeTransaction<DB, T>(
  db: Kysely<DB>,
  work: (tx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    return db.transaction().execute(work);
  }
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}
