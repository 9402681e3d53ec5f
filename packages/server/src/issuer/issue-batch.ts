import {
  algorithmForKey,
  HavenError,
  importPublicJwk,
  isHavenError,
  type PublicJwk,
  randomBase64Url,
} from '@haven/core';
import { type CredentialTypeId, getCredentialType, prepareIssuance, type Wage } from '@haven/credentials';
import type { AuditEntry, IssuedCredentialRecord } from '../store/contracts.js';
import { buildCredential, type CredentialStatusSlot, coarsenToUtcDay } from './build-credential.js';
import {
  configurationIdFor,
  type IssuerFormat,
  PROOF_SIGNING_ALGORITHMS,
} from './credential-configurations.js';
import { failIssuer } from './errors.js';
import type { IssuerKeys } from './issuer-keys.js';
import type { Actor } from './types.js';

/** Most credentials one bulk issuance signs (one request of `POST /admin/credentials/batch`). */
export const MAX_BATCH_ITEMS = 1000;

/** Input of {@link issueBatch}: one credential type and format, one item per holder. */
export interface IssueBatchInput {
  /** Haven credential type id. */
  readonly credentialType: string;
  readonly format: IssuerFormat;
  /** 1 to {@link MAX_BATCH_ITEMS} items: each a holder's claims and the public key their wallet gave. */
  readonly items: readonly { readonly claims: unknown; readonly holderJwk: unknown }[];
}

/** What a bulk issuance returns: the credentials in the order of the items, each with its registry id. */
export interface IssuedBatch {
  /** The batch's id: the `offerId` of its registry records and the target of its audit entry. */
  readonly batchId: string;
  readonly credentials: readonly {
    readonly id: string;
    readonly credential: string | Record<string, unknown>;
  }[];
}

/** What {@link issueBatch} needs from the issuer it runs in. */
export interface IssueBatchContext {
  readonly keys: IssuerKeys;
  /** The Credential Issuer Identifier. */
  readonly credentialIssuer: string;
  readonly allowHttpLoopback: boolean;
  /** Validity of issued credentials, seconds. */
  readonly validitySeconds: number;
  readonly now: () => number;
  readonly legalMinimumWage?: Wage;
  readonly vctBase?: string;
  /** `count` random status entries for credentials of `format`, claimed at once. */
  allocateSlots(format: IssuerFormat, count: number): Promise<readonly CredentialStatusSlot[]>;
  /** Records every credential in one transaction (all or nothing). */
  recordIssuedMany(records: readonly Omit<IssuedCredentialRecord, 'updatedAt'>[]): Promise<void>;
  /** Revokes a recorded credential that will never be delivered. */
  revoke(id: string): Promise<unknown>;
  audit(entry: Omit<AuditEntry, 'at'>): Promise<unknown>;
}

const DAY = 86_400;
const FORMATS: readonly IssuerFormat[] = ['dc+sd-jwt', 'jwt_vc_json', 'ldp_vc'];
const HOLDER_ALGORITHMS: ReadonlySet<string> = new Set(PROOF_SIGNING_ALGORITHMS);
/** Error paths reported for one refused batch (the HTTP layer returns at most 50). */
const MAX_REPORTED_PATHS = 50;

/** `["items",3,"claims","birthdate"]` from a claim path of `@haven/credentials` (`["birthdate"]`). */
function itemPath(item: number, member: 'claims' | 'holderJwk', path?: unknown): string {
  let rest: unknown[] = [];
  if (typeof path === 'string') {
    try {
      const parsed: unknown = JSON.parse(path);
      if (Array.isArray(parsed)) rest = parsed;
    } catch {
      // Not a JSON path: the item's member is still named.
    }
  }
  return JSON.stringify(['items', item, member, ...rest]);
}

/** A holder key a credential can be bound to: public, well-formed, of an algorithm proofs may use. */
function checkHolderJwk(value: unknown): PublicJwk | undefined {
  try {
    const key = importPublicJwk(value);
    const jwk = value as PublicJwk;
    const alg = algorithmForKey(key);
    if (!HOLDER_ALGORITHMS.has(alg) || (jwk.alg !== undefined && jwk.alg !== alg)) return undefined;
    if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
    return jwk;
  } catch (error) {
    if (isHavenError(error)) return undefined;
    throw error;
  }
}

/**
 * Checks every item before anything is issued: the claims against the type's schema (exactly as
 * issuance will derive them) and the holder key. Any invalid item refuses the whole batch with the
 * paths of all problems, each prefixed by the item's position (never a value):
 * `CREDENTIAL_CLAIMS_INVALID` when a claim is wrong, else `SERVER_OFFER_INVALID` for holder keys.
 */
