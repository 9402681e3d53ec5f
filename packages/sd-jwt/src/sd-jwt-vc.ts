import { type Signer, type SyncSigner, type VerifyResult, verifyWithReport } from '@haven/core';
import { failSdJwt } from './errors.js';
import { type IssueSdJwtOptions, issueSdJwt, issueSdJwtSync } from './issue.js';
import type { ProcessedPayload } from './process.js';
import type { TypeMetadata } from './type-metadata.js';
import { checkClaimsAgainstTypeMetadata } from './type-metadata-check.js';
import type { DisclosureFrame } from './types.js';
import { runChecks, type SdJwtVerification, type VerifySdJwtOptions } from './verify.js';

/** The `typ` of an SD-JWT VC (SD-JWT VC §JOSE Header). */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';
/** The `typ` of earlier drafts, accepted only with `allowLegacyTyp`. */
export const LEGACY_SD_JWT_VC_TYP = 'vc+sd-jwt';

/**
 * Registered claims that an SD-JWT VC must keep plain, sub-claims included (SD-JWT VC §Registered JWT
 * Claims): a verifier must always see who issued it, its type, validity, holder key and status.
 */
export const NEVER_SELECTIVELY_DISCLOSABLE: ReadonlySet<string> = new Set([
  'iss',
  'nbf',
  'exp',
  'cnf',
  'vct',
  'vct#integrity',
  'aka_vcts',
  'status',
]);

export type IssueSdJwtVcOptions<S extends Signer = Signer> = Omit<IssueSdJwtOptions<S>, 'typ'>;

function checkVcInput(claims: Record<string, unknown>, frame: DisclosureFrame | undefined): void {
  if (typeof claims.vct !== 'string' || claims.vct.length === 0)
    failSdJwt('SDJWT_VC_VCT_MISSING', 'an SD-JWT VC needs a vct');
  for (const name of frame?._sd ?? []) {
    if (typeof name === 'string' && NEVER_SELECTIVELY_DISCLOSABLE.has(name)) {
      failSdJwt(
        'SDJWT_VC_CLAIM_NOT_ALLOWED_SD',
        'a registered claim that must stay plain was made selectively disclosable',
      );
    }
  }
  for (const name of NEVER_SELECTIVELY_DISCLOSABLE) {
    if (frame?.[name] !== undefined)
      failSdJwt('SDJWT_VC_CLAIM_NOT_ALLOWED_SD', 'a frame applies inside a claim that must stay plain');
  }
}

/**
 * Issues an SD-JWT VC: an SD-JWT with `typ: dc+sd-jwt`, a `vct`, and `iss`, `nbf`, `exp`, `cnf`, `vct`,
 * `status` kept plain.
 *
 * @example
 * ```ts
 * const credential = issueSdJwtVcSync(
 *   { iss, vct: 'https://haven.example/vct/labour-contract/v1', iat, exp, employer_name: 'Acme' },
 *   { signer, frame: { _sd: ['employer_name'] }, holderPublicJwk },
 * );
 * ```
 */
export function issueSdJwtVcSync(
  claims: Record<string, unknown>,
  options: IssueSdJwtVcOptions<SyncSigner>,
): string {
  checkVcInput(claims, options.frame);
  return issueSdJwtSync(claims, { ...options, typ: SD_JWT_VC_TYP });
}

/** {@link issueSdJwtVcSync} with any signer. */
export function issueSdJwtVc(claims: Record<string, unknown>, options: IssueSdJwtVcOptions): Promise<string> {
  checkVcInput(claims, options.frame);
  return issueSdJwt(claims, { ...options, typ: SD_JWT_VC_TYP });
}

/** True when a value holds an `_sd` member or a `{"...": digest}` element anywhere inside. */
function containsDigests(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsDigests);
  if (value === null || typeof value !== 'object') return false;
  if (Object.hasOwn(value, '_sd') || Object.hasOwn(value, '...')) return true;
  return Object.values(value).some(containsDigests);
}

