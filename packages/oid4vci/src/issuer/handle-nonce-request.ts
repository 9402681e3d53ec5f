import { hashSecret } from './hash-secret.js';
import { randomBase64UrlFrom, readNow, resolveIssuerConfig } from './resolve-issuer-config.js';
import { noStore } from './responses.js';
import type { HandlerResult, Oid4vciIssuerConfig } from './types.js';

/** A Nonce Response (OpenID4VCI §7.2). */
export interface NonceResponse {
  readonly c_nonce: string;
}

/**
 * The Nonce Endpoint (OpenID4VCI §7): a fresh, unpredictable 128-bit `c_nonce`, stored as an HMAC for
 * `limits.nonceSeconds` and usable by exactly one Credential Request. Answered with
 * `Cache-Control: no-store` (§7.2). No access token is needed (§7.1).
 *
 * @example
 * ```ts
 * const { status, headers, body } = await handleNonceRequest(config); // body.c_nonce
 * ```
 */
export async function handleNonceRequest(config: Oid4vciIssuerConfig): Promise<HandlerResult<NonceResponse>> {
  const { limits } = resolveIssuerConfig(config);
  const now = readNow(config);
  const nonce = randomBase64UrlFrom(config, 16);
  await config.store.createNonce(hashSecret(config.secret, 'c_nonce', nonce), now + limits.nonceSeconds);
  return noStore(200, { c_nonce: nonce });
}
