import {
  ALGORITHM_FOR_CURVE,
  assertPrivateJwk,
  createSigner,
  DEFAULT_SCRYPT_PARAMS,
  decodeBase64Url,
  deriveKeyScrypt,
  generateKeyPair,
  hmacSha256Base64Url,
  isHavenError,
  type JwsAlgorithm,
  jwkThumbprint,
  openAead,
  type PublicJwk,
  parseStrictJsonObject,
  randomBase64Url,
  type ScryptParams,
  type SyncSigner,
  sealAead,
  toPublicJwk,
} from '@haven/core';
import { createDidJwk } from '@haven/did';
import type { SecretStore } from '../store/contracts.js';
import { failIssuer } from './errors.js';

/** The two symmetric keys derived from the master secret. */
export interface IssuerSecrets {
  /** AES-256-GCM key: sealed offers, sealed claims, sealed issuer private keys. */
  readonly sealKey: Uint8Array;
  /** HMAC-SHA-256 key of `@haven/oid4vci` (codes, tokens, nonces and transaction ids are stored under it). */
  readonly hmacKey: Uint8Array;
}

/** Options of {@link deriveIssuerSecrets}. */
export interface DeriveIssuerSecretsOptions {
  /** The master secret (from {@link loadOrCreateMasterSecret}). */
  readonly masterSecret: Uint8Array;
  readonly secrets: SecretStore;
  /** scrypt cost of a NEW database (default core's); an existing database keeps the parameters it has. */
  readonly scrypt?: ScryptParams;
}

// Names in the SecretStore. The salt and parameters are public; the check value proves the key.
const SALT_NAME = 'kdf-salt';
const PARAMS_NAME = 'kdf-params';
const CHECK_NAME = 'key-check';
const CHECK_TEXT = 'haven key check v1';

function corrupt(what: string, cause?: unknown): never {
  failIssuer('SERVER_SECRET_STORE_CORRUPT', `the stored ${what} is not valid`, cause ? { cause } : undefined);
}

function parseParams(text: string): ScryptParams {
  let value: Record<string, unknown>;
  try {
    value = parseStrictJsonObject(text, { what: 'kdf parameters' });
  } catch (cause) {
    corrupt('key derivation parameters', cause);
  }
  const { N, r, p } = value;
  if (typeof N !== 'number' || typeof r !== 'number' || typeof p !== 'number') {
    corrupt('key derivation parameters');
  }
  return { N, r, p };
}

/**
 * Opens a sealed value, turning `SECRET_OPEN_FAILED` (wrong key, or a value moved under another name)
 * into `SERVER_MASTER_SECRET_MISMATCH`: at startup that means the master secret is not the one the
 * database was created with.
 */
function openOrMismatch(sealKey: Uint8Array, sealed: string, aad: string): Uint8Array {
  try {
    return openAead(sealKey, sealed, aad);
  } catch (cause) {
    if (isHavenError(cause, 'SECRET_OPEN_FAILED')) {
      failIssuer(
        'SERVER_MASTER_SECRET_MISMATCH',
        'the stored secrets do not open with this master secret (is HAVEN_MASTER_SECRET or master.key the one this database was created with?)',
        { cause },
      );
    }
    throw cause;
  }
}

/**
 * Derives the issuer's sealing and HMAC keys from the master secret (DESIGN "Keys at rest"): scrypt over
 * the master secret with a random 16-byte salt kept in the database (first writer wins, so every process
 * derives the same root key), then one HMAC-SHA-256 subkey per purpose (`haven/seal`, `haven/hmac`) so a
 * key is never used for two things. A sealed check value is stored on first start and opened on every
 * later one: a wrong master secret fails here with `SERVER_MASTER_SECRET_MISMATCH`, before anything is
 * written with it.
 *
 * @example
 * ```ts
 * const { sealKey, hmacKey } = await deriveIssuerSecrets({ masterSecret, secrets: new SqlSecretStore(db) });
 * ```
 */
export async function deriveIssuerSecrets(options: DeriveIssuerSecretsOptions): Promise<IssuerSecrets> {
  const root = await deriveRootKey(options);
  return { sealKey: rootSubkey(root, 'haven/seal'), hmacKey: rootSubkey(root, 'haven/hmac') };
}

/**
 * The database's root key: scrypt over the master secret with the stored salt and parameters (written
 * by the first process), checked against the stored key-check value. Every other key is an HMAC subkey
 * of it under its own label (`haven/seal`, `haven/hmac` for the issuer; the verifier has its own), so
 * one master secret and one KDF serve every part of the server. Throws `SERVER_MASTER_SECRET_MISMATCH`
 * for a wrong master secret and `SERVER_SECRET_STORE_CORRUPT` for damaged stored values.
 *
 * @example
 * ```ts
 * const root = await deriveRootKey({ masterSecret, secrets: new SqlSecretStore(db) });
 * ```
 */
