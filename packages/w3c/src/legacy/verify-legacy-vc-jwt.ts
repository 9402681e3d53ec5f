import {
  type Clock,
  checkJwtTimes,
  isHavenError,
  isJsonObject,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  type JwsHeader,
  parseJws,
  parseStrictJsonObject,
  peekJwsHeader,
  readClock,
  type VerifyResult,
  verifyParsedJws,
  verifyWithReport,
} from '@haven/core';
import type { DidResolver } from '@haven/did';
import { failW3c } from '../errors.js';
import { decodeJwtCredential, type LegacyCredential } from './decode-jwt-credential.js';
import { findLegacyIssuerKey } from './find-legacy-issuer-key.js';

/** The format name Haven reports for a VCDM 1.1 JWT credential. */
export const LEGACY_VC_JWT_FORMAT = 'vc1+jwt';

// Algorithms other VCDM 1.1 issuers use that Haven does not implement (DESIGN "Crypto": P-256, P-384 and
// Ed25519 only). Named so a verifier learns why a Veramo Secp256k1 credential fails, not just that it did.
const UNSUPPORTED_ALGORITHMS = new Set(['ES256K', 'ES256K-R', 'RS256', 'PS256', 'ES512', 'Ed25519']);

/** How a `credentialStatus` is checked; `'unchecked'` records that the verifier's policy accepts not checking. */
export type LegacyStatusPolicy =
  | 'unchecked'
  | ((entry: Record<string, unknown>, credential: LegacyCredential) => void | Promise<void>);

/** Options of {@link verifyLegacyVcJwt}. */
export interface VerifyLegacyVcJwtOptions {
  /** Issuer DIDs accepted, compared exactly with `iss`. */
  trustedIssuers: readonly string[];
  /** Resolves the issuer's DID; the key must be one of its `assertionMethod` keys. */
  dids: DidResolver;
  /** Time for `nbf`/`issuanceDate` and `exp`/`expirationDate`, with its skew. */
  clock: Clock;
  /** Algorithms accepted (default ES256, ES384, EdDSA). */
  algorithms?: readonly JwsAlgorithm[];
  /** This verifier's identifier: a credential carrying `aud` must name it, or it is refused. */
  audience?: string;
  /**
   * Required when the credential has `credentialStatus` (fail closed → `W3C_STATUS_UNCHECKED`): a checker
   * called per entry, or `'unchecked'`.
   */
  status?: LegacyStatusPolicy;
}

/** What a verified VCDM 1.1 JWT yields. */
export interface LegacyVcJwtVerification {
  /** The credential rebuilt from the verified payload (VCDM 1.1 §6.3.1), without a proof. */
  readonly credential: LegacyCredential;
  readonly issuer: string;
  readonly header: JwsHeader;
  readonly format: typeof LEGACY_VC_JWT_FORMAT;
  /** `checked`, `unchecked` (by policy) or `none` (the credential has no status). */
  readonly status: 'checked' | 'unchecked' | 'none';
}

function readHeader(token: unknown, algorithms: readonly JwsAlgorithm[]) {
  const peeked = peekJwsHeader(token);
  if (typeof peeked.alg === 'string' && UNSUPPORTED_ALGORITHMS.has(peeked.alg)) {
    failW3c('W3C_LEGACY_JWT_ALG_UNSUPPORTED', 'Haven verifies ES256, ES384 and EdDSA only', {
      details: { alg: peeked.alg },
    });
  }
  // VCDM 1.1 §6.3.1: `typ`, if present, must be JWT. Absent is allowed, so the policy follows the header;
  // any other value (vc+jwt is VCDM 2.0's) is refused by parseJws.
  return parseJws(token, { algorithms, typ: peeked.typ === undefined ? null : 'JWT' });
}

function readIssuer(payload: Record<string, unknown>, trusted: readonly string[]): string {
  const iss = payload.iss;
  if (typeof iss !== 'string' || iss.length === 0)
    failW3c('W3C_ISSUER_INVALID', 'the JWT has no "iss" claim');
  if (!Array.isArray(trusted)) failW3c('W3C_POLICY_INVALID', 'trustedIssuers must be an array');
  if (!trusted.includes(iss)) failW3c('W3C_ISSUER_UNTRUSTED', 'the issuer is not trusted');
  return iss;
}

