import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of `@haven/sd-jwt`. Messages never carry claim names' values, salts, disclosures or
 * tokens: a disclosure is personal data.
 */
export const SD_JWT_ERROR_CODES = [
  'SDJWT_MALFORMED',
  'SDJWT_POLICY_INVALID',
  'SDJWT_TOO_LARGE',
  'SDJWT_TOO_MANY_DISCLOSURES',
  'SDJWT_TOO_DEEP',
  'SDJWT_DISCLOSURE_MALFORMED',
  'SDJWT_UNREFERENCED_DISCLOSURE',
  'SDJWT_DUPLICATE_DISCLOSURE',
  'SDJWT_DUPLICATE_DIGEST',
  'SDJWT_RESERVED_CLAIM_NAME',
  'SDJWT_CLAIM_CLASH',
  'SDJWT_DISCLOSURE_KIND_MISMATCH',
  'SDJWT_HASH_ALG_UNSUPPORTED',
  'SDJWT_FRAME_INVALID',
  'SDJWT_CLAIM_PATH_NOT_FOUND',
  'SDJWT_KB_REQUIRED',
  'SDJWT_KB_UNEXPECTED',
  'SDJWT_KB_INVALID',
  'SDJWT_KB_NONCE_MISMATCH',
  'SDJWT_KB_AUD_MISMATCH',
  'SDJWT_KB_SD_HASH_MISMATCH',
  'SDJWT_AUDIENCE_MISMATCH',
  'SDJWT_STATUS_UNCHECKED',
  'SDJWT_CNF_MISSING',
  'SDJWT_CNF_INVALID',
  'SDJWT_ISSUER_UNTRUSTED',
  'SDJWT_ISSUER_KEY_NOT_FOUND',
  'SDJWT_ISSUER_METADATA_INVALID',
  'SDJWT_VC_VCT_MISSING',
  'SDJWT_VC_CLAIM_NOT_ALLOWED_SD',
  'SDJWT_VC_CLAIM_INVALID',
  'SDJWT_VC_TYPE_METADATA_VIOLATION',
  'TYPE_METADATA_INVALID',
  'TYPE_METADATA_INTEGRITY_MISMATCH',
  'TYPE_METADATA_NOT_FOUND',
  'TYPE_METADATA_EXTENDS_CYCLE',
  'TYPE_METADATA_EXTENDS_TOO_DEEP',
  'TYPE_METADATA_SD_CONFLICT',
  'TYPE_METADATA_MANDATORY_CONFLICT',
] as const;

/** One of {@link SD_JWT_ERROR_CODES}. */
export type SdJwtErrorCode = (typeof SD_JWT_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    sdJwt: SdJwtErrorCode;
  }
}

/** Throws an `@haven/sd-jwt` error. */
export function failSdJwt(code: SdJwtErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
