import {
  type Clock,
  checkJwtTimes,
  isHavenError,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  type JwsHeader,
  type KeyInput,
  LIMITS,
  parseJws,
  parseStrictJsonObject,
  readClock,
  verifyParsedJws,
} from '@haven/core';
import { z } from 'zod';
import { failStatus } from '../errors.js';
import { checkStaleListPolicy, type StaleListPolicy } from '../policy.js';
import { type DecodeStatusListOptions, decodeStatusList } from './decode-status-list.js';
import { STATUS_LIST_JWT_TYP } from './sign-status-list-token.js';
import type { StatusList } from './status-list.js';

/**
 * Finds the Status List Token's verification key. It sees the policy-checked header and the payload
 * *before* its signature is verified (to read `iss` or `kid`): trust neither beyond choosing a key.
 */
export type StatusListKeySource =
  | KeyInput
  | ((header: JwsHeader, unverifiedPayload: Record<string, unknown>) => KeyInput | Promise<KeyInput>);

export interface VerifyStatusListTokenOptions extends DecodeStatusListOptions {
  key: StatusListKeySource;
  /** The `uri` from the credential's `status.status_list`; `sub` must equal it (§8.3 step 4a). */
  expectedSub: string;
  /** The credential's `iss`. A list carrying `iss` must carry this one (`STATUS_LIST_ISSUER_MISMATCH`). */
  expectedIssuer?: string;
  clock: Clock;
  /** What an expired list means; default fail-closed (`STATUS_LIST_EXPIRED`). */
  policy?: StaleListPolicy;
  /** Allowed signature algorithms; default every algorithm Haven supports. */
  algorithms?: readonly JwsAlgorithm[];
  /**
   * Longest token accepted (characters); default the guarded fetcher's body cap (1 MiB). Lists are
   * legitimately larger than credentials: a million 2-bit statuses in random order compress to ~250 KB.
   */
  maxTokenLength?: number;
}

/** A verified Status List Token: only data taken from the signed token. */
export interface VerifiedStatusListToken {
  readonly header: JwsHeader;
  readonly payload: Record<string, unknown>;
  readonly list: StatusList;
  readonly sub: string;
  readonly iss?: string;
  readonly iat: number;
  readonly exp?: number;
  readonly ttl?: number;
  /** True when `exp` had passed and the list was accepted under an `allow-stale` policy. */
  readonly stale: boolean;
}

// §5.1 claims. `.loose()` keeps other claims (§5.1 rule 1); `bits` and `lst` are checked by the decoder
// so that a bad `bits` keeps its own code.
const zStatusListPayload = z
  .object({
    sub: z.string(),
    iat: z.number(),
    iss: z.string().optional(),
    exp: z.number().optional(),
    ttl: z
      .number()
      .refine((n) => Number.isFinite(n) && n > 0)
      .optional(),
    status_list: z.object({ bits: z.unknown(), lst: z.unknown() }).loose(),
  })
  .loose();

const SIGNATURE_CODES = new Set(['JWS_SIGNATURE_INVALID', 'JWS_ALG_KEY_MISMATCH', 'JWS_KEY_NOT_FOUND']);

// Core JWS/JWT failures become this package's codes, so one `switch` over status codes covers every
// way a list can be refused; the core error stays as `cause`.
function translate(error: unknown): never {
  if (isHavenError(error) && !error.code.startsWith('STATUS_')) {
    if (SIGNATURE_CODES.has(error.code)) {
      failStatus('STATUS_LIST_SIGNATURE_INVALID', 'the status list token signature does not verify', {
        cause: error,
      });
    }
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list token is not valid', { cause: error });
  }
  throw error;
}

async function resolveKey(
  source: StatusListKeySource,
  header: JwsHeader,
  payloadBytes: Uint8Array,
  maxBytes: number,
) {
  if (typeof source !== 'function') return source;
  return source(header, parseStrictJsonObject(payloadBytes, { maxBytes, what: 'status list token payload' }));
}

/**
 * Verifies a Status List Token in JWT form and decodes its list (draft-ietf-oauth-status-list §5.1,
 * §8.3 steps 3–5): `typ` `statuslist+jwt`, an allowed algorithm and a signature by `key`, the required
 * `sub` and `iat`, `sub` equal to the credential's `uri`, `iss` (when present) equal to the credential's
 * issuer, `nbf`/`iat` not in the future, `ttl` positive, and `exp` not passed (or, under `allow-stale`,
 * passed by at most the policy bound: then `stale` is true). Fails closed with `STATUS_*` codes.
 *
 * @example
 * ```ts
 * const { list } = await verifyStatusListToken(token, {
 *   key: issuerJwk, expectedSub: 'https://issuer.example/statuslists/1', expectedIssuer: 'https://issuer.example',
 *   clock: systemClock(),
 * });
 * ```
 */
export async function verifyStatusListToken(
  token: unknown,
  options: VerifyStatusListTokenOptions,
): Promise<VerifiedStatusListToken> {
  const policy = checkStaleListPolicy(options.policy);
  const { now, skew } = readClock(options.clock);
  if (typeof options.expectedSub !== 'string' || options.expectedSub === '') {
    failStatus('STATUS_REFERENCE_INVALID', 'the expected status list uri is missing');
  }
  const maxLength = options.maxTokenLength ?? LIMITS.fetchMaxBytes;
  let header: JwsHeader;
  let payload: Record<string, unknown>;
  try {
    const parsed = parseJws(token, {
      algorithms: options.algorithms ?? JWS_ALGORITHMS,
      typ: STATUS_LIST_JWT_TYP,
      maxLength,
    });
    const key = await resolveKey(options.key, parsed.header, parsed.payloadBytes, maxLength);
    ({ header, payload } = verifyParsedJws(parsed, key, { json: { maxBytes: maxLength } }));
  } catch (error) {
    translate(error);
  }
  const shape = zStatusListPayload.safeParse(payload);
  if (!shape.success) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list token claims do not follow §5.1');
  }
  const claims = shape.data;
  if (claims.sub !== options.expectedSub) {
    failStatus('STATUS_LIST_SUBJECT_MISMATCH', 'the status list token is not the list the credential names');
  }
  if (claims.iss !== undefined && claims.iss !== options.expectedIssuer) {
    failStatus('STATUS_LIST_ISSUER_MISMATCH', 'the status list token is from another issuer');
  }
  try {
    // `exp` is left out here: what an expired list means is the stale-list policy's call, below.
    checkJwtTimes({ ...payload, exp: undefined }, { clock: options.clock, requireIat: true });
  } catch (error) {
    translate(error);
  }
  let stale = false;
  const exp = claims.exp;
  if (exp !== undefined) {
    if (!(Number.isFinite(exp) && exp >= 0)) {
      failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list token exp is not a NumericDate');
    }
    // Written as "must hold" tests, as in core, so NaN cannot slip through as fresh.
    if (!(exp > now - skew)) {
      const allowed = policy.mode === 'allow-stale' && now - skew - exp <= policy.maxStaleSeconds;
      if (!allowed) failStatus('STATUS_LIST_EXPIRED', 'the status list token has expired');
      stale = true;
    }
  }
  const list = decodeStatusList(claims.status_list, options);
  return Object.freeze({
    header,
    payload,
    list,
    sub: claims.sub,
    iat: claims.iat,
    stale,
    ...(claims.iss === undefined ? {} : { iss: claims.iss }),
    ...(exp === undefined ? {} : { exp }),
    ...(claims.ttl === undefined ? {} : { ttl: claims.ttl }),
  });
}
