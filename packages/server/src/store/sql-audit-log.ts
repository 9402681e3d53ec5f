import type { Kysely, Selectable } from 'kysely';
import { failServer } from '../errors.js';
import type { AuditEntry, AuditLog } from './contracts.js';
import type { AuditLogTable, HavenSchema } from './schema.js';
import { assertEpoch, assertKey, assertOneOf, pageLimit, toSafeInteger } from './sql-values.js';

const MAX_DETAILS = 32;
const MAX_DETAIL_STRING = 1024;

function checkDetails(details: unknown): string | null {
  if (details === undefined) return null;
  if (details === null || typeof details !== 'object' || Array.isArray(details)) {
    failServer('SERVER_STORE_RECORD_INVALID', 'audit details must be an object');
  }
  const entries = Object.entries(details);
  if (entries.length > MAX_DETAILS) {
    failServer('SERVER_STORE_RECORD_INVALID', `audit details hold at most ${MAX_DETAILS} facts`);
  }
  for (const [key, value] of entries) {
    assertKey(key, 'an audit detail name', 64);
    const ok =
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.length <= MAX_DETAIL_STRING);
    if (!ok)
      failServer('SERVER_STORE_RECORD_INVALID', 'audit detail values are short strings, numbers or booleans');
  }
  return JSON.stringify(details);
}

function parseDetails(text: string): Readonly<Record<string, string | number | boolean>> {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    failServer('SERVER_STORE_RECORD_INVALID', 'a stored audit entry has malformed details');
  }
  // A fresh null-prototype object: stored keys never reach Object.prototype.
  return Object.assign(Object.create(null) as Record<string, string | number | boolean>, value);
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry & { seq: number } {
  return {
    seq: toSafeInteger(row.seq),
    at: toSafeInteger(row.at),
    actor: row.actor,
    action: row.action,
    ...(row.target === null ? {} : { target: row.target }),
    outcome: row.outcome as AuditEntry['outcome'],
    ...(row.details === null ? {} : { details: parseDetails(row.details) }),
  };
}

/**
 * The append-only audit log ({@link AuditLog}) in SQL. The class has no way to change or delete an entry,
 * and the database refuses it anyway: triggers raise on UPDATE and DELETE (and TRUNCATE on PostgreSQL).
 * Entries are numbered by the database (`seq`), in commit order per process.
 *
 * @example
 * ```ts
 * const audit = new SqlAuditLog(db);
 * await audit.append({ at: now, actor: 'admin:ops-1', action: 'credential.revoke', target: id, outcome: 'ok' });
 * const latest = await audit.list({ limit: 20 });
 * ```
 */
export class SqlAuditLog implements AuditLog {
  readonly #db: Kysely<HavenSchema>;

  constructor(db: Kysely<HavenSchema>) {
    this.#db = db;
  }

  async append(entry: AuditEntry): Promise<void> {
    assertEpoch(entry.at, 'at');
    assertKey(entry.actor, 'actor');
    assertKey(entry.action, 'action');
    if (entry.target !== undefined) assertKey(entry.target, 'target');
    assertOneOf(entry.outcome, ['ok', 'refused'], 'outcome');
    const details = checkDetails(entry.details);
    await this.#db
      .insertInto('audit_log')
      .values({
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        outcome: entry.outcome,
        details,
      })
      .execute();
  }

  /** Newest first; `before` pages back from a sequence number (exclusive); `limit` 1–500, default 50. */
  async list(
    options: { limit?: number; before?: number; target?: string } = {},
  ): Promise<readonly (AuditEntry & { seq: number })[]> {
    const limit = pageLimit(options.limit);
    let query = this.#db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit);
    if (options.before !== undefined) {
      const before: unknown = options.before;
      if (typeof before !== 'number' || !Number.isSafeInteger(before) || before < 1) {
        failServer('SERVER_STORE_QUERY_INVALID', 'before must be a positive integer');
      }
      query = query.where('seq', '<', before);
    }
    if (options.target !== undefined) {
      const target: unknown = options.target;
      if (typeof target !== 'string' || target.length === 0 || target.length > 256) {
        failServer('SERVER_STORE_QUERY_INVALID', 'target must be a string of 1 to 256 characters');
      }
      query = query.where('target', '=', target);
    }
    return (await query.execute()).map(toEntry);
  }
}
