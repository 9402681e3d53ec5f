import { generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { fail } from './errors.js';
import {
  algorithmForKey,
  assertJwkUsableFor,
  exportPrivateJwk,
  exportPublicJwk,
  importPrivateJwk,
  type JwsAlgorithm,
  type PrivateJwk,
  type PublicJwk,
} from './jwk.js';

/**
 * Anything that can sign for a JWS: a local key, an HSM or a KMS. `sign` receives the JWS signing input
 * and returns the raw signature in JWS form (64-byte P1363 `r||s` for ES256, 96 for ES384, 64 for EdDSA).
 */
export interface Signer {
  readonly alg: JwsAlgorithm;
  readonly kid?: string;
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** A signer that answers at once; required by `signJwsSync`. Local keys are sync signers. */
export interface SyncSigner extends Signer {
  sign(data: Uint8Array): Uint8Array;
}

/** Signature length in bytes for each algorithm (RFC 7518 §3.4, RFC 8037 §3.1). */
export const SIGNATURE_LENGTH: Readonly<Record<JwsAlgorithm, number>> = Object.freeze({
  ES256: 64,
  ES384: 96,
  EdDSA: 64,
});

const HASH_FOR_ALG: Readonly<Record<JwsAlgorithm, string | null>> = Object.freeze({
  ES256: 'sha256',
  ES384: 'sha384',
  EdDSA: null,
});

/** The `node:crypto` hash name for an algorithm (`null` for EdDSA, which hashes internally). */
export function hashForAlgorithm(alg: JwsAlgorithm): string | null {
  return HASH_FOR_ALG[alg];
}

export interface CreateSignerOptions {
  /** Must match the key's type if given; defaults to the algorithm bound to the key type. */
  alg?: JwsAlgorithm;
  /** Put into the JWS header by `signJws`. */
  kid?: string;
}

/**
 * A local signer over a private key. The KeyObject is built once, here, and reused for every signature.
 *
 * @example
 * ```ts
 * const signer = createSigner(privateJwk, { kid: 'did:jwk:…#0' });
 * const jws = signJwsSync({ iss: 'x' }, { signer, typ: 'JWT' });
 * ```
 */
export function createSigner(
  privateKey: PrivateJwk | KeyObject,
  options: CreateSignerOptions = {},
): SyncSigner {
  if (!(privateKey instanceof KeyObject)) assertJwkUsableFor(privateKey, 'sign');
  const key = privateKey instanceof KeyObject ? privateKey : importPrivateJwk(privateKey);
  if (key.type !== 'private') fail('JWK_PRIVATE_KEY_REQUIRED', 'a signer needs a private key');
  const alg = algorithmForKey(key);
  if (options.alg !== undefined && options.alg !== alg)
    fail('JWS_ALG_KEY_MISMATCH', 'algorithm does not match the key type');
  const hash = HASH_FOR_ALG[alg];
  const signOptions = { key, dsaEncoding: 'ieee-p1363' as const };
  const signer: SyncSigner = {
    alg,
    sign: (data: Uint8Array) => sign(hash, data, signOptions),
  };
  return options.kid === undefined ? signer : { ...signer, kid: options.kid };
}

export interface GeneratedKeyPair {
  readonly alg: JwsAlgorithm;
  readonly privateJwk: PrivateJwk;
  readonly publicJwk: PublicJwk;
}

/**
 * Generates a fresh key pair from the operating system's CSPRNG.
 *
 * @example
 * ```ts
 * const { privateJwk, publicJwk } = generateKeyPair('ES256');
 * ```
 */
export function generateKeyPair(alg: JwsAlgorithm = 'ES256'): GeneratedKeyPair {
  let privateKey: KeyObject;
  if (alg === 'EdDSA') privateKey = generateKeyPairSync('ed25519').privateKey;
  else if (alg === 'ES256') privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  else if (alg === 'ES384') privateKey = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
  else fail('JWS_ALG_NOT_ALLOWED', 'algorithm is not supported for key generation');
  return { alg, privateJwk: exportPrivateJwk(privateKey), publicJwk: exportPublicJwk(privateKey) };
}

/**
 * Verifies a raw signature (JWS form: P1363 `r||s` for ECDSA) over `data` with a public KeyObject, for
 * the algorithm bound to that key. For formats that sign something other than a JWS signing input (Data
 * Integrity proofs); a wrong-length signature or an algorithm that is not the key's is simply `false`.
 *
 * @example
 * ```ts
 * verifySignature('EdDSA', hashData, proofSignature, publicKey) // true | false
 * ```
 */
export function verifySignature(
  alg: JwsAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
  key: KeyObject,
): boolean {
  if (!(key instanceof KeyObject) || key.type !== 'public') return false;
  let keyAlg: JwsAlgorithm;
  try {
    keyAlg = algorithmForKey(key);
  } catch {
    return false;
  }
  if (keyAlg !== alg) return false;
  if (!(signature instanceof Uint8Array) || signature.byteLength !== SIGNATURE_LENGTH[alg]) return false;
  return verify(hashForAlgorithm(alg), data, { key, dsaEncoding: 'ieee-p1363' }, signature);
}
