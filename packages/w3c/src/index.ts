export { isW3cError, W3C_ERROR_CODES, type W3cErrorCode } from './errors.js';
export { checkKnownContexts, JOSE_KNOWN_CONTEXTS } from './jose/known-contexts.js';
export {
  checkCredentialStatus,
  type IssueVcJwtOptions,
  issueVcJwt,
  VC_JWT_TYP,
  type VcJwtVerification,
  type VerifyVcJwtOptions,
  verifyVcJwt,
  type W3cStatusPolicy,
} from './jose/vc-jwt.js';
export {
  type EmbeddedCredentialVerifier,
  type IssueVpJwtOptions,
  issueVpJwt,
  type PresentedCredential,
  type VerifyVpJwtOptions,
  VP_JWT_TYP,
  type VpJwtVerification,
  verifyVpJwt,
} from './jose/vp-jwt.js';
export {
  type Credential,
  type CredentialValidityOptions,
  checkContext,
  checkCredentialValidity,
  issuerIdOf,
  parseCredential,
  statusEntriesOf,
  subjectsOf,
  typesOf,
  VC_V2_CONTEXT,
  zCredential,
  zCredentialSchema,
  zCredentialStatus,
  zCredentialSubject,
  zIssuer,
  zVcUrl,
} from './model/credential.js';
export { formatDateTimeStamp, parseDateTimeStamp } from './model/date-time-stamp.js';
export {
  credentialsOf,
  ENVELOPED_VC_JWT_PREFIX,
  envelopeVcJwt,
  holderIdOf,
  PRESENTATION_MAX_CREDENTIALS,
  type Presentation,
  parsePresentation,
  unwrapEnvelopedVcJwt,
  zPresentation,
} from './model/presentation.js';
export { findControllerKey, type W3cIssuerTrust } from './trust.js';
