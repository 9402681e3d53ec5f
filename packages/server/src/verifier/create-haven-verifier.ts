import {
  type Clock,
  createGuardedFetch,
  type GuardedFetch,
  type GuardedResponse,
  HavenError,
  openAead,
  type PublicJwk,
  parseStrictJson,
  type ScryptParams,
  sealAead,
} from '@haven/core';
import { PURPOSES, type Purpose, parsePurpose } from '@haven/credentials';
import {
  collectPresentationResult,
  createPresentationTransaction,
  failOid4vp,
  getAuthorizationRequestUri,
  getRequestObject,
  handleAuthorizationResponse,
  type Oid4vpVerifierConfig,
  type Oid4vpVerifierStore,
  purgeExpiredTransactions,
  type ResponseMode,
  type VerifierIdentity,
  type X509RequestSigning,
} from '@haven/oid4vp';
import { createIssuerKeySource } from '@haven/sd-jwt';
import { createTokenStatusListChecker } from '@haven/status';
import { failServer } from '../errors.js';
import type { HavenIssuer } from '../issuer/types.js';
import type { AuditEntry, PurposeStore } from '../store/contracts.js';
import type { HavenDatabase } from '../store/open-database.js';
import { SqlAuditLog } from '../store/sql-audit-log.js';
import { SqlOid4vpStore } from '../store/sql-oid4vp-store.js';
import { SqlPurposeStore } from '../store/sql-purpose-store.js';
import { SqlSecretStore } from '../store/sql-secret-store.js';
import type { HavenVerifier, ListedPurpose, PresentationStatus } from './types.js';
import { deriveVerifierSecrets } from './verifier-secrets.js';

/** The paths of the wallet-facing verifier endpoints under the public URL. */
export const VERIFIER_PATHS = Object.freeze({
  response: '/oid4vp/response',
  requests: '/oid4vp/requests',
  results: '/oid4vp/results',
});

/** Options of {@link createHavenVerifier}. */
export interface HavenVerifierOptions {
  /** The database (from `openDatabase`); the caller that opened it closes it. */
  readonly database: HavenDatabase;
  /**
   * The verifier's public URL (https; http only on a loopback host, for development and tests): the
   * response URI is `<publicUrl>/oid4vp/response`, request URIs `<publicUrl>/oid4vp/requests/<id>`.
   */
  readonly publicUrl: string;
  /** The master secret (`loadOrCreateMasterSecret`); the verifier derives keys of its own from it. */
  readonly masterSecret: Uint8Array;
  /** Who the verifier is, as shown to the holder (`verifier_info`). */
  readonly verifier: VerifierIdentity;
  /** Default `redirect_uri:<publicUrl>/oid4vp/response`; `x509_san_dns:<name>` needs `x509`. */
  readonly clientId?: string;
  /** Signing material of an `x509_san_dns` verifier (key, chain, SAN reader). */
  readonly x509?: X509RequestSigning;
  /**
   * The issuer in this process: its credentials are trusted, its keys and status lists read in process
   * (no network). Absent when the verifier runs alone.
   */
  readonly issuer?: Pick<HavenIssuer, 'credentialIssuer' | 'jwtVcIssuerMetadata' | 'statusList'>;
  /** Further trusted issuers (https URLs): keys from their JWT VC Issuer Metadata, lists from their URIs. */
  readonly trustedIssuers?: readonly string[];
  /** Default response mode of new transactions (default `direct_post.jwt`). */
  readonly responseMode?: ResponseMode;
  /** Transaction lifetime in seconds (default the handlers' 600). */
  readonly transactionTtlSeconds?: number;
  /** Epoch seconds (default: the system clock). */
  readonly now?: () => number;
  /** The fetcher for other issuers (default core's `createGuardedFetch`); the local issuer never needs it. */
  readonly fetch?: GuardedFetch;
  /** Replaces the SQL stores (tests). */
  readonly stores?: { readonly transactions?: Oid4vpVerifierStore; readonly purposes?: PurposeStore };
  /** scrypt cost for a NEW database (default core's; an existing database keeps its own). */
  readonly scrypt?: ScryptParams;
}

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
const CLOCK_SKEW_SECONDS = 60;

function systemNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** The public URL, and whether it is a loopback http URL (local development). */
function checkPublicUrl(value: unknown): { publicUrl: string; loopbackHttp: boolean } {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  const https = url?.protocol === 'https:';
  const loopbackHttp = url?.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname);
  if (
    url === undefined ||
    typeof value !== 'string' ||
    !(https || loopbackHttp) ||
    url.username !== '' ||
    url.password !== '' ||
    /[?#]/.test(value) ||
    value.endsWith('/') ||
    (url.href !== value && url.href !== `${value}/`)
  ) {
    failOid4vp(
      'OID4VP_OPTIONS_INVALID',
      'publicUrl must be a canonical https URL (http only on loopback) without user info, query, fragment or trailing slash',
    );
  }
  return { publicUrl: value, loopbackHttp: !https };
}

