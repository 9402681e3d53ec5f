import {
  assertPublicJwk,
  decompressEcPoint,
  encodeBase64Url,
  importPublicJwk,
  type JwsAlgorithm,
  type PublicJwk,
} from '@haven/core';
import type { IKey } from '@veramo/core-types';
import { failVeramo } from './errors.js';

/** The Veramo key types Haven signs with, and the one JWS algorithm of each (DESIGN "Crypto"). */
export const VERAMO_KEY_ALGORITHMS: Readonly<Record<string, JwsAlgorithm>> = Object.freeze({
  Ed25519: 'EdDSA',
  Secp256r1: 'ES256',
});

/**
 * The JWS algorithm for a Veramo key: `Ed25519` → EdDSA, `Secp256r1` → ES256. Anything else, Secp256k1
 * (ES256K) included, is `VERAMO_KEY_UNSUPPORTED`: Haven's verifiers would refuse what it signed.
 *
 * @example
 * ```ts
 * algorithmForVeramoKey({ type: 'Secp256r1', … }) // 'ES256'
 * ```
 */
export function algorithmForVeramoKey(key: Pick<IKey, 'type'>): JwsAlgorithm {
  const alg = Object.hasOwn(VERAMO_KEY_ALGORITHMS, key.type) ? VERAMO_KEY_ALGORITHMS[key.type] : undefined;
  if (alg === undefined) {
    failVeramo('VERAMO_KEY_UNSUPPORTED', 'Haven signs with Ed25519 and Secp256r1 (P-256) keys only', {
      details: { keyType: String(key.type).slice(0, 32) },
    });
  }
  return alg;
}

function hexBytes(hex: unknown): Uint8Array {
  if (typeof hex !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(hex)) {
    failVeramo('VERAMO_KEY_UNSUPPORTED', 'the key manager gave no public key in hex');
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/**
 * The public JWK of a Veramo key, from its `publicKeyHex`: 32 raw bytes for Ed25519; for Secp256r1 a
 * compressed point (33 bytes, what `@veramo/kms-local` stores) or an uncompressed one (65 bytes, `04‖x‖y`,
 * from other KMSs). The point is checked to be on the curve.
 *
 * @example
 * ```ts
 * const jwk = publicJwkFromVeramoKey(await agent.keyManagerGet({ kid }));
 * ```
 */
export function publicJwkFromVeramoKey(key: Pick<IKey, 'type' | 'publicKeyHex'>): PublicJwk {
  algorithmForVeramoKey(key);
  const bytes = hexBytes(key.publicKeyHex);
  let jwk: PublicJwk;
  if (key.type === 'Ed25519') {
    if (bytes.length !== 32) failVeramo('VERAMO_KEY_UNSUPPORTED', 'an Ed25519 public key is 32 bytes');
    jwk = { kty: 'OKP', crv: 'Ed25519', x: encodeBase64Url(bytes) };
  } else if (bytes.length === 65 && bytes[0] === 0x04) {
    jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: encodeBase64Url(bytes.subarray(1, 33)),
      y: encodeBase64Url(bytes.subarray(33)),
    };
  } else {
    jwk = { kty: 'EC', crv: 'P-256', ...decompressEcPoint('P-256', bytes) };
  }
  assertPublicJwk(jwk);
  // Imports once (cached by core): a point off the curve or a small-order Ed25519 key fails here.
  importPublicJwk(jwk);
  return jwk;
}
