import { PURPOSE_ID_PATTERN } from '@haven/credentials';
import { z } from 'zod';

// The verifier's admin API inputs and outputs. Inputs are strict; the OpenAPI document is built from
// these too. A purpose's own content is checked by `parsePurpose` (PURPOSE_INVALID), not here.

/** A purpose id in a path: the shape `parsePurpose` accepts. */
export const zPurposeId = z.string().regex(PURPOSE_ID_PATTERN);

/** A transaction id in a path: base64url, bounded. */
export const zTransactionId = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/);

const zClaimPath = z.array(z.union([z.string(), z.number().int().min(0), z.null()])).min(1);

/** A purpose (relying-party registration), as `PUT /admin/purposes/:id` takes it and the API returns it. */
export const zPurpose = z.object({
  id: z.string(),
  description: z.string(),
  legalBasis: z.string(),
  credentialTypes: z.record(z.string(), z.array(zClaimPath)),
});

/** One purpose as listed: the built-in ones cannot be changed. */
export const zListedPurpose = z.object({ purpose: zPurpose, builtIn: z.boolean() });

/** `POST /admin/presentations` body. */
export const zCreatePresentationBody = z.strictObject({
  purpose: zPurposeId,
  response_mode: z.enum(['direct_post', 'direct_post.jwt']).optional(),
  // Checked in full (https, or loopback http in development) by the verifier handlers.
  redirect_uri: z.string().min(1).max(2048).optional(),
  // A DCQL query (OpenID4VP §6); checked by the verifier against the purpose (OVER_ASKING).
  dcql_query: z.record(z.string(), z.unknown()).optional(),
});

/** `POST /admin/presentations` answer: the session secret is shown once. */
export const zCreatedPresentation = z.object({
  transaction_id: z.string(),
  session: z.string(),
  authorization_request_uri: z.string(),
  request_uri: z.string().optional(),
  expires_at: z.number().int().min(0),
});

/** `GET /admin/presentations/:id`: metadata only, never claims. */
export const zPresentationStatus = z.object({
  id: z.string(),
  purposeId: z.string(),
  responseMode: z.enum(['direct_post', 'direct_post.jwt']),
  createdAt: z.number().int().min(0),
  expiresAt: z.number().int().min(0),
  state: z.enum(['pending', 'expired', 'accepted', 'rejected', 'declined']),
  respondedAt: z.number().int().min(0).optional(),
  errorCode: z.string().optional(),
  collected: z.boolean(),
});

/** `POST /oid4vp/results/:transactionId` body (optional). */
export const zCollectResultBody = z.strictObject({
  response_code: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/)
    .optional(),
});
