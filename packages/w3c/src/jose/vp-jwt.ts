import {
  type Clock,
  checkJwtTimes,
  HavenError,
  type HavenErrorCode,
  isHavenError,
  isJsonObject,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  parseJws,
  parseStrictJsonObject,
  readClock,
  type Signer,
  signJws,
  type VerifyResult,
  verifyParsedJws,
  verifyWithReport,
} from '@haven/core';
import { failW3c } from '../errors.js';
import { type Credential, subjectsOf, VC_V2_CONTEXT } from '../model/credential.js';
import {
  credentialsOf,
  envelopeVcJwt,
  holderIdOf,
  PRESENTATION_MAX_CREDENTIALS,
  type Presentation,
  parsePresentation,
  unwrapEnvelopedVcJwt,
} from '../model/presentation.js';
import { findControllerKey, type W3cIssuerTrust } from '../trust.js';
import { checkKnownContexts } from './known-contexts.js';
import { verifyVcJwt, type W3cStatusPolicy } from './vc-jwt.js';

/** The `typ` of a VC-JOSE presentation (VC-JOSE-COSE §3.2.1, media type `application/vp+jwt`). */
export const VP_JWT_TYP = 'vp+jwt';

/** Default oldest acceptable presentation `iat`, in seconds. */
const DEFAULT_MAX_AGE_SECONDS = 300;

/** Options of {@link issueVpJwt}. */
export interface IssueVpJwtOptions {
  /** The holder's signer; its key must be under `authentication` of the holder DID. */
  signer: Signer;
  /** The holder DID. */
  holder: string;
  /** DID URL (or fragment) of the holder key; defaults to the signer's kid. */
  kid?: string;
  /** The verifier's nonce for this transaction (replay protection). */
  nonce: string;
  /** The verifier's identifier, e.g. its client_id. */
  audience: string;
  clock: Clock;
}

/**
 * Builds and signs a VC-JOSE presentation (`vp+jwt`, VC-JOSE-COSE §3.2.1): each `vc+jwt` given as a
 * string is wrapped as an `EnvelopedVerifiableCredential` (VCDM 2.0 §4.13.1); an object is embedded as is
 * (a Data Integrity credential, e.g. an ecdsa-sd-2023 derived one). `nonce`, `aud` and `iat` bind it to
 * one verifier and one transaction.
 *
 * @example
 * ```ts
 * const vp = await issueVpJwt([vcJwt], { signer: holderSigner, holder: holderDid, kid: `${holderDid}#0`,
 *   nonce, audience: 'x509_san_dns:inspector.example', clock: systemClock() });
 * ```
 */
export async function issueVpJwt(
  credentials: readonly (string | Record<string, unknown>)[],
  options: IssueVpJwtOptions,
): Promise<string> {
  if (credentials.length === 0 || credentials.length > PRESENTATION_MAX_CREDENTIALS) {
    failW3c(
      'W3C_PRESENTATION_INVALID',
      `a presentation carries 1 to ${PRESENTATION_MAX_CREDENTIALS} credentials`,
    );
  }
  for (const [name, value] of [
    ['nonce', options.nonce],
    ['audience', options.audience],
    ['holder', options.holder],
  ] as const) {
    if (typeof value !== 'string' || value === '')
      failW3c('W3C_POLICY_INVALID', `${name} must be a non-empty string`);
  }
  const kid = options.kid ?? options.signer.kid;
  if (kid === undefined)
    failW3c('W3C_POLICY_INVALID', 'a kid is required so that verifiers can find the key');
  const { now } = readClock(options.clock);
  const payload = {
    '@context': [VC_V2_CONTEXT],
    type: ['VerifiablePresentation'],
    holder: options.holder,
    verifiableCredential: credentials.map((c) => (typeof c === 'string' ? envelopeVcJwt(c) : c)),
    nonce: options.nonce,
    aud: options.audience,
    iat: Math.floor(now),
  };
  return signJws(payload, { signer: options.signer, typ: VP_JWT_TYP, header: { cty: 'vp', kid } });
}

/** A verifier for credentials embedded with their own proof (Data Integrity). */
export type EmbeddedCredentialVerifier = (
  credential: Record<string, unknown>,
) => Promise<VerifyResult<{ credential: Credential; issuer: string }>>;

/** Options of {@link verifyVpJwt}. */
export interface VerifyVpJwtOptions extends W3cIssuerTrust {
  clock: Clock;
  /** The nonce this verifier issued for this transaction. */
  nonce: string;
  /** This verifier's identifier, expected as `aud`. */
  audience: string;
  /** Oldest acceptable `iat` in seconds (default 300). */
  maxAgeSeconds?: number;
  algorithms?: readonly JwsAlgorithm[];
  /** Status policy for every credential (see `verifyVcJwt`). */
  status?: W3cStatusPolicy;
  contexts?: readonly string[];
  /**
   * `subject` (default): every credential's subject must be the holder (`credentialSubject.id` = holder),
   * so a presentation cannot carry someone else's credential. `none`: bearer credentials accepted.
   */
  holderBinding?: 'subject' | 'none';
  /** Verifies embedded (not enveloped) credentials, e.g. Data Integrity; without it they are refused. */
  embedded?: EmbeddedCredentialVerifier;
}

/** One credential of a verified presentation. */
export interface PresentedCredential {
  readonly format: 'vc+jwt' | 'data-integrity';
  readonly credential: Credential;
  readonly issuer: string;
}

/** What a verified VC-JOSE presentation yields. */
export interface VpJwtVerification {
  readonly presentation: Presentation;
  readonly holder: string;
  readonly credentials: readonly PresentedCredential[];
}

