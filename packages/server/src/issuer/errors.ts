import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of the issuer core of `@haven/server`. Messages never carry claim values, codes,
 * secrets or key material; `details` carry only non-personal facts.
 */
export const ISSUER_ERROR_CODES = [
  // The master secret (HAVEN_MASTER_SECRET or <dataDir>/master.key) is not base64url of ≥ 32 bytes.
  'SERVER_MASTER_SECRET_INVALID',
  // The master.key file can be read by group/other, or is not a regular file.
  'SERVER_MASTER_SECRET_INSECURE',
  // What is stored in the database does not open with this master secret (wraps SECRET_OPEN_FAILED).
  'SERVER_MASTER_SECRET_MISMATCH',
  // A stored secret opened but is not what it should be (e.g. not a private key of the expected type).
  'SERVER_SECRET_STORE_CORRUPT',
  // createHavenIssuer options are wrong (public URL, validity, limits).
  'SERVER_ISSUER_CONFIG_INVALID',
  // An admin request on offers is wrong (unknown format, no claims to approve with, unknown offer).
  'SERVER_OFFER_INVALID',
  // The requested state change is not possible for this credential's format (suspending a W3C credential).
  'SERVER_CREDENTIAL_STATE_UNSUPPORTED',
  // An offer's sealed claims are missing or unusable at issuance time.
  'SERVER_ISSUANCE_FAILED',
  // The issuer was closed.
  'SERVER_ISSUER_CLOSED',
] as const;

/** One of {@link ISSUER_ERROR_CODES}. */
export type IssuerErrorCode = (typeof ISSUER_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    serverIssuer: IssuerErrorCode;
  }
}

/**
 * Throws an issuer error of `@haven/server`.
 *
 * @example
 * ```ts
 * failIssuer('SERVER_OFFER_INVALID', 'unknown credential format');
 * ```
 */
export function failIssuer(code: IssuerErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
