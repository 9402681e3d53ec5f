import {
  assertPublicJwk,
  compressEcPoint,
  decodeBase64Url,
  decompressEcPoint,
  encodeBase64Url,
  importPublicJwk,
  isHavenError,
  type JwkCurve,
  type PublicJwk,
} from '@haven/core';
import { decodeBase58Btc, encodeBase58Btc } from './base58.js';
import { failDid } from './errors.js';

interface KeyCodec {
  curve: JwkCurve;
  /** The multicodec code as its unsigned-varint bytes (multiformats unsigned-varint spec). */
  prefix: readonly number[];
  /** Raw key length: 32 for Ed25519, SEC1 compressed point length for EC. */
  length: number;
}

// Multicodec table entries (multiformats/multicodec table.csv) for the keys Haven signs with.
const CODECS: readonly KeyCodec[] = [
  { curve: 'Ed25519', prefix: [0xed, 0x01], length: 32 }, // ed25519-pub, 0xed
  { curve: 'P-256', prefix: [0x80, 0x24], length: 33 }, // p256-pub, 0x1200
  { curve: 'P-384', prefix: [0x81, 0x24], length: 49 }, // p384-pub, 0x1201
];

/** The multibase prefix of base58btc; did:key and Multikey allow no other base. */
const MULTIBASE_BASE58BTC = 'z';

/**
 * Decodes a Multikey `publicKeyMultibase` value (Controlled Identifiers §2.2.2 Multikey, and the did:key
 * spec's "Decode Public Key" algorithm) into a public JWK whose point has been checked.
 *
 * - not `z…` base58btc, or an unknown multicodec → `DID_INVALID` (DID Resolution `invalidDid`)
 * - wrong key length, or an EC point that is not on the curve → `DID_INVALID_PUBLIC_KEY` (`invalidPublicKey`)
 *
 * @example
 * ```ts
 * decodeMultikey('z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')
 * // { kty: 'OKP', crv: 'Ed25519', x: 'Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY' }
 * ```
 */
export function decodeMultikey(multibase: string): PublicJwk {
  if (typeof multibase !== 'string' || !multibase.startsWith(MULTIBASE_BASE58BTC)) {
    failDid('DID_INVALID', 'multibase value must be base58btc (prefix "z")');
  }
  const bytes = decodeBase58Btc(multibase.slice(1));
  // Compare the whole varint: a non-minimal encoding of a known code is an unknown codec, not an alias.
  const codec = CODECS.find((c) => c.prefix.every((b, i) => bytes[i] === b));
  if (codec === undefined) failDid('DID_INVALID', 'multicodec key type is not supported');
  const key = bytes.subarray(codec.prefix.length);
  if (key.length !== codec.length) {
    // did:key spec "Decode Public Key Algorithm": invalidPublicKeyLength, reported before any key parsing.
    failDid('DID_INVALID_PUBLIC_KEY', `${codec.curve} key must be ${codec.length} bytes`, {
      details: { curve: codec.curve, expectedLength: codec.length },
    });
  }
  let jwk: PublicJwk;
  try {
    if (codec.curve === 'Ed25519') {
      jwk = { kty: 'OKP', crv: 'Ed25519', x: encodeBase64Url(key) };
    } else {
      // Decompression finds y on the curve or fails: an off-curve x fails resolution, not a later verify.
      const { x, y } = decompressEcPoint(codec.curve, key);
      jwk = { kty: 'EC', crv: codec.curve, x, y };
    }
  } catch (cause) {
    if (isHavenError(cause, 'JWK_INVALID', 'JWK_UNSUPPORTED')) {
      failDid('DID_INVALID_PUBLIC_KEY', `${codec.curve} key is not a valid public key`, {
        cause,
        details: { curve: codec.curve },
      });
    }
    throw cause;
  }
  return jwk;
}

/**
 * Encodes a public JWK (Ed25519, P-256, P-384) as a Multikey `publicKeyMultibase` value: `z` +
 * base58btc(multicodec varint + raw key), EC points compressed. Private keys are refused
 * (`JWK_PRIVATE_KEY_NOT_ALLOWED`), as are points not on the curve (`JWK_INVALID`).
 *
 * @example
 * ```ts
 * encodeMultikey({ kty: 'OKP', crv: 'Ed25519', x: 'Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY' })
 * // 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
 * ```
 */
export function encodeMultikey(publicJwk: PublicJwk): string {
  assertPublicJwk(publicJwk);
  importPublicJwk(publicJwk);
  const codec = CODECS.find((c) => c.curve === publicJwk.crv);
  if (codec === undefined) failDid('DID_INVALID_PUBLIC_KEY', 'key type has no did:key encoding');
  const key =
    publicJwk.crv === 'Ed25519'
      ? decodeBase64Url(publicJwk.x)
      : compressEcPoint(publicJwk.crv, publicJwk.x, publicJwk.y as string);
  const bytes = new Uint8Array(codec.prefix.length + key.length);
  bytes.set(codec.prefix);
  bytes.set(key, codec.prefix.length);
  return MULTIBASE_BASE58BTC + encodeBase58Btc(bytes);
}
