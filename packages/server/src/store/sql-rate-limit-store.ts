import type { Kysely } from 'kysely';
import type { RateLimitStore } from './contracts.js';
import type { HavenSchema } from './schema.js';
import { assertEpoch, assertKey, toSafeInteger } from './sql-values.js';

/**
 * Fixed-window rate-limit counters ({@link RateLimitStore}) shared by every server process. A hit is one
 * upsert that increments in the database and returns the new count, so concurrent hits from any number
 * of processes are all counted exactly.
 *
 * @example
 * ```ts
 * const limits = new SqlRateLimitStore(db);
 * const windowStart = now - (now % 60);
 * if ((await limits.hit(`token:${clientIp}`, windowStart)) > 30) refuse();
 * ```
 */
export class SqlRateLimitStore implements RateLimitStore {
  readonly #db: Kysely<HavenSchema>;

  constructor(db: Kysely<HavenSchema>) {
    this.#db = db;
  }

  async hit(key: string, windowStart: number): Promise<number> {
    assertKey(key, 'rate-limit key', 512);
    assertEpoch(windowStart, 'windowStart');
    const row = await this.#db
      .insertInto('rate_limits')
      .values({ key, window_start: windowStart, count: 1 })
      .onConflict((oc) =>
        oc.columns(['key', 'window_start']).doUpdateSet((eb) => ({ count: eb('rate_limits.count', '+', 1) })),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    return toSafeInteger(row.count);
  }

  /**
   * Drops every window that started before `before`. The store does not know the window length: pass
   * `now - windowLength` to drop the windows that have ended.
   */
  async purge(before: number): Promise<number> {
    assertEpoch(before, 'before');
    const result = await this.#db
      .deleteFrom('rate_limits')
      .where('window_start', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
