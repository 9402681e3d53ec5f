/**
 * Stable error codes of `@haven/core`. Callers switch on `code`; messages are for people and may change.
 * Every message is written so that it never carries a claim value, a token or a key.
 */
export const CORE_ERROR_CODES = [
  'BASE64URL_INVALID',
  'JSON_INVALID',
  'JSON_TOO_LARGE',
  'JSON_TOO_DEEP',
  'JSON_DUPLICATE_KEY',
  'JSON_FORBIDDEN_KEY',
  'JSON_NOT_OBJECT',
  'JWS_POLICY_INVALID',
  'JWS_MALFORMED',
  'JWS_TOO_LARGE',
  'JWS_ALG_NOT_ALLOWED',
  'JWS_ALG_KEY_MISMATCH',
  'JWS_TYP_MISMATCH',
  'JWS_CRIT_UNSUPPORTED',
  'JWS_B64_UNSUPPORTED',
  'JWS_HEADER_KEY_NOT_ALLOWED',
  'JWS_SIGNATURE_INVALID',
  'JWS_KEY_NOT_FOUND',
  'JWS_SIGNER_OUTPUT_INVALID',
  'JWT_CLAIM_INVALID',
  'JWT_CLAIM_MISSING',
  'JWT_EXPIRED',
  'JWT_NOT_YET_VALID',
  'JWT_IAT_IN_FUTURE',
  'JWT_TOO_OLD',
  'JWK_INVALID',
  'JWK_UNSUPPORTED',
  'JWK_PRIVATE_KEY_NOT_ALLOWED',
  'JWK_PRIVATE_KEY_REQUIRED',
  'JWK_USE_NOT_ALLOWED',
  'CLOCK_INVALID',
  'FETCH_URL_INVALID',
  'FETCH_SCHEME_NOT_ALLOWED',
  'FETCH_ADDRESS_BLOCKED',
  'FETCH_REDIRECT_REFUSED',
  'FETCH_TOO_LARGE',
  'FETCH_TIMEOUT',
  'FETCH_NETWORK',
  'FETCH_ENCODING_UNSUPPORTED',
  'FETCH_CONTENT_TYPE',
  'SECRET_KEY_INVALID',
  'SECRET_OPEN_FAILED',
  'SECRET_KDF_PARAMS_INVALID',
  'JWE_MALFORMED',
  'JWE_TOO_LARGE',
  'JWE_HEADER_INVALID',
  'JWE_ALG_NOT_ALLOWED',
  'JWE_ENC_NOT_ALLOWED',
  'JWE_ZIP_UNSUPPORTED',
  'JWE_CRIT_UNSUPPORTED',
  'JWE_EPK_INVALID',
  'JWE_DECRYPT_FAILED',
  'X509_INVALID',
  'X509_CHAIN_INVALID',
  'X509_KEY_MISMATCH',
  'PRIVATE_KEY_PEM_INVALID',
  'INTERNAL_ERROR',
] as const;

export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number];

/**
 * The error codes of every Haven package, by package. Each package adds its own union by declaration
 * merging, so `HavenErrorCode` is the closed set of all codes and a misspelt code does not compile:
 *
 * ```ts
 * declare module '@haven/core' {
 *   interface HavenErrorCodes { did: DidErrorCode }
 * }
 * ```
 */
export interface HavenErrorCodes {
  core: CoreErrorCode;
}

/** Any Haven error code. */
export type HavenErrorCode = HavenErrorCodes[keyof HavenErrorCodes];

/** Machine-readable facts about a failure. Never put personal data, tokens or key material here. */
export type HavenErrorDetails = Readonly<
  Record<string, string | number | boolean | null | readonly string[]>
>;

export interface HavenErrorOptions {
  cause?: unknown;
  details?: HavenErrorDetails;
}

/**
 * The one error type of Haven. `code` is stable and typed per package, so `switch (err.code)` narrows.
 *
 * @example
 * ```ts
 * try { verifyJws(token, opts) } catch (e) {
 *   if (isHavenError(e) && e.code === 'JWS_SIGNATURE_INVALID') reject();
 * }
 * ```
 */
export class HavenError<C extends HavenErrorCode = HavenErrorCode> extends Error {
  override readonly name = 'HavenError';
  readonly code: C;
  readonly details: HavenErrorDetails | undefined;

  constructor(code: C, message: string, options: HavenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  /** A plain, log-safe shape (no stack, no cause). */
  toJSON(): { name: string; code: C; message: string; details?: HavenErrorDetails } {
    return this.details === undefined
      ? { name: this.name, code: this.code, message: this.message }
      : { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Narrow an unknown thrown value to a `HavenError`, optionally with one of the given codes.
 *
 * @example
 * ```ts
 * if (isHavenError(e, 'JWT_EXPIRED', 'JWT_NOT_YET_VALID')) askForAFreshCredential();
 * ```
 */
export function isHavenError<C extends HavenErrorCode = HavenErrorCode>(
  value: unknown,
  ...codes: C[]
): value is HavenError<C> {
  if (!(value instanceof HavenError)) return false;
  return codes.length === 0 || (codes as string[]).includes(value.code);
}

/** Shorthand used inside core: throw a core error. */
export function fail(code: CoreErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
