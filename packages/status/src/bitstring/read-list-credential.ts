import { isHavenError } from '@haven/core';
import { issuerIdOf, parseDateTimeStamp } from '@haven/w3c';
import { failStatus } from '../errors.js';
import type { Bitstring } from './bitstring.js';
import { decodeBitstring } from './encode-bitstring.js';
import { type BitstringStatusPurpose, isBitstringStatusPurpose } from './status-purpose.js';
import type { VerifiedListCredential } from './verify-list-with-w3c.js';

/**
 * A verified list credential reduced to what a status check needs.
 *
 * @example
 * ```ts
 * const { issuer, statusPurpose, list, freshUntil } = readListCredential(verified, options);
 * ```
 */
export interface BitstringListState {
  readonly issuer: string;
  readonly statusPurpose: BitstringStatusPurpose;
  readonly list: Bitstring;
  /** Epoch seconds after which the list must be fetched again (validUntil, ttl, cache bound). */
  readonly freshUntil: number;
}

/**
 * Options of {@link readListCredential}.
 *
 * @example
 * ```ts
 * const options: ReadListCredentialOptions = { url, now: clock.now(), skew: 60, maxAgeSeconds: 300 };
 * ```
 */
export interface ReadListCredentialOptions {
  /** The URL the list was fetched from; the list credential's `id` must be it. */
  url: string;
  now: number;
  skew: number;
  /** The longest the verifier keeps a list without fetching it again (seconds). */
  maxAgeSeconds: number;
  maxBytes?: number;
}

// VCDM 2.0 §4.5: `type` is a string or an array of strings.
function types(value: unknown): readonly unknown[] {
  return typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
}

function time(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDateTimeStamp(value, field);
  } catch (cause) {
    failStatus('STATUS_LIST_TOKEN_INVALID', `the status list ${field} is not a valid date`, { cause });
  }
}

/**
 * Checks a verified `BitstringStatusListCredential` (Bitstring Status List §2.2, §3 validate
 * algorithm) and decodes its list: the types, an `id` equal to the URL it was fetched from (so one list
 * of an issuer cannot be served in place of another), a single `BitstringStatusList` subject with one
 * supported purpose, an optional `ttl` in milliseconds, and the validity period (not yet valid →
 * `STATUS_LIST_TOKEN_INVALID`; past `validUntil` → `STATUS_LIST_EXPIRED`, left to the stale-list policy).
 *
 * @example
 * ```ts
 * const state = readListCredential(await verifyList(body), { url, now, skew: 60, maxAgeSeconds: 300 });
 * ```
 */
export function readListCredential(
  verified: VerifiedListCredential,
  options: ReadListCredentialOptions,
): BitstringListState {
  const credential = verified.credential as Record<string, unknown>;
  if (!types(credential.type).includes('BitstringStatusListCredential')) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the credential is not a BitstringStatusListCredential');
  }
  let issuer: string;
  try {
    issuer = issuerIdOf(credential as { issuer: string });
  } catch (cause) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list names no issuer', { cause });
  }
  if (issuer !== verified.issuer) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list issuer differs from its verified signer');
  }
  if (credential.id !== options.url) {
    failStatus('STATUS_LIST_SUBJECT_MISMATCH', 'the status list is not the one the entry names');
  }
  const subject = credential.credentialSubject as Record<string, unknown> | undefined;
  if (typeof subject !== 'object' || subject === null || Array.isArray(subject)) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list must have exactly one subject');
  }
  if (!types(subject.type).includes('BitstringStatusList')) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list subject is not a BitstringStatusList');
  }
  const statusPurpose = subject.statusPurpose;
  if (!isBitstringStatusPurpose(statusPurpose)) {
    failStatus('STATUS_LIST_PURPOSE_MISMATCH', 'the status list purpose is not revocation or suspension');
  }
  const ttl = subject.ttl;
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl <= 0)) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list ttl must be a positive number of milliseconds');
  }
  const { now, skew } = options;
  const from = time(credential.validFrom, 'validFrom');
  const until = time(credential.validUntil, 'validUntil');
  if (from !== undefined && !(from <= now + skew)) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list is not valid yet');
  }
  if (until !== undefined && !(until > now - skew)) {
    failStatus('STATUS_LIST_EXPIRED', 'the status list has expired');
  }
  let list: Bitstring;
  try {
    list = decodeBitstring(
      subject.encodedList,
      options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes },
    );
  } catch (cause) {
    if (isHavenError(cause, 'STATUS_LIST_TOO_LARGE')) throw cause;
    failStatus('STATUS_LIST_INVALID', 'the status list encodedList is invalid', { cause });
  }
  // §2.2: ttl is in milliseconds; a verifier may refresh sooner, never keep the list past validUntil.
  const freshUntil = Math.min(
    until === undefined ? Number.POSITIVE_INFINITY : until + skew,
    ttl === undefined ? Number.POSITIVE_INFINITY : now + ttl / 1000,
    now + options.maxAgeSeconds,
  );
  return { issuer, statusPurpose, list, freshUntil };
}
