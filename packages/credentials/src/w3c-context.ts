import { digest } from '@haven/core';

/**
 * The URL of Haven's JSON-LD context for its credential terms. It is never fetched: verifiers bundle it
 * and pin it by {@link HAVEN_CREDENTIALS_CONTEXT_SHA256}. A change to the terms gets a new version URL.
 */
export const HAVEN_CREDENTIALS_CONTEXT_URL = 'https://haven.example/ns/credentials/v1';

/** The vocabulary the terms expand to. */
const VOCABULARY = 'https://haven.example/ns/credentials#';

/** The W3C `type` of each credential type; identity restoration carries the neutral civil-identity type. */
export const W3C_TYPE_NAMES = [
  'CivilIdentityCredential',
  'LabourContractCredential',
  'RefugeeRegistrationCredential',
] as const;

// Every claim name of the three types, nested ones included (address parts, wage, digest). Values stay
// plain JSON literals: no `@type` coercion, so a verifier reads exactly the JSON the issuer wrote, and the
// canonical form cannot differ from it through datatype normalization. Arrays (nationalities) are sets.
const TERMS = [
  'age_over_14',
  'age_over_16',
  'age_over_18',
  'age_over_21',
  'age_over_65',
  'alg',
  'amount',
  'assurance_level',
  'birthdate',
  'contract_document_digest',
  'country',
  'country_of_origin',
  'currency',
  'employer_id',
  'employer_name',
  'end_date',
  'family_name',
  'given_name',
  'hours_per_week',
  'household_size',
  'issuing_authority',
  'issuing_country',
  'job_title',
  'locality',
  'nationalities',
  'no_recruitment_fees_paid',
  'period',
  'place_of_birth',
  'portrait',
  'postal_code',
  'protection_status',
  'recruitment_fees_paid_by_worker',
  'region',
  'registering_office',
  'registration_date',
  'registration_number',
  'restoration_date',
  'restored_document_number',
  'sector',
  'start_date',
  'street_address',
  'valid_until',
  'value',
  'wage',
  'wage_meets_legal_minimum',
  'worker_keeps_identity_documents',
  'worker_reference',
  'workplace',
] as const;

/** The names {@link HAVEN_CREDENTIALS_CONTEXT} defines as terms, for tests and tooling. */
export const HAVEN_CONTEXT_TERMS: readonly string[] = TERMS;

function buildContext(): Record<string, unknown> {
  const definitions: Record<string, unknown> = { '@version': 1.1, '@protected': true };
  for (const name of W3C_TYPE_NAMES) definitions[name] = `${VOCABULARY}${name}`;
  for (const term of TERMS) definitions[term] = `${VOCABULARY}${term}`;
  return { '@context': definitions };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const DOCUMENT = deepFreeze(buildContext());

/**
 * The SHA-256 (hex) of the context's JSON text as served (`JSON.stringify` of the document). A test pins
 * it, so an edit to the terms without a new URL fails the build.
 */
export const HAVEN_CREDENTIALS_CONTEXT_SHA256 = Buffer.from(
  digest('sha-256', JSON.stringify(DOCUMENT)),
).toString('hex');

/**
 * Haven's credentials context as a bundled document: `{ url, document, sha256 }`, frozen. `@protected`,
 * JSON-LD 1.1, one term per claim name, expanding into `https://haven.example/ns/credentials#`.
 *
 * @example
 * ```ts
 * loaderContexts.push(HAVEN_CREDENTIALS_CONTEXT);
 * ```
 */
export const HAVEN_CREDENTIALS_CONTEXT = Object.freeze({
  url: HAVEN_CREDENTIALS_CONTEXT_URL,
  document: DOCUMENT as Readonly<Record<string, unknown>>,
  sha256: HAVEN_CREDENTIALS_CONTEXT_SHA256,
});
