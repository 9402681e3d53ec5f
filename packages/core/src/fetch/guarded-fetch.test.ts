import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  type AddressInfo,
  createServer as createTcpServer,
  getDefaultAutoSelectFamily,
  type Server,
  type Socket,
  setDefaultAutoSelectFamily,
} from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { HavenError } from '../errors.js';
import { createGuardedFetch, type GuardedFetchOptions, type ResolvedAddress } from './guarded-fetch.js';

// Self-signed P-256 certificate for CN=localhost, SAN DNS:localhost + IP:127.0.0.1 (valid until 2126).
const CERT = readFileSync(new URL('./fixtures/cert.pem', import.meta.url), 'utf8');
const KEY = readFileSync(new URL('./fixtures/key.pem', import.meta.url), 'utf8');

// Short phase timeouts so a test that goes wrong fails fast instead of waiting for the defaults.
const FAST: GuardedFetchOptions = { connectTimeoutMs: 1000, headersTimeoutMs: 1000, bodyTimeoutMs: 1000 };
const LOOPBACK: GuardedFetchOptions = { ...FAST, allowHttpLoopback: true };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Listens on 127.0.0.1 port 0; the server and every socket it accepted are closed after the test. */
async function listen(server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

async function httpServer(handler: Handler): Promise<{ origin: string; port: number }> {
  const port = await listen(createHttpServer(handler));
  return { origin: `http://127.0.0.1:${port}`, port };
}

async function httpsServer(handler: Handler): Promise<{ origin: string; port: number }> {
  const port = await listen(createHttpsServer({ key: KEY, cert: CERT }, handler));
  return { origin: `https://127.0.0.1:${port}`, port };
}

function json(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function redirect(res: ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { location, 'content-length': 0 });
  res.end();
}

/** Runs the promise and returns the HavenError it rejects with; anything else fails the test. */
async function rejection(promise: Promise<unknown>): Promise<HavenError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HavenError) return error;
    throw new Error(`expected a HavenError, got ${String(error)}`);
  }
  throw new Error('expected the fetch to fail');
}

function fixedResolve(...addresses: string[]): (hostname: string) => Promise<readonly ResolvedAddress[]> {
  return async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
}

describe('URL and scheme checks', () => {
  test.each([
    'ftp://example.com/did.json',
    'file:///etc/passwd',
    'data:application/json,{}',
    'ws://example.com/',
    'gopher://x/',
  ])('scheme: %s is refused with FETCH_SCHEME_NOT_ALLOWED', async (url) => {
    expect((await rejection(createGuardedFetch(LOOPBACK)(url))).code).toBe('FETCH_SCHEME_NOT_ALLOWED');
  });

  // No test here may reach a public address even if the code regresses: the sandbox has no network and
  // such traffic is flagged. So the resolver refuses to be asked, and a regression shows as another code.
  const mustNotResolve = async (): Promise<never> => {
    throw new Error('the scheme check must come before name resolution');
  };

  test('scheme: plain http is refused without allowHttpLoopback, before any name resolution', async () => {
    const fetcher = createGuardedFetch({ ...FAST, resolve: mustNotResolve });
    expect((await rejection(fetcher('http://example.com/'))).code).toBe('FETCH_SCHEME_NOT_ALLOWED');
  });

  test('URL: credentials in the URL are refused with FETCH_URL_INVALID', async () => {
    const fetcher = createGuardedFetch(FAST);
    expect((await rejection(fetcher('https://user:secret@example.com/'))).code).toBe('FETCH_URL_INVALID');
    expect((await rejection(fetcher('https://user@example.com/'))).code).toBe('FETCH_URL_INVALID');
  });

  test('URL: a string that is not a URL is FETCH_URL_INVALID', async () => {
    expect((await rejection(createGuardedFetch(FAST)('not a url'))).code).toBe('FETCH_URL_INVALID');
    expect((await rejection(createGuardedFetch(FAST)({ url: '/relative/path' }))).code).toBe(
      'FETCH_URL_INVALID',
    );
  });
});

