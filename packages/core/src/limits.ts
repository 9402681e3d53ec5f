/**
 * Size and depth caps applied before any parsing or hashing. Each API takes its own override; these are
 * the defaults, chosen well above what honest credentials need and far below what hurts a server.
 */
export const LIMITS = Object.freeze({
  /** Largest compact JWS accepted by `verifyJws` (characters). */
  jwsMaxLength: 256 * 1024,
  /** Largest JSON text parsed by `parseStrictJson` (bytes, or UTF-16 units for a string). */
  jsonMaxBytes: 256 * 1024,
  /** Deepest nesting of objects and arrays accepted by `parseStrictJson`. */
  jsonMaxDepth: 32,
  /** Largest response body read by the guarded fetcher (bytes). */
  fetchMaxBytes: 1024 * 1024,
  /** Guarded fetcher timeouts (milliseconds). */
  fetchConnectTimeoutMs: 5_000,
  fetchHeadersTimeoutMs: 5_000,
  fetchBodyTimeoutMs: 10_000,
  /** Default clock skew tolerated by time checks (seconds). */
  clockSkewSeconds: 60,
  /** Largest skew a caller may configure (seconds). */
  clockSkewMaxSeconds: 600,
});