function checkTrustedIssuers(value: readonly string[] | undefined): readonly string[] {
  const list = value ?? [];
  if (!Array.isArray(list) || list.length > 100) {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'trustedIssuers must be a list of at most 100 https URLs');
  }
  for (const iss of list) {
    let url: URL | undefined;
    try {
      url = typeof iss === 'string' ? new URL(iss) : undefined;
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:' || /[?#]/.test(iss) || url.username !== '' || url.password !== '') {
      failOid4vp('OID4VP_OPTIONS_INVALID', 'trustedIssuers must be https URLs without query or fragment');
    }
  }
  return list;
}

function localResponse(url: string, status: number, body: string, type: string): GuardedResponse {
  const bytes = new TextEncoder().encode(body);
  return {
    status,
    url,
    headers: { 'content-type': type },
    body: bytes,
    json: (options) => parseStrictJson(bytes, options),
    text: () => body,
  };
}

/**
 * A fetcher that answers the co-located issuer's status lists and JWT VC Issuer Metadata from the
 * issuer itself (no network, no loopback exception needed), and everything else through `fallback`.
 */
function inProcessFetch(
  issuer: NonNullable<HavenVerifierOptions['issuer']>,
  fallback: GuardedFetch,
): GuardedFetch {
  const base = issuer.credentialIssuer;
  const origin = new URL(base).origin;
  const path = new URL(base).pathname.replace(/\/+$/, '');
  const metadataUrl = `${origin}/.well-known/jwt-vc-issuer${path}`;
  const statusPrefix = `${base}/status/`;
  return async (request) => {
    const url = typeof request === 'string' ? request : request.url;
    if (url === metadataUrl) {
      return localResponse(url, 200, JSON.stringify(issuer.jwtVcIssuerMetadata()), 'application/json');
    }
    if (url.startsWith(statusPrefix)) {
      const listId = url.slice(statusPrefix.length);
      const published = /^[A-Za-z0-9_-]{1,128}$/.test(listId) ? await issuer.statusList(listId) : undefined;
      if (published === undefined) return localResponse(url, 404, '', 'text/plain');
      return localResponse(url, 200, published.body, published.mediaType);
    }
    return fallback(request);
  };
}

function localIssuerKeys(issuer: NonNullable<HavenVerifierOptions['issuer']>): readonly PublicJwk[] {
  const jwks = issuer.jwtVcIssuerMetadata().jwks as { keys?: unknown } | undefined;
  const keys = Array.isArray(jwks?.keys) ? (jwks.keys as PublicJwk[]) : [];
  if (keys.length === 0) failOid4vp('OID4VP_OPTIONS_INVALID', 'the co-located issuer publishes no keys');
  return keys;
}

function isBuiltIn(id: string): boolean {
  return Object.hasOwn(PURPOSES, id);
}

/**
 * Creates the verifier of Haven's server (OpenID4VP 1.0 with DCQL and SD-JWT VC, HAIP profile) over one
 * database: derives its own HMAC and seal keys from the master secret, wires the `@haven/oid4vp`
 * transaction handlers (the §13.3 reference design: transaction-id + session secret for the front end,
 * request-id as `state` for the wallet) to the SQL stores, and trusts the co-located issuer (keys and
 * status lists read in process) plus any `trustedIssuers`. Purposes are Haven's built-in `PURPOSES`
 * (reserved ids) and the operator's own registrations in the purpose store. Purpose changes and
 * presentation requests and outcomes are audited (metadata only).
 *
 * @example
 * ```ts
 * const verifier = await createHavenVerifier({
 *   database, publicUrl: 'https://issuer.example', masterSecret: secret, issuer,
 *   verifier: { legalName: 'Labour Inspectorate', deletionContact: 'privacy@inspectorate.example' },
 * });
 * const { authorizationRequestUri, session } = await verifier.createPresentation({ purpose: 'age-check' }, 'admin:ops');
 * ```
 */
