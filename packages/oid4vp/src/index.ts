export {
  isLoopbackHttpUrl,
  type ParseClientIdOptions,
  type ParsedClientId,
  parseClientId,
} from './client-id.js';
export {
  CLIENT_ID_PREFIXES,
  type ClientIdPrefix,
  HAVEN_REGISTRATION_FORMAT,
  NONCE_MIN_BYTES,
  REQUEST_OBJECT_TTL_SECONDS,
  REQUEST_OBJECT_TYP,
  RESPONSE_MODES,
  type ResponseMode,
  SELF_ISSUED_AUDIENCE,
} from './constants.js';
export { failOid4vp, OID4VP_ERROR_CODES, type Oid4vpErrorCode } from './errors.js';
export {
  readVerifierRegistration,
  type VerifierRegistration,
  zVerifierInfoEntry,
  zVerifierRegistration,
} from './registration.js';
export type {
  CreatedPresentationTransaction,
  CreatePresentationTransactionInput,
  HandlerResponse,
  Oid4vpVerifierConfig,
  Oid4vpVerifierStore,
  PresentationResult,
  PresentedCredential,
  SealedTransactionRequest,
  TransactionOutcome,
  VerifierTransactionRecord,
  VerifyVpTokenOptions,
  VpTokenVerification,
} from './verifier/contracts.js';
export {
  type CreateAuthorizationRequestOptions,
  type CreatedAuthorizationRequest,
  createAuthorizationRequest,
  type VerifierIdentity,
  type X509RequestSigning,
} from './verifier/create-authorization-request.js';
export { MemoryOid4vpVerifierStore } from './verifier/memory-store.js';
export {
  type CollectPresentationResultInput,
  collectPresentationResult,
  createPresentationTransaction,
  getAuthorizationRequestUri,
  getRequestObject,
  getTransactionStatus,
  handleAuthorizationResponse,
  purgeExpiredTransactions,
  TRANSACTION_TTL_SECONDS,
  type TransactionStatus,
} from './verifier/transactions.js';
export { VP_TOKEN_LIMITS, verifyVpToken } from './verifier/verify-vp-token.js';
export type {
  AuthorizationResponseBody,
  ConsentItem,
  CreateAuthorizationResponseOptions,
  FetchAuthorizationRequestOptions,
  HeldCredential,
  PreparedPresentation,
  VerifierAnswer,
  WalletNetworkOptions,
} from './wallet/contracts.js';
export { createAuthorizationResponse } from './wallet/create-authorization-response.js';
export { fetchAuthorizationRequest } from './wallet/fetch-authorization-request.js';
export {
  type ParseAuthorizationRequestOptions,
  type ParsedAuthorizationRequest,
  type PurposeBasis,
  type PurposeCheck,
  parseAuthorizationRequest,
  type ResponseEncryption,
} from './wallet/parse-authorization-request.js';
export {
  type DeclineAuthorizationRequestOptions,
  declineAuthorizationRequest,
  postAuthorizationResponse,
  type WalletAuthorizationError,
} from './wallet/post-response.js';
export { decodeHeldCredentials, preparePresentation } from './wallet/prepare-presentation.js';
export { type RequestUriReference, readRequestUri } from './wallet/read-request-uri.js';
export {
  type SplitRequestObject,
  splitRequestObject,
  type VerifiedRequestObject,
  type VerifyRequestObjectOptions,
  type VerifyX5c,
  verifyRequestObject,
  type X5cVerification,
} from './wallet/verify-request-object.js';
