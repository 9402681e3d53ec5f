/** Which status mechanism a list serves. */
export type StatusMechanism = 'token-status-list' | 'bitstring-status-list';

/** A status list as the issuer keeps it: identity, shape and how full it is (never who is in it). */
export interface StatusListRecord {
  /** Opaque id; the published URL is derived from it by the issuer. */
  readonly id: string;
  readonly mechanism: StatusMechanism;
  /** Bitstring lists have one purpose (`revocation` or `suspension`); token lists carry all statuses. */
  readonly purpose?: 'revocation' | 'suspension';
  /** Entries in the list. */
  readonly size: number;
  /** Bits per entry: 1, 2, 4 or 8 (Token Status List); 1 for Bitstring Status List. */
  readonly bits: 1 | 2 | 4 | 8;
  /** Indexes handed out so far. */
  readonly used: number;
}

/**
 * The storage contract for allocation and status changes. Every method is one atomic step, so a
 * database-backed store (the server's SQLite or PostgreSQL) makes each a single statement or transaction:
 * `claimIndex` is an insert under a unique key on (list, index) that fails rather than overwrites, and
 * `used` is counted by the store in the same step. Several issuer processes can share one store.
 */
export interface StatusListStore {
  /** Lists of this mechanism (and purpose) that still have room, i.e. `used < size * maxFill`. */
  listsWithRoom(
    mechanism: StatusMechanism,
    purpose: StatusListRecord['purpose'],
    maxFill: number,
  ): Promise<readonly StatusListRecord[]>;
  /** Creates an empty list (every entry VALID, i.e. 0). Fails with `STATUS_STORE_CONFLICT` if the id exists. */
  createList(record: Omit<StatusListRecord, 'used'>): Promise<StatusListRecord>;
  /** Takes `index` in `listId` if nobody has it; `false` when it was taken (by anyone, ever). */
  claimIndex(listId: string, index: number): Promise<boolean>;
  /**
   * Optional: takes every index of `indexes` nobody has, in ONE atomic step, and returns those it took
   * (a subset of `indexes`, each once); `used` grows by as many. Every index must be in range
   * (`STATUS_INDEX_OUT_OF_RANGE`, nothing taken, otherwise). Bulk allocation falls back to `claimIndex`
   * one by one when a store lacks it.
   */
  claimIndexes?(listId: string, indexes: readonly number[]): Promise<readonly number[]>;
  /** Sets the status value of an allocated index. */
  setStatus(listId: string, index: number, value: number): Promise<void>;
  /** The status value of an index (0 for never-set). */
  getStatus(listId: string, index: number): Promise<number>;
  /** The list record and every entry's value, for publishing. */
  readList(listId: string): Promise<{ record: StatusListRecord; values: Uint8Array }>;
}
