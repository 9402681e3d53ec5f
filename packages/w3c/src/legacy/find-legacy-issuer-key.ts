import { isHavenError, type JwsAlgorithm, type KeyInput } from '@haven/core';
import type { DidResolver } from '@haven/did';
import { failW3c } from '../errors.js';
import { findControllerKey } from '../trust.js';

// A method that cannot sign with `alg` is passed over when looking for the one key that can: another key
// type, another algorithm, a representation Haven does not read (e.g. a secp256k1 recovery method).
const NOT_THIS_KEY = [
  'DID_KEY_ALG_MISMATCH',
  'DID_VERIFICATION_METHOD_NOT_SUPPORTED',
  'DID_INVALID_PUBLIC_KEY',
] as const;

/**
 * The issuer key of a VCDM 1.1 JWT. With a `kid`, it must be a DID URL of `iss` (or a `#fragment` of it)
 * under `assertionMethod`. Without one — did-jwt, and so Veramo, sign without `kid` — `iss` must have
 * exactly one `assertionMethod` key that signs with the header's `alg`; none or several →
 * `W3C_KEY_NOT_FOUND` (a verifier must not try keys until one fits).
 *
 * @example
 * ```ts
 * const key = await findLegacyIssuerKey('did:key:z6Mk…', undefined, 'EdDSA', dids);
 * ```
 */
export async function findLegacyIssuerKey(
  iss: string,
  kid: string | undefined,
  alg: JwsAlgorithm,
  dids: DidResolver,
): Promise<KeyInput> {
  if (!iss.startsWith('did:')) failW3c('W3C_KEY_NOT_FOUND', 'the issuer is not a DID');
  if (kid !== undefined) {
    return findControllerKey(iss, kid, alg, 'assertionMethod', { dids });
  }
  const document = await dids.resolve(iss);
  const ids = new Set<string>();
  for (const entry of document.assertionMethod ?? []) {
    const id = typeof entry === 'string' ? entry : entry.id;
    ids.add(id.startsWith('#') ? `${iss}${id}` : id);
  }
  const keys: KeyInput[] = [];
  for (const id of ids) {
    // Only the issuer's own methods: a document may list another DID's key, which does not speak for it.
    if (!id.startsWith(`${iss}#`)) continue;
    try {
      keys.push((await dids.resolveKey(id, { relationship: 'assertionMethod', alg })).key);
    } catch (error) {
      if (!isHavenError(error, ...NOT_THIS_KEY)) throw error;
    }
  }
  if (keys.length !== 1) {
    failW3c(
      'W3C_KEY_NOT_FOUND',
      keys.length === 0
        ? 'the issuer has no assertionMethod key for this algorithm'
        : 'the issuer has several assertionMethod keys for this algorithm and the token names none (kid)',
    );
  }
  return keys[0] as KeyInput;
}
