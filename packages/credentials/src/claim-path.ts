import type { ClaimPath } from '@haven/sd-jwt';
import { failCredentials } from './errors.js';

/** Longest claim path accepted (our deepest claim is 2 levels; DCQL paths deeper than this are hostile). */
export const CLAIM_PATH_MAX_LENGTH = 16;
const COMPONENT_MAX_LENGTH = 128;

/**
 * Is `path` a claim path as DCQL (OpenID4VP §7) and SD-JWT VC Type Metadata (§"Claim Path") define it: a
 * non-empty array of strings, non-negative integers and `null`?
 *
 * @example
 * ```ts
 * isClaimPath(['nationalities', null]) // true
 * isClaimPath([]) // false
 * isClaimPath(['wage', -1]) // false
 * ```
 */
export function isClaimPath(path: unknown): path is ClaimPath {
  if (!Array.isArray(path) || path.length === 0 || path.length > CLAIM_PATH_MAX_LENGTH) return false;
  return path.every(
    (c) =>
      c === null ||
      (typeof c === 'string' && c.length > 0 && c.length <= COMPONENT_MAX_LENGTH) ||
      (typeof c === 'number' && Number.isSafeInteger(c) && c >= 0),
  );
}

/**
 * Throws `CLAIM_PATH_INVALID` unless {@link isClaimPath}. The path itself is not echoed: it came from
 * outside and may be any size.
 *
 * @example
 * ```ts
 * assertClaimPath(request.path);
 * ```
 */
export function assertClaimPath(path: unknown): asserts path is ClaimPath {
  if (!isClaimPath(path)) {
    failCredentials(
      'CLAIM_PATH_INVALID',
      `a claim path must be a non-empty array (at most ${CLAIM_PATH_MAX_LENGTH} components) of strings, non-negative integers and null`,
    );
  }
}

/**
 * A claim path as compact JSON text (`["wage","amount"]`, `["nationalities",null]`): unambiguous, parses
 * back into the path, and safe to log because paths name fields, never values.
 *
 * @example
 * ```ts
 * formatClaimPath(['nationalities', null]) // '["nationalities",null]'
 * ```
 */
export function formatClaimPath(path: ClaimPath): string {
  return JSON.stringify(path);
}

/**
 * Does an allowed path cover a requested one? Component by component from the root:
 * - the allowed path must not be longer than the requested one: an allowed parent (`['workplace']`)
 *   covers its children, but an allowed child (`['workplace', 'locality']`) never covers the parent,
 *   which would disclose the siblings too;
 * - a string covers the same string; an integer covers the same index;
 * - an allowed `null` (every element) covers any index and `null`; a requested `null` is covered only by
 *   an allowed `null`, since it asks for every element.
 *
 * @example
 * ```ts
 * claimPathCovers(['nationalities', null], ['nationalities', 0]) // true
 * claimPathCovers(['nationalities', 0], ['nationalities', null]) // false
 * claimPathCovers(['workplace', 'locality'], ['workplace']) // false
 * ```
 */
export function claimPathCovers(allowed: ClaimPath, requested: ClaimPath): boolean {
  if (allowed.length === 0 || allowed.length > requested.length) return false;
  for (let i = 0; i < allowed.length; i++) {
    const a = allowed[i];
    const r = requested[i];
    if (a === null) {
      if (r !== null && typeof r !== 'number') return false;
    } else if (a !== r) {
      return false;
    }
  }
  return true;
}
