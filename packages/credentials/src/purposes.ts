import type { ClaimPath } from '@haven/sd-jwt';
import { assertClaimPath, claimPathCovers, formatClaimPath, isClaimPath } from './claim-path.js';
import { CREDENTIAL_TYPE_IDS, type CredentialTypeId, isCredentialTypeId } from './credential-type.js';
import { failCredentials } from './errors.js';
import { CREDENTIAL_TYPES } from './registry.js';

/**
 * A named verifier purpose: the basis of an eIDAS relying-party registration (Regulation (EU) 2024/1183
 * Art. 5b: a relying party registers the data it intends to request and why). `credentialTypes` lists,
 * per type, the ONLY claim paths the purpose may receive; a type not listed may not be requested at all.
 */
export interface Purpose {
  readonly id: string;
  /** What the verifier does with the data (English; shown to the holder before consent). */
  readonly description: string;
  /** The legal ground the verifier relies on (GDPR Art. 6 / 9 and the sector rule), in short. */
  readonly legalBasis: string;
  readonly credentialTypes: Readonly<Partial<Record<CredentialTypeId, readonly ClaimPath[]>>>;
}

/** One credential in a verifier's request: its type and the claim paths asked for (DCQL `claims`). */
export interface PurposeRequestEntry {
  readonly credentialType: string;
  readonly claims: readonly ClaimPath[];
}

/**
 * The purposes Haven knows. Written like a privacy officer would: the least that does the job, derived
 * booleans over values wherever a boolean answers the question.
 *
 * - `inspector.contract-validity`: a labour inspector checks a contract's terms and the ILO forced-labour
 *   indicators (fees, retained documents) — no worker identity, no fee amount, no worker reference.
 * - `employer.right-to-work`: an employer checks that a person may work — names (to match the person),
 *   nationalities or refugee status and its validity, and minimum-working-age flags; no birth date, no
 *   document or registration number.
 * - `clinic.identity-minimal`: a clinic registers a patient — names and birth date (needed to tell
 *   patients apart and for age-dependent care); no nationality, status or portrait.
 * - `age-check`: `age_over_18` and nothing else.
 * - `refugee-services.registration-check`: a service provider (food, shelter, cash assistance) checks a
 *   registration — number, names, status, validity and household size.
 *
 * @example
 * ```ts
 * PURPOSES['age-check'].credentialTypes['refugee-registration'] // [['age_over_18']]
 * ```
 */
export const PURPOSES: Readonly<Record<string, Purpose>> = Object.freeze({
  'inspector.contract-validity': {
    id: 'inspector.contract-validity',
    description:
      'A labour inspector checks that an employment contract is genuine and lawful: employer, job, place, dates, wage, hours, and that the worker paid no recruitment fees and keeps their own identity documents.',
    legalBasis:
      'GDPR Art. 6(1)(e): labour inspection under national law implementing ILO Conventions No. 81 and 129.',
    credentialTypes: {
      'labour-contract': [
        ['employer_name'],
        ['employer_id'],
        ['job_title'],
        ['sector'],
        ['workplace'],
        ['start_date'],
        ['end_date'],
        ['wage'],
        ['hours_per_week'],
        ['contract_document_digest'],
        ['no_recruitment_fees_paid'],
        ['wage_meets_legal_minimum'],
        ['worker_keeps_identity_documents'],
      ],
    },
  },
  'employer.right-to-work': {
    id: 'employer.right-to-work',
    description:
      'An employer checks that a person may work: their name, nationality or protection status and its validity, and that they are above the minimum working age.',
    legalBasis:
      'GDPR Art. 6(1)(c): the employer’s legal obligation to check the right to work (e.g. Directive 2009/52/EC Art. 4).',
    credentialTypes: {
      'identity-restoration': [
        ['given_name'],
        ['family_name'],
        ['nationalities'],
        ['age_over_16'],
        ['age_over_18'],
      ],
      'refugee-registration': [
        ['given_name'],
        ['family_name'],
        ['protection_status'],
        ['valid_until'],
        ['age_over_16'],
        ['age_over_18'],
      ],
    },
  },
  'clinic.identity-minimal': {
    id: 'clinic.identity-minimal',
    description:
      'A clinic registers a patient by name and date of birth, to keep their medical record apart from others.',
    legalBasis: 'GDPR Art. 9(2)(h): provision of health care, under professional secrecy.',
    credentialTypes: {
      'identity-restoration': [['given_name'], ['family_name'], ['birthdate']],
      'refugee-registration': [['given_name'], ['family_name'], ['birthdate']],
    },
  },
  'age-check': {
    id: 'age-check',
    description: 'A service checks that a person is 18 or over, and learns nothing else.',
    legalBasis: 'GDPR Art. 6(1)(c): a legal age restriction on the service.',
    credentialTypes: {
      'identity-restoration': [['age_over_18']],
      'refugee-registration': [['age_over_18']],
    },
  },
  'refugee-services.registration-check': {
    id: 'refugee-services.registration-check',
    description:
      'A humanitarian service checks a refugee registration before giving assistance: registration number, name, status, validity and household size.',
    legalBasis:
      'GDPR Art. 6(1)(e) or (d): humanitarian assistance in the public interest or the vital interests of the person.',
    credentialTypes: {
      'refugee-registration': [
        ['registration_number'],
        ['given_name'],
        ['family_name'],
        ['protection_status'],
        ['valid_until'],
        ['household_size'],
      ],
    },
  },
} satisfies Record<string, Purpose>);

