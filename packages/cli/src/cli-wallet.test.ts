import {
  chmodSync,
  cpSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GuardedFetch, type GuardedRequest, HavenError, systemClock } from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { createAuthorizationRequest, parseAuthorizationRequest } from '@haven/oid4vp';
import { createServerLogger, type RunningServer, startServer } from '@haven/server';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { CliError } from './cli-error.js';
import { runHaven } from './fixtures/run-cli.js';
import type { CliIo } from './io.js';
import { type RequestVerdict, requestPresentation } from './verifier-commands.js';
import { describeRequest, respondCommand } from './wallet-commands.js';
import { listCredentials, openWalletDir, storeCredential } from './wallet-dir.js';

// Spied on (still the real one) to prove that stored files are flushed to disk.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, fsyncSync: vi.fn(actual.fsyncSync) };
});

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

const CLINIC_RESPONSE_URI = 'https://clinic.example/oid4vp/response';
const CLINIC_CLIENT_ID = `redirect_uri:${CLINIC_RESPONSE_URI}`;

/** An unsigned clinic request by value; the verifier is played by a fake fetcher, never the network. */
async function clinicRequest(mutate?: (parameters: Record<string, unknown>) => void) {
  const created = await createAuthorizationRequest({
    purpose: 'clinic.identity-minimal',
    clientId: CLINIC_CLIENT_ID,
    responseUri: CLINIC_RESPONSE_URI,
    responseMode: 'direct_post',
    verifier: { legalName: 'Specimen Clinic (fictional)', deletionContact: 'privacy@clinic.example' },
    clock: systemClock(),
  });
  const parameters = structuredClone(created.parameters) as Record<string, unknown>;
  mutate?.(parameters);
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    query.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return { uri: `openid4vp://?${query.toString()}`, parameters };
}

type FakeReply = { status?: number; json?: unknown; body?: string } | Error;

function fakeVerifier(reply: FakeReply) {
  const posted: GuardedRequest[] = [];
  const fetch: GuardedFetch = async (request) => {
    const r = typeof request === 'string' ? { url: request } : request;
    posted.push(r);
    if (reply instanceof Error) throw reply;
    const text = reply.body ?? JSON.stringify(reply.json ?? {});
    return {
      status: reply.status ?? 200,
      url: r.url,
      headers: { 'content-type': reply.body === undefined ? 'application/json' : 'text/plain' },
      body: new TextEncoder().encode(text),
      json: () => JSON.parse(text) as unknown,
      text: () => text,
    };
  };
  return { fetch, posted };
}

function captured() {
  const seen = { out: '', err: '' };
  const io: CliIo = {
    stdout: (t) => {
      seen.out += t;
    },
    stderr: (t) => {
      seen.err += t;
    },
    readStdin: async () => '',
  };
  return { seen, io };
}

/** A copy of a wallet directory (mode 0700 again), so a test can damage it. */
function copyWallet(from: string, name: string): string {
  const to = file(name);
  cpSync(from, to, { recursive: true });
  chmodSync(to, 0o700);
  chmodSync(join(to, 'credentials'), 0o700);
  return to;
}

function logCount(wallet: string): number {
  return existsSync(join(wallet, 'log.jsonl')) ? logLines(wallet).length : 0;
}

