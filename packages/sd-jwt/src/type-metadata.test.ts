import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createGuardedFetch, type GuardedFetch, type GuardedFetchOptions, HavenError } from '@haven/core';
import { afterEach, describe, expect, test } from 'vitest';
import {
  checkIntegrity,
  claimDisplayFor,
  claimMetadataFor,
  displayFor,
  mergeTypeMetadata,
  parseTypeMetadata,
  resolveTypeMetadata,
  sdPolicyFor,
  type TypeMetadata,
  zClaimMetadata,
  zTypeMetadata,
} from './type-metadata.js';

// Vct values in these tests are http://127.0.0.1 URLs served by a local server and reached only through
// a guarded fetcher built with allowHttpLoopback. Real vct and extends URLs must be https.

const utf8 = (text: string) => new TextEncoder().encode(text);
const sri = (alg: 'sha256' | 'sha384' | 'sha512', bytes: Uint8Array | string) =>
  `${alg}-${createHash(alg).update(bytes).digest('base64')}`;

async function rejection(promise: Promise<unknown>): Promise<HavenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HavenError)) throw new Error(`expected a HavenError, got ${String(error)}`);
  return error;
}

function thrown(fn: () => unknown): HavenError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HavenError) return error;
    throw error;
  }
  throw new Error('expected a HavenError');
}

// ---- local server ----------------------------------------------------------------------------------

interface Route {
  status?: number;
  body: string | Uint8Array;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Serves `routes` (by path) on 127.0.0.1; `hits` counts requests per path. */
async function serve(build: (origin: string) => Record<string, Route>) {
  const hits = new Map<string, number>();
  let routes: Record<string, Route> = {};
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) {
      res.writeHead(404).end('{"error":"not found"}');
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': 'application/json' }).end(route.body);
  });
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
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes = build(origin);
  return { origin, hits };
}

function loopbackFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  return createGuardedFetch({
    allowHttpLoopback: true,
    connectTimeoutMs: 1000,
    headersTimeoutMs: 1000,
    bodyTimeoutMs: 1000,
    ...options,
  });
}

/** A fetcher that fails the test if anything tries to use the network. */
const noNetwork: GuardedFetch = () => {
  throw new Error('network must not be used');
};

const json = (value: unknown) => JSON.stringify(value);

// ---- §Integrity of Referenced Documents ------------------------------------------------------------

describe('sd-jwt-vc §Integrity of Referenced Documents', () => {
  const doc = utf8('{"vct":"https://types.example/a"}');

  test('sd-jwt-vc §Integrity: a sha256 expression over the exact octets matches', () => {
    expect(() => checkIntegrity(doc, sri('sha256', doc))).not.toThrow();
    const oneByteMore = utf8('{"vct":"https://types.example/a"} ');
    expect(thrown(() => checkIntegrity(oneByteMore, sri('sha256', doc))).code).toBe(
      'TYPE_METADATA_INTEGRITY_MISMATCH',
    );
  });

  test('sd-jwt-vc §Integrity: sha384 preferred over sha256 when both present', () => {
    const wrong256 = sri('sha256', 'other');
    const wrong384 = sri('sha384', 'other');
    expect(() => checkIntegrity(doc, `${wrong256} ${sri('sha384', doc)}`)).not.toThrow();
    // A matching sha256 does not rescue a mismatching sha384: only the strongest algorithm counts.
    expect(thrown(() => checkIntegrity(doc, `${sri('sha256', doc)} ${wrong384}`)).code).toBe(
      'TYPE_METADATA_INTEGRITY_MISMATCH',
    );
  });

  test('sd-jwt-vc §Integrity: sha512 is the strongest of the three', () => {
    expect(() => checkIntegrity(doc, `${sri('sha384', doc)} ${sri('sha512', doc)}`)).not.toThrow();
    expect(thrown(() => checkIntegrity(doc, `${sri('sha384', doc)} ${sri('sha512', 'x')}`)).code).toBe(
      'TYPE_METADATA_INTEGRITY_MISMATCH',
    );
  });

  test('sd-jwt-vc §Integrity: any value of the strongest algorithm may match', () => {
    expect(() => checkIntegrity(doc, `${sri('sha384', 'old version')} ${sri('sha384', doc)}`)).not.toThrow();
  });

  test('sd-jwt-vc §Integrity: only unknown algorithms is a mismatch, never a pass', () => {
    const md5 = `md5-${createHash('md5').update(doc).digest('base64')}`;
    const sha1 = `sha1-${createHash('sha1').update(doc).digest('base64')}`;
    expect(thrown(() => checkIntegrity(doc, `${md5} ${sha1}`)).code).toBe('TYPE_METADATA_INTEGRITY_MISMATCH');
    expect(thrown(() => checkIntegrity(doc, '')).code).toBe('TYPE_METADATA_INTEGRITY_MISMATCH');
    expect(thrown(() => checkIntegrity(doc, 'constructor-AAAA')).code).toBe(
      'TYPE_METADATA_INTEGRITY_MISMATCH',
    );
  });

  test('sd-jwt-vc §Integrity: unknown algorithms beside a known one are ignored', () => {
    expect(() => checkIntegrity(doc, `sha3_512-AAAA ${sri('sha256', doc)} md5-AAAA`)).not.toThrow();
  });

  test('sd-jwt-vc §Integrity: SRI syntax — any whitespace separates, options after "?" are ignored', () => {
    expect(() =>
      checkIntegrity(doc, `\n\t${sri('sha256', 'x')}\r\n ${sri('sha256', doc)}?ct=application/json `),
    ).not.toThrow();
    // base64url spelling of the same digest value.
    const b64url = createHash('sha256').update(doc).digest('base64url');
    expect(() => checkIntegrity(doc, `sha256-${b64url}`)).not.toThrow();
  });

  test('sd-jwt-vc §Integrity: a malformed or truncated value is a mismatch', () => {
    const good = sri('sha256', doc);
    for (const bad of ['sha256-!!!', 'sha256-', good.slice(0, -4), `${good}AAAA`]) {
      expect(thrown(() => checkIntegrity(doc, bad)).code).toBe('TYPE_METADATA_INTEGRITY_MISMATCH');
    }
  });
});

