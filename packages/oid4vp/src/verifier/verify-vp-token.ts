import { isHavenError, isJsonObject, parseStrictJson } from '@haven/core';
import {
  checkDcqlAgainstPurpose,
  claimPathCovers,
  claimsForPurpose,
  credentialTypeForVct,
  type DcqlCredentialQuery,
  type DcqlQuery,
  evaluateDcqlQuery,
  formatClaimPath,
  type Purpose,
  parseDcqlQuery,
  resolvePurpose,
} from '@haven/credentials';
import { type ClaimPath, NEVER_SELECTIVELY_DISCLOSABLE, verifySdJwtVc } from '@haven/sd-jwt';
import { failOid4vp } from '../errors.js';
import type { PresentedCredential, VerifyVpTokenOptions, VpTokenVerification } from './contracts.js';

/**
 * Bounds on a `vp_token` (OpenID4VP §8.1 sets none). Each presentation is further bounded by the SD-JWT
 * limits when it is verified.
 */
export const VP_TOKEN_LIMITS = Object.freeze({
  /** Largest `vp_token` given as JSON text (UTF-16 code units). */
  maxJsonLength: 1024 * 1024,
  /** Deepest nesting of a `vp_token` given as JSON text (it only needs 2). */
  maxJsonDepth: 4,
  /** Most presentations answering one Credential Query (`multiple: true`). */
  presentationsPerQuery: 16,
  /** Most presentations in the whole `vp_token`. */
  presentations: 32,
});

/**
 * Claims of the credential itself (SD-JWT VC §"Registered JWT Claims", RFC 7519 §4.1), not of its
 * subject: when plain they are checked by the verification or reported apart, never returned as claims.
 */
const REGISTERED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'iat',
  'nbf',
  'exp',
  'vct',
  'vct#integrity',
  'cnf',
  'status',
  'sub',
  '_sd_alg',
  ...NEVER_SELECTIVELY_DISCLOSABLE,
]);

