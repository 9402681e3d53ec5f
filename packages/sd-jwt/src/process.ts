import { decodeBase64Url, isHavenError, isJsonObject, parseStrictJsonObject } from '@haven/core';
import { checkLimit } from './compact.js';
import type { Disclosure } from './disclosure.js';
import { failSdJwt } from './errors.js';
import { SD_JWT_LIMITS } from './limits.js';
import type { ClaimPath } from './types.js';

/** Where a disclosure sits in the processed payload, and which disclosure (if any) carried its digest. */
export interface DisclosurePlacement {
  readonly path: readonly (string | number)[];
  readonly parentDigest: string | undefined;
}

/** The result of RFC 9901 §7.1 step 3–5 over an issuer payload and the disclosures sent with it. */
export interface ProcessedPayload {
  /** A fresh object: the plain claims plus the disclosed ones, without `_sd`, `_sd_alg` or `...`. */
  readonly claims: Record<string, unknown>;
  /** Paths of the claims that came from disclosures. */
  readonly disclosed: readonly ClaimPath[];
  /** Placement of each used disclosure, by digest. */
  readonly placements: ReadonlyMap<string, DisclosurePlacement>;
}

/**
 * Processes the disclosures against the issuer-signed payload (RFC 9901 §7.1 step 3, 4 and 5):
 * - each disclosure is matched by the digest of its text; a disclosure sent twice is rejected;
 * - an `_sd` digest must match an object-property disclosure, a `{"...": digest}` element an array-element
 *   disclosure (anything else is rejected, never coerced);
 * - a disclosed name that is reserved or already present at its level is rejected, never overwritten;
 * - a digest seen twice anywhere (also inside disclosed values) is rejected;
 * - digests without a disclosure are decoys or undisclosed claims: dropped silently;
 * - every disclosure must end up referenced; one that is not (e.g. copied from another credential) is
 *   rejected.
 */
export function processPayload(
  payload: Record<string, unknown>,
  disclosures: readonly Disclosure[],
  maxDepth: number = SD_JWT_LIMITS.maxDepth,
): ProcessedPayload {
  const depthCap = checkLimit(maxDepth, SD_JWT_LIMITS.maxDepth);
  const byDigest = new Map<string, Disclosure>();
  for (const d of disclosures) {
    if (byDigest.has(d.digest)) failSdJwt('SDJWT_DUPLICATE_DISCLOSURE', 'the same disclosure was sent twice');
    byDigest.set(d.digest, d);
  }
  const seen = new Set<string>();
  const placements = new Map<string, DisclosurePlacement>();

  const claim = (digest: unknown): Disclosure | undefined => {
    if (typeof digest !== 'string') failSdJwt('SDJWT_MALFORMED', 'an embedded digest is not a string');
    if (seen.has(digest)) failSdJwt('SDJWT_DUPLICATE_DIGEST', 'a digest appears more than once');
    seen.add(digest);
    return byDigest.get(digest);
  };

  const walk = (
    node: unknown,
    path: (string | number)[],
    parent: string | undefined,
    depth: number,
  ): unknown => {
    if (depth > depthCap) failSdJwt('SDJWT_TOO_DEEP', 'the payload or a disclosure nests too deeply');
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const element of node) {
        if (element === null || typeof element !== 'object') {
          out.push(element);
          continue;
        }
        if (isJsonObject(element) && Object.hasOwn(element, '...')) {
          if (Object.keys(element).length !== 1)
            failSdJwt('SDJWT_MALFORMED', 'an array digest element has other members');
          const found = claim(element['...']);
          if (found === undefined) continue;
          if (found.name !== undefined) {
            failSdJwt(
              'SDJWT_DISCLOSURE_KIND_MISMATCH',
              'an array element digest refers to an object-property disclosure',
            );
          }
          const at = [...path, out.length];
          placements.set(found.digest, { path: at, parentDigest: parent });
          out.push(walk(found.value, at, found.digest, depth + 1));
        } else {
          out.push(walk(element, [...path, out.length], parent, depth + 1));
        }
      }
      return out;
    }
    if (!isJsonObject(node)) return node;
    const sd = node._sd;
    if (sd !== undefined && !Array.isArray(sd))
      failSdJwt('SDJWT_MALFORMED', '"_sd" must be an array of digests');
    const out: Record<string, unknown> = {};
    // Keys, not entries: no [key, value] pair is allocated per claim.
    for (const key of Object.keys(node)) {
      if (key === '_sd') continue;
      const value = node[key];
      if (key === '_sd_alg' && path.length === 0) continue;
      if (key === '...' || key === '_sd_alg')
        failSdJwt('SDJWT_RESERVED_CLAIM_NAME', 'a reserved name is used as a claim');
      // Primitives need no walk (and no path array): most claims are strings and numbers.
      out[key] =
        value === null || typeof value !== 'object' ? value : walk(value, [...path, key], parent, depth + 1);
    }
    for (const digest of (sd as unknown[] | undefined) ?? []) {
      const found = claim(digest);
      if (found === undefined) continue;
      if (found.name === undefined) {
        failSdJwt('SDJWT_DISCLOSURE_KIND_MISMATCH', 'an "_sd" digest refers to an array-element disclosure');
      }
      if (Object.hasOwn(out, found.name))
        failSdJwt('SDJWT_CLAIM_CLASH', 'a disclosed claim already exists at its level');
      const at = [...path, found.name];
      placements.set(found.digest, { path: at, parentDigest: parent });
      out[found.name] = walk(found.value, at, found.digest, depth + 1);
    }
    return out;
  };

  const claims = walk(payload, [], undefined, 1) as Record<string, unknown>;
  if (placements.size !== byDigest.size) {
    failSdJwt('SDJWT_UNREFERENCED_DISCLOSURE', 'a disclosure is not referenced by the credential');
  }
  return { claims, disclosed: [...placements.values()].map((p) => p.path), placements };
}

/**
 * Decodes the payload of a JWT without verifying it, strictly. For holders handling a credential they
 * already verified on receipt, and for finding the issuer key before verification — never to trust claims.
 */
export function decodeJwtPayloadUnverified(jwt: string): Record<string, unknown> {
  const parts = jwt.split('.');
  if (parts.length !== 3) failSdJwt('SDJWT_MALFORMED', 'the issuer-signed JWT is not a compact JWS');
  try {
    return parseStrictJsonObject(decodeBase64Url(parts[1] as string, 'JWT payload'), { what: 'JWT payload' });
  } catch (cause) {
    if (isHavenError(cause))
      failSdJwt('SDJWT_MALFORMED', 'the issuer-signed JWT payload is not valid', { cause });
    throw cause;
  }
}