// ---- §Type Metadata Format, §Display Metadata, §Claim Metadata -------------------------------------

// Abbreviated from the spec's "Example Type Metadata" appendix.
const EDUCATION: TypeMetadata = {
  vct: 'https://betelgeuse.example.com/education_credential/v42',
  name: 'Betelgeuse Education Credential - First Version',
  display: [
    {
      locale: 'en-US',
      name: 'Betelgeuse Education Credential',
      rendering: {
        simple: {
          logo: { uri: 'https://betelgeuse.example.com/public/education-logo.png', alt_text: 'logo' },
          background_color: '#12107c',
          text_color: '#FFFFFF',
        },
        svg_templates: [
          {
            uri: 'https://betelgeuse.example.com/public/credential-english.svg',
            properties: { orientation: 'landscape', color_scheme: 'light', contrast: 'high' },
          },
        ],
      },
    },
    { locale: 'de-DE', name: 'Betelgeuse-Bildungsnachweis' },
  ],
  claims: [
    {
      path: ['name'],
      display: [
        { locale: 'de-DE', label: 'Vor- und Nachname' },
        { locale: 'en-US', label: 'Name' },
      ],
      sd: 'always',
      mandatory: true,
    },
    { path: ['address'], sd: 'always' },
    { path: ['address', 'street_address'], sd: 'always', svg_id: 'address_street_address' },
    { path: ['degrees'], sd: 'never' },
    { path: ['degrees', null], sd: 'always' },
    {
      path: ['degrees', null, 'field_of_study'],
      display: [
        { locale: 'de-DE', label: 'Studienfach' },
        { locale: 'en-US', label: 'Field of Study' },
      ],
      sd: 'never',
    },
    { path: ['degrees', null, 'date_awarded'], sd: 'always' },
  ],
};

