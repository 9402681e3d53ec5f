import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  createGuardedFetch,
  type GuardedFetch,
  type GuardedFetchOptions,
  HavenError,
  type ResolvedAddress,
} from '@haven/core';
import { afterEach, describe, expect, test } from 'vitest';
import { didWebToUrl, resolveDidWeb } from './did-web.js';
import { LOCALHOST_CERT, LOCALHOST_KEY, P256_JWK } from './fixtures/keys.js';
import { DID_MAX_LENGTH } from './limits.js';
import { createDidResolver } from './resolver.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: { close(): void }[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A loopback server on 127.0.0.1, port 0: HTTPS with the fixture certificate, or plain HTTP. */
async function startServer(handler: Handler, tls = true): Promise<number> {
  const server = tls
    ? createHttpsServer({ key: LOCALHOST_KEY, cert: LOCALHOST_CERT }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  });
  return (server.address() as AddressInfo).port;
}

/** Simulated DNS: no real resolver is ever asked. */
const dns =
  (answers: Record<string, readonly ResolvedAddress[]>) =>
  async (hostname: string): Promise<readonly ResolvedAddress[]> =>
    answers[hostname] ?? [];
const LOCALHOST = { localhost: [{ address: '127.0.0.1', family: 4 as const }] };

/** The real guarded fetcher, allowed to reach loopback only, trusting the fixture certificate. */
const loopbackFetch = (extra: GuardedFetchOptions = {}) =>
  createGuardedFetch({ allowHttpLoopback: true, ca: LOCALHOST_CERT, resolve: dns(LOCALHOST), ...extra });

const documentFor = (did: string) => ({
  '@context': ['https://www.w3.org/ns/did/v1'],
  id: did,
  verificationMethod: [
    { id: `${did}#key-1`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: P256_JWK },
  ],
  assertionMethod: [`${did}#key-1`],
});

const serveJson =
  (body: unknown, status = 200, contentType = 'application/did+json'): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

