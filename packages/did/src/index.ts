export { BASE58_MAX_LENGTH, decodeBase58Btc, encodeBase58Btc } from './base58.js';
export {
  type DidDocument,
  type DidVerificationMethod,
  parseDidDocument,
  VERIFICATION_RELATIONSHIPS,
  type VerificationRelationship,
  zDidDocument,
  zVerificationMethod,
} from './did-document.js';
export { createDidJwk, resolveDidJwk } from './did-jwk.js';
export { createDidKey, resolveDidKey } from './did-key.js';
export { didWebToUrl, type ResolveDidWebOptions, resolveDidWeb } from './did-web.js';
export {
  DID_ERROR_CODES,
  type DidErrorCode,
  type DidResolutionErrorName,
  didErrorCodeFromResolutionError,
  isDidError,
  resolutionErrorFromDidErrorCode,
} from './errors.js';
export { DID_MAX_LENGTH } from './limits.js';
export { getDidJwkResolver, getDidKeyResolver, getDidWebResolver } from './method-resolvers.js';
export { decodeMultikey, encodeMultikey } from './multikey.js';
export {
  createDidResolver,
  type DidMethod,
  type DidResolver,
  type DidResolverOptions,
  type KeyRelationship,
  type ResolvedDidKey,
  type ResolveKeyOptions,
} from './resolver.js';
export { selectVerificationMethod } from './select-verification-method.js';
export { publicJwkFromVerificationMethod } from './verification-method-key.js';
