export {
  type DecodedJwtCredential,
  decodeJwtCredential,
  type LegacyCredential,
  VC_V1_CONTEXT,
} from './decode-jwt-credential.js';
export { findLegacyIssuerKey } from './find-legacy-issuer-key.js';
export { isLegacyVcJwt } from './is-legacy-vc-jwt.js';
export {
  LEGACY_VC_JWT_FORMAT,
  type LegacyStatusPolicy,
  type LegacyVcJwtVerification,
  type VerifyLegacyVcJwtOptions,
  verifyLegacyVcJwt,
} from './verify-legacy-vc-jwt.js';
