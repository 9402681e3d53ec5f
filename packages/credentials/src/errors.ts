import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of `@haven/credentials`. Callers switch on `code`; messages are for people and may
 * change. Claims describe survivors, workers and refugees, so neither messages nor details ever carry a
 * claim value: only claim paths (the schema's own field names), type ids and purpose ids.
 */
export const CREDENTIALS_ERROR_CODES = [
  /** No credential type with this id (or vct). */
  'CREDENTIAL_TYPE_UNKNOWN',
  /** A claims object does not match its type's schema; `details.paths` names the offending fields. */
  'CREDENTIAL_CLAIMS_INVALID',
  /** Options given to a credentials function (e.g. a legal minimum wage, a vct base) are malformed. */
  'CREDENTIAL_OPTIONS_INVALID',
  /** A claim path is not a non-empty array of strings, non-negative integers and `null`. */
  'CLAIM_PATH_INVALID',
  /** No verifier purpose with this id. */
  'PURPOSE_UNKNOWN',
  /** A purpose object given by an application is malformed; `details.paths` names the members. */
  'PURPOSE_INVALID',
  /** The purpose does not cover this credential type at all. */
  'PURPOSE_TYPE_NOT_ALLOWED',
  /** A request asks for claims its purpose does not allow; `details.paths` lists them. */
  'OVER_ASKING',
  /** A DCQL query (OpenID4VP §6) is malformed or over a bound; `details.paths` names the offending members. */
  'DCQL_QUERY_INVALID',
  /** Held credentials given to DCQL evaluation are malformed (not an id, format and claims object). */
  'DCQL_HELD_CREDENTIALS_INVALID',
] as const;

/** One of {@link CREDENTIALS_ERROR_CODES}. */
export type CredentialsErrorCode = (typeof CREDENTIALS_ERROR_CODES)[number];

// Adds the credentials codes to Haven's closed set of error codes (`HavenErrorCode`).
declare module '@haven/core' {
  interface HavenErrorCodes {
    credentials: CredentialsErrorCode;
  }
}

/**
 * Is `value` a HavenError with a `@haven/credentials` code (optionally one of `codes`)?
 *
 * @example
 * ```ts
 * try { checkRequestAgainstPurpose('age-check', request) } catch (e) {
 *   if (isCredentialsError(e, 'OVER_ASKING')) refuse(e.details?.paths);
 * }
 * ```
 */
export function isCredentialsError(
  value: unknown,
  ...codes: CredentialsErrorCode[]
): value is HavenError<CredentialsErrorCode> {
  if (!(value instanceof HavenError)) return false;
  if (!(CREDENTIALS_ERROR_CODES as readonly string[]).includes(value.code)) return false;
  return codes.length === 0 || (codes as string[]).includes(value.code);
}

/**
 * Throw a `@haven/credentials` error. Internal shorthand, exported for sibling modules only.
 *
 * @example
 * ```ts
 * failCredentials('PURPOSE_UNKNOWN', 'no such purpose', { details: { purpose: id } });
 * ```
 */
export function failCredentials(
  code: CredentialsErrorCode,
  message: string,
  options?: HavenErrorOptions,
): never {
  throw new HavenError(code, message, options);
}
