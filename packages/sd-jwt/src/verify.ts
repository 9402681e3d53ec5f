import type { KeyObject } from 'node:crypto';
import {
  assertJwkUsableFor,
  type CheckLog,
  type Clock,
  checkJwtTimes,
  importPublicJwk,
  isHavenError,
  isJsonObject,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  type JwsHeader,
  type KeyInput,
  type PublicJwk,
  parseJws,
  parseStrictJsonObject,
  type VerifyResult,
  verifyJwt,
  verifyParsedJws,
  verifyWithReport,
} from '@haven/core';
import { checkLimit, type SdJwtParts, splitSdJwt } from './compact.js';
import { decodeDisclosure } from './disclosure.js';
import { failSdJwt } from './errors.js';
import { hashToBase64Url, readHashAlgorithm, SD_HASH_ALGORITHMS } from './hash-algorithm.js';
import { SD_JWT_LIMITS, type SdJwtLimits } from './limits.js';
import { KB_JWT_TYP } from './present.js';
import { type ProcessedPayload, processPayload } from './process.js';
import type { ClaimPath, SdHashAlgorithm } from './types.js';

/**
 * Whether the verifier requires holder binding (RFC 9901 §7.3 step 1). This comes from the verifier's
 * policy for the use case, never from whether the presentation happens to carry a KB-JWT or `cnf`.
 */
export type HolderBindingPolicy =
  | {
      required: true;
      /** The nonce this verifier issued for this transaction. */
      nonce: string;
      /** This verifier's identifier (e.g. its full client_id), expected as the KB-JWT `aud`. */
      aud: string;
      /** Oldest acceptable KB-JWT `iat`, in seconds (default 300). */
      maxAgeSeconds?: number;
      /** Algorithms the holder key may use (default ES256, ES384, EdDSA). */
      algorithms?: readonly JwsAlgorithm[];
    }
  | {
      required: false;
      /** Refuse an SD-JWT+KB outright: a holder receiving a credential must (RFC 9901 §7.2). */
      rejectKeyBinding?: boolean;
    };

/** Finds the issuer key from the policy-checked header and the not-yet-verified payload (e.g. `iss`, `kid`). */
export type IssuerKeySource = (
  header: JwsHeader,
  unverifiedPayload: Record<string, unknown>,
) => KeyInput | Promise<KeyInput>;

export interface VerifySdJwtOptions {
  /** The issuer's key. It must only ever return keys of issuers the verifier trusts. */
  issuerKey: IssuerKeySource;
  /** Expected `typ` of the issuer-signed JWT. */
  typ: string | readonly string[];
  /** Issuer signature algorithms (default ES256, ES384, EdDSA; `none` and HMAC can never be listed). */
  algorithms?: readonly JwsAlgorithm[];
  /** Accepted `_sd_alg` values (default sha-256, sha-384, sha-512). */
  hashAlgorithms?: readonly SdHashAlgorithm[];
  clock: Clock;
  holderBinding: HolderBindingPolicy;
  /** Require `exp` in the processed payload (RFC 9901 §7.1 step 6, §9.7). */
  requireExp?: boolean;
  /**
   * This verifier's identifier, if credentials may be addressed to it. A credential that carries `aud`
   * must name it (RFC 9901 §7.1 step 6); without this option such a credential is refused.
   */
  audience?: string;
  /**
   * How a `status` claim (Token Status List, revocation/suspension) is checked. A credential with a
   * status is refused unless a checker is given (fail closed), or `'unchecked'` says the verifier's
   * policy accepts not checking it; the report then says so.
   */
  status?: ((status: unknown, claims: Record<string, unknown>) => unknown) | 'unchecked';
  limits?: SdJwtLimits;
}

/** What a successful verification yields. */
export interface SdJwtVerification {
  /** The processed payload: plain and disclosed claims, built as a fresh object. */
  readonly claims: Record<string, unknown>;
  /** Paths of the claims the holder disclosed. */
  readonly disclosed: readonly ClaimPath[];
  readonly header: JwsHeader;
  /** True when a KB-JWT was required and verified. */
  readonly holderBound: boolean;
  /**
   * What the status checker reported (e.g. `@haven/status`'s `{ mechanism, status: 'VALID', stale }`),
   * when the credential has a status and a checker ran; absent otherwise.
   */
  readonly statusFound?: unknown;
}

function checkHolderPolicy(policy: HolderBindingPolicy): void {
  if (policy?.required === true) {
    // A policy without a nonce or audience would compare with `undefined` and let any KB-JWT through.
    if (
      typeof policy.nonce !== 'string' ||
      policy.nonce === '' ||
      typeof policy.aud !== 'string' ||
      policy.aud === ''
    ) {
      failSdJwt('SDJWT_POLICY_INVALID', 'holder binding needs the expected nonce and audience');
    }
  } else if (policy?.required !== false) {
    failSdJwt('SDJWT_POLICY_INVALID', 'holderBinding.required must be true or false');
  }
}

