import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { createAuthorizationRequest } from '@haven/oid4vp';
import { createServerLogger, type RunningServer, startServer } from '@haven/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runHaven } from './fixtures/run-cli.js';
import type { CliIo } from './io.js';
import { type RequestVerdict, requestPresentation } from './verifier-commands.js';
import { respondCommand } from './wallet-commands.js';
import { listCredentials, openWalletDir } from './wallet-dir.js';

const ADMIN_TOKEN = 'haven_admin_cli-wallet-0123456789abcdefghijklmnopqrstuv';

let dir: string;
let running: RunningServer;
const file = (name: string) => join(dir, name);
const mode = (path: string) => statSync(path).mode & 0o777;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'haven-cli-wallet-'));
  for (const type of ['labour-contract', 'identity-restoration'] as const) {
    writeFileSync(file(`${type}.json`), JSON.stringify(claimsTemplate(type)));
  }
  // No public URL: the issuer is http://127.0.0.1:<port>, reachable by a wallet that allows loopback.
  running = await startServer({
    host: '127.0.0.1',
    port: 0,
    workers: 1,
    dataDir: file('data'),
    adminToken: ADMIN_TOKEN,
    env: {},
    handleSignals: false,
    logger: createServerLogger({ destination: { write: () => undefined } }),
  });
  process.env.HAVEN_ADMIN_TOKEN = ADMIN_TOKEN;
});