const REPORTED_PATHS_MAX = 20;
const PATH_NAME = /^[A-Za-z0-9_#.-]{1,64}$/;

/** A query claim path and, when the query gives `values`, what the claim must equal (§6.3). */
interface AllowedPath {
  readonly path: ClaimPath;
  readonly values?: readonly unknown[];
}

function invalidToken(message: string, queryId?: string): never {
  failOid4vp('OID4VP_VP_TOKEN_INVALID', message, queryId === undefined ? {} : { details: { queryId } });
}

function checkOptions(options: VerifyVpTokenOptions): void {
  const ok =
    isJsonObject(options) &&
    typeof options.nonce === 'string' &&
    options.nonce.length > 0 &&
    typeof options.clientId === 'string' &&
    options.clientId.length > 0 &&
    typeof options.issuerKey === 'function' &&
    // Required: a credential with a status must be checked (fail closed), never 'unchecked'.
    typeof options.status === 'function' &&
    (options.vctBase === undefined || typeof options.vctBase === 'string') &&
    (options.maxKeyBindingAgeSeconds === undefined ||
      (Number.isSafeInteger(options.maxKeyBindingAgeSeconds) && options.maxKeyBindingAgeSeconds > 0));
  if (!ok) {
    failOid4vp(
      'OID4VP_OPTIONS_INVALID',
      'verifyVpToken needs a nonce, the full client_id, an issuer key source and a status checker',
    );
  }
}

/**
 * The `vp_token` as a map of Credential Query ids to presentations (§8.1): a JSON object (or its JSON
 * text) whose every member names a Credential Query of the request and holds a non-empty array of
 * strings, one unless the query allows `multiple`.
 */
function readVpToken(vpToken: unknown, queries: ReadonlyMap<string, DcqlCredentialQuery>) {
  let token = vpToken;
  if (typeof token === 'string') {
    try {
      token = parseStrictJson(token, {
        maxBytes: VP_TOKEN_LIMITS.maxJsonLength,
        maxDepth: VP_TOKEN_LIMITS.maxJsonDepth,
        what: 'vp_token',
      });
    } catch (cause) {
      if (!isHavenError(cause)) throw cause;
      failOid4vp('OID4VP_VP_TOKEN_INVALID', 'the vp_token is not valid JSON', {
        cause,
        details: { reason: cause.code },
      });
    }
  }
  if (!isJsonObject(token)) invalidToken('the vp_token must be an object of Credential Query ids');
  const answers = new Map<string, readonly string[]>();
  let total = 0;
  for (const [id, value] of Object.entries(token)) {
    const query = queries.get(id);
    if (query === undefined) invalidToken('the vp_token answers a Credential Query that was not asked');
    if (!Array.isArray(value) || value.length === 0) {
      invalidToken('a vp_token member must be a non-empty array of presentations', id);
    }
    if (!value.every((p) => typeof p === 'string' && p.length > 0)) {
      invalidToken('every presentation in the vp_token must be a non-empty string', id);
    }
    if (value.length > 1 && query.multiple !== true) {
      invalidToken('several presentations answer a Credential Query that allows one', id);
    }
    total += value.length;
    if (value.length > VP_TOKEN_LIMITS.presentationsPerQuery || total > VP_TOKEN_LIMITS.presentations) {
      invalidToken('the vp_token holds too many presentations', id);
    }
    // §8.1 and Appendix B.3.6: Haven verifies SD-JWT VCs only; any other format is refused.
    if (query.format !== 'dc+sd-jwt')
      invalidToken('the vp_token answers a query in an unsupported format', id);
    answers.set(id, value as string[]);
  }
  if (answers.size === 0) invalidToken('the vp_token answers no Credential Query');
  return answers;
}

/** Most choices tried when matching the answered ids to credential set options (the query is ours). */
const CREDENTIAL_SET_STEPS_MAX = 10_000;

/**
 * §6.4.2: without `credential_sets` every Credential Query must be answered. With them, a set is
 * satisfied by returning ONE of its options: there must be a choice of one fully answered option per
 * required set (and at most one per optional set) whose ids are exactly the answered ones, so neither
 * a required set is missing nor anything is presented beyond the chosen options.
 */
function checkCredentialSets(query: DcqlQuery, answered: ReadonlySet<string>): void {
  const sets = query.credential_sets;
  if (sets === undefined) {
    const missing = query.credentials.find((c) => !answered.has(c.id));
    if (missing !== undefined) invalidToken('a Credential Query was not answered', missing.id);
    return;
  }
  const complete = (option: readonly string[]) => option.every((id) => answered.has(id));
  const candidates = sets.map((set) => {
    const options: (readonly string[])[] = set.options.filter(complete);
    return set.required === false ? [...options, []] : options;
  });
  if (candidates.some((c) => c.length === 0)) invalidToken('a required credential set is not answered');
  for (const id of answered) {
    if (!candidates.some((options) => options.some((option) => option.includes(id)))) {
      invalidToken('a credential was presented outside any answered credential set option', id);
    }
  }
  let steps = 0;
  const choose = (index: number, covered: ReadonlySet<string>): boolean => {
    if (++steps > CREDENTIAL_SET_STEPS_MAX) return false;
    const options = candidates[index];
    if (options === undefined) return covered.size === answered.size;
    return options.some((option) => choose(index + 1, new Set([...covered, ...option])));
  };
  if (!choose(0, new Set())) {
    invalidToken('the credentials presented are more than one option of a credential set');
  }
}

function safePathText(path: readonly (string | number | null)[]): string {
  // Claim names come from the issuer and the holder: report id-shaped names only, never free text.
  return formatClaimPath(path.map((c) => (typeof c === 'string' && !PATH_NAME.test(c) ? '?' : c)));
}

/** Does `path` lead towards `target` (a strict ancestor: the container `target` lives in)? */
function leadsTo(path: ClaimPath, target: ClaimPath): boolean {
  if (path.length >= target.length) return false;
  return path.every((c, i) => {
    const t = target[i];
    return t === c || (t === null && typeof c === 'number');
  });
}

function coveredBy(allowed: readonly AllowedPath[], path: ClaimPath, value: unknown): boolean {
  return allowed.some(
    (a) =>
      claimPathCovers(a.path, path) &&
      // §6.3: a claim asked with `values` may only be disclosed where it equals one of them.
      (a.values === undefined || (path.length === a.path.length && a.values.some((v) => v === value))),
  );
}

function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneJson(v);
    return out;
  }
  return value;
}

/**
 * Walks the verified claims: every value must be allowed (by the query and the purpose) or be a
 * container on the way to an allowed one; anything else was disclosed beyond what was asked. Returns the
 * allowed claims, built fresh and nested as in the credential, and the paths that were not allowed.
 */
function selectAllowedClaims(
  claims: Record<string, unknown>,
  allowed: readonly AllowedPath[],
): { claims: Record<string, unknown>; extra: ClaimPath[] } {
  const extra: ClaimPath[] = [];
  const visit = (path: ClaimPath, value: unknown): { keep: boolean; value?: unknown } => {
    if (coveredBy(allowed, path, value)) return { keep: true, value: cloneJson(value) };
    const container = Array.isArray(value) || isJsonObject(value);
    if (!container || !allowed.some((a) => leadsTo(path, a.path))) {
      extra.push(path);
      return { keep: false };
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((element, i) => {
        const r = visit([...path, i], element);
        if (r.keep) out.push(r.value);
      });
      return { keep: out.length > 0, value: out };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const r = visit([...path, k], v);
      if (r.keep) out[k] = r.value;
    }
    return { keep: Object.keys(out).length > 0, value: out };
  };
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (REGISTERED_CLAIMS.has(name)) continue;
    const r = visit([name], value);
    if (r.keep) out[name] = r.value;
  }
  return { claims: out, extra };
}

