import { fixedClock, type PublicJwk, toPublicJwk } from '@haven/core';
import { type CredentialTypeId, prepareIssuance, prepareW3cCredential, type Wage } from '@haven/credentials';
import { createDidJwk } from '@haven/did';
import { issueSdJwtVcSync } from '@haven/sd-jwt';
import { bitstringStatusEntry } from '@haven/status';
import { issueDataIntegrityCredential, issueVcJwt } from '@haven/w3c';
import { type IssuerFormat, LDP_VC_CRYPTOSUITE } from './credential-configurations.js';
import type { IssuerKeys } from './issuer-keys.js';

/** Seconds in a UTC day. */
const DAY = 86_400;

/**
 * The start of the UTC day of `now` (DESIGN "Privacy": coarsened `iat`). Every credential issued on one
 * day carries the same `iat`, so the time cannot link a credential to the moment (or the request) it was
 * issued in, and the copies of a batch cannot be told apart by it.
 *
 * @example
 * ```ts
 * coarsenToUtcDay(1_780_304_400) // 1_780_272_000 (2026-06-01T00:00:00Z)
 * ```
 */
export function coarsenToUtcDay(now: number): number {
  return Math.floor(now / DAY) * DAY;
}

/** Where a credential's status lives: the list, the index, and the list's published URL. */
export interface CredentialStatusSlot {
  readonly listId: string;
  readonly index: number;
  readonly uri: string;
}

/** Input of {@link buildCredential}. */
export interface BuildCredentialInput {
  readonly credentialType: CredentialTypeId;
  readonly format: IssuerFormat;
  /** The claims as the issuer provided them (validated and derived here, again, at issuance time). */
  readonly claims: unknown;
  /** The holder's key from a verified proof: `cnf.jwk` (SD-JWT VC) or the did:jwk subject (W3C). */
  readonly holderKey: PublicJwk;
  readonly keys: IssuerKeys;
  /** The Credential Issuer Identifier: `iss` of SD-JWT VCs. */
  readonly credentialIssuer: string;
  /** `iat` / `validFrom`: already coarsened to the day. */
  readonly issuedAt: number;
  /** `exp` / `validUntil`. */
  readonly expiresAt: number;
  readonly status: CredentialStatusSlot;
  readonly vctBase?: string;
  readonly legalMinimumWage?: Wage;
  /** Local development: status list URLs are http on loopback. */
  readonly allowHttpLoopback?: boolean;
}

/**
 * Builds and signs one credential of a Haven type for one holder key (DESIGN "Issue"):
 *
 * - `dc+sd-jwt`: SD-JWT VC with `iss` = the issuer URL (keys at `/.well-known/jwt-vc-issuer`), `vct`,
 *   `iat`, `exp`, `cnf.jwk`, a Token Status List reference and the type's disclosure frame; signed ES256
 *   with the key's thumbprint as `kid`. Salts are fresh per call.
 * - `jwt_vc_json`: VCDM 2.0 as VC-JOSE `vc+jwt`, issuer = did:jwk of the ES256 key.
 * - `ldp_vc`: VCDM 2.0 with an eddsa-rdfc-2022 Data Integrity proof, issuer = did:jwk of the Ed25519 key.
 *
 * W3C credentials name the holder as `credentialSubject.id` = did:jwk of the holder key and carry a
 * Bitstring Status List `revocation` entry. Throws `CREDENTIAL_CLAIMS_INVALID` (paths only) if the
 * claims no longer validate.
 *
 * @example
 * ```ts
 * const credential = await buildCredential({ credentialType: 'labour-contract', format: 'dc+sd-jwt',
 *   claims, holderKey, keys, credentialIssuer, issuedAt, expiresAt, status });
 * ```
 */
export async function buildCredential(
  input: BuildCredentialInput,
): Promise<string | Record<string, unknown>> {
  const { keys, issuedAt, expiresAt, status } = input;
  const holderKey = toPublicJwk(input.holderKey);
  const wage = input.legalMinimumWage === undefined ? {} : { legalMinimumWage: input.legalMinimumWage };
  if (input.format === 'dc+sd-jwt') {
    const prepared = prepareIssuance(input.credentialType, input.claims, {
      now: issuedAt,
      ...wage,
      ...(input.vctBase === undefined ? {} : { vctBase: input.vctBase }),
    });
    return issueSdJwtVcSync(
      {
        ...prepared.claims,
        // The registered claims last: nothing in the type's claims can stand in for them.
        iss: input.credentialIssuer,
        vct: prepared.vct,
        iat: issuedAt,
        exp: expiresAt,
        status: { status_list: { idx: status.index, uri: status.uri } },
      },
      { signer: keys.es256.signer, frame: prepared.disclosureFrame, holderPublicJwk: holderKey },
    );
  }
  const key = input.format === 'jwt_vc_json' ? keys.es256 : keys.eddsa;
  const unsigned = prepareW3cCredential(input.credentialType, input.claims, {
    now: issuedAt,
    ...wage,
    issuer: key.did,
    holder: createDidJwk(holderKey),
    validUntil: expiresAt,
    credentialStatus: bitstringStatusEntry({
      listCredential: status.uri,
      index: status.index,
      statusPurpose: 'revocation',
      allowHttpLoopback: input.allowHttpLoopback === true,
    }),
  });
  if (input.format === 'jwt_vc_json') {
    return issueVcJwt(unsigned, { signer: key.signer, kid: `${key.did}#0` });
  }
  const secured = await issueDataIntegrityCredential(unsigned, {
    cryptosuite: LDP_VC_CRYPTOSUITE,
    signer: key.signer,
    verificationMethod: `${key.did}#0`,
    // The proof's `created` is the coarsened day too, so it does not re-expose the issuance time.
    clock: fixedClock(issuedAt),
  });
  return secured as unknown as Record<string, unknown>;
}