interface IssuerJwt {
  header: JwsHeader;
  payload: Record<string, unknown>;
}

/**
 * Verifies the issuer-signed JWT. Synchronous when the key source answers at once (a configured key, a
 * cache hit: the common case), so the hot path pays no promise and microtask hops for it; a key source
 * that returns a promise (or any thenable, as `await` would accept) is waited for.
 */
function verifyIssuerJwt(
  parts: SdJwtParts,
  options: ChecksOptions,
  typ: VerifySdJwtOptions['typ'],
): IssuerJwt | Promise<IssuerJwt> {
  const parsed = parseJws(parts.jwt, { algorithms: options.algorithms ?? JWS_ALGORITHMS, typ });
  // Frozen: the key lookup sees the unverified payload and must not be able to change what is verified.
  const payload = deepFreeze(parseStrictJsonObject(parsed.payloadBytes, { what: 'SD-JWT payload' }));
  const key = options.issuerKey(parsed.header, payload);
  const finish = (resolved: KeyInput): IssuerJwt => {
    verifyParsedJws(parsed, resolved, { payload: 'bytes' });
    return { header: parsed.header, payload };
  };
  return isThenable(key) ? Promise.resolve(key).then(finish) : finish(key);
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** `log.run` for a step that may finish now or later: a synchronous result is recorded without an await. */
function runStep<T>(log: CheckLog, name: string, step: () => T | Promise<T>): T | Promise<T> {
  let value: T | Promise<T>;
  try {
    value = step();
  } catch (error) {
    // Recorded as the failing check, exactly as `log.run` would; rethrown by it.
    return log.run(name, () => {
      throw error;
    });
  }
  return value instanceof Promise ? log.runAsync(name, () => value) : log.run(name, () => value);
}

function verifyKeyBinding(
  parts: SdJwtParts,
  claims: Record<string, unknown>,
  hashAlg: SdHashAlgorithm,
  policy: Extract<HolderBindingPolicy, { required: true }>,
  clock: Clock,
): void {
  if (parts.kbJwt === undefined)
    failSdJwt('SDJWT_KB_REQUIRED', 'holder binding is required but no KB-JWT was presented');
  const cnf = claims.cnf;
  if (!isJsonObject(cnf) || cnf.jwk === undefined)
    failSdJwt('SDJWT_CNF_MISSING', 'the credential has no holder key (cnf.jwk)');
  let holderKey: KeyObject;
  try {
    // Imported (and validated: public only, on the curve, usable for signatures) once per key.
    holderKey = importPublicJwk(cnf.jwk);
    assertJwkUsableFor(cnf.jwk as PublicJwk, 'verify');
  } catch (cause) {
    if (isHavenError(cause))
      failSdJwt('SDJWT_CNF_INVALID', 'the credential holder key is not a usable public key', {
        cause,
        details: { reason: cause.code },
      });
    throw cause;
  }
  let kb: Record<string, unknown>;
  try {
    kb = verifyJwt(parts.kbJwt, {
      algorithms: policy.algorithms ?? JWS_ALGORITHMS,
      typ: KB_JWT_TYP,
      key: holderKey,
      clock,
      requireIat: true,
      maxAgeSeconds: policy.maxAgeSeconds ?? 300,
    }).payload;
  } catch (cause) {
    if (isHavenError(cause))
      failSdJwt('SDJWT_KB_INVALID', 'the KB-JWT is not valid', { cause, details: { reason: cause.code } });
    throw cause;
  }
  if (kb.nonce !== policy.nonce)
    failSdJwt('SDJWT_KB_NONCE_MISMATCH', 'the KB-JWT was made for another transaction');
  if (kb.aud !== policy.aud) failSdJwt('SDJWT_KB_AUD_MISMATCH', 'the KB-JWT was made for another verifier');
  if (kb.sd_hash !== hashToBase64Url(hashAlg, parts.sdJwt)) {
    failSdJwt('SDJWT_KB_SD_HASH_MISMATCH', 'the KB-JWT does not cover this presentation');
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    // Primitives (most members) are skipped here rather than by a call each.
    for (const member of Object.values(value))
      if (member !== null && typeof member === 'object') deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

function checkAudience(claims: Record<string, unknown>, audience: string | undefined): void {
  const aud = claims.aud;
  if (aud === undefined) return;
  const names = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined;
  if (names === undefined || !names.every((a) => typeof a === 'string')) {
    failSdJwt('SDJWT_AUDIENCE_MISMATCH', 'the credential "aud" is malformed');
  }
  if (audience === undefined || !names.includes(audience)) {
    failSdJwt('SDJWT_AUDIENCE_MISMATCH', 'the credential is addressed to another audience');
  }
}

/** The profile hook: runs right after the disclosures, on the signed payload and the processed one. */
export interface SdJwtProfile {
  readonly name: string;
  check(processed: ProcessedPayload, signedPayload: Readonly<Record<string, unknown>>): void;
}

/**
 * The checks of {@link verifySdJwt}, recorded on a caller's check log, so profiles (SD-JWT VC) can add
 * theirs to one report; `profile.check` runs right after the disclosures are processed.
 */
export async function runSdJwtChecks(
  log: CheckLog,
  presentation: unknown,
  options: VerifySdJwtOptions,
  profile?: SdJwtProfile,
): Promise<SdJwtVerification> {
  return runChecks(log, presentation, options, options.typ, profile);
}

type ChecksOptions = Omit<VerifySdJwtOptions, 'typ'>;

/**
 * {@link runSdJwtChecks}, synchronous whenever nothing needs waiting for (a key source and a status
 * checker that answer at once): a verification then costs no promise or microtask hop per step. Only
 * the issuer key lookup and the status checker can make it asynchronous. `typ` is passed apart so a
 * profile (SD-JWT VC) need not copy the caller's options to set it.
 */
export function runChecks(
  log: CheckLog,
  presentation: unknown,
  options: ChecksOptions,
  typ: VerifySdJwtOptions['typ'],
  profile?: SdJwtProfile,
): SdJwtVerification | Promise<SdJwtVerification> {
  checkHolderPolicy(options.holderBinding);
  const maxDepth = checkLimit(options.limits?.maxDepth, SD_JWT_LIMITS.maxDepth);
  const parts = log.run('format', () => splitSdJwt(presentation, options.limits));
  const issuer = runStep(log, 'issuer_signature', () => verifyIssuerJwt(parts, options, typ));
  return issuer instanceof Promise
    ? issuer.then((verified) => checkIssued(log, parts, verified, options, maxDepth, profile))
    : checkIssued(log, parts, issuer, options, maxDepth, profile);
}

/** The checks after the issuer signature: disclosures, profile, validity, holder binding, status. */
function checkIssued(
  log: CheckLog,
  parts: SdJwtParts,
  { header, payload }: IssuerJwt,
  options: ChecksOptions,
  maxDepth: number,
  profile: SdJwtProfile | undefined,
): SdJwtVerification | Promise<SdJwtVerification> {
  const hashAlg = log.run('hash_algorithm', () =>
    readHashAlgorithm(payload, options.hashAlgorithms ?? SD_HASH_ALGORITHMS),
  );
  const processed = log.run('disclosures', () =>
    processPayload(
      payload,
      parts.disclosures.map((d) => decodeDisclosure(d, hashAlg, maxDepth)),
      maxDepth,
    ),
  );
  // A profile's rules on the structure (e.g. SD-JWT VC: which claims must stay plain) come before the
  // time and holder checks, so a structural violation is reported as such.
  if (profile) log.run(profile.name, () => profile.check(processed, payload));
  log.run('validity', () => {
    checkJwtTimes(processed.claims, { clock: options.clock, requireExp: options.requireExp ?? false });
    checkAudience(processed.claims, options.audience);
  });
  const policy = options.holderBinding;
  if (policy.required) {
    log.run('holder_binding', () =>
      verifyKeyBinding(parts, processed.claims, hashAlg, policy, options.clock),
    );
  } else if (policy.rejectKeyBinding && parts.kbJwt !== undefined) {
    log.run('holder_binding', () =>
      failSdJwt('SDJWT_KB_UNEXPECTED', 'an SD-JWT+KB was given where a plain SD-JWT is expected'),
    );
  }
  const result: SdJwtVerification = {
    claims: processed.claims,
    disclosed: processed.disclosed,
    header,
    holderBound: policy.required,
  };
  if (processed.claims.status !== undefined) {
    const checker = options.status;
    if (checker === 'unchecked') log.pass('status_not_checked');
    else if (checker === undefined) {
      log.run('status', () =>
        failSdJwt('SDJWT_STATUS_UNCHECKED', 'the credential has a status and no status checker was given'),
      );
    } else {
      return log
        .runAsync('status', async () => checker(processed.claims.status, processed.claims))
        .then((found) => (found === undefined ? result : { ...result, statusFound: found }));
    }
  }
  return result;
}

/**
 * Verifies an SD-JWT or SD-JWT+KB (RFC 9901 §7.1, §7.3) and reports every check. Fails closed: the first
 * failing check ends the verification with its code.
 *
 * @example
 * ```ts
 * const result = await verifySdJwt(presentation, {
 *   issuerKey: () => issuerPublicJwk,
 *   typ: 'example+sd-jwt',
 *   clock: systemClock(),
 *   holderBinding: { required: true, nonce, aud: 'https://verifier.example' },
 * });
 * if (result.verified) use(result.claims);
 * ```
 */
export function verifySdJwt(
  presentation: unknown,
  options: VerifySdJwtOptions,
): Promise<VerifyResult<SdJwtVerification>> {
  return verifyWithReport((log) => runChecks(log, presentation, options, options.typ));
}
