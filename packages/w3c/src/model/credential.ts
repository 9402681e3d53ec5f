import { type Clock, isJsonObject, readClock } from '@haven/core';
import { z } from 'zod';
import { failW3c } from '../errors.js';
import { parseDateTimeStamp } from './date-time-stamp.js';

/** The base context every VCDM 2.0 document names first (VCDM 2.0 §4.3). */
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

/** How many entries Haven accepts in one `@context`, `type`, subject or status list: far above honest use. */
const MAX_ENTRIES = 16;

// VCDM 2.0 §4.4 identifiers are URLs; in practice https:, did:, urn: and data: (enveloped credentials)
// URLs. The grammar is kept to "scheme ':' something without whitespace" and a length cap; every consumer
// that dereferences one (did:web, status lists) validates it again for its own scheme.
const URL_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;

/** A VCDM identifier: an absolute URL of any scheme, without whitespace, at most 2,048 characters. */
export const zVcUrl = z.string().max(2048).regex(URL_PATTERN);

const zTypeValue = z.string().min(1).max(256);
const zTypes = z.union([zTypeValue, z.array(zTypeValue).min(1).max(MAX_ENTRIES)]);

/** `issuer`: a URL, or an object whose `id` is one (VCDM 2.0 §4.7). */
export const zIssuer = z.union([zVcUrl, z.object({ id: zVcUrl }).loose()]);

/** One `credentialSubject`: claims about one subject; `id` optional (a bearer-style credential has none). */
export const zCredentialSubject = z.record(z.string(), z.unknown()).refine((s) => Object.keys(s).length > 0);

/** One `credentialStatus` entry (VCDM 2.0 §4.10): a `type` at least; `id` a URL when present. */
export const zCredentialStatus = z.object({ id: zVcUrl.optional(), type: zTypes }).loose();

/** One `credentialSchema` entry (VCDM 2.0 §4.11): `id` and `type` required. */
export const zCredentialSchema = z.object({ id: zVcUrl, type: zTypeValue }).loose();

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(MAX_ENTRIES)]);

/** A VCDM 2.0 verifiable credential, before or after securing (extension properties kept). */
export const zCredential = z
  .object({
    '@context': z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
    id: zVcUrl.optional(),
    type: zTypes,
    issuer: zIssuer,
    credentialSubject: oneOrMany(zCredentialSubject),
    validFrom: z.string().optional(),
    validUntil: z.string().optional(),
    credentialStatus: oneOrMany(zCredentialStatus).optional(),
    credentialSchema: oneOrMany(zCredentialSchema).optional(),
    name: z.unknown().optional(),
    description: z.unknown().optional(),
    proof: z.unknown().optional(),
  })
  .loose();

/** A VCDM 2.0 credential as parsed by {@link parseCredential}. */
export type Credential = z.infer<typeof zCredential>;

/** VCDM 1.1 terms that have no meaning in a 2.0 document; a verifier reading them would be misled. */
const V1_ONLY_PROPERTIES = ['issuanceDate', 'expirationDate'] as const;

// Hand-written guards below (DESIGN: zod at boundaries, hand-written guards on hot paths): the zod
// schemas above describe the same shapes for typing and tooling, but cloning a credential through zod
// costs more than the signature over it.
function isUrl(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 2048 && URL_PATTERN.test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return isJsonObject(value);
}

function isTypeValue(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 256;
}

function asList(value: unknown): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value.length >= 1 && value.length <= MAX_ENTRIES ? value : undefined;
  return value === undefined ? undefined : [value];
}

function isTypes(value: unknown): value is string | string[] {
  if (typeof value === 'string') return isTypeValue(value);
  return Array.isArray(value) && value.length >= 1 && value.length <= MAX_ENTRIES && value.every(isTypeValue);
}

/**
 * Checks a document's `@context` (VCDM 2.0 §4.3): a non-empty array of URLs whose first entry is the v2
 * context, without repeats. Inline context objects are refused: they would let a document define its own
 * terms, bypassing the bundled, hash-pinned contexts.
 *
 * @example
 * ```ts
 * checkContext([VC_V2_CONTEXT, 'https://haven.example/ns/credentials/v1']);
 * ```
 */
export function checkContext(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ENTRIES) {
    failW3c('W3C_CONTEXT_INVALID', '@context must be a non-empty array');
  }
  if (value[0] !== VC_V2_CONTEXT) {
    failW3c('W3C_CONTEXT_INVALID', '@context must start with the VC 2.0 context');
  }
  for (const entry of value) {
    if (typeof entry !== 'string') failW3c('W3C_CONTEXT_INVALID', '@context entries must be URLs');
    if (!zVcUrl.safeParse(entry).success) failW3c('W3C_CONTEXT_INVALID', '@context entry is not a URL');
  }
  if (new Set(value).size !== value.length) failW3c('W3C_CONTEXT_INVALID', '@context repeats an entry');
  return value as string[];
}

/** `type` as an array, whatever its spelling (a string is one type). */
export function typesOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

function checkTypes(value: unknown, required: string): readonly string[] {
  if (!isTypes(value)) failW3c('W3C_TYPE_INVALID', 'type must be a string or array of strings');
  const types = typesOf(value);
  if (!types.includes(required)) failW3c('W3C_TYPE_INVALID', `type must include ${required}`);
  if (new Set(types).size !== types.length) failW3c('W3C_TYPE_INVALID', 'type repeats an entry');
  return types;
}

