import {
  createSigner,
  decodeBase64Url,
  type GuardedFetch,
  generateKeyPair,
  type PublicJwk,
  parseStrictJson,
  type Signer,
} from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import {
  createProofJwt,
  fetchIssuerMetadata,
  parseCredentialOfferUri,
  preAuthorizedCodeGrantOf,
  requestAccessToken,
  requestCredential,
  requestNonce,
  type TxCode,
} from '@haven/oid4vci';

/** The credential type every benchmark offer is for (a realistic claim set with derived claims). */
export const BENCH_CREDENTIAL_TYPE = 'labour-contract';

/** A holder key of the pool: each exchange proves possession of the next one. */
export interface HolderKey {
  readonly signer: Signer;
  readonly publicJwk: PublicJwk;
}

/** Everything an exchange needs from an offer, taken from the admin API's answer. */
export interface PreparedOffer {
  readonly code: string;
  readonly txCode: string | undefined;
  readonly txCodeRequirement: TxCode | undefined;
  readonly configurationId: string;
}

/** A wallet pointed at one running issuer. */
export interface Wallet {
  readonly credentialIssuer: string;
  readonly fetch: GuardedFetch;
  readonly tokenEndpoint: string;
  readonly nonceEndpoint: string;
  readonly credentialEndpoint: string;
  readonly adminToken: string;
  readonly keys: readonly HolderKey[];
  /** The `POST /admin/offers` body (dc+sd-jwt, tx_code on). */
  readonly offerBody: string;
}

/** `count` fresh ES256 holder keys, generated before any timed window. */
export function createHolderKeys(count: number): HolderKey[] {
  return Array.from({ length: count }, () => {
    const { privateJwk, publicJwk } = generateKeyPair('ES256');
    return { signer: createSigner(privateJwk), publicJwk };
  });
}

/**
 * Reads the issuer's metadata as a wallet does (once, untimed) and returns the endpoints to use.
 *
 * @example
 * ```ts
 * const wallet = await connectWallet(server.url, http.fetch, adminToken, keys);
 * ```
 */
export async function connectWallet(
  credentialIssuer: string,
  fetch: GuardedFetch,
  adminToken: string,
  keys: readonly HolderKey[],
): Promise<Wallet> {
  const metadata = await fetchIssuerMetadata(credentialIssuer, { fetch, allowHttpLoopback: true });
  const { nonce_endpoint: nonceEndpoint, credential_endpoint: credentialEndpoint } =
    metadata.credentialIssuer;
  if (nonceEndpoint === undefined) throw new Error('the issuer publishes no nonce endpoint');
  return {
    credentialIssuer,
    fetch,
    tokenEndpoint: metadata.tokenEndpoint,
    nonceEndpoint,
    credentialEndpoint,
    adminToken,
    keys,
    offerBody: JSON.stringify({
      credentialType: BENCH_CREDENTIAL_TYPE,
      formats: ['dc+sd-jwt'],
      claims: claimsTemplate(BENCH_CREDENTIAL_TYPE),
      txCode: true,
    }),
  };
}

/** Reads a `POST /admin/offers` answer: the by-value offer URI (no network) and the tx_code. */
export function prepareOffer(body: string | Uint8Array): PreparedOffer {
  const created = parseStrictJson(body) as { offerByValueUri?: unknown; txCode?: unknown };
  if (typeof created.offerByValueUri !== 'string') throw new Error('the created offer has no by-value URI');
  const parsed = parseCredentialOfferUri(created.offerByValueUri, { allowHttpLoopback: true });
  if (parsed.kind !== 'value') throw new Error('the by-value offer URI carries no offer');
  const grant = preAuthorizedCodeGrantOf(parsed.offer);
  const configurationId = parsed.offer.credential_configuration_ids[0];
  if (configurationId === undefined) throw new Error('the offer names no configuration');
  return {
    code: grant['pre-authorized_code'],
    txCode: typeof created.txCode === 'string' ? created.txCode : undefined,
    txCodeRequirement: grant.tx_code,
    configurationId,
  };
}

