import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of `@haven/did`. Callers switch on `code`; messages are for people and may change.
 * A DID can identify a person (a holder's did:jwk or did:key), so neither messages nor details ever
 * carry the DID, a DID URL or key material.
 */
export const DID_ERROR_CODES = [
  'DID_INVALID',
  'DID_URL_INVALID',
  'DID_METHOD_NOT_SUPPORTED',
  'DID_NOT_FOUND',
  'DID_INVALID_PUBLIC_KEY',
  'DID_REPRESENTATION_NOT_SUPPORTED',
  'DID_DOCUMENT_INVALID',
  'DID_DOCUMENT_ID_MISMATCH',
  'DID_VERIFICATION_METHOD_NOT_FOUND',
  'DID_VERIFICATION_METHOD_NOT_SUPPORTED',
  'DID_VERIFICATION_METHOD_CONTROLLER_MISMATCH',
  'DID_VERIFICATION_RELATIONSHIP_MISSING',
  'DID_KEY_ALG_MISMATCH',
  'DID_RESOLUTION_FAILED',
] as const;

/** One of {@link DID_ERROR_CODES}. */
export type DidErrorCode = (typeof DID_ERROR_CODES)[number];

// Adds the DID codes to Haven's closed set of error codes (`HavenErrorCode`).
declare module '@haven/core' {
  interface HavenErrorCodes {
    did: DidErrorCode;
  }
}

/**
 * The error names of DID Resolution (W3C DID Resolution §"DID Resolution Metadata" / error registry),
 * plus `unsupportedDidMethod`, the older name that `did-resolver` 4.x still returns.
 */
export type DidResolutionErrorName =
  | 'invalidDid'
  | 'invalidDidUrl'
  | 'notFound'
  | 'invalidPublicKey'
  | 'methodNotSupported'
  | 'unsupportedDidMethod'
  | 'representationNotSupported'
  | 'internalError';

const FROM_RESOLUTION_ERROR: Readonly<Record<DidResolutionErrorName, DidErrorCode>> = {
  invalidDid: 'DID_INVALID',
  invalidDidUrl: 'DID_URL_INVALID',
  notFound: 'DID_NOT_FOUND',
  invalidPublicKey: 'DID_INVALID_PUBLIC_KEY',
  methodNotSupported: 'DID_METHOD_NOT_SUPPORTED',
  unsupportedDidMethod: 'DID_METHOD_NOT_SUPPORTED',
  representationNotSupported: 'DID_REPRESENTATION_NOT_SUPPORTED',
  internalError: 'DID_RESOLUTION_FAILED',
};

/**
 * Maps a DID Resolution error name (from `didResolutionMetadata.error`) to a Haven code. Unknown or
 * missing names become `DID_RESOLUTION_FAILED`: a resolver we do not know failed in a way we cannot
 * classify, and that must never read as success.
 *
 * @example
 * ```ts
 * didErrorCodeFromResolutionError('notFound') // 'DID_NOT_FOUND'
 * didErrorCodeFromResolutionError('somethingNew') // 'DID_RESOLUTION_FAILED'
 * ```
 */
export function didErrorCodeFromResolutionError(error: string | undefined): DidErrorCode {
  if (error !== undefined && Object.hasOwn(FROM_RESOLUTION_ERROR, error)) {
    return FROM_RESOLUTION_ERROR[error as DidResolutionErrorName];
  }
  return 'DID_RESOLUTION_FAILED';
}

/**
 * The DID Resolution error name reported for a Haven code, for `didResolutionMetadata.error` when our
 * method resolvers run inside a plain `did-resolver` `Resolver` (e.g. in a Veramo agent).
 *
 * @example
 * ```ts
 * resolutionErrorFromDidErrorCode('DID_INVALID_PUBLIC_KEY') // 'invalidPublicKey'
 * ```
 */
export function resolutionErrorFromDidErrorCode(code: string): DidResolutionErrorName {
  switch (code) {
    case 'DID_INVALID':
      return 'invalidDid';
    case 'DID_URL_INVALID':
      return 'invalidDidUrl';
    case 'DID_NOT_FOUND':
      return 'notFound';
    case 'DID_INVALID_PUBLIC_KEY':
      return 'invalidPublicKey';
    case 'DID_METHOD_NOT_SUPPORTED':
      return 'methodNotSupported';
    case 'DID_REPRESENTATION_NOT_SUPPORTED':
      return 'representationNotSupported';
    default:
      return 'internalError';
  }
}

/**
 * Is `value` a HavenError with a `@haven/did` code (optionally one of `codes`)?
 *
 * @example
 * ```ts
 * if (isDidError(e, 'DID_NOT_FOUND')) return notFound();
 * ```
 */
export function isDidError(value: unknown, ...codes: DidErrorCode[]): value is HavenError<DidErrorCode> {
  if (!(value instanceof HavenError)) return false;
  if (!(DID_ERROR_CODES as readonly string[]).includes(value.code)) return false;
  return codes.length === 0 || (codes as string[]).includes(value.code);
}

/** Shorthand used inside this package: throw a DID error. */
export function failDid(code: DidErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
