/**
 * Validation of Ed25519 public keys (RFC 8032 §5.1.3), which OpenSSL imports without checking.
 *
 * Two kinds of key must never be trusted for verification:
 * - a point of small order (the identity, the point of order 2, the two of order 4 and four of order 8):
 *   for these a fixed "signature" verifies for every message, so anyone could sign as that key;
 * - an encoding that is not a point at all, or not the canonical one (y ≥ p, or x = 0 with the sign bit
 *   set): two spellings of one key would give two DIDs and two thumbprints.
 *
 * BigInt arithmetic, about 0.15 ms per key; callers cache the result per key (see `importPublicJwk`).
 */
const P = 2n ** 255n - 19n;
// The curve constant d = -121665/121666 mod p.
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
// y coordinates of the small-order points: 1 (order 1), p-1 (order 2), 0 (order 4), and the two of order 8.
const SMALL_ORDER_Y = new Set([
  0n,
  1n,
  P - 1n,
  2707385501144840649318225287225658788936804267575313519463743609750303402022n,
  55188659117513257062467267217118295137698188065244968500265048394206261417927n,
]);

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % P;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

export type Ed25519KeyProblem = 'non-canonical' | 'small-order' | 'not-on-curve';

/**
 * Checks a 32-byte Ed25519 public key encoding. Returns `undefined` for a usable key, or the problem.
 *
 * @example
 * ```ts
 * ed25519KeyProblem(new Uint8Array(32)) // 'small-order'
 * ```
 */
export function ed25519KeyProblem(encoded: Uint8Array): Ed25519KeyProblem | undefined {
  if (encoded.byteLength !== 32) return 'non-canonical';
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(encoded[i] as number);
  y &= (1n << 255n) - 1n;
  if (y >= P) return 'non-canonical';
  if (SMALL_ORDER_Y.has(y)) return 'small-order';
  // x² = (y² - 1) / (d·y² + 1). The point exists iff that is a square mod p, i.e. iff u·v is
  // (u/v = u·v/v²); Euler's criterion tests it with one exponentiation.
  const y2 = (y * y) % P;
  const u = (y2 - 1n + P) % P;
  const v = (D * y2 + 1n) % P;
  // u = 0 only for y = ±1 (small order, returned above) and v is never 0 (d is not a square), so x ≠ 0
  // here and either sign bit is a valid encoding.
  return modPow((u * v) % P, (P - 1n) / 2n) === 1n ? undefined : 'not-on-curve';
}
