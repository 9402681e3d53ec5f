import { selectClaimValues } from './claim-path.js';
import { failSdJwt } from './errors.js';
import type { ProcessedPayload } from './process.js';
import { sdPolicyFor, type TypeMetadata } from './type-metadata.js';

function pathKey(path: readonly (string | number | null)[]): string {
  return JSON.stringify(path);
}

/** Every claim in the processed payload, with its path (objects by name, arrays by position). */
function* claimPaths(value: unknown, path: (string | number)[]): Generator<(string | number)[]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = [...path, i];
      yield at;
      yield* claimPaths(value[i], at);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const at = [...path, key];
      yield at;
      yield* claimPaths((value as Record<string, unknown>)[key], at);
    }
  }
}

/**
 * Validates a verified SD-JWT VC against its (fully resolved) Type Metadata, as far as a verifier can
 * (SD-JWT VC §Claim Metadata, §Processing Type Metadata):
 * - a claim whose metadata says `sd: always` must have come from a disclosure at exactly its path (not
 *   merely inside a disclosed parent);
 * - a claim whose metadata says `sd: never` must not have come from a disclosure;
 * - a `mandatory` claim that may never be selectively disclosable must be present (an absent selectively
 *   disclosable claim says nothing: the holder may simply not have disclosed it).
 * Array positions are those of the processed payload; Haven's types address array elements with `null`.
 * Throws `SDJWT_VC_TYPE_METADATA_VIOLATION`.
 */
export function checkClaimsAgainstTypeMetadata(processed: ProcessedPayload, metadata: TypeMetadata): void {
  const disclosed = new Set(processed.disclosed.map(pathKey));
  for (const path of claimPaths(processed.claims, [])) {
    const policy = sdPolicyFor(metadata, path);
    const fromDisclosure = disclosed.has(pathKey(path));
    if (policy === 'always' && !fromDisclosure) {
      failSdJwt(
        'SDJWT_VC_TYPE_METADATA_VIOLATION',
        'a claim the type requires to be selectively disclosable was plain',
      );
    }
    if (policy === 'never' && fromDisclosure) {
      failSdJwt(
        'SDJWT_VC_TYPE_METADATA_VIOLATION',
        'a claim the type forbids to be selectively disclosable was disclosed',
      );
    }
  }
  for (const claim of metadata.claims ?? []) {
    if (
      claim.mandatory === true &&
      claim.sd === 'never' &&
      selectClaimValues(processed.claims, claim.path).length === 0
    ) {
      failSdJwt('SDJWT_VC_TYPE_METADATA_VIOLATION', 'a mandatory claim is missing');
    }
  }
}
