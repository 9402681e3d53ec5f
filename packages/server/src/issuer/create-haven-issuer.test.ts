import {
  createSigner,
  decodeBase64Url,
  fixedClock,
  type GuardedFetch,
  type GuardedResponse,
  generateKeyPair,
  jwkThumbprint,
  type PrivateJwk,
  type PublicJwk,
  parseStrictJson,
  parseStrictJsonObject,
  peekJwsHeader,
  signJwsSync,
  toPublicJwk,
} from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { createDidJwk, createDidResolver } from '@haven/did';
import {
  handleCredentialRequest,
  handleDeferredCredentialRequest,
  handleNonceRequest,
  handleTokenRequest,
  PROOF_JWT_TYP,
} from '@haven/oid4vci';
import {
  createIssuerKeySource,
  decodeHeldSdJwt,
  decodeJwtPayloadUnverified,
  presentSdJwtSync,
  splitSdJwt,
  verifySdJwtVc,
} from '@haven/sd-jwt';
import {
  createBitstringStatusChecker,
  createTokenStatusListChecker,
  parseBitstringStatusEntry,
  parseStatusListReference,
  verifyListWithW3c,
} from '@haven/status';
import { verifyDataIntegrityCredential, verifyVcJwt } from '@haven/w3c';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import type { HavenDatabase } from '../store/open-database.js';
import { removeTestDatabases, sqlBackends } from '../store/test-backends.test-helper.js';
import { createHavenIssuer, type HavenIssuerCore, type HavenIssuerOptions } from './create-haven-issuer.js';

const code = (c: string) => expect.objectContaining({ code: c });
const PUBLIC_URL = 'https://issuer.test';
// 2026-06-01T09:00:00Z; the start of that UTC day is 1_780_272_000.
const NOW = 1_780_304_400;
const DAY_START = 1_780_272_000;
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };
const MASTER = new Uint8Array(32).fill(3);
// Distinctive claim values: after issuance they must appear nowhere in the database, the audit log
// or the registry.
const EMPLOYER = 'Qwzx Distinctive Employer';
const WORKER_REF = 'QWZX-WORKER-7781';

let clock = NOW;
const now = () => clock;

afterAll(() => removeTestDatabases());

