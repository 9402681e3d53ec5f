import type { GuardedResponse } from '@haven/core';
import { isLoopbackHttpUrl, parseEndpointUrl } from '../client-id.js';
import { failOid4vp } from '../errors.js';
import type { AuthorizationResponseBody, VerifierAnswer, WalletNetworkOptions } from './contracts.js';
import type { ParsedAuthorizationRequest } from './parse-authorization-request.js';

const REDIRECT_URI_MAX = 4096;
// RFC 6749 §5.2: error codes are printable ASCII without `"` and `\`; also bounded here.
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

/** Errors the wallet itself may send (§8.5); `access_denied` covers refusal and no consent. */
export type WalletAuthorizationError = 'access_denied';

/** Options of {@link declineAuthorizationRequest}. */
export interface DeclineAuthorizationRequestOptions extends WalletNetworkOptions {
  /** Default `access_denied` (§8.5: the holder refused, or holds no matching credential). */
  readonly error?: WalletAuthorizationError;
}

function responseUrlOf(request: ParsedAuthorizationRequest, options: WalletNetworkOptions): string {
  if (request === null || typeof request !== 'object') {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'a parsed authorization request is needed');
  }
  if (typeof options?.fetch !== 'function') {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'a guarded fetch is needed to post the response');
  }
  // Checked again here: the request may have been parsed under another loopback policy.
  if (parseEndpointUrl(request.responseUri, options.allowHttpLoopback === true) === undefined) {
    failOid4vp('OID4VP_REQUEST_INVALID', 'response_uri must be an https URL', {
      details: { parameter: 'response_uri' },
    });
  }
  return request.responseUri;
}

// A fetcher built with `maxRedirects` may follow redirects; the answer must come from where it was sent.
function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

function verifierError(status: number, response?: GuardedResponse, redirected = false): never {
  let error: string | undefined;
  try {
    const body = response?.json() as Record<string, unknown> | undefined;
    // Only a well-formed error code is kept; the rest of the body is never echoed.
    if (typeof body?.error === 'string' && ERROR_CODE.test(body.error)) error = body.error;
  } catch {
    // Not JSON: nothing to report but the status.
  }
  failOid4vp('OID4VP_VERIFIER_ERROR', 'the verifier did not accept the response', {
    details: {
      status,
      ...(redirected ? { redirected: true } : {}),
      ...(error === undefined ? {} : { error }),
    },
  });
}

function readRedirectUri(value: unknown, allowHttpLoopback: boolean): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > REDIRECT_URI_MAX) {
    failOid4vp('OID4VP_VERIFIER_ERROR', 'the verifier redirect_uri is malformed', {
      details: { status: 200 },
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // §8.2: the wallet opens this URI in the user agent; only https (loopback http when allowed), so
  // a hostile verifier cannot send it to `javascript:`, `data:` or another app's custom scheme.
  const allowed =
    url !== undefined &&
    url.username === '' &&
    url.password === '' &&
    (url.protocol === 'https:' || (allowHttpLoopback && isLoopbackHttpUrl(url)));
  if (!allowed) {
    failOid4vp('OID4VP_VERIFIER_ERROR', 'the verifier redirect_uri must be an https URL', {
      details: { status: 200 },
    });
  }
  // The parsed form, not the verifier's text: control characters and spaces come back percent-encoded.
  return (url as URL).href;
}

async function postForm(
  url: string,
  form: URLSearchParams,
  options: WalletNetworkOptions,
): Promise<VerifierAnswer> {
  const response = await options.fetch({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
  });
  // §8.2: success is 200 with a JSON object; a redirect is treated as an error (§14.8).
  if (response.status !== 200) verifierError(response.status, response);
  // `redirected` tells a caller that the status is not the response_uri's own answer.
  if (!sameUrl(response.url, url)) verifierError(response.status, undefined, true);
  const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  let body: unknown;
  try {
    body = type === 'application/json' ? response.json() : undefined;
  } catch {
    body = undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    failOid4vp('OID4VP_VERIFIER_ERROR', 'the verifier did not answer with a JSON object', {
      details: { status: 200 },
    });
  }
  const redirectUri = (body as Record<string, unknown>).redirect_uri;
  if (redirectUri === undefined) return {};
  return { redirectUri: readRedirectUri(redirectUri, options.allowHttpLoopback === true) };
}

/**
 * Posts an Authorization Response from `createAuthorizationResponse` to the verifier's `response_uri`
 * (OpenID4VP §8.2 `direct_post`, §8.3 `direct_post.jwt`) as `application/x-www-form-urlencoded`,
 * through the guarded fetcher. The verifier must answer 200 with a JSON object; its optional
 * `redirect_uri` (same-device flow) must be https. Anything else throws `OID4VP_VERIFIER_ERROR` with
 * `details.status` and, when the verifier sent one, `details.error` (its error code, nothing more).
 * An `http://` loopback `response_uri` is refused unless `allowHttpLoopback` (local use only).
 *
 * @example
 * ```ts
 * const { redirectUri } = await postAuthorizationResponse(request, body, { fetch });
 * if (redirectUri) openInBrowser(redirectUri);
 * ```
 */
export async function postAuthorizationResponse(
  request: ParsedAuthorizationRequest,
  body: AuthorizationResponseBody,
  options: WalletNetworkOptions,
): Promise<VerifierAnswer> {
  const url = responseUrlOf(request, options);
  if (body === null || typeof body !== 'object') {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'the response body is missing');
  }
  const form = new URLSearchParams();
  if (request.responseMode === 'direct_post.jwt') {
    // §8.3: everything, state included, travels inside the encrypted `response`.
    if (!('response' in body) || typeof body.response !== 'string' || 'vp_token' in body) {
      failOid4vp('OID4VP_OPTIONS_INVALID', 'direct_post.jwt needs an encrypted response');
    }
    form.set('response', body.response);
  } else {
    if (!('vp_token' in body) || typeof body.vp_token !== 'string' || 'response' in body) {
      failOid4vp('OID4VP_OPTIONS_INVALID', 'direct_post needs a vp_token');
    }
    if (body.state !== request.state) {
      failOid4vp('OID4VP_OPTIONS_INVALID', 'the response state is not the request state');
    }
    form.set('vp_token', body.vp_token);
    if (body.state !== undefined) form.set('state', body.state);
  }
  return postForm(url, form, options);
}

/**
 * Tells the verifier that the wallet will not answer (OpenID4VP §8.5): posts `error=access_denied`
 * and the request's `state` to its `response_uri`, unencrypted (§8.3 allows an error response without
 * encryption). Use it when the holder declines or holds nothing that answers the query. Returns the
 * verifier's answer as {@link postAuthorizationResponse} does, with the same errors.
 *
 * @example
 * ```ts
 * if (!prepared.satisfied || !consented) await declineAuthorizationRequest(request, { fetch });
 * ```
 */
export async function declineAuthorizationRequest(
  request: ParsedAuthorizationRequest,
  options: DeclineAuthorizationRequestOptions,
): Promise<VerifierAnswer> {
  const url = responseUrlOf(request, options);
  const error = options.error ?? 'access_denied';
  if (error !== 'access_denied')
    failOid4vp('OID4VP_OPTIONS_INVALID', 'the wallet error must be access_denied');
  const form = new URLSearchParams({ error });
  if (request.state !== undefined) form.set('state', request.state);
  return postForm(url, form, options);
}
