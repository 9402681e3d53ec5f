import { randomBase64Url, randomBytes } from '@haven/core';
import { failStatus } from '../errors.js';
import type { StatusListRecord, StatusListStore, StatusMechanism } from './status-list-store.js';

/**
 * The smallest list Haven allocates from. A verifier fetching a list learns only that the credential is
 * one of its entries, so a list must be big enough that "one of these" hides the holder (herd privacy):
 * the Bitstring Status List minimum of 131,072 entries, used for Token Status Lists too.
 */
export const MIN_STATUS_LIST_SIZE = 131_072;

/** A list is closed to new indexes past this fill, so random picks stay cheap and the herd stays large. */
export const DEFAULT_MAX_FILL = 0.75;

/** Options of {@link allocateStatusIndex}. */
export interface AllocateStatusIndexOptions {
  readonly mechanism: StatusMechanism;
  /** Bitstring lists: the list's purpose. */
  readonly purpose?: 'revocation' | 'suspension';
  /** Entries in a new list (default and minimum {@link MIN_STATUS_LIST_SIZE}). */
  readonly size?: number;
  /** Bits per entry of a new list (default 2 for Token Status Lists: VALID, INVALID, SUSPENDED; 1 for Bitstring). */
  readonly bits?: 1 | 2 | 4 | 8;
  /** Fill past which a list takes no more indexes (default 0.75). */
  readonly maxFill?: number;
  /** A uniform random integer in [0, n): injectable for tests (default: the OS CSPRNG). */
  readonly randomInt?: (n: number) => number;
  /** Id of a new list (default: 16 random bytes, base64url). */
  readonly newListId?: () => string;
}

/** A uniform integer in [0, n) from the CSPRNG, by rejection sampling on 32-bit draws. */
function cryptoRandomInt(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const bytes = randomBytes(4);
    const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
    if (value < limit) return value % n;
  }
}

// Random picks before a list is given up for this allocation (another list, or a new one, is used).
const ATTEMPTS_PER_LIST = 32;

/**
 * Allocates a random free index for one credential (Token Status List §13.2 / Bitstring Status List
 * privacy considerations: indexes are never sequential, so an index says nothing about when or to whom a
 * credential was issued). Picks uniformly among the lists with room, then uniformly random indexes in it
 * until the store grants one (the store's unique claim makes this safe across processes); when every
 * list is past `maxFill`, or keeps colliding, a new list is opened. Returns the list id and the index.
 *
 * @example
 * ```ts
 * const { listId, index } = await allocateStatusIndex(store, { mechanism: 'token-status-list' });
 * ```
 */
export async function allocateStatusIndex(
  store: StatusListStore,
  options: AllocateStatusIndexOptions,
): Promise<{ listId: string; index: number; record: StatusListRecord }> {
  const size = options.size ?? MIN_STATUS_LIST_SIZE;
  const maxFill = options.maxFill ?? DEFAULT_MAX_FILL;
  const bits = options.bits ?? (options.mechanism === 'token-status-list' ? 2 : 1);
  if (!Number.isSafeInteger(size) || size < MIN_STATUS_LIST_SIZE || size > 2 ** 28) {
    failStatus('STATUS_POLICY_INVALID', `a status list has ${MIN_STATUS_LIST_SIZE} to 2^28 entries`);
  }
  if (!(maxFill > 0 && maxFill <= 1)) failStatus('STATUS_POLICY_INVALID', 'maxFill must be in (0, 1]');
  if (options.mechanism === 'bitstring-status-list' && (bits !== 1 || options.purpose === undefined)) {
    failStatus('STATUS_POLICY_INVALID', 'a bitstring status list has 1-bit entries and a purpose');
  }
  if (options.mechanism === 'token-status-list' && options.purpose !== undefined) {
    failStatus('STATUS_POLICY_INVALID', 'a token status list carries every status; it has no purpose');
  }
  const randomInt = options.randomInt ?? cryptoRandomInt;
  const candidates = [...(await store.listsWithRoom(options.mechanism, options.purpose, maxFill))];
  while (candidates.length > 0) {
    const [list] = candidates.splice(randomInt(candidates.length), 1) as [StatusListRecord];
    for (let attempt = 0; attempt < ATTEMPTS_PER_LIST; attempt++) {
      const index = randomInt(list.size);
      if (await store.claimIndex(list.id, index)) return { listId: list.id, index, record: list };
    }
  }
  const record = await store.createList({
    id: options.newListId?.() ?? randomBase64Url(16),
    mechanism: options.mechanism,
    ...(options.purpose === undefined ? {} : { purpose: options.purpose }),
    size,
    bits,
  });
  const index = randomInt(size);
  if (!(await store.claimIndex(record.id, index))) {
    failStatus('STATUS_STORE_CONFLICT', 'a new status list already had the index taken');
  }
  return { listId: record.id, index, record };
}
