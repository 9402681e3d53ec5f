import type { ClaimPath } from '@haven/sd-jwt';
import { z } from 'zod';
import { isClaimPath } from '../claim-path.js';
import { failCredentials } from '../errors.js';

/**
 * Bounds on a DCQL query. The spec sets none; these are far above any real request (Haven's largest
 * purpose asks for a handful of claims) and keep a hostile query from costing more than a few
 * milliseconds to parse and evaluate.
 */
export const DCQL_LIMITS = {
  /** Credential queries in `credentials`. */
  credentials: 64,
  /** Claims queries in one credential query's `claims`. */
  claims: 128,
  /** Entries of `claim_sets`, `credential_sets`, `options`, `values`, `vct_values`, `type_values`. */
  entries: 64,
  /** Length of an `id`. */
  idLength: 64,
  /** Length of a string in `values`, `vct_values`, `type_values` or `trusted_authorities`. */
  stringLength: 1024,
} as const;

/** Credential formats whose DCQL queries Haven parses (OpenID4VP Appendix B). */
export const DCQL_FORMATS = ['dc+sd-jwt', 'jwt_vc_json', 'ldp_vc', 'mso_mdoc'] as const;

/** Formats parsed but never matched: Haven holds no ISO mdoc credentials (reported as unsupported). */
export const DCQL_UNSUPPORTED_FORMATS: readonly DcqlFormat[] = ['mso_mdoc'];

/** One of {@link DCQL_FORMATS}. */
export type DcqlFormat = (typeof DCQL_FORMATS)[number];

const ID = /^[A-Za-z0-9_-]+$/;

const zId = z.string().min(1).max(DCQL_LIMITS.idLength).regex(ID);
const zText = z.string().min(1).max(DCQL_LIMITS.stringLength);
const zClaimPathPointer = z.custom<ClaimPath>((value) => isClaimPath(value));
const zClaimValue = z.union([z.string().max(DCQL_LIMITS.stringLength), z.int(), z.boolean()]);

function list<T extends z.ZodType>(item: T, max: number = DCQL_LIMITS.entries) {
  return z.array(item).min(1).max(max);
}

/** A Claims Query (OpenID4VP §6.3). */
export const zDcqlClaimsQuery = z.object({
  id: zId.optional(),
  path: zClaimPathPointer,
  values: list(zClaimValue).optional(),
});

/** A Trusted Authorities Query (OpenID4VP §6.1.1): parsed, not evaluated (held credentials carry no chain). */
export const zDcqlTrustedAuthoritiesQuery = z.object({
  type: zText,
  values: list(zText),
});

const zSdJwtMeta = z.object({ vct_values: list(zText) });
const zW3cMeta = z.object({ type_values: list(list(zText)) });
const zMdocMeta = z.object({ doctype_value: zText.optional() });

function credentialQuery<F extends DcqlFormat, M extends z.ZodType>(format: F, meta: M) {
  return z.object({
    id: zId,
    format: z.literal(format),
    multiple: z.boolean().optional(),
    meta,
    trusted_authorities: list(zDcqlTrustedAuthoritiesQuery).optional(),
    require_cryptographic_holder_binding: z.boolean().optional(),
    claims: list(zDcqlClaimsQuery, DCQL_LIMITS.claims).optional(),
    claim_sets: list(list(zId, DCQL_LIMITS.claims)).optional(),
  });
}

type Issue = { path: (string | number)[]; reason: string };

function checkCredentialQuery(query: {
  claims?: { id?: string | undefined; path: ClaimPath }[] | undefined;
  claim_sets?: string[][] | undefined;
}): Issue[] {
  const issues: Issue[] = [];
  const claims = query.claims ?? [];
  const ids = new Set<string>();
  const paths = new Set<string>();
  claims.forEach((claim, i) => {
    if (claim.id !== undefined) {
      if (ids.has(claim.id)) issues.push({ path: ['claims', i, 'id'], reason: 'duplicate_id' });
      ids.add(claim.id);
    } else if (query.claim_sets !== undefined) {
      // §6.3: a claim id is required as soon as claim_sets may refer to it.
      issues.push({ path: ['claims', i, 'id'], reason: 'missing_id' });
    }
    // §6.1: a verifier must not point at the same claim twice; we refuse rather than guess which to keep.
    const text = JSON.stringify(claim.path);
    if (paths.has(text)) issues.push({ path: ['claims', i, 'path'], reason: 'duplicate_path' });
    paths.add(text);
  });
  if (query.claim_sets !== undefined && query.claims === undefined) {
    issues.push({ path: ['claim_sets'], reason: 'claim_sets_without_claims' });
  }
  query.claim_sets?.forEach((set, i) => {
    set.forEach((id, j) => {
      if (!ids.has(id)) issues.push({ path: ['claim_sets', i, j], reason: 'unknown_claim_id' });
    });
  });
  return issues;
}