function overDisclosed(queryId: string, index: number, paths: readonly ClaimPath[]): never {
  const reported = [...new Set(paths.map(safePathText))].slice(0, REPORTED_PATHS_MAX);
  failOid4vp('OID4VP_OVER_DISCLOSED', 'a presentation discloses claims that were not asked for', {
    details: { queryId, index, paths: reported },
  });
}

async function verifyPresentation(
  presentation: string,
  index: number,
  query: Extract<DcqlCredentialQuery, { format: 'dc+sd-jwt' }>,
  purpose: Purpose,
  options: VerifyVpTokenOptions,
): Promise<PresentedCredential> {
  const queryId = query.id;
  const invalid = (message: string, cause: string): never =>
    failOid4vp('OID4VP_PRESENTATION_INVALID', message, { details: { queryId, index, cause } });
  let result: Awaited<ReturnType<typeof verifySdJwtVc>>;
  try {
    result = await verifySdJwtVc(presentation, {
      issuerKey: options.issuerKey,
      clock: options.clock,
      // §8.6, §14.1: the KB-JWT binds this transaction's nonce and the full client_id, prefix included.
      holderBinding: {
        required: true,
        nonce: options.nonce,
        aud: options.clientId,
        ...(options.maxKeyBindingAgeSeconds === undefined
          ? {}
          : { maxAgeSeconds: options.maxKeyBindingAgeSeconds }),
      },
      status: options.status,
      expectedVct: query.meta.vct_values,
    });
  } catch (error) {
    // verifySdJwtVc reports failures; a throw here is a misuse (e.g. bad options) or a checker bug.
    return invalid(
      'a presentation could not be verified',
      isHavenError(error) ? error.code : 'INTERNAL_ERROR',
    );
  }
  if (!result.verified) return invalid('a presentation failed verification', result.error.code);
  const { vct, issuer } = result;
  if (typeof issuer !== 'string' || issuer.length === 0) {
    return invalid('a presentation names no issuer', 'SDJWT_VC_CLAIM_INVALID');
  }
  const type = credentialTypeForVct(vct, options.vctBase === undefined ? {} : { vctBase: options.vctBase });
  if (type === undefined)
    return invalid('a presentation is of an unknown credential type', 'CREDENTIAL_TYPE_UNKNOWN');

  // §6.4.1: the presentation alone must satisfy its Credential Query (claims, claim_sets, values).
  const single = { ...query, multiple: false };
  const evaluation = evaluateDcqlQuery({ credentials: [single] }, [
    { id: 'presented', format: 'dc+sd-jwt', vct, claims: result.claims },
  ]);
  if (!evaluation.satisfied) invalidToken('a presentation does not satisfy its Credential Query', queryId);

  // Nothing beyond the query and the purpose (ARF RPRC_21): every disclosed path, and every plain claim
  // that is not a registered one, must be covered by both. With `claim_sets` (§6.4.1) the verifier asked
  // for ONE of the combinations, so everything disclosed must fit a single set the presentation satisfies:
  // two alternatives' claims together (an exact birth date beside `age_over_18`) are over-disclosure.
  const purposePaths: AllowedPath[] = claimsForPurpose(purpose, type.id).map((path) => ({ path }));
  const allClaims = query.claims ?? [];
  const candidates =
    query.claim_sets === undefined
      ? [{ claims: allClaims, set: undefined }]
      : query.claim_sets.map((set) => ({
          claims: allClaims.filter((c) => c.id !== undefined && set.includes(c.id)),
          set,
        }));
  let firstExtra: ClaimPath[] | undefined;
  let satisfiedExtra: ClaimPath[] | undefined;
  let chosen: { queryPaths: AllowedPath[] } | undefined;
  for (const candidate of candidates) {
    const queryPaths: AllowedPath[] = candidate.claims.map((c) =>
      c.values === undefined ? { path: c.path } : { path: c.path, values: c.values },
    );
    const allowedByBoth = (path: ClaimPath) =>
      queryPaths.some((a) => claimPathCovers(a.path, path)) &&
      purposePaths.some((a) => claimPathCovers(a.path, path));
    const towards = (path: ClaimPath) => queryPaths.some((a) => leadsTo(path, a.path));
    const extra: ClaimPath[] = [
      ...result.disclosed.filter((path) => !allowedByBoth(path) && !towards(path)),
      ...selectAllowedClaims(result.claims, queryPaths).extra,
      ...selectAllowedClaims(result.claims, purposePaths).extra,
    ];
    const satisfied =
      candidate.set === undefined ||
      evaluateDcqlQuery({ credentials: [{ ...single, claim_sets: [candidate.set] }] }, [
        { id: 'presented', format: 'dc+sd-jwt', vct, claims: result.claims },
      ]).satisfied;
    if (extra.length === 0 && satisfied) {
      chosen = { queryPaths };
      break;
    }
    if (extra.length > 0 && satisfied) satisfiedExtra ??= extra;
    if (extra.length > 0) firstExtra ??= extra;
  }
  // Report the extras against a set the presentation satisfies, when there is one.
  if (chosen === undefined) overDisclosed(queryId, index, satisfiedExtra ?? firstExtra ?? []);
  const fromQuery = selectAllowedClaims(result.claims, chosen.queryPaths);

  const presented: PresentedCredential = {
    queryId,
    format: 'dc+sd-jwt',
    credentialType: type.id,
    vct,
    issuer,
    claims: fromQuery.claims,
    disclosed: result.disclosed.map((path) => [...path]),
  };
  return result.statusFound === undefined ? presented : { ...presented, status: result.statusFound };
}

