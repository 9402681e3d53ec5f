import { failW3c } from '../errors.js';

/** Bounds far above any honest credential (a portrait included), checked before any JSON-LD processing. */
export const DOCUMENT_LIMITS = Object.freeze({
  /** Serialized size in UTF-16 code units (≈ bytes for JSON text). */
  maxLength: 1024 * 1024,
  maxDepth: 32,
  maxNodes: 20_000,
});

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that a document is plain JSON of bounded size and carries no JSON-LD keyword Haven does not
 * accept, before jsonld.js sees it:
 *
 * - more than 32 levels, 20,000 values or 1 MiB → `W3C_TOO_LARGE` (jsonld.js recurses: a deep document
 *   would exhaust the stack, a big one the CPU);
 * - anything but JSON values (functions, `undefined`, class instances such as `Date`) → `W3C_MALFORMED`;
 * - `@context` anywhere but at the top of a document → `W3C_CONTEXT_INVALID`: an embedded context (e.g. in
 *   `credentialSubject`) would define terms of its own, outside the bundled, hash-pinned contexts
 *   (VCDM 2.0 §4.3; vc-data-integrity §4.4 on context injection);
 * - a `__proto__` member → `W3C_MALFORMED`;
 * - any other `@` keyword as a member name (`@id`, `@type`, `@graph`, `@included`, `@reverse`, …) →
 *   `W3C_JSONLD_UNSAFE`: the keyword form lets the signed graph say something the plain JSON a verifier
 *   reads does not.
 *
 * `documentMembers` names members whose values are whole documents with their own `@context` (a
 * presentation's `verifiableCredential`).
 *
 * @example
 * ```ts
 * checkDocumentShape(credential);
 * checkDocumentShape(presentation, ['verifiableCredential']);
 * ```
 */
export function checkDocumentShape(document: unknown, documentMembers: readonly string[] = []): void {
  let nodes = 0;
  const walk = (value: unknown, depth: number, isDocumentRoot: boolean): void => {
    if (++nodes > DOCUMENT_LIMITS.maxNodes || depth > DOCUMENT_LIMITS.maxDepth) {
      failW3c('W3C_TOO_LARGE', 'the document is too large or too deeply nested', {
        details: { maxDepth: DOCUMENT_LIMITS.maxDepth, maxNodes: DOCUMENT_LIMITS.maxNodes },
      });
    }
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) failW3c('W3C_MALFORMED', 'the document holds a number JSON cannot carry');
      return;
    }
    if (typeof value !== 'object') failW3c('W3C_MALFORMED', 'the document holds a value that is not JSON');
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1, false);
      return;
    }
    if (!isPlainObject(value))
      failW3c('W3C_MALFORMED', 'the document holds an object that is not plain JSON');
    for (const [key, member] of Object.entries(value)) {
      if (key === '@context') {
        if (!isDocumentRoot)
          failW3c('W3C_CONTEXT_INVALID', '@context is only accepted at the top of a document');
        // Its value is the model's to check (an array of context URLs); inline contexts are refused there.
        continue;
      }
      if (key === '__proto__') {
        // JSON.parse makes it an own member; validation libraries drop it, so what is verified and what
        // the caller holds would differ.
        failW3c('W3C_MALFORMED', 'the document has a "__proto__" member');
      }
      if (key.startsWith('@')) {
        failW3c('W3C_JSONLD_UNSAFE', 'JSON-LD keywords are not accepted as member names');
      }
      // An absolute or compact IRI as a member name expands to the same RDF as the term it spells out,
      // so the signature still holds while the JSON a verifier reads lacks the term: renaming
      // `credentialStatus` to its IRI would hide a revocation. Every term Haven reads is a plain name.
      if (key.includes(':')) {
        failW3c('W3C_JSONLD_UNSAFE', 'IRIs are not accepted as member names; use the context terms');
      }
      const embedsDocuments = isDocumentRoot && documentMembers.includes(key);
      if (embedsDocuments && Array.isArray(member)) {
        for (const item of member) walk(item, depth + 2, true);
      } else {
        walk(member, depth + 1, embedsDocuments);
      }
    }
  };
  walk(document, 0, true);
  let length: number;
  try {
    length = JSON.stringify(document).length;
  } catch {
    failW3c('W3C_MALFORMED', 'the document cannot be serialized as JSON');
  }
  if (length > DOCUMENT_LIMITS.maxLength) {
    failW3c('W3C_TOO_LARGE', 'the document is too large', {
      details: { maxLength: DOCUMENT_LIMITS.maxLength },
    });
  }
}
