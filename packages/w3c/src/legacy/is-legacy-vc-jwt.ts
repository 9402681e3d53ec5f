import {
  decodeBase64Url,
  isBase64Url,
  isJsonObject,
  LIMITS,
  parseStrictJsonObject,
  peekJwsHeader,
} from '@haven/core';

/**
 * Cheap detection of a VCDM 1.1 JWT credential (VCDM 1.1 §6.3.1): a compact JWS of three parts whose
 * header decodes and whose payload is a JSON object with a `vc` object. Verifies nothing and never
 * throws; use it to route a token (e.g. `haven verify` auto-detection), then call `verifyLegacyVcJwt`.
 * An SD-JWT (`~`), a VC-JOSE `vc+jwt` (the credential is the payload, no `vc`) and a VP JWT (`vp`) are
 * not matched.
 *
 * @example
 * ```ts
 * if (isLegacyVcJwt(input)) result = await verifyLegacyVcJwt(input, options);
 * ```
 */
export function isLegacyVcJwt(token: unknown): boolean {
  if (typeof token !== 'string' || token.length > LIMITS.jwsMaxLength) return false;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => part.length > 0 && isBase64Url(part))) return false;
  try {
    const header = peekJwsHeader(token);
    if (typeof header.alg !== 'string') return false;
    const payload = parseStrictJsonObject(decodeBase64Url(parts[1] as string), { what: 'JWT payload' });
    return isJsonObject(payload.vc);
  } catch {
    return false;
  }
}