describe('SSRF: address literals in the URL', () => {
  test('SSRF: http://127.0.0.1 without the loopback option is refused (http is not allowed)', async () => {
    expect((await rejection(createGuardedFetch(FAST)('http://127.0.0.1/'))).code).toBe(
      'FETCH_SCHEME_NOT_ALLOWED',
    );
  });

  test.each([
    ['https://127.0.0.1/', 'loopback'],
    ['https://[::1]/', 'IPv6 loopback'],
    ['https://2130706433/', 'decimal 127.0.0.1'],
    ['https://0x7f.1/', 'hex short form of 127.0.0.1'],
    ['https://0177.0.0.1/', 'octal 127.0.0.1'],
    ['https://[::ffff:127.0.0.1]/', 'IPv4-mapped loopback'],
    ['https://[::ffff:7f00:1]/', 'IPv4-mapped loopback, hex form'],
    ['https://169.254.169.254/latest/meta-data', 'link-local metadata address'],
    ['https://[::ffff:169.254.169.254]/latest/meta-data', 'IPv4-mapped metadata address'],
    ['https://10.0.0.1/', 'private 10/8'],
    ['https://172.16.0.1/', 'private 172.16/12'],
    ['https://192.168.1.1/', 'private 192.168/16'],
    ['https://100.64.0.1/', 'CGNAT'],
    ['https://0.0.0.0/', 'this network'],
    ['https://[fe80::1]/', 'IPv6 link-local'],
    ['https://[fc00::1]/', 'IPv6 unique-local'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'NAT64 of 169.254.169.254'],
    ['https://0xa9.0xfe.0xa9.0xfe/', 'hex 169.254.169.254'],
    ['https://2852039166/', 'decimal 169.254.169.254'],
  ])('SSRF: blocks %s (%s) with FETCH_ADDRESS_BLOCKED', async (url) => {
    expect((await rejection(createGuardedFetch(FAST)(url))).code).toBe('FETCH_ADDRESS_BLOCKED');
  });

  test('SSRF: with allowHttpLoopback, 127.x is reachable but 10.x and 169.254.x stay blocked', async () => {
    const { port } = await httpServer((_req, res) => json(res, 200, '{"ok":true}'));
    const fetcher = createGuardedFetch(LOOPBACK);
    expect((await fetcher(`http://127.0.0.1:${port}/`)).json()).toEqual({ ok: true });
    expect((await fetcher(`http://2130706433:${port}/`)).json()).toEqual({ ok: true });
    for (const url of [
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data',
      'https://10.0.0.1/',
      'http://[fe80::1]/',
    ]) {
      expect((await rejection(fetcher(url))).code, url).toBe('FETCH_ADDRESS_BLOCKED');
    }
  });
});