afterAll(async () => {
  delete process.env.HAVEN_ADMIN_TOKEN;
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function offer(type: 'labour-contract' | 'identity-restoration') {
  const result = await runHaven([
    'offer',
    '--server',
    running.url,
    '--type',
    type,
    '--claims',
    file(`${type}.json`),
    '--format',
    'dc+sd-jwt',
    '--json',
  ]);
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out) as { offerUri: string; txCode: string };
}

describe('haven receive (OpenID4VCI pre-authorized code into a wallet directory)', () => {
  test('receives, verifies and stores a credential; prints type and count, never claim values', async () => {
    const wallet = file('wallet-a');
    const { offerUri, txCode } = await offer('labour-contract');
    const result = await runHaven([
      'receive',
      offerUri,
      '--wallet',
      wallet,
      '--tx-code',
      txCode,
      '--allow-http-loopback',
    ]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('Received 1 credential from http://127.0.0.1:');
    expect(result.out).toMatch(/labour-contract\S* ×1/);
    for (const value of ['Specimen Textiles', 'Sewing machine', '1850', 'SPECIMEN-W-0001', txCode]) {
      expect(`${result.out}${result.err}`).not.toContain(value);
    }
    expect(mode(wallet)).toBe(0o700);
    expect(mode(join(wallet, 'holder-key.json'))).toBe(0o600);
    const [name] = readdirSync(join(wallet, 'credentials'));
    expect(mode(join(wallet, 'credentials', name as string))).toBe(0o600);
    const stored = listCredentials(openWalletDir(wallet));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ format: 'dc+sd-jwt', issuer: running.url });
    expect(stored[0]?.vct).toContain('labour-contract');
    expect(`${stored[0]?.id}.json`).toBe(name);
    // The key is reused: a second credential lands in the same wallet, bound to the same key.
    const key = readFileSync(join(wallet, 'holder-key.json'), 'utf8');
    const second = await offer('identity-restoration');
    const again = await runHaven([
      'receive',
      second.offerUri,
      '--wallet',
      wallet,
      '--tx-code',
      second.txCode,
      '--allow-http-loopback',
    ]);
    expect(again.code, again.err).toBe(0);
    expect(readFileSync(join(wallet, 'holder-key.json'), 'utf8')).toBe(key);
    expect(listCredentials(openWalletDir(wallet))).toHaveLength(2);
  });

  test('openid4vci §3.5 a wrong tx_code stores nothing (exit non-zero, the code is not echoed)', async () => {
    const wallet = file('wallet-b');
    const { offerUri, txCode } = await offer('labour-contract');
    const wrong = txCode === '00000000' ? '11111111' : '0'.repeat(txCode.length);
    const result = await runHaven([
      'receive',
      offerUri,
      '--wallet',
      wallet,
      '--tx-code',
      wrong,
      '--allow-http-loopback',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/^error/);
    expect(result.err).not.toContain(wrong);
    expect(readdirSync(join(wallet, 'credentials'))).toEqual([]);
  });

  test('a plain-http issuer is refused without --allow-http-loopback', async () => {
    const wallet = file('wallet-c');
    const { offerUri, txCode } = await offer('labour-contract');
    const result = await runHaven(['receive', offerUri, '--wallet', wallet, '--tx-code', txCode]);
    expect(result.code).not.toBe(0);
    expect(existsSync(join(wallet, 'credentials')) ? readdirSync(join(wallet, 'credentials')) : []).toEqual(
      [],
    );
  });

  test('a wallet path that is a file is refused (exit 2); --help says it is not the encrypted wallet', async () => {
    writeFileSync(file('not-a-dir'), 'x');
    const result = await runHaven([
      'receive',
      'openid-credential-offer://?credential_offer_uri=x',
      '--wallet',
      file('not-a-dir'),
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('not a directory');
    const help = await runHaven(['receive', '--help']);
    expect(help.out).toContain('NOT the encrypted wallet');
  });
});

async function receiveInto(wallet: string, type: 'labour-contract' | 'identity-restoration') {
  const { offerUri, txCode } = await offer(type);
  const result = await runHaven([
    'receive',
    offerUri,
    '--wallet',
    wallet,
    '--tx-code',
    txCode,
    '--allow-http-loopback',
  ]);
  expect(result.code, result.err).toBe(0);
}

const silent: CliIo = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => '' };

/** A verifier request on the server; `answer` plays the wallet with the request URI. */
async function withRequest(
  purpose: string,
  answer: (uri: string) => Promise<void>,
  responseMode: 'direct_post' | 'direct_post.jwt' = 'direct_post.jwt',
): Promise<RequestVerdict> {
  const { verdict } = await requestPresentation(
    { server: running.url, adminToken: ADMIN_TOKEN, purpose, responseMode, timeout: '1', json: true },
    silent,
    { env: {}, onCreated: (created) => answer(created.authorizationRequestUri) },
  );
  return verdict;
}

function logLines(wallet: string): Record<string, unknown>[] {
  return readFileSync(join(wallet, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('haven respond (OpenID4VP: consent, then the response)', () => {
  const wallet = () => file('wallet-respond');
  beforeAll(async () => {
    await receiveInto(wallet(), 'identity-restoration');
    await receiveInto(wallet(), 'labour-contract');
  });

  test('openid4vp §8.2 --yes: shows verifier, purpose, deletion contact and exactly the claims; the verifier accepts', async () => {
    let shown = { code: -1, out: '', err: '' };
    const verdict = await withRequest('age-check', async (uri) => {
      shown = await runHaven(['respond', uri, '--wallet', wallet(), '--yes', '--allow-http-loopback']);
    });
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/^Verifier: .+/m);
    expect(shown.out).toMatch(/^Purpose: age-check — /m);
    expect(shown.out).toMatch(/^To have the data deleted: .+/m);
    const claimLines = shown.out.split('\n').filter((l) => l.startsWith('  - '));
    expect(claimLines).toEqual(['  - age_over_18']);
    expect(shown.out).toContain('Shared');
    expect(verdict.status).toBe('accepted');
    // The consent screen and the log name claims, never values.
    for (const value of ['Amal', '1990-04-12', 'SPECIMEN-ID-0001', 'true']) {
      expect(`${shown.out}${shown.err}`).not.toContain(value);
    }
    const last = logLines(wallet()).at(-1);
    expect(last).toMatchObject({ purpose: 'age-check', outcome: 'shared' });
    expect(Object.values(last?.claims as Record<string, string[]>).flat()).toEqual(['age_over_18']);
    expect(JSON.stringify(last)).not.toMatch(/Amal|1990|SPECIMEN/);
  });

  test('an interactive y/N prompt on a terminal: n shares nothing, y shares', async () => {
    const io = silent;
    const no = await withRequest('age-check', async (uri) => {
      await expect(
        respondCommand(uri, { wallet: wallet(), allowHttpLoopback: true }, io, {
          terminal: true,
          prompt: async () => 'n',
        }),
      ).rejects.toMatchObject({ code: 'NO_CONSENT', exitCode: 1 });
    });
    expect(no.status).toBe('timeout');
    expect(logLines(wallet()).at(-1)).toMatchObject({ outcome: 'refused-no-consent', claims: {} });
    let asked = '';
    const yes = await withRequest('age-check', async (uri) => {
      const outcome = await respondCommand(uri, { wallet: wallet(), allowHttpLoopback: true }, io, {
        terminal: true,
        prompt: async (question) => {
          asked = question;
          return 'y';
        },
      });
      expect(outcome).toBe('shared');
    });
    expect(asked).toContain('[y/N]');
    expect(yes.status).toBe('accepted');
  });

  test('off a terminal without --yes: refused with a clear error, exit 1, nothing posted', async () => {
    let result = { code: -1, out: '', err: '' };
    const verdict = await withRequest('age-check', async (uri) => {
      result = await runHaven(['respond', uri, '--wallet', wallet(), '--allow-http-loopback']);
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain('pass --yes');
    expect(verdict.status).toBe('timeout');
  });

  test('openid4vp §8.5 --decline answers access_denied: the verifier sees declined', async () => {
    let result = { code: -1, out: '', err: '' };
    const verdict = await withRequest('inspector.contract-validity', async (uri) => {
      result = await runHaven(['respond', uri, '--wallet', wallet(), '--decline', '--allow-http-loopback']);
    });
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('Declined');
    expect(verdict.status).toBe('declined');
    expect(logLines(wallet()).at(-1)).toMatchObject({
      purpose: 'inspector.contract-validity',
      outcome: 'declined',
      claims: {},
    });
  });

  test('a request asking beyond its registered purpose is refused (warning, exit 1), even with --yes', async () => {
    const created = await createAuthorizationRequest({
      purpose: 'clinic.identity-minimal',
      // Never reached: the wallet refuses before posting.
      clientId: 'redirect_uri:https://clinic.example/oid4vp/response',
      responseUri: 'https://clinic.example/oid4vp/response',
      responseMode: 'direct_post',
      // A terminal escape sequence in the name must not reach the terminal.
      verifier: {
        legalName: 'Specimen Clinic (fictional)\u001b[2J',
        deletionContact: 'privacy@clinic.example',
      },
      clock: systemClock(),
    });
    const dcql = structuredClone(created.dcqlQuery) as {
      credentials: { claims?: { id?: string; path: unknown[] }[] }[];
    };
    for (const query of dcql.credentials)
      query.claims?.push({ id: 'nationalities', path: ['nationalities'] });
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...created.parameters, dcql_query: dcql })) {
      query.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    const uri = `openid4vp://?${query.toString()}`;
    const refused = await runHaven(['respond', uri, '--wallet', wallet(), '--yes', '--allow-http-loopback']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('WARNING');
    expect(refused.err).toContain('OVER_ASKING');
    expect(refused.err).toContain('nationalities');
    expect(refused.err).toContain('--accept-over-asking');
    expect(refused.out).toContain('Verifier: Specimen Clinic (fictional)\uFFFD[2J');
    expect(refused.out).not.toContain('\u001b');
    expect(logLines(wallet()).at(-1)).toMatchObject({ outcome: 'refused-over-asking', claims: {} });
    // --accept-over-asking still needs consent.
    const noConsent = await runHaven([
      'respond',
      uri,
      '--wallet',
      wallet(),
      '--accept-over-asking',
      '--allow-http-loopback',
    ]);
    expect(noConsent.code).toBe(1);
    expect(noConsent.err).toContain('WARNING');
    expect(noConsent.err).toContain('no consent');
  });

  test('--yes with --decline is a usage error; a request URI that is not one is refused', async () => {
    const both = await runHaven(['respond', 'openid4vp://?x=1', '--wallet', wallet(), '--yes', '--decline']);
    expect(both.code).toBe(2);
    const bad = await runHaven(['respond', 'https://example.invalid/', '--wallet', wallet()]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/^error/);
  });
});