// Purpose ids are chosen by the verifier's request; echo only short, id-shaped ones into error details.
const PURPOSE_ID_SHAPE = /^[a-z0-9.-]{1,64}$/;

/**
 * The purpose with this id. Throws `PURPOSE_UNKNOWN` for any other id (own keys only).
 *
 * @example
 * ```ts
 * getPurpose('age-check').description
 * ```
 */
export function getPurpose(purposeId: string): Purpose {
  if (typeof purposeId !== 'string' || !Object.hasOwn(PURPOSES, purposeId)) {
    failCredentials('PURPOSE_UNKNOWN', 'unknown verifier purpose', {
      details: PURPOSE_ID_SHAPE.test(String(purposeId)) ? { purpose: purposeId } : {},
    });
  }
  return PURPOSES[purposeId] as Purpose;
}

/** Bounds of a {@link Purpose} given by an application (e.g. managed through an admin API). */
export const PURPOSE_LIMITS = Object.freeze({
  descriptionMax: 2048,
  legalBasisMax: 1024,
  pathsPerTypeMax: 64,
});

/** Purpose ids: lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit. */
export const PURPOSE_ID_PATTERN = /^[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Control and bidirectional-formatting characters: purpose text is shown to holders before consent, so
// it must not be able to reorder or hide what they read (invisible characters included). Tab and line
// feed are ordinary text.
function isUnsafeCodePoint(c: number): boolean {
  return (
    (c < 0x20 && c !== 0x09 && c !== 0x0a) ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x061c ||
    c === 0x180e ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x2060 && c <= 0x2064) ||
    (c >= 0xe0000 && c <= 0xe007f) ||
    c === 0x2028 ||
    c === 0x2029 ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0xfeff
  );
}

function text(value: unknown, max: number): value is string {
  return (
    typeof value === 'string' &&
    value.trim().length > 0 &&
    value.length <= max &&
    ![...value].some((ch) => isUnsafeCodePoint(ch.codePointAt(0) ?? 0))
  );
}

/**
 * Checks a purpose an application defines itself (a relying-party registration kept in its own store)
 * and returns a frozen copy. The rules are those Haven's own {@link PURPOSES} follow: an id matching
 * {@link PURPOSE_ID_PATTERN}, a description and a legal basis, at least one Haven credential type, and
 * per type 1 to 64 distinct claim paths, each naming a claim of that type's metadata (or a part of
 * one). Unknown members are refused, so a typo cannot silently widen or narrow a registration. Throws
 * `PURPOSE_INVALID` with `details.paths` (member names, never values).
 *
 * @example
 * ```ts
 * parsePurpose({ id: 'bar.age', description: 'A bar checks age.', legalBasis: 'Licensing law.',
 *   credentialTypes: { 'identity-restoration': [['age_over_18']] } });
 * ```
 */
export function parsePurpose(value: unknown): Purpose {
  const problems: string[] = [];
  if (!isRecord(value)) failCredentials('PURPOSE_INVALID', 'a purpose must be an object');
  for (const key of Object.keys(value)) {
    if (!['id', 'description', 'legalBasis', 'credentialTypes'].includes(key)) problems.push(key);
  }
  if (typeof value.id !== 'string' || !PURPOSE_ID_PATTERN.test(value.id)) problems.push('id');
  if (!text(value.description, PURPOSE_LIMITS.descriptionMax)) problems.push('description');
  if (!text(value.legalBasis, PURPOSE_LIMITS.legalBasisMax)) problems.push('legalBasis');
  const types: Partial<Record<CredentialTypeId, readonly ClaimPath[]>> = {};
  const given = value.credentialTypes;
  if (!isRecord(given) || Object.keys(given).length === 0) {
    problems.push('credentialTypes');
  } else {
    for (const [typeId, paths] of Object.entries(given)) {
      const where = `credentialTypes.${isCredentialTypeId(typeId) ? typeId : '?'}`;
      if (!isCredentialTypeId(typeId)) {
        problems.push(where);
        continue;
      }
      const known = (CREDENTIAL_TYPES[typeId].typeMetadata.claims ?? []).map((c) => c.path as ClaimPath);
      if (!Array.isArray(paths) || paths.length === 0 || paths.length > PURPOSE_LIMITS.pathsPerTypeMax) {
        problems.push(where);
        continue;
      }
      const seen = new Set<string>();
      const checked: ClaimPath[] = [];
      paths.forEach((path: unknown, i) => {
        const ok =
          isClaimPath(path) &&
          known.some((k) => claimPathCovers(k, path)) &&
          !seen.has(formatClaimPath(path));
        if (!ok) {
          problems.push(`${where}.${i}`);
          return;
        }
        seen.add(formatClaimPath(path));
        checked.push(Object.freeze([...path]) as ClaimPath);
      });
      types[typeId] = Object.freeze(checked);
    }
  }
  if (problems.length > 0) {
    failCredentials('PURPOSE_INVALID', 'the purpose is malformed', {
      details: { paths: problems.slice(0, 20) },
    });
  }
  // Types in Haven's canonical order, so the derived DCQL does not depend on the input's key order.
  const ordered = Object.fromEntries(
    CREDENTIAL_TYPE_IDS.filter((id) => types[id] !== undefined).map((id) => [id, types[id]]),
  );
  return Object.freeze({
    id: value.id as string,
    description: value.description as string,
    legalBasis: value.legalBasis as string,
    credentialTypes: Object.freeze(ordered),
  });
}

