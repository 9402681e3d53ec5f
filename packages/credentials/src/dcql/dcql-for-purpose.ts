import type { ClaimPath } from '@haven/sd-jwt';
import { assertClaimPath, claimPathCovers, formatClaimPath } from '../claim-path.js';
import { type CredentialTypeId, isCredentialTypeId, vctFor } from '../credential-type.js';
import { failCredentials } from '../errors.js';
import { claimsForPurpose, type Purpose, resolvePurpose } from '../purposes.js';
import { HAVEN_CREDENTIALS_CONTEXT } from '../w3c-context.js';
import { W3C_CREDENTIAL_TYPES } from '../w3c-form.js';
import type { DcqlCredentialQuery, DcqlQuery } from './dcql-query.js';

/** Formats {@link dcqlForPurpose} can ask for (the formats Haven issues). */
export type PurposeDcqlFormat = 'dc+sd-jwt' | 'jwt_vc_json' | 'ldp_vc';

/** Options of {@link dcqlForPurpose}. */
export interface DcqlForPurposeOptions {
  /** A subset of the purpose's credential types (default: all of them, in the purpose's order). */
  readonly credentialTypes?: readonly CredentialTypeId[];
  /** Formats to accept, in order of preference (default `['dc+sd-jwt']`). */
  readonly formats?: readonly PurposeDcqlFormat[];
  /** The `vct` base of the credentials asked for (default Haven's). */
  readonly vctBase?: string;
  /** Per type, a subset of the purpose's allowed paths to ask for (default: every allowed path). */
  readonly claims?: Readonly<Partial<Record<CredentialTypeId, readonly ClaimPath[]>>>;
}

/**
 * The fully expanded IRI of a Haven W3C type, read from Haven's bundled JSON-LD context so it cannot
 * drift from what a credential's `@context` expands the short name to (OpenID4VP §B.1.1).
 *
 * @example
 * ```ts
 * w3cTypeIriFor('labour-contract') // 'https://haven.example/ns/credentials#LabourContractCredential'
 * ```
 */
export function w3cTypeIriFor(typeId: CredentialTypeId): string {
  const name = W3C_CREDENTIAL_TYPES[typeId];
  const definitions = HAVEN_CREDENTIALS_CONTEXT.document['@context'] as Record<string, unknown>;
  const iri = definitions[name];
  // The context is built from W3C_TYPE_NAMES, so this holds unless the package itself is inconsistent.
  if (typeof iri !== 'string') failCredentials('CREDENTIAL_TYPE_UNKNOWN', 'no JSON-LD term for the W3C type');
  return iri;
}

const ID_UNSAFE = /[^A-Za-z0-9_-]/g;
const ID_MAX = 64;

function credentialQueryId(typeId: CredentialTypeId, format: PurposeDcqlFormat): string {
  const base = typeId.replace(/-/g, '_');
  return format === 'dc+sd-jwt' ? base : `${base}_${format.replace(ID_UNSAFE, '_')}`;
}

function claimIds(paths: readonly ClaimPath[]): string[] {
  const ids: string[] = [];
  paths.forEach((path, i) => {
    const derived = path
      .map((c) => (c === null ? 'all' : String(c)))
      .join('_')
      .replace(ID_UNSAFE, '_');
    const id =
      derived.length > 0 && derived.length <= ID_MAX && !ids.includes(derived) ? derived : `claim_${i}`;
    ids.push(ids.includes(id) ? `claim_${i}_${ids.length}` : id);
  });
  return ids;
}

function requestedPaths(
  purposeId: Purpose,
  typeId: CredentialTypeId,
  subset: readonly ClaimPath[] | undefined,
): ClaimPath[] {
  const allowed = claimsForPurpose(purposeId, typeId);
  if (subset === undefined) return allowed;
  if (!Array.isArray(subset) || subset.length === 0) {
    failCredentials('CLAIM_PATH_INVALID', 'a claims subset must list at least one claim path');
  }
  const over: string[] = [];
  const seen = new Set<string>();
  const out: ClaimPath[] = [];
  for (const path of subset) {
    assertClaimPath(path);
    const text = formatClaimPath(path);
    if (!allowed.some((a) => claimPathCovers(a, path))) {
      if (!over.includes(text)) over.push(text);
      continue;
    }
    // §6.1: the same claim must not be pointed at twice.
    if (!seen.has(text)) out.push([...path]);
    seen.add(text);
  }
  if (over.length > 0) {
    failCredentials('OVER_ASKING', 'the claims asked for go beyond the purpose', {
      details: { purpose: purposeId.id, credentialTypes: [typeId], paths: over.slice(0, 50) },
    });
  }
  return out;
}

