export * from './client/index.js';
export {
  CREDENTIAL_OFFER_SCHEME,
  DEFAULT_ENDPOINT_PATHS,
  type Oid4vciEndpointPaths,
  PRE_AUTHORIZED_CODE_GRANT_TYPE,
  PROOF_JWT_TYP,
} from './constants.js';
export { OID4VCI_ERROR_RESPONSES, type Oid4vciErrorResponse } from './error-responses.js';
export { failOid4vci, OID4VCI_ERROR_CODES, type Oid4vciErrorCode } from './errors.js';
export { type AuthenticatedAccess, authenticateAccessToken } from './issuer/authenticate-access-token.js';
export {
  type CreateCredentialOfferOptions,
  type CreatedCredentialOffer,
  type CredentialOfferObject,
  createCredentialOffer,
  type PreAuthorizedCodeGrant,
  type TxCodeOptions,
} from './issuer/create-offer.js';
export { decideOffer } from './issuer/decide-offer.js';
export type { IssuedCredential } from './issuer/deliver-credentials.js';
export { generateTxCode, TX_CODE_MAX_LENGTH, TX_CODE_MIN_LENGTH } from './issuer/generate-tx-code.js';
export {
  getCredentialOfferObject,
  handleCredentialOfferRequest,
  isOfferRedeemable,
} from './issuer/get-credential-offer.js';
export {
  type CredentialEndpointInput,
  type CredentialResponse,
  type DeferredCredentialResponse,
  handleCredentialRequest,
  type ImmediateCredentialResponse,
} from './issuer/handle-credential-request.js';
export { handleDeferredCredentialRequest } from './issuer/handle-deferred-credential-request.js';
export { handleNonceRequest, type NonceResponse } from './issuer/handle-nonce-request.js';
export { handleTokenRequest, type TokenResponse } from './issuer/handle-token-request.js';
export {
  DEFAULT_OID4VCI_LIMITS,
  type ResolvedOid4vciLimits,
  resolveIssuerConfig,
  resolveOid4vciLimits,
} from './issuer/resolve-issuer-config.js';
export { NO_STORE_HEADERS, TOKEN_RESPONSE_HEADERS } from './issuer/responses.js';
export type {
  CredentialConfiguration,
  HandlerResult,
  IssueRequest,
  Oid4vciIssuerConfig,
  Oid4vciLimits,
} from './issuer/types.js';
export {
  type VerifiedProofJwt,
  type VerifyProofJwtOptions,
  verifyProofJwt,
} from './issuer/verify-proof-jwt.js';
export { withdrawOffer } from './issuer/withdraw-offer.js';
export { MemoryOid4vciStore } from './memory-store.js';
export {
  type AuthorizationServerMetadata,
  type AuthorizationServerMetadataOptions,
  createAuthorizationServerMetadata,
} from './metadata/authorization-server-metadata.js';
export { assertCredentialConfigurations } from './metadata/check-credential-configurations.js';
export { assertCredentialIssuerIdentifier } from './metadata/check-credential-issuer.js';
export {
  type CredentialIssuerMetadata,
  type CredentialIssuerMetadataOptions,
  createCredentialIssuerMetadata,
} from './metadata/credential-issuer-metadata.js';
export {
  type OpenidCredentialAuthorizationDetails,
  type TokenResponseAuthorizationDetails,
  zAuthorizationDetails,
  zOpenidCredentialAuthorizationDetails,
  zTokenResponseAuthorizationDetails,
} from './schemas/authorization-details.js';
export {
  type CredentialRequest,
  type DeferredCredentialRequest,
  zCredentialRequest,
  zDeferredCredentialRequest,
} from './schemas/credential-request.js';
export type {
  AccessTokenRecord,
  DeferredRecord,
  OfferDecision,
  OfferRecord,
  Oid4vciIssuerStore,
  TxCodeDescription,
} from './store.js';
