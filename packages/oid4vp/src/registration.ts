import { z } from 'zod';
import { HAVEN_REGISTRATION_FORMAT } from './constants.js';
import { failOid4vp } from './errors.js';

const zClaimPath = z.array(z.union([z.string().max(256), z.number().int().nonnegative(), z.null()])).min(1);

/**
 * A Haven verifier registration as carried in `verifier_info` (OpenID4VP §5.1): who asks (legal name),
 * for which registered purpose and why, which claims the registration allows per credential type, and
 * whom to contact to have the data deleted. Wallets show it before consent and compare it with the DCQL.
 *
 * @example
 * ```ts
 * zVerifierRegistration.parse(entry.data).legal_name
 * ```
 */
export const zVerifierRegistration = z
  .object({
    purpose: z.string().min(1).max(64),
    legal_name: z.string().min(1).max(256),
    purpose_description: z.string().min(1).max(2048),
    deletion_contact: z.string().min(1).max(512),
    legal_basis: z.string().min(1).max(1024).optional(),
    claims: z.record(z.string().max(64), z.array(zClaimPath).min(1).max(64)),
  })
  .loose();

/** {@link zVerifierRegistration} as a type. */
export type VerifierRegistration = z.infer<typeof zVerifierRegistration>;

/**
 * One `verifier_info` entry (OpenID4VP §5.1): a format identifier and its data.
 *
 * @example
 * ```ts
 * zVerifierInfoEntry.parse({ format: HAVEN_REGISTRATION_FORMAT, data: {} });
 * ```
 */
export const zVerifierInfoEntry = z
  .object({
    format: z.string().min(1).max(256),
    data: z.union([z.string().min(1), z.object({}).loose()]),
    credential_ids: z.array(z.string().min(1)).min(1).optional(),
  })
  .loose();

/** A key name shown as is in error details; anything else is the verifier's own text and becomes `?`. */
const SAFE_SEGMENT = /^[A-Za-z0-9_.-]{1,64}$/;

// Issue paths name keys the verifier chose (e.g. under `claims`): never echo them beyond plain names.
function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) =>
      typeof segment === 'number' || (typeof segment === 'string' && SAFE_SEGMENT.test(segment))
        ? String(segment)
        : '?',
    )
    .join('.');
}

/**
 * Finds and checks the Haven registration in a request's `verifier_info`. Throws
 * `OID4VP_REGISTRATION_INVALID` when `verifier_info` is missing or malformed, when no entry or more than
 * one entry has Haven's format, or when its data is not a registration.
 *
 * @example
 * ```ts
 * readVerifierRegistration(request.verifier_info).deletion_contact
 * ```
 */
export function readVerifierRegistration(verifierInfo: unknown): VerifierRegistration {
  const list = z.array(zVerifierInfoEntry).min(1).max(16).safeParse(verifierInfo);
  if (!list.success) {
    failOid4vp('OID4VP_REGISTRATION_INVALID', 'verifier_info must be a non-empty array of attestations');
  }
  const haven = list.data.filter((entry) => entry.format === HAVEN_REGISTRATION_FORMAT);
  if (haven.length !== 1) {
    failOid4vp('OID4VP_REGISTRATION_INVALID', 'verifier_info must carry exactly one Haven registration');
  }
  const parsed = zVerifierRegistration.safeParse(haven[0]?.data);
  if (!parsed.success) {
    failOid4vp('OID4VP_REGISTRATION_INVALID', 'the verifier registration is malformed', {
      details: { paths: parsed.error.issues.slice(0, 10).map((i) => issuePath(i.path)) },
    });
  }
  return parsed.data;
}
