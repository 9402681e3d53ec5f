import { createECDH, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { decodeBase64Url, encodeBase64Url, isBase64Url } from './base64url.js';
import { BoundedCache } from './cache.js';
import { ed25519KeyProblem } from './ed25519-point.js';
import { fail, HavenError } from './errors.js';
import { isJsonObject } from './json.js';

/** The JWS algorithms Haven signs and verifies (RFC 7518 §3.4, RFC 8037 §3.1). */
export type JwsAlgorithm = 'ES256' | 'ES384' | 'EdDSA';
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(['ES256', 'ES384', 'EdDSA']);

export type JwkCurve = 'P-256' | 'P-384' | 'Ed25519';

/** A public JWK of a supported key type (RFC 7517 §4, RFC 7518 §6.2, RFC 8037 §2). */
export interface PublicJwk {
  kty: 'EC' | 'OKP';
  crv: JwkCurve;
  x: string;
  y?: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  [member: string]: unknown;
}

/** A private JWK: a public JWK plus the private scalar `d`. */
export interface PrivateJwk extends PublicJwk {
  d: string;
}

interface CurveInfo {
  kty: 'EC' | 'OKP';
  alg: JwsAlgorithm;
  /** Length in bytes of `x`, `y` (EC only) and `d`. */
  size: number;
  /** Node's name of the curve (`asymmetricKeyDetails.namedCurve`), or the OKP key type. */
  nodeName: string;
}

const CURVES: Record<JwkCurve, CurveInfo> = {
  'P-256': { kty: 'EC', alg: 'ES256', size: 32, nodeName: 'prime256v1' },
  'P-384': { kty: 'EC', alg: 'ES384', size: 48, nodeName: 'secp384r1' },
  Ed25519: { kty: 'OKP', alg: 'EdDSA', size: 32, nodeName: 'ed25519' },
};

/** The algorithm a key of this curve signs with. Haven binds one algorithm to each key type. */
export const ALGORITHM_FOR_CURVE: Readonly<Record<JwkCurve, JwsAlgorithm>> = Object.freeze({
  'P-256': 'ES256',
  'P-384': 'ES384',
  Ed25519: 'EdDSA',
});

function curveOf(jwk: Record<string, unknown>): CurveInfo {
  const { kty, crv } = jwk;
  if (kty !== 'EC' && kty !== 'OKP')
    fail('JWK_UNSUPPORTED', 'JWK key type is not supported (EC or OKP only)');
  if (typeof crv !== 'string' || !Object.hasOwn(CURVES, crv))
    fail('JWK_UNSUPPORTED', 'JWK curve is not supported');
  const info = CURVES[crv as JwkCurve];
  if (info.kty !== kty) fail('JWK_INVALID', 'JWK curve does not belong to its key type');
  return info;
}

function checkCoordinate(jwk: Record<string, unknown>, member: 'x' | 'y' | 'd', size: number): void {
  const value = jwk[member];
  if (typeof value !== 'string' || !isBase64Url(value) || Buffer.byteLength(value, 'base64url') !== size) {
    fail('JWK_INVALID', `JWK member "${member}" must be ${size} bytes of base64url`);
  }
}

function checkOptionalMembers(jwk: Record<string, unknown>, info: CurveInfo): void {
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') fail('JWK_INVALID', 'JWK "kid" must be a string');
  if (jwk.use !== undefined && typeof jwk.use !== 'string') fail('JWK_INVALID', 'JWK "use" must be a string');
  if (jwk.alg !== undefined && jwk.alg !== info.alg) {
    fail('JWS_ALG_KEY_MISMATCH', 'JWK "alg" does not match its key type');
  }
  if (
    jwk.key_ops !== undefined &&
    !(Array.isArray(jwk.key_ops) && jwk.key_ops.every((op) => typeof op === 'string'))
  ) {
    fail('JWK_INVALID', 'JWK "key_ops" must be an array of strings');
  }
}

/**
 * Asserts `value` is a well-formed public JWK of a supported type, with no private members.
 * Throws `JWK_PRIVATE_KEY_NOT_ALLOWED` if it carries `d` (a private key sent where a public one belongs
 * means someone leaked it), `JWK_UNSUPPORTED` for other key types, `JWK_INVALID` for bad members.
 *
 * @example
 * ```ts
 * assertPublicJwk(header.jwk); // now typed as PublicJwk
 * ```
 */
export function assertPublicJwk(value: unknown): asserts value is PublicJwk {
  checkPublicJwk(value, false);
}

// RSA/oct private members too: anything private is refused before looking at the key type.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

/**
 * {@link assertPublicJwk}, in its order of checks. `coordinatesKnownGood` skips only the decoding of
 * `x`/`y` (the costly part), for a caller that found these exact strings among keys that already passed
 * it; every other check still runs, so the same errors come out in the same order.
 */
function checkPublicJwk(value: unknown, coordinatesKnownGood: boolean): asserts value is PublicJwk {
  if (!isJsonObject(value)) fail('JWK_INVALID', 'JWK must be a JSON object');
  for (const member of PRIVATE_MEMBERS) {
    if (Object.hasOwn(value, member))
      fail('JWK_PRIVATE_KEY_NOT_ALLOWED', 'a private key was given where a public key is expected');
  }
  const info = curveOf(value);
  if (!coordinatesKnownGood) checkCoordinate(value, 'x', info.size);
  if (info.kty === 'EC') {
    if (!coordinatesKnownGood) checkCoordinate(value, 'y', info.size);
  } else if (value.y !== undefined) fail('JWK_INVALID', 'OKP JWK must not have "y"');
  checkOptionalMembers(value, info);
}

/** Asserts `value` is a well-formed private JWK of a supported type. */
export function assertPrivateJwk(value: unknown): asserts value is PrivateJwk {
  if (!isJsonObject(value)) fail('JWK_INVALID', 'JWK must be a JSON object');
  if (!Object.hasOwn(value, 'd')) fail('JWK_PRIVATE_KEY_REQUIRED', 'a private JWK (with "d") is required');
  const info = curveOf(value);
  checkCoordinate(value, 'x', info.size);
  checkCoordinate(value, 'd', info.size);
  if (info.kty === 'EC') checkCoordinate(value, 'y', info.size);
  checkOptionalMembers(value, info);
}

/** The public members of a JWK, in a fresh object (drops `d` and any extra members). */
export function toPublicJwk(jwk: PublicJwk): PublicJwk {
  const out: PublicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  if (jwk.y !== undefined) out.y = jwk.y;
  if (jwk.kid !== undefined) out.kid = jwk.kid;
  return out;
}

// KeyObjects are costly to build (curve checks, OpenSSL objects); build each public key once.
const publicKeyCache = new BoundedCache<string, KeyObject>({ maxEntries: 4096 });
// The KeyObject last built for a given JWK object, with the members it was built from.
const importedByObject = new WeakMap<
  object,
  { key: KeyObject; crv: string; x: string; y: string | undefined }
>();
// Algorithm per KeyObject, so the hot path does not read asymmetricKeyDetails each time.
const algorithmOfKey = new WeakMap<KeyObject, JwsAlgorithm>();

/** The cache key of a JWK's material, or undefined when its members are not even strings. */
function materialCacheKey(jwk: unknown): string | undefined {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  const { crv, x, y } = jwk as Record<string, unknown>;
  if (typeof crv !== 'string' || typeof x !== 'string' || (y !== undefined && typeof y !== 'string'))
    return undefined;
  return `${crv}.${x}.${y ?? ''}`;
}

/**
 * Imports a public JWK as a `node:crypto` KeyObject, cached by its key material. A P-256/P-384 point
 * that is not on the curve is rejected with `JWK_INVALID`.
 *
 * @example
 * ```ts
 * const key = importPublicJwk({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
 * ```
 */
export function importPublicJwk(jwk: unknown): KeyObject {
  // Fast path: the same JWK object as before (e.g. a configured trusted key). JWK objects are not
  // frozen, so the entry remembers which members it was built from and is ignored if they changed.
  const seen = typeof jwk === 'object' && jwk !== null ? importedByObject.get(jwk) : undefined;
  if (seen !== undefined) {
    const j = jwk as PublicJwk;
    if (seen.x === j.x && seen.y === j.y && seen.crv === j.crv && j.d === undefined) return seen.key;
  }
  // Next: the same key material as before in a new object (e.g. a credential's `cnf.jwk`, a fresh
  // object on every verification). The cache holds only material that passed every check, and its key
  // is unambiguous (no "." in base64url or curve names), so a hit means `x`/`y` are exactly strings that
  // decoded correctly before; the object's other members are still checked in full.
  const cacheKey = materialCacheKey(jwk);
  const cached = cacheKey === undefined ? undefined : publicKeyCache.get(cacheKey);
  if (cached) {
    checkPublicJwk(jwk, true);
    return cached;
  }
  assertPublicJwk(jwk);
  if (jwk.crv === 'Ed25519') {
    // OpenSSL does not validate Ed25519 points; a small-order key would let anyone forge signatures.
    const problem = ed25519KeyProblem(decodeBase64Url(jwk.x));
    if (problem) fail('JWK_INVALID', `Ed25519 public key is not usable (${problem})`);
  }
  let key: KeyObject;
  try {
    const material =
      jwk.y === undefined
        ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x }
        : { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
    key = createPublicKey({ key: material, format: 'jwk' });
  } catch (cause) {
    fail('JWK_INVALID', 'JWK is not a valid public key (e.g. point not on the curve)', { cause });
  }
  algorithmOfKey.set(key, CURVES[jwk.crv].alg);
  publicKeyCache.set(`${jwk.crv}.${jwk.x}.${jwk.y ?? ''}`, key);
  importedByObject.set(jwk, { key, crv: jwk.crv, x: jwk.x, y: jwk.y });
  return key;
}

/**
 * Imports a private JWK as a KeyObject. Not cached globally: a signer holds its own key.
 * The public members must belong to `d`; a mismatch is rejected.
 */
export function importPrivateJwk(jwk: unknown): KeyObject {
  assertPrivateJwk(jwk);
  let key: KeyObject;
  try {
    const material: Record<string, string> = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d };
    if (jwk.y !== undefined) material.y = jwk.y;
    key = createPrivateKey({ key: material, format: 'jwk' });
  } catch (cause) {
    fail('JWK_INVALID', 'JWK is not a valid private key', { cause });
  }
  // OpenSSL accepts an EC private key whose x/y do not match d, and keeps the x/y it was given (so
  // exporting the public key proves nothing): compute the point from d and compare. Ed25519 public
  // keys are always derived from d, so exporting them is a real check.
  if (jwk.kty === 'EC') {
    const ecdh = createECDH(jwk.crv === 'P-256' ? 'prime256v1' : 'secp384r1');
    let point: Buffer;
    try {
      ecdh.setPrivateKey(Buffer.from(jwk.d, 'base64url'));
      point = ecdh.getPublicKey();
    } catch (cause) {
      fail('JWK_INVALID', 'JWK is not a valid private key', { cause });
    }
    const size = (point.length - 1) / 2;
    const x = point.subarray(1, 1 + size).toString('base64url');
    const y = point.subarray(1 + size).toString('base64url');
    if (x !== jwk.x || y !== jwk.y) fail('JWK_INVALID', 'JWK public members do not match its private key');
  } else {
    const derived = createPublicKey(key).export({ format: 'jwk' });
    if (derived.x !== jwk.x) fail('JWK_INVALID', 'JWK public members do not match its private key');
  }
  algorithmOfKey.set(key, CURVES[jwk.crv].alg);
  return key;
}

