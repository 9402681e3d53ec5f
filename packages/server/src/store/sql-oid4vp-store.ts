import {
  type Oid4vpVerifierStore,
  RESPONSE_MODES,
  type ResponseMode,
  type TransactionOutcome,
  type VerifierTransactionRecord,
} from '@haven/oid4vp';
import { type Kysely, type Selectable, SqliteAdapter } from 'kysely';
import { failServer } from '../errors.js';
import type { VerifierSchema, VerifierTransactionsTable } from './migration-0003-verifier.js';
import type { HavenSchema } from './schema.js';
import {
  assertEpoch,
  assertKey,
  assertOneOf,
  assertString,
  toOptionalInteger,
  toSafeInteger,
  withConstraintErrors,
} from './sql-values.js';
import { writeTransaction } from './write-transaction.js';

const OUTCOMES: readonly TransactionOutcome[] = ['accepted', 'rejected', 'declined'];
// Stable error codes are short identifiers; never a free text that could carry a value.
const MAX_ERROR_CODE_LENGTH = 64;

type TransactionRow = Selectable<VerifierTransactionsTable>;

/** A row as a record. The database is not trusted to hold only what the CHECKs allow: a stray value is a damaged record. */
function toTransaction(row: TransactionRow): VerifierTransactionRecord {
  if (!(RESPONSE_MODES as readonly string[]).includes(row.response_mode)) {
    failServer('SERVER_STORE_RECORD_INVALID', 'a stored verifier transaction has an unknown response mode');
  }
  if (row.outcome !== null && !(OUTCOMES as readonly string[]).includes(row.outcome)) {
    failServer('SERVER_STORE_RECORD_INVALID', 'a stored verifier transaction has an unknown outcome');
  }
  const respondedAt = toOptionalInteger(row.responded_at);
  const collectedAt = toOptionalInteger(row.collected_at);
  return {
    id: row.id,
    requestIdHash: row.request_id_hash,
    sessionHash: row.session_hash,
    purposeId: row.purpose_id,
    responseMode: row.response_mode as ResponseMode,
    sealedRequest: row.sealed_request,
    createdAt: toSafeInteger(row.created_at),
    expiresAt: toSafeInteger(row.expires_at),
    ...(respondedAt === undefined ? {} : { respondedAt }),
    ...(row.outcome === null ? {} : { outcome: row.outcome as TransactionOutcome }),
    ...(row.error_code === null ? {} : { errorCode: row.error_code }),
    ...(row.response_code_hash === null ? {} : { responseCodeHash: row.response_code_hash }),
    ...(row.sealed_result === null ? {} : { sealedResult: row.sealed_result }),
    ...(collectedAt === undefined ? {} : { collectedAt }),
  };
}

type ResponseUpdate = Parameters<Oid4vpVerifierStore['completeTransaction']>[1];

function checkResponse(update: ResponseUpdate): void {
  if (update === null || typeof update !== 'object') {
    failServer('SERVER_STORE_RECORD_INVALID', 'the response update must be an object');
  }
  assertEpoch(update.respondedAt, 'respondedAt');
  assertOneOf(update.outcome, OUTCOMES, 'outcome');
  if (update.errorCode !== undefined) assertKey(update.errorCode, 'errorCode', MAX_ERROR_CODE_LENGTH);
  if (update.responseCodeHash !== undefined) assertKey(update.responseCodeHash, 'responseCodeHash');
  if (update.sealedResult !== undefined) assertString(update.sealedResult, 'sealedResult');
}

function checkTransaction(record: VerifierTransactionRecord): void {
  if (record === null || typeof record !== 'object') {
    failServer('SERVER_STORE_RECORD_INVALID', 'the transaction must be an object');
  }
  assertKey(record.id, 'transaction id');
  assertKey(record.requestIdHash, 'requestIdHash');
  assertKey(record.sessionHash, 'sessionHash');
  assertKey(record.purposeId, 'purposeId');
  assertOneOf(record.responseMode, RESPONSE_MODES, 'responseMode');
  assertString(record.sealedRequest, 'sealedRequest');
  assertEpoch(record.createdAt, 'createdAt');
  assertEpoch(record.expiresAt, 'expiresAt');
  const responded = record.respondedAt !== undefined || record.outcome !== undefined;
  if (responded) {
    checkResponse({
      respondedAt: record.respondedAt as number,
      outcome: record.outcome as TransactionOutcome,
      ...(record.errorCode === undefined ? {} : { errorCode: record.errorCode }),
      ...(record.responseCodeHash === undefined ? {} : { responseCodeHash: record.responseCodeHash }),
      ...(record.sealedResult === undefined ? {} : { sealedResult: record.sealedResult }),
    });
  } else if (
    record.errorCode !== undefined ||
    record.responseCodeHash !== undefined ||
    record.sealedResult !== undefined ||
    record.collectedAt !== undefined
  ) {
    failServer('SERVER_STORE_RECORD_INVALID', 'a transaction without a response has no response fields');
  }
  if (record.collectedAt !== undefined) {
    assertEpoch(record.collectedAt, 'collectedAt');
    if (record.sealedResult !== undefined) {
      failServer('SERVER_STORE_RECORD_INVALID', 'a collected transaction keeps no result');
    }
  }
}

/**
 * `@haven/oid4vp`'s {@link Oid4vpVerifierStore} in SQL, the same on SQLite and PostgreSQL. Every
 * single-use step is decided by the database: recording the response (which consumes the nonce) is one
 * conditional `UPDATE … RETURNING`, and collecting the result takes it and wipes it in one step, so any
 * number of server processes can share the store. Nothing is decided in process memory.
 *
 * @example
 * ```ts
 * const { db } = await openDatabase({ url: '.haven/haven.db' });
 * const store = new SqlOid4vpStore(db);
 * if (await store.completeTransaction(id, { respondedAt: now, outcome: 'accepted', sealedResult }, now)) { … }
 * ```
 */
