import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  KeyObject,
  randomBytes as nodeRandomBytes,
} from 'node:crypto';
import { encodeBase64Url, isBase64Url } from './base64url.js';
import { fail } from './errors.js';
import { isJsonObject, parseStrictJsonObject, type StrictJsonOptions } from './json.js';
import {
  assertPublicJwk,
  importPrivateJwk,
  importPublicJwk,
  type PrivateJwk,
  type PublicJwk,
} from './jwk.js';

/** The JWE content encryption algorithms Haven supports (RFC 7518 §5.3; the two HAIP requires). */
export type JweEnc = 'A128GCM' | 'A256GCM';
export const JWE_ENC_VALUES: readonly JweEnc[] = Object.freeze(['A128GCM', 'A256GCM']);

/** A decrypted JWE protected header. `alg`, `enc` and `epk` are checked; other members are as sent. */
export interface JweHeader {
  alg: 'ECDH-ES';
  enc: JweEnc;
  epk: PublicJwk;
  kid?: string;
  apu?: string;
  apv?: string;
  [member: string]: unknown;
}

/** Default cap on a compact JWE, in characters: a form-posted OpenID4VP response fits with room to spare. */
export const JWE_MAX_LENGTH = 1024 * 1024;

const KEY_BYTES: Record<JweEnc, number> = { A128GCM: 16, A256GCM: 32 };
const CIPHER: Record<JweEnc, 'aes-128-gcm' | 'aes-256-gcm'> = {
  A128GCM: 'aes-128-gcm',
  A256GCM: 'aes-256-gcm',
};
const IV_BYTES = 12;
const TAG_BYTES = 16;
const EC_CURVES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };
const CURVE_OF_NODE_NAME: Record<string, 'P-256' | 'P-384'> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
};
// Members the encryptor sets itself; `extraHeader` must not override or smuggle them in.
const RESERVED_HEADER_MEMBERS = ['alg', 'enc', 'epk', 'apu', 'apv', 'kid', 'zip', 'crit'] as const;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

function isJweEnc(value: unknown): value is JweEnc {
  return typeof value === 'string' && Object.hasOwn(KEY_BYTES, value);
}

function toBytes(data: Uint8Array | string): Buffer {
  return typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function lengthPrefixed(data: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + data.byteLength);
  out.writeUInt32BE(data.byteLength, 0);
  out.set(data, 4);
  return out;
}

/**
 * RFC 7518 §4.6.2: the Concat KDF (NIST SP 800-56A §5.8.1) over the ECDH shared secret, for direct key
 * agreement. `AlgorithmID` is the `enc` value, `PartyUInfo`/`PartyVInfo` are the decoded `apu`/`apv`,
 * `SuppPubInfo` is the key length in bits. One SHA-256 round gives 256 bits, enough for both encs.
 * Exported for tests (RFC 7518 Appendix C); not part of the package's public API.
 *
 * @example
 * ```ts
 * const cek = deriveEcdhEsKey(recipientPrivateKey, ephemeralPublicKey, 'A128GCM', apu, apv); // 16 bytes
 * ```
 */
export function deriveEcdhEsKey(
  privateKey: KeyObject,
  publicKey: KeyObject,
  enc: JweEnc,
  apu: Uint8Array = new Uint8Array(0),
  apv: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const z = diffieHellman({ privateKey, publicKey });
  const keyBytes = KEY_BYTES[enc];
  const suppPubInfo = Buffer.alloc(4);
  suppPubInfo.writeUInt32BE(keyBytes * 8, 0);
  const digest = createHash('sha256')
    .update(Buffer.of(0, 0, 0, 1))
    .update(z)
    .update(lengthPrefixed(Buffer.from(enc, 'ascii')))
    .update(lengthPrefixed(apu))
    .update(lengthPrefixed(apv))
    .update(suppPubInfo)
    .digest();
  z.fill(0);
  const key = new Uint8Array(digest.subarray(0, keyBytes));
  digest.fill(0);
  return key;
}

/**
 * Checks what a JWK says about its intended use before it becomes an ECDH-ES key: EC on P-256 or
 * P-384, `alg` absent or `ECDH-ES`, `use` absent or `enc` (OpenID4VP §8.3), `key_ops` allowing key
 * derivation. Returns the bare key material, so members like `alg: "ECDH-ES"` do not trip the JWS checks.
 */
