export {
  type HavenIssueDataIntegrityArgs,
  type HavenIssueSdJwtVcArgs,
  type HavenIssueVcJwtArgs,
  type HavenPresentSdJwtVcArgs,
  type HavenVerifyCredentialArgs,
  type HavenVerifySdJwtVcArgs,
  type HavenVerifyVcJwtArgs,
  type StatusChecker,
  zIssueDataIntegrityArgs,
  zIssueSdJwtVcArgs,
  zIssueVcJwtArgs,
  zPresentSdJwtVcArgs,
  zVerifyCredentialArgs,
  zVerifySdJwtVcArgs,
  zVerifyVcJwtArgs,
} from './args.js';
export { withIssuer } from './credential-issuer.js';
export { detectCredentialFormat, type HavenCredentialFormat } from './detect-credential-format.js';
export { failVeramo, isVeramoError, VERAMO_ERROR_CODES, type VeramoErrorCode } from './errors.js';
export { HavenPlugin, type HavenPluginOptions, type IHavenPlugin } from './haven-plugin.js';
export type { HavenIssuedSdJwtVc } from './issue-sd-jwt-vc.js';
export {
  createHolderSigner,
  createIssuerSigner,
  type HavenAgentContext,
  type ManagedSigner,
} from './issuer-signer.js';
export { createKmsSigner, type KeyManagerAgent } from './kms-signer.js';
export { type DidManagerAgent, getManagedIdentifier, pickSigningKey } from './managed-identifier.js';
export type { HavenPluginConfig } from './plugin-config.js';
export { algorithmForVeramoKey, publicJwkFromVeramoKey, VERAMO_KEY_ALGORITHMS } from './veramo-key.js';
export type { HavenVerifiedCredential } from './verify-credential.js';