function checkValidity(
  payload: Record<string, unknown>,
  issuedAt: number,
  expiresAt: number | undefined,
  clock: Clock,
) {
  try {
    checkJwtTimes(payload, { clock });
  } catch (cause) {
    if (isHavenError(cause, 'JWT_EXPIRED'))
      failW3c('W3C_EXPIRED', 'the credential has expired (exp)', { cause });
    if (isHavenError(cause, 'JWT_NOT_YET_VALID')) {
      failW3c('W3C_NOT_YET_VALID', 'the credential is not valid yet (nbf)', { cause });
    }
    // A misconfigured clock is the verifier's fault, not the token's: keep its code.
    if (isHavenError(cause, 'CLOCK_INVALID')) throw cause;
    failW3c('W3C_LEGACY_JWT_INVALID', 'the JWT time claims do not hold', { cause });
  }
  // The credential's own dates, for a token that carries them in `vc` only.
  const { now, skew } = readClock(clock);
  if (!(issuedAt <= now + skew))
    failW3c('W3C_NOT_YET_VALID', 'the credential is not valid yet (issuanceDate)');
  if (expiresAt !== undefined && !(expiresAt > now - skew)) {
    failW3c('W3C_EXPIRED', 'the credential has expired (expirationDate)');
  }
}

function checkAudience(aud: unknown, audience: string | undefined): void {
  if (aud === undefined) return;
  const list = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(list) || !list.every((a) => typeof a === 'string')) {
    failW3c('W3C_LEGACY_JWT_INVALID', 'the JWT "aud" claim must be a string or an array of strings');
  }
  // RFC 7519 §4.1.3: a recipient not named in `aud` must reject the token.
  if (audience === undefined || !list.includes(audience)) {
    failW3c('W3C_AUDIENCE_MISMATCH', 'the credential is addressed to another audience');
  }
}

async function checkStatus(
  credential: LegacyCredential,
  policy: LegacyStatusPolicy | undefined,
): Promise<'checked' | 'unchecked' | 'none'> {
  const status = credential.credentialStatus;
  if (status === undefined) return 'none';
  // VCDM 1.1 §7.1: one status object; a list is accepted as its 2.0 spelling.
  const entries = Array.isArray(status) ? status : [status];
  if (entries.length === 0 || !entries.every(isJsonObject)) {
    failW3c('W3C_LEGACY_JWT_INVALID', 'credentialStatus must be an object');
  }
  if (policy === 'unchecked') return 'unchecked';
  if (typeof policy !== 'function') {
    failW3c('W3C_STATUS_UNCHECKED', 'the credential has a status and no status checker was given');
  }
  for (const entry of entries) await policy(entry, credential);
  return 'checked';
}

/**
 * Verifies a VCDM 1.1 credential secured as a JWT (VCDM 1.1 §6.3.1), as Veramo's `credential-jwt` /
 * did-jwt-vc make it: header (`alg` ES256/ES384/EdDSA — ES256K → `W3C_LEGACY_JWT_ALG_UNSUPPORTED`;
 * `typ` absent or `JWT`), trusted `iss`, the issuer's `assertionMethod` key from its DID (`kid` a DID URL
 * of `iss`, or without `kid` the one key for `alg`), signature, then the `vc` claim decoded per §6.3.1
 * with every JWT claim agreeing with the property it stands for, validity period, `aud` and status.
 * Never throws: failures come back as a report with the failing check's code.
 *
 * @example
 * ```ts
 * const result = await verifyLegacyVcJwt(jwt, {
 *   trustedIssuers: ['did:key:z6Mk…'], dids: createDidResolver(), clock: systemClock(), status: 'unchecked',
 * });
 * if (result.verified) console.log(result.credential.issuanceDate);
 * ```
 */
export function verifyLegacyVcJwt(
  token: unknown,
  options: VerifyLegacyVcJwtOptions,
): Promise<VerifyResult<LegacyVcJwtVerification>> {
  return verifyWithReport(async (log) => {
    const parsed = log.run('header', () => readHeader(token, options.algorithms ?? JWS_ALGORITHMS));
    // Read before the signature only to pick the key; what is returned is decoded again from the same
    // bytes after the signature holds.
    const issuer = log.run('issuer', () =>
      readIssuer(parseStrictJsonObject(parsed.payloadBytes, { what: 'JWT payload' }), options.trustedIssuers),
    );
    const key = await log.runAsync('issuer-key', () =>
      findLegacyIssuerKey(issuer, parsed.header.kid, parsed.header.alg, options.dids),
    );
    const payload = log.run('signature', () => verifyParsedJws(parsed, key).payload);
    const decoded = log.run('jwt-decoding', () => decodeJwtCredential(payload));
    log.run('validity', () => checkValidity(payload, decoded.issuedAt, decoded.expiresAt, options.clock));
    log.run('audience', () => checkAudience(payload.aud, options.audience));
    const status = await log.runAsync('status', () => checkStatus(decoded.credential, options.status));
    return {
      credential: decoded.credential,
      issuer,
      header: parsed.header,
      format: LEGACY_VC_JWT_FORMAT,
      status,
    };
  });
}
