import {
  type Clock,
  createSigner,
  type GuardedFetch,
  generateKeyPair,
  type PublicJwk,
  parseStrictJson,
  type SyncSigner,
  systemClock,
} from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { presentSdJwtSync } from '@haven/sd-jwt';
import { VERIFIER_BENCH_CREDENTIAL_TYPE, VERIFIER_BENCH_PURPOSE } from './verifier-server-library.js';

/** A wallet's holder key (a synchronous signer: presentations are built with `presentSdJwtSync`). */
export interface HolderKey {
  readonly signer: SyncSigner;
  readonly publicJwk: PublicJwk;
}

/**
 * `count` fresh ES256 holder keys, generated before any timed window.
 *
 * @example
 * ```ts
 * const keys = createHolderKeys(32);
 * ```
 */
export function createHolderKeys(count: number): HolderKey[] {
  return Array.from({ length: count }, () => {
    const { privateJwk, publicJwk } = generateKeyPair('ES256');
    return { signer: createSigner(privateJwk), publicJwk };
  });
}

/** A holder key and the server-issued SD-JWT VC bound to it. */
export interface HeldCredential {
  readonly key: HolderKey;
  readonly credential: string;
}

/** One wallet response ready to be posted: where, and the form body (single use). */
export interface PreparedResponse {
  /** Path of the `response_uri` (e.g. `/oid4vp/response`). */
  readonly path: string;
  /** `vp_token=…&state=…`, application/x-www-form-urlencoded. */
  readonly body: string;
}

/** What the benchmark needs from one `POST /admin/presentations` answer. */
interface TransactionRequest {
  readonly clientId: string;
  readonly nonce: string;
  readonly state: string;
  readonly responseUri: string;
  readonly queryId: string;
  readonly claimPaths: readonly (readonly (string | number | null)[])[];
}

const TRANSACTION_BODY = JSON.stringify({ purpose: VERIFIER_BENCH_PURPOSE, response_mode: 'direct_post' });

function adminHeaders(adminToken: string): Record<string, string> {
  return {
    authorization: `Bearer ${adminToken}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
}

/**
 * Issues one `identity-restoration` SD-JWT VC per holder key through the server's admin API
 * (`POST /admin/credentials/batch`), so the credentials come from the server's own issuer, which its
 * verifier trusts, with status list entries it serves.
 *
 * @example
 * ```ts
 * const held = await issueHeldCredentials(server.url, http.fetch, adminToken, createHolderKeys(32));
 * ```
 */
export async function issueHeldCredentials(
  baseUrl: string,
  fetch: GuardedFetch,
  adminToken: string,
  keys: readonly HolderKey[],
): Promise<HeldCredential[]> {
  const claims = claimsTemplate(VERIFIER_BENCH_CREDENTIAL_TYPE);
  const response = await fetch({
    url: `${baseUrl}/admin/credentials/batch`,
    method: 'POST',
    headers: adminHeaders(adminToken),
    body: JSON.stringify({
      credentialType: VERIFIER_BENCH_CREDENTIAL_TYPE,
      format: 'dc+sd-jwt',
      items: keys.map((key) => ({ claims, holderJwk: key.publicJwk })),
    }),
  });
  if (response.status !== 201) throw new Error(`POST /admin/credentials/batch answered ${response.status}`);
  const answer = parseStrictJson(response.body, { maxBytes: 64 * 1024 * 1024 }) as {
    credentials?: { credential?: unknown }[];
  };
  const credentials = answer.credentials ?? [];
  if (credentials.length !== keys.length)
    throw new Error('the batch answer does not carry one credential per key');
  return keys.map((key, i) => {
    const credential = credentials[i]?.credential;
    if (typeof credential !== 'string' || !credential.includes('~')) throw new Error('not an SD-JWT VC');
    return { key, credential };
  });
}

/** Reads the by-value authorization request (`openid4vp://?…`, redirect_uri client id) as a wallet would. */
function readRequest(authorizationRequestUri: unknown): TransactionRequest {
  if (typeof authorizationRequestUri !== 'string')
    throw new Error('the transaction has no authorization request');
  const params = new URL(authorizationRequestUri).searchParams;
  const text = (name: string): string => {
    const value = params.get(name);
    if (value === null || value === '') throw new Error(`the authorization request has no ${name}`);
    return value;
  };
  const dcql = parseStrictJson(text('dcql_query')) as {
    credentials?: { id?: unknown; format?: unknown; claims?: { path?: unknown }[] }[];
  };
  const query = dcql.credentials?.find((c) => c.format === 'dc+sd-jwt' && typeof c.id === 'string');
  if (query === undefined) throw new Error('the DCQL query has no dc+sd-jwt Credential Query');
  const claimPaths = (query.claims ?? []).map((c) => {
    if (!Array.isArray(c.path)) throw new Error('a DCQL claim has no path');
    return c.path as (string | number | null)[];
  });
  if (claimPaths.length === 0) throw new Error('the DCQL query asks for no claim');
  return {
    clientId: text('client_id'),
    nonce: text('nonce'),
    state: text('state'),
    responseUri: text('response_uri'),
    queryId: query.id as string,
    claimPaths,
  };
}

/** Creates one `age-check` direct_post transaction through the admin API and reads its request. */
async function createTransaction(baseUrl: string, fetch: GuardedFetch, adminToken: string) {
  const response = await fetch({
    url: `${baseUrl}/admin/presentations`,
    method: 'POST',
    headers: adminHeaders(adminToken),
    body: TRANSACTION_BODY,
  });
  if (response.status !== 201) throw new Error(`POST /admin/presentations answered ${response.status}`);
  const created = parseStrictJson(response.body) as { authorization_request_uri?: unknown };
  return readRequest(created.authorization_request_uri);
}

/**
 * The wallet's answer to one transaction: a presentation of the held credential disclosing exactly the
 * query's claim paths, with a KB-JWT for the transaction's nonce and full client_id (OpenID4VP §8.6),
 * as the direct_post form body.
 */
function respond(request: TransactionRequest, held: HeldCredential, clock: Clock): PreparedResponse {
  const presentation = presentSdJwtSync(held.credential, {
    disclose: request.claimPaths.map((p) => [...p]),
    keyBinding: { signer: held.key.signer, nonce: request.nonce, aud: request.clientId, clock },
  });
  const vpToken = JSON.stringify({ [request.queryId]: [presentation] });
  const path = new URL(request.responseUri).pathname;
  return {
    path,
    body: `vp_token=${encodeURIComponent(vpToken)}&state=${encodeURIComponent(request.state)}`,
  };
}

/**
 * Prepares `count` single-use wallet responses, untimed: one fresh transaction per response
 * (`POST /admin/presentations`, `concurrency` in flight) and one fresh presentation of the next held
 * credential for it.
 *
 * @example
 * ```ts
 * const responses = await prepareResponses(server.url, http.fetch, adminToken, held, 4_000, 16);
 * ```
 */
export async function prepareResponses(
  baseUrl: string,
  fetch: GuardedFetch,
  adminToken: string,
  held: readonly HeldCredential[],
  count: number,
  concurrency: number,
): Promise<PreparedResponse[]> {
  const responses: PreparedResponse[] = [];
  const clock = systemClock();
  let started = 0;
  const loop = async () => {
    while (started < count) {
      const index = started++;
      const request = await createTransaction(baseUrl, fetch, adminToken);
      const credential = held[index % held.length];
      if (credential === undefined) throw new Error('no held credential');
      responses.push(respond(request, credential, clock));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop));
  return responses;
}
