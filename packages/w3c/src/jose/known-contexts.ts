import { HAVEN_CREDENTIALS_CONTEXT_URL } from '@haven/credentials';
import { failW3c } from '../errors.js';
import { VC_V2_CONTEXT } from '../model/credential.js';

/**
 * Contexts a VC-JOSE document may name without JSON-LD processing: the VC 2.0 base context and Haven's
 * credential terms. A context outside the list is refused even though VC-JOSE does not expand it, so that a
 * credential accepted here means the same when a JSON-LD verifier reads it (hostile-inputs: unknown
 * `@context` → reject). Every entry is also bundled in the Data Integrity document loader.
 */
export const JOSE_KNOWN_CONTEXTS: readonly string[] = Object.freeze([
  VC_V2_CONTEXT,
  HAVEN_CREDENTIALS_CONTEXT_URL,
]);

/**
 * Refuses a `@context` entry that is neither known nor in `extra` (`W3C_CONTEXT_UNKNOWN`).
 *
 * @example
 * ```ts
 * checkKnownContexts(credential['@context'], []);
 * ```
 */
export function checkKnownContexts(contexts: readonly string[], extra: readonly string[] = []): void {
  for (const url of contexts) {
    if (!JOSE_KNOWN_CONTEXTS.includes(url) && !extra.includes(url)) {
      failW3c('W3C_CONTEXT_UNKNOWN', 'the credential names a context this verifier does not know');
    }
  }
}