export async function createHavenVerifier(options: HavenVerifierOptions): Promise<HavenVerifier> {
  const { publicUrl, loopbackHttp } = checkPublicUrl(options.publicUrl);
  const trustedIssuers = checkTrustedIssuers(options.trustedIssuers);
  const now = options.now ?? systemNow;
  const clock: Clock = { now: () => now(), skewSeconds: CLOCK_SKEW_SECONDS };
  const { db } = options.database;
  const { sealKey, hmacKey } = await deriveVerifierSecrets({
    masterSecret: options.masterSecret,
    secrets: new SqlSecretStore(db),
    ...(options.scrypt === undefined ? {} : { scrypt: options.scrypt }),
  });
  const transactions = options.stores?.transactions ?? new SqlOid4vpStore(db);
  const purposes = options.stores?.purposes ?? new SqlPurposeStore(db);
  const audit = new SqlAuditLog(db);
  const record = (entry: Omit<AuditEntry, 'at'>) => audit.append({ ...entry, at: now() });

  const network = options.fetch ?? createGuardedFetch({ allowHttpLoopback: loopbackHttp });
  const fetch = options.issuer === undefined ? network : inProcessFetch(options.issuer, network);
  const issuers = [
    ...(options.issuer === undefined ? [] : [options.issuer.credentialIssuer]),
    ...trustedIssuers.filter((iss) => iss !== options.issuer?.credentialIssuer),
  ];
  const issuerKey = createIssuerKeySource({
    issuers,
    fetch,
    clock,
    // The local issuer's keys are taken as they are (its public URL may be loopback http in development,
    // where no metadata URL can be built).
    ...(options.issuer === undefined
      ? {}
      : { keys: { [options.issuer.credentialIssuer]: localIssuerKeys(options.issuer) } }),
  });
  const checker = () =>
    createTokenStatusListChecker({
      fetch,
      clock,
      issuerKey: (header, _list, claims) => issuerKey(header, { iss: claims.iss }),
      allowHttpLoopback: loopbackHttp,
    });
  // The co-located issuer's lists come from this process (no network, and nobody learns who is checked),
  // so none is kept: each check reads the list the issuer serves now (signed once, re-signed after every
  // change), and a revocation counts at once. Other issuers' lists are cached for their `ttl`, which also
  // keeps an issuer from seeing each verification.
  const remoteStatus = checker();
  const localIssuer = options.issuer?.credentialIssuer;
  const localStatus: Oid4vpVerifierConfig['status'] = (reference, claims) => checker()(reference, claims);
  const status: Oid4vpVerifierConfig['status'] = (reference, claims) =>
    localIssuer !== undefined && claims.iss === localIssuer
      ? localStatus(reference, claims)
      : remoteStatus(reference, claims);

  const responseUri = `${publicUrl}${VERIFIER_PATHS.response}`;
  const config: Oid4vpVerifierConfig = {
    store: transactions,
    secret: hmacKey,
    seal: (transactionId, plaintext) => sealAead(sealKey, plaintext, `oid4vp-transaction:${transactionId}`),
    open: (transactionId, sealed) =>
      new TextDecoder().decode(openAead(sealKey, sealed, `oid4vp-transaction:${transactionId}`)),
    clientId: options.clientId ?? `redirect_uri:${responseUri}`,
    responseUri,
    requestUriBase: `${publicUrl}${VERIFIER_PATHS.requests}/`,
    verifier: options.verifier,
    ...(options.x509 === undefined ? {} : { x509: options.x509 }),
    ...(options.responseMode === undefined ? {} : { responseMode: options.responseMode }),
    ...(options.transactionTtlSeconds === undefined
      ? {}
      : { transactionTtlSeconds: options.transactionTtlSeconds }),
    issuerKey,
    status,
    clock,
    allowHttpLoopback: loopbackHttp,
  };
  let closed = false;
  const assertOpen = () => {
    if (closed) failOid4vp('OID4VP_OPTIONS_INVALID', 'the verifier was closed');
  };

  const listed = (purpose: Purpose, builtIn: boolean): ListedPurpose => ({ purpose, builtIn });

  async function lookupPurpose(id: string): Promise<ListedPurpose | undefined> {
    if (isBuiltIn(id)) return listed(PURPOSES[id] as Purpose, true);
    const stored = await purposes.getPurpose(id);
    return stored === undefined ? undefined : listed(stored, false);
  }

  const verifier: HavenVerifier = {
    publicUrl,
    clientId: config.clientId,
    oid4vp: config,

    async listPurposes() {
      assertOpen();
      const builtIn = Object.values(PURPOSES).map((p) => listed(p, true));
      const own = (await purposes.listPurposes())
        .filter((p) => !isBuiltIn(p.id))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((p) => listed(p, false));
      return [...builtIn, ...own];
    },

    async getPurpose(id) {
      assertOpen();
      return lookupPurpose(id);
    },

    async putPurpose(id, value, actor) {
      assertOpen();
      if (isBuiltIn(id)) {
        await record({ actor, action: 'purpose.put', target: id, outcome: 'refused' });
        failServer('SERVER_STORE_CONFLICT', 'built-in purposes cannot be changed');
      }
      let purpose: Purpose;
      try {
        purpose = parsePurpose(value);
        if (purpose.id !== id) {
          throw new HavenError('PURPOSE_INVALID', 'the purpose id must equal the id in the path', {
            details: { paths: ['id'] },
          });
        }
      } catch (error) {
        await record({ actor, action: 'purpose.put', target: id, outcome: 'refused' });
        throw error;
      }
      const outcome = await purposes.putPurpose(purpose, now());
      await record({
        actor,
        action: 'purpose.put',
        target: id,
        outcome: 'ok',
        details: {
          created: outcome === 'created',
          credentialTypes: Object.keys(purpose.credentialTypes).join(' '),
        },
      });
      return outcome;
    },

    async deletePurpose(id, actor) {
      assertOpen();
      if (isBuiltIn(id)) {
        await record({ actor, action: 'purpose.delete', target: id, outcome: 'refused' });
        failServer('SERVER_STORE_CONFLICT', 'built-in purposes cannot be deleted');
      }
      const ok = await purposes.deletePurpose(id);
      await record({ actor, action: 'purpose.delete', target: id, outcome: ok ? 'ok' : 'refused' });
      return ok;
    },

    async createPresentation(input, actor) {
      assertOpen();
      const found = await lookupPurpose(input.purpose);
      if (found === undefined) {
        await record({
          actor,
          action: 'presentation.create',
          outcome: 'refused',
          details: { reason: 'purpose' },
        });
        throw new HavenError('PURPOSE_UNKNOWN', 'unknown verifier purpose');
      }
      let created: Awaited<ReturnType<typeof createPresentationTransaction>>;
      try {
        created = await createPresentationTransaction(config, {
          purpose: found.builtIn ? found.purpose.id : found.purpose,
          ...(input.responseMode === undefined ? {} : { responseMode: input.responseMode }),
          ...(input.redirectUri === undefined ? {} : { redirectUri: input.redirectUri }),
          ...(input.dcqlQuery === undefined ? {} : { dcql: input.dcqlQuery }),
        });
      } catch (error) {
        const code = error instanceof HavenError ? error.code : 'UNEXPECTED';
        await record({
          actor,
          action: 'presentation.create',
          outcome: 'refused',
          details: { purpose: found.purpose.id, code },
        });
        throw error;
      }
      await record({
        actor,
        action: 'presentation.create',
        target: created.transactionId,
        outcome: 'ok',
        details: {
          purpose: found.purpose.id,
          responseMode: input.responseMode ?? config.responseMode ?? 'direct_post.jwt',
          explicitQuery: input.dcqlQuery !== undefined,
        },
      });
      return created;
    },

    async presentationStatus(id): Promise<PresentationStatus | undefined> {
      assertOpen();
      const found = await transactions.findTransaction(id);
      if (found === undefined) return undefined;
      const state = found.outcome ?? (now() < found.expiresAt ? 'pending' : 'expired');
      return {
        id: found.id,
        purposeId: found.purposeId,
        responseMode: found.responseMode,
        createdAt: found.createdAt,
        expiresAt: found.expiresAt,
        state,
        ...(found.respondedAt === undefined ? {} : { respondedAt: found.respondedAt }),
        ...(found.errorCode === undefined ? {} : { errorCode: found.errorCode }),
        collected: found.collectedAt !== undefined,
      };
    },

    authorizationRequestUri(id) {
      assertOpen();
      return getAuthorizationRequestUri(config, id);
    },

    async requestObject(requestId) {
      assertOpen();
      return getRequestObject(config, requestId);
    },

    async authorizationResponse(form) {
      assertOpen();
      return handleAuthorizationResponse(config, form);
    },

    async collectResult(transactionId, session, responseCode) {
      assertOpen();
      const result = await collectPresentationResult(config, {
        transactionId,
        session,
        ...(responseCode === undefined ? {} : { responseCode }),
      });
      if (result.status === 'accepted' || result.status === 'rejected' || result.status === 'declined') {
        await record({
          actor: 'frontend',
          action: 'presentation.collect',
          target: transactionId,
          outcome: 'ok',
          details: {
            status: result.status,
            ...(result.status === 'accepted'
              ? { purpose: result.purpose, credentials: result.credentials.length }
              : result.status === 'rejected'
                ? { code: result.code }
                : {}),
          },
        });
      }
      return result;
    },

    async purgeExpired() {
      assertOpen();
      return purgeExpiredTransactions(config);
    },

    async close() {
      closed = true;
    },
  };
  return verifier;
}
