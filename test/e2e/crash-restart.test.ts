import { openDatabase } from '@haven/server';
import { afterAll, describe, expect, test } from 'vitest';
import { adminApi, type CreatedOfferBody } from './fixtures/admin-api.js';
import {
  distinctiveClaims,
  type Holder,
  newHolder,
  sdJwtStatusOf,
  verifyIssuedSdJwt,
} from './fixtures/credentials.js';
import { backends, removeTestStorage } from './fixtures/databases.js';
import { killAllServeProcesses, type ServeProcess, spawnHavenServe } from './fixtures/haven-serve.js';
import { loopbackAddress } from './fixtures/http.js';
import { ADMIN_TOKEN } from './fixtures/in-process-server.js';
import { issuerFetch } from './fixtures/issuer-routing.js';
import {
  forgeJwt,
  freshNonce,
  preAuthorizedCodeOf,
  proofParts,
  requestCredential,
  requestToken,
} from './fixtures/wallet-steps.js';

// hostile-inputs "a server killed with SIGKILL mid-issuance and restarted → no code redeemed twice, no
// status index used twice, no acknowledged revocation lost". A `haven serve` process takes a burst of
// wallets (token → nonce → credential) and an operator's revocations at once, and is SIGKILLed while
// they are in flight; a new process on the same data directory and database must come up with the same
// keys and keep every promise the dead one made before it died.

const OFFERS = 40;
const TARGETS = 10;
const CONFIGURATION = 'labour-contract.dc+sd-jwt';
const systemNow = () => Math.floor(Date.now() / 1000);

afterAll(async () => {
  await killAllServeProcesses();
  await removeTestStorage();
});

interface Wallet {
  readonly offer: CreatedOfferBody;
  readonly code: string;
  readonly holder: Holder;
  /** Set when the token endpoint answered 200 before the kill. */
  token?: string;
  /** Set when the credential endpoint answered 200 before the kill. */
  credential?: string;
}

/** One wallet's whole exchange over raw HTTP, recording what the server acknowledged. */
async function runWallet(base: string, wallet: Wallet, n: number, onDelivered = () => {}): Promise<void> {
  const tokenAnswer = await requestToken(base, wallet.code, wallet.offer.txCode, loopbackAddress(n));
  if (tokenAnswer.status !== 200) return;
  wallet.token = tokenAnswer.json<{ access_token: string }>().access_token;
  const nonce = await freshNonce(base);
  const { header, payload } = proofParts(wallet.holder.publicJwk, nonce, systemNow());
  const proof = forgeJwt(header, payload, { kind: 'jwk', privateJwk: wallet.holder.privateJwk });
  const answer = await requestCredential(base, wallet.token, CONFIGURATION, [proof]);
  if (answer.status !== 200) return;
  const credential = answer.json<{ credentials: { credential: string }[] }>().credentials[0]?.credential;
  if (credential !== undefined) wallet.credential = credential;
  onDelivered();
}

