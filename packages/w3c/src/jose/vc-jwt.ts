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
  type Signer,
  signJws,
  type VerifyResult,
  verifyParsedJws,
  verifyWithReport,
} from '@haven/core';
import { failW3c } from '../errors.js';
import {
  type Credential,
  checkCredentialValidity,
  issuerIdOf,
  parseCredential,
  statusEntriesOf,
  subjectsOf,
} from '../model/credential.js';
import { findControllerKey, type W3cIssuerTrust } from '../trust.js';
import { checkKnownContexts } from './known-contexts.js';

/** The `typ` of a VC-JOSE credential (VC-JOSE-COSE §3.1.1, media type `application/vc+jwt`). */
export const VC_JWT_TYP = 'vc+jwt';

// JWT claims VC-JOSE-COSE lets a secured credential carry beside the credential's own properties; if
// present they must agree with the credential (§3.1.3), and `vc`/`vp` (the VCDM 1.1 encoding) must not.
const FORBIDDEN_CLAIMS = ['vc', 'vp'] as const;

/** Options of {@link issueVcJwt}. */
export interface IssueVcJwtOptions {
  /** The issuer's signer (a local key from `createSigner`, or a KMS). */
  signer: Signer;
  /**
   * The key id in the JOSE header: for a DID issuer, a DID URL of the issuer under `assertionMethod`
   * (`did:…#key-1`, or a fragment `#key-1`). Defaults to the signer's `kid`.
   */
  kid?: string;
}

/**
 * Secures a VCDM 2.0 credential as a VC-JOSE `vc+jwt` (VC-JOSE-COSE §3.1.1): the JWS payload *is* the
 * credential (no `vc` claim), header `typ: vc+jwt`, `cty: vc`, `kid`. The credential is validated first
 * (`parseCredential`); an embedded `proof` is refused, since a verifier would not know which to trust.
 *
 * @example
 * ```ts
 * const token = await issueVcJwt(credential, { signer: createSigner(issuerJwk), kid: `${issuerDid}#0` });
 * ```
 */
export async function issueVcJwt(credential: unknown, options: IssueVcJwtOptions): Promise<string> {
  const parsed = parseCredential(credential);
  if (parsed.proof !== undefined) failW3c('W3C_MALFORMED', 'a VC-JOSE credential must not carry a proof');
  for (const name of FORBIDDEN_CLAIMS) {
    if (name in parsed) failW3c('W3C_JOSE_CLAIMS_INVALID', `a VC-JOSE credential must not carry "${name}"`);
  }
  const kid = options.kid ?? options.signer.kid;
  if (kid === undefined)
    failW3c('W3C_POLICY_INVALID', 'a kid is required so that verifiers can find the key');
  return signJws(parsed as Record<string, unknown>, {
    signer: options.signer,
    typ: VC_JWT_TYP,
    header: { cty: 'vc', kid },
  });
}

/** How a `credentialStatus` entry is checked; `'unchecked'` records that the verifier chose not to. */
export type W3cStatusPolicy =
  | 'unchecked'
  | ((entry: Record<string, unknown>, credential: Credential) => unknown);

/** Options of {@link verifyVcJwt}. */
export interface VerifyVcJwtOptions extends W3cIssuerTrust {
  clock: Clock;
  /** Algorithms accepted (default ES256, ES384, EdDSA). */
  algorithms?: readonly JwsAlgorithm[];
  /**
   * Required when the credential has `credentialStatus` (fail closed → `W3C_STATUS_UNCHECKED`): a checker,
   * or `'unchecked'` when the verifier's policy accepts not checking.
   */
  status?: W3cStatusPolicy;
  /** Context URLs accepted besides the bundled ones. */
  contexts?: readonly string[];
  /**
   * This verifier's identifier. A credential carrying a JWT `aud` is accepted only by a verifier it names
   * (RFC 7519 §4.1.3); without this option such a credential is refused.
   */
  audience?: string;
}

/** What a verified VC-JOSE credential yields. */
export interface VcJwtVerification {
  /** The credential decoded from the verified JWS payload (never from anything beside it). */
  readonly credential: Credential;
  readonly issuer: string;
  readonly header: JwsHeader;
  readonly format: 'vc+jwt';
  /** `checked`, `unchecked` (by policy) or `none` (the credential has no status). */
  readonly status: 'checked' | 'unchecked' | 'none';
  /** What the status checker reported for each entry, when it reported something. */
  readonly statusFound: readonly unknown[];
}

