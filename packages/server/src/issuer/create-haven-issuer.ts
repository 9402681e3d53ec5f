import { isHavenError, openAead, randomBase64Url, type ScryptParams, sealAead } from '@haven/core';
import { type CredentialTypeId, getCredentialType, prepareIssuance, type Wage } from '@haven/credentials';
import {
  createAuthorizationServerMetadata,
  createCredentialIssuerMetadata,
  createCredentialOffer,
  decideOffer as decideOid4vciOffer,
  failOid4vci,
  type IssueRequest,
  type OfferRecord,
  type Oid4vciIssuerConfig,
  type Oid4vciLimits,
  withdrawOffer as withdrawOid4vciOffer,
} from '@haven/oid4vci';
import {
  allocateStatusIndex,
  allocateStatusIndexes,
  STATUS_LIST_JWT_MEDIA_TYPE,
  type StatusListRecord,
  type StatusListStore,
} from '@haven/status';
import type { AuditEntry, CredentialState, IssuedCredentialRecord } from '../store/contracts.js';
import type { HavenDatabase } from '../store/open-database.js';
import { SqlAuditLog } from '../store/sql-audit-log.js';
import { SqlCredentialRegistry } from '../store/sql-credential-registry.js';
import { SqlOid4vciStore } from '../store/sql-oid4vci-store.js';
import { SqlSecretStore } from '../store/sql-secret-store.js';
import { SqlStatusListStore } from '../store/sql-status-list-store.js';
import { buildCredential, type CredentialStatusSlot, coarsenToUtcDay } from './build-credential.js';
import {
  configurationIdFor,
  createCredentialConfigurations,
  type IssuerFormat,
  isIssuerFormat,
  parseConfigurationId,
} from './credential-configurations.js';
import { failIssuer } from './errors.js';
import { issueBatch } from './issue-batch.js';
import { deriveIssuerSecrets, type IssuerKey, loadOrCreateIssuerKeys } from './issuer-keys.js';
import { openOfferPayload, sealOfferPayload } from './offer-payload.js';
import { BITSTRING_LIST_PREFIX, createStatusHosting } from './status-hosting.js';
import type { Actor, CreatedOffer, CreateOfferInput, HavenIssuer } from './types.js';

/** The issuer's display in one locale (OpenID4VCI §12.2.4 `display`). */
export type IssuerDisplay = {
  readonly name: string;
  /** BCP 47 language tag; one display object per locale. */
  readonly locale?: string;
  readonly logo?: { readonly uri: string; readonly alt_text?: string };
};

/** Default life of an access token issued for an offer awaiting a caseworker's decision: 14 days. */
export const DEFERRED_ACCESS_TOKEN_SECONDS = 14 * 86_400;

/** Options of {@link createHavenIssuer}. */
export interface HavenIssuerOptions {
  /** The database (from `openDatabase`); the caller that opened it closes it. */
  readonly database: HavenDatabase;
  /**
   * The Credential Issuer Identifier: an https URL, canonical, without a trailing slash. It is `iss` of
   * SD-JWT VCs and the base of the status list URLs (`<publicUrl>/status/<listId>`), which verifiers
   * only fetch over https. Plain http is accepted on a loopback host for local development and tests:
   * credentials issued there carry http loopback status URLs, which verifiers refuse unless they too
   * opt in to loopback (`allowHttpLoopback`), so nothing issued in development verifies elsewhere.
   */
  readonly publicUrl: string;
  /** The master secret (`loadOrCreateMasterSecret`), at least 32 bytes. */
  readonly masterSecret: Uint8Array;
  /** Epoch seconds (default: the system clock). */
  readonly now?: () => number;
  /** The issuer's display, one object per locale. */
  readonly display?: readonly IssuerDisplay[];
  /** `@haven/oid4vci` lifetimes and limits (offer, token, nonce lifetimes, batch size…). */
  readonly limits?: Oid4vciLimits;
  /** How long issued credentials are valid (seconds; default 365 days; `exp` is rounded up to a UTC day). */
  readonly credentialValiditySeconds?: number;
  /** Labour contracts: the legal minimum wage `wage_meets_legal_minimum` is derived against. */
  readonly legalMinimumWage?: Wage;
  /** Publish `vct` values under this https base (default Haven's). */
  readonly vctBase?: string;
  /** scrypt cost for a NEW database (default core's; an existing database keeps its own). */
  readonly scrypt?: ScryptParams;
}