export async function deriveRootKey(options: DeriveIssuerSecretsOptions): Promise<Uint8Array> {
  const { secrets } = options;
  const wanted = options.scrypt ?? DEFAULT_SCRYPT_PARAMS;
  const paramsText = await secrets.putIfAbsent(
    PARAMS_NAME,
    JSON.stringify({ N: wanted.N, r: wanted.r, p: wanted.p }),
  );
  const saltText = await secrets.putIfAbsent(SALT_NAME, randomBase64Url(16));
  let salt: Uint8Array;
  try {
    salt = decodeBase64Url(saltText);
  } catch (cause) {
    corrupt('key derivation salt', cause);
  }
  if (salt.byteLength < 16) corrupt('key derivation salt');
  let root: Uint8Array;
  try {
    root = deriveKeyScrypt(options.masterSecret, salt, parseParams(paramsText));
  } catch (cause) {
    if (isHavenError(cause, 'SECRET_KDF_PARAMS_INVALID')) corrupt('key derivation parameters', cause);
    throw cause;
  }
  // The check is sealed under the issuer's seal subkey (as it always was), whichever part starts first.
  const checkKey = rootSubkey(root, 'haven/seal');
  const check = await secrets.putIfAbsent(CHECK_NAME, sealAead(checkKey, CHECK_TEXT, CHECK_NAME));
  if (new TextDecoder().decode(openOrMismatch(checkKey, check, CHECK_NAME)) !== CHECK_TEXT) {
    corrupt('key check');
  }
  return root;
}

/**
 * An HMAC-SHA-256 subkey of the root key under `label`: distinct labels give independent keys.
 *
 * @example
 * ```ts
 * const sealKey = rootSubkey(root, 'haven/oid4vp/seal');
 * ```
 */
export function rootSubkey(root: Uint8Array, label: string): Uint8Array {
  return decodeBase64Url(hmacSha256Base64Url(root, label));
}

/** The issuer's signing keys by name. */
export type IssuerKeyName = 'es256' | 'eddsa';

/** One issuer signing key, unsealed in memory. */
export interface IssuerKey {
  readonly name: IssuerKeyName;
  readonly alg: JwsAlgorithm;
  /** RFC 7638 JWK thumbprint of the public key; the `kid` of SD-JWT VCs and status list tokens. */
  readonly kid: string;
  /** The public key with `kid`, `alg` and `use: sig`, as published at `/.well-known/jwt-vc-issuer`. */
  readonly publicJwk: PublicJwk;
  /** `did:jwk` of the public key: the issuer of W3C credentials signed with it (self-certifying). */
  readonly did: string;
  /** Signs with this key; its `kid` is the thumbprint. */
  readonly signer: SyncSigner;
}

/** Both issuer keys: ES256 (P-256, the default, HAIP) and EdDSA (Ed25519, for eddsa-rdfc-2022). */
export interface IssuerKeys {
  readonly es256: IssuerKey;
  readonly eddsa: IssuerKey;
}

const KEY_ALGORITHMS: Readonly<Record<IssuerKeyName, JwsAlgorithm>> = { es256: 'ES256', eddsa: 'EdDSA' };

function unsealKey(name: IssuerKeyName, sealKey: Uint8Array, sealed: string): IssuerKey {
  const aad = `issuer-key:${name}`;
  const bytes = openOrMismatch(sealKey, sealed, aad);
  let privateJwk: Record<string, unknown>;
  try {
    privateJwk = parseStrictJsonObject(bytes, { what: 'issuer key' });
    assertPrivateJwk(privateJwk);
  } catch (cause) {
    corrupt('issuer key', cause);
  }
  const alg = KEY_ALGORITHMS[name];
  if (ALGORITHM_FOR_CURVE[privateJwk.crv] !== alg) corrupt('issuer key');
  const bare = toPublicJwk(privateJwk);
  const kid = jwkThumbprint(bare);
  return {
    name,
    alg,
    kid,
    publicJwk: { ...bare, kid, alg, use: 'sig' },
    did: createDidJwk(bare),
    signer: createSigner(privateJwk, { kid }),
  };
}

async function loadOrCreateKey(
  name: IssuerKeyName,
  secrets: SecretStore,
  sealKey: Uint8Array,
): Promise<IssuerKey> {
  const secretName = `issuer-key:${name}`;
  let sealed = await secrets.get(secretName);
  if (sealed === undefined) {
    const { privateJwk } = generateKeyPair(KEY_ALGORITHMS[name]);
    // First writer wins: when several processes start on an empty database, all of them use the key
    // that was stored first, whichever process generated it.
    sealed = await secrets.putIfAbsent(secretName, sealAead(sealKey, JSON.stringify(privateJwk), secretName));
  }
  return unsealKey(name, sealKey, sealed);
}

/**
 * The issuer's signing keys, generated on first start with core's `generateKeyPair` and stored only
 * sealed (AES-256-GCM under the seal key, bound to the name `issuer-key:<name>`) through
 * `SecretStore.putIfAbsent`. Private keys never leave memory unsealed. A key sealed under another master
 * secret fails with `SERVER_MASTER_SECRET_MISMATCH`; nothing is overwritten.
 *
 * @example
 * ```ts
 * const keys = await loadOrCreateIssuerKeys({ secrets, sealKey });
 * keys.es256.kid // RFC 7638 thumbprint
 * ```
 */
export async function loadOrCreateIssuerKeys(options: {
  readonly secrets: SecretStore;
  readonly sealKey: Uint8Array;
}): Promise<IssuerKeys> {
  const es256 = await loadOrCreateKey('es256', options.secrets, options.sealKey);
  const eddsa = await loadOrCreateKey('eddsa', options.secrets, options.sealKey);
  return { es256, eddsa };
}
