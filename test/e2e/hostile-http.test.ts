import type { CredentialTypeId } from '@haven/credentials';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type AdminApi, adminApi } from './fixtures/admin-api.js';
import { distinctiveClaims, type Holder, newHolder } from './fixtures/credentials.js';
import { backends, removeTestStorage } from './fixtures/databases.js';
import { type HttpAnswer, sendHttp } from './fixtures/http.js';
import { ADMIN_TOKEN, type InProcessServer, startInProcessServer } from './fixtures/in-process-server.js';
import { PUBLIC_URL } from './fixtures/issuer-routing.js';
import {
  accessTokenFor,
  fetchOffer,
  forgeJwt,
  freshNonce,
  preAuthorizedCodeOf,
  proofParts,
  requestCredential,
  requestToken,
} from './fixtures/wallet-steps.js';

// Hostile inputs (../shared/hostile-inputs.md, "OpenID4VCI (pre-authorized code)" and "Server and
// storage") against a real issuer over HTTP, on SQLite and PostgreSQL: the single-use rules live in the
// database, so each runs on both. What packages/server's own HTTP tests already prove against a fake
// issuer (body limits, nesting, prototype keys, CORS, helmet, admin auth, filters, rate limits) is not
// repeated here.

// 2026-06-01T09:00:00Z.
const NOW = 1_780_304_400;
let clock = NOW;
const now = () => clock;
const LABOUR = 'labour-contract.dc+sd-jwt';

/** The answer's OAuth `error`, with its status, for one-line assertions. */
function oauthError(answer: HttpAnswer): string {
  let error = '(no error member)';
  try {
    error = String(answer.json().error);
  } catch {
    error = '(not JSON)';
  }
  return `${answer.status} ${error}`;
}

/** A tx_code of the same length that is certainly not the right one. */
function wrongTxCode(right: string, n: number): string {
  return [...right].map((d, i) => (i === 0 ? String((Number(d) + n) % 10) : d)).join('');
}

