import { failStatus } from '../errors.js';
import type { StatusListRecord, StatusListStore, StatusMechanism } from './status-list-store.js';

interface ListState {
  record: StatusListRecord;
  claimed: Uint8Array;
  values: Uint8Array;
}

/** What {@link MemoryStatusListStore.snapshot} returns and {@link MemoryStatusListStore.restore} takes. */
export interface StatusListSnapshot {
  readonly record: StatusListRecord;
  /** One byte per entry: 1 when allocated. */
  readonly claimed: Uint8Array;
  /** One byte per entry: its status value. */
  readonly values: Uint8Array;
}

function checkIndex(state: ListState, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= state.record.size) {
    failStatus('STATUS_INDEX_OUT_OF_RANGE', 'the index is not in the list');
  }
}

/**
 * A {@link StatusListStore} in process memory: for tests, the CLI (which persists snapshots to its data
 * dir) and single-process tools. Servers use the database-backed store, where atomicity holds across
 * processes.
 *
 * @example
 * ```ts
 * const store = new MemoryStatusListStore();
 * const { listId, index } = await allocateStatusIndex(store, { mechanism: 'token-status-list', size: 131_072, bits: 2 });
 * ```
 */
export class MemoryStatusListStore implements StatusListStore {
  readonly #lists = new Map<string, ListState>();

  #get(listId: string): ListState {
    const state = this.#lists.get(listId);
    if (!state) failStatus('STATUS_LIST_NOT_FOUND', 'no such status list');
    return state;
  }

  async listsWithRoom(
    mechanism: StatusMechanism,
    purpose: StatusListRecord['purpose'],
    maxFill: number,
  ): Promise<readonly StatusListRecord[]> {
    return [...this.#lists.values()]
      .map((s) => s.record)
      .filter((r) => r.mechanism === mechanism && r.purpose === purpose && r.used < r.size * maxFill);
  }

  async createList(record: Omit<StatusListRecord, 'used'>): Promise<StatusListRecord> {
    if (this.#lists.has(record.id)) failStatus('STATUS_STORE_CONFLICT', 'a status list with this id exists');
    const full: StatusListRecord = { ...record, used: 0 };
    this.#lists.set(record.id, {
      record: full,
      claimed: new Uint8Array(record.size),
      values: new Uint8Array(record.size),
    });
    return full;
  }

  async claimIndex(listId: string, index: number): Promise<boolean> {
    const state = this.#get(listId);
    checkIndex(state, index);
    if (state.claimed[index] === 1) return false;
    state.claimed[index] = 1;
    state.record = { ...state.record, used: state.record.used + 1 };
    return true;
  }

  async claimIndexes(listId: string, indexes: readonly number[]): Promise<readonly number[]> {
    const state = this.#get(listId);
    for (const index of indexes) checkIndex(state, index);
    const taken: number[] = [];
    for (const index of indexes) {
      if (state.claimed[index] === 1) continue;
      state.claimed[index] = 1;
      taken.push(index);
    }
    state.record = { ...state.record, used: state.record.used + taken.length };
    return taken;
  }

  async setStatus(listId: string, index: number, value: number): Promise<void> {
    const state = this.#get(listId);
    checkIndex(state, index);
    if (state.claimed[index] !== 1) failStatus('STATUS_INDEX_OUT_OF_RANGE', 'the index was never allocated');
    const max = 2 ** state.record.bits - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) {
      failStatus('STATUS_BITS_INVALID', `a status value must be an integer from 0 to ${max}`);
    }
    state.values[index] = value;
  }

  async getStatus(listId: string, index: number): Promise<number> {
    const state = this.#get(listId);
    checkIndex(state, index);
    return state.values[index] as number;
  }

  async readList(listId: string): Promise<{ record: StatusListRecord; values: Uint8Array }> {
    const state = this.#get(listId);
    return { record: state.record, values: Uint8Array.from(state.values) };
  }

  /** Every list, copied, e.g. to write to disk. */
  snapshot(): StatusListSnapshot[] {
    return [...this.#lists.values()].map((s) => ({
      record: s.record,
      claimed: Uint8Array.from(s.claimed),
      values: Uint8Array.from(s.values),
    }));
  }

  /** Replaces the store's content with a snapshot (sizes checked). */
  restore(snapshots: readonly StatusListSnapshot[]): void {
    this.#lists.clear();
    for (const s of snapshots) {
      const size = s.record.size;
      if (s.claimed.length !== size || s.values.length !== size) {
        failStatus('STATUS_LIST_INVALID', 'a stored status list does not match its size');
      }
      let used = 0;
      for (const c of s.claimed) used += c === 1 ? 1 : 0;
      this.#lists.set(s.record.id, {
        record: { ...s.record, used },
        claimed: Uint8Array.from(s.claimed),
        values: Uint8Array.from(s.values),
      });
    }
  }
}
