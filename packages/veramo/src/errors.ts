import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of `@haven/veramo`. Messages never carry DIDs, aliases, key ids, claim values or
 * tokens: an agent's identifiers can name the people it holds credentials for.
 */
export const VERAMO_ERROR_CODES = [
  /** A method argument is missing or malformed (`details.paths` names the members, never values). */
  'VERAMO_ARGUMENT_INVALID',
  /** The DID or alias is not managed by this agent's DID manager. */
  'VERAMO_IDENTIFIER_NOT_FOUND',
  /** No usable key: `keyRef` is not one of the identifier's keys, or none / several could sign. */
  'VERAMO_KEY_NOT_FOUND',
  /** The key type cannot sign for Haven (Secp256k1, X25519, BLS…): only Ed25519 and Secp256r1 can. */
  'VERAMO_KEY_UNSUPPORTED',
  /** The agent's key is not an `assertionMethod` key of its DID as Haven resolves the DID. */
  'VERAMO_KEY_NOT_IN_DID_DOCUMENT',
  /** The key manager failed to sign, or answered with something that is not a JWS signature. */
  'VERAMO_SIGN_FAILED',
  /** The holder key chosen to present is not the key the credential is bound to (`cnf.jwk`). */
  'VERAMO_HOLDER_KEY_MISMATCH',
  /** `havenVerifyCredential` could not tell which format the input is in. */
  'VERAMO_FORMAT_UNKNOWN',
  /** `havenVerifyCredential` was asked for holder binding on a format that cannot carry it. */
  'VERAMO_HOLDER_BINDING_UNAVAILABLE',
] as const;

/** One of {@link VERAMO_ERROR_CODES}. */
export type VeramoErrorCode = (typeof VERAMO_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    veramo: VeramoErrorCode;
  }
}

/** Throws an `@haven/veramo` error. */
export function failVeramo(code: VeramoErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}

/**
 * Is `value` a `HavenError` of `@haven/veramo` (optionally one of `codes`)?
 *
 * @example
 * ```ts
 * if (isVeramoError(error, 'VERAMO_KEY_UNSUPPORTED')) askForAnEd25519OrP256Key();
 * ```
 */
export function isVeramoError(
  value: unknown,
  ...codes: VeramoErrorCode[]
): value is HavenError<VeramoErrorCode> {
  if (!(value instanceof HavenError)) return false;
  const code = value.code as string;
  return codes.length === 0
    ? (VERAMO_ERROR_CODES as readonly string[]).includes(code)
    : (codes as string[]).includes(code);
}
