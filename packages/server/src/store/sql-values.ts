import { HavenError } from '@haven/core';
import { failServer } from '../errors.js';

/** Longest id, hash, name or label the stores accept (HMACs are 43 characters, ids far less than this). */
export const MAX_KEY_LENGTH = 256;

/**
 * A database integer as a number: accepts numbers, bigints and decimal strings (PostgreSQL int8 via
 * `pg`), refuses anything that is not an exact safe integer rather than rounding it.
 *
 * @example
 * ```ts
 * toSafeInteger('1767225600'); // 1767225600
 * ```
 */
export function toSafeInteger(value: unknown): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint'
        ? Number(value)
        : typeof value === 'string' && /^-?\d{1,16}$/.test(value)
          ? Number(value)
          : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new HavenError('INTERNAL_ERROR', 'the database returned an integer beyond the safe range');
  }
  return n;
}

/**
 * `toSafeInteger` for a nullable column: `undefined` for SQL NULL.
 *
 * @example
 * ```ts
 * const redeemedAt = toOptionalInteger(row.redeemed_at);
 * ```
 */
export function toOptionalInteger(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : toSafeInteger(value);
}

/**
 * Refuses a value that is not a non-empty string of at most `max` characters.
 *
 * @example
 * ```ts
 * assertKey(record.id, 'credential id');
 * ```
 */
export function assertKey(value: unknown, what: string, max = MAX_KEY_LENGTH): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    failServer('SERVER_STORE_RECORD_INVALID', `${what} must be a string of 1 to ${max} characters`);
  }
}

/**
 * Refuses anything but a string (opaque sealed values may be long).
 *
 * @example
 * ```ts
 * assertString(offer.sealedOffer, 'sealedOffer');
 * ```
 */
export function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') failServer('SERVER_STORE_RECORD_INVALID', `${what} must be a string`);
}

/**
 * Refuses anything but a non-negative safe integer (epoch seconds, counts).
 *
 * @example
 * ```ts
 * assertEpoch(now, 'now');
 * ```
 */
export function assertEpoch(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    failServer('SERVER_STORE_RECORD_INVALID', `${what} must be a non-negative integer`);
  }
}

/**
 * Refuses a value that is not one of `allowed`.
 *
 * @example
 * ```ts
 * assertOneOf(entry.outcome, ['ok', 'refused'], 'outcome');
 * ```
 */
export function assertOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  what: string,
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    failServer('SERVER_STORE_RECORD_INVALID', `${what} must be one of ${allowed.join(', ')}`);
  }
}

/**
 * A page size: 1–500, 50 when absent; anything else is a query error, never clamped silently.
 *
 * @example
 * ```ts
 * const limit = pageLimit(options.limit);
 * ```
 */
export function pageLimit(limit: unknown): number {
  if (limit === undefined) return 50;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > 500) {
    failServer('SERVER_STORE_QUERY_INVALID', 'limit must be an integer from 1 to 500');
  }
  return limit;
}

/**
 * What kind of constraint a database error reports, on SQLite (better-sqlite3) or PostgreSQL (pg).
 *
 * @example
 * ```ts
 * if (constraintViolation(error) === 'unique') return false;
 * ```
 */
export function constraintViolation(error: unknown): 'unique' | 'foreign-key' | 'check' | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return 'unique';
  }
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign-key';
  if (
    code === '23514' ||
    code === '23502' ||
    code === 'SQLITE_CONSTRAINT_CHECK' ||
    code === 'SQLITE_CONSTRAINT_NOTNULL'
  ) {
    return 'check';
  }
  return undefined;
}

/**
 * Runs a write and turns the database's constraint errors into typed ones: a duplicate key is
 * `SERVER_STORE_CONFLICT`, a missing referenced row `SERVER_STORE_NOT_FOUND`, a failed CHECK
 * `SERVER_STORE_RECORD_INVALID`. Other errors pass through untouched.
 *
 * @example
 * ```ts
 * await withConstraintErrors('createNonce', () => db.insertInto('nonces').values(row).execute());
 * ```
 */
export async function withConstraintErrors<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    switch (constraintViolation(error)) {
      case 'unique':
        return failServer('SERVER_STORE_CONFLICT', `${what}: a record with this key exists`, {
          cause: error,
        });
      case 'foreign-key':
        return failServer('SERVER_STORE_NOT_FOUND', `${what}: a record it refers to does not exist`, {
          cause: error,
        });
      case 'check':
        return failServer('SERVER_STORE_RECORD_INVALID', `${what}: the record breaks a rule of the schema`, {
          cause: error,
        });
      default:
        throw error;
    }
  }
}