describe('sd-jwt-vc §Type Metadata Format', () => {
  test('sd-jwt-vc §Type Metadata Format: the spec example parses and extension members survive', () => {
    const input = {
      ...EDUCATION,
      x_registry_id: 42,
      claims: [{ path: ['name'], sd: 'always', x_hint: { a: 1 } }],
      display: [{ locale: 'en', name: 'n', rendering: { simple: {}, x_method: { any: true } } }],
    };
    const parsed = parseTypeMetadata(input);
    expect(parsed.x_registry_id).toBe(42);
    expect(parsed.claims?.[0]?.x_hint).toEqual({ a: 1 });
    expect(parsed.display?.[0]?.rendering?.x_method).toEqual({ any: true });
    expect(zTypeMetadata.safeParse(EDUCATION).success).toBe(true);
  });

  test('sd-jwt-vc §Type Metadata Format: vct is required and the document must be an object', () => {
    expect(thrown(() => parseTypeMetadata({ name: 'no vct' })).code).toBe('TYPE_METADATA_INVALID');
    expect(thrown(() => parseTypeMetadata([])).code).toBe('TYPE_METADATA_INVALID');
    expect(thrown(() => parseTypeMetadata({ vct: '' })).code).toBe('TYPE_METADATA_INVALID');
  });

  test('sd-jwt-vc §Type Metadata Format: errors name members, never values', () => {
    const error = thrown(() => parseTypeMetadata({ vct: 'v', claims: [{ path: ['x'], sd: 'Amina Yusuf' }] }));
    expect(error.details?.issues).toEqual(['claims.0.sd: invalid_value']);
    expect(JSON.stringify(error.toJSON())).not.toContain('Amina');
  });

  test('sd-jwt-vc §Claim Path: a non-empty array of strings, null and non-negative integers', () => {
    for (const path of [['a'], ['a', null, 0], [null]]) {
      expect(zClaimMetadata.safeParse({ path }).success).toBe(true);
    }
    for (const path of [[], [-1], [1.5], [true], ['a', {}], 'a']) {
      expect(zClaimMetadata.safeParse({ path }).success).toBe(false);
    }
  });

  test('sd-jwt-vc §Claim Selective Disclosure Metadata: sd is always, allowed or never', () => {
    expect(zClaimMetadata.safeParse({ path: ['a'], sd: 'allowed' }).success).toBe(true);
    expect(zClaimMetadata.safeParse({ path: ['a'], sd: 'sometimes' }).success).toBe(false);
    expect(zClaimMetadata.safeParse({ path: ['a'], mandatory: 'yes' }).success).toBe(false);
  });

  test('sd-jwt-vc §Claim Metadata: svg_id is letters, digits and underscores, not leading digit, unique', () => {
    expect(zClaimMetadata.safeParse({ path: ['a'], svg_id: 'address_1' }).success).toBe(true);
    for (const svgId of ['1address', 'a-b', 'a b', '']) {
      expect(zClaimMetadata.safeParse({ path: ['a'], svg_id: svgId }).success).toBe(false);
    }
    const twice = {
      vct: 'v',
      claims: [
        { path: ['a'], svg_id: 's' },
        { path: ['b'], svg_id: 's' },
      ],
    };
    expect(thrown(() => parseTypeMetadata(twice)).code).toBe('TYPE_METADATA_INVALID');
  });

  test('sd-jwt-vc §Claim Metadata: two entries for one path are refused', () => {
    const doc = { vct: 'v', claims: [{ path: ['a', 0] }, { path: ['a', '0'] }] };
    expect(parseTypeMetadata(doc).claims).toHaveLength(2);
    const twice = {
      vct: 'v',
      claims: [
        { path: ['a', null], sd: 'always' },
        { path: ['a', null], sd: 'never' },
      ],
    };
    expect(thrown(() => parseTypeMetadata(twice)).code).toBe('TYPE_METADATA_INVALID');
  });

  test('sd-jwt-vc §Rendering Metadata: uris are https URLs or data: URIs only', () => {
    const withLogo = (uri: string) => ({
      vct: 'v',
      display: [{ locale: 'en', name: 'n', rendering: { simple: { logo: { uri } } } }],
    });
    expect(zTypeMetadata.safeParse(withLogo('https://cdn.example/logo.png')).success).toBe(true);
    expect(zTypeMetadata.safeParse(withLogo('data:image/png;base64,iVBORw0KGgo=')).success).toBe(true);
    for (const uri of [
      'http://cdn.example/logo.png',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'logo.png',
    ]) {
      expect(zTypeMetadata.safeParse(withLogo(uri)).success).toBe(false);
    }
  });

  test('sd-jwt-vc §Rendering Method "svg_templates": properties required when there are several', () => {
    const svg = (templates: unknown[]) => ({
      vct: 'v',
      display: [{ locale: 'en', name: 'n', rendering: { svg_templates: templates } }],
    });
    const uri = 'https://cdn.example/t.svg';
    expect(zTypeMetadata.safeParse(svg([{ uri }])).success).toBe(true);
    expect(
      zTypeMetadata.safeParse(svg([{ uri }, { uri, properties: { orientation: 'portrait' } }])).success,
    ).toBe(false);
    expect(zTypeMetadata.safeParse(svg([{ uri, properties: {} }])).success).toBe(false);
    expect(zTypeMetadata.safeParse(svg([{ uri, properties: { orientation: 'sideways' } }])).success).toBe(
      false,
    );
  });

  test('sd-jwt-vc §Display Metadata: locale is a language tag and name is required', () => {
    expect(zTypeMetadata.safeParse({ vct: 'v', display: [{ locale: 'ar', name: 'x' }] }).success).toBe(true);
    expect(zTypeMetadata.safeParse({ vct: 'v', display: [{ locale: 'ar' }] }).success).toBe(false);
    expect(zTypeMetadata.safeParse({ vct: 'v', display: [{ locale: 'not a tag', name: 'x' }] }).success).toBe(
      false,
    );
  });
});

