import { type ParseClientIdOptions, parseClientId, parseEndpointUrl } from '../client-id.js';
import { failOid4vp } from '../errors.js';

/** The by-reference part of an authorization request (§5.10): what to fetch and how. */
export interface RequestUriReference {
  readonly clientId: string;
  readonly requestUri: string;
  /** `get` unless the verifier asked for `post` (§5.10.1). */
  readonly method: 'get' | 'post';
}

/**
 * Reads `client_id`, `request_uri` and `request_uri_method` from request parameters (§5.10), so the
 * caller can fetch the request object through core's guarded fetcher and pass it, with
 * `expectedClientId: clientId`, to `parseAuthorizationRequest`. Throws `OID4VP_CLIENT_ID_INVALID` or
 * `OID4VP_REQUEST_INVALID` (no or bad `request_uri`, an unknown method, or `request` beside it).
 * `http:` loopback URIs are refused unless `options.allowHttpLoopback` (tests and local development).
 *
 * @example
 * ```ts
 * const { clientId, requestUri } = readRequestUri(Object.fromEntries(url.searchParams));
 * ```
 */
export function readRequestUri(
  parameters: Readonly<Record<string, unknown>>,
  options: ParseClientIdOptions = {},
): RequestUriReference {
  const allowHttpLoopback = options.allowHttpLoopback === true;
  const clientId = parseClientId(parameters?.client_id, { allowHttpLoopback }).clientId;
  const requestUri = parameters.request_uri;
  if (parseEndpointUrl(requestUri, allowHttpLoopback) === undefined) {
    failOid4vp('OID4VP_REQUEST_INVALID', 'request_uri must be an https URL', {
      details: { parameter: 'request_uri' },
    });
  }
  if (parameters.request !== undefined) {
    failOid4vp('OID4VP_REQUEST_INVALID', 'request and request_uri must not both be present', {
      details: { parameter: 'request' },
    });
  }
  const method = parameters.request_uri_method ?? 'get';
  // §5.1: case-sensitive `get` or `post`.
  if (method !== 'get' && method !== 'post') {
    failOid4vp('OID4VP_REQUEST_INVALID', 'request_uri_method must be get or post', {
      details: { parameter: 'request_uri_method' },
    });
  }
  return { clientId, requestUri: requestUri as string, method };
}
