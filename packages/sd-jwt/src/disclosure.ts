import { decodeBase64Url, encodeBase64Url, isHavenError, parseStrictJson } from '@haven/core';
import { failSdJwt } from './errors.js';
import { hashToBase64Url } from './hash-algorithm.js';
import { SD_JWT_LIMITS } from './limits.js';
import type { SdHashAlgorithm } from './types.js';

/** A decoded disclosure (RFC 9901 §4.2): an object property (`name` set) or an array element. */
export interface Disclosure {
  /** The disclosure exactly as sent: digests are computed over this text (§4.2.3). */
  readonly encoded: string;
  readonly digest: string;
  readonly salt: string;
  /** The claim name for an object-property disclosure; undefined for an array-element disclosure. */
  readonly name: string | undefined;
  readonly value: unknown;
}

// Names that cannot be disclosed: the SD-JWT structure's own (§4.2.1; `_sd_alg` is removed from the
// processed payload, §7.1 step 3.6, so a disclosed one would be a claim nobody signed as such), and names that would reach
// Object.prototype when the claim is inserted into the processed payload.
const FORBIDDEN_NAMES = new Set(['_sd', '_sd_alg', '...', '__proto__', 'constructor', 'prototype']);

/**
 * Decodes one disclosure strictly: canonical base64url, strict UTF-8 JSON (no duplicate keys, depth cap), an
 * array of exactly two (`[salt, value]`) or three (`[salt, name, value]`) elements, a non-empty string
 * salt, a string name that is not reserved. The digest is computed over the text as received.
 */
export function decodeDisclosure(
  encoded: string,
  alg: SdHashAlgorithm,
  maxDepth: number = SD_JWT_LIMITS.maxDepth,
): Disclosure {
  let parsed: unknown;
  try {
    parsed = parseStrictJson(decodeBase64Url(encoded, 'disclosure'), {
      what: 'disclosure',
      maxDepth,
      maxBytes: encoded.length,
    });
  } catch (cause) {
    if (isHavenError(cause))
      failSdJwt('SDJWT_DISCLOSURE_MALFORMED', 'a disclosure is not valid', {
        cause,
        details: { reason: cause.code },
      });
    throw cause;
  }
  if (!Array.isArray(parsed) || (parsed.length !== 2 && parsed.length !== 3)) {
    failSdJwt('SDJWT_DISCLOSURE_MALFORMED', 'a disclosure must be an array of two or three elements');
  }
  const salt = parsed[0];
  if (typeof salt !== 'string' || salt.length === 0)
    failSdJwt('SDJWT_DISCLOSURE_MALFORMED', 'a disclosure salt must be a non-empty string');
  let name: string | undefined;
  if (parsed.length === 3) {
    if (typeof parsed[1] !== 'string')
      failSdJwt('SDJWT_DISCLOSURE_MALFORMED', 'a disclosure claim name must be a string');
    name = parsed[1];
    if (FORBIDDEN_NAMES.has(name))
      failSdJwt('SDJWT_RESERVED_CLAIM_NAME', 'a disclosure uses a reserved claim name');
  }
  return { encoded, digest: hashToBase64Url(alg, encoded), salt, name, value: parsed[parsed.length - 1] };
}

/**
 * Encodes a disclosure (RFC 9901 §4.2.1, §4.2.2) and returns it with its digest.
 *
 * @example
 * ```ts
 * const d = encodeDisclosure('sha-256', salt, 'given_name', 'Amina');
 * ```
 */
export function encodeDisclosure(
  alg: SdHashAlgorithm,
  salt: string,
  name: string | undefined,
  value: unknown,
): { encoded: string; digest: string } {
  if (name !== undefined && FORBIDDEN_NAMES.has(name))
    failSdJwt('SDJWT_RESERVED_CLAIM_NAME', 'a reserved claim name cannot be disclosed');
  const encoded = encodeBase64Url(JSON.stringify(name === undefined ? [salt, value] : [salt, name, value]));
  return { encoded, digest: hashToBase64Url(alg, encoded) };
}