describe.each(backends())('crash safety: SIGKILL mid-issuance, then restart — $name', (backend) => {
  test('no code redeemed twice, no status index used twice, no acknowledged revocation lost, same keys', async () => {
    const storage = await backend.fresh();
    let serve: ServeProcess = await spawnHavenServe(storage);
    const fetch = issuerFetch(() => [serve.url]);
    const admin = adminApi(() => serve.url, ADMIN_TOKEN);
    const keysBefore = (await fetch('https://issuer.test/.well-known/jwt-vc-issuer')).json();

    // Before the burst: credentials in the field that the operator will revoke during it.
    const wallets: Wallet[] = [];
    for (let i = 0; i < OFFERS + TARGETS; i++) {
      const offer = await admin.createOffer({
        credentialType: 'labour-contract',
        claims: distinctiveClaims('labour-contract'),
      });
      wallets.push({
        offer,
        code: await preAuthorizedCodeOf(serve.url, offer.offerUri),
        holder: newHolder(),
      });
    }
    const targets = wallets.slice(0, TARGETS);
    const burst = wallets.slice(TARGETS);
    for (const [i, wallet] of targets.entries()) await runWallet(serve.url, wallet, i);
    const targetIds: string[] = [];
    for (const wallet of targets) {
      if (wallet.credential === undefined) throw new Error('test setup: a target credential was not issued');
      const { listId, index } = sdJwtStatusOf(wallet.credential);
      const [record] = await admin.searchCredentials({ offer: wallet.offer.offerId });
      expect(record).toMatchObject({ statusListId: listId, statusIndex: index });
      targetIds.push(record?.id as string);
    }

    // The burst: every wallet at once, and the operator revoking (two at a time). The process is
    // SIGKILLed in the middle: once a third of the wallets have their credential and at least two
    // revocations are acknowledged, while the rest are still in flight.
    const acknowledged = new Set<string>();
    let delivered = 0;
    let killed: Promise<unknown> | undefined;
    const maybeKill = () => {
      if (delivered >= OFFERS / 3 && acknowledged.size >= 2) killed ??= serve.kill('SIGKILL');
    };
    const base = serve.url;
    const revoke = async (ids: readonly string[]) => {
      for (const id of ids) {
        const answer = await admin.setState(id, 'revoke').catch(() => undefined);
        if (answer === undefined) return;
        if (answer.status >= 200 && answer.status < 300) acknowledged.add(id);
        maybeKill();
      }
    };
    await Promise.all([
      revoke(targetIds.filter((_, i) => i % 2 === 0)),
      revoke(targetIds.filter((_, i) => i % 2 === 1)),
      ...burst.map((wallet, i) =>
        runWallet(base, wallet, TARGETS + i, () => {
          delivered += 1;
          maybeKill();
        }).catch(() => undefined),
      ),
    ]);
    killed ??= serve.kill('SIGKILL');
    expect(await killed).toMatchObject({ signal: 'SIGKILL' });
    expect(acknowledged.size).toBeGreaterThanOrEqual(2);
    // The kill landed mid-issuance: some wallets of the burst were cut off before their credential.
    expect(burst.some((w) => w.credential === undefined)).toBe(true);

    // Restart on the same data directory and database.
    serve = await spawnHavenServe(storage);
    expect((await fetch('https://issuer.test/.well-known/jwt-vc-issuer')).json()).toEqual(keysBefore);

    // 1. No pre-authorized code redeemed twice: every code that got a token before the kill is dead.
    const redeemed = wallets.filter((w) => w.token !== undefined);
    expect(redeemed.length).toBeGreaterThan(TARGETS);
    for (const [i, wallet] of redeemed.entries()) {
      const again = await requestToken(serve.url, wallet.code, wallet.offer.txCode, loopbackAddress(100 + i));
      expect(`${again.status} ${again.json().error}`).toBe('400 invalid_grant');
    }
    // Codes whose answer the kill swallowed may have been spent or not — but never twice: the wallets
    // without a token try again (a second, fresh process), and each code yields at most one token.
    const unanswered = wallets.filter((w) => w.token === undefined);
    for (const [i, wallet] of unanswered.entries()) {
      const answers = [
        await requestToken(serve.url, wallet.code, wallet.offer.txCode, loopbackAddress(200 + i)),
        await requestToken(serve.url, wallet.code, wallet.offer.txCode, loopbackAddress(300 + i)),
      ];
      expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(1);
    }

    // 2. Every revocation acknowledged before the kill holds: the registry says revoked, and the signed
    //    status list served by the new process says INVALID.
    const now = systemNow();
    for (const [i, wallet] of targets.entries()) {
      const id = targetIds[i] as string;
      if (!acknowledged.has(id)) continue;
      expect((await admin.searchCredentials({ offer: wallet.offer.offerId }))[0]?.state).toBe('revoked');
      const result = await verifyIssuedSdJwt(wallet.credential as string, wallet.holder, 'labour-contract', {
        fetch,
        now,
      });
      expect(result.verified ? 'VALID' : result.error.code).toBe('STATUS_INVALID');
    }

    // 3. Every credential a wallet received is in the registry (so it can be revoked), and no status
    //    slot is used twice — in the registry or in the status entries — also after more issuance on
    //    the restarted process.
    for (let i = 0; i < 3; i++) {
      const offer = await admin.createOffer({
        credentialType: 'labour-contract',
        claims: distinctiveClaims('labour-contract'),
      });
      const wallet: Wallet = {
        offer,
        code: await preAuthorizedCodeOf(serve.url, offer.offerUri),
        holder: newHolder(),
      };
      await runWallet(serve.url, wallet, 400 + i);
      expect(wallet.credential).toBeDefined();
      wallets.push(wallet);
    }
    const database = await openDatabase({ url: storage.dbUrl, migrate: false, poolSize: 1 });
    try {
      const rows = await database.db
        .selectFrom('credentials')
        .select(['status_list_id', 'status_index'])
        .execute();
      const slots = rows.map((r) => `${r.status_list_id}#${r.status_index}`);
      expect(new Set(slots).size).toBe(slots.length);
      const entries = await database.db.selectFrom('status_entries').select(['list_id', 'idx']).execute();
      const entrySlots = new Set(entries.map((e) => `${e.list_id}#${e.idx}`));
      expect(entrySlots.size).toBe(entries.length);
      // Every registry slot is a claimed status entry.
      for (const slot of slots) expect(entrySlots.has(slot)).toBe(true);
      const delivered = wallets.filter((w) => w.credential !== undefined);
      expect(delivered.length).toBeGreaterThan(TARGETS);
      for (const wallet of delivered) {
        const { listId, index } = sdJwtStatusOf(wallet.credential as string);
        expect(slots).toContain(`${listId}#${index}`);
      }
    } finally {
      await database.close();
    }

    // 4. The restarted server works and stops cleanly.
    expect((await serve.kill('SIGTERM')).code).toBe(0);
  }, 90_000);
});
