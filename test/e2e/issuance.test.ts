import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isHavenError, type PublicJwk } from '@haven/core';
import type { CredentialTypeId } from '@haven/credentials';
import { createDidJwk } from '@haven/did';
import { type HolderKey, receiveCredentials, requestDeferredCredential } from '@haven/oid4vci';
import type { HavenDatabase } from '@haven/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AdminApi, adminApi, type CredentialRecordBody } from './fixtures/admin-api.js';
import {
  CREDENTIAL_TYPES,
  distinctiveClaims,
  MARKERS,
  newHolder,
  sdJwtStatusOf,
  verifyIssuedLdpVc,
  verifyIssuedSdJwt,
  verifyIssuedVcJwt,
} from './fixtures/credentials.js';
import { backends, removeTestStorage, type ServerStorage } from './fixtures/databases.js';
import { ADMIN_TOKEN, type InProcessServer, startInProcessServer } from './fixtures/in-process-server.js';
import { issuerFetch, PUBLIC_URL } from './fixtures/issuer-routing.js';

// End to end over real HTTP on loopback: an operator creates offers through the admin API, Haven's own
// wallet client (`receiveCredentials`) redeems them through the pre-authorized code flow with a tx_code
// (OpenID4VCI 1.0 §3.5), a verifier checks every credential against the published issuer keys and
// status lists, and the operator revokes, suspends and reinstates — on SQLite and on PostgreSQL.

// 2026-06-01T09:00:00Z. The clock only moves forward: the server caches signed status lists (≤ 30 s),
// and a list signed "later" than the verifier's now would rightly be refused.
const NOW = 1_780_304_400;
let clock = NOW;
const now = () => clock;

const ALL_FORMATS = ['dc+sd-jwt', 'jwt_vc_json', 'ldp_vc'] as const;
const RECORD_KEYS = [
  'configurationId',
  'credentialType',
  'expiresAt',
  'format',
  'id',
  'issuedAt',
  'offerId',
  'state',
  'statusIndex',
  'statusListId',
  'updatedAt',
];
const TABLES = [
  'status_lists',
  'status_entries',
  'offers',
  'offer_configurations',
  'access_tokens',
  'issuances',
  'nonces',
  'deferred',
  'credentials',
  'audit_log',
  'rate_limits',
  'secrets',
] as const;

/** Holder keys per configuration: a fresh key for every credential, and the private side kept for KB-JWTs. */
function holderKeyStore() {
  const holders = new Map<string, ReturnType<typeof newHolder>>();
  const source = (configurationId: string): readonly HolderKey[] => {
    const holder = newHolder(configurationId.endsWith('.ldp_vc') ? 'EdDSA' : 'ES256');
    holders.set(JSON.stringify(holder.publicJwk), holder);
    return [{ signer: holder.signer, publicJwk: holder.publicJwk }];
  };
  const holderOf = (publicJwk: PublicJwk | undefined) => {
    const holder = holders.get(JSON.stringify(publicJwk));
    if (holder === undefined) throw new Error('test: unknown holder key');
    return holder;
  };
  return { source, holderOf };
}

/** Every row of every table, as text. */
async function dumpRows(database: HavenDatabase): Promise<string> {
  const out: unknown[] = [];
  for (const table of TABLES) out.push(await database.db.selectFrom(table).selectAll().execute());
  return JSON.stringify(out);
}

/** The SQLite database and its WAL/journal files, byte for byte, as latin1 text. */
function sqliteBytes(file: string): string {
  const dir = dirname(file);
  const base = file.slice(dir.length + 1);
  return readdirSync(dir)
    .filter((name) => name.startsWith(base))
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');
}

