import type {
  AccessTokenRecord,
  DeferredRecord,
  OfferDecision,
  OfferRecord,
  Oid4vciIssuerStore,
  TxCodeDescription,
} from '@haven/oid4vci';
import { type Kysely, type Selectable, sql } from 'kysely';
import { failServer } from '../errors.js';
import type { OfferSummary } from './contracts.js';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.js';
import type { DeferredTable, HavenSchema, OffersTable } from './schema.js';
import {
  assertEpoch,
  assertKey,
  assertOneOf,
  assertString,
  MAX_KEY_LENGTH,
  pageLimit,
  toOptionalInteger,
  toSafeInteger,
  withConstraintErrors,
} from './sql-values.js';
import { writeTransaction } from './write-transaction.js';

const DECISIONS: readonly OfferDecision[] = ['approved', 'pending', 'denied'];
const DEFERRED_STATES: readonly DeferredRecord['state'][] = ['pending', 'issued', 'closed'];
const MAX_CONFIGURATIONS = 64;
// What a finished deferred transaction keeps of the holder's public keys: nothing (the column is NOT NULL).
const EMPTY_HOLDER_KEYS = '[]';

// Columns an offer summary may show: never the payload, the sealed offer, or any code hash.
const SUMMARY_COLUMNS = [
  'id',
  'configuration_ids',
  'decision',
  'created_at',
  'expires_at',
  'redeemed_at',
  'withdrawn',
] as const;

/** `JSON.parse` of a stored column: text that is not JSON is a damaged record, not a `SyntaxError`. */
function parseStoredJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    failServer('SERVER_STORE_RECORD_INVALID', `a stored offer has malformed ${what}`);
  }
}

function parseConfigurationIds(text: string): string[] {
  const value = parseStoredJson(text, 'configuration ids');
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    failServer('SERVER_STORE_RECORD_INVALID', 'a stored offer has malformed configuration ids');
  }
  return value;
}

/**
 * The identifiers a token was narrowed to, as read back: the store is not trusted to keep them intact,
 * and a token must never turn broad (or address something else) because its row was damaged.
 */
function parseCredentialIdentifiers(text: string): readonly string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    failServer('SERVER_STORE_RECORD_INVALID', 'a stored access token has malformed credential identifiers');
  }
  if (!isIdentifierList(value)) {
    failServer('SERVER_STORE_RECORD_INVALID', 'a stored access token has malformed credential identifiers');
  }
  return Object.freeze([...value]);
}

function isIdentifierList(value: unknown): value is readonly string[] {
  return (
    Array.isArray(value) &&
    value.length <= MAX_CONFIGURATIONS &&
    value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH) &&
    new Set(value).size === value.length
  );
}

function parseTxCode(text: string): TxCodeDescription {
  const value = parseStoredJson(text, 'tx_code description') as Partial<TxCodeDescription> | null;
  if (
    value === null ||
    typeof value !== 'object' ||
    (value.input_mode !== 'numeric' && value.input_mode !== 'text') ||
    typeof value.length !== 'number'
  ) {
    failServer('SERVER_STORE_RECORD_INVALID', 'a stored offer has a malformed tx_code description');
  }
  return {
    input_mode: value.input_mode,
    length: value.length,
    ...(typeof value.description === 'string' ? { description: value.description } : {}),
  };
}

function toOffer(row: Selectable<OffersTable>): OfferRecord {
  const redeemedAt = toOptionalInteger(row.redeemed_at);
  return {
    id: row.id,
    configurationIds: parseConfigurationIds(row.configuration_ids),
    codeHash: row.code_hash,
    ...(row.tx_code_hash === null ? {} : { txCodeHash: row.tx_code_hash }),
    ...(row.tx_code === null ? {} : { txCode: parseTxCode(row.tx_code) }),
    txCodeFailures: toSafeInteger(row.tx_code_failures),
    sealedOffer: row.sealed_offer,
    ...(row.payload === null ? {} : { payload: row.payload }),
    decision: row.decision as OfferDecision,
    createdAt: toSafeInteger(row.created_at),
    expiresAt: toSafeInteger(row.expires_at),
    ...(redeemedAt === undefined ? {} : { redeemedAt }),
    withdrawn: toSafeInteger(row.withdrawn) === 1,
  };
}

