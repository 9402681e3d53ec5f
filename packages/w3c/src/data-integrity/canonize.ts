import { eddsaRdfc2022Cryptosuite } from './library.js';
import { proofConfigNQuads } from './proof-config-nquads.js';

/**
 * RDFC-1.0 canonicalization for eddsa-rdfc-2022 (vc-di-eddsa §3.3.3 "Transformation"): the proof
 * configuration through {@link proofConfigNQuads} when it has the common shape, everything else through
 * the cryptosuite's own jsonld.js + rdf-canonize (safe mode on, `base: null`).
 *
 * @example
 * ```ts
 * const nquads = await canonizeRdfc(document, { documentLoader });
 * ```
 */
export async function canonizeRdfc(
  input: Record<string, unknown>,
  options: Record<string, unknown>,
): Promise<string> {
  const fast = proofConfigNQuads(input);
  if (fast !== undefined) return fast;
  // Safe mode and a null base are the library's defaults; they are restated so a caller's options can
  // never turn them off (an undefined term must fail, not be dropped from what is signed).
  return eddsaRdfc2022Cryptosuite.canonize(input, { ...options, safe: true, base: null });
}
