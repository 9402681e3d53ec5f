import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';
import { DOCS_CSS, DOCS_HTML, DOCS_JS } from './docs-page.js';
import { createFakeIssuer } from './fixtures/fake-issuer.test-helper.js';
import { startTestServer, type TestServer } from './fixtures/test-server.test-helper.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ issuer: createFakeIssuer() });
});
afterAll(() => server.close());

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId?: string; responses?: object; security?: unknown[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

const ADMIN_ROUTES = [
  ['post', '/admin/offers'],
  ['get', '/admin/offers'],
  ['get', '/admin/offers/{id}'],
  ['post', '/admin/offers/{id}/withdraw'],
  ['post', '/admin/offers/{id}/decision'],
  ['get', '/admin/credentials'],
  ['get', '/admin/credentials/{id}'],
  ['post', '/admin/credentials/{id}/revoke'],
  ['post', '/admin/credentials/{id}/suspend'],
  ['post', '/admin/credentials/{id}/reinstate'],
  ['get', '/admin/audit'],
] as const;

const WALLET_ROUTES = [
  ['get', '/.well-known/openid-credential-issuer'],
  ['get', '/.well-known/oauth-authorization-server'],
  ['get', '/.well-known/jwt-vc-issuer'],
  ['get', '/offers/{id}'],
  ['post', '/token'],
  ['post', '/nonce'],
  ['post', '/credential'],
  ['post', '/deferred_credential'],
  ['get', '/status/{listId}'],
] as const;

describe('GET /openapi.json', () => {
  test('an OpenAPI 3.1 document with every admin and wallet route, unique operation ids', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBeTruthy();
    for (const [method, path] of [...ADMIN_ROUTES, ...WALLET_ROUTES]) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation?.responses).toBeDefined();
    }
    for (const [method, path] of ADMIN_ROUTES) {
      expect(doc.paths[path]?.[method]?.security).toEqual([{ adminToken: [] }]);
    }
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('every $ref resolves; request schemas come from the zod schemas (strict: no extra members)', () => {
    const doc = buildOpenApiDocument() as unknown as Doc;
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = ref.slice('"#/components/schemas/'.length, -1);
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    expect(doc.components.schemas.CreateOfferRequest).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['credentialType'],
    });
    const search = doc.paths['/admin/credentials']?.get as unknown as { parameters: { name: string }[] };
    const params = search.parameters;
    expect(params.map((p) => p.name).sort()).toEqual(['cursor', 'limit', 'offer', 'state', 'type']);
  });
});

describe('GET /docs', () => {
  test('a self-contained page: no external URL in the HTML, script or style sheet', () => {
    for (const text of [DOCS_HTML, DOCS_JS, DOCS_CSS]) {
      expect(text).not.toMatch(/https?:\/\//);
      expect(text).not.toMatch(/(src|href)\s*=\s*["']?\/\//);
      expect(text).not.toMatch(/@import|url\(/);
    }
    // No inline script or style: the CSP allows 'self' only.
    expect(DOCS_HTML).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(DOCS_HTML).not.toMatch(/<style|style=/);
    expect(DOCS_HTML).not.toMatch(/\son[a-z]+=/);
    // The token is typed in, kept in memory: never stored.
    expect(DOCS_JS).not.toMatch(/localStorage|sessionStorage|document\.cookie/);
    expect(DOCS_JS).not.toMatch(/innerHTML/);
  });

  test('served with a strict CSP; the script and style sheet are separate routes', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const js = await fetch(`${server.url}/docs/docs.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).toBe(DOCS_JS);
    const css = await fetch(`${server.url}/docs/docs.css`);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  test('the script is valid JavaScript', () => {
    expect(() => new Function(DOCS_JS)).not.toThrow();
  });
});
