import type { ClaimPath } from '@haven/sd-jwt';
import { claimPathCovers, formatClaimPath, isClaimPath } from '../claim-path.js';
import { CREDENTIAL_TYPE_IDS, type CredentialTypeId } from '../credential-type.js';
import { failCredentials } from '../errors.js';
import { type Purpose, resolvePurpose } from '../purposes.js';
import { credentialTypeForVct } from '../registry.js';
import { W3C_CREDENTIAL_TYPES } from '../w3c-form.js';
import { w3cTypeIriFor } from './dcql-for-purpose.js';
import type { DcqlCredentialQuery, DcqlQuery } from './dcql-query.js';

/** Options of {@link checkDcqlAgainstPurpose}. */
export interface CheckDcqlAgainstPurposeOptions {
  /** The `vct` base the verifier's registration uses (default Haven's); any other `vct` is unknown. */
  readonly vctBase?: string;
}

/** What a DCQL query that stays within its purpose may receive. */
export interface DcqlPurposeReport {
  /** Haven types the query can be answered with. */
  readonly credentialTypes: CredentialTypeId[];
  /** Per type, every claim path (purpose-relative, no `credentialSubject`) the wallet may disclose. */
  readonly paths: Partial<Record<CredentialTypeId, ClaimPath[]>>;
}

const ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;
const REPORTED_MAX = 50;

function safeId(query: DcqlCredentialQuery): string {
  return typeof query.id === 'string' && ID_SHAPE.test(query.id) ? query.id : '?';
}

// Short names are accepted beside the expanded IRIs: a name without a context stays a relative IRI
// (§B.1.1), and mapping more spellings to a Haven type only means more queries get checked, never fewer.
function w3cTypeOf(alternative: readonly string[]): CredentialTypeId | undefined {
  const found = CREDENTIAL_TYPE_IDS.filter(
    (id) => alternative.includes(W3C_CREDENTIAL_TYPES[id]) || alternative.includes(w3cTypeIriFor(id)),
  );
  return found.length === 1 ? found[0] : undefined;
}

/**
 * The Haven types a Credential Query can match, or `undefined` when any alternative is not exactly one
 * Haven type (an alternative such as `['VerifiableCredential']` alone matches every credential).
 */
function typesOf(query: DcqlCredentialQuery, vctBase: string | undefined): CredentialTypeId[] | undefined {
  const out: CredentialTypeId[] = [];
  if (query.format === 'dc+sd-jwt') {
    const values = query.meta?.vct_values;
    if (!Array.isArray(values) || values.length === 0) return undefined;
    for (const vct of values) {
      const type =
        typeof vct === 'string'
          ? credentialTypeForVct(vct, vctBase === undefined ? {} : { vctBase })
          : undefined;
      if (type === undefined) return undefined;
      if (!out.includes(type.id)) out.push(type.id);
    }
    return out;
  }
  if (query.format === 'jwt_vc_json' || query.format === 'ldp_vc') {
    const values = query.meta?.type_values;
    if (!Array.isArray(values) || values.length === 0) return undefined;
    for (const alternative of values) {
      const id = Array.isArray(alternative) ? w3cTypeOf(alternative) : undefined;
      if (id === undefined) return undefined;
      if (!out.includes(id)) out.push(id);
    }
    return out;
  }
  return undefined;
}

/**
 * Checks a parsed DCQL query (OpenID4VP §6) against a registered purpose — the verifier's own guard
 * before sending a request, and the wallet's "registration vs DCQL" check. Each Credential Query is
 * mapped to Haven types by `meta.vct_values` (exact `vct` under `vctBase`) or `meta.type_values` (every
 * alternative must name exactly one Haven type, expanded IRI or short name). Every listed claim counts,
 * whatever `claim_sets` says, since the wallet may disclose any set (§6.4.1); `values` narrow what is
 * disclosed but the path must still be allowed. W3C paths must start at `credentialSubject`; anything
 * else in the credential (issuer, type…) is not a purpose claim and is over-asking. Throws:
 * - `PURPOSE_UNKNOWN`;
 * - `PURPOSE_TYPE_NOT_ALLOWED` for a vct / type alternative that is not a Haven type (under `vctBase`),
 *   an mdoc query, or a Haven type the purpose does not list (`details.credentialQueries`: the ids);
 * - `OVER_ASKING` with `details.purpose`, `credentialTypes`, `credentialQueries` and `paths` (the
 *   offending DCQL paths as JSON text, never values) for a path not covered by the purpose (see
 *   `claimPathCovers`), a query without `claims` (the whole credential for formats without selective
 *   disclosure, all always-disclosed claims otherwise: Haven purposes name every claim they receive), or
 *   a `jwt_vc_json` query (no selective disclosure: the whole credential is presented).
 *
 * @example
 * ```ts
 * const report = checkDcqlAgainstPurpose('age-check', parseDcqlQuery(request.dcql_query));
 * report.paths['identity-restoration'] // [['age_over_18']]
 * ```
 */
