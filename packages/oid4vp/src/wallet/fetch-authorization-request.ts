import type { HavenErrorDetails } from '@haven/core';
import { REQUEST_OBJECT_TYP } from '../constants.js';
import { failOid4vp } from '../errors.js';
import type { FetchAuthorizationRequestOptions } from './contracts.js';
import { type ParsedAuthorizationRequest, parseAuthorizationRequest } from './parse-authorization-request.js';
import { readRequestUri } from './read-request-uri.js';

/** The media type of a request object served at a `request_uri` (§5.10.1). */
const REQUEST_OBJECT_MEDIA_TYPE = `application/${REQUEST_OBJECT_TYP}`;
/** Largest authorization request URL the wallet reads (QR codes and deep links stay far below). */
const REQUEST_URL_MAX = 64 * 1024;
/** Largest request object fetched from a `request_uri`. */
const REQUEST_OBJECT_MAX_BYTES = 256 * 1024;
/** Schemes that carry an authorization request: §5 `openid4vp:`, HAIP's `haip-vp:`, or a claimed https link. */
const REQUEST_SCHEMES = new Set(['openid4vp:', 'haip-vp:', 'https:']);
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function requestInvalid(message: string, details: HavenErrorDetails = {}): never {
  failOid4vp('OID4VP_REQUEST_INVALID', message, { details });
}

// The query parameters of the authorization request URL (§5), each once.
function readQuery(uri: unknown): Record<string, string> {
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > REQUEST_URL_MAX) {
    requestInvalid('the authorization request must be a URL of bounded size');
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    requestInvalid('the authorization request is not a URL');
  }
  if (!REQUEST_SCHEMES.has(url.protocol)) {
    requestInvalid('the authorization request URL scheme is not supported', {
      supported: [...REQUEST_SCHEMES].map((s) => s.slice(0, -1)),
    });
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') {
    requestInvalid('the authorization request URL must not carry credentials or a fragment');
  }
  const parameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    // A parameter sent twice is ambiguous (RFC 6749 §3.1): refuse rather than pick one.
    if (Object.hasOwn(parameters, name))
      requestInvalid('a request parameter is repeated', { parameter: name });
    // Own data property even for `__proto__`.
    Object.defineProperty(parameters, name, { value, enumerable: true, writable: true, configurable: true });
  }
  if (Object.keys(parameters).length === 0) requestInvalid('the authorization request URL has no parameters');
  return parameters;
}

// A fetcher built with `maxRedirects` may follow redirects; the answer must come from where it was sent.
function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads an authorization request from the URL the wallet was invoked with (OpenID4VP §5): an
 * `openid4vp://?…` or `haip-vp://?…` URL, or an https link with the request in its query.
 * - By value: the query parameters (object parameters JSON-encoded, or a request object in `request`)
 *   go to `parseAuthorizationRequest`.
 * - By reference (§5.10): `request_uri` is fetched with GET through `options.fetch`; the answer must be
 *   200 with content type `application/oauth-authz-req+jwt` and a bounded compact JWS, whose
 *   `client_id` must equal the outer one. With `request_uri_method=post` Haven, which does not implement
 *   the POST variant, fetches with GET as §5 tells wallets without it to do.
 *
 * `http://` loopback request and response URIs are refused unless `allowHttpLoopback` (local use
 * only). Throws `OID4VP_REQUEST_INVALID`, the codes of `parseAuthorizationRequest`, and core's
 * `FETCH_*` codes when the network fails.
 *
 * @example
 * ```ts
 * const request = await fetchAuthorizationRequest(scannedQrText, {
 *   fetch: createGuardedFetch(), clock: systemClock(), verifyX5c,
 * });
 * ```
 */
export async function fetchAuthorizationRequest(
  uri: string,
  options: FetchAuthorizationRequestOptions,
): Promise<ParsedAuthorizationRequest> {
  const allowHttpLoopback = options.allowHttpLoopback === true;
  const parse = {
    clock: options.clock,
    allowHttpLoopback,
    ...(options.verifyX5c === undefined ? {} : { verifyX5c: options.verifyX5c }),
  };
  const parameters = readQuery(uri);
  if (parameters.request_uri === undefined) return parseAuthorizationRequest(parameters, parse);

  const reference = readRequestUri(parameters, { allowHttpLoopback });
  // §5 (request_uri_method): a wallet that does not support `post` fetches with GET, as RFC 9101 says.
  if (typeof options.fetch !== 'function') {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'a guarded fetch is needed to follow request_uri');
  }
  const response = await options.fetch({
    url: reference.requestUri,
    method: 'GET',
    headers: { accept: REQUEST_OBJECT_MEDIA_TYPE },
  });
  // §5.10.2: any HTTP error ends the process; a redirect is treated as one (§14.8).
  if (response.status !== 200)
    requestInvalid('the request_uri answered with an error', { status: response.status });
  if (!sameUrl(response.url, reference.requestUri)) {
    requestInvalid('the request_uri redirected elsewhere', { parameter: 'request_uri' });
  }
  if (mediaType(response.headers['content-type']) !== REQUEST_OBJECT_MEDIA_TYPE) {
    requestInvalid('the request_uri must answer with application/oauth-authz-req+jwt', {
      parameter: 'request_uri',
    });
  }
  if (response.body.byteLength > REQUEST_OBJECT_MAX_BYTES) {
    requestInvalid('the request object is too large', { parameter: 'request_uri' });
  }
  const token = response.text();
  if (!COMPACT_JWS.test(token)) {
    requestInvalid('the request_uri did not return a compact JWS', { parameter: 'request_uri' });
  }
  return parseAuthorizationRequest(token, { ...parse, expectedClientId: reference.clientId });
}