function encryptionKeyMaterial(jwk: unknown, withPrivate: boolean): Record<string, unknown> {
  if (!isJsonObject(jwk)) fail('JWK_INVALID', 'JWK must be a JSON object');
  if (jwk.kty !== 'EC' || typeof jwk.crv !== 'string' || !Object.hasOwn(EC_CURVES, jwk.crv)) {
    fail('JWK_UNSUPPORTED', 'ECDH-ES keys must be EC keys on P-256 or P-384');
  }
  if (jwk.alg !== undefined && jwk.alg !== 'ECDH-ES') fail('JWE_ALG_NOT_ALLOWED', 'JWK "alg" is not ECDH-ES');
  if (jwk.use !== undefined && jwk.use !== 'enc')
    fail('JWK_USE_NOT_ALLOWED', 'JWK is not meant for encryption ("use")');
  if (
    jwk.key_ops !== undefined &&
    !(Array.isArray(jwk.key_ops) && jwk.key_ops.some((op) => op === 'deriveKey' || op === 'deriveBits'))
  ) {
    fail('JWK_USE_NOT_ALLOWED', 'JWK "key_ops" does not allow key agreement');
  }
  const material: Record<string, unknown> = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  if (withPrivate) material.d = jwk.d;
  else assertPublicJwk({ ...jwk, alg: undefined });
  return material;
}

function toBytesOption(value: Uint8Array | string | undefined, name: string): Buffer | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !(value instanceof Uint8Array))
    fail('JWE_HEADER_INVALID', `"${name}" must be bytes or a string`);
  return toBytes(value);
}

/** Options of {@link encryptJweEcdhEs}. */
export interface EncryptJweOptions {
  /** Content encryption: `A128GCM` or `A256GCM` (HAIP: wallets should prefer `A256GCM`). */
  enc: JweEnc;
  /** The `kid` header. Defaults to the recipient JWK's `kid` (OpenID4VP §8.3 requires it be echoed). */
  kid?: string;
  /** Agreement PartyUInfo (RFC 7518 §4.6.1.2): raw bytes, or a string taken as UTF-8. */
  apu?: Uint8Array | string;
  /** Agreement PartyVInfo (RFC 7518 §4.6.1.3): raw bytes, or a string taken as UTF-8. */
  apv?: Uint8Array | string;
  /** Further protected header members (e.g. `typ`). May not set `alg`, `enc`, `epk`, `apu`, `apv`, `kid`, `zip` or `crit`. */
  extraHeader?: Record<string, unknown>;
}

/**
 * Encrypts to an EC public key with JWE ECDH-ES direct key agreement and AES-GCM, in compact
 * serialization (RFC 7516 §7.1, RFC 7518 §4.6 and §5.3): a fresh ephemeral key (`epk`, public members
 * only), an empty encrypted key segment, a fresh 96-bit IV, and the protected header as AAD. This is
 * the `response` of OpenID4VP `direct_post.jwt` (§8.3): encrypted, not signed.
 *
 * @example
 * ```ts
 * const response = encryptJweEcdhEs(JSON.stringify({ vp_token, state }), verifierJwk, { enc: 'A256GCM' });
 * ```
 */