/**
 * A purpose by id from {@link PURPOSES}, or an application's own purpose object, checked with
 * {@link parsePurpose}. Every function that takes a purpose takes either.
 *
 * @example
 * ```ts
 * resolvePurpose('age-check') === PURPOSES['age-check'] // true
 * ```
 */
export function resolvePurpose(purpose: string | Purpose): Purpose {
  return typeof purpose === 'string' ? getPurpose(purpose) : parsePurpose(purpose);
}

function allowedPathsFor(purpose: Purpose, typeId: string): readonly ClaimPath[] {
  if (!isCredentialTypeId(typeId)) {
    failCredentials('CREDENTIAL_TYPE_UNKNOWN', 'unknown credential type', {
      details: { purpose: purpose.id },
    });
  }
  const paths = Object.hasOwn(purpose.credentialTypes, typeId) ? purpose.credentialTypes[typeId] : undefined;
  if (paths === undefined) {
    failCredentials('PURPOSE_TYPE_NOT_ALLOWED', 'the purpose does not cover this credential type', {
      details: {
        purpose: purpose.id,
        credentialType: typeId,
        allowedTypes: Object.keys(purpose.credentialTypes),
      },
    });
  }
  return paths;
}

/**
 * The claim paths a purpose may receive from a credential type. Throws `PURPOSE_UNKNOWN`,
 * `CREDENTIAL_TYPE_UNKNOWN` or `PURPOSE_TYPE_NOT_ALLOWED`.
 *
 * @example
 * ```ts
 * claimsForPurpose('age-check', 'identity-restoration') // [['age_over_18']]
 * ```
 */
export function claimsForPurpose(purposeId: string | Purpose, typeId: string): ClaimPath[] {
  return allowedPathsFor(resolvePurpose(purposeId), typeId).map((path) => [...path]);
}

/**
 * Checks a verifier's request against its registered purpose (the relying-party registration check of
 * DESIGN "Present"). Each requested path must be covered by one of the purpose's allowed paths for that
 * type (see `claimPathCovers`: an allowed parent covers its children; a child never covers its parent; a
 * requested `null` needs an allowed `null`). Throws:
 * - `PURPOSE_UNKNOWN` for an unknown purpose;
 * - `CREDENTIAL_TYPE_UNKNOWN` for a type that is not one of Haven's;
 * - `PURPOSE_TYPE_NOT_ALLOWED` for a Haven type the purpose does not list;
 * - `CLAIM_PATH_INVALID` for a malformed path, or a request that lists no claims (in DCQL, no `claims`
 *   asks for the whole credential's non-disclosable part; a purpose check needs explicit paths);
 * - `OVER_ASKING` with `details.purpose` and `details.paths` (every path not covered, as JSON text; paths
 *   are field names, never values) when anything is asked beyond the purpose.
 *
 * @example
 * ```ts
 * checkRequestAgainstPurpose('age-check', [{ credentialType: 'identity-restoration', claims: [['age_over_18']] }]); // ok
 * checkRequestAgainstPurpose('age-check', [{ credentialType: 'identity-restoration', claims: [['birthdate']] }]); // OVER_ASKING
 * ```
 */
export function checkRequestAgainstPurpose(
  purposeId: string | Purpose,
  request: readonly PurposeRequestEntry[],
): void {
  const purpose = resolvePurpose(purposeId);
  if (!Array.isArray(request) || request.length === 0) {
    failCredentials('CLAIM_PATH_INVALID', 'a request must list at least one credential');
  }
  const over: string[] = [];
  const overTypes: string[] = [];
  for (const entry of request) {
    const allowed = allowedPathsFor(purpose, entry.credentialType);
    if (!Array.isArray(entry.claims) || entry.claims.length === 0) {
      failCredentials('CLAIM_PATH_INVALID', 'a request must list the claim paths it asks for');
    }
    for (const path of entry.claims) {
      assertClaimPath(path);
      if (!allowed.some((a) => claimPathCovers(a, path))) {
        const text = formatClaimPath(path);
        if (!over.includes(text)) over.push(text);
        if (!overTypes.includes(entry.credentialType)) overTypes.push(entry.credentialType);
      }
    }
  }
  if (over.length > 0) {
    failCredentials('OVER_ASKING', 'the request asks for claims its purpose does not allow', {
      details: { purpose: purpose.id, credentialTypes: overTypes, paths: over.slice(0, 50) },
    });
  }
}
