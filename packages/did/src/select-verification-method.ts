import type { DidDocument, DidVerificationMethod, VerificationRelationship } from './did-document.js';
import { VERIFICATION_RELATIONSHIPS } from './did-document.js';
import { failDid } from './errors.js';

/** A DID URL relative to the document (`#key-1`) made absolute (DID Core §3.2.2 relative DID URLs). */
function absoluteId(id: string, did: string): string {
  return id.startsWith('#') ? did + id : id;
}

/** Every verification method in the document: listed ones and those embedded in relationships. */
function allVerificationMethods(document: DidDocument): DidVerificationMethod[] {
  const out = [...(document.verificationMethod ?? [])];
  for (const relationship of VERIFICATION_RELATIONSHIPS) {
    for (const entry of document[relationship] ?? []) if (typeof entry !== 'string') out.push(entry);
  }
  return out;
}

/** The ids (absolute) that a relationship authorizes, by reference or by embedding (DID Core §5.3). */
function authorizedIds(
  document: DidDocument,
  did: string,
  relationship: VerificationRelationship,
): Set<string> {
  const ids = new Set<string>();
  for (const entry of document[relationship] ?? [])
    ids.add(absoluteId(typeof entry === 'string' ? entry : entry.id, did));
  return ids;
}

/**
 * Picks the verification method a DID URL names (DID Core §5.2, §5.3), and proves it is authorized for
 * `relationship`:
 *
 * - with a fragment, exactly one method in the document must have that id (listed or embedded;
 *   relative `#frag` ids count) → else `DID_VERIFICATION_METHOD_NOT_FOUND`, or `DID_DOCUMENT_INVALID`
 *   when two carry the same id (an attacker could otherwise choose which one a verifier sees);
 * - without a fragment, the relationship must authorize exactly one method → else `DID_URL_INVALID`;
 * - the method must be referenced or embedded under `relationship` →
 *   else `DID_VERIFICATION_RELATIONSHIP_MISSING` (a key-agreement key must not sign credentials);
 * - its `controller` must be the DID and its id must belong to the DID → else
 *   `DID_VERIFICATION_METHOD_CONTROLLER_MISMATCH` (DID Core §5.2.1: a document may list others' keys,
 *   which do not speak for this DID).
 *
 * @example
 * ```ts
 * const vm = selectVerificationMethod(doc, did, 'key-1', 'assertionMethod');
 * ```
 */
export function selectVerificationMethod(
  document: DidDocument,
  did: string,
  fragment: string | undefined,
  relationship: VerificationRelationship,
): DidVerificationMethod {
  const authorized = authorizedIds(document, did, relationship);
  let targetId: string;
  if (fragment === undefined) {
    if (authorized.size !== 1) {
      if (authorized.size === 0)
        failDid('DID_VERIFICATION_RELATIONSHIP_MISSING', `the DID has no ${relationship} key`);
      failDid(
        'DID_URL_INVALID',
        `the DID has several ${relationship} keys: a DID URL with a fragment is needed`,
      );
    }
    targetId = [...authorized][0] as string;
  } else {
    targetId = `${did}#${fragment}`;
  }
  const matches = allVerificationMethods(document).filter((vm) => absoluteId(vm.id, did) === targetId);
  if (matches.length === 0)
    failDid('DID_VERIFICATION_METHOD_NOT_FOUND', 'the DID document has no such verification method');
  if (matches.length > 1)
    failDid('DID_DOCUMENT_INVALID', 'the DID document has two verification methods with one id');
  const vm = matches[0] as DidVerificationMethod;
  if (!authorized.has(targetId)) {
    failDid(
      'DID_VERIFICATION_RELATIONSHIP_MISSING',
      `the verification method is not authorized for ${relationship}`,
    );
  }
  if (vm.controller !== did || !targetId.startsWith(`${did}#`)) {
    failDid(
      'DID_VERIFICATION_METHOD_CONTROLLER_MISMATCH',
      'the verification method is controlled by another DID',
    );
  }
  return vm;
}
