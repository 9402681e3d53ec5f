import { encodeBase64Url, JWS_ALGORITHMS, type JwsAlgorithm, randomBytes } from '@haven/core';
import { failOid4vci } from '../errors.js';
import {
  assertCredentialConfigurations,
  proofAlgorithmsFor,
} from '../metadata/check-credential-configurations.js';
import { assertCredentialIssuerIdentifier } from '../metadata/check-credential-issuer.js';
import type { Oid4vciIssuerConfig, Oid4vciLimits } from './types.js';

/** {@link Oid4vciLimits} with every default filled in. */
export type ResolvedOid4vciLimits = { readonly [K in keyof Oid4vciLimits]-?: number };

/**
 * The defaults of {@link Oid4vciLimits}: minutes of life for codes, tokens and nonces (OpenID4VCI
 * §13.6, §13.8), three tx_code attempts, batches of up to ten, deferred transactions kept 30 days.
 *
 * @example
 * ```ts
 * DEFAULT_OID4VCI_LIMITS.maxTxCodeFailures // 3
 * ```
 */
export const DEFAULT_OID4VCI_LIMITS: ResolvedOid4vciLimits = Object.freeze({
  offerSeconds: 600,
  accessTokenSeconds: 300,
  deferredAccessTokenSeconds: 300,
  nonceSeconds: 300,
  proofMaxAgeSeconds: 300,
  clockSkewSeconds: 60,
  maxTxCodeFailures: 3,
  batchSize: 10,
  deferredSeconds: 30 * 24 * 3600,
  deferredIntervalSeconds: 60,
});

// [min, max] of each limit: a zero, negative, NaN or absurd value from configuration would quietly
// disable a check (a 0-failure limit kills every code, a 10-year token is no longer short-lived).
const RANGES: { readonly [K in keyof ResolvedOid4vciLimits]: readonly [number, number] } = {
  offerSeconds: [1, 30 * 24 * 3600],
  accessTokenSeconds: [1, 24 * 3600],
  deferredAccessTokenSeconds: [1, 30 * 24 * 3600],
  nonceSeconds: [1, 24 * 3600],
  proofMaxAgeSeconds: [1, 24 * 3600],
  clockSkewSeconds: [0, 600],
  maxTxCodeFailures: [1, 10],
  batchSize: [1, 100],
  deferredSeconds: [1, 365 * 24 * 3600],
  deferredIntervalSeconds: [1, 24 * 3600],
};

/**
 * Fills in the defaults of {@link Oid4vciLimits} and checks every value is an integer in its range
 * (`OID4VCI_CONFIG_INVALID` otherwise). `deferredAccessTokenSeconds` defaults to `accessTokenSeconds`.
 *
 * @example
 * ```ts
 * resolveOid4vciLimits({ batchSize: 3 }).batchSize // 3
 * ```
 */
export function resolveOid4vciLimits(limits: Oid4vciLimits = {}): ResolvedOid4vciLimits {
  const out: Record<string, number> = {};
  for (const key of Object.keys(RANGES) as (keyof ResolvedOid4vciLimits)[]) {
    const given = limits[key];
    const fallback =
      key === 'deferredAccessTokenSeconds'
        ? (limits.accessTokenSeconds ?? DEFAULT_OID4VCI_LIMITS.accessTokenSeconds)
        : DEFAULT_OID4VCI_LIMITS[key];
    const value = given ?? fallback;
    const [min, max] = RANGES[key];
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      failOid4vci('OID4VCI_CONFIG_INVALID', `limit "${key}" must be an integer from ${min} to ${max}`);
    }
    out[key] = value;
  }
  return Object.freeze(out) as ResolvedOid4vciLimits;
}

/** A checked issuer configuration with its derived values. Internal to the handlers. */
export interface ResolvedIssuerConfig {
  readonly config: Oid4vciIssuerConfig;
  readonly limits: ResolvedOid4vciLimits;
  /** Per configuration id: the proof algorithms accepted, or `undefined` when it takes no proofs. */
  readonly proofAlgorithms: ReadonlyMap<string, readonly JwsAlgorithm[] | undefined>;
}

