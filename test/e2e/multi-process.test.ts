import { receiveCredentials } from '@haven/oid4vci';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminApi } from './fixtures/admin-api.js';
import { distinctiveClaims, newHolder, verifyIssuedSdJwt } from './fixtures/credentials.js';
import { freshPostgresUrl, freshTempDir, POSTGRES_URL, removeTestStorage } from './fixtures/databases.js';
import { killAllServeProcesses, type ServeProcess, spawnHavenServe } from './fixtures/haven-serve.js';
import { type HttpAnswer, loopbackAddress } from './fixtures/http.js';
import { ADMIN_TOKEN } from './fixtures/in-process-server.js';
import { issuerFetch } from './fixtures/issuer-routing.js';
import { preAuthorizedCodeOf, requestToken } from './fixtures/wallet-steps.js';

// hostile-inputs "one code redeemed twice, including 50 at once across two server instances → exactly
// one token" (OpenID4VCI §6, §13.6): real `haven serve` processes sharing one PostgreSQL schema, the same
// master secret and admin token, as several instances behind a load balancer would. Each of the 50
// requests comes from its own loopback address: 50 wallets racing, not one client over its rate limit.

const CONCURRENT = 50;
const systemNow = () => Math.floor(Date.now() / 1000);

afterAll(async () => {
  await killAllServeProcesses();
  await removeTestStorage();
});

/** Fires {@link CONCURRENT} token requests for one code at once, spread over `bases`. */
async function raceForOneCode(bases: readonly string[]): Promise<HttpAnswer[]> {
  const admin = adminApi(bases[0] as string, ADMIN_TOKEN);
  const created = await admin.createOffer({
    credentialType: 'labour-contract',
    claims: distinctiveClaims('labour-contract'),
  });
  const code = await preAuthorizedCodeOf(bases[0] as string, created.offerUri);
  return Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) =>
      requestToken(bases[i % bases.length] as string, code, created.txCode, loopbackAddress(i)),
    ),
  );
}

function tally(answers: readonly HttpAnswer[]) {
  const tokens = answers
    .filter((a) => a.status === 200)
    .map((a) => a.json<{ access_token: string }>().access_token);
  const refusals = answers.filter((a) => a.status === 400).map((a) => a.json().error);
  return { tokens, refusals, other: answers.filter((a) => a.status !== 200 && a.status !== 400).length };
}

describe.skipIf(POSTGRES_URL === undefined)(
  'PostgreSQL scale-out: several server processes, one database',
  () => {
    let a: ServeProcess;
    let b: ServeProcess;
    let dbUrl: string;

    beforeAll(async () => {
      dbUrl = await freshPostgresUrl();
      // Started together on an empty schema: the migrations and the first issuer keys race as well.
      [a, b] = await Promise.all([
        spawnHavenServe({ dataDir: freshTempDir(), dbUrl }),
        spawnHavenServe({ dataDir: freshTempDir(), dbUrl }),
      ]);
    }, 60_000);

    test('openid4vci §6: 50 concurrent redemptions of one code across two haven serve processes → exactly one token, 49 invalid_grant', async () => {
      const { tokens, refusals, other } = tally(await raceForOneCode([a.url, b.url]));
      expect(other).toBe(0);
      expect(tokens).toHaveLength(1);
      expect(refusals).toEqual(Array(CONCURRENT - 1).fill('invalid_grant'));
    });

    test('the two processes are one issuer: same key, and an offer made on one is received through the other', async () => {
      const metadata = await Promise.all(
        [a, b].map((p) => issuerFetch(() => [p.url])('https://issuer.test/.well-known/jwt-vc-issuer')),
      );
      const [ka, kb] = metadata.map((m) => JSON.stringify(m.json()));
      expect(ka).toBe(kb);

      const created = await adminApi(a.url, ADMIN_TOKEN).createOffer({
        credentialType: 'refugee-registration',
        claims: distinctiveClaims('refugee-registration'),
      });
      const holder = newHolder();
      // Every request of the exchange alternates between the two processes.
      const fetch = issuerFetch(() => [a.url, b.url]);
      const { received } = await receiveCredentials({
        offerUri: created.offerUri,
        txCode: created.txCode as string,
        fetch,
        holderKeys: [{ signer: holder.signer, publicJwk: holder.publicJwk }],
        now: systemNow,
      });
      const credential = received[0]?.credentials[0];
      if (typeof credential !== 'string') throw new Error('expected an SD-JWT VC');
      const verified = await verifyIssuedSdJwt(credential, holder, 'refugee-registration', {
        fetch,
        now: systemNow(),
      });
      expect(verified.verified ? 'VALID' : verified.error.code).toBe('VALID');
    });

    test('one haven serve with --workers 2 on the same database: 50 concurrent redemptions → exactly one token, served by both workers', async () => {
      const c = await spawnHavenServe({ dataDir: freshTempDir(), dbUrl, workers: 2 });
      const { tokens, refusals, other } = tally(await raceForOneCode([c.url]));
      expect(other).toBe(0);
      expect(tokens).toHaveLength(1);
      expect(refusals).toEqual(Array(CONCURRENT - 1).fill('invalid_grant'));
      // The cluster spread the requests: /token log lines come from two worker pids.
      const pids = new Set(
        c
          .stdout()
          .split('\n')
          .filter((line) => line.includes('"route":"/token"'))
          .map((line) => (JSON.parse(line) as { pid: number }).pid),
      );
      expect(pids.size).toBe(2);
      expect((await c.kill('SIGTERM')).code).toBe(0);
    }, 60_000);
  },
);
