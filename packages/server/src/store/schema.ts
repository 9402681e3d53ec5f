import type { Generated } from 'kysely';

/** `status_lists`: one row per status list; what it is and how full, never whose entries it holds. */
export interface StatusListsTable {
  id: string;
  mechanism: string;
  /** Bitstring lists only: `revocation` or `suspension`. */
  purpose: string | null;
  size: number;
  bits: number;
  used: Generated<number>;
}

/**
 * `status_entries`: one row per allocated index. The primary key (list_id, idx) is what makes an index
 * single-use across every server process: a second claim is a conflict in the database.
 */
export interface StatusEntriesTable {
  list_id: string;
  idx: number;
  value: Generated<number>;
}

/** The whole schema as Kysely sees it. */
export interface HavenSchema {
  status_lists: StatusListsTable;
  status_entries: StatusEntriesTable;
}