// Checked once per configuration object (configurations are immutable by contract); a WeakMap keeps
// nothing alive after the application drops its config.
const resolved = new WeakMap<Oid4vciIssuerConfig, ResolvedIssuerConfig>();

/**
 * Checks an issuer configuration and fills in its defaults: the issuer identifier (§12.2.1), the
 * configurations (§12.2.4), a 32-byte secret, the callbacks, the limits and the proof algorithm policy
 * (never `none` or HMAC: only ES256, ES384 and EdDSA exist here). Throws `OID4VCI_CONFIG_INVALID`.
 * Every handler calls it first; the result is cached per config object.
 *
 * @example
 * ```ts
 * resolveIssuerConfig(config).limits.batchSize // 10
 * ```
 */
export function resolveIssuerConfig(config: Oid4vciIssuerConfig): ResolvedIssuerConfig {
  const hit = resolved.get(config);
  if (hit !== undefined) return hit;
  if (typeof config !== 'object' || config === null) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'the issuer configuration must be an object');
  }
  assertCredentialIssuerIdentifier(config.credentialIssuer);
  assertCredentialConfigurations(config.configurations);
  if (!(config.secret instanceof Uint8Array) || config.secret.byteLength !== 32) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'the issuer secret must be 32 bytes');
  }
  for (const name of ['sealOffer', 'openOffer', 'issue', 'now'] as const) {
    if (typeof config[name] !== 'function')
      failOid4vci('OID4VCI_CONFIG_INVALID', `"${name}" must be a function`);
  }
  if (config.randomBytes !== undefined && typeof config.randomBytes !== 'function') {
    failOid4vci('OID4VCI_CONFIG_INVALID', '"randomBytes" must be a function');
  }
  if (typeof config.store !== 'object' || config.store === null) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'the issuer needs a store');
  }
  const accepted = config.proofAlgorithms ?? JWS_ALGORITHMS;
  if (
    !Array.isArray(accepted) ||
    accepted.length === 0 ||
    !accepted.every((alg) => (JWS_ALGORITHMS as readonly string[]).includes(alg))
  ) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'proofAlgorithms must be a non-empty list of ES256, ES384, EdDSA');
  }
  const proofAlgorithms = new Map<string, readonly JwsAlgorithm[] | undefined>();
  for (const [id, configuration] of Object.entries(config.configurations)) {
    proofAlgorithms.set(id, proofAlgorithmsFor(configuration, accepted as readonly JwsAlgorithm[]));
  }
  const result: ResolvedIssuerConfig = Object.freeze({
    config,
    limits: resolveOid4vciLimits(config.limits),
    proofAlgorithms,
  });
  resolved.set(config, result);
  return result;
}

/**
 * The request time from the injected clock, checked (a NaN clock would make every expiry pass).
 *
 * @example
 * ```ts
 * const now = readNow(config);
 * ```
 */
export function readNow(config: Oid4vciIssuerConfig): number {
  const now = config.now();
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'the clock must return epoch seconds');
  }
  return now;
}

/**
 * `byteLength` random bytes as base64url, from the injected source or the OS CSPRNG.
 *
 * @example
 * ```ts
 * const code = randomBase64UrlFrom(config, 32); // 256 bits
 * ```
 */
export function randomBase64UrlFrom(config: Oid4vciIssuerConfig, byteLength: number): string {
  return encodeBase64Url(randomBytesFrom(config, byteLength));
}

/**
 * `byteLength` random bytes from the injected source or the OS CSPRNG; checks the source's answer.
 *
 * @example
 * ```ts
 * const bytes = randomBytesFrom(config, 6);
 * ```
 */
export function randomBytesFrom(config: Oid4vciIssuerConfig, byteLength: number): Uint8Array {
  const bytes = (config.randomBytes ?? randomBytes)(byteLength);
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== byteLength) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'the random source returned the wrong number of bytes');
  }
  return bytes;
}