/**
 * Creates one offer through the admin API (`POST /admin/offers`, bearer admin token), as a caseworker's
 * tool would.
 */
export async function createOffer(wallet: Wallet): Promise<PreparedOffer> {
  const response = await wallet.fetch({
    url: `${wallet.credentialIssuer}/admin/offers`,
    method: 'POST',
    headers: {
      authorization: `Bearer ${wallet.adminToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: wallet.offerBody,
  });
  if (response.status !== 201) throw new Error(`POST /admin/offers answered ${response.status}`);
  return prepareOffer(response.body);
}

/**
 * Creates `count` offers through the admin API with `concurrency` requests in flight (untimed: the
 * supply of single-use offers for exchange windows).
 */
export async function createOffers(
  wallet: Wallet,
  count: number,
  concurrency: number,
): Promise<PreparedOffer[]> {
  const offers: PreparedOffer[] = [];
  let started = 0;
  const loop = async () => {
    while (started < count) {
      started += 1;
      offers.push(await createOffer(wallet));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop));
  return offers;
}

/** The SD-JWT VC's issuer-signed payload (the part before the first `~`), decoded. */
function sdJwtPayload(credential: string): Record<string, unknown> {
  const jwt = credential.slice(0, credential.indexOf('~'));
  return parseStrictJson(decodeBase64Url(jwt.split('.')[1] ?? '', 'SD-JWT payload')) as Record<
    string,
    unknown
  >;
}

/**
 * One issuance exchange as a wallet runs it (OpenID4VCI pre-authorized code flow): token request with
 * the tx_code (§6), a fresh c_nonce (§7), a key proof signed AFTER the nonce arrived with the next
 * holder key of the pool (Appendix F.1), and the credential request (§8). With `check`, the credential
 * must be an SD-JWT VC from this issuer bound to that holder key.
 *
 * @example
 * ```ts
 * await exchangeOffer(wallet, offer, wallet.keys[0]);
 * ```
 */
export async function exchangeOffer(
  wallet: Wallet,
  offer: PreparedOffer,
  key: HolderKey,
  check = false,
): Promise<void> {
  const client = { fetch: wallet.fetch, allowHttpLoopback: true } as const;
  const token = await requestAccessToken({
    ...client,
    tokenEndpoint: wallet.tokenEndpoint,
    preAuthorizedCode: offer.code,
    ...(offer.txCodeRequirement === undefined ? {} : { txCodeRequirement: offer.txCodeRequirement }),
    ...(offer.txCode === undefined ? {} : { txCode: offer.txCode }),
  });
  const nonce = await requestNonce({ ...client, nonceEndpoint: wallet.nonceEndpoint });
  const proof = await createProofJwt({
    signer: key.signer,
    publicJwk: key.publicJwk,
    credentialIssuer: wallet.credentialIssuer,
    nonce,
    now: Date.now() / 1000,
  });
  // §8.2: with authorization_details in the token response, the request names a credential identifier.
  const identifier = token.credentialIdentifiers?.[offer.configurationId]?.[0];
  const result = await requestCredential({
    ...client,
    credentialEndpoint: wallet.credentialEndpoint,
    accessToken: token.accessToken,
    ...(identifier === undefined
      ? { configurationId: offer.configurationId }
      : { credentialIdentifier: identifier }),
    proofs: [proof],
  });
  if (result.kind !== 'issued' || result.credentials.length !== 1) {
    throw new Error('the exchange did not end with exactly one issued credential');
  }
  if (check) {
    const [credential] = result.credentials;
    if (typeof credential !== 'string' || !credential.includes('~')) throw new Error('not an SD-JWT VC');
    const payload = sdJwtPayload(credential);
    const cnf = payload.cnf as { jwk?: { x?: unknown } } | undefined;
    if (payload.iss !== wallet.credentialIssuer || cnf?.jwk?.x !== key.publicJwk.x) {
      throw new Error('the credential is not bound to the proven holder key of this issuer');
    }
  }
}