// ---- §Retrieving Type Metadata ---------------------------------------------------------------------

describe('sd-jwt-vc §Retrieving Type Metadata', () => {
  test('sd-jwt-vc §Retrieving: a pre-registered local type is used without any request', async () => {
    const metadata = await resolveTypeMetadata(EDUCATION.vct, {
      local: { [EDUCATION.vct]: EDUCATION },
      fetch: noNetwork,
    });
    expect(metadata.claims).toEqual(EDUCATION.claims);
  });

  test('sd-jwt-vc §Retrieving: local bytes are checked against vct#integrity', async () => {
    const bytes = utf8(json({ vct: 'urn:haven:test:1' }));
    const local = { 'urn:haven:test:1': bytes };
    await expect(
      resolveTypeMetadata('urn:haven:test:1', { local, integrity: sri('sha256', bytes) }),
    ).resolves.toEqual({
      vct: 'urn:haven:test:1',
    });
    const error = await rejection(
      resolveTypeMetadata('urn:haven:test:1', { local, integrity: sri('sha256', 'x') }),
    );
    expect(error.code).toBe('TYPE_METADATA_INTEGRITY_MISMATCH');
  });

  test('sd-jwt-vc §Retrieving: a local object entry is still validated', async () => {
    const local = { 'urn:x': { vct: 'urn:x', claims: [{ path: [] }] } as unknown as TypeMetadata };
    expect((await rejection(resolveTypeMetadata('urn:x', { local }))).code).toBe('TYPE_METADATA_INVALID');
  });

  test('sd-jwt-vc §Retrieving: a type that is neither registered nor an https URL is not found', async () => {
    const error = await rejection(resolveTypeMetadata('urn:eudi:pid:1', { fetch: noNetwork, local: {} }));
    expect(error.code).toBe('TYPE_METADATA_NOT_FOUND');
    // Local lookup is by own property: inherited names do not resolve to Object.prototype members.
    for (const vct of ['constructor', '__proto__', 'toString']) {
      expect((await rejection(resolveTypeMetadata(vct, { local: {} }))).code).toBe('TYPE_METADATA_NOT_FOUND');
    }
  });

  test('sd-jwt-vc §Retrieving: without a fetcher, a URL type is not fetched', async () => {
    const error = await rejection(resolveTypeMetadata('https://types.example/a'));
    expect(error.code).toBe('TYPE_METADATA_NOT_FOUND');
  });

  test('sd-jwt-vc §From a URL in the vct Claim: fetched through the guarded fetcher, vct#integrity checked', async () => {
    let body = '';
    const { origin, hits } = await serve((o) => {
      body = json({ vct: `${o}/types/a`, display: [{ locale: 'en', name: 'A' }] });
      return { '/types/a': { body } };
    });
    const vct = `${origin}/types/a`;
    const fetch = loopbackFetch();
    const metadata = await resolveTypeMetadata(vct, { fetch, integrity: sri('sha256', body) });
    expect(displayFor(metadata, ['en'])?.name).toBe('A');
    const error = await rejection(resolveTypeMetadata(vct, { fetch, integrity: sri('sha256', `${body} `) }));
    expect(error.code).toBe('TYPE_METADATA_INTEGRITY_MISMATCH');
    expect(hits.get('/types/a')).toBe(2);
  });

  test('sd-jwt-vc §Retrieving: the document vct must equal the requested vct', async () => {
    const { origin } = await serve(() => ({
      '/types/a': { body: json({ vct: 'https://types.example/other' }) },
    }));
    const error = await rejection(resolveTypeMetadata(`${origin}/types/a`, { fetch: loopbackFetch() }));
    expect(error.code).toBe('TYPE_METADATA_INVALID');
    // A trailing slash is another identifier: no URL normalisation.
    const { origin: o2 } = await serve((o) => ({ '/types/a': { body: json({ vct: `${o}/types/a/` }) } }));
    expect((await rejection(resolveTypeMetadata(`${o2}/types/a`, { fetch: loopbackFetch() }))).code).toBe(
      'TYPE_METADATA_INVALID',
    );
  });

  test('sd-jwt-vc §HTTP retrieval: 404 is not found and an error response is never used as the document', async () => {
    const { origin } = await serve((o) => ({
      '/types/broken': { status: 500, body: json({ vct: `${o}/types/broken` }) },
    }));
    const fetch = loopbackFetch();
    const missing = await rejection(resolveTypeMetadata(`${origin}/types/missing`, { fetch }));
    expect(missing.code).toBe('TYPE_METADATA_NOT_FOUND');
    expect(missing.details?.status).toBe(404);
    const broken = await rejection(resolveTypeMetadata(`${origin}/types/broken`, { fetch }));
    expect(broken.code).toBe('TYPE_METADATA_NOT_FOUND');
    expect(broken.details?.status).toBe(500);
  });

  test('sd-jwt-vc §HTTP retrieval: size-bound — a 2 MB document is cut off by the fetch cap', async () => {
    const { origin, hits } = await serve((o) => ({
      '/types/big': { body: json({ vct: `${o}/types/big`, description: 'x'.repeat(2 * 1024 * 1024) }) },
    }));
    const error = await rejection(
      resolveTypeMetadata(`${origin}/types/big`, { fetch: loopbackFetch({ maxBytes: 64 * 1024 }) }),
    );
    expect(error.code).toBe('FETCH_TOO_LARGE');
    expect(hits.get('/types/big')).toBe(1);
  });

  test('sd-jwt-vc §HTTP retrieval: content must be a strict JSON object (non-JSON, duplicate keys)', async () => {
    const { origin } = await serve((o) => ({
      '/html': { body: '<html>not json</html>' },
      '/array': { body: '[]' },
      // Two readers could see two different types: refused rather than last-one-wins.
      '/dup': { body: `{"vct":"${o}/dup","claims":[],"claims":[{"path":["a"],"sd":"never"}]}` },
    }));
    const fetch = loopbackFetch();
    const html = await rejection(resolveTypeMetadata(`${origin}/html`, { fetch }));
    expect(html.code).toBe('TYPE_METADATA_INVALID');
    expect(html.details?.reason).toBe('JSON_INVALID');
    const array = await rejection(resolveTypeMetadata(`${origin}/array`, { fetch }));
    expect(array.code).toBe('TYPE_METADATA_INVALID');
    const dup = await rejection(resolveTypeMetadata(`${origin}/dup`, { fetch }));
    expect(dup.code).toBe('TYPE_METADATA_INVALID');
    expect(dup.details?.reason).toBe('JSON_DUPLICATE_KEY');
  });

  test('sd-jwt-vc §Server-Side Request Forgery: private addresses and plain http to public hosts are refused', async () => {
    // No connection is made in either case: the guarded fetcher refuses before connecting.
    const strict = createGuardedFetch({ connectTimeoutMs: 1000 });
    expect((await rejection(resolveTypeMetadata('https://10.0.0.1/types/a', { fetch: strict }))).code).toBe(
      'FETCH_ADDRESS_BLOCKED',
    );
    expect(
      (await rejection(resolveTypeMetadata('https://169.254.169.254/latest', { fetch: strict }))).code,
    ).toBe('FETCH_ADDRESS_BLOCKED');
    expect((await rejection(resolveTypeMetadata('http://types.example/a', { fetch: strict }))).code).toBe(
      'FETCH_SCHEME_NOT_ALLOWED',
    );
    // Even a test fetcher that allows loopback does not allow plain http to a public address.
    const loopback = loopbackFetch({ resolve: async () => [{ address: '93.184.216.34', family: 4 }] });
    expect((await rejection(resolveTypeMetadata('http://types.example/a', { fetch: loopback }))).code).toBe(
      'FETCH_SCHEME_NOT_ALLOWED',
    );
  });
});

