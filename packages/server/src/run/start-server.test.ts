import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  importPrivateKeyPem,
  readCertificateChainPem,
  sanDnsNamesOfDer,
  systemClock,
  toPublicJwk,
} from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { parseAuthorizationRequest } from '@haven/oid4vp';
import { afterAll, describe, expect, test } from 'vitest';
import { captureLogger } from '../http/fixtures/test-server.test-helper.js';
import { describeDatabase } from './describe-database.js';
import { publicUrlWarnings } from './public-url-warnings.js';
import { createLimitedServer } from './server-limits.js';
import { startServer } from './start-server.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-run-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const code = (c: string) => expect.objectContaining({ code: c });

describe('startServer, one worker (in-process)', () => {
  test('prepares the data dir (0700), migrates, serves, generates an admin token once, stops gracefully', async () => {
    const dataDir = join(tempDir(), 'data');
    const { logger, raw } = captureLogger();
    const running = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      workers: 1,
      publicUrl: 'https://issuer.example',
      logger,
      env: {},
      handleSignals: false,
    });
    try {
      expect(running.role).toBe('single');
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(running.database).toBe(`SQLite ${dataDir}/haven.db`);
      expect(running.adminToken).toMatch(/^haven_admin_/);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'master.key')).mode & 0o077).toBe(0);
      expect(await (await fetch(`${running.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const metadata = (await (
        await fetch(`${running.url}/.well-known/openid-credential-issuer`)
      ).json()) as {
        credential_issuer: string;
      };
      expect(metadata.credential_issuer).toBe('https://issuer.example');
      const offers = await fetch(`${running.url}/admin/offers`, {
        headers: { authorization: `Bearer ${running.adminToken}` },
      });
      expect(offers.status).toBe(200);
      expect((await fetch(`${running.url}/admin/offers`)).status).toBe(401);
      // The token is shown once by the caller, never logged.
      expect(raw.join('')).not.toContain(String(running.adminToken));
    } finally {
      await running.stop();
    }
    await running.stopped;
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
  });

  test('a given admin token is used and not returned; a restart keeps the issuer (same master.key)', async () => {
    const dataDir = tempDir();
    const adminToken = 'haven_admin_0123456789abcdefghijklmnopqrstuvwxyzABCDEF';
    const { logger } = captureLogger();
    const first = await startServer({
      port: 0,
      dataDir,
      workers: 1,
      adminToken,
      publicUrl: 'https://issuer.example',
      logger,
      env: {},
      handleSignals: false,
    });
    expect(first.adminToken).toBeUndefined();
    const keys1 = await (await fetch(`${first.url}/.well-known/jwt-vc-issuer`)).json();
    await first.stop();
    const second = await startServer({
      port: 0,
      dataDir,
      workers: 1,
      adminToken,
      publicUrl: 'https://issuer.example',
      logger,
      env: {},
      handleSignals: false,
    });
    try {
      expect(await (await fetch(`${second.url}/.well-known/jwt-vc-issuer`)).json()).toEqual(keys1);
      const res = await fetch(`${second.url}/admin/audit`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  test('graceful stop: an in-flight request finishes, new connections are refused', async () => {
    const { logger } = captureLogger();
    const running = await startServer({
      port: 0,
      dataDir: tempDir(),
      workers: 1,
      publicUrl: 'https://issuer.example',
      adminToken: 'haven_admin_0123456789abcdefghijklmnopqrstuvwxyzABCDEF',
      logger,
      env: {},
      handleSignals: false,
    });
    const body = JSON.stringify({
      credentialType: 'labour-contract',
      claims: claimsTemplate('labour-contract'),
    });
    const url = new URL('/admin/offers', running.url);
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: {
          authorization: 'Bearer haven_admin_0123456789abcdefghijklmnopqrstuvwxyzABCDEF',
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          // The server's "100 Continue" proves it has the request in hand before the stop begins.
          expect: '100-continue',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.flushHeaders();
      req.on('continue', () => {
        req.write(body.slice(0, 10));
        stopping = running.stop();
        // The rest of the body after the stop has begun.
        setImmediate(() => req.end(body.slice(10)));
      });
    });
    let stopping: Promise<void> | undefined;
    expect(await answer).toBe(201);
    await stopping;
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
  });

  test('bad options are refused before anything starts', async () => {
    const { logger } = captureLogger();
    const base = { logger, env: {}, handleSignals: false, dataDir: tempDir() };
    await expect(startServer({ ...base, port: 70_000 })).rejects.toEqual(code('SERVER_RUN_CONFIG_INVALID'));
    await expect(startServer({ ...base, port: 1.5 })).rejects.toEqual(code('SERVER_RUN_CONFIG_INVALID'));
    await expect(startServer({ ...base, workers: 0 })).rejects.toEqual(code('SERVER_RUN_CONFIG_INVALID'));
    await expect(startServer({ ...base, host: 'a b' })).rejects.toEqual(code('SERVER_RUN_CONFIG_INVALID'));
    await expect(startServer({ ...base, adminToken: 'short' })).rejects.toEqual(
      code('SERVER_RUN_CONFIG_INVALID'),
    );
    await expect(startServer({ ...base, port: 0, workers: 2 })).rejects.toEqual(
      code('SERVER_RUN_CONFIG_INVALID'),
    );
  });

  test('a wrong master secret fails at startup and releases the port', async () => {
    const dataDir = tempDir();
    const { logger } = captureLogger();
    const first = await startServer({
      port: 0,
      dataDir,
      workers: 1,
      publicUrl: 'https://issuer.example',
      logger,
      env: {},
      handleSignals: false,
    });
    await first.stop();
    await expect(
      startServer({
        port: 0,
        dataDir,
        workers: 1,
        publicUrl: 'https://issuer.example',
        logger,
        env: { HAVEN_MASTER_SECRET: Buffer.alloc(32, 7).toString('base64url') },
        handleSignals: false,
      }),
    ).rejects.toEqual(code('SERVER_MASTER_SECRET_MISMATCH'));
  });
});

describe('server limits (hostile inputs: slow-drip headers)', () => {
  test('a client that never finishes its headers is disconnected after headersTimeout', async () => {
    const server = createLimitedServer((_req, res) => res.end('ok'), {
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
      connectionsCheckingIntervalMs: 50,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const started = performance.now();
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a'),
        );
        let data = '';
        socket.on('data', (chunk) => {
          data += chunk;
        });
        socket.on('close', () => resolve(data));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      server.close();
    }
  });

  test('limits are set on the server; nonsense limits are refused', () => {
    const server = createLimitedServer(() => {}, { maxConnections: 10 });
    expect(server.maxConnections).toBe(10);
    expect(server.maxHeadersCount).toBe(100);
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(30_000);
    expect(server.keepAliveTimeout).toBe(5_000);
    expect(() => createLimitedServer(() => {}, { requestTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createLimitedServer(() => {}, { headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).toThrow(
      RangeError,
    );
  });
});

describe('publicUrlWarnings', () => {
  test('a host beyond loopback with a non-https public URL → a loud warning; https or loopback dev → none', () => {
    expect(publicUrlWarnings('0.0.0.0', 'http://203.0.113.7:8080')[0]).toMatch(/^WARNING: .*not https/);
    expect(publicUrlWarnings('127.0.0.1', 'http://issuer.example')).toHaveLength(1);
    expect(publicUrlWarnings('0.0.0.0', 'https://issuer.example')).toEqual([]);
    expect(publicUrlWarnings('127.0.0.1', 'http://127.0.0.1:8080')).toEqual([]);
    expect(publicUrlWarnings('::1', 'http://[::1]:8080')).toEqual([]);
  });
});

describe('startServer: issuer settings, trust proxy, database URL secrecy', () => {
  test('issuer settings reach the issuer: display in the metadata, validity in issued credentials', async () => {
    const { logger } = captureLogger();
    const running = await startServer({
      port: 0,
      dataDir: tempDir(),
      workers: 1,
      publicUrl: 'https://issuer.example',
      issuerConfig: {
        display: [{ name: 'Labour Office', locale: 'en' }],
        legalMinimumWage: { amount: '1850.00', currency: 'EUR', period: 'month' },
        credentialValiditySeconds: 86_400,
        vctBase: 'https://labour.gov.example/vct',
      },
      logger,
      env: {},
      handleSignals: false,
    });
    try {
      const metadata = (await (
        await fetch(`${running.url}/.well-known/openid-credential-issuer`)
      ).json()) as {
        display?: unknown;
        credential_configurations_supported: Record<string, { vct?: string }>;
      };
      expect(metadata.display).toEqual([{ name: 'Labour Office', locale: 'en' }]);
      const vcts = Object.values(metadata.credential_configurations_supported).flatMap((c) => c.vct ?? []);
      expect(vcts.length).toBeGreaterThan(0);
      expect(vcts.every((vct) => vct.startsWith('https://labour.gov.example/vct/'))).toBe(true);
    } finally {
      await running.stop();
    }
  });

  test('a bad issuer configuration or trust proxy is refused before anything is created', async () => {
    const { logger } = captureLogger();
    const dataDir = join(tempDir(), 'never');
    const base = { logger, env: {}, handleSignals: false, dataDir, port: 0, workers: 1 };
    const bad = join(tempDir(), 'issuer.json');
    writeFileSync(bad, '{"legalMinimumWage":{"amount":"1850","currency":"EUR","period":"month"},"extra":1}');
    for (const options of [
      { issuerConfigFile: bad },
      { issuerConfigFile: join(dataDir, 'missing.json') },
      { issuerConfig: { credentialValiditySeconds: -1 } },
      { issuerConfig: {}, issuerConfigFile: bad },
      { trustProxy: true as unknown as false },
      { trustProxy: 'everyone' },
    ]) {
      await expect(startServer({ ...base, ...options }), JSON.stringify(options)).rejects.toEqual(
        code('SERVER_RUN_CONFIG_INVALID'),
      );
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  test('trust proxy: behind a loopback proxy, X-Forwarded-For is the rate-limit client', async () => {
    const { logger } = captureLogger();
    const running = await startServer({
      port: 0,
      dataDir: tempDir(),
      workers: 1,
      publicUrl: 'https://issuer.example',
      trustProxy: 'loopback',
      httpLimits: { rateLimits: { nonce: 1 } },
      logger,
      env: {},
      handleSignals: false,
    });
    try {
      const nonce = (client: string) =>
        fetch(`${running.url}/nonce`, { method: 'POST', headers: { 'x-forwarded-for': client } });
      expect((await nonce('2001:db8:1:1::1')).status).toBe(200);
      expect((await nonce('2001:db8:1:1::2')).status).toBe(429);
      expect((await nonce('2001:db8:1:2::1')).status).toBe(200);
    } finally {
      await running.stop();
    }
  });

  test('a database password is neither logged nor in the error when the database is unreachable', async () => {
    const { logger, raw } = captureLogger();
    const failure = await startServer({
      port: 0,
      dataDir: tempDir(),
      workers: 1,
      dbUrl: 'postgres://haven:pw-7Hq2xZ@127.0.0.1:1/haven',
      publicUrl: 'https://issuer.example',
      logger,
      env: {},
      handleSignals: false,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    const error = failure as Error;
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain('pw-7Hq2xZ');
    expect(raw.join('')).not.toContain('pw-7Hq2xZ');
  });
});

/**
 * A directory with the x509 test PKI (fixtures/: a leaf for verifier.example.org and its root, made once
 * with OpenSSL) and the leaf key at mode 0600 (git does not keep file modes).
 */
function x509Dir(keyMode = 0o600): { dir: string; chain: string; key: string } {
  const dir = tempDir();
  const chain = join(dir, 'chain.pem');
  const key = join(dir, 'verifier.key');
  copyFileSync(new URL('./fixtures/x509-chain.pem', import.meta.url), chain);
  copyFileSync(new URL('./fixtures/x509-leaf-key.pem', import.meta.url), key);
  chmodSync(key, keyMode);
  return { dir, chain, key };
}

describe('startServer, an x509_san_dns verifier (OpenID4VP §5.9.3)', () => {
  const base = () => ({ port: 0, workers: 1, env: {}, handleSignals: false, logger: captureLogger().logger });

  test('openid4vp §5.10: requests are signed with the configured chain and served by request_uri', async () => {
    const pki = x509Dir();
    const running = await startServer({
      ...base(),
      dataDir: tempDir(),
      publicUrl: 'https://verifier.example.org',
      verifier: {
        x509: { certificateChainFile: pki.chain, privateKeyFile: pki.key },
        dnsName: 'verifier.example.org',
      },
    });
    try {
      expect(running.verifierClientId).toBe('x509_san_dns:verifier.example.org');
      const created = await fetch(`${running.url}/admin/presentations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${running.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ purpose: 'age-check' }),
      });
      expect(created.status).toBe(201);
      const body = (await created.json()) as { authorization_request_uri: string; request_uri?: string };
      const uri = new URL(body.authorization_request_uri);
      expect(uri.searchParams.get('client_id')).toBe('x509_san_dns:verifier.example.org');
      expect(uri.searchParams.get('request_uri')).toBe(body.request_uri);
      expect(uri.searchParams.has('dcql_query')).toBe(false);
      const requestUri = new URL(String(body.request_uri));
      expect(requestUri.origin).toBe('https://verifier.example.org');
      const answer = await fetch(`${running.url}${requestUri.pathname}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/oauth-authz-req+jwt');
      const requestObject = await answer.text();
      // The wallet side (§5.10, §5.9.3): the chain it is shown is the configured one without its trust
      // anchor (HAIP), the request object verifies under its leaf key, and the leaf names the client's DNS name.
      const chain = readCertificateChainPem(readFileSync(pki.chain, 'utf8')).x5c;
      const leafKey = toPublicJwk(importPrivateKeyPem(readFileSync(pki.key, 'utf8')));
      const seen: (readonly string[])[] = [];
      const parsed = await parseAuthorizationRequest(requestObject, {
        clock: systemClock(),
        expectedClientId: 'x509_san_dns:verifier.example.org',
        verifyX5c: (x5c) => {
          seen.push(x5c);
          return {
            publicJwk: leafKey,
            sanDnsNames: sanDnsNamesOfDer(Buffer.from(x5c[0] as string, 'base64')),
          };
        },
      });
      expect(seen).toEqual([chain.slice(0, -1)]);
      expect(parsed).toMatchObject({
        signed: true,
        responseUri: 'https://verifier.example.org/oid4vp/response',
      });
      expect(parsed.client.clientId).toBe('x509_san_dns:verifier.example.org');
    } finally {
      await running.stop();
    }
  });

  test("the issuer configuration file carries the verifier x509 section; relative paths are the file's", async () => {
    const pki = x509Dir();
    const configFile = join(pki.dir, 'haven.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        verifier: {
          legalName: 'Example Inspectorate',
          x509: { certificateChainFile: 'chain.pem', privateKeyFile: 'verifier.key' },
          dnsName: 'verifier.example.org',
        },
      }),
    );
    const running = await startServer({
      ...base(),
      dataDir: tempDir(),
      publicUrl: 'https://verifier.example.org',
      issuerConfigFile: configFile,
    });
    try {
      expect(running.verifierClientId).toBe('x509_san_dns:verifier.example.org');
    } finally {
      await running.stop();
    }
  });

  test('without x509 the verifier stays redirect_uri', async () => {
    const running = await startServer({ ...base(), dataDir: tempDir(), publicUrl: 'https://issuer.example' });
    try {
      expect(running.verifierClientId).toBe('redirect_uri:https://issuer.example/oid4vp/response');
    } finally {
      await running.stop();
    }
  });

  test('a wrong DNS name, a loose key file or a half setting is refused before anything is created', async () => {
    const pki = x509Dir();
    const loose = x509Dir(0o644);
    const files = { certificateChainFile: pki.chain, privateKeyFile: pki.key };
    const cases: { publicUrl?: string; verifier: Record<string, unknown> }[] = [
      // The DNS name is not the public URL's host (§5.9.3: the wallet compares the response_uri host).
      { publicUrl: 'https://issuer.example', verifier: { x509: files, dnsName: 'verifier.example.org' } },
      // Not a SAN of the leaf.
      { publicUrl: 'https://issuer.example', verifier: { x509: files, dnsName: 'issuer.example' } },
      // No public URL: http://127.0.0.1:<port> can never be the DNS name.
      { verifier: { x509: files, dnsName: 'verifier.example.org' } },
      {
        publicUrl: 'https://verifier.example.org',
        verifier: {
          x509: { certificateChainFile: loose.chain, privateKeyFile: loose.key },
          dnsName: 'verifier.example.org',
        },
      },
      { publicUrl: 'https://verifier.example.org', verifier: { x509: files } },
      { publicUrl: 'https://verifier.example.org', verifier: { dnsName: 'verifier.example.org' } },
      {
        publicUrl: 'https://verifier.example.org',
        verifier: {
          x509: { certificateChainFile: pki.key, privateKeyFile: pki.key },
          dnsName: 'verifier.example.org',
        },
      },
    ];
    for (const [index, settings] of cases.entries()) {
      const dataDir = join(tempDir(), 'data');
      await expect(
        startServer({ ...base(), dataDir, ...settings } as Parameters<typeof startServer>[0]),
        String(index),
      ).rejects.toEqual(code('SERVER_RUN_CONFIG_INVALID'));
      expect(existsSync(dataDir), String(index)).toBe(false);
    }
    const configFile = join(pki.dir, 'half.json');
    writeFileSync(configFile, JSON.stringify({ verifier: { dnsName: 'verifier.example.org' } }));
    const dataDir = join(tempDir(), 'data');
    await expect(
      startServer({
        ...base(),
        dataDir,
        publicUrl: 'https://verifier.example.org',
        issuerConfigFile: configFile,
      }),
    ).rejects.toEqual(code('SERVER_RUN_CONFIG_INVALID'));
    expect(existsSync(dataDir)).toBe(false);
  });

  test("verifier routes count in buckets of their own, apart from the issuer's", async () => {
    const running = await startServer({
      ...base(),
      dataDir: tempDir(),
      publicUrl: 'https://issuer.example',
      httpLimits: { rateLimits: { requestObject: 1, presentationResult: 1, presentationResponse: 1 } },
    });
    try {
      const handle = 'AAAAAAAAAAAAAAAAAAAAAA';
      const requestObject = () => fetch(`${running.url}/oid4vp/requests/${handle}`);
      expect((await requestObject()).status).toBe(404);
      expect((await requestObject()).status).toBe(429);
      const result = () => fetch(`${running.url}/oid4vp/results/${handle}`, { method: 'POST' });
      expect((await result()).status).toBe(401);
      expect((await result()).status).toBe(429);
      const response = () =>
        fetch(`${running.url}/oid4vp/response`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'state=x',
        });
      expect((await response()).status).not.toBe(429);
      expect((await response()).status).toBe(429);
      // The issuer's buckets were not touched by any of that.
      expect((await fetch(`${running.url}/nonce`, { method: 'POST' })).status).toBe(200);
      expect((await fetch(`${running.url}/nonce`, { method: 'POST' })).status).toBe(200);
    } finally {
      await running.stop();
    }
  });
});

describe('describeDatabase', () => {
  test('never prints the user or password of a PostgreSQL URL', () => {
    expect(describeDatabase('postgres://haven:s3cret@db.example:5432/haven?sslmode=require')).toBe(
      'PostgreSQL db.example:5432/haven',
    );
    expect(describeDatabase('./.haven/haven.db')).toBe('SQLite ./.haven/haven.db');
  });
});
