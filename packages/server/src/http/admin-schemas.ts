import { PURPOSE_ID_PATTERN } from '@haven/credentials';
import { z } from 'zod';
import { failHttp } from './http-errors.js';

// The admin API's inputs and outputs. Inputs are strict (an unknown member or query parameter is a
// mistake worth a 400, not something to ignore); the OpenAPI document is generated from these too.

const ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A record id in a path or filter: base64url-ish, bounded. */
export const zRecordId = z.string().regex(ID);

/** The credential formats an offer can carry. */
export const zCredentialFormat = z.enum(['dc+sd-jwt', 'jwt_vc_json', 'ldp_vc']);

/** A claims object; its content is checked against the credential type's schema by the issuer. */
const zClaims = z.record(z.string(), z.unknown());

/** `POST /admin/offers` body. */
export const zCreateOfferBody = z.strictObject({
  credentialType: z.string().regex(/^[a-z0-9-]{1,64}$/),
  formats: z.array(zCredentialFormat).min(1).max(3).optional(),
  claims: zClaims.optional(),
  txCode: z.boolean().optional(),
  deferred: z.boolean().optional(),
});

/** Most items of one `POST /admin/credentials/batch` (the issuer's `MAX_BATCH_ITEMS`). */
export const MAX_BATCH_ITEMS = 1000;

/** `POST /admin/credentials/batch` body: one type and format, one item (claims, holder key) per holder. */
export const zIssueBatchBody = z.strictObject({
  credentialType: z.string().regex(/^[a-z0-9-]{1,64}$/),
  format: zCredentialFormat,
  items: z
    .array(
      z.strictObject({
        claims: zClaims,
        // A public JWK as the holder's wallet gave it; checked in full (public, curve, algorithm) by the issuer.
        holderJwk: z.record(z.string(), z.unknown()),
      }),
    )
    .min(1)
    .max(MAX_BATCH_ITEMS),
});

/** `POST /admin/offers/:id/decision` body. */
export const zOfferDecisionBody = z.strictObject({
  decision: z.enum(['approved', 'denied']),
  claims: zClaims.optional(),
});

const zLimit = z
  .string()
  .regex(/^[1-9][0-9]{0,2}$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(500));
/** Opaque page cursors: printable ASCII without spaces, bounded (the store decides what they mean). */
const zCursor = z.string().regex(/^[\x21-\x7e]{1,512}$/);

/** `GET /admin/offers` query. */
export const zListOffersQuery = z.strictObject({ limit: zLimit.optional(), cursor: zCursor.optional() });

/** `GET /admin/credentials` query: allow-listed filters only. */
export const zSearchCredentialsQuery = z.strictObject({
  type: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional(),
  state: z.enum(['active', 'suspended', 'revoked']).optional(),
  offer: zRecordId.optional(),
  limit: zLimit.optional(),
  cursor: zCursor.optional(),
});

/** `GET /admin/audit` query. */
export const zAuditQuery = z.strictObject({
  limit: zLimit.optional(),
  before: z
    .string()
    .regex(/^[0-9]{1,15}$/)
    .transform(Number)
    .optional(),
  // A record id, or a purpose id (dots allowed) for the verifier's purpose changes.
  target: z.union([zRecordId, z.string().regex(PURPOSE_ID_PATTERN)]).optional(),
});

const zEpochSeconds = z.number().int().min(0);

/** An offer as the admin API lists it (metadata only). */
export const zOfferSummary = z.object({
  id: z.string(),
  configurationIds: z.array(z.string()),
  decision: z.enum(['approved', 'pending', 'denied']),
  createdAt: zEpochSeconds,
  expiresAt: zEpochSeconds,
  redeemedAt: zEpochSeconds.optional(),
  withdrawn: z.boolean(),
  hasTxCode: z.boolean(),
});

/** `POST /admin/offers` answer: everything to hand the offer to the person, once. */
export const zCreatedOffer = z.object({
  offerId: z.string(),
  offerUri: z.string(),
  offerByValueUri: z.string(),
  txCode: z.string().optional(),
  expiresAt: zEpochSeconds,
});

/** `POST /admin/credentials/batch` answer: the credentials in the order of the items. */
export const zIssuedBatch = z.object({
  batchId: z.string(),
  credentials: z.array(
    z.object({
      id: z.string(),
      credential: z.union([z.string(), z.record(z.string(), z.unknown())]),
    }),
  ),
});

/** An issued credential as the registry keeps it (no claim values). */
export const zCredentialRecord = z.object({
  id: z.string(),
  offerId: z.string(),
  credentialType: z.string(),
  configurationId: z.string(),
  format: z.string(),
  statusListId: z.string(),
  statusIndex: z.number().int().min(0),
  state: z.enum(['active', 'suspended', 'revoked']),
  issuedAt: zEpochSeconds,
  expiresAt: zEpochSeconds.optional(),
  updatedAt: zEpochSeconds,
});

/** One audit log entry. */
export const zAuditEntry = z.object({
  seq: z.number().int(),
  at: zEpochSeconds,
  actor: z.string(),
  action: z.string(),
  target: z.string().optional(),
  outcome: z.enum(['ok', 'refused']),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** Every error answer. */
export const zErrorBody = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  details: z.object({ paths: z.array(z.string()) }).optional(),
});

/**
 * Parses admin input with a schema; a mismatch is `SERVER_HTTP_INVALID_REQUEST` whose details name the
 * offending paths (and unknown member names), never the values.
 *
 * @example
 * ```ts
 * const query = parseAdminInput(zAuditQuery, req.query);
 * ```
 */
export function parseAdminInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const paths = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => JSON.stringify([...issue.path.map(String), key]))
      : [JSON.stringify(issue.path.map(String))],
  );
  failHttp('SERVER_HTTP_INVALID_REQUEST', 'the request does not match the schema', {
    details: { paths: [...new Set(paths)] },
  });
}
