export {
  type DecodeStatusListOptions,
  decodeStatusList,
  STATUS_LIST_MAX_BYTES,
} from './decode-status-list.js';
export { type EncodedStatusList, encodeStatusList } from './encode-status-list.js';
export {
  type SignStatusListTokenOptions,
  STATUS_LIST_JWT_TYP,
  signStatusListToken,
} from './sign-status-list-token.js';
export { assertStatusBits, isStatusBits, type StatusBits, StatusList } from './status-list.js';
export { parseStatusListReference, type StatusListReference } from './status-list-reference.js';
export { assertStatusListUri, isLoopbackHost, type StatusListUriOptions } from './status-list-uri.js';
export { STATUS_TYPE, type StatusTypeName, statusTypeName } from './status-types.js';
export {
  createTokenStatusListChecker,
  STATUS_LIST_JWT_MEDIA_TYPE,
  type StatusListIssuerKey,
  type TokenStatusListCacheOptions,
  type TokenStatusListChecker,
  type TokenStatusListCheckerOptions,
} from './token-status-list-checker.js';
export {
  type StatusListKeySource,
  type VerifiedStatusListToken,
  type VerifyStatusListTokenOptions,
  verifyStatusListToken,
} from './verify-status-list-token.js';