function labourClaims(): Record<string, unknown> {
  return { ...claimsTemplate('labour-contract'), employer_name: EMPLOYER, worker_reference: WORKER_REF };
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

interface Holder {
  readonly privateJwk: PrivateJwk;
  readonly publicJwk: PublicJwk;
}

function holder(alg: 'ES256' | 'EdDSA' = 'ES256'): Holder {
  const { privateJwk, publicJwk } = generateKeyPair(alg);
  return { privateJwk, publicJwk: toPublicJwk(publicJwk) };
}

async function verifySd(issuer: HavenIssuerCore, credential: string, who: Holder) {
  const fetch = issuerFetch(issuer);
  const verifierClock = fixedClock(clock);
  const issuerKey = createIssuerKeySource({ issuers: [PUBLIC_URL], fetch, clock: verifierClock });
  const nonce = 'verifier-nonce-1';
  const aud = 'https://verifier.test';
  const presentation = presentSdJwtSync(credential, {
    disclose: [['employer_name'], ['no_recruitment_fees_paid']],
    keyBinding: { signer: createSigner(who.privateJwk), nonce, aud, clock: verifierClock },
  });
  return verifySdJwtVc(presentation, {
    issuerKey,
    clock: verifierClock,
    holderBinding: { required: true, nonce, aud },
    // A fresh checker per verification: no verifier-side list cache between the steps of a test.
    status: createTokenStatusListChecker({
      fetch,
      clock: verifierClock,
      issuerKey: (header, _list, claims) => issuerKey(header, { iss: claims.iss }),
    }),
  });
}

function bitstringStatus(issuer: HavenIssuerCore, did: string) {
  const dids = createDidResolver();
  return createBitstringStatusChecker({
    fetch: issuerFetch(issuer),
    clock: fixedClock(clock),
    verifyList: verifyListWithW3c({ trustedIssuers: [did], dids, clock: fixedClock(clock) }),
  });
}

function verifyJwtVc(issuer: HavenIssuerCore, token: string) {
  return verifyVcJwt(token, {
    trustedIssuers: [issuer.issuerDids.es256],
    dids: createDidResolver(),
    clock: fixedClock(clock),
    status: bitstringStatus(issuer, issuer.issuerDids.es256),
  });
}

function verifyLdpVc(issuer: HavenIssuerCore, credential: Record<string, unknown>) {
  return verifyDataIntegrityCredential(credential, {
    trustedIssuers: [issuer.issuerDids.eddsa],
    dids: createDidResolver(),
    clock: fixedClock(clock),
    status: bitstringStatus(issuer, issuer.issuerDids.eddsa),
  });
}

/** Every row of every table, as text, for "no claim value is stored" checks. */
async function dumpDatabase(database: HavenDatabase): Promise<string> {
  const tables = [
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
  const out: unknown[] = [];
  for (const table of tables) out.push(await database.db.selectFrom(table).selectAll().execute());
  return JSON.stringify(out);
}

describe.each(sqlBackends())('createHavenIssuer — $name', (backend) => {
  let database: HavenDatabase;
  let issuer: HavenIssuerCore;

  const open = (overrides: Partial<HavenIssuerOptions> = {}, db: HavenDatabase = database) =>
    createHavenIssuer({
      database: db,
      publicUrl: PUBLIC_URL,
      masterSecret: MASTER,
      now,
      scrypt: CHEAP,
      ...overrides,
    });

  /** The issue callback as the credential endpoint calls it, for an offer in the store. */
  const issueFor = async (
    on: HavenIssuerCore,
    offerId: string,
    configurationId: string,
    holderKeys: readonly PublicJwk[],
  ) => {
    const offer = await on.oid4vci.store.getOffer(offerId);
    if (offer === undefined) throw new Error('test setup: no offer');
    return on.oid4vci.issue({ offer, configurationId, holderKeys, now: clock });
  };

  beforeEach(async () => {
    clock = NOW;
    database = await backend.open();
    issuer = await open();
  });

  describe('keys at rest', () => {
    test('a restart with the same master secret publishes the same keys (kid = JWK thumbprint)', async () => {
      const jwks = issuer.jwtVcIssuerMetadata();
      const key = (jwks as { jwks: { keys: PublicJwk[] } }).jwks.keys[0] as PublicJwk;
      expect(key.kid).toBe(jwkThumbprint(toPublicJwk(key)));
      expect(key).not.toHaveProperty('d');
      await issuer.close();
      const again = await open();
      expect(again.jwtVcIssuerMetadata()).toEqual(jwks);
      expect(again.issuerDids).toEqual(issuer.issuerDids);
    });

    test('a wrong master secret fails closed at startup (SERVER_MASTER_SECRET_MISMATCH)', async () => {
      await expect(open({ masterSecret: new Uint8Array(32).fill(4) })).rejects.toEqual(
        code('SERVER_MASTER_SECRET_MISMATCH'),
      );
      // The right one still works: nothing was overwritten.
      expect((await open()).issuerDids).toEqual(issuer.issuerDids);
    });

    test('two issuers started at once on one fresh database end with ONE key set', async () => {
      const [a, b] = await backend.openTwo();
      const [x, y] = await Promise.all([open({}, a), open({}, b)]);
      expect(x.jwtVcIssuerMetadata()).toEqual(y.jwtVcIssuerMetadata());
      expect(x.issuerDids).toEqual(y.issuerDids);
    });

    test('publicUrl must be a canonical https URL (status lists are only fetched over https)', async () => {
      for (const publicUrl of [
        'http://issuer.test',
        'http://10.0.0.1:8080',
        'https://issuer.test/',
        'https://issuer.test?x=1',
        'https://user@issuer.test',
        'https://ISSUER.test',
        'issuer.test',
      ]) {
        await expect(open({ publicUrl })).rejects.toEqual(code('SERVER_ISSUER_CONFIG_INVALID'));
      }
      await expect(open({ credentialValiditySeconds: 0 })).rejects.toEqual(
        code('SERVER_ISSUER_CONFIG_INVALID'),
      );
    });

    test('http on a loopback host issues for development; its status URLs are refused by verifiers that did not opt in to loopback', async () => {
      const dev = await open({ publicUrl: 'http://127.0.0.1:8080' });
      expect(dev.credentialIssuerMetadata()).toMatchObject({ credential_issuer: 'http://127.0.0.1:8080' });
      const created = await dev.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      const [credential] = await issueFor(dev, created.offerId, 'labour-contract.dc+sd-jwt', [
        holder().publicJwk,
      ]);
      const payload = decodeJwtPayloadUnverified(String(credential).split('~')[0] as string);
      const status = payload.status as { status_list: { uri: string; idx: number } };
      expect(status.status_list.uri.startsWith('http://127.0.0.1:8080/status/')).toBe(true);
      expect(() => parseStatusListReference(status)).toThrow(code('STATUS_REFERENCE_INVALID'));
      expect(parseStatusListReference(status, { allowHttpLoopback: true }).idx).toBe(status.status_list.idx);
      const listId = status.status_list.uri.split('/').at(-1) as string;
      expect((await dev.statusList(listId))?.mediaType).toBe('application/statuslist+jwt');
    });
  });

  describe('metadata (OpenID4VCI §12.2.4, Appendix A; SD-JWT VC §"JWT VC Issuer Metadata")', () => {
    test('nine configurations, display in every locale, the issuer is its own authorization server', () => {
      const metadata = issuer.credentialIssuerMetadata() as {
        credential_issuer: string;
        credential_configurations_supported: Record<string, Record<string, unknown>>;
      };
      expect(metadata.credential_issuer).toBe(PUBLIC_URL);
      expect(Object.keys(metadata.credential_configurations_supported)).toHaveLength(9);
      expect(issuer.authorizationServerMetadata()).toMatchObject({ issuer: PUBLIC_URL });
      expect(issuer.jwtVcIssuerMetadata()).toMatchObject({
        issuer: PUBLIC_URL,
        jwks: { keys: [{ alg: 'ES256' }] },
      });
      // A copy each time: callers cannot change what the next request sees.
      metadata.credential_issuer = 'changed';
      expect((issuer.credentialIssuerMetadata() as { credential_issuer: string }).credential_issuer).toBe(
        PUBLIC_URL,
      );
    });
  });

  describe('offers', () => {
    test('createOffer seals the claims; the audit says type, formats, deferred — no claim values', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', formats: ['dc+sd-jwt', 'ldp_vc'], claims: labourClaims() },
        'admin:ops',
      );
      expect(created.offerUri.startsWith('openid-credential-offer://?credential_offer_uri=')).toBe(true);
      expect(created.txCode).toMatch(/^\d{6}$/);
      const summary = await issuer.getOffer(created.offerId);
      expect(summary).toMatchObject({
        configurationIds: ['labour-contract.dc+sd-jwt', 'labour-contract.ldp_vc'],
        decision: 'approved',
        hasTxCode: true,
      });
      expect((await issuer.listOffers({})).items.map((o) => o.id)).toEqual([created.offerId]);
      const [entry] = await issuer.auditLog({ target: created.offerId });
      expect(entry).toMatchObject({
        actor: 'admin:ops',
        action: 'offer.create',
        outcome: 'ok',
        details: {
          credentialType: 'labour-contract',
          formats: 'dc+sd-jwt ldp_vc',
          deferred: false,
          txCode: true,
        },
      });
      const dump = await dumpDatabase(database);
      expect(dump).not.toContain(EMPLOYER);
      expect(dump).not.toContain(WORKER_REF);
      expect(dump).not.toContain(created.txCode);
    });

    test('invalid claims are refused with their paths only, never their values; nothing is stored', async () => {
      const claims = { ...labourClaims(), hours_per_week: 400, sector: 'NOT-A-SECTOR-QWZX' };
      const error = await issuer
        .createOffer({ credentialType: 'labour-contract', claims }, 'admin:ops')
        .catch((e: unknown) => e);
      expect(error).toEqual(code('CREDENTIAL_CLAIMS_INVALID'));
      expect(JSON.stringify(error)).not.toContain('QWZX');
      expect(String((error as Error).message)).not.toContain('QWZX');
      expect((error as { details?: { paths?: unknown } }).details?.paths).toEqual(
        expect.arrayContaining(['["hours_per_week"]', '["sector"]']),
      );
      expect((await issuer.listOffers({})).items).toEqual([]);
    });

    test('hostile offer inputs: unknown type, unknown/duplicate/empty formats, non-boolean flags, missing claims', async () => {
      const bad: [unknown, string][] = [
        [{ credentialType: '__proto__', claims: labourClaims() }, 'CREDENTIAL_TYPE_UNKNOWN'],
        [
          { credentialType: 'labour-contract', formats: ['mso_mdoc'], claims: labourClaims() },
          'SERVER_OFFER_INVALID',
        ],
        [{ credentialType: 'labour-contract', formats: [], claims: labourClaims() }, 'SERVER_OFFER_INVALID'],
        [
          { credentialType: 'labour-contract', formats: ['ldp_vc', 'ldp_vc'], claims: labourClaims() },
          'SERVER_OFFER_INVALID',
        ],
        [
          { credentialType: 'labour-contract', formats: 'ldp_vc', claims: labourClaims() },
          'SERVER_OFFER_INVALID',
        ],
        [
          { credentialType: 'labour-contract', deferred: 'yes', claims: labourClaims() },
          'SERVER_OFFER_INVALID',
        ],
        [{ credentialType: 'labour-contract', txCode: 1, claims: labourClaims() }, 'SERVER_OFFER_INVALID'],
        [{ credentialType: 'labour-contract' }, 'CREDENTIAL_CLAIMS_INVALID'],
      ];
      for (const [input, expected] of bad) {
        await expect(issuer.createOffer(input as never, 'admin:ops')).rejects.toEqual(code(expected));
      }
      expect((await issuer.listOffers({})).items).toEqual([]);
    });

    test('deferred without claims: approving validates the claims (paths only), then seals them; decided once', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', deferred: true, txCode: false },
        'admin:ops',
      );
      expect(created.txCode).toBeUndefined();
      expect(await issuer.getOffer(created.offerId)).toMatchObject({ decision: 'pending', hasTxCode: false });
      await expect(issuer.decideOffer(created.offerId, 'approved', undefined, 'admin:cw')).rejects.toEqual(
        code('SERVER_OFFER_INVALID'),
      );
      await expect(
        issuer.decideOffer(created.offerId, 'approved', { ...labourClaims(), wage: 'QWZX' }, 'admin:cw'),
      ).rejects.toEqual(code('CREDENTIAL_CLAIMS_INVALID'));
      await expect(issuer.decideOffer(created.offerId, 'denied', labourClaims(), 'admin:cw')).rejects.toEqual(
        code('SERVER_OFFER_INVALID'),
      );
      expect(await issuer.decideOffer(created.offerId, 'approved', labourClaims(), 'admin:cw')).toBe(true);
      expect(await issuer.decideOffer(created.offerId, 'denied', undefined, 'admin:cw')).toBe(false);
      expect(await issuer.decideOffer('no-such-offer', 'approved', labourClaims(), 'admin:cw')).toBe(false);
      const actions = (await issuer.auditLog({ target: created.offerId })).map(
        (e) => `${e.action}:${e.outcome}`,
      );
      // The refused decisions (no claims, invalid claims, a denial with claims) are audited too (no values).
      expect(actions).toEqual([
        'offer.deny:refused',
        'offer.approve:ok',
        'offer.deny:refused',
        'offer.approve:refused',
        'offer.approve:refused',
        'offer.create:ok',
      ]);
      const dump = JSON.stringify(await issuer.auditLog({ target: created.offerId }));
      expect(dump).not.toContain('QWZX');
      const [credential] = await issueFor(issuer, created.offerId, 'labour-contract.dc+sd-jwt', [
        holder().publicJwk,
      ]);
      expect(typeof credential).toBe('string');
    });

    test('denied offers issue nothing; a denial takes no claims; withdrawn offers are withdrawn once', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', deferred: true, claims: labourClaims() },
        'admin:ops',
      );
      await expect(issuer.decideOffer(created.offerId, 'denied', labourClaims(), 'admin:cw')).rejects.toEqual(
        code('SERVER_OFFER_INVALID'),
      );
      expect(await issuer.decideOffer(created.offerId, 'denied', undefined, 'admin:cw')).toBe(true);
      await expect(
        issueFor(issuer, created.offerId, 'labour-contract.dc+sd-jwt', [holder().publicJwk]),
      ).rejects.toEqual(code('OID4VCI_CREDENTIAL_REQUEST_DENIED'));
      const other = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      expect(await issuer.withdrawOffer(other.offerId, 'admin:ops')).toBe(true);
      expect(await issuer.withdrawOffer(other.offerId, 'admin:ops')).toBe(false);
      expect(await issuer.getOffer(other.offerId)).toMatchObject({ withdrawn: true });
      const actions = (await issuer.auditLog({ target: other.offerId })).map(
        (e) => `${e.action}:${e.outcome}`,
      );
      expect(actions).toEqual(['offer.withdraw:refused', 'offer.withdraw:ok', 'offer.create:ok']);
    });
  });

  describe('issuance: SD-JWT VC (dc+sd-jwt)', () => {
    test('verifies with the published jwt-vc-issuer keys; cnf = holder key; iat coarsened to the UTC day', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      const who = holder();
      const [credential] = await issueFor(issuer, created.offerId, 'labour-contract.dc+sd-jwt', [
        who.publicJwk,
      ]);
      if (typeof credential !== 'string') throw new Error('expected a compact SD-JWT VC');
      expect(peekJwsHeader(splitSdJwt(credential).jwt)).toMatchObject({
        typ: 'dc+sd-jwt',
        alg: 'ES256',
        kid: (issuer.jwtVcIssuerMetadata() as { jwks: { keys: PublicJwk[] } }).jwks.keys[0]?.kid,
      });
      const result = await verifySd(issuer, credential, who);
      if (!result.verified) throw new Error(`not verified: ${result.error.code}`);
      expect(result.holderBound).toBe(true);
      expect(result.claims).toMatchObject({
        iss: PUBLIC_URL,
        vct: 'https://haven.example/vct/labour-contract/v1',
        iat: DAY_START,
        employer_name: EMPLOYER,
      });
      expect(result.claims.exp).toBe(DAY_START + 366 * 86_400);
      expect((result.claims.cnf as { jwk: PublicJwk }).jwk).toEqual(who.publicJwk);
      expect(result.statusFound).toMatchObject({ status: 'VALID' });
      // Registry: metadata only.
      const { items } = await issuer.searchCredentials({ offerId: created.offerId });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        credentialType: 'labour-contract',
        configurationId: 'labour-contract.dc+sd-jwt',
        format: 'dc+sd-jwt',
        state: 'active',
        issuedAt: DAY_START,
      });
      const reference = parseStatusListReference(result.claims.status);
      expect(reference.uri).toBe(`${PUBLIC_URL}/status/${items[0]?.statusListId}`);
      expect(reference.idx).toBe(items[0]?.statusIndex);
      const [audit] = await issuer.auditLog({ target: created.offerId });
      expect(audit).toMatchObject({
        actor: 'wallet',
        action: 'credential.issue',
        outcome: 'ok',
        details: { credentialType: 'labour-contract', format: 'dc+sd-jwt', count: 1 },
      });
    });

    test('revoke → the next status list token says INVALID; suspend/reinstate on a live credential', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      const [a, b] = [holder(), holder('EdDSA')];
      const [first, second] = await issueFor(issuer, created.offerId, 'labour-contract.dc+sd-jwt', [
        a.publicJwk,
        b.publicJwk,
      ]);
      const { items } = await issuer.searchCredentials({ offerId: created.offerId });
      const idOf = (credential: unknown) => {
        const status = decodeHeldSdJwt(credential as string).processed.claims.status as {
          status_list: { idx: number };
        };
        return items.find((i) => i.statusIndex === status.status_list.idx)?.id as string;
      };
      // Warm the cache, then change: this process invalidates its cached token at once.
      expect((await verifySd(issuer, first as string, a)).verified).toBe(true);
      expect(await issuer.setCredentialState(idOf(first), 'suspended', 'admin:ops')).toBe(true);
      const suspended = await verifySd(issuer, first as string, a);
      expect(suspended.verified ? 'VALID' : suspended.error.code).toBe('STATUS_SUSPENDED');
      expect(await issuer.setCredentialState(idOf(first), 'active', 'admin:ops')).toBe(true);
      expect((await verifySd(issuer, first as string, a)).verified).toBe(true);
      expect(await issuer.setCredentialState(idOf(first), 'revoked', 'admin:ops')).toBe(true);
      const revoked = await verifySd(issuer, first as string, a);
      expect(revoked.verified ? 'VALID' : revoked.error.code).toBe('STATUS_INVALID');
      // Revocation is final; the other credential of the batch is untouched.
      expect(await issuer.setCredentialState(idOf(first), 'active', 'admin:ops')).toBe(false);
      expect((await verifySd(issuer, second as string, b)).verified).toBe(true);
      expect(await issuer.getCredential(idOf(first))).toMatchObject({ state: 'revoked' });
      expect(await issuer.setCredentialState('no-such-credential', 'revoked', 'admin:ops')).toBe(false);
      const actions = (await issuer.auditLog({ target: idOf(first) })).map((e) => `${e.action}:${e.outcome}`);
      expect(actions).toEqual([
        'credential.reinstate:refused',
        'credential.revoke:ok',
        'credential.reinstate:ok',
        'credential.suspend:ok',
      ]);
    });

    test('the token is cached ≤ 30 s: another process sees a revocation once its cache window has passed', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      const who = holder();
      const [credential] = await issueFor(issuer, created.offerId, 'labour-contract.dc+sd-jwt', [
        who.publicJwk,
      ]);
      const other = await open();
      const [item] = (await issuer.searchCredentials({ offerId: created.offerId })).items;
      const listId = item?.statusListId as string;
      const before = await issuer.statusListToken(listId);
      expect(before).toBeDefined();
      expect(peekJwsHeader(before as string)).toMatchObject({ typ: 'statuslist+jwt', alg: 'ES256' });
      expect(await other.setCredentialState(item?.id as string, 'revoked', 'admin:ops')).toBe(true);
      clock = NOW + 29;
      expect(await issuer.statusListToken(listId)).toBe(before);
      expect((await verifySd(issuer, credential as string, who)).verified).toBe(true);
      clock = NOW + 31;
      const result = await verifySd(issuer, credential as string, who);
      expect(result.verified ? 'VALID' : result.error.code).toBe('STATUS_INVALID');
      // The token itself: sub = its URL, iss = the issuer, ttl 300, exp a day on.
      const payload = parseStrictJsonObject(
        decodeBase64Url((await issuer.statusListToken(listId))?.split('.')[1] ?? ''),
      );
      expect(payload).toMatchObject({
        sub: `${PUBLIC_URL}/status/${listId}`,
        iss: PUBLIC_URL,
        ttl: 300,
        iat: NOW + 31,
        exp: NOW + 31 + 86_400,
      });
      expect(await issuer.statusListToken('no-such-list')).toBeUndefined();
    });

    test('batch of 3: distinct holder keys, status indexes and salts; one coarsened iat', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      const holders = [holder(), holder(), holder('EdDSA')];
      const credentials = await issueFor(
        issuer,
        created.offerId,
        'labour-contract.dc+sd-jwt',
        holders.map((h) => h.publicJwk),
      );
      expect(credentials).toHaveLength(3);
      const decoded = credentials.map((c) => decodeHeldSdJwt(c as string));
      const claims = decoded.map((d) => d.processed.claims);
      expect(
        new Set(claims.map((c) => (c.status as { status_list: { idx: number } }).status_list.idx)).size,
      ).toBe(3);
      expect(claims.map((c) => c.iat)).toEqual([DAY_START, DAY_START, DAY_START]);
      expect(claims.map((c) => jwkThumbprint((c.cnf as { jwk: PublicJwk }).jwk))).toEqual(
        holders.map((h) => jwkThumbprint(h.publicJwk)),
      );
      // Same claim values, different salts: no disclosure (and no digest) is shared between copies.
      const disclosures = credentials.map((c) => splitSdJwt(c as string).disclosures);
      const all = disclosures.flat();
      expect(new Set(all).size).toBe(all.length);
      for (const [i, credential] of credentials.entries()) {
        expect((await verifySd(issuer, credential as string, holders[i] as Holder)).verified).toBe(true);
      }
      const { items } = await issuer.searchCredentials({ offerId: created.offerId });
      expect(new Set(items.map((i) => `${i.statusListId}:${i.statusIndex}`)).size).toBe(3);
      const [audit] = await issuer.auditLog({ target: created.offerId });
      expect(audit?.details).toEqual({ credentialType: 'labour-contract', format: 'dc+sd-jwt', count: 3 });
    });
  });

  describe('issuance: W3C (jwt_vc_json, ldp_vc)', () => {
    test('jwt_vc_json verifies with @haven/w3c: issuer = did:jwk of the ES256 key, subject = did:jwk of the holder; revocable', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', formats: ['jwt_vc_json'], claims: labourClaims() },
        'admin:ops',
      );
      const who = holder();
      const [token] = await issueFor(issuer, created.offerId, 'labour-contract.jwt_vc_json', [who.publicJwk]);
      const result = await verifyJwtVc(issuer, token as string);
      if (!result.verified) throw new Error(`not verified: ${result.error.code}`);
      expect(result.issuer).toBe(issuer.issuerDids.es256);
      const subject = result.credential.credentialSubject as Record<string, unknown>;
      expect(subject.id).toBe(createDidJwk(who.publicJwk));
      expect(subject.employer_name).toBe(EMPLOYER);
      expect(result.credential.validFrom).toBe('2026-06-01T00:00:00Z');
      expect(result.status).toBe('checked');
      const entry = parseBitstringStatusEntry(result.credential.credentialStatus);
      expect(entry.statusPurpose).toBe('revocation');
      const [item] = (await issuer.searchCredentials({ offerId: created.offerId })).items;
      expect(entry.index).toBe(item?.statusIndex);
      expect(entry.url).toBe(`${PUBLIC_URL}/status/${item?.statusListId}`);
      // The bitstring list is served as a VC-JOSE list credential, not as a statuslist+jwt.
      expect(await issuer.statusListToken(item?.statusListId as string)).toBeUndefined();
      expect((await issuer.statusList(item?.statusListId as string))?.mediaType).toBe('application/vc+jwt');
      // Suspension: a typed refusal, audited, nothing changed.
      await expect(issuer.setCredentialState(item?.id as string, 'suspended', 'admin:ops')).rejects.toEqual(
        code('SERVER_CREDENTIAL_STATE_UNSUPPORTED'),
      );
      expect((await verifyJwtVc(issuer, token as string)).verified).toBe(true);
      expect(await issuer.setCredentialState(item?.id as string, 'revoked', 'admin:ops')).toBe(true);
      const revoked = await verifyJwtVc(issuer, token as string);
      expect(revoked.verified ? 'VALID' : revoked.error.code).toBe('STATUS_REVOKED');
      const actions = (await issuer.auditLog({ target: item?.id as string })).map(
        (e) => `${e.action}:${e.outcome}`,
      );
      expect(actions).toEqual(['credential.revoke:ok', 'credential.suspend:refused']);
    });

    test('ldp_vc verifies (eddsa-rdfc-2022, issuer = did:jwk of the Ed25519 key) and is revocable', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', formats: ['ldp_vc'], claims: labourClaims() },
        'admin:ops',
      );
      const who = holder('EdDSA');
      const [credential] = await issueFor(issuer, created.offerId, 'labour-contract.ldp_vc', [who.publicJwk]);
      expect(typeof credential).toBe('object');
      const secured = credential as Record<string, unknown>;
      expect(secured.proof).toMatchObject({
        cryptosuite: 'eddsa-rdfc-2022',
        created: '2026-06-01T00:00:00Z',
      });
      const result = await verifyLdpVc(issuer, secured);
      if (!result.verified) throw new Error(`not verified: ${result.error.code}`);
      expect(result.issuer).toBe(issuer.issuerDids.eddsa);
      expect((result.credential.credentialSubject as { id: string }).id).toBe(createDidJwk(who.publicJwk));
      const [item] = (await issuer.searchCredentials({ offerId: created.offerId })).items;
      // The two W3C issuers keep separate bitstring lists (a list's issuer must be its credentials').
      expect(item?.statusListId.startsWith('eddsa-')).toBe(true);
      expect(await issuer.setCredentialState(item?.id as string, 'revoked', 'admin:ops')).toBe(true);
      const revoked = await verifyLdpVc(issuer, secured);
      expect(revoked.verified ? 'VALID' : revoked.error.code).toBe('STATUS_REVOKED');
    });
  });

  describe('hostile issue requests', () => {
    test('a configuration outside the offer, a payload moved to an offer of other configurations, no holder key', async () => {
      const sd = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      await expect(
        issueFor(issuer, sd.offerId, 'labour-contract.ldp_vc', [holder().publicJwk]),
      ).rejects.toEqual(code('OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION'));
      await expect(issueFor(issuer, sd.offerId, 'labour-contract.dc+sd-jwt', [])).rejects.toEqual(
        code('OID4VCI_INVALID_PROOF'),
      );
      const w3c = await issuer.createOffer(
        { credentialType: 'labour-contract', formats: ['jwt_vc_json'], claims: labourClaims() },
        'admin:ops',
      );
      // Someone with write access to the database swaps the sealed claims between offers.
      const sdRow = await database.db
        .selectFrom('offers')
        .select('payload')
        .where('id', '=', sd.offerId)
        .executeTakeFirstOrThrow();
      await database.db
        .updateTable('offers')
        .set({ payload: sdRow.payload })
        .where('id', '=', w3c.offerId)
        .execute();
      await expect(
        issueFor(issuer, w3c.offerId, 'labour-contract.jwt_vc_json', [holder().publicJwk]),
      ).rejects.toEqual(code('SERVER_ISSUANCE_FAILED'));
      expect((await issuer.searchCredentials({})).items).toEqual([]);
    });

    test('sealed claims are bound to their offer: moved into an offer of the SAME configurations they do not open', async () => {
      const moveTo = async (fromId: string, toId: string) => {
        const row = await database.db
          .selectFrom('offers')
          .select('payload')
          .where('id', '=', fromId)
          .executeTakeFirstOrThrow();
        expect(row.payload).not.toBeNull();
        await database.db
          .updateTable('offers')
          .set({ payload: row.payload })
          .where('id', '=', toId)
          .execute();
      };
      // Sealed at creation.
      const victim = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      const attacker = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: { ...labourClaims(), employer_name: 'Other' } },
        'admin:ops',
      );
      await moveTo(victim.offerId, attacker.offerId);
      await expect(
        issueFor(issuer, attacker.offerId, 'labour-contract.dc+sd-jwt', [holder().publicJwk]),
      ).rejects.toEqual(code('SERVER_ISSUANCE_FAILED'));
      // Sealed by a caseworker's approval.
      const pending = await issuer.createOffer(
        { credentialType: 'labour-contract', deferred: true },
        'admin:ops',
      );
      expect(await issuer.decideOffer(pending.offerId, 'approved', labourClaims(), 'admin:cw')).toBe(true);
      const other = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      await moveTo(pending.offerId, other.offerId);
      await expect(
        issueFor(issuer, other.offerId, 'labour-contract.dc+sd-jwt', [holder().publicJwk]),
      ).rejects.toEqual(code('SERVER_ISSUANCE_FAILED'));
      // In place, both still issue.
      const [credential] = await issueFor(issuer, victim.offerId, 'labour-contract.dc+sd-jwt', [
        holder().publicJwk,
      ]);
      expect(typeof credential).toBe('string');
      const [approved] = await issueFor(issuer, pending.offerId, 'labour-contract.dc+sd-jwt', [
        holder().publicJwk,
      ]);
      expect(typeof approved).toBe('string');
    });

    test('a closed issuer refuses everything (SERVER_ISSUER_CLOSED)', async () => {
      await issuer.close();
      await expect(
        issuer.createOffer({ credentialType: 'labour-contract', claims: labourClaims() }, 'a'),
      ).rejects.toEqual(code('SERVER_ISSUER_CLOSED'));
      await expect(issuer.statusListToken('x')).rejects.toEqual(code('SERVER_ISSUER_CLOSED'));
    });
  });

  describe('end to end through @haven/oid4vci (pre-authorized code, tx_code, nonce, batch proofs)', () => {
    const redeem = async (created: { offerByValueUri: string; txCode?: string }) => {
      const offer = JSON.parse(
        decodeURIComponent(
          created.offerByValueUri.slice('openid-credential-offer://?credential_offer='.length),
        ),
      ) as { grants: Record<string, { 'pre-authorized_code': string }> };
      const preAuthorizedCode =
        offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']?.['pre-authorized_code'];
      const token = await handleTokenRequest(issuer.oid4vci, {
        grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
        'pre-authorized_code': preAuthorizedCode,
        ...(created.txCode === undefined ? {} : { tx_code: created.txCode }),
      });
      return { preAuthorizedCode, accessToken: (token.body as { access_token: string }).access_token };
    };
    const proofsFor = async (holders: readonly Holder[]) => {
      // One c_nonce for the proofs of one request (openid4vci §8.2.1.1).
      const { c_nonce } = (await handleNonceRequest(issuer.oid4vci)).body as { c_nonce: string };
      return holders.map((h) =>
        signJwsSync(
          { aud: PUBLIC_URL, iat: clock, nonce: c_nonce },
          { signer: createSigner(h.privateJwk), typ: PROOF_JWT_TYP, header: { jwk: h.publicJwk } },
        ),
      );
    };

    test('openid4vci §9: a deferred offer answers 202, the caseworker approves, the pickup issues ldp_vc', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', formats: ['ldp_vc'], deferred: true },
        'admin:ops',
      );
      const { accessToken } = await redeem(created);
      const who = holder('EdDSA');
      const pending = await handleCredentialRequest(issuer.oid4vci, {
        authorization: `Bearer ${accessToken}`,
        body: {
          credential_configuration_id: 'labour-contract.ldp_vc',
          proofs: { jwt: await proofsFor([who]) },
        },
      });
      expect(pending.status).toBe(202);
      const transactionId = (pending.body as { transaction_id: string }).transaction_id;
      // The caseworker decides three days later: the wallet's token for a pending offer still works.
      clock = NOW + 3 * 86_400;
      expect(await issuer.decideOffer(created.offerId, 'approved', labourClaims(), 'admin:cw')).toBe(true);
      const picked = await handleDeferredCredentialRequest(issuer.oid4vci, {
        authorization: `Bearer ${accessToken}`,
        body: { transaction_id: transactionId },
      });
      expect(picked.status).toBe(200);
      const [issued] = (picked.body as { credentials: { credential: Record<string, unknown> }[] })
        .credentials;
      const result = await verifyLdpVc(issuer, issued?.credential as Record<string, unknown>);
      expect(result.verified).toBe(true);
      const dump = await dumpDatabase(database);
      expect(dump).not.toContain(EMPLOYER);
      expect(dump).not.toContain(transactionId);
    });

    test('purgeExpired removes spent nonces and expired tokens, once; offers and the audit log stay', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'a',
      );
      const { accessToken } = await redeem(created);
      const issued = await handleCredentialRequest(issuer.oid4vci, {
        authorization: `Bearer ${accessToken}`,
        body: {
          credential_configuration_id: 'labour-contract.dc+sd-jwt',
          proofs: { jwt: await proofsFor([holder()]) },
        },
      });
      expect(issued.status).toBe(200);
      clock = NOW + 30 * 86_400;
      expect(await issuer.purgeExpired()).toBeGreaterThan(0);
      expect(await issuer.purgeExpired()).toBe(0);
      expect(await issuer.getOffer(created.offerId)).toBeDefined();
      expect((await issuer.auditLog({ target: created.offerId })).length).toBeGreaterThan(0);
    });

    test('openid4vci §8: a batch of 3, then nothing of the claims is left anywhere in the database', async () => {
      const created = await issuer.createOffer(
        { credentialType: 'labour-contract', claims: labourClaims() },
        'admin:ops',
      );
      const { preAuthorizedCode, accessToken } = await redeem(created);
      const holders = [holder(), holder(), holder()];
      const proofs = await proofsFor(holders);
      const result = await handleCredentialRequest(issuer.oid4vci, {
        authorization: `Bearer ${accessToken}`,
        body: { credential_configuration_id: 'labour-contract.dc+sd-jwt', proofs: { jwt: proofs } },
      });
      const credentials = (result.body as { credentials: { credential: string }[] }).credentials;
      expect(credentials).toHaveLength(3);
      for (const [i, c] of credentials.entries()) {
        expect((await verifySd(issuer, c.credential, holders[i] as Holder)).verified).toBe(true);
      }
      // The offer is fully issued: its sealed payload is wiped; no claim value is anywhere.
      const row = await database.db
        .selectFrom('offers')
        .select('payload')
        .where('id', '=', created.offerId)
        .executeTakeFirst();
      expect(row?.payload ?? null).toBeNull();
      const dump = await dumpDatabase(database);
      expect(dump).not.toContain(EMPLOYER);
      expect(dump).not.toContain(WORKER_REF);
      expect(dump).not.toContain(preAuthorizedCode);
      expect(dump).not.toContain(accessToken);
    });
  });
});