describe('SSRF: host names are checked on every resolved address', () => {
  test('SSRF: a host name resolving to 10.0.0.5 is blocked', async () => {
    const fetcher = createGuardedFetch({ ...FAST, resolve: fixedResolve('10.0.0.5') });
    expect((await rejection(fetcher('https://internal.example/'))).code).toBe('FETCH_ADDRESS_BLOCKED');
  });

  test('SSRF: [loopback, private] with allowHttpLoopback is refused although loopback would connect', async () => {
    // The first address is a live server: only checking every address makes this fail.
    const { port } = await httpServer((_req, res) => json(res, 200, '{}'));
    const fetcher = createGuardedFetch({
      ...LOOPBACK,
      resolve: fixedResolve('127.0.0.1', '169.254.169.254'),
    });
    expect((await rejection(fetcher(`http://mixed.example:${port}/`))).code).toBe('FETCH_ADDRESS_BLOCKED');
  });

  test('SSRF: a host name resolving to ::ffff:169.254.169.254 is blocked', async () => {
    const fetcher = createGuardedFetch({ ...FAST, resolve: fixedResolve('::ffff:169.254.169.254') });
    expect((await rejection(fetcher('https://metadata.example/'))).code).toBe('FETCH_ADDRESS_BLOCKED');
  });

  test('SSRF: a host name resolving to a loopback address is blocked without the option', async () => {
    const fetcher = createGuardedFetch({ ...FAST, resolve: fixedResolve('127.0.0.1') });
    expect((await rejection(fetcher('https://localhost.example/'))).code).toBe('FETCH_ADDRESS_BLOCKED');
  });

  test('DNS: a resolver answer with a mislabelled family still connects to the checked address', async () => {
    const { port } = await httpServer((_req, res) => json(res, 200, '{}'));
    const fetcher = createGuardedFetch({
      ...LOOPBACK,
      resolve: async () => [{ address: '127.0.0.1', family: 6 }],
    });
    expect((await fetcher(`http://mislabelled.example:${port}/`)).status).toBe(200);
  });

  test('SSRF: a resolver answer that is not an IP address is blocked', async () => {
    const fetcher = createGuardedFetch({
      ...FAST,
      resolve: async () => [{ address: 'evil.example', family: 4 }],
    });
    expect((await rejection(fetcher('https://odd.example/'))).code).toBe('FETCH_ADDRESS_BLOCKED');
  });

  test('request: a header value Node refuses (newline) is a HavenError that does not echo the value', async () => {
    const error = await rejection(
      createGuardedFetch(LOOPBACK)({ url: 'http://127.0.0.1:9/', headers: { 'x-a': 'secret\r\nx: y' } }),
    );
    expect(error.code).toBe('FETCH_NETWORK');
    expect(error.message).not.toContain('secret');
  });

  test('DNS: a host name resolving to nothing, or a failing resolver, is FETCH_NETWORK', async () => {
    const empty = createGuardedFetch({ ...FAST, resolve: async () => [] });
    expect((await rejection(empty('https://nothing.example/'))).code).toBe('FETCH_NETWORK');
    const failing = createGuardedFetch({
      ...FAST,
      resolve: async () => {
        throw new Error('ENOTFOUND nothing.example');
      },
    });
    expect((await rejection(failing('https://nothing.example/'))).code).toBe('FETCH_NETWORK');
  });

  test('DNS: a resolver that throws synchronously is FETCH_NETWORK, not a raw error', async () => {
    const fetcher = createGuardedFetch({
      ...FAST,
      resolve: () => {
        throw new TypeError('resolver bug');
      },
    });
    expect((await rejection(fetcher('https://sync.example/'))).code).toBe('FETCH_NETWORK');
  });

  test('DNS: the socket connects to the checked lookup result (host name "resolving" to a local server)', async () => {
    const seen: string[] = [];
    const { port } = await httpServer((req, res) => {
      seen.push(req.headers.host ?? '');
      json(res, 200, '{"via":"lookup"}');
    });
    const asked: string[] = [];
    const fetcher = createGuardedFetch({
      ...LOOPBACK,
      resolve: async (hostname) => {
        asked.push(hostname);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    const res = await fetcher(`http://did.example.test:${port}/.well-known/did.json`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ via: 'lookup' });
    expect(asked).toEqual(['did.example.test']);
    expect(seen).toEqual([`did.example.test:${port}`]);
  });

  test.each([true, false])(
    'DNS: the lookup callback has the right shape with autoSelectFamily=%s (all: true and single address)',
    async (autoSelect) => {
      const { port } = await httpServer((_req, res) => json(res, 200, '{}'));
      const before = getDefaultAutoSelectFamily();
      setDefaultAutoSelectFamily(autoSelect);
      try {
        // ::1 first: happy eyeballs must fall through to 127.0.0.1, where the server listens.
        const fetcher = createGuardedFetch({ ...LOOPBACK, resolve: fixedResolve('127.0.0.1', '::1') });
        expect((await fetcher(`http://two.example:${port}/`)).status).toBe(200);
      } finally {
        setDefaultAutoSelectFamily(before);
      }
    },
  );
});

describe('responses from a loopback server', () => {
  test('a 200 JSON body is returned with lower-cased headers and strict json()', async () => {
    const { origin } = await httpServer((req, res) => {
      json(res, 200, JSON.stringify({ id: 'did:web:example', accept: req.headers['accept-encoding'] }), {
        'X-Thing': 'a',
      });
    });
    const res = await createGuardedFetch(LOOPBACK)(`${origin}/doc`);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${origin}/doc`);
    expect(res.headers['x-thing']).toBe('a');
    // The fetcher asks for an uncompressed body.
    expect(res.json()).toEqual({ id: 'did:web:example', accept: 'identity' });
    expect(res.text()).toBe(JSON.stringify({ id: 'did:web:example', accept: 'identity' }));
  });

  test('json(): duplicate keys in the body are JSON_DUPLICATE_KEY', async () => {
    const { origin } = await httpServer((_req, res) => json(res, 200, '{"id":"a","id":"b"}'));
    const res = await createGuardedFetch(LOOPBACK)(origin);
    let code: string | undefined;
    try {
      res.json();
    } catch (error) {
      code = error instanceof HavenError ? error.code : 'NOT_HAVEN_ERROR';
    }
    expect(code).toBe('JSON_DUPLICATE_KEY');
  });

  test('text(): invalid UTF-8 is a HavenError, not a TypeError', async () => {
    const { origin } = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 });
      res.end(Buffer.from([0xff, 0xfe, 0x41]));
    });
    const res = await createGuardedFetch(LOOPBACK)(origin);
    expect(res.body).toEqual(new Uint8Array([0xff, 0xfe, 0x41]));
    let error: unknown;
    try {
      res.text();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HavenError);
    expect((error as HavenError).code).toBe('FETCH_CONTENT_TYPE');
  });

  test('a 404 is returned as status 404 (the caller decides)', async () => {
    const { origin } = await httpServer((_req, res) => json(res, 404, '{"error":"not found"}'));
    const res = await createGuardedFetch(LOOPBACK)(`${origin}/missing`);
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ error: 'not found' });
  });

  test('POST sends the body and caller headers; the fetcher owns accept-encoding', async () => {
    let received: { method?: string; body: string; type?: string; encoding?: string } = { body: '' };
    const { origin } = await httpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        received = {
          method: req.method,
          body,
          type: req.headers['content-type'],
          encoding: req.headers['accept-encoding'],
        };
        json(res, 200, '{}');
      });
    });
    await createGuardedFetch(LOOPBACK)({
      url: origin,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: '{"a":1}',
    });
    expect(received).toEqual({
      method: 'POST',
      body: '{"a":1}',
      type: 'application/json',
      encoding: 'identity',
    });
  });
});

describe('body size cap', () => {
  test('size: a declared Content-Length above maxBytes is refused before the body is read', async () => {
    // The server promises 10 MB and then stalls: only the Content-Length check can end this quickly.
    const { origin } = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-length': 10_000_000 });
      res.write('{');
    });
    const fetcher = createGuardedFetch({ ...LOOPBACK, maxBytes: 1000, bodyTimeoutMs: 5000 });
    const error = await rejection(fetcher(origin));
    expect(error.code).toBe('FETCH_TOO_LARGE');
  }, 2000);

  test('size: a body of exactly maxBytes is accepted, one byte more is refused', async () => {
    const { origin } = await httpServer((req, res) => {
      const size = req.url === '/exact' ? 1000 : 1001;
      res.writeHead(200, { 'content-length': size });
      res.end(Buffer.alloc(size, 0x20));
    });
    const fetcher = createGuardedFetch({ ...LOOPBACK, maxBytes: 1000 });
    expect((await fetcher(`${origin}/exact`)).body.byteLength).toBe(1000);
    expect((await rejection(fetcher(`${origin}/over`))).code).toBe('FETCH_TOO_LARGE');
  });

  test('size: the default cap is 1 MiB', async () => {
    const { origin } = await httpServer((req, res) => {
      const size = req.url === '/exact' ? 1024 * 1024 : 1024 * 1024 + 1;
      res.writeHead(200);
      res.end(Buffer.alloc(size, 0x20));
    });
    const fetcher = createGuardedFetch(LOOPBACK);
    expect((await fetcher(`${origin}/exact`)).body.byteLength).toBe(1024 * 1024);
    expect((await rejection(fetcher(`${origin}/over`))).code).toBe('FETCH_TOO_LARGE');
  });

  test('size: an endless chunked body without Content-Length is cut off at the cap and the connection destroyed', async () => {
    let serverSocketClosed!: Promise<void>;
    let sent = 0;
    const { origin } = await httpServer((req, res) => {
      serverSocketClosed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && !res.writableEnded) {
          sent += chunk.byteLength;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const fetcher = createGuardedFetch({ ...LOOPBACK, maxBytes: 64 * 1024 });
    expect((await rejection(fetcher(origin))).code).toBe('FETCH_TOO_LARGE');
    // The server only stops when the client hangs up, so this resolves only if the socket was destroyed.
    await serverSocketClosed;
    expect(sent).toBeGreaterThan(64 * 1024);
  }, 2000);

  test('compression: Content-Encoding gzip is refused (no decompression bombs)', async () => {
    const { origin } = await httpServer((_req, res) => {
      const body = gzipSync('{"a":1}');
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.byteLength });
      res.end(body);
    });
    expect((await rejection(createGuardedFetch(LOOPBACK)(origin))).code).toBe('FETCH_ENCODING_UNSUPPORTED');
  });
});

describe('timeouts', () => {
  test('timeout: a slow drip body (1 byte / 100 ms) is cut off by bodyTimeoutMs', async () => {
    const { origin } = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(drip));
      cleanups.push(() => clearInterval(drip));
    });
    const fetcher = createGuardedFetch({
      ...LOOPBACK,
      headersTimeoutMs: 5000,
      connectTimeoutMs: 5000,
      bodyTimeoutMs: 300,
    });
    const error = await rejection(fetcher(origin));
    expect(error.code).toBe('FETCH_TIMEOUT');
  }, 2000);

  test('timeout: a server that accepts but never sends headers is cut off by headersTimeoutMs', async () => {
    const { origin } = await httpServer(() => {
      // never answers
    });
    const fetcher = createGuardedFetch({
      ...LOOPBACK,
      connectTimeoutMs: 5000,
      headersTimeoutMs: 200,
      bodyTimeoutMs: 5000,
    });
    const error = await rejection(fetcher(origin));
    expect(error.code).toBe('FETCH_TIMEOUT');
    expect(error.message).toMatch(/headers/);
  }, 2000);

  test('timeout: a TCP server that never completes the TLS handshake is cut off by connectTimeoutMs', async () => {
    const port = await listen(
      createTcpServer(() => {
        // accepts the connection, never speaks TLS
      }),
    );
    const fetcher = createGuardedFetch({
      ...LOOPBACK,
      ca: CERT,
      connectTimeoutMs: 200,
      headersTimeoutMs: 5000,
      bodyTimeoutMs: 5000,
    });
    const error = await rejection(fetcher(`https://127.0.0.1:${port}/`));
    expect(error.code).toBe('FETCH_TIMEOUT');
    expect(error.message).toMatch(/connect/);
  }, 2000);

  test('timeout: no phase timer is left pending once a fetch has settled', async () => {
    const { origin } = await httpServer((req, res) => {
      if (req.url === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end();
      } else json(res, 200, '{}');
    });
    const fetcher = createGuardedFetch({
      ...LOOPBACK,
      connectTimeoutMs: 60_000,
      headersTimeoutMs: 60_000,
      bodyTimeoutMs: 60_000,
    });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const baseline = timers();
    await fetcher(origin);
    await rejection(fetcher(`${origin}/gzip`));
    await rejection(
      createGuardedFetch({ ...FAST, resolve: fixedResolve('10.0.0.1') })('https://blocked.example/'),
    );
    expect(timers()).toBe(baseline);
  });
});

describe('redirects', () => {
  test('redirect: refused by default with FETCH_REDIRECT_REFUSED', async () => {
    const { origin } = await httpServer((req, res) =>
      req.url === '/a' ? redirect(res, '/b') : json(res, 200, '{}'),
    );
    expect((await rejection(createGuardedFetch(LOOPBACK)(`${origin}/a`))).code).toBe(
      'FETCH_REDIRECT_REFUSED',
    );
  });

  test.each([301, 302, 303, 307, 308])(
    'redirect: %i to another loopback path is followed with maxRedirects 2',
    async (status) => {
      const { origin } = await httpServer((req, res) =>
        req.url === '/a' ? redirect(res, '/b', status) : json(res, 200, JSON.stringify({ path: req.url })),
      );
      const res = await createGuardedFetch({ ...LOOPBACK, maxRedirects: 2 })(`${origin}/a`);
      expect(res.status).toBe(200);
      expect(res.url).toBe(`${origin}/b`);
      expect(res.json()).toEqual({ path: '/b' });
    },
  );

  test.each([
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data',
    'https://[::ffff:a9fe:a9fe]/',
    'file:///etc/passwd',
  ])('redirect: a hop to %s is refused', async (target) => {
    const { origin } = await httpServer((_req, res) => redirect(res, target));
    const error = await rejection(createGuardedFetch({ ...LOOPBACK, maxRedirects: 2 })(origin));
    expect(error.code).toBe('FETCH_REDIRECT_REFUSED');
  });

  test('redirect: a hop to a host name resolving to a private address is refused', async () => {
    const { origin } = await httpServer((_req, res) => redirect(res, 'https://internal.example/'));
    const fetcher = createGuardedFetch({ ...LOOPBACK, maxRedirects: 2, resolve: fixedResolve('10.0.0.5') });
    expect((await rejection(fetcher(origin))).code).toBe('FETCH_ADDRESS_BLOCKED');
  });

  test('redirect: https to http is refused, even on loopback', async () => {
    const plain = await httpServer((_req, res) => json(res, 200, '{"downgraded":true}'));
    const tls = await httpsServer((_req, res) => redirect(res, `${plain.origin}/`));
    const fetcher = createGuardedFetch({ ...LOOPBACK, ca: CERT, maxRedirects: 2 });
    expect((await rejection(fetcher(`${tls.origin}/`))).code).toBe('FETCH_REDIRECT_REFUSED');
  });

  test('redirect: http to https to http is refused at the second hop', async () => {
    let plainHits = 0;
    const plain = await httpServer((_req, res) => {
      plainHits++;
      json(res, 200, '{}');
    });
    const tls = await httpsServer((_req, res) => redirect(res, `${plain.origin}/final`));
    const start = await httpServer((_req, res) => redirect(res, `${tls.origin}/`));
    const fetcher = createGuardedFetch({ ...LOOPBACK, ca: CERT, maxRedirects: 3 });
    expect((await rejection(fetcher(`${start.origin}/`))).code).toBe('FETCH_REDIRECT_REFUSED');
    expect(plainHits).toBe(0);
  });

  test('redirect: a loop is refused once maxRedirects hops have been followed', async () => {
    let hits = 0;
    const { origin } = await httpServer((_req, res) => {
      hits++;
      redirect(res, '/loop');
    });
    expect(
      (await rejection(createGuardedFetch({ ...LOOPBACK, maxRedirects: 2 })(`${origin}/loop`))).code,
    ).toBe('FETCH_REDIRECT_REFUSED');
    expect(hits).toBe(3);
  });

  test('redirect: a redirect without Location is refused', async () => {
    const { origin } = await httpServer((req, res) => {
      if (req.url !== '/') return json(res, 200, '{}');
      res.writeHead(302, { 'content-length': 0 });
      res.end();
    });
    expect((await rejection(createGuardedFetch({ ...LOOPBACK, maxRedirects: 2 })(origin))).code).toBe(
      'FETCH_REDIRECT_REFUSED',
    );
  });

  test('redirect: 303 after a POST is followed with GET and no body', async () => {
    const seen: { method?: string; length?: string }[] = [];
    const { origin } = await httpServer((req, res) => {
      seen.push({ method: req.method, length: req.headers['content-length'] });
      req.resume();
      req.on('end', () => (req.url === '/post' ? redirect(res, '/result', 303) : json(res, 200, '{}')));
    });
    const fetcher = createGuardedFetch({ ...LOOPBACK, maxRedirects: 1 });
    await fetcher({
      url: `${origin}/post`,
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(seen).toEqual([
      { method: 'POST', length: '7' },
      { method: 'GET', length: undefined },
    ]);
  });

  test('redirect: Authorization and Cookie are not forwarded to another origin', async () => {
    const seen: (string | undefined)[] = [];
    const other = await httpServer((req, res) => {
      seen.push(req.headers.authorization ?? req.headers.cookie);
      json(res, 200, '{}');
    });
    const first = await httpServer((req, res) => {
      seen.push(req.headers.authorization);
      redirect(res, `${other.origin}/`);
    });
    const fetcher = createGuardedFetch({ ...LOOPBACK, maxRedirects: 1 });
    await fetcher({ url: first.origin, headers: { authorization: 'Bearer secret', cookie: 'sid=1' } });
    expect(seen).toEqual(['Bearer secret', undefined]);
  });
});

describe('HTTPS', () => {
  test('https: a fetch to 127.0.0.1 with the test CA succeeds', async () => {
    const { origin } = await httpsServer((_req, res) => json(res, 200, '{"tls":true}'));
    const res = await createGuardedFetch({ ...LOOPBACK, ca: CERT })(`${origin}/`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ tls: true });
  });

  test('https: a host name resolved through the lookup is verified against the certificate (localhost)', async () => {
    const { port } = await httpsServer((req, res) =>
      json(res, 200, JSON.stringify({ host: req.headers.host })),
    );
    const fetcher = createGuardedFetch({ ...LOOPBACK, ca: [CERT], resolve: fixedResolve('127.0.0.1') });
    expect((await fetcher(`https://localhost:${port}/`)).json()).toEqual({ host: `localhost:${port}` });
    // The same server under a name the certificate does not carry is refused.
    expect((await rejection(fetcher(`https://other.example:${port}/`))).code).toBe('FETCH_NETWORK');
  });

  test('https: without the CA the self-signed certificate is untrusted (FETCH_NETWORK)', async () => {
    const { origin } = await httpsServer((_req, res) => json(res, 200, '{}'));
    const error = await rejection(createGuardedFetch(LOOPBACK)(`${origin}/`));
    expect(error.code).toBe('FETCH_NETWORK');
  });

  test('https: a loopback https URL is blocked without allowHttpLoopback even with the CA', async () => {
    const { origin } = await httpsServer((_req, res) => json(res, 200, '{}'));
    expect((await rejection(createGuardedFetch({ ...FAST, ca: CERT })(`${origin}/`))).code).toBe(
      'FETCH_ADDRESS_BLOCKED',
    );
  });
});

describe('error messages leak neither URL, host, address nor content', () => {
  test('privacy: messages and log shapes of every failure kind omit the URL, host, address and body', async () => {
    const closed = createHttpServer();
    const closedPort = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const secretBody = 'SECRET-BODY-CONTENT';
    const { origin, port } = await httpServer((req, res) => {
      if (req.url === '/redirect') redirect(res, 'http://169.254.169.254/latest/meta-data');
      else if (req.url === '/big') json(res, 200, `"${secretBody}${'x'.repeat(200)}"`);
      else if (req.url === '/gzip') json(res, 200, secretBody, { 'content-encoding': 'gzip' });
      else json(res, 200, `{"${secretBody}":1,"${secretBody}":2}`);
    });
    const tls = await httpsServer((_req, res) => json(res, 200, '{}'));
    const loop = { ...LOOPBACK, maxRedirects: 1, maxBytes: 100 };
    const cases: { error: HavenError; leaks: string[] }[] = [];
    const add = async (promise: Promise<unknown>, ...leaks: string[]) =>
      cases.push({ error: await rejection(promise), leaks });

    await add(createGuardedFetch(FAST)('https://169.254.169.254/latest/meta-data'), '169.254', 'meta-data');
    await add(createGuardedFetch(FAST)('https://[::ffff:a9fe:a9fe]/x'), 'a9fe', '169.254');
    await add(
      createGuardedFetch({ ...FAST, resolve: fixedResolve('10.9.8.7') })('https://secret-host.internal/p'),
      'secret-host',
      '10.9.8.7',
    );
    await add(
      createGuardedFetch(FAST)('https://user:hunter2@secret-host.internal/'),
      'hunter2',
      'secret-host',
    );
    await add(createGuardedFetch(FAST)('ftp://secret-host.internal/'), 'secret-host');
    await add(
      createGuardedFetch(LOOPBACK)(`http://127.0.0.1:${closedPort}/`),
      '127.0.0.1',
      String(closedPort),
    );
    await add(
      createGuardedFetch(loop)(`${origin}/redirect`),
      '169.254',
      '127.0.0.1',
      `:${port}`,
      'meta-data',
    );
    await add(createGuardedFetch(loop)(`${origin}/big`), secretBody, `:${port}`);
    await add(createGuardedFetch(loop)(`${origin}/gzip`), secretBody, `:${port}`);
    await add(createGuardedFetch(LOOPBACK)(`${tls.origin}/`), '127.0.0.1', `:${tls.port}`, 'localhost');
    const res = await createGuardedFetch(LOOPBACK)(`${origin}/dup`);
    try {
      res.json();
    } catch (error) {
      cases.push({ error: error as HavenError, leaks: [secretBody] });
    }

    expect(cases).toHaveLength(11);
    for (const { error, leaks } of cases) {
      const cause =
        error.cause instanceof Error ? `${error.cause.message} ${JSON.stringify(error.cause)}` : '';
      const shown = [String(error.message), JSON.stringify(error.toJSON()), cause];
      for (const text of shown) {
        for (const leak of leaks) expect(text, `${error.code}: ${text}`).not.toContain(leak);
      }
    }
  });
});
