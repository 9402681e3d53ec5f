import {
  createSigner,
  fixedClock,
  type GuardedFetch,
  type GuardedResponse,
  generateKeyPair,
  type PrivateJwk,
  type PublicJwk,
  parseStrictJson,
  toPublicJwk,
} from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { createDidJwk, createDidResolver } from '@haven/did';
import {
  createIssuerKeySource,
  decodeJwtPayloadUnverified,
  presentSdJwtSync,
  verifySdJwtVc,
} from '@haven/sd-jwt';
import { createBitstringStatusChecker, createTokenStatusListChecker, verifyListWithW3c } from '@haven/status';
import { verifyDataIntegrityCredential, verifyVcJwt } from '@haven/w3c';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import type { HavenDatabase } from '../store/open-database.js';
import { removeTestDatabases, sqlBackends } from '../store/test-backends.test-helper.js';
import { createHavenIssuer, type HavenIssuerCore } from './create-haven-issuer.js';
import { MAX_BATCH_ITEMS } from './issue-batch.js';

const code = (c: string) => expect.objectContaining({ code: c });
const PUBLIC_URL = 'https://issuer.test';
// 2026-06-01T09:00:00Z; the start of that UTC day is 1_780_272_000.
const NOW = 1_780_304_400;
const DAY_START = 1_780_272_000;
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };
const MASTER = new Uint8Array(32).fill(5);
// Distinctive values: after a batch they must appear nowhere in the database or the audit log.
const EMPLOYER = 'Zqvx Batch Distinctive Employer';
const WORKER_REF = 'ZQVX-CAMP-4410';

afterAll(() => removeTestDatabases());

function labourClaims(n = 0): Record<string, unknown> {
  return {
    ...claimsTemplate('labour-contract'),
    employer_name: EMPLOYER,
    worker_reference: `${WORKER_REF}-${n}`,
  };
}

interface Holder {
  readonly privateJwk: PrivateJwk;
  readonly publicJwk: PublicJwk;
}

function holder(alg: 'ES256' | 'EdDSA' = 'ES256'): Holder {
  const { privateJwk, publicJwk } = generateKeyPair(alg);
  return { privateJwk, publicJwk: toPublicJwk(publicJwk) };
}

function response(url: string, status: number, body: string, type: string): GuardedResponse {
  const bytes = new TextEncoder().encode(body);
  return {
    status,
    url,
    headers: { 'content-type': type },
    body: bytes,
    json: () => parseStrictJson(bytes),
    text: () => body,
  };
}

/** What the HTTP layer serves, without a network: jwt-vc-issuer metadata and the status lists. */
function issuerFetch(issuer: HavenIssuerCore): GuardedFetch {
  return async (request) => {
    const url = typeof request === 'string' ? request : request.url;
    if (url === `${PUBLIC_URL}/.well-known/jwt-vc-issuer`) {
      return response(url, 200, JSON.stringify(issuer.jwtVcIssuerMetadata()), 'application/json');
    }
    if (url.startsWith(`${PUBLIC_URL}/status/`)) {
      const published = await issuer.statusList(
        decodeURIComponent(url.slice(`${PUBLIC_URL}/status/`.length)),
      );
      if (published !== undefined) return response(url, 200, published.body, published.mediaType);
    }
    return response(url, 404, '', 'text/plain');
  };
}

function verifySd(issuer: HavenIssuerCore, credential: string, who: Holder) {
  const fetch = issuerFetch(issuer);
  const clock = fixedClock(NOW);
  const issuerKey = createIssuerKeySource({ issuers: [PUBLIC_URL], fetch, clock });
  const presentation = presentSdJwtSync(credential, {
    disclose: [['employer_name']],
    keyBinding: { signer: createSigner(who.privateJwk), nonce: 'n-1', aud: 'https://verifier.test', clock },
  });
  return verifySdJwtVc(presentation, {
    issuerKey,
    clock,
    holderBinding: { required: true, nonce: 'n-1', aud: 'https://verifier.test' },
    status: createTokenStatusListChecker({
      fetch,
      clock,
      issuerKey: (header, _list, claims) => issuerKey(header, { iss: claims.iss }),
    }),
  });
}

function bitstringStatus(issuer: HavenIssuerCore, did: string) {
  return createBitstringStatusChecker({
    fetch: issuerFetch(issuer),
    clock: fixedClock(NOW),
    verifyList: verifyListWithW3c({
      trustedIssuers: [did],
      dids: createDidResolver(),
      clock: fixedClock(NOW),
    }),
  });
}

async function countRows(database: HavenDatabase, table: 'credentials' | 'status_entries'): Promise<number> {
  const rows = await database.db.selectFrom(table).selectAll().execute();
  return rows.length;
}

