import { failOid4vp } from '../errors.js';
import type { Oid4vpVerifierStore, VerifierTransactionRecord } from './contracts.js';

/**
 * An in-process {@link Oid4vpVerifierStore}, for tests and single-process embedding. Each method runs
 * without awaiting in between, so within one process every step is atomic, as the contract asks.
 * Records are kept as frozen copies: what a caller holds cannot change what is stored.
 *
 * @example
 * ```ts
 * const store = new MemoryOid4vpVerifierStore();
 * const config = { store, ...rest } satisfies Oid4vpVerifierConfig;
 * ```
 */
export class MemoryOid4vpVerifierStore implements Oid4vpVerifierStore {
  readonly #byId = new Map<string, VerifierTransactionRecord>();
  readonly #idByRequest = new Map<string, string>();

  async createTransaction(record: VerifierTransactionRecord): Promise<void> {
    if (this.#byId.has(record.id) || this.#idByRequest.has(record.requestIdHash)) {
      failOid4vp('OID4VP_OPTIONS_INVALID', 'a transaction with this id or request id exists');
    }
    this.#byId.set(record.id, Object.freeze({ ...record }));
    this.#idByRequest.set(record.requestIdHash, record.id);
  }

  async findTransaction(id: string): Promise<VerifierTransactionRecord | undefined> {
    return this.#byId.get(id);
  }

  async findTransactionByRequestId(requestIdHash: string): Promise<VerifierTransactionRecord | undefined> {
    const id = this.#idByRequest.get(requestIdHash);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  async completeTransaction(
    id: string,
    update: Parameters<Oid4vpVerifierStore['completeTransaction']>[1],
    now: number,
  ): Promise<boolean> {
    const record = this.#byId.get(id);
    if (
      record === undefined ||
      record.respondedAt !== undefined ||
      record.outcome !== undefined ||
      !(now < record.expiresAt)
    ) {
      return false;
    }
    const next: VerifierTransactionRecord = {
      ...record,
      respondedAt: update.respondedAt,
      outcome: update.outcome,
      ...(update.errorCode === undefined ? {} : { errorCode: update.errorCode }),
      ...(update.responseCodeHash === undefined ? {} : { responseCodeHash: update.responseCodeHash }),
      ...(update.sealedResult === undefined ? {} : { sealedResult: update.sealedResult }),
    };
    this.#byId.set(id, Object.freeze(next));
    return true;
  }

  async collectTransaction(id: string, now: number): Promise<VerifierTransactionRecord | undefined> {
    const record = this.#byId.get(id);
    if (record === undefined || record.respondedAt === undefined || record.collectedAt !== undefined) {
      return undefined;
    }
    const { sealedResult: _wiped, ...rest } = record;
    this.#byId.set(id, Object.freeze({ ...rest, collectedAt: now }));
    return record;
  }

  async purgeTransactions(before: number): Promise<number> {
    let purged = 0;
    for (const [id, record] of this.#byId) {
      if (record.expiresAt < before) {
        this.#byId.delete(id);
        this.#idByRequest.delete(record.requestIdHash);
        purged += 1;
      }
    }
    return purged;
  }

  /** Every stored record as it is now (for tests: e.g. to prove nothing secret is kept in clear). */
  snapshot(): readonly VerifierTransactionRecord[] {
    return [...this.#byId.values()];
  }
}
