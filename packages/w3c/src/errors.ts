import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of `@haven/w3c`. Messages never carry claim values, credential ids, DIDs of holders
 * or proof values: a credential is personal data.
 */
export const W3C_ERROR_CODES = [
  // Data model (VCDM 2.0 §4)
  'W3C_MALFORMED',
  'W3C_TOO_LARGE',
  'W3C_CONTEXT_INVALID',
  'W3C_TYPE_INVALID',
  'W3C_ISSUER_INVALID',
  'W3C_SUBJECT_INVALID',
  'W3C_DATE_INVALID',
  'W3C_NOT_YET_VALID',
  'W3C_EXPIRED',
  'W3C_STATUS_UNCHECKED',
  'W3C_POLICY_INVALID',
  // Issuer trust and keys (shared by VC-JOSE and Data Integrity)
  'W3C_ISSUER_UNTRUSTED',
  'W3C_ISSUER_MISMATCH',
  'W3C_KEY_NOT_FOUND',
  // VC-JOSE (vc+jwt, vp+jwt)
  'W3C_JOSE_CLAIMS_INVALID',
  'W3C_ENVELOPE_INVALID',
  // Presentations
  'W3C_PRESENTATION_INVALID',
  'W3C_HOLDER_MISMATCH',
  'W3C_NONCE_MISMATCH',
  'W3C_AUDIENCE_MISMATCH',
  // VCDM 1.1 JWT (`vc` claim), as made by Veramo's credential-w3c
  'W3C_LEGACY_JWT_INVALID',
  'W3C_LEGACY_JWT_CLAIM_MISMATCH',
  'W3C_LEGACY_JWT_ALG_UNSUPPORTED',
  // Data Integrity (vc-data-integrity, vc-di-eddsa, vc-di-ecdsa)
  'W3C_CONTEXT_UNKNOWN',
  'W3C_DOCUMENT_LOADER_REFUSED',
  'W3C_PROOF_MISSING',
  'W3C_PROOF_INVALID',
  'W3C_CRYPTOSUITE_NOT_ALLOWED',
  'W3C_PROOF_PURPOSE_MISMATCH',
  'W3C_VERIFICATION_METHOD_INVALID',
  'W3C_VERIFICATION_METHOD_NOT_AUTHORIZED',
  'W3C_MULTIBASE_INVALID',
  'W3C_SIGNATURE_INVALID',
  'W3C_SELECTIVE_DISCLOSURE_INVALID',
  'W3C_DERIVE_FAILED',
  'W3C_SIGN_FAILED',
  // JSON-LD safe mode (vc-data-integrity §4.4): a term no context defines, a relative IRI, a keyword
  // where Haven accepts none — anything jsonld.js would otherwise drop from what is signed.
  'W3C_JSONLD_UNSAFE',
] as const;

/** One of {@link W3C_ERROR_CODES}. */
export type W3cErrorCode = (typeof W3C_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    w3c: W3cErrorCode;
  }
}

/** Throws an `@haven/w3c` error. */
export function failW3c(code: W3cErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}

/**
 * Is `value` a `HavenError` of `@haven/w3c` (optionally one of `codes`)?
 *
 * @example
 * ```ts
 * if (isW3cError(error, 'W3C_EXPIRED')) showExpired();
 * ```
 */
export function isW3cError(value: unknown, ...codes: W3cErrorCode[]): value is HavenError<W3cErrorCode> {
  if (!(value instanceof HavenError)) return false;
  const code = value.code as string;
  return codes.length === 0
    ? (W3C_ERROR_CODES as readonly string[]).includes(code)
    : (codes as string[]).includes(code);
}
