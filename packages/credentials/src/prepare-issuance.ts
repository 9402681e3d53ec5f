import type { DisclosureFrame } from '@haven/sd-jwt';
import type { CredentialTypeId } from './credential-type.js';
import type { Wage } from './labour-contract.js';
import { getCredentialType } from './registry.js';

/** Options of {@link prepareIssuance}. */
export interface PrepareIssuanceOptions {
  /** Issuance time: age flags are derived at this instant (a `Date` or epoch seconds). */
  readonly now: Date | number;
  /** Publish under another `vct` base (default `https://haven.example/vct`). */
  readonly vctBase?: string;
  /** Labour contracts only: the legal minimum to derive `wage_meets_legal_minimum` against. */
  readonly legalMinimumWage?: Wage;
}

/** What the signer needs: the `vct`, the claims to sign (validated, with derived ones) and the frame. */
export interface PreparedIssuance {
  readonly credentialType: CredentialTypeId;
  readonly vct: string;
  readonly claims: Record<string, unknown>;
  readonly disclosureFrame: DisclosureFrame;
}

/**
 * Step 1 of DESIGN "Issue": validate the issuer's claims against the type's schema, add the derived
 * claims and build the default disclosure frame. The caller adds `iss`, `iat`/`nbf`/`exp`, `cnf` and
 * `status` (never selectively disclosable) and signs with `@haven/sd-jwt`. Throws
 * `CREDENTIAL_TYPE_UNKNOWN`, `CREDENTIAL_CLAIMS_INVALID` (paths only), `CREDENTIAL_OPTIONS_INVALID`.
 *
 * @example
 * ```ts
 * const { vct, claims, disclosureFrame } = prepareIssuance('refugee-registration', body, { now: new Date() });
 * ```
 */
export function prepareIssuance(
  typeId: string,
  input: unknown,
  options: PrepareIssuanceOptions,
): PreparedIssuance {
  const type = getCredentialType(typeId, options.vctBase === undefined ? {} : { vctBase: options.vctBase });
  const claims = type.deriveClaims(input, options) as Record<string, unknown>;
  return { credentialType: type.id, vct: type.vct, claims, disclosureFrame: type.disclosureFrame(claims) };
}
