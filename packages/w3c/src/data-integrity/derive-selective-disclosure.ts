import type { DocumentLoader } from '../contexts/document-loader.js';
import { parseCredential } from '../model/credential.js';
import { assertContextsLoadable, bundledContextsLoader } from './document-loading.js';
import { checkDocumentShape } from './document-shape.js';
import type { SecuredCredential } from './issue-credential.js';
import { checkJsonPointers } from './json-pointers.js';
import { createDiscloseCryptosuite, LibraryDataIntegrityProof, vcLibrary } from './library.js';
import { throwLibraryFailure } from './library-errors.js';
import { readSingleProof } from './proof.js';

/** Options of {@link deriveSelectiveDisclosure}. */
export interface DeriveSelectiveDisclosureOptions {
  /** JSON pointers (RFC 6901) to the claims to disclose besides the issuer's mandatory ones. */
  selectivePointers: readonly string[];
  /** Defaults to the bundled contexts. */
  documentLoader?: DocumentLoader;
}

/**
 * Derives a selective-disclosure credential from an ecdsa-sd-2023 base credential (vc-di-ecdsa §3.5.3
 * "Add Derived Proof"): the result holds the mandatory claims, the claims `selectivePointers` name, and a
 * derived proof — nothing else. A pointer that is not a JSON pointer or does not resolve in the
 * credential, or a credential without exactly one ecdsa-sd-2023 *base* proof, is
 * `W3C_SELECTIVE_DISCLOSURE_INVALID` (another cryptosuite: `W3C_CRYPTOSUITE_NOT_ALLOWED`); a library failure
 * is `W3C_DERIVE_FAILED`. The base proof is not verified here: a holder verifies a credential on receipt.
 *
 * @example
 * ```ts
 * const shown = await deriveSelectiveDisclosure(baseCredential, {
 *   selectivePointers: ['/credentialSubject/employer_name'],
 * });
 * ```
 */
export async function deriveSelectiveDisclosure(
  credential: unknown,
  options: DeriveSelectiveDisclosureOptions,
): Promise<SecuredCredential> {
  checkDocumentShape(credential);
  const parsed = parseCredential(credential);
  readSingleProof(parsed.proof, {
    cryptosuites: ['ecdsa-sd-2023'],
    proofPurpose: 'assertionMethod',
    sdMode: 'base',
  });
  const selectivePointers = checkJsonPointers(
    parsed,
    options.selectivePointers,
    'W3C_SELECTIVE_DISCLOSURE_INVALID',
  );
  const documentLoader = options.documentLoader ?? bundledContextsLoader();
  await assertContextsLoadable(parsed['@context'] as string[], documentLoader);
  const suite = new LibraryDataIntegrityProof({
    cryptosuite: createDiscloseCryptosuite({ selectivePointers }),
  });
  try {
    const derived = await vcLibrary.derive({
      verifiableCredential: structuredClone(parsed),
      suite,
      documentLoader,
    });
    return derived as SecuredCredential;
  } catch (error) {
    throwLibraryFailure(error, 'W3C_DERIVE_FAILED', 'the selective disclosure could not be derived');
  }
}