/** The issuer with what only the server itself needs beside the {@link HavenIssuer} facade. */
export interface HavenIssuerCore extends HavenIssuer {
  /** The W3C issuer ids: `jwt_vc_json` credentials are issued by `es256`, `ldp_vc` ones by `eddsa`. */
  readonly issuerDids: { readonly es256: string; readonly eddsa: string };
}

const DEFAULT_VALIDITY_SECONDS = 365 * 86_400;
const MAX_VALIDITY_SECONDS = 50 * 365 * 86_400;
const DAY = 86_400;
const WALLET: Actor = 'wallet';

function systemNow(): number {
  return Math.floor(Date.now() / 1000);
}

// Plain http is accepted for these hosts only, so that a developer can start a server on their machine.
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

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
    value.includes('?') ||
    value.includes('#') ||
    value.endsWith('/') ||
    (url.href !== value && url.href !== `${value}/`)
  ) {
    failIssuer(
      'SERVER_ISSUER_CONFIG_INVALID',
      'publicUrl must be a canonical https URL (http only on loopback) without user info, query, fragment or trailing slash',
    );
  }
  return { publicUrl: value, loopbackHttp: !https };
}

function checkValidity(value: number | undefined): number {
  const v = value ?? DEFAULT_VALIDITY_SECONDS;
  if (!Number.isSafeInteger(v) || v <= 0 || v > MAX_VALIDITY_SECONDS) {
    failIssuer('SERVER_ISSUER_CONFIG_INVALID', 'credentialValiditySeconds must be a positive whole number');
  }
  return v;
}

function checkFormats(formats: unknown): readonly IssuerFormat[] {
  const list = formats ?? ['dc+sd-jwt'];
  if (!Array.isArray(list) || list.length === 0 || !list.every(isIssuerFormat)) {
    failIssuer('SERVER_OFFER_INVALID', 'formats must be a non-empty list of dc+sd-jwt, jwt_vc_json, ldp_vc');
  }
  if (new Set(list).size !== list.length) failIssuer('SERVER_OFFER_INVALID', 'formats must be unique');
  return list;
}

function checkOptionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    failIssuer('SERVER_OFFER_INVALID', `${name} must be a boolean`);
  }
  return value;
}

/** A status store that only sees (and only creates) bitstring lists of one issuer key. */
function partitionedStatusStore(store: StatusListStore, prefix: string): StatusListStore {
  const claimIndexes = store.claimIndexes?.bind(store);
  return {
    ...(claimIndexes === undefined ? {} : { claimIndexes }),
    listsWithRoom: async (mechanism, purpose, maxFill) =>
      (await store.listsWithRoom(mechanism, purpose, maxFill)).filter((r: StatusListRecord) =>
        r.id.startsWith(prefix),
      ),
    createList: (record) => store.createList(record),
    claimIndex: (listId, index) => store.claimIndex(listId, index),
    setStatus: (listId, index, value) => store.setStatus(listId, index, value),
    getStatus: (listId, index) => store.getStatus(listId, index),
    readList: (listId) => store.readList(listId),
  };
}

/** `true` once `action` succeeds; `false` when the offer is unknown or not in a state that allows it. */
async function refusedAsFalse(action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    if (isHavenError(error, 'OID4VCI_OFFER_NOT_FOUND', 'OID4VCI_OFFER_STATE')) return false;
    throw error;
  }
}

/** The credential type of an offer: every configuration of a Haven offer is of one type. */
function offerType(configurationIds: readonly string[]): CredentialTypeId {
  const types = new Set(configurationIds.map((id) => parseConfigurationId(id)?.credentialType));
  const [only] = types;
  if (types.size !== 1 || only === undefined) {
    failIssuer('SERVER_OFFER_INVALID', 'the offer is not of one Haven credential type');
  }
  return only;
}

