import { HavenError } from '@haven/core';
import type { Kysely, Selectable } from 'kysely';
import { failServer } from '../errors.js';
import type {
  CredentialRegistry,
  CredentialSearch,
  CredentialState,
  IssuedCredentialRecord,
} from './contracts.js';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.js';
import type { CredentialsTable, HavenSchema } from './schema.js';
import {
  assertEpoch,
  assertKey,
  assertOneOf,
  MAX_KEY_LENGTH,
  pageLimit,
  toOptionalInteger,
  toSafeInteger,
  withConstraintErrors,
} from './sql-values.js';
import { writeTransaction } from './write-transaction.js';

const STATES: readonly CredentialState[] = ['active', 'suspended', 'revoked'];
const FORMATS = ['dc+sd-jwt', 'jwt_vc_json', 'ldp_vc'] as const;
// The only names a search may filter or page by; everything else is refused, never passed on.
const SEARCH_KEYS: ReadonlySet<string> = new Set(['credentialType', 'state', 'offerId', 'limit', 'cursor']);

function toRecord(row: Selectable<CredentialsTable>): IssuedCredentialRecord {
  const expiresAt = toOptionalInteger(row.expires_at);
  return {
    id: row.id,
    offerId: row.offer_id,
    credentialType: row.credential_type,
    configurationId: row.configuration_id,
    format: row.format,
    statusListId: row.status_list_id,
    statusIndex: toSafeInteger(row.status_index),
    state: row.state as CredentialState,
    issuedAt: toSafeInteger(row.issued_at),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    updatedAt: toSafeInteger(row.updated_at),
  };
}

/**
 * The status-list entry value of a state. Token Status List (§7.1): 0 valid, 1 invalid (revoked),
 * 2 suspended, and the list needs 2 bits to say suspended. Bitstring lists (W3C) have one purpose per
 * list and one bit: 1 means the purpose applies. A revocation list cannot say "suspended" (refused); a
 * suspension list says "revoked" as a suspension that is never lifted (revocation is final here).
 */
function statusValueOf(
  list: { mechanism: string; purpose: string | null; bits: number },
  state: CredentialState,
): number {
  if (state === 'active') return 0;
  if (list.mechanism === 'bitstring-status-list') {
    if (state === 'suspended' && list.purpose !== 'suspension') {
      throw new HavenError('STATUS_BITS_INVALID', 'a revocation status list cannot mark a suspension');
    }
    return 1;
  }
  const value = state === 'revoked' ? 1 : 2;
  if (value > 2 ** list.bits - 1) {
    throw new HavenError('STATUS_BITS_INVALID', 'the status list has too few bits to mark a suspension');
  }
  return value;
}

