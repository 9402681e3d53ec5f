import {
  createSigner,
  type GuardedFetch,
  type GuardedResponse,
  generateKeyPair,
  parseStrictJson,
  systemClock,
  toPublicJwk,
} from '@haven/core';
import { claimsTemplate, dcqlForPurpose, prepareIssuance } from '@haven/credentials';
import { verifyVpToken } from '@haven/oid4vp';
import { issueSdJwtVcSync, presentSdJwtSync } from '@haven/sd-jwt';
import {
  createTokenStatusListChecker,
  MIN_STATUS_LIST_SIZE,
  STATUS_LIST_JWT_MEDIA_TYPE,
  StatusList,
  signStatusListToken,
} from '@haven/status';
import { measure } from './harness.js';

/** The credential type the benchmark presents (its `age_over_18` answers the `age-check` purpose). */
export const VERIFIER_BENCH_CREDENTIAL_TYPE = 'identity-restoration';
/** The registered purpose every benchmark transaction is for. */
export const VERIFIER_BENCH_PURPOSE = 'age-check';

const ISSUER = 'https://issuer.bench.example';
const STATUS_URI = `${ISSUER}/status/1`;
const CLIENT_ID = 'redirect_uri:https://verifier.bench.example/oid4vp/response';
const NONCE = 'bench-nonce-0123456789abcdef';

/** The Credential Query id of the first query in `dcql` for `dc+sd-jwt`. */
export function sdJwtQueryId(dcql: {
  readonly credentials: readonly { id: string; format: string }[];
}): string {
  const query = dcql.credentials.find((c) => c.format === 'dc+sd-jwt');
  if (query === undefined) throw new Error('the DCQL query has no dc+sd-jwt Credential Query');
  return query.id;
}

/** A status list server answering from memory: the one list the benchmark credential points at. */
function statusListFetch(token: string): GuardedFetch {
  const bytes = new TextEncoder().encode(token);
  return (input) => {
    const url = typeof input === 'string' ? input : input.url;
    const found = url === STATUS_URI;
    const body = found ? bytes : new Uint8Array();
    const response: GuardedResponse = {
      status: found ? 200 : 404,
      url,
      headers: found ? { 'content-type': STATUS_LIST_JWT_MEDIA_TYPE } : {},
      body,
      json: (options) => parseStrictJson(body, options),
      text: () => new TextDecoder().decode(body),
    };
    return Promise.resolve(response);
  };
}

/** The library's rate: per wall-clock second, and per CPU-second of this process (steadier on a busy machine). */
export interface LibraryRate {
  readonly perSecond: number;
  readonly perCpuSecond: number;
}

/**
 * The library's own `verifyVpToken` rate in this process, on one core: an `age-check` answer with one
 * SD-JWT VC (`identity-restoration`, issued as the server issues it: with a Token Status List entry),
 * `age_over_18` disclosed and a KB-JWT for the nonce and client_id, verified with the issuer key known
 * and the status list cached (the checker fetched it once, from memory). What the server's response
 * endpoint wraps for each request; the loop verifies one `vp_token` over and over (replay is the
 * server's store's business, not this function's). Checks the first verification before timing. The
 * rate per CPU-second divides by the share of a core the process actually got (an approximation that
 * includes the harness's warm-up and calibration).
 *
 * @example
 * ```ts
 * const { perSecond, perCpuSecond } = await measureLibraryVerify(); // e.g. 2,400 and 2,450
 * ```
 */
export async function measureLibraryVerify(): Promise<LibraryRate> {
  const issuer = generateKeyPair('ES256');
  const signer = createSigner(issuer.privateJwk);
  const issuerPublic = toPublicJwk(issuer.publicJwk);
  const holder = generateKeyPair('ES256');
  const clock = systemClock();
  const now = Math.floor(Date.now() / 1000);
  const list = new StatusList(MIN_STATUS_LIST_SIZE, 1);
  const token = await signStatusListToken(list, {
    signer,
    sub: STATUS_URI,
    iss: ISSUER,
    iat: now,
    exp: now + 3600,
    ttl: 3600,
  });
  const prepared = prepareIssuance(
    VERIFIER_BENCH_CREDENTIAL_TYPE,
    claimsTemplate(VERIFIER_BENCH_CREDENTIAL_TYPE),
    {
      now: new Date(),
    },
  );
  const credential = issueSdJwtVcSync(
    {
      ...prepared.claims,
      iss: ISSUER,
      vct: prepared.vct,
      iat: now,
      exp: now + 365 * 86_400,
      status: { status_list: { idx: 4321, uri: STATUS_URI } },
    },
    { signer, frame: prepared.disclosureFrame, holderPublicJwk: holder.publicJwk },
  );
  const dcqlQuery = dcqlForPurpose(VERIFIER_BENCH_PURPOSE);
  const presentation = presentSdJwtSync(credential, {
    disclose: [['age_over_18']],
    keyBinding: { signer: createSigner(holder.privateJwk), nonce: NONCE, aud: CLIENT_ID, clock },
  });
  const vpToken = { [sdJwtQueryId(dcqlQuery)]: [presentation] };
  const options = {
    dcqlQuery,
    nonce: NONCE,
    clientId: CLIENT_ID,
    purpose: VERIFIER_BENCH_PURPOSE,
    issuerKey: () => issuerPublic,
    status: createTokenStatusListChecker({
      fetch: statusListFetch(token),
      issuerKey: () => issuerPublic,
      clock,
    }),
    clock,
  };
  const first = await verifyVpToken(vpToken, options);
  if (first.credentials.length !== 1 || first.credentials[0]?.claims.age_over_18 !== true) {
    throw new Error('the library baseline did not verify one credential with age_over_18');
  }
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const [result] = await measure([{ name: 'verifyVpToken', run: () => verifyVpToken(vpToken, options) }]);
  const cpu = process.cpuUsage(cpuBefore);
  const wallSeconds = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  if (result === undefined) throw new Error('the library baseline produced no result');
  // Share of one core this process got while measuring (1 on an idle machine; less when others compete).
  const coreShare = Math.min(1, (cpu.user + cpu.system) / 1e6 / wallSeconds);
  return { perSecond: result.opsPerSecond, perCpuSecond: result.opsPerSecond / coreShare };
}
