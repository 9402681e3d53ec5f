import { failSdJwt } from './errors.js';
import { SD_JWT_LIMITS, type SdJwtLimits } from './limits.js';

/** The parts of a compact SD-JWT or SD-JWT+KB (RFC 9901 §4), not yet verified. */
export interface SdJwtParts {
  /** The issuer-signed JWT. */
  readonly jwt: string;
  /** The disclosures, as sent (base64url strings). */
  readonly disclosures: readonly string[];
  /** The key-binding JWT, if the string is an SD-JWT+KB. */
  readonly kbJwt: string | undefined;
  /** The SD-JWT part over which a KB-JWT's `sd_hash` is computed: everything up to the last `~`. */
  readonly sdJwt: string;
}

/**
 * Splits `<JWT>~<D1>~…~<Dn>~[<KB-JWT>]` (RFC 9901 §4). The length and the number of disclosures are capped
 * before anything is decoded or hashed; an empty disclosure (`~~`) or a missing final `~` is malformed.
 *
 * @example
 * ```ts
 * const { jwt, disclosures, kbJwt } = splitSdJwt(presentation);
 * ```
 */
export function splitSdJwt(text: unknown, limits: SdJwtLimits = {}): SdJwtParts {
  const maxLength = checkLimit(limits.maxLength, SD_JWT_LIMITS.maxLength);
  const maxDisclosures = checkLimit(limits.maxDisclosures, SD_JWT_LIMITS.maxDisclosures);
  const maxDisclosureLength = checkLimit(limits.maxDisclosureLength, SD_JWT_LIMITS.maxDisclosureLength);
  if (typeof text !== 'string') failSdJwt('SDJWT_MALFORMED', 'SD-JWT must be a string');
  if (text.length > maxLength) failSdJwt('SDJWT_TOO_LARGE', `SD-JWT exceeds ${maxLength} characters`);
  const last = text.lastIndexOf('~');
  if (last < 0) failSdJwt('SDJWT_MALFORMED', 'not an SD-JWT: no "~" separator');
  const first = text.indexOf('~');
  const jwt = text.slice(0, first);
  if (jwt.length === 0) failSdJwt('SDJWT_MALFORMED', 'SD-JWT has no issuer-signed JWT');
  // Count before splitting, so 50,000 "~" cost one scan and no array.
  let separators = 0;
  for (let i = first; i !== -1 && i <= last; i = text.indexOf('~', i + 1)) {
    separators++;
    if (separators - 1 > maxDisclosures) {
      failSdJwt('SDJWT_TOO_MANY_DISCLOSURES', `SD-JWT has more than ${maxDisclosures} disclosures`);
    }
  }
  const disclosures = first === last ? [] : text.slice(first + 1, last).split('~');
  for (const d of disclosures) {
    if (d.length === 0) failSdJwt('SDJWT_MALFORMED', 'SD-JWT has an empty disclosure');
    if (d.length > maxDisclosureLength) failSdJwt('SDJWT_TOO_LARGE', 'a disclosure is too long');
  }
  const kb = text.slice(last + 1);
  // After the last "~" there is either nothing (an SD-JWT) or a KB-JWT: anything else (a missing final
  // "~", trailing garbage) is malformed, never a KB-JWT to be ignored.
  if (kb.length > 0 && !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(kb)) {
    failSdJwt('SDJWT_MALFORMED', 'the part after the last "~" is not a KB-JWT');
  }
  return { jwt, disclosures, kbJwt: kb.length === 0 ? undefined : kb, sdJwt: text.slice(0, last + 1) };
}

/** A configured cap (e.g. from a config file): a positive integer, or the default when absent. */
export function checkLimit(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    failSdJwt('SDJWT_POLICY_INVALID', 'SD-JWT limits must be positive integers');
  return value;
}

/** Joins an issuer-signed JWT and disclosures into a compact SD-JWT (with the trailing `~`). */
export function joinSdJwt(jwt: string, disclosures: readonly string[]): string {
  return disclosures.length === 0 ? `${jwt}~` : `${jwt}~${disclosures.join('~')}~`;
}
