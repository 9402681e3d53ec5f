import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes as nodeRandomBytes,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { fail } from './errors.js';

// Sealed-box layout: version byte, 12-byte nonce, ciphertext, 16-byte GCM tag; base64url as a whole.
const SEAL_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function toBuffer(data: Uint8Array | string): Buffer {
  return typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function assertKey(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.byteLength !== 32) {
    fail('SECRET_KEY_INVALID', `${what} needs a 32-byte key`);
  }
}

/**
 * HMAC-SHA-256 of `data` under `key`, as base64url. Used to store short secrets (a 6-digit `tx_code`, a
 * pre-authorized code) so that reading the database does not reveal them and a brute force needs the key.
 *
 * @example
 * ```ts
 * const stored = hmacSha256Base64Url(pepper, txCode);
 * ```
 */
export function hmacSha256Base64Url(key: Uint8Array, data: Uint8Array | string): string {
  assertKey(key, 'HMAC-SHA-256');
  return createHmac('sha256', key).update(toBuffer(data)).digest('base64url');
}

/**
 * Compares two strings in time that depends only on their lengths (never on where they first differ).
 *
 * @example
 * ```ts
 * if (!timingSafeEqualStrings(stored, hmacSha256Base64Url(pepper, attempt))) reject();
 * ```
 */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.byteLength !== right.byteLength) {
    // Compare against itself so the work done does not reveal the length mismatch early.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/**
 * Encrypts `plaintext` with AES-256-GCM under a 32-byte key and a fresh random nonce. `aad` (associated
 * data) binds the ciphertext to where it is stored, e.g. the record id: moved under another id it no
 * longer opens. Returns one base64url string.
 *
 * @example
 * ```ts
 * const sealed = sealAead(dataKey, JSON.stringify(claims), `offer:${offerId}`);
 * ```
 */
export function sealAead(key: Uint8Array, plaintext: Uint8Array | string, aad: string): string {
  assertKey(key, 'AES-256-GCM');
  const nonce = nodeRandomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(toBuffer(plaintext)), cipher.final()]);
  return encodeBase64Url(Buffer.concat([Buffer.of(SEAL_VERSION), nonce, body, cipher.getAuthTag()]));
}

/**
 * Opens what {@link sealAead} sealed. Any change to the ciphertext, the key or `aad` fails with
 * `SECRET_OPEN_FAILED` (one code for all: the caller learns nothing about which part was wrong).
 *
 * @example
 * ```ts
 * const claims = JSON.parse(new TextDecoder().decode(openAead(dataKey, sealed, `offer:${offerId}`)));
 * ```
 */
export function openAead(key: Uint8Array, sealed: string, aad: string): Uint8Array {
  assertKey(key, 'AES-256-GCM');
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64Url(sealed);
  } catch {
    fail('SECRET_OPEN_FAILED', 'the sealed value cannot be opened');
  }
  if (bytes.byteLength < 1 + NONCE_BYTES + TAG_BYTES || bytes[0] !== SEAL_VERSION) {
    fail('SECRET_OPEN_FAILED', 'the sealed value cannot be opened');
  }
  const buffer = toBuffer(bytes);
  const nonce = buffer.subarray(1, 1 + NONCE_BYTES);
  const tag = buffer.subarray(buffer.byteLength - TAG_BYTES);
  const body = buffer.subarray(1 + NONCE_BYTES, buffer.byteLength - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    const out = Buffer.concat([decipher.update(body), decipher.final()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch {
    fail('SECRET_OPEN_FAILED', 'the sealed value cannot be opened');
  }
}

/** scrypt cost parameters. The defaults (N = 2^15, r = 8, p = 1) take ~32 MiB and ~60 ms here. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** Default scrypt parameters of {@link deriveKeyScrypt}. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

// Upper bounds so that parameters read from a file cannot ask for gigabytes or minutes.
const MAX_SCRYPT_N = 2 ** 20;
const MAX_SCRYPT_R = 16;
const MAX_SCRYPT_P = 4;

/**
 * Derives a 32-byte key from a passphrase or secret with scrypt (memory-hard). Parameters are bounded
 * (N ≤ 2^20, r ≤ 16, p ≤ 4) so a stored header cannot make the caller spend unbounded memory;
 * out-of-range values fail with `SECRET_KDF_PARAMS_INVALID`. The salt must be at least 16 bytes.
 *
 * @example
 * ```ts
 * const key = deriveKeyScrypt(process.env.HAVEN_MASTER_SECRET!, salt);
 * ```
 */
export function deriveKeyScrypt(
  secret: string | Uint8Array,
  salt: Uint8Array,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Uint8Array {
  const { N, r, p } = params;
  const powerOfTwo = Number.isSafeInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (
    !powerOfTwo ||
    N > MAX_SCRYPT_N ||
    !Number.isSafeInteger(r) ||
    r < 1 ||
    r > MAX_SCRYPT_R ||
    !Number.isSafeInteger(p) ||
    p < 1 ||
    p > MAX_SCRYPT_P
  ) {
    fail('SECRET_KDF_PARAMS_INVALID', 'scrypt parameters are out of the allowed range');
  }
  if (!(salt instanceof Uint8Array) || salt.byteLength < 16) {
    fail('SECRET_KDF_PARAMS_INVALID', 'the scrypt salt must be at least 16 bytes');
  }
  if (secret.length === 0) fail('SECRET_KDF_PARAMS_INVALID', 'the secret is empty');
  const out = scryptSync(toBuffer(secret), salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