export function checkDcqlAgainstPurpose(
  purposeId: string | Purpose,
  query: DcqlQuery,
  options: CheckDcqlAgainstPurposeOptions = {},
): DcqlPurposeReport {
  const purpose = resolvePurpose(purposeId);
  const credentials = query?.credentials;
  if (!Array.isArray(credentials) || credentials.length === 0) {
    failCredentials('DCQL_QUERY_INVALID', 'the DCQL query lists no credential');
  }
  const notAllowed: string[] = [];
  const notAllowedTypes: string[] = [];
  const overQueries: string[] = [];
  const overTypes: CredentialTypeId[] = [];
  const overPaths: string[] = [];
  const report: DcqlPurposeReport = { credentialTypes: [], paths: {} };
  for (const credential of credentials) {
    const id = safeId(credential);
    const types = typesOf(credential, options.vctBase);
    if (types === undefined) {
      notAllowed.push(id);
      continue;
    }
    const outside = types.filter((t) => !Object.hasOwn(purpose.credentialTypes, t));
    if (outside.length > 0) {
      notAllowed.push(id);
      notAllowedTypes.push(...outside.filter((t) => !notAllowedTypes.includes(t)));
      continue;
    }
    const over = (paths: string[]) => {
      if (!overQueries.includes(id)) overQueries.push(id);
      for (const t of types) if (!overTypes.includes(t)) overTypes.push(t);
      for (const p of paths) if (!overPaths.includes(p)) overPaths.push(p);
    };
    const claims = credential.claims;
    if (credential.format === 'jwt_vc_json' || !Array.isArray(claims) || claims.length === 0) {
      over([]);
      continue;
    }
    const w3c = credential.format !== 'dc+sd-jwt';
    for (const claim of claims) {
      const path = claim?.path;
      if (!isClaimPath(path)) {
        failCredentials('CLAIM_PATH_INVALID', 'a claims query has an invalid path');
      }
      const relative = w3c ? (path[0] === 'credentialSubject' ? path.slice(1) : []) : path;
      const covered =
        relative.length > 0 &&
        types.every((t) => (purpose.credentialTypes[t] ?? []).some((a) => claimPathCovers(a, relative)));
      if (!covered) {
        over([formatClaimPath(path)]);
        continue;
      }
      for (const t of types) {
        if (!report.credentialTypes.includes(t)) report.credentialTypes.push(t);
        const list = report.paths[t] ?? [];
        if (!list.some((p) => formatClaimPath(p) === formatClaimPath(relative))) list.push([...relative]);
        report.paths[t] = list;
      }
    }
  }
  if (notAllowed.length > 0) {
    failCredentials(
      'PURPOSE_TYPE_NOT_ALLOWED',
      'the DCQL query asks for a credential type the purpose does not cover',
      {
        details: {
          purpose: purpose.id,
          credentialQueries: notAllowed.slice(0, REPORTED_MAX),
          credentialTypes: notAllowedTypes,
          allowedTypes: Object.keys(purpose.credentialTypes),
        },
      },
    );
  }
  if (overQueries.length > 0) {
    failCredentials('OVER_ASKING', 'the DCQL query asks for claims its purpose does not allow', {
      details: {
        purpose: purpose.id,
        credentialTypes: overTypes,
        credentialQueries: overQueries.slice(0, REPORTED_MAX),
        paths: overPaths.slice(0, REPORTED_MAX),
      },
    });
  }
  return report;
}