const zCredentialQueryUnion = z.discriminatedUnion('format', [
  credentialQuery('dc+sd-jwt', zSdJwtMeta),
  credentialQuery('jwt_vc_json', zW3cMeta),
  credentialQuery('ldp_vc', zW3cMeta),
  credentialQuery('mso_mdoc', zMdocMeta),
]);

/** A Credential Query (OpenID4VP §6.1), with `meta` checked per format (Appendix B). */
export const zDcqlCredentialQuery = zCredentialQueryUnion.superRefine((query, ctx) => {
  for (const issue of checkCredentialQuery(query)) {
    ctx.addIssue({
      code: 'custom',
      path: issue.path,
      params: { reason: issue.reason },
      message: issue.reason,
    });
  }
});

/** A Credential Set Query (OpenID4VP §6.2). */
export const zDcqlCredentialSetQuery = z.object({
  options: list(list(zId)),
  required: z.boolean().optional(),
});

/**
 * A DCQL query (OpenID4VP §6). Unknown members are accepted and dropped at every level: §6 says
 * implementations must ignore them, and dropping them keeps unevaluated extension data from travelling
 * on in a request Haven re-serialises.
 */
export const zDcqlQuery = z
  .object({
    credentials: list(zDcqlCredentialQuery, DCQL_LIMITS.credentials),
    credential_sets: list(zDcqlCredentialSetQuery).optional(),
  })
  .superRefine((query, ctx) => {
    const ids = new Set<string>();
    query.credentials.forEach((credential, i) => {
      if (ids.has(credential.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['credentials', i, 'id'],
          params: { reason: 'duplicate_id' },
          message: 'duplicate_id',
        });
      }
      ids.add(credential.id);
    });
    query.credential_sets?.forEach((set, i) => {
      set.options.forEach((option, j) => {
        option.forEach((id, k) => {
          if (!ids.has(id)) {
            ctx.addIssue({
              code: 'custom',
              path: ['credential_sets', i, 'options', j, k],
              params: { reason: 'unknown_credential_id' },
              message: 'unknown_credential_id',
            });
          }
        });
      });
    });
  });

/** A parsed DCQL query. */
export type DcqlQuery = z.infer<typeof zDcqlQuery>;
/** A parsed Credential Query. */
export type DcqlCredentialQuery = z.infer<typeof zDcqlCredentialQuery>;
/** A parsed Claims Query. */
export type DcqlClaimsQuery = z.infer<typeof zDcqlClaimsQuery>;
/** A parsed Credential Set Query. */
export type DcqlCredentialSetQuery = z.infer<typeof zDcqlCredentialSetQuery>;
/** A value a Claims Query may match (§6.3: strings, integers, booleans). */
export type DcqlClaimValue = z.infer<typeof zClaimValue>;

const REPORTED_ISSUES_MAX = 50;

/**
 * Parses and checks a DCQL query (OpenID4VP §6): ids well-formed and unique, references resolved, claims
 * path pointers valid (§7), `meta` per format, and everything within {@link DCQL_LIMITS}. `mso_mdoc`
 * queries parse; evaluation reports them as unsupported. On failure throws `DCQL_QUERY_INVALID` whose
 * `details.paths` lists the offending members as JSON paths into the query (`["credentials",0,"id"]`)
 * and `details.issues` pairs each with a reason; no value from the query is echoed.
 *
 * @example
 * ```ts
 * const query = parseDcqlQuery(request.dcql_query);
 * ```
 */
export function parseDcqlQuery(value: unknown): DcqlQuery {
  let result: z.ZodSafeParseResult<DcqlQuery>;
  try {
    result = zDcqlQuery.safeParse(value);
  } catch {
    // A throwing getter or proxy in the input: refuse without keeping its error, which may quote it.
    failCredentials('DCQL_QUERY_INVALID', 'the DCQL query could not be read');
  }
  if (result.success) return result.data;
  const paths: string[] = [];
  const issues: string[] = [];
  for (const issue of result.error.issues.slice(0, REPORTED_ISSUES_MAX)) {
    // Keys of unknown members are never reported (they are dropped), so every path component here is a
    // member name of the spec or an index.
    const text = JSON.stringify(issue.path.filter((c) => typeof c !== 'symbol'));
    const reason =
      issue.code === 'custom' && typeof issue.params?.reason === 'string' ? issue.params.reason : issue.code;
    if (!paths.includes(text)) paths.push(text);
    issues.push(`${text} ${reason}`);
  }
  failCredentials('DCQL_QUERY_INVALID', 'the DCQL query is invalid', { details: { paths, issues } });
}
