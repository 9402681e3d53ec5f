import type { DIDDocument, VerificationMethod } from 'did-resolver';
import { z } from 'zod';
import { failDid } from './errors.js';

/** A DID document (DID Core §5), as `did-resolver` types it. */
export type DidDocument = DIDDocument;
/** A verification method (DID Core §5.2). */
export type DidVerificationMethod = VerificationMethod;

/** The verification relationships of DID Core §5.3. */
export const VERIFICATION_RELATIONSHIPS = [
  'authentication',
  'assertionMethod',
  'keyAgreement',
  'capabilityInvocation',
  'capabilityDelegation',
] as const;
export type VerificationRelationship = (typeof VERIFICATION_RELATIONSHIPS)[number];

// Bounds well above any honest document, so a hostile one cannot make us walk millions of entries.
const MAX_ENTRIES = 100;

/** DID Core §5.2 verification method; `.loose()` so extension members survive. */
export const zVerificationMethod = z
  .object({
    id: z.string().min(1),
    type: z.string().min(1),
    controller: z.string().min(1),
    publicKeyJwk: z.record(z.string(), z.unknown()).optional(),
    publicKeyMultibase: z.string().min(1).optional(),
  })
  .loose();

const zRelationship = z
  .array(z.union([z.string().min(1), zVerificationMethod]))
  .max(MAX_ENTRIES)
  .optional();

/** DID Core §4–§5 DID document (the members Haven reads); `.loose()` so extension members survive. */
export const zDidDocument = z
  .object({
    '@context': z
      .union([z.string(), z.array(z.union([z.string(), z.record(z.string(), z.unknown())]))])
      .optional(),
    id: z.string().min(1),
    alsoKnownAs: z.array(z.string()).max(MAX_ENTRIES).optional(),
    controller: z.union([z.string(), z.array(z.string()).max(MAX_ENTRIES)]).optional(),
    verificationMethod: z.array(zVerificationMethod).max(MAX_ENTRIES).optional(),
    authentication: zRelationship,
    assertionMethod: zRelationship,
    keyAgreement: zRelationship,
    capabilityInvocation: zRelationship,
    capabilityDelegation: zRelationship,
    service: z
      .array(
        z
          .object({
            id: z.string().min(1),
            type: z.union([z.string(), z.array(z.string())]),
            serviceEndpoint: z.unknown(),
          })
          .loose(),
      )
      .max(MAX_ENTRIES)
      .optional(),
  })
  .loose();

/**
 * Validates an untrusted DID document (e.g. fetched for did:web) against {@link zDidDocument} and
 * returns it deep-frozen, so a cached document cannot be changed by one caller under another.
 * Throws `DID_DOCUMENT_INVALID`; the message names the first failing member path, never a value.
 *
 * @example
 * ```ts
 * const doc = parseDidDocument(response.json());
 * ```
 */
export function parseDidDocument(value: unknown): DidDocument {
  const result = zDidDocument.safeParse(value);
  if (!result.success) {
    const path = result.error.issues[0]?.path.map(String).join('.') ?? '';
    failDid('DID_DOCUMENT_INVALID', `DID document is not valid${path === '' ? '' : ` at "${path}"`}`);
  }
  return deepFreeze(result.data as DidDocument);
}

/** Freezes a JSON value and everything inside it; returns it for chaining. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