type SummaryRow = Pick<Selectable<OffersTable>, (typeof SUMMARY_COLUMNS)[number]> & { has_tx_code: unknown };

function toSummary(row: SummaryRow): OfferSummary {
  const redeemedAt = toOptionalInteger(row.redeemed_at);
  return {
    id: row.id,
    configurationIds: parseConfigurationIds(row.configuration_ids),
    decision: row.decision as OfferDecision,
    createdAt: toSafeInteger(row.created_at),
    expiresAt: toSafeInteger(row.expires_at),
    ...(redeemedAt === undefined ? {} : { redeemedAt }),
    withdrawn: toSafeInteger(row.withdrawn) === 1,
    hasTxCode: toSafeInteger(row.has_tx_code) === 1,
  };
}

function toDeferred(row: Selectable<DeferredTable>): DeferredRecord {
  return {
    transactionHash: row.transaction_hash,
    offerId: row.offer_id,
    configurationId: row.configuration_id,
    holderKeys: row.holder_keys,
    createdAt: toSafeInteger(row.created_at),
    expiresAt: toSafeInteger(row.expires_at),
    state: row.state as DeferredRecord['state'],
  };
}

function checkTxCode(txCode: unknown): TxCodeDescription {
  const t = txCode as Partial<TxCodeDescription> | null;
  if (t === null || typeof t !== 'object')
    failServer('SERVER_STORE_RECORD_INVALID', 'txCode must be an object');
  assertOneOf(t.input_mode, ['numeric', 'text'], 'txCode.input_mode');
  if (typeof t.length !== 'number' || !Number.isSafeInteger(t.length) || t.length < 1 || t.length > 64) {
    failServer('SERVER_STORE_RECORD_INVALID', 'txCode.length must be an integer from 1 to 64');
  }
  if (t.description !== undefined) assertKey(t.description, 'txCode.description', 300);
  return {
    input_mode: t.input_mode,
    length: t.length,
    ...(t.description === undefined ? {} : { description: t.description }),
  };
}

function checkOffer(offer: OfferRecord): { txCode?: TxCodeDescription } {
  if (offer === null || typeof offer !== 'object')
    failServer('SERVER_STORE_RECORD_INVALID', 'offer must be an object');
  assertKey(offer.id, 'offer id');
  const ids: unknown = offer.configurationIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_CONFIGURATIONS) {
    failServer('SERVER_STORE_RECORD_INVALID', `configurationIds must list 1 to ${MAX_CONFIGURATIONS} ids`);
  }
  for (const id of ids) assertKey(id, 'a configuration id');
  if (new Set(ids).size !== ids.length) {
    failServer('SERVER_STORE_RECORD_INVALID', 'configurationIds must not repeat an id');
  }
  assertKey(offer.codeHash, 'codeHash');
  if ((offer.txCodeHash === undefined) !== (offer.txCode === undefined)) {
    failServer('SERVER_STORE_RECORD_INVALID', 'txCode and txCodeHash come together or not at all');
  }
  if (offer.txCodeHash !== undefined) assertKey(offer.txCodeHash, 'txCodeHash');
  assertEpoch(offer.txCodeFailures, 'txCodeFailures');
  assertString(offer.sealedOffer, 'sealedOffer');
  if (offer.payload !== undefined) assertString(offer.payload, 'payload');
  assertOneOf(offer.decision, DECISIONS, 'decision');
  assertEpoch(offer.createdAt, 'createdAt');
  assertEpoch(offer.expiresAt, 'expiresAt');
  if (offer.redeemedAt !== undefined) assertEpoch(offer.redeemedAt, 'redeemedAt');
  if (typeof offer.withdrawn !== 'boolean')
    failServer('SERVER_STORE_RECORD_INVALID', 'withdrawn must be a boolean');
  return offer.txCode === undefined ? {} : { txCode: checkTxCode(offer.txCode) };
}

