export { type BundledContext, checkBundledContext } from '../contexts/bundled-context.js';
export { CREDENTIALS_V2_CONTEXT } from '../contexts/credentials-v2.js';
export { DATA_INTEGRITY_V2_CONTEXT } from '../contexts/data-integrity-v2.js';
export { DID_V1_CONTEXT } from '../contexts/did-v1.js';
export {
  createDocumentLoader,
  type DocumentLoader,
  type DocumentLoaderOptions,
  type RemoteDocument,
} from '../contexts/document-loader.js';
export { EXAMPLES_V2_CONTEXT } from '../contexts/examples-v2.js';
export { MULTIKEY_V1_CONTEXT } from '../contexts/multikey-v1.js';
export { BUNDLED_CONTEXTS } from '../contexts/registry.js';
export {
  DATA_INTEGRITY_CRYPTOSUITES,
  type DataIntegrityCryptosuite,
  isDataIntegrityCryptosuite,
} from './cryptosuite-name.js';
export {
  type DeriveSelectiveDisclosureOptions,
  deriveSelectiveDisclosure,
} from './derive-selective-disclosure.js';
export { DOCUMENT_LIMITS } from './document-shape.js';
export {
  type IssueDataIntegrityOptions,
  issueDataIntegrityCredential,
  type SecuredCredential,
} from './issue-credential.js';
export type { DataIntegrityProof } from './proof.js';
export type { DataIntegrityKeyOptions } from './signer.js';
export {
  type DataIntegrityVerification,
  type VerifyDataIntegrityOptions,
  verifyDataIntegrityCredential,
} from './verify-credential.js';