export class SqlOid4vpStore implements Oid4vpVerifierStore {
  readonly #db: Kysely<HavenSchema & VerifierSchema>;
  readonly #sqlite: boolean;

  constructor(db: Kysely<HavenSchema>) {
    this.#db = db.withTables<VerifierSchema>();
    this.#sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  }

  async createTransaction(record: VerifierTransactionRecord): Promise<void> {
    checkTransaction(record);
    await withConstraintErrors('createTransaction', async () => {
      // No conflict target: a clash on the id or on the request-id hash is refused alike.
      const inserted = await this.#db
        .insertInto('verifier_transactions')
        .values({
          id: record.id,
          request_id_hash: record.requestIdHash,
          session_hash: record.sessionHash,
          purpose_id: record.purposeId,
          response_mode: record.responseMode,
          sealed_request: record.sealedRequest,
          created_at: record.createdAt,
          expires_at: record.expiresAt,
          responded_at: record.respondedAt ?? null,
          outcome: record.outcome ?? null,
          error_code: record.errorCode ?? null,
          response_code_hash: record.responseCodeHash ?? null,
          sealed_result: record.sealedResult ?? null,
          collected_at: record.collectedAt ?? null,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) {
        failServer('SERVER_STORE_CONFLICT', 'a transaction with this id or request id exists');
      }
    });
  }

  async findTransaction(id: string): Promise<VerifierTransactionRecord | undefined> {
    const row = await this.#db
      .selectFrom('verifier_transactions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toTransaction(row);
  }

  async findTransactionByRequestId(requestIdHash: string): Promise<VerifierTransactionRecord | undefined> {
    const row = await this.#db
      .selectFrom('verifier_transactions')
      .selectAll()
      .where('request_id_hash', '=', requestIdHash)
      .executeTakeFirst();
    return row === undefined ? undefined : toTransaction(row);
  }

  async completeTransaction(id: string, update: ResponseUpdate, now: number): Promise<boolean> {
    checkResponse(update);
    assertEpoch(now, 'now');
    // One conditional UPDATE: the row lock (PostgreSQL) or the write lock (SQLite) lets exactly one
    // caller see `responded_at is null`; every other caller's WHERE no longer matches. This is what makes
    // the nonce single-use (OpenID4VP §14.1).
    const row = await withConstraintErrors('completeTransaction', () =>
      this.#db
        .updateTable('verifier_transactions')
        .set({
          responded_at: update.respondedAt,
          outcome: update.outcome,
          error_code: update.errorCode ?? null,
          response_code_hash: update.responseCodeHash ?? null,
          sealed_result: update.sealedResult ?? null,
        })
        .where('id', '=', id)
        .where('responded_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('id')
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async collectTransaction(id: string, now: number): Promise<VerifierTransactionRecord | undefined> {
    assertEpoch(now, 'now');
    const row = this.#sqlite ? await this.#collectSqlite(id, now) : await this.#collectPostgres(id, now);
    return row === undefined ? undefined : toTransaction(row);
  }

  // PostgreSQL: one statement. The CTE locks the row (FOR UPDATE); a concurrent collector waits on the
  // lock, then re-reads the committed row, no longer matches `collected_at is null`, and updates nothing.
  // The previous sealed result comes from the CTE, the rest from the updated row.
  async #collectPostgres(id: string, now: number): Promise<TransactionRow | undefined> {
    const row = await this.#db
      .with('previous', (db) =>
        db
          .selectFrom('verifier_transactions')
          .select(['id', 'sealed_result'])
          .where('id', '=', id)
          .where('responded_at', 'is not', null)
          .where('collected_at', 'is', null)
          .forUpdate(),
      )
      .updateTable('verifier_transactions')
      .from('previous')
      .set({ collected_at: now, sealed_result: null })
      .whereRef('verifier_transactions.id', '=', 'previous.id')
      .where('verifier_transactions.responded_at', 'is not', null)
      .where('verifier_transactions.collected_at', 'is', null)
      .returningAll('verifier_transactions')
      .returning('previous.sealed_result as previous_sealed_result')
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const { previous_sealed_result, ...rest } = row;
    return { ...rest, sealed_result: previous_sealed_result, collected_at: null };
  }

  // SQLite: `UPDATE … RETURNING` gives only the new values, so the read and the write share one
  // `BEGIN IMMEDIATE` transaction: the write lock is taken before the read, so no other process can
  // collect in between.
  async #collectSqlite(id: string, now: number): Promise<TransactionRow | undefined> {
    return writeTransaction(this.#db, async (tx) => {
      const before = await tx
        .selectFrom('verifier_transactions')
        .selectAll()
        .where('id', '=', id)
        .where('responded_at', 'is not', null)
        .where('collected_at', 'is', null)
        .executeTakeFirst();
      if (before === undefined) return undefined;
      const updated = await tx
        .updateTable('verifier_transactions')
        .set({ collected_at: now, sealed_result: null })
        .where('id', '=', id)
        .where('responded_at', 'is not', null)
        .where('collected_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return updated === undefined ? undefined : before;
    });
  }

  async purgeTransactions(before: number): Promise<number> {
    assertEpoch(before, 'before');
    const result = await this.#db
      .deleteFrom('verifier_transactions')
      .where('expires_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
