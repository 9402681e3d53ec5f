import {
  isHavenError,
  type JwsAlgorithm,
  type PublicJwk,
  peekJwsHeader,
  toPublicJwk,
  verifyJwt,
} from '@haven/core';
import { PROOF_JWT_TYP } from '../constants.js';
import { failOid4vci } from '../errors.js';

/** What {@link verifyProofJwt} checks a key proof against. */
export interface VerifyProofJwtOptions {
  /** The Credential Issuer Identifier: the only accepted `aud`. */
  readonly credentialIssuer: string;
  /** Accepted `alg` values (the configuration's `proof_signing_alg_values_supported`). */
  readonly algorithms: readonly JwsAlgorithm[];
  /** Request time, epoch seconds. */
  readonly now: number;
  readonly clockSkewSeconds: number;
  /** Oldest acceptable `iat`, in seconds before `now` (plus skew). */
  readonly maxAgeSeconds: number;
}

/** A verified key proof: the holder key the credential will be bound to, and the nonce it carries. */
export interface VerifiedProofJwt {
  readonly holderKey: PublicJwk;
  readonly nonce: string;
  readonly iat: number;
}

// Largest proof accepted: a JWK header and four short claims fit in well under 8 KiB.
const MAX_PROOF_LENGTH = 8 * 1024;

/**
 * Verifies one `jwt` key proof (OpenID4VCI Appendix F.1, F.4), without touching the nonce store:
 * `typ` exactly `openid4vci-proof+jwt`; `alg` among `algorithms` and bound to the key type (never
 * `none` or HMAC); the key in a public `jwk` header — `kid` and `x5c` (alone or with `jwk`) are
 * refused, a `jwk` with private members too; a valid signature; `aud` the Credential Issuer Identifier
 * (a string; an array only if it is exactly `[credentialIssuer]`, as some JWT libraries always write
 * one); `iat` present, not ahead of `now` by more than the skew and not older than `maxAgeSeconds`;
 * `nonce` a non-empty string (Haven has a Nonce Endpoint, so it is required, §8.3.1.2); `iss`, if
 * present, a string. Also `crit` and `b64` are refused (core). Every failure is `OID4VCI_INVALID_PROOF`
 * with the underlying core code in `details.reason` when there is one.
 *
 * @example
 * ```ts
 * const { holderKey, nonce } = verifyProofJwt(jwt, {
 *   credentialIssuer: 'https://issuer.example', algorithms: ['ES256'], now, clockSkewSeconds: 60, maxAgeSeconds: 300,
 * });
 * ```
 */
export function verifyProofJwt(jwt: unknown, options: VerifyProofJwtOptions): VerifiedProofJwt {
  const { credentialIssuer, algorithms, now, clockSkewSeconds, maxAgeSeconds } = options;
  const payload = wrapCore(() => {
    const header = peekJwsHeader(jwt, MAX_PROOF_LENGTH);
    // Appendix F.1: explicitly typed; compared exactly, not with core's case-insensitive media type match.
    if (header.typ !== PROOF_JWT_TYP) invalid('the key proof is not typed openid4vci-proof+jwt');
    // Exactly one of kid / jwk / x5c identifies the key; only jwk is supported (no DID or X.509 binding).
    if (header.kid !== undefined) invalid('key proofs must carry the key in "jwk", not "kid"');
    if (header.x5c !== undefined) invalid('key proofs must carry the key in "jwk", not "x5c"');
    if (header.jwk === undefined) invalid('the key proof has no "jwk" header');
    return verifyJwt(jwt, {
      algorithms,
      typ: PROOF_JWT_TYP,
      allowHeaderJwk: true,
      maxLength: MAX_PROOF_LENGTH,
      clock: { now: () => now, skewSeconds: clockSkewSeconds },
      requireIat: true,
      maxAgeSeconds,
    });
  });
  const claims = payload.payload;
  const aud = claims.aud;
  const audOk =
    aud === credentialIssuer || (Array.isArray(aud) && aud.length === 1 && aud[0] === credentialIssuer);
  if (!audOk) invalid('the key proof is meant for another audience');
  const nonce = claims.nonce;
  if (typeof nonce !== 'string' || nonce === '') invalid('the key proof carries no c_nonce');
  if (claims.iss !== undefined && typeof claims.iss !== 'string')
    invalid('the key proof "iss" must be a string');
  const holderKey = payload.header.jwk;
  if (holderKey === undefined) invalid('the key proof has no "jwk" header');
  return { holderKey: toPublicJwk(holderKey), nonce, iat: claims.iat as number };
}

function invalid(message: string): never {
  failOid4vci('OID4VCI_INVALID_PROOF', message);
}

/** Runs core's checks and turns their failures into `OID4VCI_INVALID_PROOF`, keeping the core code. */
function wrapCore<T>(run: () => T): T {
  try {
    return run();
  } catch (cause) {
    if (isHavenError(cause) && !cause.code.startsWith('OID4VCI_')) {
      failOid4vci('OID4VCI_INVALID_PROOF', 'the key proof is invalid', {
        cause,
        details: { reason: cause.code },
      });
    }
    throw cause;
  }
}