/** The issuer's identifier, whether `issuer` is a URL or an object with `id`. */
export function issuerIdOf(credential: Pick<Credential, 'issuer'>): string {
  return typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id;
}

/** The credential subjects as an array. */
export function subjectsOf(
  credential: Pick<Credential, 'credentialSubject'>,
): readonly Record<string, unknown>[] {
  return Array.isArray(credential.credentialSubject)
    ? credential.credentialSubject
    : [credential.credentialSubject];
}

/** The `credentialStatus` entries as an array (empty when there are none). */
export function statusEntriesOf(
  credential: Pick<Credential, 'credentialStatus'>,
): readonly z.infer<typeof zCredentialStatus>[] {
  const status = credential.credentialStatus;
  if (status === undefined) return [];
  return Array.isArray(status) ? status : [status];
}

/**
 * Validates a VCDM 2.0 credential's shape (VCDM 2.0 §4): `@context`, `type` with `VerifiableCredential`,
 * `issuer`, `credentialSubject`, `validFrom`/`validUntil` as dateTimeStamps (`validUntil` not before
 * `validFrom`), `credentialStatus`, `credentialSchema`. VCDM 1.1 `issuanceDate`/`expirationDate` are
 * refused. It does not check time (see {@link checkCredentialValidity}) or any proof.
 *
 * @example
 * ```ts
 * const credential = parseCredential(JSON.parse(text));
 * ```
 */
export function parseCredential(value: unknown): Credential {
  if (!isJsonObject(value)) failW3c('W3C_MALFORMED', 'a credential must be a JSON object');
  checkContext(value['@context']);
  checkTypes(value.type, 'VerifiableCredential');
  for (const name of V1_ONLY_PROPERTIES) {
    if (name in value)
      failW3c('W3C_MALFORMED', `${name} is a VCDM 1.1 property; VCDM 2.0 uses validFrom/validUntil`);
  }
  if (value.id !== undefined && !isUrl(value.id)) failW3c('W3C_MALFORMED', 'id must be a URL');
  const issuer = value.issuer;
  if (!isUrl(issuer) && !(isObject(issuer) && isUrl(issuer.id))) {
    failW3c('W3C_ISSUER_INVALID', 'issuer must be a URL or an object with a URL id');
  }
  const subjects = asList(value.credentialSubject);
  if (subjects === undefined) {
    failW3c('W3C_SUBJECT_INVALID', 'credentialSubject must be a non-empty object or array of objects');
  }
  for (const s of subjects) {
    if (!isObject(s) || Object.keys(s).length === 0) {
      failW3c('W3C_SUBJECT_INVALID', 'credentialSubject must be a non-empty object or array of objects');
    }
    if (s.id !== undefined && !isUrl(s.id))
      failW3c('W3C_SUBJECT_INVALID', 'credentialSubject id must be a URL');
  }
  const from = value.validFrom === undefined ? undefined : parseDateTimeStamp(value.validFrom, 'validFrom');
  const until =
    value.validUntil === undefined ? undefined : parseDateTimeStamp(value.validUntil, 'validUntil');
  if (from !== undefined && until !== undefined && until < from) {
    failW3c('W3C_DATE_INVALID', 'validUntil is before validFrom');
  }
  if (value.credentialStatus !== undefined) {
    const entries = asList(value.credentialStatus);
    const ok = entries?.every((e) => isObject(e) && isTypes(e.type) && (e.id === undefined || isUrl(e.id)));
    if (!ok) failW3c('W3C_MALFORMED', 'credentialStatus is malformed');
  }
  if (value.credentialSchema !== undefined) {
    const entries = asList(value.credentialSchema);
    const ok = entries?.every((e) => isObject(e) && isUrl(e.id) && isTypeValue(e.type));
    if (!ok) failW3c('W3C_MALFORMED', 'credentialSchema is malformed');
  }
  return value as Credential;
}

/** Options of {@link checkCredentialValidity}. */
export interface CredentialValidityOptions {
  /** The time source and its tolerated skew (`@haven/core` `Clock`). */
  clock: Clock;
}

/**
 * Checks `validFrom` and `validUntil` against the clock (VCDM 2.0 §4.9): not yet valid is
 * `W3C_NOT_YET_VALID`, past `validUntil` is `W3C_EXPIRED`, each with the clock's skew. Both bounds are
 * optional; a credential without them is valid at any time.
 *
 * @example
 * ```ts
 * checkCredentialValidity(credential, { clock: systemClock() });
 * ```
 */
export function checkCredentialValidity(
  credential: Pick<Credential, 'validFrom' | 'validUntil'>,
  options: CredentialValidityOptions,
): void {
  const { now, skew } = readClock(options.clock);
  if (credential.validFrom !== undefined) {
    const from = parseDateTimeStamp(credential.validFrom, 'validFrom');
    if (!(from <= now + skew)) failW3c('W3C_NOT_YET_VALID', 'the credential is not valid yet (validFrom)');
  }
  if (credential.validUntil !== undefined) {
    const until = parseDateTimeStamp(credential.validUntil, 'validUntil');
    if (!(until > now - skew)) failW3c('W3C_EXPIRED', 'the credential has expired (validUntil)');
  }
}
