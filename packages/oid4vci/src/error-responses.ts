import type { Oid4vciErrorCode } from './errors.js';

/** The OAuth / OpenID4VCI error body member and HTTP status an issuer-side code is answered with. */
export interface Oid4vciErrorResponse {
  readonly error: string;
  readonly status: number;
}

/**
 * How each issuer-side error code is answered over HTTP: the `error` member (RFC 6749 §5.2,
 * RFC 6750 §3.1, OpenID4VCI §6.3, §8.3.1.2, §9.3) and the status. Client-side codes (a wallet's
 * complaints about an issuer) are `undefined`: they never leave the wallet as a response.
 *
 * @example
 * ```ts
 * const mapped = OID4VCI_ERROR_RESPONSES[err.code]; // { error: 'invalid_grant', status: 400 }
 * ```
 */
export const OID4VCI_ERROR_RESPONSES: Readonly<Record<Oid4vciErrorCode, Oid4vciErrorResponse | undefined>> =
  Object.freeze({
    OID4VCI_INVALID_REQUEST: { error: 'invalid_request', status: 400 },
    OID4VCI_UNSUPPORTED_GRANT_TYPE: { error: 'unsupported_grant_type', status: 400 },
    OID4VCI_INVALID_GRANT: { error: 'invalid_grant', status: 400 },
    OID4VCI_INVALID_CLIENT: { error: 'invalid_client', status: 401 },
    OID4VCI_INVALID_TOKEN: { error: 'invalid_token', status: 401 },
    OID4VCI_INVALID_CREDENTIAL_REQUEST: { error: 'invalid_credential_request', status: 400 },
    OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION: { error: 'unknown_credential_configuration', status: 400 },
    OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER: { error: 'unknown_credential_identifier', status: 400 },
    OID4VCI_INVALID_PROOF: { error: 'invalid_proof', status: 400 },
    OID4VCI_INVALID_NONCE: { error: 'invalid_nonce', status: 400 },
    OID4VCI_INVALID_ENCRYPTION_PARAMETERS: { error: 'invalid_encryption_parameters', status: 400 },
    OID4VCI_CREDENTIAL_REQUEST_DENIED: { error: 'credential_request_denied', status: 400 },
    OID4VCI_INVALID_TRANSACTION_ID: { error: 'invalid_transaction_id', status: 400 },
    // §4.1.3: unknown, expired and spent offers are one answer, so the URL space cannot be probed.
    OID4VCI_OFFER_NOT_FOUND: { error: 'not_found', status: 404 },
    // The issuer's own configuration is wrong: nothing the client can fix.
    OID4VCI_CONFIG_INVALID: { error: 'server_error', status: 500 },
    // Administration (creating and deciding offers), not OAuth endpoints.
    OID4VCI_OFFER_INVALID: { error: 'invalid_request', status: 400 },
    OID4VCI_OFFER_STATE: { error: 'conflict', status: 409 },
    OID4VCI_CLIENT_OFFER_INVALID: undefined,
    OID4VCI_CLIENT_METADATA_INVALID: undefined,
    OID4VCI_CLIENT_RESPONSE_INVALID: undefined,
    OID4VCI_CLIENT_ISSUER_ERROR: undefined,
    OID4VCI_CLIENT_TX_CODE_REQUIRED: undefined,
    OID4VCI_CLIENT_DEFERRED_TIMEOUT: undefined,
  });
