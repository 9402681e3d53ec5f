import { randomBase64Url } from '@haven/core';
import { describeDatabase, type HavenDatabase, openDatabase } from '@haven/server';

/** The benchmark's PostgreSQL, unless `HAVEN_BENCH_POSTGRES_URL` names another. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

const CONNECT_TIMEOUT_MS = 5_000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('PostgreSQL did not answer in time')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function withAdminConnection<T>(url: string, use: (database: HavenDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url, migrate: false, poolSize: 1 });
  try {
    return await withTimeout(use(database), CONNECT_TIMEOUT_MS);
  } finally {
    await database.close();
  }
}

/**
 * Runs `use` with a PostgreSQL URL whose connections live in a fresh schema (`search_path`), and drops
 * the schema afterwards whatever happened. When PostgreSQL cannot be reached, says so and returns
 * `undefined` without calling `use`.
 *
 * @example
 * ```ts
 * const result = await withFreshSchema(process.env.HAVEN_BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL, run);
 * ```
 */
export async function withFreshSchema<T>(
  url: string,
  use: (schemaUrl: string) => Promise<T>,
): Promise<T | undefined> {
  const schema = `haven_bench_${randomBase64Url(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  try {
    await withAdminConnection(url, (database) => database.db.schema.createSchema(schema).execute());
  } catch (error) {
    const why = error instanceof Error ? error.message : 'unknown error';
    console.log(`  ${describeDatabase(url)} is not reachable (${why}): skipping the PostgreSQL rows`);
    return undefined;
  }
  try {
    const schemaUrl = new URL(url);
    schemaUrl.searchParams.set('options', `-c search_path=${schema}`);
    return await use(schemaUrl.href);
  } finally {
    await withAdminConnection(url, (database) =>
      database.db.schema.dropSchema(schema).ifExists().cascade().execute(),
    );
  }
}
