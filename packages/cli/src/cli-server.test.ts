import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSigner, type PrivateJwk, toPublicJwk } from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { createProofJwt, PRE_AUTHORIZED_CODE_GRANT_TYPE } from '@haven/oid4vci';
import { createServerLogger, type RunningServer, startServer } from '@haven/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runHaven } from './fixtures/run-cli.js';
import { parseServeFlags } from './serve-commands.js';

const ADMIN_TOKEN = 'haven_admin_cli-test-0123456789abcdefghijklmnopqrstuvwx';
const ISSUER = 'https://issuer.example';
const HOLDER = {
  kty: 'EC',
  crv: 'P-256',
  x: 'GHuIlbkNbl4_1iRYC_lL6cTKNAUT-ledLEjTYsvGcis',
  y: '-rRh8E-l7Fb-REHxVHzZHgiNAtjjLTGw4RoP7Gw9DLg',
  d: 'zhsnwHdBQKe5-Py3MFaXGY23OHD9YtiH9LWQU-LPBG0',
} as PrivateJwk;

let dir: string;
let running: RunningServer;
const file = (name: string) => join(dir, name);
const logLines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'haven-cli-server-'));
  writeFileSync(file('claims.json'), JSON.stringify(claimsTemplate('labour-contract')));
  running = await startServer({
    host: '127.0.0.1',
    port: 0,
    workers: 1,
    dataDir: file('data'),
    publicUrl: ISSUER,
    adminToken: ADMIN_TOKEN,
    env: {},
    handleSignals: false,
    logger: createServerLogger({ destination: { write: (line: string) => void logLines.push(line) } }),
  });
  process.env.HAVEN_ADMIN_TOKEN = ADMIN_TOKEN;
});

