export { selectClaimValues } from './claim-path.js';
export { joinSdJwt, type SdJwtParts, splitSdJwt } from './compact.js';
export { type Disclosure, decodeDisclosure, encodeDisclosure } from './disclosure.js';
export { failSdJwt, SD_JWT_ERROR_CODES, type SdJwtErrorCode } from './errors.js';
export { readHashAlgorithm, SD_HASH_ALGORITHMS } from './hash-algorithm.js';
export { type IssueSdJwtOptions, issueSdJwt, issueSdJwtSync } from './issue.js';
export { createIssuerKeySource, type IssuerTrust, jwtVcIssuerMetadataUrl } from './issuer-key.js';
export { SD_JWT_LIMITS, type SdJwtLimits } from './limits.js';
export {
  decodeHeldSdJwt,
  type HeldSdJwt,
  KB_JWT_TYP,
  type KeyBindingInput,
  type PresentSdJwtOptions,
  presentSdJwt,
  presentSdJwtSync,
  selectDisclosures,
} from './present.js';
export {
  type DisclosurePlacement,
  decodeJwtPayloadUnverified,
  type ProcessedPayload,
  processPayload,
} from './process.js';
export {
  type IssueSdJwtVcOptions,
  issueSdJwtVc,
  issueSdJwtVcSync,
  LEGACY_SD_JWT_VC_TYP,
  NEVER_SELECTIVELY_DISCLOSABLE,
  SD_JWT_VC_TYP,
  type SdJwtVcVerification,
  type VerifySdJwtVcOptions,
  verifySdJwtVc,
} from './sd-jwt-vc.js';
export {
  type ClaimDisplayMetadata,
  type ClaimMetadata,
  checkIntegrity,
  claimDisplayFor,
  claimMetadataFor,
  type DisplayMetadata,
  displayFor,
  mergeTypeMetadata,
  parseTypeMetadata,
  pickLocale,
  type RenderingMetadata,
  type ResolveTypeMetadataOptions,
  resolveTypeMetadata,
  type SdPolicy,
  sdPolicyFor,
  type TypeMetadata,
  zClaimMetadata,
  zDisplayMetadata,
  zTypeMetadata,
} from './type-metadata.js';
export { checkClaimsAgainstTypeMetadata } from './type-metadata-check.js';
export type { ClaimPath, DisclosureFrame, SdHashAlgorithm } from './types.js';
export {
  type HolderBindingPolicy,
  type IssuerKeySource,
  runSdJwtChecks,
  type SdJwtVerification,
  type VerifySdJwtOptions,
  verifySdJwt,
} from './verify.js';