function checkItems(
  type: CredentialTypeId,
  items: readonly unknown[],
  options: { now: number; legalMinimumWage?: Wage },
): PublicJwk[] {
  const paths: string[] = [];
  let claimsInvalid = false;
  const holderKeys: PublicJwk[] = [];
  items.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      paths.push(JSON.stringify(['items', i]));
      return;
    }
    const { claims, holderJwk } = item as { claims?: unknown; holderJwk?: unknown };
    try {
      prepareIssuance(type, claims, options);
    } catch (error) {
      if (!isHavenError(error, 'CREDENTIAL_CLAIMS_INVALID')) throw error;
      claimsInvalid = true;
      const found = error.details?.paths;
      if (Array.isArray(found) && found.length > 0) {
        for (const p of found) paths.push(itemPath(i, 'claims', p));
      } else paths.push(itemPath(i, 'claims'));
    }
    const key = checkHolderJwk(holderJwk);
    if (key === undefined) paths.push(itemPath(i, 'holderJwk'));
    else holderKeys.push(key);
  });
  if (paths.length > 0) {
    const details = { paths: paths.slice(0, MAX_REPORTED_PATHS), invalidPaths: paths.length };
    if (claimsInvalid)
      throw new HavenError('CREDENTIAL_CLAIMS_INVALID', 'items of the batch are invalid', { details });
    failIssuer('SERVER_OFFER_INVALID', 'items of the batch have unusable holder keys', { details });
  }
  return holderKeys;
}

/**
 * Bulk issuance for credentials returned to the caller (DESIGN "Issue": delivered by OpenID4VCI or
 * returned to the caller), e.g. an agency issuing for a camp whose members' wallets already gave their
 * holder public keys. Every item is checked first and any invalid item refuses the whole batch, nothing
 * issued. Then all status entries are claimed at once (random indexes, as for single issuance), each
 * credential is built and signed exactly as through OpenID4VCI (`buildCredential`: day-coarsened `iat`,
 * validity rounded up to a day, status entry), all are recorded in one transaction, and ONE audit entry
 * `credential.issue.batch` says type, format and count (no claim values, no keys).
 *
 * @example
 * ```ts
 * const { credentials } = await issueBatch(ctx, { credentialType: 'refugee-registration',
 *   format: 'dc+sd-jwt', items: [{ claims, holderJwk }] }, 'admin:ops');
 * ```
 */
export async function issueBatch(
  ctx: IssueBatchContext,
  input: IssueBatchInput,
  actor: Actor,
): Promise<IssuedBatch> {
  if (input === null || typeof input !== 'object') failIssuer('SERVER_OFFER_INVALID', 'a batch is an object');
  const type = getCredentialType(input.credentialType).id;
  const format = input.format;
  if (!FORMATS.includes(format)) failIssuer('SERVER_OFFER_INVALID', 'unknown credential format');
  const items = input.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BATCH_ITEMS) {
    failIssuer('SERVER_OFFER_INVALID', `a batch has 1 to ${MAX_BATCH_ITEMS} items`);
  }
  const wage = ctx.legalMinimumWage === undefined ? {} : { legalMinimumWage: ctx.legalMinimumWage };
  const now = ctx.now();
  const holderKeys = checkItems(type, items, { now, ...wage });

  const issuedAt = coarsenToUtcDay(now);
  const expiresAt = Math.ceil((now + ctx.validitySeconds) / DAY) * DAY;
  const slots = await ctx.allocateSlots(format, items.length);
  const batchId = randomBase64Url(16);
  const configurationId = configurationIdFor(type, format);
  const credentials: { id: string; credential: string | Record<string, unknown> }[] = [];
  const records: Omit<IssuedCredentialRecord, 'updatedAt'>[] = [];
  for (let i = 0; i < items.length; i++) {
    const status = slots[i] as CredentialStatusSlot;
    const credential = await buildCredential({
      credentialType: type,
      format,
      claims: (items[i] as { claims: unknown }).claims,
      holderKey: holderKeys[i] as PublicJwk,
      keys: ctx.keys,
      credentialIssuer: ctx.credentialIssuer,
      issuedAt,
      expiresAt,
      status,
      allowHttpLoopback: ctx.allowHttpLoopback,
      ...wage,
      ...(ctx.vctBase === undefined ? {} : { vctBase: ctx.vctBase }),
    });
    const id = randomBase64Url(16);
    credentials.push({ id, credential });
    records.push({
      id,
      offerId: batchId,
      credentialType: type,
      configurationId,
      format,
      statusListId: status.listId,
      statusIndex: status.index,
      state: 'active',
      issuedAt,
      expiresAt,
    });
  }
  await ctx.recordIssuedMany(records);
  try {
    await ctx.audit({
      actor,
      action: 'credential.issue.batch',
      target: batchId,
      outcome: 'ok',
      details: { credentialType: type, format, count: credentials.length },
    });
  } catch (error) {
    // Nothing is returned when the audit fails: what was recorded is revoked so it can never be valid.
    for (const r of records) await ctx.revoke(r.id).catch(() => false);
    throw error;
  }
  return { batchId, credentials };
}
