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

function maxFillOf(options: AllocateStatusIndexOptions): number {
  return options.maxFill ?? DEFAULT_MAX_FILL;
}

function createStatusList(
  store: StatusListStore,
  options: AllocateStatusIndexOptions,
  size: number,
  bits: 1 | 2 | 4 | 8,
): Promise<StatusListRecord> {
  return store.createList({
    id: options.newListId?.() ?? randomBase64Url(16),
    mechanism: options.mechanism,
    ...(options.purpose === undefined ? {} : { purpose: options.purpose }),
    size,
    bits,
  });
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
  const { size, bits } = checkAllocationPolicy(options);
  const randomInt = options.randomInt ?? cryptoRandomInt;
  const candidates = [...(await store.listsWithRoom(options.mechanism, options.purpose, maxFillOf(options)))];
  while (candidates.length > 0) {
    const [list] = candidates.splice(randomInt(candidates.length), 1) as [StatusListRecord];
    for (let attempt = 0; attempt < ATTEMPTS_PER_LIST; attempt++) {
      const index = randomInt(list.size);
      if (await store.claimIndex(list.id, index)) return { listId: list.id, index, record: list };
    }
  }
  const record = await createStatusList(store, options, size, bits);
  const index = randomInt(size);
  if (!(await store.claimIndex(record.id, index))) {
    failStatus('STATUS_STORE_CONFLICT', 'a new status list already had the index taken');
  }
  return { listId: record.id, index, record };
}

/** The list shape and fill of an allocation, checked (shared by both allocators). */
function checkAllocationPolicy(options: AllocateStatusIndexOptions): {
  size: number;
  bits: 1 | 2 | 4 | 8;
  maxFill: number;
} {
  const size = options.size ?? MIN_STATUS_LIST_SIZE;
  const maxFill = maxFillOf(options);
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
  return { size, bits, maxFill };
}

/** Most indexes one {@link allocateStatusIndexes} call hands out. */
export const MAX_STATUS_BATCH = 100_000;

/** One allocated status entry: the list, the index in it, and the list as it was when chosen. */
export interface AllocatedStatusIndex {
  readonly listId: string;
  readonly index: number;
  readonly record: StatusListRecord;
}

/** Takes many indexes of one list: the store's `claimIndexes` when it has one, else one claim at a time. */
async function claimMany(
  store: StatusListStore,
  listId: string,
  indexes: readonly number[],
): Promise<readonly number[]> {
  if (store.claimIndexes !== undefined) return store.claimIndexes(listId, indexes);
  const taken: number[] = [];
  for (const index of indexes) if (await store.claimIndex(listId, index)) taken.push(index);
  return taken;
}

/**
 * Allocates `count` random free indexes at once, e.g. for a bulk issuance, under exactly the rules of
 * {@link allocateStatusIndex} (uniform CSPRNG indexes, lists of at least {@link MIN_STATUS_LIST_SIZE}
 * entries, a list closed past `maxFill`, a new list when none has room), but claiming a whole draw of
 * indexes per store round trip (`StatusListStore.claimIndexes`). Indexes the store refuses (taken
 * meanwhile, by anyone) are redrawn. A list takes at most what is left below its `maxFill`, so a large
 * batch spreads over several lists, new ones opened as needed. The result is shuffled, so the position
 * of a credential in the batch says nothing about its list or index.
 *
 * @example
 * ```ts
 * const slots = await allocateStatusIndexes(store, 500, { mechanism: 'token-status-list' });
 * ```
 */
export async function allocateStatusIndexes(
  store: StatusListStore,
  count: number,
  options: AllocateStatusIndexOptions,
): Promise<readonly AllocatedStatusIndex[]> {
  const { size, bits, maxFill } = checkAllocationPolicy(options);
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_STATUS_BATCH) {
    failStatus('STATUS_POLICY_INVALID', `a batch allocates 1 to ${MAX_STATUS_BATCH} indexes`);
  }
  const randomInt = options.randomInt ?? cryptoRandomInt;
  const out: AllocatedStatusIndex[] = [];
  // Fills `list` with up to `wanted` fresh indexes; returns how many it got.
  const fill = async (list: StatusListRecord, wanted: number): Promise<number> => {
    const room = Math.min(wanted, Math.ceil(list.size * maxFill) - list.used);
    let got = 0;
    for (let attempt = 0; attempt < ATTEMPTS_PER_LIST && got < room; attempt++) {
      const draw = new Set<number>();
      while (draw.size < room - got) draw.add(randomInt(list.size));
      const taken = await claimMany(store, list.id, [...draw]);
      for (const index of taken) {
        if (!draw.has(index)) failStatus('STATUS_STORE_CONFLICT', 'the store granted an index not asked for');
        draw.delete(index);
        out.push({ listId: list.id, index, record: list });
      }
      got += taken.length;
    }
    return got;
  };
  const candidates = [...(await store.listsWithRoom(options.mechanism, options.purpose, maxFill))];
  while (candidates.length > 0 && out.length < count) {
    const [list] = candidates.splice(randomInt(candidates.length), 1) as [StatusListRecord];
    await fill(list, count - out.length);
  }
  while (out.length < count) {
    const record = await createStatusList(store, options, size, bits);
    // A fresh list is empty: a first draw that is refused in full means someone else writes into it.
    if ((await fill(record, count - out.length)) === 0) {
      failStatus('STATUS_STORE_CONFLICT', 'a new status list already had the indexes taken');
    }
  }
  // Fisher–Yates with the same randomness: batch order carries no list or index order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as AllocatedStatusIndex, out[i] as AllocatedStatusIndex];
  }
  return out;
}
