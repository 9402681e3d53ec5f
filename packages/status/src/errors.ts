import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of `@haven/status`. Messages never carry list URLs of a holder's credential,
 * indexes, or list contents: an index identifies a credential.
 */
export const STATUS_ERROR_CODES = [
  // Encoding and decoding (Token Status List §4, Bitstring Status List §2)
  'STATUS_LIST_INVALID',
  'STATUS_LIST_TOO_LARGE',
  'STATUS_BITS_INVALID',
  'STATUS_INDEX_OUT_OF_RANGE',
  // The status list token / credential
  'STATUS_LIST_TOKEN_INVALID',
  'STATUS_LIST_SIGNATURE_INVALID',
  'STATUS_LIST_SUBJECT_MISMATCH',
  'STATUS_LIST_ISSUER_MISMATCH',
  'STATUS_LIST_PURPOSE_MISMATCH',
  'STATUS_LIST_EXPIRED',
  'STATUS_LIST_UNREACHABLE',
  'STATUS_REFERENCE_INVALID',
  'STATUS_POLICY_INVALID',
  // What a check found (the credential must not be accepted)
  'STATUS_INVALID',
  'STATUS_SUSPENDED',
  'STATUS_REVOKED',
  'STATUS_UNKNOWN_VALUE',
  // Allocation (issuer side)
  'STATUS_LIST_NOT_FOUND',
  'STATUS_STORE_CONFLICT',
] as const;

/** One of {@link STATUS_ERROR_CODES}. */
export type StatusErrorCode = (typeof STATUS_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    status: StatusErrorCode;
  }
}

/** Throws an `@haven/status` error. */
export function failStatus(code: StatusErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