/**
 * Verifies a `vp_token` answering a DCQL query (OpenID4VP §8.1, §6.4) on the verifier's side:
 * 1. the query must stay within the registered purpose (`OVER_ASKING` from `@haven/credentials`);
 * 2. the `vp_token` must be an object (or its JSON text) of Credential Query ids to non-empty arrays of
 *    presentations, one per query unless `multiple`, in `dc+sd-jwt` only, answering every query or, with
 *    `credential_sets`, exactly one option of every required set and at most one of each optional set
 *    (§6.4.2: nothing beyond the chosen options);
 * 3. every presentation is verified as an SD-JWT VC (RFC 9901 §7.3) with a KB-JWT over this nonce and the
 *    full client_id (§8.6, §14.1), a trusted issuer, a `vct` the query lists and its status checked;
 * 4. each presentation must satisfy its Credential Query (claims, `claim_sets`, `values`);
 * 5. nothing may be disclosed beyond the query's claims and the purpose's paths.
 *
 * Throws `OID4VP_VP_TOKEN_INVALID` (`details.queryId` when known), `OID4VP_PRESENTATION_INVALID`
 * (`details.queryId`, `index`, `cause`: the underlying code), `OID4VP_OVER_DISCLOSED` (`details.paths`:
 * claim paths as JSON text, never values) or `OID4VP_OPTIONS_INVALID`; the query and purpose checks
 * throw `@haven/credentials` codes (`DCQL_QUERY_INVALID`, `PURPOSE_UNKNOWN`, `PURPOSE_INVALID`,
 * `PURPOSE_TYPE_NOT_ALLOWED`, `OVER_ASKING`). The returned `disclosed` paths include the parent
 * disclosures (digest-only containers) that lead to a nested claim asked for.
 *
 * @example
 * ```ts
 * const { credentials } = await verifyVpToken(body.vp_token, {
 *   dcqlQuery, nonce, clientId: 'x509_san_dns:verifier.example.org', purpose: 'age-check',
 *   issuerKey, status: createTokenStatusListChecker({ fetch, clock, issuerKey: listKey }), clock,
 * });
 * credentials[0]?.claims // { age_over_18: true }
 * ```
 */
export async function verifyVpToken(
  vpToken: unknown,
  options: VerifyVpTokenOptions,
): Promise<VpTokenVerification> {
  checkOptions(options);
  const purpose = resolvePurpose(options.purpose);
  const dcqlQuery = parseDcqlQuery(options.dcqlQuery);
  checkDcqlAgainstPurpose(
    purpose,
    dcqlQuery,
    options.vctBase === undefined ? {} : { vctBase: options.vctBase },
  );
  const queries = new Map(dcqlQuery.credentials.map((c) => [c.id, c]));
  const answers = readVpToken(vpToken, queries);
  checkCredentialSets(dcqlQuery, new Set(answers.keys()));

  const credentials: PresentedCredential[] = [];
  for (const query of dcqlQuery.credentials) {
    const presentations = answers.get(query.id);
    if (presentations === undefined || query.format !== 'dc+sd-jwt') continue;
    // Every presentation, in order: one failure rejects the whole response (§8.6).
    for (const [index, presentation] of presentations.entries()) {
      credentials.push(await verifyPresentation(presentation, index, query, purpose, options));
    }
  }
  return {
    credentials,
    answeredQueries: dcqlQuery.credentials.filter((c) => answers.has(c.id)).map((c) => c.id),
  };
}
