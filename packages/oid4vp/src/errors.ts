import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of `@haven/oid4vp`. Over-asking is not listed here: it is the credentials
 * package's `OVER_ASKING`, raised by its purpose checks. Messages never carry nonces, states, tokens or
 * claim values.
 *
 * @example
 * ```ts
 * OID4VP_ERROR_CODES.includes('OID4VP_CLIENT_ID_INVALID') // true
 * ```
 */
export const OID4VP_ERROR_CODES = [
  /** Options given to a verifier function are malformed (bad URI, short nonce, missing signer…). */
  'OID4VP_OPTIONS_INVALID',
  /** An authorization request (§5) is malformed, or a required parameter is missing or wrong. */
  'OID4VP_REQUEST_INVALID',
  /** The `client_id` is malformed, has an unsupported prefix (§5.9), or does not match the request. */
  'OID4VP_CLIENT_ID_INVALID',
  /** The request is signed where it must not be, unsigned where it must be, or the signature fails. */
  'OID4VP_REQUEST_SIGNATURE_INVALID',
  /** The request object's `typ` header is not `oauth-authz-req+jwt` (§5). */
  'OID4VP_REQUEST_TYP_INVALID',
  /** The certificate chain is refused by the caller's trust check, or its SAN does not name the client. */
  'OID4VP_CERTIFICATE_INVALID',
  /** The request object has expired or is not valid yet. */
  'OID4VP_REQUEST_EXPIRED',
  /** The request carries no (or a malformed) Haven verifier registration in `verifier_info`. */
  'OID4VP_REGISTRATION_INVALID',
  /**
   * The `vp_token` does not answer the DCQL query (§8.1, §6.4): not an object of query ids to arrays of
   * presentations, an unknown query id, a required query or credential set missing, several
   * presentations where `multiple` is false, or claims that do not satisfy the query.
   */
  'OID4VP_VP_TOKEN_INVALID',
  /**
   * A presentation in the `vp_token` fails verification: signature, issuer trust, disclosures, key
   * binding (nonce, `aud` = full client_id, age), validity or status. `details.queryId` and
   * `details.cause` (the underlying code) say which and why.
   */
  'OID4VP_PRESENTATION_INVALID',
  /** A presentation discloses a claim the query did not ask for, or the purpose does not allow. */
  'OID4VP_OVER_DISCLOSED',
  /** The Authorization Response is malformed (§8): no `vp_token`/`response`, bad JWE, state mismatch. */
  'OID4VP_RESPONSE_INVALID',
  /** No live transaction for this response or request: unknown, expired or already answered. */
  'OID4VP_TRANSACTION_UNKNOWN',
  /** The front end's session or response code does not match the transaction (§13.3). */
  'OID4VP_SESSION_INVALID',
  /** The wallet holds no credentials that answer the query (§6.4.2: it must not answer partially). */
  'OID4VP_NO_MATCHING_CREDENTIALS',
  /** The verifier answered the wallet's response with an error, or not as §8.2 says. */
  'OID4VP_VERIFIER_ERROR',
] as const;

/** One of {@link OID4VP_ERROR_CODES}. */
export type Oid4vpErrorCode = (typeof OID4VP_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    oid4vp: Oid4vpErrorCode;
  }
}

/**
 * Throws an `@haven/oid4vp` error.
 *
 * @example
 * ```ts
 * failOid4vp('OID4VP_REQUEST_INVALID', 'the request has no nonce');
 * ```
 */
export function failOid4vp(code: Oid4vpErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
