import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of `@haven/oid4vci`. Issuer-side codes map one-to-one to an OAuth / OpenID4VCI
 * error (`error` member and HTTP status) in the server's error table; client-side codes say what a wallet
 * found wrong with an issuer. Messages never carry codes, tokens, nonces, tx_codes or claim values.
 *
 * @example
 * ```ts
 * OID4VCI_ERROR_CODES.includes('OID4VCI_INVALID_NONCE') // true
 * ```
 */
export const OID4VCI_ERROR_CODES = [
  // Token endpoint (RFC 6749 §5.2, OpenID4VCI §6.3)
  'OID4VCI_INVALID_REQUEST',
  'OID4VCI_UNSUPPORTED_GRANT_TYPE',
  'OID4VCI_INVALID_GRANT',
  'OID4VCI_INVALID_CLIENT',
  // Credential and deferred endpoints (RFC 6750 §3.1, OpenID4VCI §8.3.1, §9.3)
  'OID4VCI_INVALID_TOKEN',
  'OID4VCI_INVALID_CREDENTIAL_REQUEST',
  'OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION',
  'OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER',
  'OID4VCI_INVALID_PROOF',
  'OID4VCI_INVALID_NONCE',
  'OID4VCI_INVALID_ENCRYPTION_PARAMETERS',
  'OID4VCI_CREDENTIAL_REQUEST_DENIED',
  'OID4VCI_INVALID_TRANSACTION_ID',
  // Credential offer by reference (§4.1.3): unknown, expired or spent offers look the same
  'OID4VCI_OFFER_NOT_FOUND',
  // Issuer-side configuration and administration
  'OID4VCI_CONFIG_INVALID',
  'OID4VCI_OFFER_INVALID',
  'OID4VCI_OFFER_STATE',
  // Wallet client: what an issuer sent back was wrong or refused
  'OID4VCI_CLIENT_OFFER_INVALID',
  'OID4VCI_CLIENT_METADATA_INVALID',
  'OID4VCI_CLIENT_RESPONSE_INVALID',
  'OID4VCI_CLIENT_ISSUER_ERROR',
  'OID4VCI_CLIENT_TX_CODE_REQUIRED',
  'OID4VCI_CLIENT_DEFERRED_TIMEOUT',
] as const;

/** One of {@link OID4VCI_ERROR_CODES}. */
export type Oid4vciErrorCode = (typeof OID4VCI_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    oid4vci: Oid4vciErrorCode;
  }
}

/**
 * Throws an `@haven/oid4vci` error.
 *
 * @example
 * ```ts
 * failOid4vci('OID4VCI_INVALID_PROOF', 'the key proof is invalid');
 * ```
 */
export function failOid4vci(code: Oid4vciErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