afterAll(async () => {
  delete process.env.HAVEN_ADMIN_TOKEN;
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A wallet picks the offer up (by hand, over loopback): returns the issued credential's registry id. */
async function redeem(offerUri: string, txCode: string | undefined): Promise<void> {
  const local = (url: string) => url.replace(ISSUER, running.url);
  const reference = new URL(offerUri).searchParams.get('credential_offer_uri') ?? '';
  const offer = (await (await fetch(local(reference))).json()) as {
    credential_configuration_ids: string[];
    grants: Record<string, { 'pre-authorized_code': string }>;
  };
  const code = offer.grants[PRE_AUTHORIZED_CODE_GRANT_TYPE]?.['pre-authorized_code'] ?? '';
  const token = (await (
    await fetch(`${running.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: PRE_AUTHORIZED_CODE_GRANT_TYPE,
        'pre-authorized_code': code,
        ...(txCode === undefined ? {} : { tx_code: txCode }),
      }),
    })
  ).json()) as { access_token: string };
  const { c_nonce } = (await (await fetch(`${running.url}/nonce`, { method: 'POST' })).json()) as {
    c_nonce: string;
  };
  const proof = await createProofJwt({
    signer: createSigner(HOLDER),
    publicJwk: toPublicJwk(HOLDER),
    credentialIssuer: ISSUER,
    nonce: c_nonce,
    now: Math.floor(Date.now() / 1000),
  });
  const res = await fetch(`${running.url}/credential`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      credential_configuration_id: offer.credential_configuration_ids[0],
      proofs: { jwt: [proof] },
    }),
  });
  expect(res.status).toBe(200);
}

describe('haven serve: arguments', () => {
  test('flags and environment: DATABASE_URL, HAVEN_ADMIN_TOKEN, defaults', () => {
    expect(parseServeFlags({}, {})).toMatchObject({ dataDir: './.haven', adminTokenFrom: 'generated' });
    expect(parseServeFlags({}, {})).not.toHaveProperty('dbUrl');
    const fromEnv = parseServeFlags(
      { port: '8081', workers: '1', host: '0.0.0.0' },
      { DATABASE_URL: 'postgres://u:p@db/haven', HAVEN_ADMIN_TOKEN: ADMIN_TOKEN },
    );
    expect(fromEnv).toMatchObject({
      port: 8081,
      workers: 1,
      host: '0.0.0.0',
      dbUrl: 'postgres://u:p@db/haven',
      adminToken: ADMIN_TOKEN,
      adminTokenFrom: 'env',
    });
    const flags = parseServeFlags(
      { db: '/srv/haven.db', adminToken: `${ADMIN_TOKEN}x` },
      { DATABASE_URL: 'x' },
    );
    expect(flags).toMatchObject({ dbUrl: '/srv/haven.db', adminTokenFrom: 'flag' });
  });

  test('--trust-proxy or HAVEN_TRUST_PROXY (flag first), --issuer-config, --db passwords noticed', () => {
    expect(parseServeFlags({}, {})).not.toHaveProperty('trustProxy');
    expect(parseServeFlags({}, { HAVEN_TRUST_PROXY: '' })).not.toHaveProperty('trustProxy');
    expect(parseServeFlags({}, { HAVEN_TRUST_PROXY: 'loopback' })).toMatchObject({ trustProxy: 'loopback' });
    expect(parseServeFlags({ trustProxy: '1' }, { HAVEN_TRUST_PROXY: 'loopback' })).toMatchObject({
      trustProxy: '1',
    });
    expect(parseServeFlags({ issuerConfig: '/etc/haven/issuer.json' }, {})).toMatchObject({
      issuerConfigFile: '/etc/haven/issuer.json',
    });
    expect(parseServeFlags({ db: 'postgres://u:p@db/haven' }, {}).dbPasswordInFlag).toBe(true);
    expect(parseServeFlags({ db: 'postgres://u@db/haven' }, {}).dbPasswordInFlag).toBe(false);
    expect(parseServeFlags({}, { DATABASE_URL: 'postgres://u:p@db/haven' }).dbPasswordInFlag).toBe(false);
  });

  test('bad flags → exit 2 before anything is created', async () => {
    for (const args of [
      ['--port', 'eighty'],
      ['--port', '70000'],
      ['--workers', '0'],
      ['--workers', '-1'],
      ['--public-url', 'not a url'],
      ['--public-url', 'ftp://issuer.example'],
    ]) {
      const result = await runHaven(['serve', '--data', file('never'), ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toMatch(/^error/);
    }
    const badToken = await runHaven([
      'serve',
      '--data',
      file('never'),
      '--admin-token',
      'short',
      '--port',
      '0',
    ]);
    expect(badToken.code).toBe(2);
    expect(badToken.err).toContain('SERVER_RUN_CONFIG_INVALID');
    writeFileSync(file('bad-issuer.json'), '{"legalMinimumWage":{"amount":"1850"},"vctbase":"x"}');
    for (const args of [
      ['--trust-proxy', 'true'],
      ['--trust-proxy', '10.0.0.0/99'],
      ['--issuer-config', file('no-such-file.json')],
      ['--issuer-config', file('bad-issuer.json')],
    ]) {
      const result = await runHaven(['serve', '--data', file('never'), '--port', '0', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toContain('SERVER_RUN_CONFIG_INVALID');
    }
    expect(existsSync(file('never'))).toBe(false);
  });

  test('--db with a password: a note to prefer DATABASE_URL, and the password is never printed', async () => {
    const result = await runHaven([
      'serve',
      '--data',
      file('never'),
      '--db',
      'postgres://haven:pw-Zq81xK@127.0.0.1:1/haven',
      '--issuer-config',
      file('no-such-file.json'),
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('prefer DATABASE_URL');
    expect(`${result.out}${result.err}`).not.toContain('pw-Zq81xK');
  });

  test('--help lists the options', async () => {
    const help = await runHaven(['serve', '--help']);
    expect(help.code).toBe(0);
    for (const flag of [
      '--port',
      '--host',
      '--data',
      '--db',
      '--admin-token',
      '--public-url',
      '--workers',
      '--trust-proxy',
      '--issuer-config',
    ]) {
      expect(help.out).toContain(flag);
    }
  });
});

describe('haven offer | revoke | suspend | reinstate against a running server', () => {
  test('offer prints the openid-credential-offer:// URI and the tx_code; no QR off a terminal', async () => {
    const result = await runHaven([
      'offer',
      '--server',
      running.url,
      '--type',
      'labour-contract',
      '--claims',
      file('claims.json'),
    ]);
    expect(result.code).toBe(0);
    const [uri, tx] = result.out.trim().split('\n');
    expect(uri).toMatch(
      /^openid-credential-offer:\/\/\?credential_offer_uri=https%3A%2F%2Fissuer\.example%2Foffers%2F/,
    );
    expect(tx).toMatch(/^tx_code: [0-9]{4,}$/);
    expect(result.out).not.toContain('█');
  });

  test('the issued credential is suspended, reinstated, revoked; revocation is final (exit 1, conflict)', async () => {
    const offered = await runHaven([
      'offer',
      '--server',
      running.url,
      '--type',
      'labour-contract',
      '--claims',
      file('claims.json'),
      '--format',
      'dc+sd-jwt',
      '--json',
    ]);
    expect(offered.code).toBe(0);
    const created = JSON.parse(offered.out) as { offerUri: string; txCode: string; offerId: string };
    await redeem(created.offerUri, created.txCode);
    const search = (await (
      await fetch(`${running.url}/admin/credentials?offer=${created.offerId}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { items: { id: string }[] };
    const id = search.items[0]?.id ?? '';
    expect(id, 'the issued credential is in the registry').not.toBe('');
    for (const [action, state] of [
      ['suspend', 'suspended'],
      ['reinstate', 'active'],
      ['revoke', 'revoked'],
    ] as const) {
      // The token is passed explicitly: other test files set and delete HAVEN_ADMIN_TOKEN as well.
      const result = await runHaven([action, '--server', running.url, '--admin-token', ADMIN_TOKEN, id]);
      expect(result.code, `${action}: ${result.err}`).toBe(0);
      expect(JSON.parse(result.out)).toEqual({ id, state });
    }
    const again = await runHaven(['reinstate', '--server', running.url, '--admin-token', ADMIN_TOKEN, id]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('conflict');
  });

  test('--no-tx-code and --deferred reach the server', async () => {
    const result = await runHaven([
      'offer',
      '--server',
      running.url,
      '--type',
      'labour-contract',
      '--claims',
      file('claims.json'),
      '--no-tx-code',
      '--deferred',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.out) as { txCode?: string; offerId: string };
    expect(created.txCode).toBeUndefined();
    const summary = (await (
      await fetch(`${running.url}/admin/offers/${created.offerId}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { decision: string; hasTxCode: boolean };
    expect(summary).toMatchObject({ decision: 'pending', hasTxCode: false });
  });

  test("the server's refusals print its error code and exit 1; claims errors name paths only", async () => {
    const unknown = await runHaven(['revoke', '--server', running.url, 'no-such-credential']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('not_found');
    const wrong = await runHaven([
      'revoke',
      '--server',
      running.url,
      '--admin-token',
      `${ADMIN_TOKEN}x`,
      'abc',
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('invalid_token');
    writeFileSync(file('bad-claims.json'), JSON.stringify({ employer: 'Secret Employer Name' }));
    const bad = await runHaven([
      'offer',
      '--server',
      running.url,
      '--type',
      'labour-contract',
      '--claims',
      file('bad-claims.json'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('invalid_request');
    expect(bad.err).not.toContain('Secret Employer Name');
  });

  test('usage errors: no token, a non-https remote server, a bad format or id → exit 2, no request', async () => {
    delete process.env.HAVEN_ADMIN_TOKEN;
    try {
      const noToken = await runHaven(['revoke', '--server', running.url, 'abc']);
      expect(noToken.code).toBe(2);
      expect(noToken.err).toContain('HAVEN_ADMIN_TOKEN');
    } finally {
      process.env.HAVEN_ADMIN_TOKEN = ADMIN_TOKEN;
    }
    expect((await runHaven(['revoke', '--server', 'http://issuer.example', 'abc'])).code).toBe(2);
    expect((await runHaven(['revoke', '--server', `${running.url}/?x=1`, 'abc'])).code).toBe(2);
    expect((await runHaven(['revoke', '--server', running.url, '../../admin'])).code).toBe(2);
    const format = await runHaven([
      'offer',
      '--server',
      running.url,
      '--type',
      'labour-contract',
      '--claims',
      file('claims.json'),
      '--format',
      'mso_mdoc',
    ]);
    expect(format.code).toBe(2);
  });

  test('the server logs of all this hold neither the admin token nor claim values', () => {
    const text = logLines.join('');
    expect(text).not.toContain(ADMIN_TOKEN);
    expect(text).not.toContain('Secret Employer Name');
  });
});

describe('haven serve --workers 2 (a real process: node:cluster, SIGTERM)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  test('starts 2 workers on one port, serves, and stops gracefully on SIGTERM with exit 0', async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const data = file('cluster-data');
    writeFileSync(
      file('issuer.json'),
      JSON.stringify({ display: [{ name: 'Labour Office', locale: 'en' }] }),
    );
    child = spawn(
      tsx,
      [
        '--conditions=@haven/source',
        join(root, 'src', 'bin.ts'),
        'serve',
        '--port',
        '0',
        '--workers',
        '2',
        '--data',
        data,
        '--public-url',
        ISSUER,
        '--issuer-config',
        file('issuer.json'),
        '--trust-proxy',
        'loopback',
      ],
      { env: { ...process.env, HAVEN_ADMIN_TOKEN: ADMIN_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      child?.stderr?.on('data', (chunk) => {
        stderr += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+) \(2 workers, SQLite /.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child?.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    // The issuer settings reached the workers (every answer comes from one of them).
    for (let i = 0; i < 4; i++) {
      const metadata = (await (await fetch(`${url}/.well-known/openid-credential-issuer`)).json()) as {
        display?: unknown;
      };
      expect(metadata.display).toEqual([{ name: 'Labour Office', locale: 'en' }]);
    }
    const offered = await runHaven([
      'offer',
      '--server',
      url,
      '--type',
      'labour-contract',
      '--claims',
      file('claims.json'),
    ]);
    expect(offered.code).toBe(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Haven issuer stopped');
    // Neither the primary nor a worker printed or logged the token.
    expect(stdout).not.toContain(ADMIN_TOKEN);
    expect(stderr).not.toContain(ADMIN_TOKEN);
  }, 60_000);
});