describe('haven respond: who receives the data, and what really happened', () => {
  const wallet = () => file('wallet-outcomes');
  beforeAll(async () => {
    await receiveInto(wallet(), 'identity-restoration');
  });

  test('openid4vp §5.9.3 the consent screen names the receiver (client_id, response host) and flags an unsigned request; the log keeps client_id', async () => {
    const { uri, parameters } = await clinicRequest();
    const { fetch, posted } = fakeVerifier({ json: {} });
    const { seen, io } = captured();
    const before = logCount(wallet());
    const outcome = await respondCommand(uri, { wallet: wallet(), yes: true }, io, { fetch });
    expect(outcome).toBe('shared');
    expect(seen.out).toContain(`Sends to: ${CLINIC_CLIENT_ID} (response posted to clinic.example)\n`);
    expect(seen.out).toContain("unsigned request: the verifier's identity is not verified (redirect_uri)");
    expect(posted.map((p) => p.url)).toEqual([CLINIC_RESPONSE_URI]);
    expect(logCount(wallet())).toBe(before + 1);
    expect(logLines(wallet()).at(-1)).toMatchObject({ clientId: CLINIC_CLIENT_ID, outcome: 'shared' });
    // A signed request does not carry the warning; the receiver is still named.
    const parsed = await parseAuthorizationRequest(parameters, { clock: systemClock() });
    const signedScreen = describeRequest({ ...parsed, signed: true });
    expect(signedScreen).toContain(`Sends to: ${CLINIC_CLIENT_ID}`);
    expect(signedScreen).not.toContain('unsigned');
  });

  test('openid4vp §8.2 the redirect_uri is printed parsed and printable (Continue at)', async () => {
    const { uri } = await clinicRequest();
    const { fetch } = fakeVerifier({ json: { redirect_uri: 'https://clinic.example/done\u001b[2J\u202e' } });
    const { seen, io } = captured();
    await respondCommand(uri, { wallet: wallet(), yes: true }, io, { fetch });
    expect(seen.out).toContain('Continue at: https://clinic.example/done%1B[2J%E2%80%AE\n');
    for (const raw of ['\u001b', '\u202e']) expect(seen.out).not.toContain(raw);
  });

  test.each([
    [
      'openid4vp §8.2 an error answer is refused-by-verifier',
      { status: 400, json: { error: 'invalid_request' } },
      'refused-by-verifier',
      'invalid_request',
      1,
    ],
    [
      'a blocked address is not-sent',
      new HavenError('FETCH_ADDRESS_BLOCKED', 'blocked'),
      'not-sent',
      'FETCH_ADDRESS_BLOCKED',
      1,
    ],
    [
      'a timeout on the way is delivery-unknown',
      new HavenError('FETCH_TIMEOUT', 'timed out'),
      'delivery-unknown',
      'FETCH_TIMEOUT',
      1,
    ],
  ] as const)('log once with the true outcome: %s', async (_name, reply, outcome, code, posts) => {
    const { uri } = await clinicRequest();
    const { fetch, posted } = fakeVerifier(reply as FakeReply);
    const before = logCount(wallet());
    await expect(
      respondCommand(uri, { wallet: wallet(), yes: true }, silent, { fetch }),
    ).rejects.toMatchObject({
      code,
    });
    expect(posted).toHaveLength(posts);
    expect(logCount(wallet())).toBe(before + 1);
    const last = logLines(wallet()).at(-1);
    expect(last).toMatchObject({ outcome, clientId: CLINIC_CLIENT_ID });
    expect(Object.keys(last?.claims as object).length > 0).toBe(outcome !== 'not-sent');
  });

  test('openid4vp §8.2 a 200 with a malformed body is still shared (the verifier took it), logged once as shared', async () => {
    const { uri } = await clinicRequest();
    const { fetch } = fakeVerifier({ status: 200, body: 'ok' });
    const { seen, io } = captured();
    const before = logCount(wallet());
    expect(await respondCommand(uri, { wallet: wallet(), yes: true }, io, { fetch })).toBe('shared');
    expect(seen.out).toContain('Shared');
    expect(seen.err).toContain('malformed');
    expect(logCount(wallet())).toBe(before + 1);
    expect(logLines(wallet()).at(-1)).toMatchObject({ outcome: 'shared' });
  });

  test('a failure before posting is logged once as not-sent, and nothing is posted', async () => {
    const { uri } = await clinicRequest();
    const { fetch, posted } = fakeVerifier({ json: {} });
    const before = logCount(wallet());
    const beforePost = () => {
      throw new CliError('cannot build the response', 1, 'BROKEN');
    };
    await expect(
      respondCommand(uri, { wallet: wallet(), yes: true }, silent, { fetch, beforePost }),
    ).rejects.toMatchObject({ code: 'BROKEN' });
    expect(posted).toHaveLength(0);
    expect(logCount(wallet())).toBe(before + 1);
    expect(logLines(wallet()).at(-1)).toMatchObject({ outcome: 'not-sent', claims: {} });
  });

  test('a log that cannot be written after a 200 does not turn the share into a refusal', async () => {
    const broken = copyWallet(wallet(), 'wallet-log-broken');
    rmSync(join(broken, 'log.jsonl'), { force: true });
    mkdirSync(join(broken, 'log.jsonl'));
    const { uri } = await clinicRequest();
    const { fetch } = fakeVerifier({ json: {} });
    const { seen, io } = captured();
    expect(await respondCommand(uri, { wallet: broken, yes: true }, io, { fetch })).toBe('shared');
    expect(seen.out).toContain('Shared: the verifier received the response.');
    expect(seen.err).toContain('log could not be written (outcome: shared)');
  });

  test('a purpose Haven does not know (checked against the verifier’s own registration) is noted; consent is still needed', async () => {
    const own = (parameters: Record<string, unknown>) => {
      const [entry] = parameters.verifier_info as { data: { purpose: string } }[];
      if (entry !== undefined) entry.data.purpose = 'specimen-clinic.own-purpose';
    };
    const { uri } = await clinicRequest(own);
    const { fetch, posted } = fakeVerifier({ json: {} });
    const refused = captured();
    await expect(
      respondCommand(uri, { wallet: wallet() }, refused.io, { fetch, terminal: false }),
    ).rejects.toMatchObject({ code: 'NO_CONSENT' });
    expect(refused.seen.err).toContain(
      '"specimen-clinic.own-purpose" is declared by the verifier itself, not one Haven knows',
    );
    expect(posted).toHaveLength(0);
    const yes = captured();
    expect(await respondCommand(uri, { wallet: wallet(), yes: true }, yes.io, { fetch })).toBe('shared');
    expect(yes.seen.err).toContain('declared by the verifier itself');
    // A Haven purpose carries no such note.
    const known = captured();
    await respondCommand((await clinicRequest()).uri, { wallet: wallet(), yes: true }, known.io, { fetch });
    expect(known.seen.err).not.toContain('declared by the verifier itself');
  });

  test('hostile input: registration keys chosen by the verifier never reach the terminal', async () => {
    const hostile = (parameters: Record<string, unknown>) => {
      const [entry] = parameters.verifier_info as { data: { claims: Record<string, unknown> } }[];
      if (entry !== undefined) entry.data.claims = { 'evil\u001b[2J': [[{}]] };
    };
    const result = await runHaven([
      'respond',
      (await clinicRequest(hostile)).uri,
      '--wallet',
      wallet(),
      '--yes',
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('OID4VP_REGISTRATION_INVALID');
    expect(result.err).toContain('claims.?');
    for (const raw of ['evil', '\u001b']) expect(result.err).not.toContain(raw);
  });
});

describe('wallet directory hardening', () => {
  test('an existing wallet directory open to other users is refused (exit 2), not used', async () => {
    const open = file('wallet-open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    expect(() => openWalletDir(open)).toThrow(expect.objectContaining({ code: 'WALLET_DIR_PERMISSIONS' }));
    expect(existsSync(join(open, 'holder-key.json'))).toBe(false);
    const result = await runHaven(['respond', 'openid4vp://?x=1', '--wallet', open]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('chmod 700');
    chmodSync(open, 0o700);
    expect(openWalletDir(open).dir).toBe(open);
  });

  test('a malformed credential file is skipped with a warning naming its id, and kept on disk', async () => {
    const source = file('wallet-malformed-source');
    await receiveInto(source, 'identity-restoration');
    const damaged = copyWallet(source, 'wallet-malformed');
    const id = 'AAAAAAAAAAAAAAAAAAAAAA';
    const path = join(damaged, 'credentials', `${id}.json`);
    writeFileSync(path, '{"id": "SECRET-CONTENT', { mode: 0o600 });
    const skipped: string[] = [];
    const stored = listCredentials(openWalletDir(damaged), { onMalformed: (fileId) => skipped.push(fileId) });
    expect(skipped).toEqual([id]);
    expect(stored).toHaveLength(1);
    const { fetch } = fakeVerifier({ json: {} });
    const { seen, io } = captured();
    expect(
      await respondCommand((await clinicRequest()).uri, { wallet: damaged, yes: true }, io, { fetch }),
    ).toBe('shared');
    expect(seen.err).toContain(`${id}.json`);
    expect(seen.err).not.toContain('SECRET-CONTENT');
    expect(readFileSync(path, 'utf8')).toBe('{"id": "SECRET-CONTENT');
  });

  test('a stored credential is flushed to disk (file and directory) before it counts as stored', () => {
    const wallet = openWalletDir(file('wallet-fsync'));
    vi.mocked(fsyncSync).mockClear();
    const stored = storeCredential(wallet, {
      credential: 'x~',
      vct: 'urn:example:vct',
      issuer: 'https://issuer.example',
    });
    expect(vi.mocked(fsyncSync)).toHaveBeenCalledTimes(2);
    expect(listCredentials(wallet).map((c) => c.id)).toEqual([stored.id]);
    expect(readdirSync(join(wallet.dir, 'credentials')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
