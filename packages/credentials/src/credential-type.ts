import type { DisclosureFrame } from '@haven/sd-jwt';
import type { z } from 'zod';
import { failCredentials } from './errors.js';
import type { TypeMetadata } from './type-metadata.js';

/** The ids of Haven's credential types. */
export const CREDENTIAL_TYPE_IDS = [
  'identity-restoration',
  'labour-contract',
  'refugee-registration',
] as const;

/** One of {@link CREDENTIAL_TYPE_IDS}. */
export type CredentialTypeId = (typeof CREDENTIAL_TYPE_IDS)[number];

/**
 * Is `id` one of Haven's credential type ids? (Own keys only: `constructor` or `__proto__` are not.)
 *
 * @example
 * ```ts
 * isCredentialTypeId('labour-contract') // true
 * ```
 */
export function isCredentialTypeId(id: unknown): id is CredentialTypeId {
  return typeof id === 'string' && (CREDENTIAL_TYPE_IDS as readonly string[]).includes(id);
}

/**
 * Where Haven's `vct` values live by default. `haven.example` is reserved (RFC 2606): a deployment that
 * publishes its own Type Metadata passes its own base to {@link vctFor} / `withVctBase`.
 */
export const DEFAULT_VCT_BASE = 'https://haven.example/vct';

/** The version segment of every Haven `vct`; a breaking change to a type's claims gets a new one. */
export const VCT_VERSION = 'v1';

/**
 * The `vct` of a credential type under `base`: `${base}/${slug}/v1` (see `VCT_SLUGS`). The base must be an https URL without
 * query, fragment or credentials (SD-JWT VC §"vct Claim": a URL `vct` can be resolved to its Type
 * Metadata); a trailing slash is dropped. Throws `CREDENTIAL_OPTIONS_INVALID` otherwise.
 *
 * @example
 * ```ts
 * vctFor('labour-contract') // 'https://haven.example/vct/labour-contract/v1'
 * vctFor('labour-contract', 'https://labour.gov.example/vct/') // 'https://labour.gov.example/vct/labour-contract/v1'
 * ```
 */
export function vctFor(id: CredentialTypeId, base: string = DEFAULT_VCT_BASE): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    failCredentials('CREDENTIAL_OPTIONS_INVALID', 'vct base is not a URL');
  }
  if (
    url.protocol !== 'https:' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    failCredentials(
      'CREDENTIAL_OPTIONS_INVALID',
      'vct base must be an https URL without query, fragment or credentials',
    );
  }
  return `${url.href.replace(/\/+$/, '')}/${VCT_SLUGS[id]}/${VCT_VERSION}`;
}

/**
 * The path segment of each type's `vct`. Every verifier sees the `vct`, whatever else is disclosed, so it
 * must not say more than the credential has to: a clinic checking a name must not learn that the holder's
 * identity was *restored* (i.e. that they are likely a survivor of trafficking). The identity credential
 * therefore carries the neutral type of any civil identity.
 */
const VCT_SLUGS: Readonly<Record<CredentialTypeId, string>> = {
  'identity-restoration': 'civil-identity',
  'labour-contract': 'labour-contract',
  'refugee-registration': 'refugee-registration',
};

/** Options every `deriveClaims` takes: the time the derived claims are true at (issuance time). */
export interface DeriveClaimsOptions {
  /** A `Date` or epoch seconds (JWT NumericDate). */
  readonly now: Date | number;
}

/**
 * One Haven credential type: what an issuer validates, derives, conceals and publishes.
 *
 * - `schema`: the claims the issuer provides (strict: an unknown claim is an error).
 * - `deriveClaims`: validates, then adds the derived claims (e.g. `age_over_18`) so a verifier can ask
 *   for less; returns a fresh object, the claims to sign.
 * - `disclosureFrame`: the default frame for those claims; every claim is selectively disclosable.
 *   `iss`, `vct`, `iat`/`nbf`/`exp`, `cnf` and `status` are plain, but they are the issuer's to add.
 * - `typeMetadata`: SD-JWT VC Type Metadata, en/fr/ar display, `sd` per claim.
 * - `template`: a valid, clearly fictional claims object (for docs, CLIs and tests).
 *
 * @example
 * ```ts
 * const type = LABOUR_CONTRACT;
 * const claims = type.deriveClaims(type.template(), { now: new Date() });
 * const frame = type.disclosureFrame(claims);
 * ```
 */
export interface CredentialType<
  Id extends CredentialTypeId = CredentialTypeId,
  Claims extends object = Record<string, unknown>,
  Issued extends object = Record<string, unknown>,
  Options extends DeriveClaimsOptions = DeriveClaimsOptions,
> {
  readonly id: Id;
  readonly vct: string;
  readonly schema: z.ZodType<Claims>;
  /** Names of the claims `deriveClaims` may add. */
  readonly derivedClaimNames: readonly string[];
  readonly typeMetadata: TypeMetadata;
  deriveClaims(claims: unknown, options: Options): Issued;
  disclosureFrame(claims: Issued | Claims): DisclosureFrame;
  template(): Claims;
}

/** Any of Haven's credential types, with its claim types erased. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds types with different claim shapes.
export type AnyCredentialType = CredentialType<CredentialTypeId, any, any, any>;

/**
 * The same type published under another `vct` base: `vct` and `typeMetadata.vct` change, nothing else.
 *
 * @example
 * ```ts
 * const type = withVctBase(LABOUR_CONTRACT, 'https://labour.gov.example/vct');
 * type.vct // 'https://labour.gov.example/vct/labour-contract/v1'
 * ```
 */
export function withVctBase<T extends AnyCredentialType>(type: T, base: string): T {
  const vct = vctFor(type.id, base);
  return { ...type, vct, typeMetadata: { ...type.typeMetadata, vct } };
}