/** Asserts a did:web resolution failed because the guarded fetcher refused, keeping its code. */
async function expectFetchFailure(promise: Promise<unknown>, fetchCode: string): Promise<void> {
  const error = await promise.then(
    () => expect.unreachable('resolution should fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HavenError);
  expect(error).toMatchObject({ code: 'DID_RESOLUTION_FAILED', details: { fetchCode } });
  expect((error as HavenError).cause).toMatchObject({ code: fetchCode });
}

describe('did:web spec §3.2 Read (Resolve): DID → URL', () => {
  test.each([
    ['did:web:w3c-ccg.github.io', 'https://w3c-ccg.github.io/.well-known/did.json'],
    ['did:web:w3c-ccg.github.io:user:alice', 'https://w3c-ccg.github.io/user/alice/did.json'],
    ['did:web:example.com%3A3000', 'https://example.com:3000/.well-known/did.json'],
    ['did:web:example.com%3a3000:user:alice', 'https://example.com:3000/user/alice/did.json'],
    ['did:web:Example.COM:A_b.c-d', 'https://example.com/A_b.c-d/did.json'],
  ])('%s → %s', (did, url) => {
    expect(didWebToUrl(did)).toBe(url);
  });

  test.each([
    ['an empty host', 'did:web:'],
    ['an empty path segment', 'did:web:example.com::alice'],
    ['a trailing empty segment', 'did:web:example.com:'],
    ['a "." segment', 'did:web:example.com:.:alice'],
    ['a ".." segment', 'did:web:example.com:..:admin'],
    ['a percent-escaped slash', 'did:web:example.com:a%2Fb'],
    ['a percent-escaped dot-dot', 'did:web:example.com:%2E%2E'],
    ['%3A outside the host segment', 'did:web:example.com:user%3A8080'],
    ['a userinfo "@"', 'did:web:user%40evil.example'],
    ['"@" in the host', 'did:web:a@evil.example'],
    ['a slash in the host', 'did:web:evil.example/x'],
    ['a query', 'did:web:example.com?x=1'],
    ['a fragment', 'did:web:example.com#frag'],
    ['an empty port', 'did:web:example.com%3A'],
    ['a port out of range', 'did:web:example.com%3A65536'],
    ['a zero port', 'did:web:example.com%3A0'],
    ['a leading-hyphen label', 'did:web:-evil.example'],
    ['an empty label', 'did:web:evil..example'],
    ['a non-ASCII host', 'did:web:exämple.com'],
    ['another method', 'did:webx:example.com'],
  ])('§3.1 method-specific identifier: rejects %s with DID_INVALID', (_name, did) => {
    expect(() => didWebToUrl(did)).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
  });

  test.each([
    ['dotted IPv4', 'did:web:127.0.0.1'],
    ['dotted IPv4 with port', 'did:web:169.254.169.254%3A80'],
    ['decimal IPv4', 'did:web:2130706433'],
    ['hex IPv4', 'did:web:0x7f000001'],
    ['dotted hex IPv4', 'did:web:0x7f.0.0.1'],
    ['short IPv4', 'did:web:127.1'],
    ['octal IPv4', 'did:web:0177.0.0.1'],
  ])('§3.1 "MUST NOT include IP addresses": rejects %s with DID_INVALID', (_name, did) => {
    expect(() => didWebToUrl(did)).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
  });

  test.each([
    ['an out-of-range IPv4', 'did:web:999.999.999.999', '999.999.999.999'],
    ['five numeric parts', 'did:web:1.2.3.4.5', '1.2.3.4.5'],
    ['a last label "0x"', 'did:web:issuer.0x', 'issuer.0x'],
    ['a last label starting with 0x', 'did:web:issuer.0xg', 'issuer.0xg'],
    ['an invalid punycode label', 'did:web:xn--a.example', 'xn--a.example'],
  ])(
    '§3.1 hosts the URL parser refuses (%s) → DID_INVALID, never a TypeError carrying the URL',
    async (_name, did, host) => {
      let fetched = 0;
      const fetch: GuardedFetch = async () => {
        fetched++;
        throw new Error('not reached');
      };
      let direct: unknown;
      try {
        didWebToUrl(did);
      } catch (e) {
        direct = e;
      }
      const resolved = await createDidResolver({ fetch })
        .resolve(did)
        .then(
          () => expect.unreachable('resolution should fail'),
          (e: unknown) => e,
        );
      for (const error of [direct, resolved]) {
        expect(error).toBeInstanceOf(HavenError);
        expect(error).toMatchObject({ code: 'DID_INVALID' });
        expect((error as HavenError).cause).toBeUndefined();
        expect(inspect(error, { depth: 5 })).not.toContain(host);
      }
      expect(fetched).toBe(0);
    },
  );

  test('DID_MAX_LENGTH: an oversized did:web is refused by didWebToUrl itself, with the limit in details', () => {
    expect(() => didWebToUrl(`did:web:example.com:${'a'.repeat(DID_MAX_LENGTH)}`)).toThrow(
      expect.objectContaining({ code: 'DID_INVALID', details: { maxLength: DID_MAX_LENGTH } }),
    );
  });

  test('defence in depth: the guarded fetcher alone also denies what those IP forms would reach', async () => {
    const fetcher = createGuardedFetch();
    for (const host of ['2130706433', '0x7f000001', '127.1', '169.254.169.254', '10.0.0.1', '[::1]']) {
      await expect(fetcher(`https://${host}/.well-known/did.json`)).rejects.toMatchObject({
        code: 'FETCH_ADDRESS_BLOCKED',
      });
    }
  });
});

describe('did:web resolution over HTTPS (loopback server, fixture certificate)', () => {
  test('§3.2: fetches /.well-known/did.json and returns the validated document', async () => {
    let path = '';
    let accept = '';
    const port = await startServer((req, res) => {
      path = req.url ?? '';
      accept = req.headers.accept ?? '';
      serveJson(documentFor(`did:web:localhost%3A${(req.socket.localPort ?? 0).toString()}`))(req, res);
    });
    const did = `did:web:localhost%3A${port}`;
    const doc = await resolveDidWeb(did, { fetch: loopbackFetch() });
    expect(path).toBe('/.well-known/did.json');
    expect(accept).toContain('application/did+json');
    expect(doc.id).toBe(did);
    expect(Object.isFrozen(doc.verificationMethod)).toBe(true);
  });

  test('§3.2: a path DID fetches <path>/did.json', async () => {
    let path = '';
    const port = await startServer((req, res) => {
      path = req.url ?? '';
      serveJson(documentFor(`did:web:localhost%3A${req.socket.localPort}:user:alice`))(req, res);
    });
    await resolveDidWeb(`did:web:localhost%3A${port}:user:alice`, { fetch: loopbackFetch() });
    expect(path).toBe('/user/alice/did.json');
  });

  test('a server certificate not trusted by the fetcher is refused', async () => {
    const port = await startServer(serveJson({}));
    const fetch = createGuardedFetch({ allowHttpLoopback: true, resolve: dns(LOCALHOST) });
    await expectFetchFailure(resolveDidWeb(`did:web:localhost%3A${port}`, { fetch }), 'FETCH_NETWORK');
  });

  test.each([404, 410])('DID Resolution notFound: HTTP %i → DID_NOT_FOUND', async (status) => {
    const port = await startServer(serveJson({ error: 'gone' }, status));
    await expect(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
    ).rejects.toMatchObject({
      code: 'DID_NOT_FOUND',
    });
  });

  test.each([500, 403, 429])('HTTP %i → DID_RESOLUTION_FAILED with the status', async (status) => {
    const port = await startServer(serveJson({}, status));
    await expect(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
    ).rejects.toMatchObject({
      code: 'DID_RESOLUTION_FAILED',
      details: { status },
    });
  });

  test('HTTP 204 (2xx without a body) → DID_DOCUMENT_INVALID', async () => {
    const port = await startServer(serveJson('', 204));
    await expect(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
    ).rejects.toMatchObject({
      code: 'DID_DOCUMENT_INVALID',
    });
  });

  test('§3.2 step 6 / DID Core §5.1.1: a document whose id is another DID → DID_DOCUMENT_ID_MISMATCH', async () => {
    const port = await startServer(serveJson(documentFor('did:web:victim.example')));
    await expect(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
    ).rejects.toMatchObject({
      code: 'DID_DOCUMENT_ID_MISMATCH',
    });
  });

  test('DID Resolution representationNotSupported: an HTML answer → DID_REPRESENTATION_NOT_SUPPORTED', async () => {
    const port = await startServer(serveJson('<html></html>', 200, 'text/html'));
    await expect(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
    ).rejects.toMatchObject({
      code: 'DID_REPRESENTATION_NOT_SUPPORTED',
    });
  });

  test.each([
    ['duplicate members', '{"id":"a","id":"b"}', 'JSON_DUPLICATE_KEY'],
    ['a __proto__ member', '{"__proto__":{"x":1}}', 'JSON_FORBIDDEN_KEY'],
    ['not JSON', '{"id":', 'JSON_INVALID'],
    ['a JSON array', '[]', 'JSON_NOT_OBJECT'],
  ])('strict JSON: %s → DID_DOCUMENT_INVALID', async (_name, body, jsonCode) => {
    const port = await startServer(serveJson(body));
    await expect(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
    ).rejects.toMatchObject({
      code: 'DID_DOCUMENT_INVALID',
      details: { jsonCode },
    });
  });

  test('DID Core §5: a document that is not a DID document (verificationMethod not an array) → DID_DOCUMENT_INVALID', async () => {
    const port = await startServer((req, res) =>
      serveJson({ id: `did:web:localhost%3A${req.socket.localPort}`, verificationMethod: { id: 'x' } })(
        req,
        res,
      ),
    );
    await expect(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
    ).rejects.toMatchObject({
      code: 'DID_DOCUMENT_INVALID',
    });
  });
});

describe('hostile inputs: did:web SSRF (real guarded fetcher, simulated DNS, no loopback allowance)', () => {
  test.each([
    ['127.0.0.1', 4],
    ['::1', 6],
    ['169.254.169.254', 4],
    ['10.0.0.5', 4],
    ['172.16.0.1', 4],
    ['172.31.255.254', 4],
    ['192.168.1.1', 4],
    ['::ffff:127.0.0.1', 6],
    ['fd00::1', 6],
    ['fe80::1', 6],
    ['0.0.0.0', 4],
  ] as const)(
    'issuer.example resolving to %s is denied with FETCH_ADDRESS_BLOCKED',
    async (address, family) => {
      const fetch = createGuardedFetch({ resolve: dns({ 'issuer.example': [{ address, family }] }) });
      await expectFetchFailure(resolveDidWeb('did:web:issuer.example', { fetch }), 'FETCH_ADDRESS_BLOCKED');
    },
  );

  test('a name resolving to one public and one private address is denied (every answer is checked)', async () => {
    const fetch = createGuardedFetch({
      resolve: dns({
        'issuer.example': [
          { address: '93.184.215.14', family: 4 },
          { address: '10.0.0.5', family: 4 },
        ],
      }),
    });
    await expectFetchFailure(resolveDidWeb('did:web:issuer.example', { fetch }), 'FETCH_ADDRESS_BLOCKED');
  });

  test('a redirect is refused by default', async () => {
    const port = await startServer((_req, res) => {
      res.writeHead(302, { location: '/elsewhere/did.json' });
      res.end();
    });
    await expectFetchFailure(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
      'FETCH_REDIRECT_REFUSED',
    );
  });

  test('a redirect to http is refused, even when redirects are allowed', async () => {
    let plainHits = 0;
    const httpPort = await startServer((_req, res) => {
      plainHits++;
      res.end('{}');
    }, false);
    const port = await startServer((_req, res) => {
      res.writeHead(301, { location: `http://localhost:${httpPort}/.well-known/did.json` });
      res.end();
    });
    const fetch = loopbackFetch({ maxRedirects: 3 });
    await expectFetchFailure(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch }),
      'FETCH_REDIRECT_REFUSED',
    );
    expect(plainHits).toBe(0);
  });

  test('a redirect to an internal IP is refused, even when redirects are allowed', async () => {
    const port = await startServer((_req, res) => {
      res.writeHead(307, { location: 'https://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    await expectFetchFailure(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch({ maxRedirects: 3 }) }),
      'FETCH_REDIRECT_REFUSED',
    );
  });

  test('a redirect to a host name resolving internally is denied at connect time', async () => {
    const port = await startServer((_req, res) => {
      res.writeHead(308, { location: 'https://internal.example/did.json' });
      res.end();
    });
    const fetch = loopbackFetch({
      maxRedirects: 3,
      resolve: dns({ ...LOCALHOST, 'internal.example': [{ address: '192.168.0.10', family: 4 }] }),
    });
    await expectFetchFailure(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch }),
      'FETCH_ADDRESS_BLOCKED',
    );
  });

  test('a 2 MB document streamed without Content-Length hits the size cap (FETCH_TOO_LARGE)', async () => {
    const port = await startServer((_req, res) => {
      res.on('error', () => {});
      res.writeHead(200, { 'content-type': 'application/did+json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 32 && !res.destroyed; i++) res.write(chunk);
      res.end();
    });
    await expectFetchFailure(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
      'FETCH_TOO_LARGE',
    );
  });

  test('a 2 MB document announced by Content-Length is refused before reading (FETCH_TOO_LARGE)', async () => {
    const port = await startServer((_req, res) => {
      res.on('error', () => {});
      res.writeHead(200, {
        'content-type': 'application/did+json',
        'content-length': String(2 * 1024 * 1024),
      });
      res.write('{');
    });
    await expectFetchFailure(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
      'FETCH_TOO_LARGE',
    );
  });

  test('a document over the DID document cap but under the fetch cap → DID_DOCUMENT_INVALID (JSON_TOO_LARGE)', async () => {
    const port = await startServer((req, res) =>
      serveJson({ id: `did:web:localhost%3A${req.socket.localPort}`, pad: 'x'.repeat(300 * 1024) })(req, res),
    );
    await expect(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
    ).rejects.toMatchObject({
      code: 'DID_DOCUMENT_INVALID',
      details: { jsonCode: 'JSON_TOO_LARGE' },
    });
  });

  test('a server sending one byte per second is cut off by the body timeout (FETCH_TIMEOUT)', async () => {
    const port = await startServer((_req, res) => {
      res.on('error', () => {});
      res.writeHead(200, { 'content-type': 'application/did+json', 'content-length': '100' });
      res.write('{');
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 1000);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    await expectFetchFailure(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch({ bodyTimeoutMs: 300 }) }),
      'FETCH_TIMEOUT',
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('a server that never answers is cut off by the headers timeout (FETCH_TIMEOUT)', async () => {
    const port = await startServer(() => {});
    await expectFetchFailure(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch({ headersTimeoutMs: 300 }) }),
      'FETCH_TIMEOUT',
    );
  });

  test('a compressed answer (possible gzip bomb) is refused (FETCH_ENCODING_UNSUPPORTED)', async () => {
    const port = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/did+json', 'content-encoding': 'gzip' });
      res.end(Buffer.from([0x1f, 0x8b]));
    });
    await expectFetchFailure(
      resolveDidWeb(`did:web:localhost%3A${port}`, { fetch: loopbackFetch() }),
      'FETCH_ENCODING_UNSUPPORTED',
    );
  });
});
