// Test helper (not built, not a test file): the SQL backends every store contract suite runs on, a fresh
// PostgreSQL schema per database so runs never see each other's rows, and the clean-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBase64Url } from '@haven/core';
import pg from 'pg';
import { type HavenDatabase, type OpenDatabaseOptions, openDatabase } from './open-database.js';

/** `HAVEN_TEST_POSTGRES_URL`, e.g. postgres://postgres@127.0.0.1:5432/test; PostgreSQL suites skip without it. */
export const POSTGRES_URL = process.env.HAVEN_TEST_POSTGRES_URL;
const REQUIRE_POSTGRES = process.env.HAVEN_REQUIRE_POSTGRES === '1';

if (POSTGRES_URL === undefined && !REQUIRE_POSTGRES) {
  console.warn(
    'PostgreSQL store tests are skipped: set HAVEN_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run them',
  );
}
if (POSTGRES_URL === undefined && REQUIRE_POSTGRES) {
  throw new Error('HAVEN_REQUIRE_POSTGRES=1 but HAVEN_TEST_POSTGRES_URL is not set');
}

const tempDirs: string[] = [];
const schemas: string[] = [];
const handles: HavenDatabase[] = [];

/** A PostgreSQL URL whose connections use a fresh schema, so test runs never see each other's rows. */
export async function freshPostgresSchema(url: string): Promise<string> {
  const schema = `haven_test_${randomBase64Url(6)
    .replace(/[^A-Za-z0-9]/g, 'x')
    .toLowerCase()}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  schemas.push(schema);
  const withSchema = new URL(url);
  withSchema.searchParams.set('options', `-c search_path=${schema}`);
  return withSchema.href;
}

/** A path for a new SQLite file in a temporary directory removed by {@link removeTestDatabases}. */
export function freshSqlitePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'haven-store-'));
  tempDirs.push(dir);
  return join(dir, 'haven.db');
}

/** Opens a database that {@link removeTestDatabases} closes (closing twice is harmless). */
export async function openTestDatabase(options: OpenDatabaseOptions): Promise<HavenDatabase> {
  const opened = await openDatabase(options);
  let closed: Promise<void> | undefined;
  const handle: HavenDatabase = {
    db: opened.db,
    dialect: opened.dialect,
    close: () => {
      closed ??= opened.close();
      return closed;
    },
  };
  handles.push(handle);
  return handle;
}

/** One SQL backend: a fresh database, or two independent handles (two "server processes") on one. */
export interface SqlBackend {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<HavenDatabase>;
  openTwo(): Promise<readonly [HavenDatabase, HavenDatabase]>;
}

/** SQLite always; PostgreSQL when `HAVEN_TEST_POSTGRES_URL` is set. */
export function sqlBackends(): SqlBackend[] {
  const sqlite: SqlBackend = {
    name: 'sqlite',
    open: () => openTestDatabase({ url: freshSqlitePath() }),
    openTwo: async () => {
      const url = freshSqlitePath();
      return [await openTestDatabase({ url }), await openTestDatabase({ url })] as const;
    },
  };
  if (POSTGRES_URL === undefined) return [sqlite];
  const postgres: SqlBackend = {
    name: 'postgres',
    open: async () => openTestDatabase({ url: await freshPostgresSchema(POSTGRES_URL) }),
    openTwo: async () => {
      const url = await freshPostgresSchema(POSTGRES_URL);
      return [await openTestDatabase({ url }), await openTestDatabase({ url })] as const;
    },
  };
  return [sqlite, postgres];
}

/** Closes every handle, removes the SQLite files and drops the PostgreSQL schemas (call in `afterAll`). */
export async function removeTestDatabases(): Promise<void> {
  for (const handle of handles.splice(0)) await handle.close();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  if (POSTGRES_URL !== undefined && schemas.length > 0) {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    for (const schema of schemas.splice(0)) await client.query(`drop schema ${schema} cascade`);
    await client.end();
  }
}
