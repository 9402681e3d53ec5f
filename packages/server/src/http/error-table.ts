import { type HavenErrorCode, isHavenError } from '@haven/core';
import { OID4VCI_ERROR_RESPONSES, type Oid4vciErrorCode } from '@haven/oid4vci';

/** How one Haven error code is answered over HTTP. */
export interface HttpErrorMapping {
  readonly status: number;
  /** The OAuth-style `error` member. */
  readonly error: string;
  /** The `error_description`: fixed ASCII text per mapping, never built from the request. */
  readonly description: string;
  /** Claim paths (`details.paths`) may be returned, to authenticated admin callers only. */
  readonly exposePaths?: boolean;
}

const SERVER_ERROR: HttpErrorMapping = Object.freeze({
  status: 500,
  error: 'server_error',
  description: 'The server could not complete the request',
});

// One fixed text per OAuth / OpenID4VCI `error` value. RFC 6749 §5.2 and OpenID4VCI §8.3.1.2 allow only
// %x20-21 / %x23-5B / %x5D-7E in error_description: no quote, no backslash, nothing outside ASCII.
const DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze({
  invalid_request: 'The request is missing a parameter, has an invalid one, or is otherwise malformed',
  unsupported_grant_type: 'The grant type is not supported',
  invalid_grant: 'The grant is invalid, expired or already used',
  invalid_client: 'Client authentication failed',
  invalid_token: 'The access token is missing, invalid or expired',
  invalid_credential_request: 'The credential request is malformed',
  unknown_credential_configuration: 'The credential configuration is not known for this request',
  unknown_credential_identifier: 'The credential identifier is not known for this request',
  invalid_proof: 'The key proof is missing or invalid',
  invalid_nonce: 'The key proof nonce is invalid; fetch a fresh one from the nonce endpoint',
  invalid_encryption_parameters: 'The encryption parameters are invalid or missing',
  credential_request_denied: 'The credential request was denied',
  invalid_transaction_id: 'The transaction id is invalid',
  not_found: 'Not found',
  conflict: 'The record is in a state that does not allow this change',
  server_error: SERVER_ERROR.description,
  slow_down: 'Too many requests; retry after the time given in Retry-After',
  issuer_not_configured: 'The issuer is not configured for this request',
});

function mapping(status: number, error: string, exposePaths = false): HttpErrorMapping {
  const description = DESCRIPTIONS[error] ?? SERVER_ERROR.description;
  return Object.freeze(
    exposePaths ? { status, error, description, exposePaths } : { status, error, description },
  );
}

/**
 * The one table from Haven error codes to HTTP answers (every other code is a 500 `server_error`).
 * OpenID4VCI codes come from `@haven/oid4vci`'s own table; input validation codes are 400
 * `invalid_request`; unknown records 404; impossible state changes 409.
 */
