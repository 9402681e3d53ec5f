/**
 * The `typ` header of a request object (OpenID4VP §5, RFC 9101 §10.8).
 *
 * @example
 * ```ts
 * header.typ === REQUEST_OBJECT_TYP
 * ```
 */
export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';

/**
 * The `aud` of a signed request object under static discovery (OpenID4VP §5.8).
 *
 * @example
 * ```ts
 * payload.aud === SELF_ISSUED_AUDIENCE
 * ```
 */
export const SELF_ISSUED_AUDIENCE = 'https://self-issued.me/v2';

/**
 * The `verifier_info` format (OpenID4VP §5.1) of a Haven verifier registration: a collision-resistant
 * identifier, so a wallet never confuses it with another ecosystem's attestation.
 *
 * @example
 * ```ts
 * request.verifier_info.find((v) => v.format === HAVEN_REGISTRATION_FORMAT)
 * ```
 */
export const HAVEN_REGISTRATION_FORMAT = 'https://haven.example/ns/verifier-registration/v1';

/**
 * Response modes Haven supports (OpenID4VP §8.2, §8.3).
 *
 * @example
 * ```ts
 * RESPONSE_MODES.includes('direct_post.jwt') // true
 * ```
 */
export const RESPONSE_MODES = ['direct_post', 'direct_post.jwt'] as const;

/** One of {@link RESPONSE_MODES}. */
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/**
 * Client Identifier Prefixes Haven supports (OpenID4VP §5.9.3).
 *
 * @example
 * ```ts
 * CLIENT_ID_PREFIXES.includes('x509_san_dns') // true
 * ```
 */
export const CLIENT_ID_PREFIXES = ['redirect_uri', 'x509_san_dns'] as const;

/** One of {@link CLIENT_ID_PREFIXES}. */
export type ClientIdPrefix = (typeof CLIENT_ID_PREFIXES)[number];

/** Fewest nonce bytes: 128 bits of entropy (OpenID4VP §14.1 asks for a fresh, unguessable nonce). */
export const NONCE_MIN_BYTES = 16;

/** Default lifetime of a signed request object, in seconds. */
export const REQUEST_OBJECT_TTL_SECONDS = 300;