/**
 * Creates the issuer core of Haven's server (DESIGN "Issue", "Revoke/suspend", "Keys at rest") over one
 * database: derives the seal and HMAC keys from the master secret, loads (or, on first start, creates)
 * the sealed ES256 and Ed25519 issuer keys, and wires `@haven/oid4vci` to the SQL stores with an `issue`
 * callback that signs one credential per holder key (SD-JWT VC, VC-JOSE or Data Integrity), each with
 * its own random status index, records it in the registry (metadata only) and audits it. Every process
 * over the same database behaves as one issuer: keys, salts and single-use state live in the database.
 *
 * A wrong master secret fails with `SERVER_MASTER_SECRET_MISMATCH` before anything is written.
 *
 * @example
 * ```ts
 * const database = await openDatabase({ url: '.haven/haven.db' });
 * const { secret } = loadOrCreateMasterSecret({ dataDir: '.haven' });
 * const issuer = await createHavenIssuer({ database, publicUrl: 'https://issuer.example', masterSecret: secret });
 * const { offerUri, txCode } = await issuer.createOffer({ credentialType: 'labour-contract', claims }, 'admin:ops');
 * ```
 */
export async function createHavenIssuer(options: HavenIssuerOptions): Promise<HavenIssuerCore> {
  const { publicUrl, loopbackHttp } = checkPublicUrl(options.publicUrl);
  const validity = checkValidity(options.credentialValiditySeconds);
  const now = options.now ?? systemNow;
  const { db } = options.database;
  const secretStore = new SqlSecretStore(db);
  const { sealKey, hmacKey } = await deriveIssuerSecrets({
    masterSecret: options.masterSecret,
    secrets: secretStore,
    ...(options.scrypt === undefined ? {} : { scrypt: options.scrypt }),
  });
  const keys = await loadOrCreateIssuerKeys({ secrets: secretStore, sealKey });
  const oid4vciStore = new SqlOid4vciStore(db);
  const registry = new SqlCredentialRegistry(db);
  const audit = new SqlAuditLog(db);
  const statusStore = new SqlStatusListStore(db);
  const hosting = createStatusHosting({
    store: statusStore,
    keys,
    credentialIssuer: publicUrl,
    now,
    allowHttpLoopback: loopbackHttp,
  });
  const configurations = createCredentialConfigurations(
    options.vctBase === undefined ? {} : { vctBase: options.vctBase },
  );
  const wage = options.legalMinimumWage === undefined ? {} : { legalMinimumWage: options.legalMinimumWage };
  let closed = false;

  const assertOpen = () => {
    if (closed) failIssuer('SERVER_ISSUER_CLOSED', 'the issuer was closed');
  };

  const record = (entry: Omit<AuditEntry, 'at'>) => audit.append({ ...entry, at: now() });

  /** Validates claims for a type exactly as issuance will (paths of errors only, never values). */
  const validateClaims = (type: CredentialTypeId, claims: unknown) => {
    prepareIssuance(type, claims, { now: now(), ...wage });
  };

  async function allocateSlot(format: IssuerFormat): Promise<CredentialStatusSlot> {
    if (format === 'dc+sd-jwt') {
      const { listId, index } = await allocateStatusIndex(statusStore, { mechanism: 'token-status-list' });
      return { listId, index, uri: hosting.uriFor(listId) };
    }
    const prefix = format === 'jwt_vc_json' ? BITSTRING_LIST_PREFIX.es256 : BITSTRING_LIST_PREFIX.eddsa;
    const { listId, index } = await allocateStatusIndex(partitionedStatusStore(statusStore, prefix), {
      mechanism: 'bitstring-status-list',
      purpose: 'revocation',
      newListId: () => `${prefix}${randomBase64Url(16)}`,
    });
    return { listId, index, uri: hosting.uriFor(listId) };
  }

  async function issue(request: IssueRequest): Promise<readonly (string | Record<string, unknown>)[]> {
    assertOpen();
    const { offer, configurationId, holderKeys } = request;
    const parsed = parseConfigurationId(configurationId);
    if (parsed === undefined || !offer.configurationIds.includes(configurationId)) {
      failOid4vci('OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION', 'the configuration is not part of this offer');
    }
    // The handlers check these first; checked again here because this is where credentials are signed.
    if (offer.decision === 'denied' || offer.withdrawn) {
      failOid4vci('OID4VCI_CREDENTIAL_REQUEST_DENIED', 'the offer was denied or withdrawn');
    }
    if (offer.decision !== 'approved') failIssuer('SERVER_ISSUANCE_FAILED', 'the offer is not approved yet');
    if (offer.payload === undefined) failIssuer('SERVER_ISSUANCE_FAILED', 'the offer has no claims to issue');
    const payload = openOfferPayload(sealKey, offer.id, offer.configurationIds, offer.payload);
    if (payload.credentialType !== parsed.credentialType) {
      failIssuer('SERVER_ISSUANCE_FAILED', 'the offer payload is for another credential type');
    }
    // Every Haven configuration binds the credential to a holder key (cryptographic_binding_methods_supported).
    if (holderKeys.length === 0) failOid4vci('OID4VCI_INVALID_PROOF', 'a key proof is required');
    // One iat for the whole batch, coarsened to the day; exp rounded up to a day boundary as well.
    const issuedAt = coarsenToUtcDay(request.now);
    const expiresAt = Math.ceil((request.now + validity) / DAY) * DAY;
    const credentials: (string | Record<string, unknown>)[] = [];
    const records: Omit<IssuedCredentialRecord, 'updatedAt'>[] = [];
    for (const holderKey of holderKeys) {
      const status = await allocateSlot(parsed.format);
      credentials.push(
        await buildCredential({
          credentialType: parsed.credentialType,
          format: parsed.format,
          claims: payload.claims,
          holderKey,
          keys,
          credentialIssuer: publicUrl,
          issuedAt,
          expiresAt,
          status,
          allowHttpLoopback: loopbackHttp,
          ...wage,
          ...(options.vctBase === undefined ? {} : { vctBase: options.vctBase }),
        }),
      );
      records.push({
        id: randomBase64Url(16),
        offerId: offer.id,
        credentialType: parsed.credentialType,
        configurationId,
        format: parsed.format,
        statusListId: status.listId,
        statusIndex: status.index,
        state: 'active',
        issuedAt,
        expiresAt,
      });
    }
    const recorded: string[] = [];
    try {
      for (const r of records) {
        await registry.recordIssued(r);
        recorded.push(r.id);
      }
      await record({
        actor: WALLET,
        action: 'credential.issue',
        target: offer.id,
        outcome: 'ok',
        details: { credentialType: parsed.credentialType, format: parsed.format, count: credentials.length },
      });
    } catch (error) {
      // Nothing is delivered when this throws (the handlers give the claim back); what was recorded is
      // revoked so that it can never be valid.
      for (const id of recorded) await registry.setCredentialState(id, 'revoked', now()).catch(() => false);
      throw error;
    }
    return credentials;
  }

  const config: Oid4vciIssuerConfig = {
    credentialIssuer: publicUrl,
    configurations,
    store: oid4vciStore,
    secret: hmacKey,
    sealOffer: (offerId, offerJson) => sealAead(sealKey, offerJson, `offer:${offerId}`),
    openOffer: (offerId, sealed) => new TextDecoder().decode(openAead(sealKey, sealed, `offer:${offerId}`)),
    issue,
    // A caseworker's decision takes hours or days; the wallet's token for a pending offer must outlive
    // it or the deferred credential could never be picked up (the code cannot be exchanged twice). That
    // token can only pick up this offer's deferred credentials, and only with the transaction_id.
    limits: { deferredAccessTokenSeconds: DEFERRED_ACCESS_TOKEN_SECONDS, ...options.limits },
    now,
  };

  const issuerMetadata = createCredentialIssuerMetadata({
    credentialIssuer: publicUrl,
    configurations,
    ...(options.display === undefined ? {} : { display: options.display }),
    ...(options.limits?.batchSize === undefined ? {} : { batchSize: options.limits.batchSize }),
  });
  const asMetadata = createAuthorizationServerMetadata({ credentialIssuer: publicUrl });
  const publicKey = (key: IssuerKey) => ({ ...key.publicJwk });

  const issuer: HavenIssuerCore = {
    credentialIssuer: publicUrl,
    oid4vci: config,
    issuerDids: { es256: keys.es256.did, eddsa: keys.eddsa.did },

    credentialIssuerMetadata: () => structuredClone(issuerMetadata) as unknown as Record<string, unknown>,
    authorizationServerMetadata: () => structuredClone(asMetadata) as unknown as Record<string, unknown>,
    // SD-JWT VC §"JWT VC Issuer Metadata": the keys SD-JWT VCs and status list tokens are signed with.
    jwtVcIssuerMetadata: () => ({ issuer: publicUrl, jwks: { keys: [publicKey(keys.es256)] } }),

    async createOffer(input: CreateOfferInput, actor: Actor): Promise<CreatedOffer> {
      assertOpen();
      const type = getCredentialType(input.credentialType).id;
      const formats = checkFormats(input.formats);
      const deferred = checkOptionalBoolean(input.deferred, 'deferred') ?? false;
      const txCode = checkOptionalBoolean(input.txCode, 'txCode') ?? true;
      if (input.claims !== undefined || !deferred) validateClaims(type, input.claims);
      const configurationIds = formats.map((format) => configurationIdFor(type, format));
      const claims = input.claims;
      const created = await createCredentialOffer(config, {
        configurationIds,
        // Sealed under the id createCredentialOffer draws: the claims open only inside their own offer.
        ...(claims === undefined
          ? {}
          : {
              payload: (offerId: string) =>
                sealOfferPayload(sealKey, offerId, configurationIds, { credentialType: type, claims }),
            }),
        txCode,
        deferred,
      });
      await record({
        actor,
        action: 'offer.create',
        target: created.offerId,
        outcome: 'ok',
        details: { credentialType: type, formats: formats.join(' '), deferred, txCode },
      });
      return {
        offerId: created.offerId,
        offerUri: created.offerUri,
        offerByValueUri: created.offerByValueUri,
        ...(created.txCode === undefined ? {} : { txCode: created.txCode }),
        expiresAt: created.expiresAt,
      };
    },

    async listOffers(page) {
      assertOpen();
      return oid4vciStore.listOfferSummaries(page);
    },

    async getOffer(id) {
      assertOpen();
      return oid4vciStore.getOfferSummary(id);
    },

    async withdrawOffer(id, actor) {
      assertOpen();
      const ok = await refusedAsFalse(() => withdrawOid4vciOffer(config, id));
      await record({ actor, action: 'offer.withdraw', target: id, outcome: ok ? 'ok' : 'refused' });
      return ok;
    },

    async decideOffer(id, decision, claims, actor) {
      assertOpen();
      if (decision !== 'approved' && decision !== 'denied') {
        failIssuer('SERVER_OFFER_INVALID', 'the decision must be approved or denied');
      }
      const action = decision === 'approved' ? 'offer.approve' : 'offer.deny';
      const offer: OfferRecord | undefined = await oid4vciStore.getOffer(id);
      if (offer === undefined || offer.decision !== 'pending') {
        await record({ actor, action, target: id, outcome: 'refused' });
        return false;
      }
      let payload: string | undefined;
      if (decision === 'approved') {
        const type = offerType(offer.configurationIds);
        if (claims !== undefined) {
          try {
            validateClaims(type, claims);
          } catch (error) {
            // The refusal is audited like the others; the error carries claim paths only.
            await record({ actor, action, target: id, outcome: 'refused' });
            throw error;
          }
          payload = sealOfferPayload(sealKey, offer.id, offer.configurationIds, {
            credentialType: type,
            claims,
          });
        } else if (offer.payload !== undefined) {
          payload = offer.payload;
        } else {
          await record({ actor, action, target: id, outcome: 'refused' });
          failIssuer('SERVER_OFFER_INVALID', 'approving an offer without claims needs the claims');
        }
      } else if (claims !== undefined) {
        await record({ actor, action, target: id, outcome: 'refused' });
        failIssuer('SERVER_OFFER_INVALID', 'claims are not taken when denying an offer');
      }
      const ok = await refusedAsFalse(() => decideOid4vciOffer(config, id, decision, payload));
      await record({ actor, action, target: id, outcome: ok ? 'ok' : 'refused' });
      return ok;
    },

    async issueBatch(input, actor) {
      assertOpen();
      return issueBatch(
        {
          keys,
          credentialIssuer: publicUrl,
          allowHttpLoopback: loopbackHttp,
          validitySeconds: validity,
          now,
          ...wage,
          ...(options.vctBase === undefined ? {} : { vctBase: options.vctBase }),
          // The same lists and partitions as single issuance (allocateSlot), claimed in one go.
          allocateSlots: async (format, count) => {
            const bitstringPrefix =
              format === 'jwt_vc_json' ? BITSTRING_LIST_PREFIX.es256 : BITSTRING_LIST_PREFIX.eddsa;
            const slots =
              format === 'dc+sd-jwt'
                ? await allocateStatusIndexes(statusStore, count, { mechanism: 'token-status-list' })
                : await allocateStatusIndexes(partitionedStatusStore(statusStore, bitstringPrefix), count, {
                    mechanism: 'bitstring-status-list',
                    purpose: 'revocation',
                    newListId: () => `${bitstringPrefix}${randomBase64Url(16)}`,
                  });
            return slots.map(({ listId, index }) => ({ listId, index, uri: hosting.uriFor(listId) }));
          },
          recordIssuedMany: (records) => registry.recordIssuedMany(records),
          revoke: (id) => registry.setCredentialState(id, 'revoked', now()),
          audit: record,
        },
        input,
        actor,
      );
    },

    async searchCredentials(search) {
      assertOpen();
      return registry.searchCredentials(search);
    },

    async getCredential(id) {
      assertOpen();
      return registry.getCredential(id);
    },

    async setCredentialState(id: string, state: CredentialState, actor: Actor) {
      assertOpen();
      const action =
        state === 'revoked'
          ? 'credential.revoke'
          : state === 'suspended'
            ? 'credential.suspend'
            : state === 'active'
              ? 'credential.reinstate'
              : undefined;
      if (action === undefined) failIssuer('SERVER_OFFER_INVALID', 'unknown credential state');
      const credential = await registry.getCredential(id);
      if (credential === undefined) {
        await record({ actor, action, target: id, outcome: 'refused' });
        return false;
      }
      // W3C credentials carry one Bitstring Status List entry of purpose `revocation` (1 bit): they can
      // be revoked, never suspended (and so never reinstated).
      if (credential.format !== 'dc+sd-jwt' && state === 'suspended') {
        await record({
          actor,
          action,
          target: id,
          outcome: 'refused',
          details: { format: credential.format },
        });
        failIssuer(
          'SERVER_CREDENTIAL_STATE_UNSUPPORTED',
          'W3C credentials can be revoked but not suspended',
          {
            details: { format: credential.format },
          },
        );
      }
      const ok = await registry.setCredentialState(id, state, now());
      if (ok) hosting.invalidate(credential.statusListId);
      await record({
        actor,
        action,
        target: id,
        outcome: ok ? 'ok' : 'refused',
        details: { credentialType: credential.credentialType, format: credential.format },
      });
      return ok;
    },

    async statusListToken(listId) {
      assertOpen();
      const published = await hosting.publish(listId);
      return published?.mediaType === STATUS_LIST_JWT_MEDIA_TYPE ? published.body : undefined;
    },

    async statusList(listId) {
      assertOpen();
      return hosting.publish(listId);
    },

    async auditLog(query) {
      assertOpen();
      return audit.list(query);
    },

    async purgeExpired() {
      assertOpen();
      return oid4vciStore.purgeExpired(now());
    },

    async close() {
      closed = true;
      hosting.clear();
    },
  };
  return issuer;
}
