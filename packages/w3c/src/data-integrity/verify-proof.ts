import type { DocumentLoader } from '../contexts/document-loader.js';
import { failW3c } from '../errors.js';
import { withDocument } from './document-loading.js';
import { LibraryDataIntegrityProof } from './library.js';
import { type SignatureTrace, verifyingCryptosuite } from './library-cryptosuites.js';
import { throwLibraryFailure } from './library-errors.js';
import type { DataIntegrityProof } from './proof.js';
import type { AuthorizedVerificationMethod } from './verification-method.js';

/**
 * Verifies one Data Integrity proof with a key Haven has already authorized (vc-data-integrity §4.4
 * steps from "transform" on), through @digitalbazaar/data-integrity's `verifyProof` and the cryptosuite:
 * the proof options get the document's `@context` (§4.4: the proof is read in the document's contexts),
 * the document is canonicalized in JSON-LD safe mode, and the signature checked.
 *
 * Why not `vc.verifyCredential`/`jsigs.verify` around it: every check they add (credential shape, dates,
 * proof sets, purpose and controller) Haven has already made, stricter and with its own codes, and
 * jsonld-signatures' loader wrapper would answer the security v1/v2 contexts without asking Haven's loader.
 *
 * Outcomes: a signature that does not verify → `W3C_SIGNATURE_INVALID`; a safe-mode failure →
 * `W3C_JSONLD_UNSAFE`; a loader error → its own code; anything else → `W3C_PROOF_INVALID`.
 *
 * @example
 * ```ts
 * await verifyDataIntegrityProof(credential, proof, method, loader);
 * ```
 */
export async function verifyDataIntegrityProof(
  securedDocument: Readonly<Record<string, unknown>>,
  proof: DataIntegrityProof,
  method: AuthorizedVerificationMethod,
  loader: DocumentLoader,
): Promise<void> {
  const trace: SignatureTrace = { checked: false, valid: false };
  const suite = new LibraryDataIntegrityProof({
    cryptosuite: verifyingCryptosuite(proof.cryptosuite, method, trace),
  });
  const { proof: _, ...document } = securedDocument;
  const proofWithContext = { '@context': securedDocument['@context'], ...proof };
  let result: { verified: boolean; error?: unknown };
  try {
    result = await suite.verifyProof({
      proof: proofWithContext,
      proofSet: [proofWithContext],
      document,
      documentLoader: withDocument(loader, method.id, method.document),
    });
  } catch (error) {
    result = { verified: false, error };
  }
  if (result.verified && trace.checked && trace.valid) return;
  if (trace.checked && !trace.valid) failW3c('W3C_SIGNATURE_INVALID', 'the proof signature does not verify');
  throwLibraryFailure(result.error, 'W3C_PROOF_INVALID', 'the proof does not verify');
}
