/**
 * The OAuth grant type of the Pre-Authorized Code Flow (OpenID4VCI §4.1.1, §6.1).
 *
 * @example
 * ```ts
 * params.grant_type === PRE_AUTHORIZED_CODE_GRANT_TYPE
 * ```
 */
export const PRE_AUTHORIZED_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/**
 * The `typ` header every `jwt` key proof carries (OpenID4VCI Appendix F.1). Compared exactly.
 *
 * @example
 * ```ts
 * signJwsSync(claims, { signer, typ: PROOF_JWT_TYP, header: { jwk } });
 * ```
 */
export const PROOF_JWT_TYP = 'openid4vci-proof+jwt';

/**
 * The custom scheme a Credential Offer is sent in when the wallet's own endpoint is unknown (§12.1.1).
 *
 * @example
 * ```ts
 * `${CREDENTIAL_OFFER_SCHEME}?credential_offer_uri=${encodeURIComponent(url)}`
 * ```
 */
export const CREDENTIAL_OFFER_SCHEME = 'openid-credential-offer://';

/** Where each issuer endpoint lives, relative to the Credential Issuer Identifier. */
export interface Oid4vciEndpointPaths {
  readonly token: string;
  readonly credential: string;
  readonly nonce: string;
  readonly deferredCredential: string;
  /** Prefix of the by-reference Credential Offer URLs (`<issuer>/offers/<offerId>`). */
  readonly offers: string;
}

/**
 * Default endpoint paths; the server mounts the handlers there.
 *
 * @example
 * ```ts
 * app.post(DEFAULT_ENDPOINT_PATHS.token, tokenRoute);
 * ```
 */
export const DEFAULT_ENDPOINT_PATHS: Oid4vciEndpointPaths = Object.freeze({
  token: '/token',
  credential: '/credential',
  nonce: '/nonce',
  deferredCredential: '/deferred_credential',
  offers: '/offers',
});