describe.each(backends())('hostile inputs over HTTP — $name', (backend) => {
  let server: InProcessServer;
  let admin: AdminApi;
  /** Every secret the wallet side saw, to check none of them reached a log line. */
  const secrets: string[] = [];

  beforeAll(async () => {
    // Rate limits are proven by packages/server; here they would only get in the way of the counting.
    server = await startInProcessServer({
      storage: await backend.fresh(),
      now,
      limits: { rateLimits: { token: 10_000, credential: 10_000, nonce: 10_000, offers: 10_000 } },
    });
    admin = adminApi(server.url, ADMIN_TOKEN);
    return () => server.close();
  });

  beforeEach(() => {
    clock = NOW;
  });

  async function newOffer(type: CredentialTypeId = 'labour-contract') {
    const created = await admin.createOffer({ credentialType: type, claims: distinctiveClaims(type) });
    const code = await preAuthorizedCodeOf(server.url, created.offerUri);
    const txCode = created.txCode as string;
    secrets.push(code, txCode);
    return { created, code, txCode };
  }

  async function tokenFor(type: CredentialTypeId = 'labour-contract') {
    const offer = await newOffer(type);
    const token = await accessTokenFor(server.url, offer.code, offer.txCode);
    secrets.push(token);
    return { ...offer, token };
  }

  async function goodProof(holder: Holder, nonce?: string) {
    const c = nonce ?? (await freshNonce(server.url));
    secrets.push(c);
    const { header, payload } = proofParts(holder.publicJwk, c, clock);
    return forgeJwt(header, payload, { kind: 'jwk', privateJwk: holder.privateJwk });
  }

  describe('token endpoint (openid4vci §6, hostile-inputs: guessing codes and tx_codes)', () => {
    test('openid4vci §6.3: three wrong tx_codes kill the code — the right tx_code is refused after, with the same invalid_grant', async () => {
      const { code, txCode, created } = await newOffer();
      const answers: HttpAnswer[] = [];
      for (let n = 1; n <= 3; n++) answers.push(await requestToken(server.url, code, wrongTxCode(txCode, n)));
      answers.push(await requestToken(server.url, code, txCode));
      expect(answers.map(oauthError)).toEqual(Array(4).fill('400 invalid_grant'));
      // No oracle: the dead code's answer is byte for byte the answer to a code that never existed.
      const unknown = await requestToken(server.url, 'x'.repeat(43), txCode);
      expect(new Set([...answers, unknown].map((a) => a.text)).size).toBe(1);
      // The admin sees it was never redeemed.
      const summary = await admin.getOffer(created.offerId);
      expect(summary.status).toBe(200);
      expect(summary.json().redeemedAt).toBeUndefined();
    });

    test('openid4vci §6.3: two wrong tx_codes, then the right one → a token (the limit is three, not two)', async () => {
      const { code, txCode } = await newOffer();
      for (let n = 1; n <= 2; n++) {
        expect(oauthError(await requestToken(server.url, code, wrongTxCode(txCode, n)))).toBe(
          '400 invalid_grant',
        );
      }
      expect((await requestToken(server.url, code, txCode)).status).toBe(200);
    });

    test('openid4vci §6.3: used, expired and unknown codes all answer the same invalid_grant', async () => {
      const used = await newOffer();
      expect((await requestToken(server.url, used.code, used.txCode)).status).toBe(200);
      const expired = await newOffer();
      clock = NOW + 601; // offers live 600 s by default (§13.6: minutes of life)
      const answers = [
        await requestToken(server.url, used.code, used.txCode),
        await requestToken(server.url, expired.code, expired.txCode),
        await requestToken(server.url, `${used.code}x`, used.txCode),
      ];
      expect(answers.map(oauthError)).toEqual(Array(3).fill('400 invalid_grant'));
      expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    });
  });

  describe('access tokens (RFC 6750, openid4vci §8.3.1)', () => {
    test('RFC 6750 §2.3: a VALID access token in the query string → 401 invalid_token, even with the header too; nothing issued', async () => {
      const { created, token } = await tokenFor();
      const proof = await goodProof(newHolder());
      const body = JSON.stringify({ credential_configuration_id: LABOUR, proofs: { jwt: [proof] } });
      const headerSets: Record<string, string>[] = [{}, { authorization: `Bearer ${token}` }];
      for (const headers of headerSets) {
        const answer = await sendHttp({
          url: `${server.url}/credential?access_token=${encodeURIComponent(token)}`,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
        expect(oauthError(answer)).toBe('401 invalid_token');
      }
      expect(await admin.searchCredentials({ offer: created.offerId })).toEqual([]);
    });

    test('openid4vci §8.3.1.2: the access token reused for the same credential → 401 invalid_token', async () => {
      const { token } = await tokenFor();
      const holder = newHolder();
      expect((await requestCredential(server.url, token, LABOUR, [await goodProof(holder)])).status).toBe(
        200,
      );
      const again = await requestCredential(server.url, token, LABOUR, [await goodProof(holder)]);
      expect(oauthError(again)).toBe('401 invalid_token');
      expect(again.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    });

    test('RFC 6750 §3.1: an expired access token → 401 invalid_token; an unknown one too', async () => {
      const { token } = await tokenFor();
      clock = NOW + 301; // access tokens live 300 s by default
      const proof = await goodProof(newHolder());
      expect(oauthError(await requestCredential(server.url, token, LABOUR, [proof]))).toBe(
        '401 invalid_token',
      );
      expect(oauthError(await requestCredential(server.url, 'A'.repeat(43), LABOUR, [proof]))).toBe(
        '401 invalid_token',
      );
    });
  });

  describe('key proofs (openid4vci Appendix F.1, §8.3.1.2 invalid_proof)', () => {
    const mutations: readonly [
      string,
      (
        parts: ReturnType<typeof proofParts>,
        holder: Holder,
      ) => { header: Record<string, unknown>; payload: Record<string, unknown>; alg?: 'none' | 'hmac' },
    ][] = [
      [
        'aud of another issuer',
        (p) => ({ ...p, payload: { ...p.payload, aud: 'https://other-issuer.test' } }),
      ],
      ['aud missing', (p) => ({ ...p, payload: { nonce: p.payload.nonce, iat: p.payload.iat } })],
      ['typ JWT instead of openid4vci-proof+jwt', (p) => ({ ...p, header: { ...p.header, typ: 'JWT' } })],
      ['typ missing', (p) => ({ ...p, header: { alg: 'ES256', jwk: p.header.jwk } })],
      [
        'alg none, unsigned',
        (p) => ({ header: { ...p.header, alg: 'none' }, payload: p.payload, alg: 'none' }),
      ],
      [
        'alg HS256 keyed with the public key',
        (p) => ({ header: { ...p.header, alg: 'HS256' }, payload: p.payload, alg: 'hmac' }),
      ],
      ['iat stale (10 minutes old)', (p) => ({ ...p, payload: { ...p.payload, iat: NOW - 600 } })],
      ['iat in the future (5 minutes ahead)', (p) => ({ ...p, payload: { ...p.payload, iat: NOW + 300 } })],
      ['iat missing', (p) => ({ ...p, payload: { aud: p.payload.aud, nonce: p.payload.nonce } })],
      ['both kid and jwk', (p) => ({ ...p, header: { ...p.header, kid: 'key-1' } })],
      [
        'a jwk with its private part d',
        (p, h) => ({ ...p, header: { ...p.header, jwk: { ...h.privateJwk } } }),
      ],
      // §8.3.1.2 (3): a proof without c_nonce is invalid_proof (not invalid_nonce).
      [
        'no nonce although the issuer has a nonce endpoint',
        (p) => ({ ...p, payload: { aud: p.payload.aud, iat: p.payload.iat } }),
      ],
    ];

    test.each(mutations)(
      'a proof with %s → 400 invalid_proof, and the token still works after',
      async (_name, mutate) => {
        const { token, created } = await tokenFor();
        const holder = newHolder();
        const c = await freshNonce(server.url);
        const forged = mutate(proofParts(holder.publicJwk, c, clock), holder);
        const jwt = forgeJwt(
          forged.header,
          forged.payload,
          forged.alg === 'none'
            ? { kind: 'none' }
            : forged.alg === 'hmac'
              ? { kind: 'hmac', secret: JSON.stringify(holder.publicJwk) }
              : { kind: 'jwk', privateJwk: holder.privateJwk },
        );
        expect(oauthError(await requestCredential(server.url, token, LABOUR, [jwt]))).toBe(
          '400 invalid_proof',
        );
        expect(await admin.searchCredentials({ offer: created.offerId })).toEqual([]);
        // A refused proof spends nothing: the same token with a good proof gets the credential.
        expect((await requestCredential(server.url, token, LABOUR, [await goodProof(holder)])).status).toBe(
          200,
        );
      },
    );

    test('a proof signed by another key than its jwk header → invalid_proof', async () => {
      const { token } = await tokenFor();
      const [holder, thief] = [newHolder(), newHolder()];
      const { header, payload } = proofParts(holder.publicJwk, await freshNonce(server.url), clock);
      const jwt = forgeJwt(header, payload, { kind: 'jwk', privateJwk: thief.privateJwk });
      expect(oauthError(await requestCredential(server.url, token, LABOUR, [jwt]))).toBe('400 invalid_proof');
    });
  });

  describe('c_nonce (openid4vci §7, §8.3.1.2 invalid_nonce)', () => {
    test('a c_nonce used once is refused the second time with invalid_nonce (another grant, another key)', async () => {
      const first = await tokenFor();
      const c = await freshNonce(server.url);
      secrets.push(c);
      expect(
        (await requestCredential(server.url, first.token, LABOUR, [await goodProof(newHolder(), c)])).status,
      ).toBe(200);
      const second = await tokenFor();
      const replay = await requestCredential(server.url, second.token, LABOUR, [
        await goodProof(newHolder(), c),
      ]);
      expect(oauthError(replay)).toBe('400 invalid_nonce');
      // A fresh nonce fixes it (the wallet's documented recovery).
      expect(
        (await requestCredential(server.url, second.token, LABOUR, [await goodProof(newHolder())])).status,
      ).toBe(200);
    });

    test('a c_nonce the issuer never gave out, and an expired one → invalid_nonce', async () => {
      const { token } = await tokenFor();
      const holder = newHolder();
      const made = await requestCredential(server.url, token, LABOUR, [
        await goodProof(holder, 'A'.repeat(43)),
      ]);
      expect(oauthError(made)).toBe('400 invalid_nonce');
      // A nonce from NOW, used at NOW + 301 (nonces live 300 s) with a token still valid then.
      const c = await freshNonce(server.url);
      clock = NOW + 200;
      const late = await tokenFor();
      clock = NOW + 301;
      const { header, payload } = proofParts(holder.publicJwk, c, clock);
      const jwt = forgeJwt(header, payload, { kind: 'jwk', privateJwk: holder.privateJwk });
      expect(oauthError(await requestCredential(server.url, late.token, LABOUR, [jwt]))).toBe(
        '400 invalid_nonce',
      );
    });
  });

  describe('configurations (openid4vci §8.2, §8.3.1.2 unknown_credential_configuration)', () => {
    test('a configuration the issuer supports but the offer does not hold → unknown_credential_configuration; an unknown id too', async () => {
      const { token, created } = await tokenFor();
      for (const id of [
        'labour-contract.jwt_vc_json',
        'identity-restoration.dc+sd-jwt',
        'no-such.dc+sd-jwt',
      ]) {
        const answer = await requestCredential(server.url, token, id, [await goodProof(newHolder())]);
        expect(oauthError(answer)).toBe('400 unknown_credential_configuration');
      }
      expect(await admin.searchCredentials({ offer: created.offerId })).toEqual([]);
    });
  });

  describe('Server and storage: no oracle, nothing secret in logs', () => {
    test('openid4vci §4.1.3: an unknown, a spent and an expired offer URI answer the same 404', async () => {
      const spent = await newOffer();
      await accessTokenFor(server.url, spent.code, spent.txCode);
      const expired = await newOffer();
      clock = NOW + 601;
      const unknownUri = `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(`${PUBLIC_URL}/offers/${'A'.repeat(22)}`)}`;
      const answers = [
        await fetchOffer(server.url, spent.created.offerUri),
        await fetchOffer(server.url, expired.created.offerUri),
        await fetchOffer(server.url, unknownUri),
      ];
      expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
      expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    });

    test('no pre-authorized code, tx_code, access token or c_nonce of this suite appears in any log line', () => {
      expect(secrets.length).toBeGreaterThan(30);
      const logs = server.logLines.join('\n');
      expect(logs).toContain('"route":"/token"');
      for (const secret of secrets) expect(logs).not.toContain(secret);
    });
  });
});

afterAll(removeTestStorage);
