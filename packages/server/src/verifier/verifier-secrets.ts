import {
  DEFAULT_SCRYPT_PARAMS,
  decodeBase64Url,
  deriveKeyScrypt,
  hmacSha256Base64Url,
  isHavenError,
  openAead,
  parseStrictJsonObject,
  randomBase64Url,
  type ScryptParams,
  sealAead,
} from '@haven/core';
import { failIssuer } from '../issuer/errors.js';
import type { SecretStore } from '../store/contracts.js';

/** The verifier's two symmetric keys, derived from the master secret under their own labels. */
export interface VerifierSecrets {
  /** AES-256-GCM: sealed transaction requests and results (bound to the transaction id). */
  readonly sealKey: Uint8Array;
  /** HMAC-SHA-256: request-ids, session secrets and response codes are stored under it. */
  readonly hmacKey: Uint8Array;
}

// The same public KDF inputs and check value as the issuer (issuer-keys.ts): one root key per database.
const SALT_NAME = 'kdf-salt';
const PARAMS_NAME = 'kdf-params';
const CHECK_NAME = 'key-check';
const CHECK_TEXT = 'haven key check v1';

function corrupt(what: string, cause?: unknown): never {
  failIssuer('SERVER_SECRET_STORE_CORRUPT', `the stored ${what} is not valid`, cause ? { cause } : undefined);
}

function subkey(root: Uint8Array, label: string): Uint8Array {
  return decodeBase64Url(hmacSha256Base64Url(root, label));
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
 * Derives the verifier's keys (DESIGN "Keys at rest"): the same scrypt root as the issuer (salt and
 * parameters kept in the database, first writer wins), then HMAC-SHA-256 subkeys under labels of their
 * own (`haven/oid4vp/seal`, `haven/oid4vp/hmac`), so no key is shared between issuer and verifier. The
 * stored check value is opened with the root's `haven/seal` subkey: a wrong master secret fails with
 * `SERVER_MASTER_SECRET_MISMATCH` before anything is written, also when the verifier runs alone.
 *
 * @example
 * ```ts
 * const { sealKey, hmacKey } = await deriveVerifierSecrets({ masterSecret, secrets: new SqlSecretStore(db) });
 * ```
 */
export async function deriveVerifierSecrets(options: {
  readonly masterSecret: Uint8Array;
  readonly secrets: SecretStore;
  readonly scrypt?: ScryptParams;
}): Promise<VerifierSecrets> {
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
  const checkKey = subkey(root, 'haven/seal');
  const check = await secrets.putIfAbsent(CHECK_NAME, sealAead(checkKey, CHECK_TEXT, CHECK_NAME));
  let opened: Uint8Array;
  try {
    opened = openAead(checkKey, check, CHECK_NAME);
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
  if (new TextDecoder().decode(opened) !== CHECK_TEXT) corrupt('key check');
  return { sealKey: subkey(root, 'haven/oid4vp/seal'), hmacKey: subkey(root, 'haven/oid4vp/hmac') };
}
