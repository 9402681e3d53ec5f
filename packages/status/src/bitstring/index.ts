export { BITSTRING_MAX_ENTRIES, BITSTRING_MIN_ENTRIES, Bitstring } from './bitstring.js';
export {
  BITSTRING_MAX_BYTES,
  type DecodeBitstringOptions,
  decodeBitstring,
  encodeBitstring,
} from './encode-bitstring.js';
export {
  type BitstringStatusListCredential,
  type CreateBitstringStatusListCredentialOptions,
  createBitstringStatusListCredential,
} from './list-credential.js';
export {
  type BitstringListState,
  type ReadListCredentialOptions,
  readListCredential,
} from './read-list-credential.js';
export {
  type BitstringListCacheOptions,
  type BitstringStatusChecker,
  type BitstringStatusCheckerOptions,
  createBitstringStatusChecker,
} from './status-checker.js';
export {
  type BitstringStatusListEntry,
  type BitstringStatusReference,
  bitstringStatusEntry,
  parseBitstringStatusEntry,
} from './status-entry.js';
export { type BitstringStatusPurpose, isBitstringStatusPurpose } from './status-purpose.js';
export {
  type VerifiedListCredential,
  type VerifyBitstringList,
  type VerifyListWithW3cOptions,
  verifyListWithW3c,
} from './verify-list-with-w3c.js';
