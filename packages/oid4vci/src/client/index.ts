// Wallet side of OpenID4VCI 1.0, pre-authorized code flow: one file per protocol step.
export {
  type AccessToken,
  type RequestAccessTokenOptions,
  requestAccessToken,
  zTokenAuthorizationDetail,
  zTokenResponse,
} from './access-token.js';
export {
  type FetchedAuthorizationServerMetadata,
  fetchAuthorizationServerMetadata,
  zAuthorizationServerMetadata,
} from './authorization-server-metadata.js';
export type { Oid4vciClientOptions } from './client-options.js';
export {
  type CredentialOffer,
  MAX_OFFERED_CONFIGURATIONS,
  type OfferedPreAuthorizedCodeGrant,
  parseCredentialOffer,
  preAuthorizedCodeGrantOf,
  zAuthorizationCodeGrant,
  zCredentialOffer,
  zPreAuthorizedCodeGrant,
} from './credential-offer.js';
export {
  type CredentialResult,
  zDeferredCredentialResponse,
  zIssuedCredential,
  zIssuedCredentialResponse,
} from './credential-response.js';
export {
  type FetchIssuerMetadataOptions,
  fetchIssuerMetadata,
  type IssuerMetadata,
} from './fetch-issuer-metadata.js';
export {
  type CredentialConfigurationMetadata,
  type FetchedCredentialIssuerMetadata,
  fetchCredentialIssuerMetadata,
  zCredentialConfigurationMetadata,
  zCredentialIssuerMetadata,
  zProofTypeMetadata,
} from './issuer-metadata.js';
export {
  type IssuerEndpoint,
  MAX_ERROR_DESCRIPTION_LENGTH,
  sanitizeErrorDescription,
} from './issuer-response.js';
export { MAX_C_NONCE_LENGTH, type RequestNonceOptions, requestNonce, zNonceResponse } from './nonce.js';
export {
  MAX_OFFER_URI_LENGTH,
  type ParsedCredentialOfferUri,
  parseCredentialOfferUri,
} from './parse-credential-offer-uri.js';
export { type CreateProofJwtOptions, createProofJwt } from './proof-jwt.js';
export {
  type HolderKey,
  type HolderKeySource,
  type ReceiveCredentialsOptions,
  type ReceiveCredentialsResult,
  type ReceivedCredentials,
  receiveCredentials,
} from './receive-credentials.js';
export { type RequestCredentialOptions, requestCredential } from './request-credential.js';
export {
  type PollDeferredCredentialOptions,
  pollDeferredCredential,
  type RequestDeferredCredentialOptions,
  requestDeferredCredential,
} from './request-deferred-credential.js';
export { resolveCredentialOffer } from './resolve-credential-offer.js';
export {
  checkTxCode,
  parseTxCodeDescription,
  TX_CODE_DESCRIPTION_MAX,
  TX_CODE_LENGTH_MAX,
  type TxCode,
  type TxCodePrompt,
  zTxCode,
} from './tx-code.js';
export { authorizationServerMetadataUrl, credentialIssuerMetadataUrl } from './well-known-url.js';
