import {
  type HavenErrorOptions,
  hmacSha256Base64Url,
  isBase64Url,
  parseStrictJsonObject,
  readClock,
} from '@haven/core';
import { failOid4vp } from '../errors.js';
import type {
  HandlerResponse,
  Oid4vpVerifierConfig,
  SealedTransactionRequest,
  VerifierTransactionRecord,
} from './contracts.js';

/** Shared helpers of the verifier transaction handlers (not part of the package's public API). */

/** One HMAC label per kind of secret, so a value of one kind never matches a stored hash of another. */
export type SecretKind = 'request-id' | 'session' | 'response-code';

/** Longest request-id, session secret, response code or transaction id accepted from outside. */
export const HANDLE_MAX = 512;

/** HMAC of a secret under the verifier key, labelled by kind. */
export function hashSecret(config: Oid4vpVerifierConfig, kind: SecretKind, value: string): string {
  return hmacSha256Base64Url(config.secret, `haven-oid4vp-${kind}:${value}`);
}

/** Is `value` a plausible handle (base64url, bounded)? Anything else can never match a stored one. */
export function isHandle(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= HANDLE_MAX && isBase64Url(value);
}

/** The clock's time in whole seconds. */
export function nowOf(config: Oid4vpVerifierConfig): number {
  return Math.floor(readClock(config.clock).now);
}

/** Is the transaction live (not expired) and still waiting for the wallet's response? */
export function isOpen(record: VerifierTransactionRecord, now: number): boolean {
  return record.respondedAt === undefined && record.outcome === undefined && now < record.expiresAt;
}

/** A JSON answer for the server to send as is. */
export function json(status: number, body: Record<string, unknown>): HandlerResponse {
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}

/** The generic refusal: unknown, expired or already answered all look the same (no oracle). */
export const GENERIC_REFUSAL: HandlerResponse = Object.freeze(json(400, { error: 'invalid_request' }));

/** A refusal naming a stable code (never a value from the response). */
export function refusal(code: string): HandlerResponse {
  return json(400, { error: 'invalid_request', error_description: code });
}

function configFail(message: string, options?: HavenErrorOptions): never {
  failOid4vp('OID4VP_OPTIONS_INVALID', message, options);
}

/**
 * Checks the parts of the configuration every handler needs. A broken configuration is the operator's
 * bug, so it throws (`OID4VP_OPTIONS_INVALID`) instead of answering the wallet.
 */
export function checkConfig(config: Oid4vpVerifierConfig): void {
  if (typeof config !== 'object' || config === null)
    configFail('the verifier configuration must be an object');
  const store = config.store as unknown as Record<string, unknown> | undefined;
  const methods = [
    'createTransaction',
    'findTransaction',
    'findTransactionByRequestId',
    'completeTransaction',
    'collectTransaction',
    'purgeTransactions',
  ];
  if (typeof store !== 'object' || store === null || !methods.every((m) => typeof store[m] === 'function')) {
    configFail('store must implement Oid4vpVerifierStore');
  }
  if (!(config.secret instanceof Uint8Array) || config.secret.byteLength !== 32) {
    configFail('secret must be 32 bytes');
  }
  if (typeof config.seal !== 'function' || typeof config.open !== 'function') {
    configFail('seal and open must be functions');
  }
  // Trust and status are checked up front: a response must never meet a verifier that cannot verify it.
  if (typeof config.issuerKey !== 'function' || typeof config.status !== 'function') {
    configFail('issuerKey and status must be functions');
  }
}

/** Opens a record's sealed request. Tampering is a storage fault, not wallet input: it throws. */
export function openRequest(
  config: Oid4vpVerifierConfig,
  record: VerifierTransactionRecord,
): SealedTransactionRequest {
  const text = config.open(record.id, record.sealedRequest);
  return parseStrictJsonObject(text, {
    what: 'sealed transaction request',
  }) as unknown as SealedTransactionRequest;
}