describe.each(backends())('e2e issuance over HTTP — $name', (backend) => {
  let storage: ServerStorage;
  let server: InProcessServer;
  let admin: AdminApi;
  const fetch = issuerFetch(() => [server.url]);
  const txCodes: string[] = [];

  beforeAll(async () => {
    storage = await backend.fresh();
    server = await startInProcessServer({ storage, now });
    admin = adminApi(server.url, ADMIN_TOKEN);
    return () => server.close();
  });

  async function offer(
    type: CredentialTypeId,
    extra: { formats?: readonly (typeof ALL_FORMATS)[number][] } = {},
  ) {
    const created = await admin.createOffer({
      credentialType: type,
      claims: distinctiveClaims(type),
      ...extra,
    });
    if (created.txCode === undefined) throw new Error('test: the offer has no tx_code');
    txCodes.push(created.txCode);
    return created as typeof created & { txCode: string };
  }

  async function recordFor(offerId: string, listId: string, index: number): Promise<CredentialRecordBody> {
    const items = await admin.searchCredentials({ offer: offerId });
    const record = items.find((r) => r.statusListId === listId && r.statusIndex === index);
    if (record === undefined) throw new Error('test: no registry record for the credential');
    return record;
  }

  test.each(CREDENTIAL_TYPES)(
    'openid4vci §3.5: %s in dc+sd-jwt, jwt_vc_json and ldp_vc through Haven’s wallet client with a tx_code; each verifies',
    async (type) => {
      const created = await offer(type, { formats: [...ALL_FORMATS] });
      const keys = holderKeyStore();
      const result = await receiveCredentials({
        offerUri: created.offerUri,
        txCode: created.txCode,
        fetch,
        holderKeys: keys.source,
        now,
      });
      expect(result.credentialIssuer).toBe(PUBLIC_URL);
      expect(result.received.map((r) => r.configurationId)).toEqual(ALL_FORMATS.map((f) => `${type}.${f}`));
      const marker = MARKERS[type];
      for (const received of result.received) {
        expect(received.credentials).toHaveLength(1);
        const [credential] = received.credentials;
        const holder = keys.holderOf(received.holderKeys[0]);
        if (received.format === 'dc+sd-jwt') {
          if (typeof credential !== 'string') throw new Error('expected a compact SD-JWT VC');
          const verified = await verifyIssuedSdJwt(credential, holder, type, { fetch, now: clock });
          if (!verified.verified) throw new Error(`not verified: ${verified.error.code}`);
          expect(verified.claims[marker.claim]).toBe(marker.value);
          expect((verified.claims.cnf as { jwk: PublicJwk }).jwk).toEqual(holder.publicJwk);
          expect(verified.statusFound).toMatchObject({ status: 'VALID' });
        } else if (received.format === 'jwt_vc_json') {
          if (typeof credential !== 'string') throw new Error('expected a VC-JOSE token');
          const verified = await verifyIssuedVcJwt(credential, server.issuer.issuerDids.es256, {
            fetch,
            now: clock,
          });
          if (!verified.verified) throw new Error(`not verified: ${verified.error.code}`);
          const subject = verified.credential.credentialSubject as Record<string, unknown>;
          expect(subject.id).toBe(createDidJwk(holder.publicJwk));
          expect(subject[marker.claim]).toBe(marker.value);
          expect(verified.status).toBe('checked');
        } else {
          if (typeof credential !== 'object') throw new Error('expected a Data Integrity credential');
          const verified = await verifyIssuedLdpVc(credential, server.issuer.issuerDids.eddsa, {
            fetch,
            now: clock,
          });
          if (!verified.verified) throw new Error(`not verified: ${verified.error.code}`);
          const subject = verified.credential.credentialSubject as Record<string, unknown>;
          expect(subject.id).toBe(createDidJwk(holder.publicJwk));
          expect(subject[marker.claim]).toBe(marker.value);
        }
      }
      const records = await admin.searchCredentials({ offer: created.offerId });
      expect(records.map((r) => r.format).sort()).toEqual([...ALL_FORMATS].sort());
      expect(records.every((r) => r.credentialType === type && r.state === 'active')).toBe(true);
    },
  );

  test('openid4vci §6.3: the same offer cannot be received twice (the code is spent)', async () => {
    const created = await offer('labour-contract');
    const keys = holderKeyStore();
    const options = {
      offerUri: created.offerUri,
      txCode: created.txCode,
      fetch,
      holderKeys: keys.source,
      now,
    };
    await receiveCredentials(options);
    // The offer by reference is gone once redeemed (§4.1.3: one 404 for unknown, expired or spent).
    const error = await receiveCredentials(options).catch((e: unknown) => e);
    expect(isHavenError(error)).toBe(true);
    expect((error as { code: string }).code).toMatch(/^OID4VCI_CLIENT_/);
  });

  test('openid4vci §9: deferred — 202 + transaction_id; approved through the admin API → the deferred endpoint issues', async () => {
    // The caseworker has not decided yet and has no claims to give: the offer carries none.
    const created = await admin.createOffer({ credentialType: 'identity-restoration', deferred: true });
    const keys = holderKeyStore();
    const { received } = await receiveCredentials({
      offerUri: created.offerUri,
      txCode: created.txCode as string,
      fetch,
      holderKeys: keys.source,
      now,
    });
    const [pending] = received;
    const deferred = pending?.deferred;
    if (pending === undefined || deferred === undefined) throw new Error('expected a deferred answer');
    expect(pending.credentials).toEqual([]);
    const ask = () =>
      requestDeferredCredential({
        fetch,
        deferredEndpoint: deferred.deferredEndpoint,
        accessToken: deferred.accessToken,
        transactionId: deferred.transactionId,
      });
    // Still pending: 202 with the same transaction.
    expect(await ask()).toMatchObject({ kind: 'deferred' });

    const decided = await admin.decide(
      created.offerId,
      'approved',
      distinctiveClaims('identity-restoration'),
    );
    expect(decided.status).toBe(200);
    expect(decided.json()).toMatchObject({ decision: 'approved' });
    clock = NOW + 120;
    const issued = await ask();
    if (issued.kind !== 'issued') throw new Error('expected the credential');
    const [credential] = issued.credentials;
    if (typeof credential !== 'string') throw new Error('expected a compact SD-JWT VC');
    const holder = keys.holderOf(pending.holderKeys[0]);
    const verified = await verifyIssuedSdJwt(credential, holder, 'identity-restoration', {
      fetch,
      now: clock,
    });
    if (!verified.verified) throw new Error(`not verified: ${verified.error.code}`);
    expect(verified.claims.family_name).toBe(MARKERS['identity-restoration'].value);
    // Picked up once: asking again is invalid_transaction_id.
    const again = await ask().catch((e: unknown) => e);
    expect(again).toMatchObject({
      code: 'OID4VCI_CLIENT_ISSUER_ERROR',
      details: { error: 'invalid_transaction_id' },
    });
  });

  test('openid4vci §9.3: deferred and denied → credential_request_denied at the deferred endpoint', async () => {
    const created = await admin.createOffer({
      credentialType: 'refugee-registration',
      claims: distinctiveClaims('refugee-registration'),
      deferred: true,
    });
    const { received } = await receiveCredentials({
      offerUri: created.offerUri,
      txCode: created.txCode as string,
      fetch,
      holderKeys: holderKeyStore().source,
      now,
    });
    const deferred = received[0]?.deferred;
    if (deferred === undefined) throw new Error('expected a deferred answer');
    expect((await admin.decide(created.offerId, 'denied')).status).toBe(200);
    const denied = await requestDeferredCredential({
      fetch,
      deferredEndpoint: deferred.deferredEndpoint,
      accessToken: deferred.accessToken,
      transactionId: deferred.transactionId,
    }).catch((e: unknown) => e);
    expect(denied).toMatchObject({
      code: 'OID4VCI_CLIENT_ISSUER_ERROR',
      details: { error: 'credential_request_denied' },
    });
    expect(await admin.searchCredentials({ offer: created.offerId })).toEqual([]);
  });

  test('revoke through the admin API → the next status check fails (SD-JWT VC: STATUS_INVALID; W3C: STATUS_REVOKED)', async () => {
    const created = await offer('labour-contract', { formats: ['dc+sd-jwt', 'jwt_vc_json'] });
    const keys = holderKeyStore();
    const { received } = await receiveCredentials({
      offerUri: created.offerUri,
      txCode: created.txCode,
      fetch,
      holderKeys: keys.source,
      now,
    });
    const sd = received.find((r) => r.format === 'dc+sd-jwt');
    const vc = received.find((r) => r.format === 'jwt_vc_json');
    const sdCredential = sd?.credentials[0];
    const vcCredential = vc?.credentials[0];
    if (typeof sdCredential !== 'string' || typeof vcCredential !== 'string' || sd === undefined) {
      throw new Error('expected both credentials');
    }
    const holder = keys.holderOf(sd.holderKeys[0]);
    const slot = sdJwtStatusOf(sdCredential);
    const record = await recordFor(created.offerId, slot.listId, slot.index);
    const sdCheck = () => verifyIssuedSdJwt(sdCredential, holder, 'labour-contract', { fetch, now: clock });
    const before = await sdCheck();
    expect(before.verified ? 'VALID' : before.error.code).toBe('VALID');

    const revoked = await admin.setState(record.id, 'revoke');
    expect(revoked.status).toBe(200);
    expect(revoked.json()).toMatchObject({ id: record.id, state: 'revoked' });
    const after = await sdCheck();
    expect(after.verified ? 'VALID' : after.error.code).toBe('STATUS_INVALID');
    // Final: it cannot be reinstated.
    expect((await admin.setState(record.id, 'reinstate')).status).toBe(409);

    const vcRecord = (await admin.searchCredentials({ offer: created.offerId })).find(
      (r) => r.format === 'jwt_vc_json',
    ) as CredentialRecordBody;
    const vcCheck = () =>
      verifyIssuedVcJwt(vcCredential, server.issuer.issuerDids.es256, { fetch, now: clock });
    expect((await vcCheck()).verified).toBe(true);
    // A W3C credential has one revocation bit: it cannot be suspended.
    expect((await admin.setState(vcRecord.id, 'suspend')).status).toBe(409);
    expect((await admin.setState(vcRecord.id, 'revoke')).status).toBe(200);
    const vcAfter = await vcCheck();
    expect(vcAfter.verified ? 'VALID' : vcAfter.error.code).toBe('STATUS_REVOKED');
  });

  test('suspend → STATUS_SUSPENDED; reinstate → valid again (Token Status List 0x02 → 0x00)', async () => {
    const created = await offer('refugee-registration');
    const keys = holderKeyStore();
    const { received } = await receiveCredentials({
      offerUri: created.offerUri,
      txCode: created.txCode,
      fetch,
      holderKeys: keys.source,
      now,
    });
    const credential = received[0]?.credentials[0];
    if (typeof credential !== 'string' || received[0] === undefined) throw new Error('expected an SD-JWT VC');
    const holder = keys.holderOf(received[0].holderKeys[0]);
    const slot = sdJwtStatusOf(credential);
    const record = await recordFor(created.offerId, slot.listId, slot.index);
    const check = async () => {
      const r = await verifyIssuedSdJwt(credential, holder, 'refugee-registration', { fetch, now: clock });
      return r.verified ? 'VALID' : r.error.code;
    };
    expect((await admin.setState(record.id, 'suspend')).status).toBe(200);
    expect(await check()).toBe('STATUS_SUSPENDED');
    expect((await admin.setState(record.id, 'reinstate')).status).toBe(200);
    expect(await check()).toBe('VALID');
    expect((await admin.searchCredentials({ offer: created.offerId }))[0]?.state).toBe('active');
  });

  test('the admin API lists metadata only, and no claim value, tx_code or offer secret is left in the database or the logs', async () => {
    const items = await admin.searchCredentials({ limit: '500' });
    expect(items.length).toBeGreaterThanOrEqual(12);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(RECORD_KEYS);
    const lists = [
      JSON.stringify(items),
      (await admin.listOffers()).text,
      (await admin.audit()).text,
      ...(await Promise.all(items.slice(0, 5).map((i) => admin.getOffer(i.offerId).then((a) => a.text)))),
    ].join('\n');

    const rows = await dumpRows(server.database);
    const bytes = storage.sqliteFile === undefined ? '' : sqliteBytes(storage.sqliteFile);
    const logs = server.logLines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const type of CREDENTIAL_TYPES) {
      const { value } = MARKERS[type];
      expect(lists).not.toContain(value);
      expect(rows).not.toContain(value);
      expect(bytes).not.toContain(value);
      expect(logs).not.toContain(value);
    }
    for (const txCode of txCodes) {
      expect(rows).not.toContain(txCode);
      expect(logs).not.toContain(txCode);
    }
    // The scans saw real data: the registry's status list ids are there, in the rows and in the file.
    expect(rows).toContain(items[0]?.statusListId);
    if (storage.sqliteFile !== undefined) expect(bytes).toContain(items[0]?.statusListId);
  });
});

afterAll(removeTestStorage);