/**
 * The JWS algorithm bound to a KeyObject's type. Throws `JWK_UNSUPPORTED` for other key types.
 *
 * @example
 * ```ts
 * algorithmForKey(importPublicJwk(p256Jwk)) // 'ES256'
 * ```
 */
export function algorithmForKey(key: KeyObject): JwsAlgorithm {
  const known = algorithmOfKey.get(key);
  if (known) return known;
  if (key.type === 'secret') fail('JWK_UNSUPPORTED', 'symmetric keys are not supported');
  let alg: JwsAlgorithm | undefined;
  if (key.asymmetricKeyType === 'ed25519') alg = 'EdDSA';
  else if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    alg = curve === 'prime256v1' ? 'ES256' : curve === 'secp384r1' ? 'ES384' : undefined;
  }
  if (!alg) fail('JWK_UNSUPPORTED', 'key type is not supported (P-256, P-384 or Ed25519 only)');
  algorithmOfKey.set(key, alg);
  return alg;
}

/** Exports the public half of a KeyObject (public or private) as a JWK. */
export function exportPublicJwk(key: KeyObject): PublicJwk {
  const alg = algorithmForKey(key);
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' }) as Record<string, unknown>;
  assertPublicJwk(jwk);
  if (CURVES[jwk.crv].alg !== alg)
    throw new HavenError('INTERNAL_ERROR', 'exported key does not match its type');
  return toPublicJwk(jwk);
}

