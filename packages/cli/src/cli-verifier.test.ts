import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HavenError } from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { createServerLogger, type RunningServer, startServer } from '@haven/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CliError } from './cli-error.js';
import { runHaven } from './fixtures/run-cli.js';
import type { CliIo } from './io.js';
import { reportError, runCli } from './program.js';
import { parseServeFlags } from './serve-commands.js';
import { requestCommand } from './verifier-commands.js';

const ADMIN_TOKEN = 'haven_admin_cli-verifier-0123456789abcdefghijklmnopqrst';

let dir: string;
let running: RunningServer;
const file = (name: string) => join(dir, name);
const wallet = () => file('wallet');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'haven-cli-verifier-'));
  writeFileSync(file('identity.json'), JSON.stringify(claimsTemplate('identity-restoration')));
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
  const offered = await runHaven([
    'offer',
    '--server',
    running.url,
    '--type',
    'identity-restoration',
    '--claims',
    file('identity.json'),
    '--format',
    'dc+sd-jwt',
    '--json',
  ]);
  const { offerUri, txCode } = JSON.parse(offered.out) as { offerUri: string; txCode: string };
  const received = await runHaven([
    'receive',
    offerUri,
    '--wallet',
    wallet(),
    '--tx-code',
    txCode,
    '--allow-http-loopback',
  ]);
  expect(received.code, received.err).toBe(0);
});