export interface VerifySdJwtVcOptions extends Omit<VerifySdJwtOptions, 'typ'> {
  /** Also accept `typ: vc+sd-jwt` from issuers on older drafts. Default false. */
  allowLegacyTyp?: boolean;
  /** Accept only these credential types. */
  expectedVct?: readonly string[];
  /**
   * The credential type's Type Metadata, fully resolved (`resolveTypeMetadata`, with `vct#integrity`).
   * When given, its `vct` must be the credential's and the claims are validated against its claim
   * metadata (`sd`, `mandatory`); a violation rejects the credential (SD-JWT VC §Processing Type Metadata).
   */
  typeMetadata?: TypeMetadata;
}

export interface SdJwtVcVerification extends SdJwtVerification {
  readonly vct: string;
  readonly issuer: string | undefined;
}

function withVcMembers(result: SdJwtVerification): SdJwtVcVerification {
  // Spelled out rather than spread: one object of a fixed shape, built once per verification.
  const { claims, disclosed, header, holderBound } = result;
  const vc: SdJwtVcVerification = {
    claims,
    disclosed,
    header,
    holderBound,
    vct: claims.vct as string,
    issuer: claims.iss as string | undefined,
  };
  return result.statusFound === undefined ? vc : { ...vc, statusFound: result.statusFound };
}

/**
 * Verifies an SD-JWT VC presentation (SD-JWT VC §Verification and Processing): RFC 9901 §7.1/§7.3, then
 * the profile — `vct` present (and expected, if a list is given), and no registered claim that must stay
 * plain arrived through a disclosure.
 *
 * @example
 * ```ts
 * const result = await verifySdJwtVc(vp, {
 *   issuerKey: createIssuerKeySource({ issuers: [registryDid], dids }),
 *   clock: systemClock(),
 *   holderBinding: { required: true, nonce, aud: clientId },
 * });
 * ```
 */
export function verifySdJwtVc(
  presentation: unknown,
  options: VerifySdJwtVcOptions,
): Promise<VerifyResult<SdJwtVcVerification>> {
  const typ = options.allowLegacyTyp ? [SD_JWT_VC_TYP, LEGACY_SD_JWT_VC_TYP] : SD_JWT_VC_TYP;
  return verifyWithReport((log) => {
    const profile = {
      name: 'vc_profile',
      check: ({ claims, disclosed }: ProcessedPayload, signed: Readonly<Record<string, unknown>>) => {
        // "Including any of their sub-claims": a digest left inside one of these claims is a concealed
        // sub-claim even if the holder did not send its disclosure (e.g. a hidden status index).
        for (const name of NEVER_SELECTIVELY_DISCLOSABLE) {
          if (signed[name] !== undefined && containsDigests(signed[name])) {
            failSdJwt(
              'SDJWT_VC_CLAIM_NOT_ALLOWED_SD',
              'a registered claim that must stay plain has concealed parts',
            );
          }
        }
        for (const path of disclosed) {
          if (typeof path[0] === 'string' && NEVER_SELECTIVELY_DISCLOSABLE.has(path[0])) {
            failSdJwt(
              'SDJWT_VC_CLAIM_NOT_ALLOWED_SD',
              'a registered claim that must stay plain was selectively disclosed',
            );
          }
        }
        const { vct, iss } = claims;
        if (typeof vct !== 'string' || vct.length === 0)
          failSdJwt('SDJWT_VC_VCT_MISSING', 'the credential has no vct');
        if (options.expectedVct !== undefined && !options.expectedVct.includes(vct)) {
          failSdJwt('SDJWT_VC_CLAIM_INVALID', 'the credential is not of an expected type');
        }
        if (iss !== undefined && typeof iss !== 'string')
          failSdJwt('SDJWT_VC_CLAIM_INVALID', 'iss must be a string');
      },
    };
    const metadata = options.typeMetadata;
    if (metadata !== undefined) {
      const vcProfile = profile.check;
      profile.check = (processed, signed) => {
        vcProfile(processed, signed);
        if (processed.claims.vct !== metadata.vct) {
          failSdJwt('SDJWT_VC_TYPE_METADATA_VIOLATION', 'the Type Metadata is for another credential type');
        }
        checkClaimsAgainstTypeMetadata(processed, metadata);
      };
    }
    const result = runChecks(log, presentation, options, typ, profile);
    return result instanceof Promise ? result.then(withVcMembers) : withVcMembers(result);
  });
}