/**
 * `@haven/oid4vci`'s {@link Oid4vciIssuerStore} in SQL, the same on SQLite and PostgreSQL, plus the admin
 * API's offer listing. Every single-use rule is decided by the database in one statement, so any number
 * of server processes can share it: redeeming a code, using a nonce and finishing a deferred transaction
 * are conditional `UPDATE … RETURNING`s, counting a wrong tx_code is an in-database increment, claiming
 * an issuance is an insert under the (offer, configuration) key, and only a claim not yet marked
 * delivered can be released. Nothing is decided in process memory.
 *
 * @example
 * ```ts
 * const { db } = await openDatabase({ url: '.haven/haven.db' });
 * const store = new SqlOid4vciStore(db);
 * if (await store.redeemOffer(offer.id, now, 5)) { … issue the access token … }
 * ```
 */
export class SqlOid4vciStore implements Oid4vciIssuerStore {
  readonly #db: Kysely<HavenSchema>;

  constructor(db: Kysely<HavenSchema>) {
    this.#db = db;
  }

  async createOffer(offer: OfferRecord): Promise<void> {
    const { txCode } = checkOffer(offer);
    await withConstraintErrors('createOffer', () =>
      writeTransaction(this.#db, async (tx) => {
        // No conflict target: a clash on the id or on the code hash is refused alike.
        const inserted = await tx
          .insertInto('offers')
          .values({
            id: offer.id,
            configuration_ids: JSON.stringify(offer.configurationIds),
            code_hash: offer.codeHash,
            tx_code_hash: offer.txCodeHash ?? null,
            tx_code: txCode === undefined ? null : JSON.stringify(txCode),
            tx_code_failures: offer.txCodeFailures,
            sealed_offer: offer.sealedOffer,
            payload: offer.payload ?? null,
            decision: offer.decision,
            created_at: offer.createdAt,
            expires_at: offer.expiresAt,
            redeemed_at: offer.redeemedAt ?? null,
            withdrawn: offer.withdrawn ? 1 : 0,
          })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted === undefined)
          failServer('SERVER_STORE_CONFLICT', 'an offer with this id or code exists');
        await tx
          .insertInto('offer_configurations')
          .values(
            offer.configurationIds.map((configurationId) => ({
              offer_id: offer.id,
              configuration_id: configurationId,
            })),
          )
          .execute();
      }),
    );
  }

  async getOffer(id: string): Promise<OfferRecord | undefined> {
    const row = await this.#db.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toOffer(row);
  }

  async findOfferByCodeHash(codeHash: string): Promise<OfferRecord | undefined> {
    const row = await this.#db
      .selectFrom('offers')
      .selectAll()
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    return row === undefined ? undefined : toOffer(row);
  }

  async recordTxCodeFailure(offerId: string): Promise<number> {
    // The increment happens in the database, so concurrent misses are all counted.
    const row = await this.#db
      .updateTable('offers')
      .set((eb) => ({ tx_code_failures: eb('tx_code_failures', '+', 1) }))
      .where('id', '=', offerId)
      .returning('tx_code_failures')
      .executeTakeFirst();
    if (row === undefined) failServer('SERVER_STORE_NOT_FOUND', 'no such offer');
    return toSafeInteger(row.tx_code_failures);
  }

  /**
   * Wipes the sealed claims of an offer killed by wrong tx_codes, in one conditional statement: only
   * while the code is unredeemed and the failure count has reached the limit.
   */
  async wipeDeadOfferPayload(offerId: string, maxTxCodeFailures: number): Promise<void> {
    assertEpoch(maxTxCodeFailures, 'maxTxCodeFailures');
    await this.#db
      .updateTable('offers')
      .set({ payload: null })
      .where('id', '=', offerId)
      .where('payload', 'is not', null)
      .where('redeemed_at', 'is', null)
      .where('tx_code_failures', '>=', maxTxCodeFailures)
      .execute();
  }

  async redeemOffer(offerId: string, now: number, maxTxCodeFailures: number): Promise<boolean> {
    assertEpoch(now, 'now');
    assertEpoch(maxTxCodeFailures, 'maxTxCodeFailures');
    // One conditional UPDATE: the row lock (PostgreSQL) or the write lock (SQLite) lets exactly one
    // caller see `redeemed_at is null`; every other caller's WHERE no longer matches.
    const row = await this.#db
      .updateTable('offers')
      .set({ redeemed_at: now })
      .where('id', '=', offerId)
      .where('redeemed_at', 'is', null)
      .where('withdrawn', '=', 0)
      .where('expires_at', '>', now)
      .where('tx_code_failures', '<', maxTxCodeFailures)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async createAccessToken(token: AccessTokenRecord): Promise<void> {
    assertKey(token.tokenHash, 'tokenHash');
    assertKey(token.offerId, 'offerId');
    assertEpoch(token.expiresAt, 'expiresAt');
    const identifiers: unknown = token.credentialIdentifiers;
    if (identifiers !== undefined && !isIdentifierList(identifiers)) {
      failServer(
        'SERVER_STORE_RECORD_INVALID',
        `credentialIdentifiers must list up to ${MAX_CONFIGURATIONS} distinct ids`,
      );
    }
    await withConstraintErrors('createAccessToken', () =>
      this.#db
        .insertInto('access_tokens')
        .values({
          token_hash: token.tokenHash,
          offer_id: token.offerId,
          expires_at: token.expiresAt,
          credential_identifiers: identifiers === undefined ? null : JSON.stringify(identifiers),
        })
        .execute(),
    );
  }

  async findAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined> {
    const row = await this.#db
      .selectFrom('access_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      tokenHash: row.token_hash,
      offerId: row.offer_id,
      expiresAt: toSafeInteger(row.expires_at),
      ...(row.credential_identifiers === null
        ? {}
        : { credentialIdentifiers: parseCredentialIdentifiers(row.credential_identifiers) }),
    };
  }

  /**
   * Takes the right to issue once. The row is inserted only for a configuration of the offer (selected
   * from `offer_configurations`) and only if the (offer, configuration) key is free: `false` when it was
   * taken already, or when the offer has no such configuration.
   */
  async claimIssuance(offerId: string, configurationId: string, now: number): Promise<boolean> {
    assertEpoch(now, 'now');
    const inserted = await this.#db
      .insertInto('issuances')
      .columns(['offer_id', 'configuration_id', 'claimed_at'])
      .expression((eb) =>
        eb
          .selectFrom('offer_configurations')
          .select(['offer_id', 'configuration_id', sql<number>`cast(${now} as bigint)`.as('claimed_at')])
          .where('offer_id', '=', offerId)
          .where('configuration_id', '=', configurationId),
      )
      .onConflict((oc) => oc.columns(['offer_id', 'configuration_id']).doNothing())
      .returning('offer_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /**
   * Marks the claim delivered, once (the first time is kept); a no-op without a claim. In the same
   * transaction, the holder keys of the pair's `issued` deferred transactions are emptied: the
   * credentials are delivered, the keys are not needed any more.
   */
  async completeIssuance(offerId: string, configurationId: string, now: number): Promise<void> {
    assertEpoch(now, 'now');
    await writeTransaction(this.#db, async (tx) => {
      await tx
        .updateTable('issuances')
        .set({ delivered_at: now })
        .where('offer_id', '=', offerId)
        .where('configuration_id', '=', configurationId)
        .where('delivered_at', 'is', null)
        .execute();
      await tx
        .updateTable('deferred')
        .set({ holder_keys: EMPTY_HOLDER_KEYS })
        .where('offer_id', '=', offerId)
        .where('configuration_id', '=', configurationId)
        .where('state', '=', 'issued')
        .execute();
    });
  }

  /** Deletes the claim only while it is undelivered: a delivered configuration is never issued again. */
  async releaseIssuance(offerId: string, configurationId: string): Promise<void> {
    await this.#db
      .deleteFrom('issuances')
      .where('offer_id', '=', offerId)
      .where('configuration_id', '=', configurationId)
      .where('delivered_at', 'is', null)
      .execute();
  }

  async wipePayloadIfComplete(offerId: string): Promise<void> {
    // One statement: the payload goes only if no configuration of the offer lacks a DELIVERED issuance.
    // A claim alone does not count: its issuance may still fail and be released, or it is held by a
    // pending deferred transaction whose pickup needs the payload.
    await this.#db
      .updateTable('offers')
      .set({ payload: null })
      .where('id', '=', offerId)
      .where('payload', 'is not', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('offer_configurations as oc')
              .select(sql.lit(1).as('one'))
              .whereRef('oc.offer_id', '=', 'offers.id')
              .where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom('issuances as i')
                      .select(sql.lit(1).as('one'))
                      .whereRef('i.offer_id', '=', 'oc.offer_id')
                      .whereRef('i.configuration_id', '=', 'oc.configuration_id')
                      .where('i.delivered_at', 'is not', null),
                  ),
                ),
              ),
          ),
        ),
      )
      .execute();
  }

  /**
   * Decides a pending offer, once (`false` if it is not pending, withdrawn or unknown). Approving with a
   * payload replaces the sealed claims; approving without keeps them. Denying wipes them: nothing will be
   * issued, so nothing is kept.
   */
  async decideOffer(
    offerId: string,
    decision: 'approved' | 'denied',
    payload: string | undefined,
  ): Promise<boolean> {
    assertOneOf(decision, ['approved', 'denied'], 'decision');
    if (payload !== undefined) assertString(payload, 'payload');
    const set =
      decision === 'denied'
        ? { decision, payload: null }
        : payload === undefined
          ? { decision }
          : { decision, payload };
    const row = await this.#db
      .updateTable('offers')
      .set(set)
      .where('id', '=', offerId)
      .where('decision', '=', 'pending')
      .where('withdrawn', '=', 0)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Withdraws an offer once, and wipes its sealed claims with it (nothing more is issued from it). */
  async withdrawOffer(offerId: string): Promise<boolean> {
    const row = await this.#db
      .updateTable('offers')
      .set({ withdrawn: 1, payload: null })
      .where('id', '=', offerId)
      .where('withdrawn', '=', 0)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async createNonce(nonceHash: string, expiresAt: number): Promise<void> {
    assertKey(nonceHash, 'nonceHash');
    assertEpoch(expiresAt, 'expiresAt');
    await withConstraintErrors('createNonce', () =>
      this.#db.insertInto('nonces').values({ nonce_hash: nonceHash, expires_at: expiresAt }).execute(),
    );
  }

  async consumeNonce(nonceHash: string, now: number): Promise<boolean> {
    assertEpoch(now, 'now');
    const row = await this.#db
      .updateTable('nonces')
      .set({ used_at: now })
      .where('nonce_hash', '=', nonceHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('nonce_hash')
      .executeTakeFirst();
    return row !== undefined;
  }

  async createDeferred(record: DeferredRecord): Promise<void> {
    assertKey(record.transactionHash, 'transactionHash');
    assertKey(record.offerId, 'offerId');
    assertKey(record.configurationId, 'configurationId');
    assertString(record.holderKeys, 'holderKeys');
    assertEpoch(record.createdAt, 'createdAt');
    assertEpoch(record.expiresAt, 'expiresAt');
    assertOneOf(record.state, DEFERRED_STATES, 'state');
    // The foreign key on (offer, configuration) refuses a transaction for a configuration not offered.
    await withConstraintErrors('createDeferred', () =>
      this.#db
        .insertInto('deferred')
        .values({
          transaction_hash: record.transactionHash,
          offer_id: record.offerId,
          configuration_id: record.configurationId,
          holder_keys: record.holderKeys,
          created_at: record.createdAt,
          expires_at: record.expiresAt,
          state: record.state,
        })
        .execute(),
    );
  }

  async findDeferred(transactionHash: string): Promise<DeferredRecord | undefined> {
    const row = await this.#db
      .selectFrom('deferred')
      .selectAll()
      .where('transaction_hash', '=', transactionHash)
      .executeTakeFirst();
    return row === undefined ? undefined : toDeferred(row);
  }

  async finishDeferred(transactionHash: string, state: 'issued' | 'closed'): Promise<boolean> {
    assertOneOf(state, ['issued', 'closed'], 'state');
    // A closed transaction is never picked up: its holder keys go with the same statement.
    const row = await this.#db
      .updateTable('deferred')
      .set(state === 'closed' ? { state, holder_keys: EMPTY_HOLDER_KEYS } : { state })
      .where('transaction_hash', '=', transactionHash)
      .where('state', '=', 'pending')
      .returning('transaction_hash')
      .executeTakeFirst();
    return row !== undefined;
  }

  async reopenDeferred(transactionHash: string): Promise<void> {
    // Only `issued` goes back to `pending`; a `closed` (denied) transaction stays closed.
    await this.#db
      .updateTable('deferred')
      .set({ state: 'pending' })
      .where('transaction_hash', '=', transactionHash)
      .where('state', '=', 'issued')
      .execute();
  }

  /**
   * Deletes used or expired nonces, expired access tokens and expired deferred transactions, and wipes
   * the sealed claims of offers that can no longer issue: withdrawn, denied, never redeemed before their
   * code expired, or redeemed with their code expired and no access token or deferred transaction left.
   * Offer rows stay (the admin API lists them). Returns the rows deleted plus the payloads wiped.
   */
  async purgeExpired(now: number): Promise<number> {
    assertEpoch(now, 'now');
    return writeTransaction(this.#db, async (tx) => {
      const results = [
        await tx
          .deleteFrom('nonces')
          .where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)]))
          .executeTakeFirst(),
        await tx.deleteFrom('access_tokens').where('expires_at', '<=', now).executeTakeFirst(),
        await tx.deleteFrom('deferred').where('expires_at', '<=', now).executeTakeFirst(),
      ];
      const wiped = await tx
        .updateTable('offers')
        .set({ payload: null })
        .where('payload', 'is not', null)
        .where((eb) =>
          eb.or([
            eb('withdrawn', '=', 1),
            eb('decision', '=', 'denied'),
            eb.and([eb('redeemed_at', 'is', null), eb('expires_at', '<=', now)]),
            eb.and([
              eb('redeemed_at', 'is not', null),
              eb('expires_at', '<=', now),
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('access_tokens as t')
                    .select(sql.lit(1).as('one'))
                    .whereRef('t.offer_id', '=', 'offers.id'),
                ),
              ),
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('deferred as d')
                    .select(sql.lit(1).as('one'))
                    .whereRef('d.offer_id', '=', 'offers.id'),
                ),
              ),
            ]),
          ]),
        )
        .executeTakeFirst();
      return results.reduce((sum, r) => sum + Number(r.numDeletedRows), 0) + Number(wiped.numUpdatedRows);
    });
  }

  /**
   * Offers for the admin API, newest first, with keyset paging: pass the `nextCursor` of one page to get
   * the next. Summaries only: never the payload, the sealed offer or a code hash.
   *
   * @example
   * ```ts
   * const { items, nextCursor } = await store.listOfferSummaries({ limit: 20 });
   * ```
   */
  async listOfferSummaries(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: readonly OfferSummary[]; nextCursor?: string }> {
    const limit = pageLimit(options.limit);
    let query = this.#db
      .selectFrom('offers')
      .select(SUMMARY_COLUMNS)
      .select(sql<number>`case when tx_code_hash is null then 0 else 1 end`.as('has_tx_code'))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (options.cursor !== undefined) {
      const { at, id } = decodeKeysetCursor(options.cursor);
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]),
      );
    }
    const rows = await query.execute();
    const items = rows.slice(0, limit).map(toSummary);
    const last = items.at(-1);
    return rows.length > limit && last !== undefined
      ? { items, nextCursor: encodeKeysetCursor({ at: last.createdAt, id: last.id }) }
      : { items };
  }

  /**
   * One offer's summary for the admin API, or `undefined`.
   *
   * @example
   * ```ts
   * const summary = await store.getOfferSummary(offerId);
   * ```
   */
  async getOfferSummary(id: string): Promise<OfferSummary | undefined> {
    const row = await this.#db
      .selectFrom('offers')
      .select(SUMMARY_COLUMNS)
      .select(sql<number>`case when tx_code_hash is null then 0 else 1 end`.as('has_tx_code'))
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toSummary(row);
  }
}
