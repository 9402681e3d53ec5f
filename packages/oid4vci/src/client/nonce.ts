import { z } from 'zod';
import type { Oid4vciClientOptions } from './client-options.js';
import { expectStatus, parseWith, readJsonObject } from './issuer-response.js';
import { checkEndpointUrl } from './issuer-url.js';

/** Longest `c_nonce` accepted (characters): it is echoed into every proof. */
export const MAX_C_NONCE_LENGTH = 1024;

/** A nonce response (OpenID4VCI §7.2). */
export const zNonceResponse = z.object({ c_nonce: z.string().min(1).max(MAX_C_NONCE_LENGTH) }).loose();

// §7.2 allows any 2xx; these are the ones that carry a body.
const NONCE_STATUSES = [200, 201, 202, 203] as const;

/** Options of {@link requestNonce}. */
export interface RequestNonceOptions extends Oid4vciClientOptions {
  /** The issuer metadata's `nonce_endpoint`. */
  readonly nonceEndpoint: string;
}

/**
 * Asks the issuer's Nonce Endpoint for a fresh `c_nonce` (OpenID4VCI §7.1: an unauthenticated POST with
 * an empty body; §7.2: any 2xx with a JSON `c_nonce`). Ask again for every credential request.
 *
 * @example
 * ```ts
 * const nonce = await requestNonce({ fetch, nonceEndpoint: metadata.nonce_endpoint });
 * ```
 */
export async function requestNonce(options: RequestNonceOptions): Promise<string> {
  const url = checkEndpointUrl(options.nonceEndpoint, {
    allowHttpLoopback: options.allowHttpLoopback,
    code: 'OID4VCI_CLIENT_METADATA_INVALID',
    what: 'the nonce endpoint',
  });
  const response = await options.fetch({
    url,
    method: 'POST',
    headers: { accept: 'application/json' },
    body: '',
  });
  expectStatus(response, NONCE_STATUSES, 'nonce');
  return parseWith(
    zNonceResponse,
    readJsonObject(response, 'nonce'),
    'OID4VCI_CLIENT_RESPONSE_INVALID',
    'the nonce response',
    'nonce',
  ).c_nonce;
}
