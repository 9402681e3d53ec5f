import { HavenError } from '@haven/core';
import type { Kysely } from 'kysely';
import type { SecretStore } from './contracts.js';
import type { HavenSchema } from './schema.js';
import { assertEpoch, assertKey, assertString } from './sql-values.js';

/** Options of {@link SqlSecretStore}. */
export interface SqlSecretStoreOptions {
  /** The clock for `created_at`, epoch seconds (default: the system clock). */
  readonly now?: () => number;
}

/**
 * Sealed secrets by name ({@link SecretStore}) in SQL. `putIfAbsent` inserts under the name's primary
 * key and does nothing on conflict, then reads what is stored: when several processes start at once and
 * each generates an issuer key, all of them end up using the first one written.
 *
 * @example
 * ```ts
 * const secrets = new SqlSecretStore(db);
 * const sealedKey = await secrets.putIfAbsent('issuer-key:es256', sealAead(candidate, dataKey));
 * ```
 */
export class SqlSecretStore implements SecretStore {
  readonly #db: Kysely<HavenSchema>;
  readonly #now: () => number;

  constructor(db: Kysely<HavenSchema>, options: SqlSecretStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  async putIfAbsent(name: string, value: string): Promise<string> {
    assertKey(name, 'secret name');
    assertString(value, 'secret value');
    const createdAt = this.#now();
    assertEpoch(createdAt, 'now()');
    await this.#db
      .insertInto('secrets')
      .values({ name, value, created_at: createdAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    // Secrets are never deleted, so the row that won is there to read.
    const stored = await this.get(name);
    if (stored === undefined) throw new HavenError('INTERNAL_ERROR', 'a stored secret vanished');
    return stored;
  }

  async get(name: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }
}
