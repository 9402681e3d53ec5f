import type { CredentialTypeId } from './credential-type.js';
import { failCredentials } from './errors.js';
import { type PrepareIssuanceOptions, prepareIssuance } from './prepare-issuance.js';
import { HAVEN_CREDENTIALS_CONTEXT_URL, type W3C_TYPE_NAMES } from './w3c-context.js';

/** The VCDM 2.0 base context (VCDM 2.0 §4.3). */
const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

/** The W3C `type` of each Haven credential type (beside `VerifiableCredential`). */
export const W3C_CREDENTIAL_TYPES: Readonly<Record<CredentialTypeId, (typeof W3C_TYPE_NAMES)[number]>> =
  Object.freeze({
    'identity-restoration': 'CivilIdentityCredential',
    'labour-contract': 'LabourContractCredential',
    'refugee-registration': 'RefugeeRegistrationCredential',
  });

/**
 * The Haven type of a W3C credential's `type` list, if it names exactly one Haven type.
 *
 * @example
 * ```ts
 * credentialTypeForW3cTypes(['VerifiableCredential', 'LabourContractCredential']) // 'labour-contract'
 * ```
 */
export function credentialTypeForW3cTypes(types: string | readonly string[]): CredentialTypeId | undefined {
  const list = typeof types === 'string' ? [types] : types;
  const found = (Object.entries(W3C_CREDENTIAL_TYPES) as [CredentialTypeId, string][]).filter(([, name]) =>
    list.includes(name),
  );
  return found.length === 1 ? found[0]?.[0] : undefined;
}

/** Options of {@link prepareW3cCredential}. */
export interface PrepareW3cCredentialOptions extends Omit<PrepareIssuanceOptions, 'vctBase'> {
  /** The issuer's identifier (a DID for Data Integrity, where the proof's key must belong to it). */
  readonly issuer: string;
  /** The holder's DID, as `credentialSubject.id` (holder binding; omit for a bearer credential). */
  readonly holder?: string;
  /** End of validity (`validUntil`), a `Date` or epoch seconds. */
  readonly validUntil?: Date | number;
  /** `credentialStatus` entry or entries, as the status list issuer allocated them. */
  readonly credentialStatus?: Record<string, unknown> | readonly Record<string, unknown>[];
}

function toIso(value: Date | number, name: string): string {
  const ms = value instanceof Date ? value.getTime() : value * 1000;
  if (!Number.isFinite(ms)) failCredentials('CREDENTIAL_OPTIONS_INVALID', `${name} is not a valid time`);
  // Whole seconds: sub-second precision says nothing useful and narrows down when the holder was served.
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The unsigned VCDM 2.0 form of a Haven credential: the type's claims validated and derived exactly as
 * for SD-JWT VC (`prepareIssuance`), placed in `credentialSubject`, with the Haven context and W3C type.
 * No `id` is set: a credential identifier would be one more correlation handle. Sign it with
 * `@haven/w3c` (`issueVcJwt` or `issueDataIntegrityCredential`).
 *
 * @example
 * ```ts
 * const unsigned = prepareW3cCredential('labour-contract', claims, { now: new Date(), issuer: employerDid,
 *   holder: workerDid, validUntil: new Date('2027-06-30T00:00:00Z') });
 * ```
 */
export function prepareW3cCredential(
  typeId: string,
  input: unknown,
  options: PrepareW3cCredentialOptions,
): Record<string, unknown> {
  const prepared = prepareIssuance(typeId, input, options);
  const subject: Record<string, unknown> = {};
  if (options.holder !== undefined) subject.id = options.holder;
  Object.assign(subject, prepared.claims);
  const credential: Record<string, unknown> = {
    '@context': [VC_V2_CONTEXT, HAVEN_CREDENTIALS_CONTEXT_URL],
    type: ['VerifiableCredential', W3C_CREDENTIAL_TYPES[prepared.credentialType]],
    issuer: options.issuer,
    validFrom: toIso(options.now, 'now'),
  };
  if (options.validUntil !== undefined) credential.validUntil = toIso(options.validUntil, 'validUntil');
  credential.credentialSubject = subject;
  if (options.credentialStatus !== undefined) credential.credentialStatus = options.credentialStatus;
  return credential;
}

// The parts of a W3C credential that are never selectively disclosable, matching the SD-JWT VC rule that
// iss, nbf/exp, cnf, vct and status are always plain: issuer, validity, type, status, and the holder id
// (the W3C counterpart of cnf). Everything else under credentialSubject is the holder's to show or not.
const MANDATORY_TOP_LEVEL = ['/issuer', '/validFrom', '/validUntil', '/type', '/credentialStatus'] as const;

/**
 * The `mandatoryPointers` (RFC 6901 JSON Pointers) of an ecdsa-sd-2023 base proof for a credential made by
 * {@link prepareW3cCredential}: only pointers to members that exist, so the cryptosuite does not fail.
 *
 * @example
 * ```ts
 * const mandatoryPointers = w3cMandatoryPointers(unsigned);
 * ```
 */
export function w3cMandatoryPointers(credential: Record<string, unknown>): string[] {
  const pointers: string[] = MANDATORY_TOP_LEVEL.filter((p) => credential[p.slice(1)] !== undefined);
  const subject = credential.credentialSubject;
  if (subject !== null && typeof subject === 'object' && !Array.isArray(subject) && 'id' in subject) {
    pointers.push('/credentialSubject/id');
  }
  return pointers;
}

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * JSON Pointers under `credentialSubject` for claim paths (the DCQL-style paths used everywhere in Haven:
 * names, array indexes; a `null` wildcard is not allowed here — name the elements). For ecdsa-sd-2023
 * `selectivePointers`.
 *
 * @example
 * ```ts
 * claimPathsToPointers([['given_name'], ['workplace', 'country']])
 * // ['/credentialSubject/given_name', '/credentialSubject/workplace/country']
 * ```
 */
export function claimPathsToPointers(paths: readonly (readonly (string | number | null)[])[]): string[] {
  return paths.map((path) => {
    if (path.length === 0) failCredentials('CREDENTIAL_OPTIONS_INVALID', 'a claim path must not be empty');
    const tokens = path.map((segment) => {
      if (segment === null) {
        failCredentials(
          'CREDENTIAL_OPTIONS_INVALID',
          'a W3C selective disclosure path cannot use a wildcard',
        );
      }
      if (typeof segment === 'number') {
        if (!Number.isInteger(segment) || segment < 0) {
          failCredentials('CREDENTIAL_OPTIONS_INVALID', 'an array index must be a non-negative integer');
        }
        return String(segment);
      }
      return escapePointerToken(segment);
    });
    return `/credentialSubject/${tokens.join('/')}`;
  });
}