/**
 * Derives the DCQL query (OpenID4VP §6) a verifier sends for a registered purpose: one Credential Query
 * per (type, format) with id `labour_contract` (`dc+sd-jwt`) or `labour_contract_ldp_vc`, `meta`
 * per Appendix B (`vct_values` with the type's `vct`; `type_values` with the single fully expanded Haven
 * type IRI, which alone identifies the type, so a verifier needs no VCDM context to match it), and a
 * Claims Query with an id for every path asked for (W3C paths start at `credentialSubject`). When more
 * than one Credential Query results, one required Credential Set Query (§6.2) lists each as its own
 * option, so any ONE type in any one format satisfies the request (e.g. identity OR refugee
 * registration for `employer.right-to-work`), in the purpose's order of types, then `formats` order.
 *
 * Throws `PURPOSE_UNKNOWN`, `PURPOSE_TYPE_NOT_ALLOWED` (a type outside the purpose),
 * `CREDENTIAL_TYPE_UNKNOWN`, `CREDENTIAL_OPTIONS_INVALID` (empty or duplicate lists, a claims subset
 * for a type not asked for, a bad `vctBase`), `CLAIM_PATH_INVALID`, and `OVER_ASKING` for a claims
 * subset beyond the purpose or for `jwt_vc_json`: a VC-JOSE credential has no selective disclosure, so
 * presenting it discloses every claim (§6.4.1), which no purpose allows.
 *
 * @example
 * ```ts
 * const dcql_query = dcqlForPurpose('employer.right-to-work', { formats: ['dc+sd-jwt', 'ldp_vc'] });
 * ```
 */
export function dcqlForPurpose(purposeId: string | Purpose, options: DcqlForPurposeOptions = {}): DcqlQuery {
  const purpose = resolvePurpose(purposeId);
  const purposeTypes = Object.keys(purpose.credentialTypes) as CredentialTypeId[];
  const types = options.credentialTypes ?? purposeTypes;
  const formats = options.formats ?? ['dc+sd-jwt'];
  if (!Array.isArray(types) || types.length === 0 || new Set(types).size !== types.length) {
    failCredentials('CREDENTIAL_OPTIONS_INVALID', 'credentialTypes must be a non-empty list without repeats');
  }
  if (!Array.isArray(formats) || formats.length === 0 || new Set(formats).size !== formats.length) {
    failCredentials('CREDENTIAL_OPTIONS_INVALID', 'formats must be a non-empty list without repeats');
  }
  for (const format of formats) {
    if (format === 'jwt_vc_json') {
      failCredentials('OVER_ASKING', 'jwt_vc_json presents the whole credential', {
        details: { purpose: purpose.id, formats: ['jwt_vc_json'] },
      });
    }
    if (format !== 'dc+sd-jwt' && format !== 'ldp_vc') {
      failCredentials('CREDENTIAL_OPTIONS_INVALID', 'unsupported format for a purpose query');
    }
  }
  const claimsOption = options.claims ?? {};
  for (const key of Object.keys(claimsOption)) {
    if (!types.includes(key as CredentialTypeId)) {
      failCredentials('CREDENTIAL_OPTIONS_INVALID', 'a claims subset names a type that is not asked for');
    }
  }
  const credentials: DcqlCredentialQuery[] = [];
  for (const typeId of types) {
    if (!isCredentialTypeId(typeId)) {
      failCredentials('CREDENTIAL_TYPE_UNKNOWN', 'unknown credential type', {
        details: { purpose: purpose.id },
      });
    }
    const subset = Object.hasOwn(claimsOption, typeId) ? claimsOption[typeId] : undefined;
    const paths = requestedPaths(purpose, typeId, subset);
    const ids = claimIds(paths);
    for (const format of formats) {
      const id = credentialQueryId(typeId, format);
      if (format === 'dc+sd-jwt') {
        credentials.push({
          id,
          format,
          meta: { vct_values: [vctFor(typeId, options.vctBase)] },
          claims: paths.map((path, i) => ({ id: ids[i] as string, path: [...path] })),
        });
      } else {
        credentials.push({
          id,
          format: 'ldp_vc',
          meta: { type_values: [[w3cTypeIriFor(typeId)]] },
          claims: paths.map((path, i) => ({ id: ids[i] as string, path: ['credentialSubject', ...path] })),
        });
      }
    }
  }
  if (credentials.length === 1) return { credentials };
  return { credentials, credential_sets: [{ options: credentials.map((c) => [c.id]) }] };
}