// ---- §Extending Type Metadata, §Circular extends ---------------------------------------------------

describe('sd-jwt-vc §Extending Type Metadata', () => {
  test('sd-jwt-vc §Extending Claim Metadata: the spec example gives the spec effective claims', async () => {
    const base: TypeMetadata = {
      vct: 'https://example.com/base-type-metadata',
      claims: [
        { path: ['name'], display: [{ label: 'Full Name', locale: 'en' }] },
        {
          path: ['address', 'city'],
          display: [
            { label: 'City', locale: 'en' },
            { label: 'Ville', locale: 'fr' },
          ],
        },
      ],
    };
    const child: TypeMetadata = {
      vct: 'https://example.com/custom-type-metadata',
      extends: 'https://example.com/base-type-metadata',
      claims: [
        { path: ['address', 'city'], display: [{ label: 'Town', locale: 'en' }] },
        { path: ['nationalities'], display: [{ label: 'Nationalities', locale: 'en' }] },
      ],
    };
    const metadata = await resolveTypeMetadata(child.vct, {
      local: { [base.vct]: base, [child.vct]: child },
    });
    // Contents are never merged: the child's one-locale display replaces the parent's two.
    expect(metadata.claims).toEqual([
      { path: ['name'], display: [{ label: 'Full Name', locale: 'en' }] },
      { path: ['address', 'city'], display: [{ label: 'Town', locale: 'en' }] },
      { path: ['nationalities'], display: [{ label: 'Nationalities', locale: 'en' }] },
    ]);
    expect(metadata.vct).toBe(child.vct);
  });

  test('sd-jwt-vc §Extending Claim Metadata: members of one path combine, the child winning', () => {
    const parent: TypeMetadata = {
      vct: 'p',
      claims: [{ path: ['a'], sd: 'always', svg_id: 'a', mandatory: true }],
    };
    const child: TypeMetadata = {
      vct: 'c',
      extends: 'p',
      claims: [{ path: ['a'], display: [{ locale: 'en', label: 'A' }] }],
    };
    expect(mergeTypeMetadata(parent, child).claims).toEqual([
      { path: ['a'], sd: 'always', svg_id: 'a', mandatory: true, display: [{ locale: 'en', label: 'A' }] },
    ]);
  });

  test('sd-jwt-vc §Extending Display Metadata: a child display replaces the parent display, else it is inherited', () => {
    const parent: TypeMetadata = {
      vct: 'p',
      name: 'parent',
      display: [
        { locale: 'en', name: 'Parent' },
        { locale: 'fr', name: 'Parent FR' },
      ],
      x_ext: 1,
    };
    const withDisplay = mergeTypeMetadata(parent, {
      vct: 'c',
      extends: 'p',
      display: [{ locale: 'ar', name: 'C' }],
    });
    expect(withDisplay.display).toEqual([{ locale: 'ar', name: 'C' }]);
    const without = mergeTypeMetadata(parent, { vct: 'c', extends: 'p' });
    expect(without.display).toEqual(parent.display);
    expect(without.vct).toBe('c');
    expect(without.name).toBeUndefined();
    expect(without.x_ext).toBe(1);
  });

  test('sd-jwt-vc §Extending: extends is followed over the network with extends#integrity checked', async () => {
    let parentBody = '';
    const { origin, hits } = await serve((o) => {
      parentBody = json({ vct: `${o}/base`, claims: [{ path: ['given_name'], sd: 'always' }] });
      return {
        '/base': { body: parentBody },
        '/good': {
          body: json({
            vct: `${o}/good`,
            extends: `${o}/base`,
            'extends#integrity': sri('sha384', parentBody),
          }),
        },
        '/bad': {
          body: json({ vct: `${o}/bad`, extends: `${o}/base`, 'extends#integrity': sri('sha384', '{}') }),
        },
      };
    });
    const fetch = loopbackFetch();
    const good = await resolveTypeMetadata(`${origin}/good`, { fetch });
    expect(sdPolicyFor(good, ['given_name'])).toBe('always');
    const bad = await rejection(resolveTypeMetadata(`${origin}/bad`, { fetch }));
    expect(bad.code).toBe('TYPE_METADATA_INTEGRITY_MISMATCH');
    expect(hits.get('/base')).toBe(2);
  });

  test('sd-jwt-vc §Extending: the extended document must describe the type named in extends', async () => {
    const local = {
      'urn:child': { vct: 'urn:child', extends: 'urn:base' },
      'urn:base': { vct: 'urn:impostor' },
    };
    expect((await rejection(resolveTypeMetadata('urn:child', { local }))).code).toBe('TYPE_METADATA_INVALID');
  });

  test('sd-jwt-vc §Circular extends: A → B → A is refused and nothing is fetched twice', async () => {
    const { origin, hits } = await serve((o) => ({
      '/a': { body: json({ vct: `${o}/a`, extends: `${o}/b` }) },
      '/b': { body: json({ vct: `${o}/b`, extends: `${o}/a` }) },
    }));
    const error = await rejection(resolveTypeMetadata(`${origin}/a`, { fetch: loopbackFetch() }));
    expect(error.code).toBe('TYPE_METADATA_EXTENDS_CYCLE');
    expect(hits.get('/a')).toBe(1);
    expect(hits.get('/b')).toBe(1);
  });

  test('sd-jwt-vc §Circular extends: a type extending itself is a cycle', async () => {
    const local = { 'urn:self': { vct: 'urn:self', extends: 'urn:self' } };
    expect((await rejection(resolveTypeMetadata('urn:self', { local }))).code).toBe(
      'TYPE_METADATA_EXTENDS_CYCLE',
    );
  });

  test('sd-jwt-vc §Circular extends: 5 extends links resolve, 6 are too deep', async () => {
    const chain = (links: number) => {
      const local: Record<string, TypeMetadata> = {};
      for (let i = 0; i <= links; i++) {
        local[`urn:t:${i}`] = {
          vct: `urn:t:${i}`,
          ...(i < links ? { extends: `urn:t:${i + 1}` } : {}),
          claims: [{ path: [`c${i}`] }],
        };
      }
      return local;
    };
    const five = await resolveTypeMetadata('urn:t:0', { local: chain(5) });
    expect(five.claims?.map((c) => c.path[0])).toEqual(['c5', 'c4', 'c3', 'c2', 'c1', 'c0']);
    const error = await rejection(resolveTypeMetadata('urn:t:0', { local: chain(6) }));
    expect(error.code).toBe('TYPE_METADATA_EXTENDS_TOO_DEEP');
    expect((await rejection(resolveTypeMetadata('urn:t:0', { local: chain(1), maxDepth: 0 }))).code).toBe(
      'TYPE_METADATA_EXTENDS_TOO_DEEP',
    );
    await expect(resolveTypeMetadata('urn:t:0', { local: chain(0), maxDepth: 0 })).resolves.toBeDefined();
  });

  test('sd-jwt-vc §Limitations for sd and mandatory: sd always or never cannot change', () => {
    const merge = (
      parentSd: 'always' | 'allowed' | 'never' | undefined,
      childSd: 'always' | 'allowed' | 'never',
    ) =>
      mergeTypeMetadata(
        { vct: 'p', claims: [{ path: ['a'], ...(parentSd ? { sd: parentSd } : {}) }] },
        { vct: 'c', extends: 'p', claims: [{ path: ['a'], sd: childSd }] },
      );
    for (const [from, to] of [
      ['always', 'never'],
      ['always', 'allowed'],
      ['never', 'allowed'],
      ['never', 'always'],
    ] as const) {
      expect(thrown(() => merge(from, to)).code).toBe('TYPE_METADATA_SD_CONFLICT');
    }
    expect(merge('allowed', 'never').claims?.[0]?.sd).toBe('never');
    expect(merge(undefined, 'always').claims?.[0]?.sd).toBe('always');
    expect(merge('always', 'always').claims?.[0]?.sd).toBe('always');
    // Omitting sd in the child keeps the parent's.
    const kept = mergeTypeMetadata(
      { vct: 'p', claims: [{ path: ['a'], sd: 'never' }] },
      { vct: 'c', extends: 'p', claims: [{ path: ['a'], mandatory: true }] },
    );
    expect(kept.claims?.[0]).toEqual({ path: ['a'], sd: 'never', mandatory: true });
  });

  test('sd-jwt-vc §Limitations for sd and mandatory: mandatory true cannot be relaxed', async () => {
    const local = {
      'urn:base': { vct: 'urn:base', claims: [{ path: ['birthdate'], mandatory: true }] },
      'urn:relaxed': {
        vct: 'urn:relaxed',
        extends: 'urn:base',
        claims: [{ path: ['birthdate'], mandatory: false }],
      },
      'urn:opt': { vct: 'urn:opt', claims: [{ path: ['birthdate'] }] },
      'urn:stricter': {
        vct: 'urn:stricter',
        extends: 'urn:opt',
        claims: [{ path: ['birthdate'], mandatory: true }],
      },
    };
    expect((await rejection(resolveTypeMetadata('urn:relaxed', { local }))).code).toBe(
      'TYPE_METADATA_MANDATORY_CONFLICT',
    );
    expect(
      claimMetadataFor(await resolveTypeMetadata('urn:stricter', { local }), ['birthdate'])?.mandatory,
    ).toBe(true);
  });

  test('sd-jwt-vc §Limitations for sd: a conflict deep in a fetched chain rejects the whole type', async () => {
    const local = {
      'urn:root': { vct: 'urn:root', claims: [{ path: ['portrait'], sd: 'always' as const }] },
      'urn:mid': { vct: 'urn:mid', extends: 'urn:root' },
      'urn:leaf': {
        vct: 'urn:leaf',
        extends: 'urn:mid',
        claims: [{ path: ['portrait'], sd: 'never' as const }],
      },
    };
    expect((await rejection(resolveTypeMetadata('urn:leaf', { local }))).code).toBe(
      'TYPE_METADATA_SD_CONFLICT',
    );
  });
});