/** Exports a private KeyObject as a private JWK. */
export function exportPrivateJwk(key: KeyObject): PrivateJwk {
  if (key.type !== 'private') fail('JWK_PRIVATE_KEY_REQUIRED', 'a private key is required');
  algorithmForKey(key);
  const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  assertPrivateJwk(jwk);
  const out: PrivateJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d };
  if (jwk.y !== undefined) out.y = jwk.y;
  return out;
}

/**
 * RFC 7638 JWK thumbprint: the hash of the required members in lexicographic order, base64url.
 *
 * @example
 * ```ts
 * const kid = jwkThumbprint(publicJwk); // 43 characters for SHA-256
 * ```
 */
export function jwkThumbprint(jwk: PublicJwk, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  assertPublicJwk(toPublicJwk(jwk));
  // RFC 7638 §3.2: required members only, sorted, no whitespace. Values are base64url/ASCII names, so
  // JSON.stringify of this fixed-order object is the canonical form.
  const canonical =
    jwk.kty === 'EC'
      ? JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
      : JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return encodeBase64Url(createHash(hash).update(canonical).digest());
}

/** RFC 9278 JWK thumbprint URI (`urn:ietf:params:oauth:jwk-thumbprint:sha-256:…`). */
export function jwkThumbprintUri(jwk: PublicJwk): string {
  return `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${jwkThumbprint(jwk)}`;
}

/** Raw public key bytes: the 32-byte Ed25519 key, or the SEC1 uncompressed point of an EC key. */
export function publicKeyBytes(jwk: PublicJwk): Uint8Array {
  assertPublicJwk(jwk);
  const x = decodeBase64Url(jwk.x);
  if (jwk.kty === 'OKP') return x;
  const y = decodeBase64Url(jwk.y as string);
  const out = new Uint8Array(1 + x.length + y.length);
  out[0] = 0x04;
  out.set(x, 1);
  out.set(y, 1 + x.length);
  return out;
}

/**
 * RFC 7517 §4.2–§4.3: a JWK marked for encryption (`use: "enc"`), or whose `key_ops` do not include the
 * operation, must not be used for signatures. Checked wherever a JWK becomes a signing or verification key.
 */
export function assertJwkUsableFor(jwk: PublicJwk, operation: 'sign' | 'verify'): void {
  if (jwk.use !== undefined && jwk.use !== 'sig')
    fail('JWK_USE_NOT_ALLOWED', 'JWK is not meant for signatures ("use")');
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes(operation)) {
    fail('JWK_USE_NOT_ALLOWED', `JWK "key_ops" does not allow "${operation}"`);
  }
}