function checkSearchString(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) {
    failServer('SERVER_STORE_QUERY_INVALID', `${what} must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  return value;
}

type NewCredential = Omit<IssuedCredentialRecord, 'updatedAt'>;

/** The checks every newly issued record passes before it reaches the database. */
function checkIssuedRecord(record: NewCredential): void {
  assertKey(record.id, 'credential id');
  assertKey(record.offerId, 'offerId');
  assertKey(record.credentialType, 'credentialType');
  assertKey(record.configurationId, 'configurationId');
  assertOneOf(record.format, FORMATS, 'format');
  assertKey(record.statusListId, 'statusListId', 64);
  assertEpoch(record.statusIndex, 'statusIndex');
  assertOneOf(record.state, STATES, 'state');
  assertEpoch(record.issuedAt, 'issuedAt');
  if (record.expiresAt !== undefined) assertEpoch(record.expiresAt, 'expiresAt');
}

/** A new record as a `credentials` row. */
function credentialRow(record: NewCredential) {
  return {
    id: record.id,
    offer_id: record.offerId,
    credential_type: record.credentialType,
    configuration_id: record.configurationId,
    format: record.format,
    status_list_id: record.statusListId,
    status_index: record.statusIndex,
    state: record.state,
    issued_at: record.issuedAt,
    expires_at: record.expiresAt ?? null,
    updated_at: record.issuedAt,
  };
}

/**
 * The issued-credentials registry ({@link CredentialRegistry}) in SQL. A state change and the credential's
 * status-list entry are written in ONE transaction, so the registry and the published list never
 * disagree, and revocation is final in the database's WHERE clause, not only in code. Search takes only
 * the allow-listed filters, always as bound parameters, and pages by keyset with an opaque cursor.
 *
 * @example
 * ```ts
 * const registry = new SqlCredentialRegistry(db);
 * await registry.setCredentialState(credentialId, 'revoked', now);
 * ```
 */
export class SqlCredentialRegistry implements CredentialRegistry {
  readonly #db: Kysely<HavenSchema>;

  constructor(db: Kysely<HavenSchema>) {
    this.#db = db;
  }

  /**
   * Records an issued credential and sets its status-list entry to its state, in one transaction. The
   * entry must have been claimed (`SERVER_STORE_NOT_FOUND` otherwise); an id or entry used twice is
   * `SERVER_STORE_CONFLICT`.
   */
  async recordIssued(record: Omit<IssuedCredentialRecord, 'updatedAt'>): Promise<void> {
    checkIssuedRecord(record);
    await withConstraintErrors('recordIssued', () =>
      writeTransaction(this.#db, async (tx) => {
        // The insert first: on SQLite the transaction takes the write lock before it reads anything.
        await tx.insertInto('credentials').values(credentialRow(record)).execute();
        await this.#writeStatus(tx, record.statusListId, record.statusIndex, record.state);
      }),
    );
  }

  /**
   * Records many newly issued, `active` credentials (a bulk issuance) in ONE transaction: multi-row
   * inserts, then their status entries set VALID (one statement per list). All or nothing: an entry
   * never claimed, an id or entry used twice fails the whole call (`SERVER_STORE_NOT_FOUND` /
   * `SERVER_STORE_CONFLICT`) and nothing is recorded.
   */
  async recordIssuedMany(records: readonly Omit<IssuedCredentialRecord, 'updatedAt'>[]): Promise<void> {
    for (const record of records) {
      if (record.state !== 'active') failServer('SERVER_STORE_QUERY_INVALID', 'a new credential is active');
      checkIssuedRecord(record);
    }
    if (records.length === 0) return;
    // 11 bound parameters a row: below SQLite's historic limit of 999 and PostgreSQL's 65,535.
    const chunk = 80;
    const byList = new Map<string, number[]>();
    for (const r of records) {
      const list = byList.get(r.statusListId);
      if (list === undefined) byList.set(r.statusListId, [r.statusIndex]);
      else list.push(r.statusIndex);
    }
    await withConstraintErrors('recordIssuedMany', () =>
      writeTransaction(this.#db, async (tx) => {
        for (let start = 0; start < records.length; start += chunk) {
          await tx
            .insertInto('credentials')
            .values(records.slice(start, start + chunk).map(credentialRow))
            .execute();
        }
        for (const [listId, indexes] of byList) {
          for (let start = 0; start < indexes.length; start += 1000) {
            const part = indexes.slice(start, start + 1000);
            const updated = await tx
              .updateTable('status_entries')
              .set({ value: 0 })
              .where('list_id', '=', listId)
              .where('idx', 'in', part)
              .returning('idx')
              .execute();
            if (updated.length !== new Set(part).size) {
              failServer('SERVER_STORE_NOT_FOUND', 'a status entry was never allocated');
            }
          }
        }
      }),
    );
  }

  async #writeStatus(
    tx: Kysely<HavenSchema>,
    listId: string,
    index: number,
    state: CredentialState,
  ): Promise<void> {
    const list = await tx
      .selectFrom('status_lists')
      .select(['mechanism', 'purpose', 'bits'])
      .where('id', '=', listId)
      .executeTakeFirst();
    if (list === undefined) failServer('SERVER_STORE_NOT_FOUND', 'the status list does not exist');
    const value = statusValueOf({ ...list, bits: toSafeInteger(list.bits) }, state);
    const updated = await tx
      .updateTable('status_entries')
      .set({ value })
      .where('list_id', '=', listId)
      .where('idx', '=', index)
      .returning('idx')
      .executeTakeFirst();
    if (updated === undefined) failServer('SERVER_STORE_NOT_FOUND', 'the status entry was never allocated');
  }

  async getCredential(id: string): Promise<IssuedCredentialRecord | undefined> {
    const row = await this.#db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  /**
   * Credentials newest first, filtered by type, state and offer (all optional, all bound parameters).
   * Unknown filter names, malformed values and a bad `limit` are `SERVER_STORE_QUERY_INVALID`; a cursor
   * this server did not give out is `SERVER_STORE_CURSOR_INVALID`.
   */
  async searchCredentials(
    search: CredentialSearch,
  ): Promise<{ items: readonly IssuedCredentialRecord[]; nextCursor?: string }> {
    if (search === null || typeof search !== 'object') {
      failServer('SERVER_STORE_QUERY_INVALID', 'a search must be an object');
    }
    for (const key of Object.keys(search)) {
      if (!SEARCH_KEYS.has(key)) failServer('SERVER_STORE_QUERY_INVALID', 'unknown search filter');
    }
    const limit = pageLimit(search.limit);
    const credentialType = checkSearchString(search.credentialType, 'credentialType');
    const offerId = checkSearchString(search.offerId, 'offerId');
    if (search.state !== undefined && !STATES.includes(search.state)) {
      failServer('SERVER_STORE_QUERY_INVALID', `state must be one of ${STATES.join(', ')}`);
    }
    const position = search.cursor === undefined ? undefined : decodeKeysetCursor(search.cursor);
    let query = this.#db
      .selectFrom('credentials')
      .selectAll()
      .orderBy('issued_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (credentialType !== undefined) query = query.where('credential_type', '=', credentialType);
    if (search.state !== undefined) query = query.where('state', '=', search.state);
    if (offerId !== undefined) query = query.where('offer_id', '=', offerId);
    if (position !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('issued_at', '<', position.at),
          eb.and([eb('issued_at', '=', position.at), eb('id', '<', position.id)]),
        ]),
      );
    }
    const rows = await query.execute();
    const items = rows.slice(0, limit).map(toRecord);
    const last = items.at(-1);
    return rows.length > limit && last !== undefined
      ? { items, nextCursor: encodeKeysetCursor({ at: last.issuedAt, id: last.id }) }
      : { items };
  }

  async setCredentialState(id: string, state: CredentialState, now: number): Promise<boolean> {
    assertOneOf(state, STATES, 'state');
    assertEpoch(now, 'now');
    return writeTransaction(this.#db, async (tx) => {
      // The conditional UPDATE comes first: it takes the row lock (PostgreSQL) or the write lock
      // (SQLite) before anything is read, and `state <> 'revoked'` makes revocation final in the
      // database. If the status entry cannot be written, the whole change rolls back.
      const row = await tx
        .updateTable('credentials')
        .set({ state, updated_at: now })
        .where('id', '=', id)
        .where('state', '<>', 'revoked')
        .returning(['status_list_id', 'status_index'])
        .executeTakeFirst();
      if (row === undefined) return false;
      await this.#writeStatus(tx, row.status_list_id, toSafeInteger(row.status_index), state);
      return true;
    });
  }
}