// ---- §Claim Metadata lookups -------------------------------------------------------------------------

describe('sd-jwt-vc §Claim Metadata lookups', () => {
  test('sd-jwt-vc §Claim Selective Disclosure Metadata: absent sd, or no entry, means allowed', () => {
    const metadata: TypeMetadata = { vct: 'v', claims: [{ path: ['email'] }] };
    expect(sdPolicyFor(metadata, ['email'])).toBe('allowed');
    expect(sdPolicyFor(metadata, ['phone'])).toBe('allowed');
    expect(sdPolicyFor({ vct: 'v' }, ['phone'])).toBe('allowed');
  });

  test('sd-jwt-vc §Claim Path: the spec degrees example — null covers every index', () => {
    expect(sdPolicyFor(EDUCATION, ['degrees'])).toBe('never');
    expect(sdPolicyFor(EDUCATION, ['degrees', 0])).toBe('always');
    expect(sdPolicyFor(EDUCATION, ['degrees', 7])).toBe('always');
    expect(sdPolicyFor(EDUCATION, ['degrees', null])).toBe('always');
    expect(sdPolicyFor(EDUCATION, ['degrees', 3, 'field_of_study'])).toBe('never');
    expect(sdPolicyFor(EDUCATION, ['degrees', 1, 'date_awarded'])).toBe('always');
    // A string component does not match null: degrees is an array, "x" selects nothing.
    expect(sdPolicyFor(EDUCATION, ['degrees', 'x'])).toBe('allowed');
    expect(sdPolicyFor(EDUCATION, ['address', 'street_address'])).toBe('always');
    expect(sdPolicyFor(EDUCATION, ['address', 'city'])).toBe('allowed');
  });

  test('sd-jwt-vc §Claim Metadata: the exact path is preferred over an entry matching through null', () => {
    const metadata: TypeMetadata = {
      vct: 'v',
      claims: [
        { path: ['items', null], display: [{ locale: 'en', label: 'Item' }], sd: 'always' },
        { path: ['items', 0], display: [{ locale: 'en', label: 'First item' }] },
      ],
    };
    expect(claimMetadataFor(metadata, ['items', 0])?.display?.[0]?.label).toBe('First item');
    expect(claimMetadataFor(metadata, ['items', 1])?.display?.[0]?.label).toBe('Item');
    expect(claimMetadataFor(metadata, ['other'])).toBeUndefined();
    // The wildcard's sd still holds for the element the specific entry describes.
    expect(sdPolicyFor(metadata, ['items', 0])).toBe('always');
  });

  test('sd-jwt-vc §Claim Selective Disclosure Metadata: always and never applying together is a conflict', () => {
    const metadata: TypeMetadata = {
      vct: 'v',
      claims: [
        { path: ['items', null], sd: 'always' },
        { path: ['items', 0], sd: 'never' },
      ],
    };
    expect(thrown(() => sdPolicyFor(metadata, ['items', 0])).code).toBe('TYPE_METADATA_SD_CONFLICT');
    expect(sdPolicyFor(metadata, ['items', 1])).toBe('always');
  });
});