describe.each(sqlBackends())('HavenIssuer.issueBatch — $name', (backend) => {
  let database: HavenDatabase;
  let issuer: HavenIssuerCore;

  beforeEach(async () => {
    database = await backend.open();
    issuer = await createHavenIssuer({
      database,
      publicUrl: PUBLIC_URL,
      masterSecret: MASTER,
      now: () => NOW,
      scrypt: CHEAP,
    });
  });

  test('dc+sd-jwt batch of 25: verifies, one per holder in item order, distinct random indexes, registry rows, one audit entry without values', async () => {
    const holders = Array.from({ length: 25 }, () => holder());
    const batch = await issuer.issueBatch(
      {
        credentialType: 'labour-contract',
        format: 'dc+sd-jwt',
        items: holders.map((h, i) => ({ claims: labourClaims(i), holderJwk: h.publicJwk })),
      },
      'admin:agency',
    );
    expect(batch.credentials).toHaveLength(25);
    const indexes = new Set<number>();
    for (const [i, { credential }] of batch.credentials.entries()) {
      const payload = decodeJwtPayloadUnverified((credential as string).split('~')[0] as string);
      // Item i's credential is bound to item i's key; iat is the UTC day, like single issuance.
      expect((payload.cnf as { jwk: PublicJwk }).jwk).toMatchObject({ x: holders[i]?.publicJwk.x });
      expect(payload.iat).toBe(DAY_START);
      indexes.add((payload.status as { status_list: { idx: number } }).status_list.idx);
    }
    expect(indexes.size).toBe(25);
    for (const i of [0, 12, 24]) {
      const result = await verifySd(issuer, batch.credentials[i]?.credential as string, holders[i] as Holder);
      if (!result.verified) throw new Error(`not verified: ${result.error.code}`);
      expect(result.claims.employer_name).toBe(EMPLOYER);
    }
    const { items } = await issuer.searchCredentials({ offerId: batch.batchId, limit: 100 });
    expect(items).toHaveLength(25);
    expect(new Set(items.map((r) => r.id))).toEqual(new Set(batch.credentials.map((c) => c.id)));
    expect(new Set(items.map((r) => r.statusIndex))).toEqual(indexes);
    expect(
      items.every((r) => r.state === 'active' && r.configurationId === 'labour-contract.dc+sd-jwt'),
    ).toBe(true);
    const audit = await issuer.auditLog({ target: batch.batchId });
    expect(audit.map((e) => [e.action, e.actor, e.outcome, e.details])).toEqual([
      [
        'credential.issue.batch',
        'admin:agency',
        'ok',
        { credentialType: 'labour-contract', format: 'dc+sd-jwt', count: 25 },
      ],
    ]);
    const stored = JSON.stringify([
      await database.db.selectFrom('audit_log').selectAll().execute(),
      await database.db.selectFrom('credentials').selectAll().execute(),
    ]);
    expect(stored).not.toContain(EMPLOYER);
    expect(stored).not.toContain(WORKER_REF);
    expect(stored).not.toContain(holders[0]?.publicJwk.x);
    // A revoked batch credential is revoked in the published list.
    expect(
      await issuer.setCredentialState(batch.credentials[3]?.id as string, 'revoked', 'admin:agency'),
    ).toBe(true);
    const revoked = await verifySd(issuer, batch.credentials[3]?.credential as string, holders[3] as Holder);
    expect(revoked.verified ? 'VALID' : revoked.error.code).toBe('STATUS_INVALID');
  });

  test('W3C formats too: jwt_vc_json (ES256 list) and ldp_vc (Ed25519 list) verify and carry their status', async () => {
    const es = [holder(), holder()];
    const jwt = await issuer.issueBatch(
      {
        credentialType: 'labour-contract',
        format: 'jwt_vc_json',
        items: es.map((h) => ({ claims: labourClaims(), holderJwk: h.publicJwk })),
      },
      'admin:agency',
    );
    for (const [i, { credential }] of jwt.credentials.entries()) {
      const result = await verifyVcJwt(credential as string, {
        trustedIssuers: [issuer.issuerDids.es256],
        dids: createDidResolver(),
        clock: fixedClock(NOW),
        status: bitstringStatus(issuer, issuer.issuerDids.es256),
      });
      if (!result.verified) throw new Error(`not verified: ${result.error.code}`);
      expect((result.credential.credentialSubject as { id: string }).id).toBe(
        createDidJwk(es[i]?.publicJwk as PublicJwk),
      );
      expect(result.status).toBe('checked');
    }
    const ed = holder('EdDSA');
    const ldp = await issuer.issueBatch(
      {
        credentialType: 'labour-contract',
        format: 'ldp_vc',
        items: [{ claims: labourClaims(), holderJwk: ed.publicJwk }],
      },
      'admin:agency',
    );
    const result = await verifyDataIntegrityCredential(
      ldp.credentials[0]?.credential as Record<string, unknown>,
      {
        trustedIssuers: [issuer.issuerDids.eddsa],
        dids: createDidResolver(),
        clock: fixedClock(NOW),
        status: bitstringStatus(issuer, issuer.issuerDids.eddsa),
      },
    );
    if (!result.verified) throw new Error(`not verified: ${result.error.code}`);
    const [record] = (await issuer.searchCredentials({ offerId: ldp.batchId })).items;
    expect(record?.statusListId.startsWith('eddsa-')).toBe(true);
  });

  test('one invalid item refuses the whole batch: paths with the item index, never a value; nothing issued or claimed', async () => {
    const entriesBefore = await countRows(database, 'status_entries');
    const items = Array.from({ length: 6 }, (_, i) => ({
      claims: labourClaims(i),
      holderJwk: holder().publicJwk,
    }));
    items[2] = { claims: { ...labourClaims(2), employer_name: 42 }, holderJwk: holder().publicJwk };
    items[4] = { claims: labourClaims(4), holderJwk: { ...generateKeyPair('ES256').privateJwk } };
    const error = await issuer
      .issueBatch({ credentialType: 'labour-contract', format: 'dc+sd-jwt', items }, 'admin:agency')
      .catch((e: unknown) => e);
    expect(error).toEqual(code('CREDENTIAL_CLAIMS_INVALID'));
    const paths = (error as { details: { paths: string[] } }).details.paths;
    expect(paths).toContain('["items",2,"claims","employer_name"]');
    expect(paths).toContain('["items",4,"holderJwk"]');
    expect(paths.every((p) => /^\["items",[24],/.test(p))).toBe(true);
    expect(JSON.stringify(error)).not.toContain(WORKER_REF);
    expect(await countRows(database, 'credentials')).toBe(0);
    expect(await countRows(database, 'status_entries')).toBe(entriesBefore);
    expect(await issuer.auditLog({})).toEqual([]);
  });

  test('unusable holder keys: private, malformed, off-curve, wrong alg, not an object → SERVER_OFFER_INVALID', async () => {
    const good = holder().publicJwk;
    const ed = holder('EdDSA').publicJwk;
    const bad: unknown[] = [
      generateKeyPair('ES256').privateJwk,
      { kty: 'EC', crv: 'P-256', x: good.x },
      { ...good, y: good.x },
      { ...good, alg: 'EdDSA' },
      { ...ed, alg: 'ES256' },
      { ...good, use: 'enc' },
      { kty: 'oct', k: 'AAAA' },
      { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
      'not-a-jwk',
      null,
    ];
    for (const [i, holderJwk] of bad.entries()) {
      const items = [
        { claims: labourClaims(), holderJwk: good },
        { claims: labourClaims(), holderJwk },
      ];
      const error = await issuer
        .issueBatch({ credentialType: 'labour-contract', format: 'dc+sd-jwt', items }, 'admin:agency')
        .catch((e: unknown) => e);
      expect(error, `case ${i}`).toEqual(code('SERVER_OFFER_INVALID'));
      expect((error as { details: { paths: string[] } }).details.paths).toEqual(['["items",1,"holderJwk"]']);
    }
    expect(await countRows(database, 'credentials')).toBe(0);
  });

  test('batch limits and inputs: 0 or more than 1,000 items, unknown type or format, not an array', async () => {
    const item = { claims: labourClaims(), holderJwk: holder().publicJwk };
    const cases: [unknown, string][] = [
      [{ credentialType: 'labour-contract', format: 'dc+sd-jwt', items: [] }, 'SERVER_OFFER_INVALID'],
      [
        {
          credentialType: 'labour-contract',
          format: 'dc+sd-jwt',
          items: Array(MAX_BATCH_ITEMS + 1).fill(item),
        },
        'SERVER_OFFER_INVALID',
      ],
      [{ credentialType: 'labour-contract', format: 'dc+sd-jwt', items: item }, 'SERVER_OFFER_INVALID'],
      [{ credentialType: 'labour-contract', format: 'mso_mdoc', items: [item] }, 'SERVER_OFFER_INVALID'],
      [{ credentialType: 'no-such-type', format: 'dc+sd-jwt', items: [item] }, 'CREDENTIAL_TYPE_UNKNOWN'],
    ];
    for (const [input, expected] of cases) {
      await expect(issuer.issueBatch(input as never, 'admin:agency')).rejects.toEqual(code(expected));
    }
    expect(await countRows(database, 'credentials')).toBe(0);
  });

  test('1,000 items in one batch: all distinct entries, recorded in one go', async () => {
    const key = holder().publicJwk;
    const batch = await issuer.issueBatch(
      {
        credentialType: 'labour-contract',
        format: 'dc+sd-jwt',
        items: Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => ({
          claims: labourClaims(i),
          holderJwk: key,
        })),
      },
      'admin:agency',
    );
    expect(new Set(batch.credentials.map((c) => c.id)).size).toBe(MAX_BATCH_ITEMS);
    expect(await countRows(database, 'credentials')).toBe(MAX_BATCH_ITEMS);
    const rows = await database.db
      .selectFrom('credentials')
      .select(['status_list_id', 'status_index'])
      .execute();
    expect(new Set(rows.map((r) => `${r.status_list_id}:${r.status_index}`)).size).toBe(MAX_BATCH_ITEMS);
  });

  test('a closed issuer refuses a batch (SERVER_ISSUER_CLOSED)', async () => {
    await issuer.close();
    await expect(
      issuer.issueBatch(
        {
          credentialType: 'labour-contract',
          format: 'dc+sd-jwt',
          items: [{ claims: labourClaims(), holderJwk: holder().publicJwk }],
        },
        'admin:agency',
      ),
    ).rejects.toEqual(code('SERVER_ISSUER_CLOSED'));
  });
});