function checkAudience(aud: unknown, expected: string): void {
  // A list is accepted only if this verifier is its one member: a token meant for several parties could
  // be replayed by any of them.
  const ok = aud === expected || (Array.isArray(aud) && aud.length === 1 && aud[0] === expected);
  if (!ok) failW3c('W3C_AUDIENCE_MISMATCH', 'the presentation is for another verifier');
}

function checkVerifyOptions(options: VerifyVpJwtOptions): void {
  for (const name of ['nonce', 'audience'] as const) {
    const value = options?.[name];
    if (typeof value !== 'string' || value === '')
      failW3c('W3C_POLICY_INVALID', `${name} must be a non-empty string`);
  }
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (!(Number.isFinite(maxAge) && maxAge >= 0)) failW3c('W3C_POLICY_INVALID', 'maxAgeSeconds must be >= 0');
}

/**
 * Verifies a VC-JOSE presentation (`vp+jwt`): holder signature with a key under the holder DID's
 * `authentication`, `nonce` and `aud` for this transaction, `iat` fresh, then every credential —
 * enveloped `vc+jwt` through {@link verifyVcJwt}, embedded ones through `options.embedded` — with the
 * same trust, status policy and clock, and each credential's subject bound to the holder.
 *
 * @example
 * ```ts
 * const result = await verifyVpJwt(vp, { trustedIssuers: [employerDid], dids, clock, nonce, audience,
 *   status: statusChecker });
 * ```
 */
export function verifyVpJwt(
  token: unknown,
  options: VerifyVpJwtOptions,
): Promise<VerifyResult<VpJwtVerification>> {
  return verifyWithReport(async (log) => {
    log.run('policy', () => checkVerifyOptions(options));
    const parsed = log.run('header', () =>
      parseJws(token, { algorithms: options.algorithms ?? JWS_ALGORITHMS, typ: VP_JWT_TYP }),
    );
    const claimedHolder = log.run('holder', () => {
      const unverified = parseStrictJsonObject(parsed.payloadBytes, { what: 'JWS payload' });
      const holder = unverified.holder;
      const id = typeof holder === 'string' ? holder : isJsonObject(holder) ? holder.id : undefined;
      if (typeof id !== 'string' || !id.startsWith('did:')) {
        failW3c('W3C_HOLDER_MISMATCH', 'the presentation must name its holder as a DID');
      }
      return id;
    });
    const key = await log.runAsync('holder-key', () =>
      findControllerKey(claimedHolder, parsed.header.kid, parsed.header.alg, 'authentication', {
        dids: options.dids,
      }),
    );
    const verified = log.run('signature', () => verifyParsedJws(parsed, key));
    const presentation = log.run('model', () => {
      const p = parsePresentation(verified.payload);
      if (holderIdOf(p) !== claimedHolder)
        failW3c('W3C_HOLDER_MISMATCH', 'the holder changed under the signature');
      if (p.proof !== undefined)
        failW3c('W3C_PRESENTATION_INVALID', 'a VC-JOSE presentation must not carry a proof');
      checkKnownContexts(p['@context'], options.contexts);
      return p;
    });
    log.run('nonce', () => {
      if (verified.payload.nonce !== options.nonce)
        failW3c('W3C_NONCE_MISMATCH', 'the nonce is not this transaction’s');
    });
    log.run('audience', () => checkAudience(verified.payload.aud, options.audience));
    log.run('freshness', () => {
      try {
        checkJwtTimes(verified.payload, {
          clock: options.clock,
          requireIat: true,
          maxAgeSeconds: options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS,
        });
      } catch (cause) {
        if (isHavenError(cause, 'JWT_EXPIRED'))
          failW3c('W3C_EXPIRED', 'the presentation has expired', { cause });
        failW3c('W3C_PRESENTATION_INVALID', 'the presentation is not fresh (iat/nbf/exp)', { cause });
      }
    });
    const entries = log.run('credentials', () => {
      const list = credentialsOf(presentation);
      if (list.length === 0) failW3c('W3C_PRESENTATION_INVALID', 'the presentation carries no credential');
      return list;
    });
    const credentials: PresentedCredential[] = [];
    for (const [i, entry] of entries.entries()) {
      const presented = await log.runAsync(`credential-${i}`, async () => {
        const enveloped = unwrapEnvelopedVcJwt(entry);
        let result: VerifyResult<{ credential: Credential; issuer: string }>;
        let format: PresentedCredential['format'];
        if (enveloped !== undefined) {
          format = 'vc+jwt';
          result = await verifyVcJwt(enveloped, options);
        } else {
          format = 'data-integrity';
          if (!options.embedded) {
            failW3c('W3C_PRESENTATION_INVALID', 'an embedded credential needs a Data Integrity verifier');
          }
          result = await options.embedded(entry);
        }
        // The credential's own failure code is kept, so the report says *why* (expired, untrusted, …).
        if (!result.verified) throw new HavenError(result.error.code as HavenErrorCode, result.error.message);
        return { format, credential: result.credential, issuer: result.issuer };
      });
      credentials.push(presented);
    }
    log.run('holder-binding', () => {
      if ((options.holderBinding ?? 'subject') === 'none') return;
      for (const { credential } of credentials) {
        const subjects = subjectsOf(credential);
        if (!subjects.every((s) => s.id === claimedHolder)) {
          failW3c(
            'W3C_HOLDER_MISMATCH',
            'a credential in the presentation is about someone other than the holder',
          );
        }
      }
    });
    return { presentation, holder: claimedHolder, credentials };
  });
}