afterAll(async () => {
  delete process.env.HAVEN_ADMIN_TOKEN;
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `haven request …` in-process; when it prints the wallet's URI, `wallet` answers it (as a person
 * scanning the QR code would) while the command waits.
 */
async function request(
  args: string[],
  wallet?: (uri: string) => Promise<unknown>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let answering: Promise<unknown> = Promise.resolve();
  const io: CliIo = {
    stdout: (text) => {
      out += text;
      const uri = text.trim();
      if (wallet !== undefined && /^openid4vp:\/\//.test(uri)) answering = wallet(uri);
    },
    stderr: (text) => {
      err += text;
      // With --json the URI comes on stderr.
      const uri = text.trim();
      if (wallet !== undefined && /^openid4vp:\/\//.test(uri)) answering = wallet(uri);
    },
    readStdin: async () => '',
  };
  const code = await runCli(['request', '--server', running.url, ...args], io);
  await answering;
  return { code, out, err };
}

const answers: { code: number; out: string; err: string }[] = [];
const respond =
  (...flags: string[]) =>
  async (uri: string) => {
    const result = await runHaven(['respond', uri, '--wallet', wallet(), '--allow-http-loopback', ...flags]);
    answers.push(result);
    return result;
  };

describe('haven request (a verifier asks for a presentation and waits for the verdict)', () => {
  test('openid4vp §8.2 accepted: the URI, then the verdict and the disclosed claims; exit 0', async () => {
    const result = await request(['--purpose', 'age-check', '--timeout', '20'], respond('--yes'));
    expect(result.code, result.err).toBe(0);
    const lines = result.out.trim().split('\n');
    expect(lines[0]).toMatch(/^openid4vp:\/\//);
    expect(result.out).toContain('Verdict: ACCEPTED');
    // The verifier is entitled to what it asked for, and gets nothing else.
    expect(result.out).toContain('age_over_18: true');
    expect(result.out).not.toMatch(/given_name|birthdate|Amal/);
    expect(result.out).not.toContain('█');
    expect(result.err).toContain('Waiting for the wallet');
  });

  test('--json with direct_post: the verdict as JSON, the credential type and disclosed paths', async () => {
    const result = await request(
      ['--purpose', 'clinic.identity-minimal', '--response-mode', 'direct_post', '--json', '--timeout', '5'],
      respond('--yes'),
    );
    expect(result.code, `${result.out}${answers.at(-1)?.err}`).toBe(0);
    const verdict = JSON.parse(result.out) as {
      status: string;
      credentials: { credentialType: string; disclosed: unknown[]; claims: Record<string, unknown> }[];
    };
    expect(verdict.status).toBe('accepted');
    expect(result.err).toMatch(/^openid4vp:\/\//m);
    expect(verdict.credentials[0]?.credentialType).toBe('identity-restoration');
    expect(Object.keys(verdict.credentials[0]?.claims ?? {}).sort()).toEqual([
      'birthdate',
      'family_name',
      'given_name',
    ]);
  });

  test('openid4vp §8.5 a declining wallet: verdict DECLINED, exit 1', async () => {
    const result = await request(['--purpose', 'age-check', '--timeout', '5'], respond('--decline'));
    expect(result.code).toBe(1);
    expect(result.out).toContain('Verdict: DECLINED');
  });

  test('nobody answers: verdict TIMEOUT after --timeout, exit 1', async () => {
    const result = await request(['--purpose', 'age-check', '--timeout', '1']);
    expect(result.code).toBe(1);
    expect(result.out).toContain('Verdict: TIMEOUT');
  });

  test('a QR code on a terminal (none with --json)', async () => {
    let out = '';
    const io: CliIo = {
      stdout: (t) => {
        out += t;
      },
      stderr: () => undefined,
      readStdin: async () => '',
    };
    const code = await requestCommand({ server: running.url, purpose: 'age-check', timeout: '1' }, io, {
      env: { HAVEN_ADMIN_TOKEN: ADMIN_TOKEN },
      terminal: true,
    });
    expect(code).toBe(1);
    expect(out).toMatch(/[█▀▄]/);
  });

  test('bad flags → exit 2 before any request; an unknown purpose → the server refuses (exit 1)', async () => {
    for (const args of [
      ['--purpose', 'Not A Purpose'],
      ['--purpose', 'age-check', '--response-mode', 'fragment'],
      ['--purpose', 'age-check', '--timeout', '0'],
      ['--purpose', 'age-check', '--timeout', 'soon'],
    ]) {
      const result = await request(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toMatch(/^error/);
    }
    const remote = await runHaven([
      'request',
      '--server',
      'http://verifier.example',
      '--purpose',
      'age-check',
    ]);
    expect(remote.code).toBe(2);
    expect(remote.err).toContain('https');
    const unknown = await request(['--purpose', 'no-such.purpose']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('the server refused the request');
    const saved = process.env.HAVEN_ADMIN_TOKEN;
    delete process.env.HAVEN_ADMIN_TOKEN;
    try {
      const noToken = await request(['--purpose', 'age-check']);
      expect(noToken.code).toBe(2);
      expect(noToken.err).toContain('HAVEN_ADMIN_TOKEN');
    } finally {
      process.env.HAVEN_ADMIN_TOKEN = saved;
    }
  });
});

describe('haven serve --no-verifier', () => {
  test('switches the verifier off; it is on by default', async () => {
    expect(parseServeFlags({ verifier: false }, {})).toMatchObject({ verifier: false });
    expect(parseServeFlags({}, {})).not.toHaveProperty('verifier');
    expect(parseServeFlags({ verifier: true }, {})).not.toHaveProperty('verifier');
    const help = await runHaven(['serve', '--help']);
    expect(help.out).toContain('--no-verifier');
  });
});

describe('reportError (what reaches the terminal on a failure)', () => {
  function report(error: unknown): string {
    let err = '';
    const io: CliIo = {
      stdout: () => undefined,
      stderr: (t) => {
        err += t;
      },
      readStdin: async () => '',
    };
    expect(reportError(error, io, false)).toBe(2);
    return err;
  }

  test('hostile input: every detail string is made printable (escape, bidi and line separators)', () => {
    const err = report(
      new HavenError('OID4VP_REGISTRATION_INVALID', 'the verifier registration is malformed', {
        details: { paths: ['claims.evil\u001b[2J', 'x\u202eyz', 'a\u2028b'] },
      }),
    );
    expect(err).toBe(
      'error OID4VP_REGISTRATION_INVALID: the verifier registration is malformed (claims.evil\uFFFD[2J, x\uFFFDyz, a\uFFFDb)\n',
    );
  });

  test('hostile input: issues and CliError messages are made printable too', () => {
    const issues = report(
      new HavenError('DCQL_QUERY_INVALID', 'the DCQL query is invalid', {
        details: { issues: ['["a\u009b"] custom'] },
      }),
    );
    expect(issues).toContain('["a\uFFFD"] custom');
    let err = '';
    const io: CliIo = {
      stdout: () => undefined,
      stderr: (t) => {
        err += t;
      },
      readStdin: async () => '',
    };
    expect(reportError(new CliError('bad \u001b[31mred', 1), io, false)).toBe(1);
    expect(err).toBe('error: bad \uFFFD[31mred\n');
  });
});