const TABLE: ReadonlyMap<string, HttpErrorMapping> = new Map<string, HttpErrorMapping>([
  ...Object.entries(OID4VCI_ERROR_RESPONSES).flatMap(([code, response]) =>
    response === undefined ? [] : [[code, mapping(response.status, response.error)] as const],
  ),
  // The HTTP layer's own codes.
  ['SERVER_HTTP_INVALID_REQUEST', mapping(400, 'invalid_request', true)],
  [
    'SERVER_HTTP_BODY_TOO_LARGE',
    { status: 413, error: 'invalid_request', description: 'The request body is too large' },
  ],
  [
    'SERVER_HTTP_UNSUPPORTED_MEDIA_TYPE',
    { status: 415, error: 'invalid_request', description: 'The content type or encoding is not supported' },
  ],
  ['SERVER_HTTP_NOT_FOUND', mapping(404, 'not_found')],
  ['SERVER_HTTP_ADMIN_UNAUTHORIZED', mapping(401, 'invalid_token')],
  ['SERVER_HTTP_TOKEN_NOT_IN_HEADER', mapping(401, 'invalid_token')],
  ['SERVER_HTTP_RATE_LIMITED', mapping(429, 'slow_down')],
  ['SERVER_HTTP_CONFLICT', mapping(409, 'conflict')],
  // Claims and types checked by @haven/credentials when an offer is created or decided.
  ['CREDENTIAL_TYPE_UNKNOWN', mapping(400, 'invalid_request')],
  ['CREDENTIAL_CLAIMS_INVALID', mapping(400, 'invalid_request', true)],
  ['CREDENTIAL_OPTIONS_INVALID', mapping(400, 'invalid_request', true)],
  ['CLAIM_PATH_INVALID', mapping(400, 'invalid_request', true)],
  // The issuer and its stores.
  ['SERVER_OFFER_INVALID', mapping(400, 'invalid_request', true)],
  ['SERVER_CREDENTIAL_STATE_UNSUPPORTED', mapping(409, 'conflict')],
  // Thrown only at startup, by createHavenIssuer on a bad configuration (public URL, validity, limits);
  // mapped so that a request can never turn it into a 500 with a stack in the log.
  ['SERVER_ISSUER_CONFIG_INVALID', mapping(409, 'issuer_not_configured')],
  // The verifier (@haven/oid4vp handlers and @haven/credentials purposes). Wallet-facing answers are
  // built by the handlers themselves; these are what reaches the admin API and the front end.
  ['OID4VP_OPTIONS_INVALID', mapping(400, 'invalid_request')],
  ['OID4VP_REQUEST_INVALID', mapping(400, 'invalid_request')],
  ['OID4VP_RESPONSE_INVALID', mapping(400, 'invalid_request')],
  ['OID4VP_VP_TOKEN_INVALID', mapping(400, 'invalid_request')],
  ['OID4VP_PRESENTATION_INVALID', mapping(400, 'invalid_request')],
  ['OID4VP_OVER_DISCLOSED', mapping(400, 'invalid_request')],
  ['OID4VP_TRANSACTION_UNKNOWN', mapping(404, 'not_found')],
  // The front end's session secret (or response code) is wrong: the same answer for an unknown transaction.
  ['OID4VP_SESSION_INVALID', mapping(401, 'invalid_token')],
  ['PURPOSE_INVALID', mapping(400, 'invalid_request', true)],
  ['PURPOSE_UNKNOWN', mapping(400, 'invalid_request')],
  ['PURPOSE_TYPE_NOT_ALLOWED', mapping(400, 'invalid_request')],
  ['DCQL_QUERY_INVALID', mapping(400, 'invalid_request', true)],
  [
    'OVER_ASKING',
    {
      status: 400,
      error: 'invalid_request',
      description: 'OVER_ASKING: the query asks for more than the purpose allows',
      exposePaths: true,
    },
  ],
  ['SERVER_STORE_QUERY_INVALID', mapping(400, 'invalid_request')],
  ['SERVER_STORE_CURSOR_INVALID', mapping(400, 'invalid_request')],
  ['SERVER_STORE_NOT_FOUND', mapping(404, 'not_found')],
  ['SERVER_STORE_CONFLICT', mapping(409, 'conflict')],
  // Strict JSON (core): a body with duplicate or prototype keys, too deep or not JSON.
  ['JSON_INVALID', mapping(400, 'invalid_request')],
  ['JSON_TOO_LARGE', { status: 413, error: 'invalid_request', description: 'The request body is too large' }],
  ['JSON_TOO_DEEP', mapping(400, 'invalid_request')],
  ['JSON_DUPLICATE_KEY', mapping(400, 'invalid_request')],
  ['JSON_FORBIDDEN_KEY', mapping(400, 'invalid_request')],
  ['JSON_NOT_OBJECT', mapping(400, 'invalid_request')],
]);

/**
 * How an error is answered: the mapping of a Haven error's code, or a generic 500 `server_error` for
 * anything else (the error itself is logged, never sent).
 *
 * @example
 * ```ts
 * mapHttpError(new HavenError('OID4VCI_INVALID_GRANT', '…')) // { status: 400, error: 'invalid_grant', … }
 * ```
 */
export function mapHttpError(error: unknown): HttpErrorMapping {
  if (!isHavenError(error)) return SERVER_ERROR;
  return TABLE.get(error.code) ?? SERVER_ERROR;
}

/**
 * The codes the table answers with something other than a 500 (for tests and documentation).
 *
 * @example
 * ```ts
 * mappedErrorCodes().includes('OID4VCI_INVALID_NONCE') // true
 * ```
 */
export function mappedErrorCodes(): readonly (HavenErrorCode | Oid4vciErrorCode)[] {
  return [...TABLE.keys()] as HavenErrorCode[];
}
