import { ECDH } from 'node:crypto';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { fail } from './errors.js';

/** The EC curves whose points Haven converts between SEC1 compressed form and JWK coordinates. */
export type EcCurve = 'P-256' | 'P-384';

const EC_CURVES: Readonly<Record<EcCurve, { nodeName: string; size: number }>> = {
  'P-256': { nodeName: 'prime256v1', size: 32 },
  'P-384': { nodeName: 'secp384r1', size: 48 },
};

/**
 * Decompresses a SEC1 compressed point (SEC 1 v2 §2.3.4: `0x02|0x03 || x`) into JWK `x`/`y`
 * (base64url). Multikey and did:key carry EC keys compressed, JWK needs both coordinates. An `x` with
 * no point on the curve is rejected with `JWK_INVALID`; this lives in core because only core may use
 * `node:crypto`.
 *
 * @example
 * ```ts
 * const { x, y } = decompressEcPoint('P-256', compressed33Bytes);
 * importPublicJwk({ kty: 'EC', crv: 'P-256', x, y });
 * ```
 */
export function decompressEcPoint(curve: EcCurve, bytes: Uint8Array): { x: string; y: string } {
  const info = EC_CURVES[curve];
  if (info === undefined) fail('JWK_UNSUPPORTED', 'EC curve is not supported');
  if (bytes.length !== info.size + 1 || (bytes[0] !== 0x02 && bytes[0] !== 0x03)) {
    fail(
      'JWK_INVALID',
      `compressed ${curve} point must be ${info.size + 1} bytes starting with 0x02 or 0x03`,
    );
  }
  let uncompressed: Buffer;
  try {
    // OpenSSL computes y = sqrt(x³ + ax + b) and fails when x has no square root (not on the curve).
    uncompressed = ECDH.convertKey(bytes, info.nodeName, undefined, undefined, 'uncompressed') as Buffer;
  } catch (cause) {
    fail('JWK_INVALID', `compressed point is not on ${curve}`, { cause });
  }
  return {
    x: encodeBase64Url(uncompressed.subarray(1, 1 + info.size)),
    y: encodeBase64Url(uncompressed.subarray(1 + info.size)),
  };
}

/**
 * Compresses JWK `x`/`y` (base64url) into a SEC1 compressed point (SEC 1 v2 §2.3.3), the form
 * Multikey and did:key use. The coordinates are only length-checked here; callers validate the point
 * with `importPublicJwk`.
 *
 * @example
 * ```ts
 * const bytes = compressEcPoint('P-256', jwk.x, jwk.y); // 33 bytes
 * ```
 */
export function compressEcPoint(curve: EcCurve, x: string, y: string): Uint8Array {
  const info = EC_CURVES[curve];
  if (info === undefined) fail('JWK_UNSUPPORTED', 'EC curve is not supported');
  const xBytes = decodeBase64Url(x, 'JWK "x"');
  const yBytes = decodeBase64Url(y, 'JWK "y"');
  if (xBytes.length !== info.size || yBytes.length !== info.size) {
    fail('JWK_INVALID', `${curve} coordinates must be ${info.size} bytes`);
  }
  const out = new Uint8Array(1 + info.size);
  // The prefix records the parity of y, which is all decompression needs to pick the right root.
  out[0] = 0x02 | ((yBytes[info.size - 1] as number) & 1);
  out.set(xBytes, 1);
  return out;
}
