import { z } from 'zod';

/**
 * A Credential Request body (OpenID4VCI §8.2) as far as Haven reads it. Known members are typed
 * strictly, unknown ones are kept and ignored (`.loose()`, §8.2: unrecognized parameters are ignored).
 * Rules that span members — exactly one of `credential_configuration_id` / `credential_identifier`,
 * exactly one proof type in `proofs`, no legacy `proof`, no `credential_response_encryption` — are the
 * handler's, so each gets its own error code.
 *
 * @example
 * ```ts
 * zCredentialRequest.safeParse({ credential_configuration_id: 'x', proofs: { jwt: [proofJwt] } }).success
 * ```
 */
export const zCredentialRequest = z
  .object({
    credential_configuration_id: z.string().min(1).max(256).optional(),
    credential_identifier: z.string().min(1).max(256).optional(),
    proofs: z
      .object({
        jwt: z.array(z.string().min(1)).max(1000).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** {@link zCredentialRequest} as a type. */
export type CredentialRequest = z.infer<typeof zCredentialRequest>;

/**
 * A Deferred Credential Request body (OpenID4VCI §9.1): the `transaction_id`; unknown members ignored.
 *
 * @example
 * ```ts
 * zDeferredCredentialRequest.safeParse({ transaction_id: '8xLOxBtZp8' }).success // true
 * ```
 */
export const zDeferredCredentialRequest = z
  .object({
    transaction_id: z.string().min(1).max(512),
  })
  .loose();

/** {@link zDeferredCredentialRequest} as a type. */
export type DeferredCredentialRequest = z.infer<typeof zDeferredCredentialRequest>;