export function encryptJweEcdhEs(
  plaintext: Uint8Array | string,
  recipientPublicJwk: PublicJwk,
  options: EncryptJweOptions,
): string {
  const { enc } = options;
  if (!isJweEnc(enc)) fail('JWE_ENC_NOT_ALLOWED', 'JWE "enc" must be A128GCM or A256GCM');
  if (typeof plaintext !== 'string' && !(plaintext instanceof Uint8Array))
    fail('JWE_MALFORMED', 'plaintext must be bytes or a string');
  const recipient = importPublicJwk(encryptionKeyMaterial(recipientPublicJwk, false));
  const crv = recipientPublicJwk.crv;
  const kid = options.kid ?? recipientPublicJwk.kid;
  if (kid !== undefined && typeof kid !== 'string') fail('JWE_HEADER_INVALID', 'JWE "kid" must be a string');
  const apu = toBytesOption(options.apu, 'apu');
  const apv = toBytesOption(options.apv, 'apv');
  const extra = options.extraHeader ?? {};
  if (!isJsonObject(extra)) fail('JWE_HEADER_INVALID', 'extraHeader must be an object');
  for (const member of RESERVED_HEADER_MEMBERS) {
    if (Object.hasOwn(extra, member)) fail('JWE_HEADER_INVALID', `extraHeader may not set "${member}"`);
  }

  const ephemeral = generateKeyPairSync('ec', { namedCurve: EC_CURVES[crv] as string });
  const epkFull = ephemeral.publicKey.export({ format: 'jwk' });
  const epk = { kty: 'EC', crv, x: epkFull.x, y: epkFull.y };
  const header: Record<string, unknown> = { ...extra, alg: 'ECDH-ES', enc };
  if (kid !== undefined) header.kid = kid;
  header.epk = epk;
  if (apu !== undefined) header.apu = encodeBase64Url(apu);
  if (apv !== undefined) header.apv = encodeBase64Url(apv);
  const headerPart = encodeBase64Url(JSON.stringify(header));

  const cek = deriveEcdhEsKey(ephemeral.privateKey, recipient, enc, apu, apv);
  const iv = nodeRandomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER[enc], cek, iv, { authTagLength: TAG_BYTES });
  cek.fill(0);
  cipher.setAAD(Buffer.from(headerPart, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(toBytes(plaintext)), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${headerPart}..${encodeBase64Url(iv)}.${encodeBase64Url(ciphertext)}.${encodeBase64Url(tag)}`;
}

/** Options of {@link decryptJweEcdhEs}. */
export interface DecryptJweOptions {
  /** `enc` values accepted; default both (`A128GCM`, `A256GCM`). */
  allowedEnc?: readonly JweEnc[];
  /** Largest compact JWE accepted, in characters. Default {@link JWE_MAX_LENGTH} (1 MiB). */
  maxBytes?: number;
  /** Limits for the protected header JSON. */
  json?: StrictJsonOptions;
}

/** What {@link decryptJweEcdhEs} returns. */
export interface DecryptedJwe {
  readonly plaintext: Uint8Array;
  readonly header: Readonly<JweHeader>;
}

function recipientKeyObject(key: PrivateJwk | KeyObject): { key: KeyObject; crv: 'P-256' | 'P-384' } {
  if (key instanceof KeyObject) {
    if (key.type !== 'private') fail('JWK_PRIVATE_KEY_REQUIRED', 'decryption needs a private key');
    const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
    const crv = curve === undefined ? undefined : CURVE_OF_NODE_NAME[curve];
    if (crv === undefined) fail('JWK_UNSUPPORTED', 'ECDH-ES keys must be EC keys on P-256 or P-384');
    return { key, crv };
  }
  const material = encryptionKeyMaterial(key, true);
  return { key: importPrivateJwk(material), crv: material.crv as 'P-256' | 'P-384' };
}

function checkedEpk(epk: unknown, crv: 'P-256' | 'P-384'): { jwk: PublicJwk; key: KeyObject } {
  if (!isJsonObject(epk)) fail('JWE_EPK_INVALID', 'JWE "epk" must be a JWK object');
  for (const member of PRIVATE_MEMBERS) {
    if (Object.hasOwn(epk, member)) fail('JWE_EPK_INVALID', 'JWE "epk" carries private key material');
  }
  if (epk.kty !== 'EC' || epk.crv !== crv)
    fail('JWE_EPK_INVALID', 'JWE "epk" is not an EC key on the recipient key curve');
  const jwk = { kty: 'EC', crv, x: epk.x, y: epk.y };
  try {
    assertPublicJwk(jwk);
    // Not importPublicJwk: ephemeral keys are never seen twice, so caching them would only evict
    // keys that are. OpenSSL refuses a point that is not on the curve (invalid-curve attack).
    return { jwk, key: createPublicKey({ key: jwk, format: 'jwk' }) };
  } catch (cause) {
    fail('JWE_EPK_INVALID', 'JWE "epk" is not a valid public key on its curve', { cause });
  }
}

function decodeSegment(part: string, what: string): Buffer {
  if (!isBase64Url(part)) fail('JWE_MALFORMED', `JWE ${what} is not canonical base64url`);
  return Buffer.from(part, 'base64url');
}

function optionalBase64UrlMember(header: Record<string, unknown>, name: 'apu' | 'apv'): Buffer | undefined {
  const value = header[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isBase64Url(value))
    fail('JWE_HEADER_INVALID', `JWE "${name}" must be base64url`);
  return Buffer.from(value, 'base64url');
}

/**
 * Decrypts a compact JWE made with ECDH-ES direct key agreement and AES-GCM, strictly: size cap, five
 * parts with an empty encrypted key, strict JSON header, `alg` exactly `ECDH-ES`, `enc` allowed, no `zip`,
 * no `crit`, `epk` a public EC key on the recipient key's curve (a point off the curve is refused before
 * any key agreement), 12-byte IV, 16-byte tag. Every cryptographic failure — wrong key, changed header,
 * IV, ciphertext or tag — is one `JWE_DECRYPT_FAILED`, so a caller learns nothing about which.
 *
 * @example
 * ```ts
 * const { plaintext, header } = decryptJweEcdhEs(body.response, verifierPrivateJwk, { allowedEnc: ['A128GCM', 'A256GCM'] });
 * const response = parseStrictJsonObject(plaintext);
 * ```
 */
export function decryptJweEcdhEs(
  compact: unknown,
  recipientPrivateKey: PrivateJwk | KeyObject,
  options: DecryptJweOptions = {},
): DecryptedJwe {
  const maxBytes = options.maxBytes ?? JWE_MAX_LENGTH;
  if (!(Number.isInteger(maxBytes) && maxBytes > 0))
    throw new RangeError('maxBytes must be a positive integer');
  const allowedEnc = options.allowedEnc ?? JWE_ENC_VALUES;
  if (!Array.isArray(allowedEnc) || allowedEnc.length === 0 || !allowedEnc.every(isJweEnc)) {
    throw new RangeError('allowedEnc must be a non-empty list of A128GCM / A256GCM');
  }
  const recipient = recipientKeyObject(recipientPrivateKey);
  if (typeof compact !== 'string') fail('JWE_MALFORMED', 'JWE must be a string');
  if (compact.length > maxBytes) fail('JWE_TOO_LARGE', `JWE exceeds ${maxBytes} characters`);
  const parts = compact.split('.', 6);
  if (parts.length !== 5) fail('JWE_MALFORMED', 'JWE is not in compact serialization of five parts');
  const [headerPart, encryptedKeyPart, ivPart, ciphertextPart, tagPart] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (encryptedKeyPart !== '')
    fail('JWE_MALFORMED', 'JWE encrypted key must be empty for direct key agreement');
  if (headerPart === '') fail('JWE_MALFORMED', 'JWE protected header is empty');

  const header = parseStrictJsonObject(decodeSegment(headerPart, 'header'), {
    ...options.json,
    what: 'JWE header',
  });
  if (header.alg !== 'ECDH-ES') fail('JWE_ALG_NOT_ALLOWED', 'JWE "alg" is not ECDH-ES');
  const enc = header.enc;
  if (!isJweEnc(enc) || !allowedEnc.includes(enc))
    fail('JWE_ENC_NOT_ALLOWED', 'JWE "enc" is not allowed here');
  if (header.zip !== undefined) fail('JWE_ZIP_UNSUPPORTED', 'compressed JWE plaintext is not accepted');
  // RFC 7515 §4.1.11 (via RFC 7516 §4.1.13) forbids an empty list, and Haven understands no extension.
  if (header.crit !== undefined)
    fail('JWE_CRIT_UNSUPPORTED', 'JWE has critical header extensions Haven does not process');
  if (header.kid !== undefined && typeof header.kid !== 'string')
    fail('JWE_HEADER_INVALID', 'JWE "kid" must be a string');
  const apu = optionalBase64UrlMember(header, 'apu');
  const apv = optionalBase64UrlMember(header, 'apv');
  const epk = checkedEpk(header.epk, recipient.crv);

  const iv = decodeSegment(ivPart, 'IV');
  if (iv.byteLength !== IV_BYTES) fail('JWE_MALFORMED', 'JWE IV must be 12 bytes for AES-GCM');
  const tag = decodeSegment(tagPart, 'tag');
  if (tag.byteLength !== TAG_BYTES) fail('JWE_MALFORMED', 'JWE tag must be 16 bytes for AES-GCM');
  const ciphertext = decodeSegment(ciphertextPart, 'ciphertext');

  let plaintext: Buffer;
  try {
    const cek = deriveEcdhEsKey(recipient.key, epk.key, enc, apu, apv);
    const decipher = createDecipheriv(CIPHER[enc], cek, iv, { authTagLength: TAG_BYTES });
    cek.fill(0);
    // RFC 7516 §5.2 step 14: the AAD is the ASCII of the encoded protected header, as received.
    decipher.setAAD(Buffer.from(headerPart, 'ascii'));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    fail('JWE_DECRYPT_FAILED', 'JWE does not decrypt');
  }
  const checkedHeader = Object.freeze({ ...header, epk: Object.freeze(epk.jwk) }) as Readonly<JweHeader>;
  return {
    plaintext: new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength),
    header: checkedHeader,
  };
}