// ---- §Display Metadata: locale choice ------------------------------------------------------------------

describe('sd-jwt-vc §Display Metadata locale choice', () => {
  const metadata: TypeMetadata = {
    vct: 'v',
    display: [
      { locale: 'en', name: 'Identity restoration' },
      { locale: 'fr-FR', name: "Restauration d'identité" },
      { locale: 'ar', name: 'استعادة الهوية' },
      { locale: 'zh-Hans', name: 'Hans' },
      { locale: 'zh-Hant', name: 'Hant' },
    ],
  };
  const name = (prefs: string[]) => displayFor(metadata, prefs)?.name;

  test('sd-jwt-vc §Display Metadata: exact tag first, ignoring case', () => {
    expect(name(['FR-fr'])).toBe("Restauration d'identité");
    expect(name(['ar', 'en'])).toBe('استعادة الهوية');
  });

  test('sd-jwt-vc §Display Metadata: RFC 4647 lookup removes subtags from the end', () => {
    expect(name(['ar-SY'])).toBe('استعادة الهوية');
    // zh-Hant-TW → zh-Hant, although zh-Hans comes first and shares the language.
    expect(name(['zh-Hant-TW'])).toBe('Hant');
    expect(name(['en-GB-x-haven'])).toBe('Identity restoration');
  });

  test('sd-jwt-vc §Display Metadata: then any entry of the same language, before the next preference', () => {
    expect(name(['fr-CA', 'en'])).toBe("Restauration d'identité");
  });

  test('sd-jwt-vc §Display Metadata: with no match the first entry, with no display nothing', () => {
    expect(name(['de-DE', 'tr'])).toBe('Identity restoration');
    expect(name([])).toBe('Identity restoration');
    expect(displayFor({ vct: 'v' }, ['en'])).toBeUndefined();
  });

  test('sd-jwt-vc §Claim Display Metadata: the label of the most specific entry that has a display', () => {
    expect(claimDisplayFor(EDUCATION, ['degrees', 2, 'field_of_study'], ['de-AT'])?.label).toBe(
      'Studienfach',
    );
    expect(claimDisplayFor(EDUCATION, ['name'], ['en'])?.label).toBe('Name');
    expect(claimDisplayFor(EDUCATION, ['degrees', 2], ['en'])).toBeUndefined();
  });
});
