import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import type { HavenSchema } from './schema.js';
import { toSafeInteger } from './sql-values.js';

// PostgreSQL int8 (epoch seconds, counts, the audit sequence) arrives as text from `pg`: parse it to a
// number here, once for every query, refusing values a JavaScript number cannot hold exactly.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (text: string) => toSafeInteger(text)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

// The database holds sealed claims, HMACs and the audit log: only the server's user reads it.
const FILE_MODE = 0o600;

function errorCode(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** An in-memory or temporary SQLite database has no file whose mode could be set. */
function isSqliteFile(path: string): boolean {
  return path !== '' && path !== ':memory:' && !path.startsWith('file:');
}

/**
 * Sets the SQLite database and its `-wal` / `-shm` companions that exist to 0600 (POSIX only; on
 * Windows the data directory's ACL protects them). SQLite creates the companions with the database
 * file's permissions; the explicit chmod also narrows files an older version left 0644.
 */
function restrictSqliteFiles(path: string): void {
  if (process.platform === 'win32' || !isSqliteFile(path)) return;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, FILE_MODE);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
}

/** Creates the SQLite file 0600 if it is missing, so it is never world-readable, not even briefly. */
function createSqliteFile(path: string): void {
  if (!isSqliteFile(path)) return;
  closeSync(openSync(path, 'a', FILE_MODE));
}

/** An open Haven database: the query layer, which dialect it speaks, and how to close it. */
export interface HavenDatabase {
  readonly db: Kysely<HavenSchema>;
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * `postgres://…` / `postgresql://…` for PostgreSQL (scale-out: several servers share it), or a file
   * path for SQLite (the embedded default, e.g. `./.haven/haven.db`).
   */
  readonly url: string;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
  /** Run migrations on open (default true). */
  readonly migrate?: boolean;
}

/**
 * Opens SQLite or PostgreSQL behind one Kysely query layer and migrates it. SQLite runs in WAL mode with
 * `synchronous = FULL` (an acknowledged revocation survives a power loss), foreign keys on and a busy
 * timeout, so several processes on one machine can share the file. The SQLite file is created 0600 and
 * it, `-wal` and `-shm` are set to 0600 on open (existing files included; POSIX only).
 *
 * @example
 * ```ts
 * const { db, close } = await openDatabase({ url: process.env.DATABASE_URL ?? '.haven/haven.db' });
 * ```
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<HavenDatabase> {
  const url = options.url;
  let result: HavenDatabase;
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: pgTypes });
    const db = new Kysely<HavenSchema>({ dialect: new PostgresDialect({ pool }) });
    result = { db, dialect: 'postgres', close: () => db.destroy() };
    if (options.migrate ?? true) {
      try {
        const { rows } = await pool.query<{ schema: string }>('select current_schema() as schema');
        await migrateToLatest(db as never, { schema: rows[0]?.schema ?? 'public', dialect: 'postgres' });
      } catch (error) {
        await result.close();
        throw error;
      }
    }
    return result;
  } else {
    mkdirSync(dirname(url), { recursive: true, mode: 0o700 });
    createSqliteFile(url);
    restrictSqliteFiles(url);
    const sqlite = new Database(url);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // WAL mode has created -wal and -shm by now; they are set again after the migrations' first writes.
    restrictSqliteFiles(url);
    const db = new Kysely<HavenSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
    result = { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(result.db as never, { dialect: 'sqlite' });
    } catch (error) {
      await result.close();
      throw error;
    }
  }
  restrictSqliteFiles(url);
  return result;
}
