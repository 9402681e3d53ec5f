import { failOid4vci } from '../errors.js';
import type { Oid4vciClientOptions } from './client-options.js';
import { type CredentialResult, readCredentialResponse } from './credential-response.js';
import { checkEndpointUrl } from './issuer-url.js';

/** Options of {@link requestDeferredCredential}. */
export interface RequestDeferredCredentialOptions extends Oid4vciClientOptions {
  /** The issuer metadata's `deferred_credential_endpoint`. */
  readonly deferredEndpoint: string;
  /** The access token the original credential request used. */
  readonly accessToken: string;
  /** The `transaction_id` of the 202 answer. */
  readonly transactionId: string;
  /** How many proofs the original request carried (caps the credentials accepted). */
  readonly proofCount?: number;
}

/**
 * Asks the Deferred Credential Endpoint once (OpenID4VCI §9.1): a JSON POST of `{transaction_id}` with
 * the Bearer access token. Returns the credentials (HTTP 200) or, while the issuer still needs time,
 * `kind: 'deferred'` with the same `transaction_id` and a new `interval` (HTTP 202; §9.2 a different
 * transaction id is an invalid answer). The credentials are not verified here.
 *
 * Errors: `OID4VCI_CLIENT_ISSUER_ERROR` (`invalid_transaction_id`, `credential_request_denied`: stop
 * asking), `OID4VCI_CLIENT_RESPONSE_INVALID`.
 *
 * @example
 * ```ts
 * const result = await requestDeferredCredential({ fetch, deferredEndpoint, accessToken, transactionId });
 * ```
 */
export async function requestDeferredCredential(
  options: RequestDeferredCredentialOptions,
): Promise<CredentialResult> {
  const url = checkEndpointUrl(options.deferredEndpoint, {
    allowHttpLoopback: options.allowHttpLoopback,
    code: 'OID4VCI_CLIENT_METADATA_INVALID',
    what: 'the deferred credential endpoint',
  });
  const response = await options.fetch({
    url,
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({ transaction_id: options.transactionId }),
  });
  const result = readCredentialResponse(response, 'deferred_credential', options.proofCount);
  if (result.kind === 'deferred' && result.transactionId !== options.transactionId) {
    failOid4vci('OID4VCI_CLIENT_RESPONSE_INVALID', 'the deferred response names another transaction', {
      details: { endpoint: 'deferred_credential', reason: 'transaction_id' },
    });
  }
  return result;
}

/** Options of {@link pollDeferredCredential}. */
export interface PollDeferredCredentialOptions extends RequestDeferredCredentialOptions {
  /** The `interval` of the last 202 answer, in seconds. */
  readonly interval: number;
  /** Waits the given number of seconds (injected: a timer in an app, a no-op or a fake clock in tests). */
  readonly wait: (seconds: number) => Promise<void>;
  /** Most requests before giving up with `OID4VCI_CLIENT_DEFERRED_TIMEOUT` (default 10). */
  readonly maxAttempts?: number;
  /** Longest single wait accepted, in seconds (default 3600); a longer `interval` ends polling at once. */
  readonly maxIntervalSeconds?: number;
}

/**
 * Polls the Deferred Credential Endpoint until the credentials arrive (§9): waits at least `interval`
 * seconds before each request, as §8.3 asks, and follows the interval of every later 202. Gives up with
 * `OID4VCI_CLIENT_DEFERRED_TIMEOUT` after `maxAttempts` requests, or when the issuer asks for a longer
 * wait than `maxIntervalSeconds` (`details.interval` says how long; store the transaction and ask later).
 * Issuer errors end polling at once.
 *
 * @example
 * ```ts
 * const issued = await pollDeferredCredential({
 *   fetch, deferredEndpoint, accessToken, transactionId, interval,
 *   wait: (s) => new Promise((r) => setTimeout(r, s * 1000)),
 * });
 * ```
 */
export async function pollDeferredCredential(
  options: PollDeferredCredentialOptions,
): Promise<Extract<CredentialResult, { kind: 'issued' }>> {
  const maxAttempts = options.maxAttempts ?? 10;
  const maxInterval = options.maxIntervalSeconds ?? 3600;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || !(maxInterval > 0) || !(options.interval > 0)) {
    throw new RangeError('maxAttempts must be a positive integer, maxIntervalSeconds and interval positive');
  }
  let interval = options.interval;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (interval > maxInterval) {
      failOid4vci('OID4VCI_CLIENT_DEFERRED_TIMEOUT', 'the issuer asks to wait longer than allowed', {
        details: { interval, attempts: attempt },
      });
    }
    await options.wait(interval);
    const result = await requestDeferredCredential(options);
    if (result.kind === 'issued') return result;
    interval = result.interval;
  }
  failOid4vci('OID4VCI_CLIENT_DEFERRED_TIMEOUT', 'the credential was still not ready', {
    details: { attempts: maxAttempts },
  });
}