function checkJwtClaims(
  payload: Record<string, unknown>,
  credential: Credential,
  clock: Clock,
  audience: string | undefined,
): void {
  const aud = payload.aud;
  if (aud !== undefined) {
    const named = typeof aud === 'string' ? aud === audience : Array.isArray(aud) && aud.includes(audience);
    if (audience === undefined || !named) {
      failW3c('W3C_AUDIENCE_MISMATCH', 'the credential is addressed to another verifier (aud)');
    }
  }
  for (const name of FORBIDDEN_CLAIMS) {
    if (name in payload) failW3c('W3C_JOSE_CLAIMS_INVALID', `a VC-JOSE credential must not carry "${name}"`);
  }
  const issuer = issuerIdOf(credential);
  if (payload.iss !== undefined && payload.iss !== issuer) {
    failW3c('W3C_JOSE_CLAIMS_INVALID', 'the JWT iss differs from the credential issuer');
  }
  if (payload.jti !== undefined && payload.jti !== credential.id) {
    failW3c('W3C_JOSE_CLAIMS_INVALID', 'the JWT jti differs from the credential id');
  }
  if (payload.sub !== undefined && !subjectsOf(credential).some((s) => s.id === payload.sub)) {
    failW3c('W3C_JOSE_CLAIMS_INVALID', 'the JWT sub names no credential subject');
  }
  try {
    checkJwtTimes(payload, { clock });
  } catch (cause) {
    if (isHavenError(cause, 'JWT_EXPIRED')) failW3c('W3C_EXPIRED', 'the JWT has expired (exp)', { cause });
    if (isHavenError(cause, 'JWT_NOT_YET_VALID'))
      failW3c('W3C_NOT_YET_VALID', 'the JWT is not valid yet (nbf)', { cause });
    failW3c('W3C_JOSE_CLAIMS_INVALID', 'the JWT time claims do not hold', { cause });
  }
}

/**
 * Runs every check of a credential status entry list against the policy; returns what the report shows.
 * Shared by VC-JOSE and presentations.
 */
export async function checkCredentialStatus(
  credential: Credential,
  policy: W3cStatusPolicy | undefined,
  found?: unknown[],
): Promise<'checked' | 'unchecked' | 'none'> {
  const entries = statusEntriesOf(credential);
  if (entries.length === 0) return 'none';
  if (policy === 'unchecked') return 'unchecked';
  if (typeof policy !== 'function') {
    failW3c('W3C_STATUS_UNCHECKED', 'the credential has a status and no status checker was given');
  }
  for (const entry of entries) {
    const result = await policy(entry, credential);
    // What each checker found (e.g. `@haven/status`'s result) goes to the report, in entry order.
    if (found !== undefined && result !== undefined) found.push(result);
  }
  return 'checked';
}

/**
 * Verifies a VC-JOSE `vc+jwt` (VC-JOSE-COSE §3.1.1; VCDM 2.0 §4): header policy (`typ: vc+jwt`, no key
 * in the header), trusted issuer and its key (`kid` under `assertionMethod` of a DID issuer, or a
 * configured key), signature, then the credential model, contexts, JWT claims consistency, validity
 * period and status — all on data decoded from the verified payload.
 *
 * @example
 * ```ts
 * const result = await verifyVcJwt(token, { trustedIssuers: [issuerDid], dids, clock: systemClock(),
 *   status: 'unchecked' });
 * if (result.verified) show(result.credential.credentialSubject);
 * ```
 */
export function verifyVcJwt(
  token: unknown,
  options: VerifyVcJwtOptions,
): Promise<VerifyResult<VcJwtVerification>> {
  return verifyWithReport(async (log) => {
    const parsed = log.run('header', () =>
      parseJws(token, { algorithms: options.algorithms ?? JWS_ALGORITHMS, typ: VC_JWT_TYP }),
    );
    // The payload is parsed once, before the signature check, only to find the issuer and its key. It
    // is used after verifyParsedJws has checked the signature over exactly these bytes, so everything
    // returned is data decoded from the verified JWS (and a second parse would only cost time).
    const { payload, claimedIssuer } = log.run('issuer', () => {
      const payload = parseStrictJsonObject(parsed.payloadBytes, { what: 'JWS payload' });
      const issuer = payload.issuer;
      const id = typeof issuer === 'string' ? issuer : isJsonObject(issuer) ? issuer.id : undefined;
      if (typeof id !== 'string') failW3c('W3C_ISSUER_INVALID', 'the credential names no issuer');
      if (!options.trustedIssuers.includes(id)) failW3c('W3C_ISSUER_UNTRUSTED', 'the issuer is not trusted');
      return { payload, claimedIssuer: id };
    });
    const key = await log.runAsync('issuer-key', () =>
      findControllerKey(claimedIssuer, parsed.header.kid, parsed.header.alg, 'assertionMethod', options),
    );
    const verified = log.run('signature', () => verifyParsedJws(parsed, key, { payload: 'bytes' }));
    const credential = log.run('model', () => {
      const c = parseCredential(payload);
      if (issuerIdOf(c) !== claimedIssuer)
        failW3c('W3C_ISSUER_MISMATCH', 'the issuer changed under the signature');
      if (c.proof !== undefined) failW3c('W3C_MALFORMED', 'a VC-JOSE credential must not carry a proof');
      checkKnownContexts(c['@context'] as string[], options.contexts);
      checkJwtClaims(payload, c, options.clock, options.audience);
      return c;
    });
    log.run('validity', () => checkCredentialValidity(credential, { clock: options.clock }));
    const statusFound: unknown[] = [];
    const status = await log.runAsync('status', () =>
      checkCredentialStatus(credential, options.status, statusFound),
    );
    return {
      credential,
      issuer: claimedIssuer,
      header: verified.header,
      format: 'vc+jwt' as const,
      status,
      statusFound,
    };
  });
}
