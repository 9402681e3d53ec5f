import type { ClaimPath } from '@haven/sd-jwt';
import { failCredentials } from '../errors.js';
import {
  DCQL_UNSUPPORTED_FORMATS,
  type DcqlClaimsQuery,
  type DcqlCredentialQuery,
  type DcqlQuery,
} from './dcql-query.js';
import { selectClaims } from './select-claims.js';

/** Most held credentials one evaluation looks at. */
export const HELD_CREDENTIALS_MAX = 1024;

/**
 * A credential the wallet holds, as DCQL evaluation sees it: its decoded claim set (every claim the holder
 * could disclose), its format and its type (`vct` for `dc+sd-jwt`, the expanded `types` for W3C formats).
 */
export interface DcqlHeldCredential {
  id: string;
  format: string;
  vct?: string;
  types?: readonly string[];
  claims: Record<string, unknown>;
}

/** A held credential selected for a credential query, with exactly the claim paths to disclose. */
export interface DcqlCredentialMatch {
  credentialId: string;
  claimPaths: ClaimPath[];
}

/** The outcome of {@link evaluateDcqlQuery}. */
export interface DcqlEvaluation {
  /** Can the wallet answer the query (every required credential set, or every credential query)? */
  satisfied: boolean;
  /** Credentials to present, by credential query id; empty when not satisfied (§6.4.2: return nothing). */
  matches: Record<string, DcqlCredentialMatch[]>;
  /** Ids of credential queries in a format Haven does not hold (ISO mdoc). */
  unsupported: string[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertHeldCredentials(held: unknown): asserts held is readonly DcqlHeldCredential[] {
  const ok =
    Array.isArray(held) &&
    held.length <= HELD_CREDENTIALS_MAX &&
    held.every(
      (c: unknown) =>
        isPlainObject(c) &&
        typeof c.id === 'string' &&
        c.id.length > 0 &&
        typeof c.format === 'string' &&
        (c.vct === undefined || typeof c.vct === 'string') &&
        (c.types === undefined || (Array.isArray(c.types) && c.types.every((t) => typeof t === 'string'))) &&
        isPlainObject(c.claims),
    );
  if (!ok) {
    failCredentials(
      'DCQL_HELD_CREDENTIALS_INVALID',
      `held credentials must be an array (at most ${HELD_CREDENTIALS_MAX}) of { id, format, claims } objects`,
    );
  }
}

function metaMatches(query: DcqlCredentialQuery, held: DcqlHeldCredential): boolean {
  switch (query.format) {
    case 'dc+sd-jwt':
      // Exact vct match: SD-JWT VC type inheritance needs type metadata the evaluation does not have.
      return held.vct !== undefined && query.meta.vct_values.includes(held.vct);
    case 'jwt_vc_json':
    case 'ldp_vc': {
      const types = held.types ?? [];
      // Appendix B.1.1: one alternative whose every type the credential carries, in any order.
      return query.meta.type_values.some((alternative) => alternative.every((t) => types.includes(t)));
    }
    default:
      return false;
  }
}

/**
 * The paths a claims query discloses from `claims`, or `undefined` if the claim is absent. Without
 * `values` that is the query's own path (`null` kept: every element). With `values`, only the elements
 * whose type and value equal one of them (§6.3) are disclosed, by concrete path, so a wildcard query for
 * one nationality never discloses the others.
 */
function claimPathsFor(claim: DcqlClaimsQuery, claims: Record<string, unknown>): ClaimPath[] | undefined {
  const selected = selectClaims(claims, claim.path);
  if (selected === undefined) return undefined;
  const values = claim.values;
  if (values === undefined) return [claim.path];
  const matching = selected.filter(({ value }) => values.some((v) => v === value));
  return matching.length === 0 ? undefined : matching.map(({ path }) => path);
}

function matchCredential(
  query: DcqlCredentialQuery,
  held: DcqlHeldCredential,
): DcqlCredentialMatch | undefined {
  if (held.format !== query.format || !metaMatches(query, held)) return undefined;
  const claims = query.claims;
  // §6.4.1: no claims query means only what is always presented (nothing selectively disclosable).
  if (claims === undefined) return { credentialId: held.id, claimPaths: [] };
  const resolved = claims.map((claim) => claimPathsFor(claim, held.claims));
  const pathsOf = (indexes: number[]): ClaimPath[] | undefined => {
    const out: ClaimPath[] = [];
    for (const i of indexes) {
      const paths = resolved[i];
      if (paths === undefined) return undefined;
      out.push(...paths);
    }
    return out;
  };
  if (query.claim_sets === undefined) {
    const paths = pathsOf(claims.map((_, i) => i));
    return paths === undefined ? undefined : { credentialId: held.id, claimPaths: paths };
  }
  // §6.4.1: the first claim set the credential satisfies, in the verifier's order of preference.
  for (const set of query.claim_sets) {
    const paths = pathsOf(set.map((id) => claims.findIndex((c) => c.id === id)));
    if (paths !== undefined) return { credentialId: held.id, claimPaths: paths };
  }
  return undefined;
}

/**
 * Evaluates a parsed DCQL query over the credentials a wallet holds (OpenID4VP §6.4, §7). For each
 * credential query: the held credentials of its format whose `meta` matches (`vct_values` for
 * `dc+sd-jwt`, `type_values` for `jwt_vc_json`/`ldp_vc`) and that hold every requested claim (with
 * `values` matched by type and value), taking the first satisfiable `claim_sets` entry; one credential
 * (the first held) unless `multiple`. Then `credential_sets`: every required set needs a satisfiable
 * option (the first one is taken), optional sets are added when satisfiable, and credential queries no
 * set selects are not answered. Without `credential_sets` every credential query must match. When the
 * query cannot be satisfied `matches` is empty: §6.4.2 says to return no credential at all.
 * `trusted_authorities` is not evaluated (held credentials here carry no certificate chain).
 *
 * @example
 * ```ts
 * const result = evaluateDcqlQuery(parseDcqlQuery(request.dcql_query), wallet.credentials());
 * if (result.satisfied) present(result.matches);
 * ```
 */
export function evaluateDcqlQuery(
  query: DcqlQuery,
  heldCredentials: readonly DcqlHeldCredential[],
): DcqlEvaluation {
  assertHeldCredentials(heldCredentials);
  const unsupported: string[] = [];
  const found = new Map<string, DcqlCredentialMatch[]>();
  for (const credentialQuery of query.credentials) {
    if (DCQL_UNSUPPORTED_FORMATS.includes(credentialQuery.format)) {
      unsupported.push(credentialQuery.id);
      continue;
    }
    const matches: DcqlCredentialMatch[] = [];
    for (const held of heldCredentials) {
      const match = matchCredential(credentialQuery, held);
      if (match === undefined) continue;
      matches.push(match);
      if (credentialQuery.multiple !== true) break;
    }
    if (matches.length > 0) found.set(credentialQuery.id, matches);
  }

  let selected: string[] | undefined = [];
  if (query.credential_sets === undefined) {
    selected = query.credentials.every((c) => found.has(c.id))
      ? query.credentials.map((c) => c.id)
      : undefined;
  } else {
    for (const set of query.credential_sets) {
      const option = set.options.find((ids) => ids.every((id) => found.has(id)));
      if (option !== undefined) {
        selected.push(...option.filter((id) => !selected?.includes(id)));
      } else if (set.required !== false) {
        selected = undefined;
        break;
      }
    }
  }
  if (selected === undefined) return { satisfied: false, matches: {}, unsupported };
  // Object.fromEntries defines own properties, so a query id of `__proto__` stays an ordinary key.
  const matches = Object.fromEntries(selected.map((id) => [id, found.get(id) ?? []]));
  return { satisfied: true, matches, unsupported };
}
