export {
  AGE_THRESHOLDS,
  type AgeOverClaims,
  type AgeThreshold,
  ageInYears,
  deriveAgeOverClaims,
  nextAgeFlagChange,
} from './age.js';
export { parseCalendarDate, zCalendarDate } from './calendar-date.js';
export {
  assertClaimPath,
  CLAIM_PATH_MAX_LENGTH,
  claimPathCovers,
  formatClaimPath,
  isClaimPath,
} from './claim-path.js';
export { COUNTRY_CODES, zCountryCode, zCurrencyCode } from './country-codes.js';
export {
  type AnyCredentialType,
  CREDENTIAL_TYPE_IDS,
  type CredentialType,
  type CredentialTypeId,
  DEFAULT_VCT_BASE,
  type DeriveClaimsOptions,
  isCredentialTypeId,
  VCT_VERSION,
  vctFor,
  withVctBase,
} from './credential-type.js';
export {
  type CheckDcqlAgainstPurposeOptions,
  checkDcqlAgainstPurpose,
  type DcqlPurposeReport,
} from './dcql/check-dcql-against-purpose.js';
export {
  type DcqlForPurposeOptions,
  dcqlForPurpose,
  type PurposeDcqlFormat,
  w3cTypeIriFor,
} from './dcql/dcql-for-purpose.js';
export {
  DCQL_FORMATS,
  DCQL_LIMITS,
  DCQL_UNSUPPORTED_FORMATS,
  type DcqlClaimsQuery,
  type DcqlClaimValue,
  type DcqlCredentialQuery,
  type DcqlCredentialSetQuery,
  type DcqlFormat,
  type DcqlQuery,
  parseDcqlQuery,
  zDcqlClaimsQuery,
  zDcqlCredentialQuery,
  zDcqlCredentialSetQuery,
  zDcqlQuery,
  zDcqlTrustedAuthoritiesQuery,
} from './dcql/dcql-query.js';
export {
  type DcqlCredentialMatch,
  type DcqlEvaluation,
  type DcqlHeldCredential,
  evaluateDcqlQuery,
  HELD_CREDENTIALS_MAX,
} from './dcql/evaluate-dcql-query.js';
export { SELECTED_ELEMENTS_MAX, type SelectedClaim, selectClaims } from './dcql/select-claims.js';
export { compareDecimalAmounts, zDecimalAmount } from './decimal-amount.js';
export { ARRAY_PADDING } from './disclosure-frame.js';
export {
  CREDENTIALS_ERROR_CODES,
  type CredentialsErrorCode,
  isCredentialsError,
} from './errors.js';
export {
  ASSURANCE_LEVELS,
  IDENTITY_RESTORATION,
  type IdentityRestorationClaims,
  type IdentityRestorationDeriveOptions,
  type IdentityRestorationIssuedClaims,
  PORTRAIT_MAX_BYTES,
  zIdentityRestorationClaims,
  zPlaceOfBirth,
} from './identity-restoration.js';
export {
  ISIC_SECTIONS,
  LABOUR_CONTRACT,
  type LabourContractClaims,
  type LabourContractDerivedClaims,
  type LabourContractDeriveOptions,
  type LabourContractIssuedClaims,
  WAGE_PERIODS,
  type Wage,
  zContractDocumentDigest,
  zLabourContractClaims,
  zMoneyAmount,
  zWage,
} from './labour-contract.js';
export { type PostalAddress, zPostalAddress } from './postal-address.js';
export { type PreparedIssuance, type PrepareIssuanceOptions, prepareIssuance } from './prepare-issuance.js';
export {
  checkRequestAgainstPurpose,
  claimsForPurpose,
  getPurpose,
  PURPOSE_ID_PATTERN,
  PURPOSE_LIMITS,
  PURPOSES,
  type Purpose,
  type PurposeRequestEntry,
  parsePurpose,
  resolvePurpose,
} from './purposes.js';
export {
  HOUSEHOLD_SIZE_MAX,
  REFUGEE_REGISTRATION,
  REFUGEE_STATUSES,
  type RefugeeRegistrationClaims,
  type RefugeeRegistrationDeriveOptions,
  type RefugeeRegistrationIssuedClaims,
  zRefugeeRegistrationClaims,
} from './refugee-registration.js';
export {
  CREDENTIAL_TYPES,
  claimsJsonSchema,
  claimsTemplate,
  credentialTypeForVct,
  getCredentialType,
  validateClaims,
} from './registry.js';
export {
  type ClaimDisplayMetadata,
  type ClaimMetadata,
  type ClaimSdMetadata,
  METADATA_LOCALES,
  type MetadataLocale,
  type TypeDisplayMetadata,
  type TypeMetadata,
} from './type-metadata.js';
export {
  HAVEN_CONTEXT_TERMS,
  HAVEN_CREDENTIALS_CONTEXT,
  HAVEN_CREDENTIALS_CONTEXT_SHA256,
  HAVEN_CREDENTIALS_CONTEXT_URL,
  W3C_TYPE_NAMES,
} from './w3c-context.js';
export {
  claimPathsToPointers,
  credentialTypeForW3cTypes,
  type PrepareW3cCredentialOptions,
  prepareW3cCredential,
  W3C_CREDENTIAL_TYPES,
  w3cMandatoryPointers,
} from './w3c-form.js';
