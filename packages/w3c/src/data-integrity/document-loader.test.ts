import { digest, toPublicJwk } from '@haven/core';
import { HAVEN_CREDENTIALS_CONTEXT } from '@haven/credentials';
import { encodeMultikey } from '@haven/did';
import { describe, expect, test } from 'vitest';
import { DIDS } from '../../test/fixtures/credentials.js';
import { didJwkOf, didKeyOf, ISSUER_ED25519, ISSUER_P256 } from '../../test/fixtures/keys.js';
import { checkBundledContext } from '../contexts/bundled-context.js';
import { CREDENTIALS_V2_CONTEXT } from '../contexts/credentials-v2.js';
import { createDocumentLoader } from '../contexts/document-loader.js';
import { EXAMPLES_V2_CONTEXT } from '../contexts/examples-v2.js';
import { BUNDLED_CONTEXTS } from '../contexts/registry.js';
import { JOSE_KNOWN_CONTEXTS } from '../jose/known-contexts.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('static document loader (vc-data-integrity §4.4 contexts; JSON-LD 1.1 API §9.4)', () => {
  test('the VC 2.0 context is the exact W3C bytes (sha256 59955ced…2734)', () => {
    expect(CREDENTIALS_V2_CONTEXT.sha256).toBe(
      '59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734',
    );
    expect(BUNDLED_CONTEXTS.map((c) => c.url)).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://w3id.org/security/data-integrity/v2',
      'https://w3id.org/security/multikey/v1',
      'https://www.w3.org/ns/did/v1',
      'https://haven.example/ns/credentials/v1',
    ]);
    // VC-JOSE accepts no context the JSON-LD side could not process.
    for (const url of JOSE_KNOWN_CONTEXTS) expect(BUNDLED_CONTEXTS.map((c) => c.url)).toContain(url);
  });

  test('the examples context (@vocab) is not served by default, only when opted in', async () => {
    expect(await codeOf(createDocumentLoader()(EXAMPLES_V2_CONTEXT.url))).toBe('W3C_CONTEXT_UNKNOWN');
    const loaded = await createDocumentLoader({ contexts: [EXAMPLES_V2_CONTEXT] })(EXAMPLES_V2_CONTEXT.url);
    expect(loaded.document).toEqual({
      '@context': { '@vocab': 'https://www.w3.org/ns/credentials/examples#' },
    });
  });

  test('a context that does not match its pinned hash is refused (W3C_CONTEXT_INVALID)', () => {
    const tampered = {
      ...HAVEN_CREDENTIALS_CONTEXT,
      document: { '@context': { given_name: 'https://attacker.example/#' } },
    };
    expect(() => createDocumentLoader({ contexts: [tampered] })).toThrow(
      expect.objectContaining({ code: 'W3C_CONTEXT_INVALID' }),
    );
    expect(() => checkBundledContext({ ...CREDENTIALS_V2_CONTEXT, sha256: '00' })).toThrow(
      expect.objectContaining({ code: 'W3C_CONTEXT_INVALID' }),
    );
    // A second document for a bundled URL cannot replace it.
    const shadow = { url: CREDENTIALS_V2_CONTEXT.url, document: { '@context': {} }, sha256: '' };
    const withHash = { ...shadow, sha256: checkHashOf(shadow.document) };
    expect(() => createDocumentLoader({ contexts: [withHash] })).toThrow(
      expect.objectContaining({ code: 'W3C_CONTEXT_INVALID' }),
    );
  });

  test('Haven credentials context: one registry entry away (checked by JSON.stringify hash)', async () => {
    const loader = createDocumentLoader({ contexts: [HAVEN_CREDENTIALS_CONTEXT] });
    const loaded = await loader(HAVEN_CREDENTIALS_CONTEXT.url);
    expect(loaded.document).toEqual(HAVEN_CREDENTIALS_CONTEXT.document);
  });

  test('loaded documents are frozen: a caller cannot poison later loads', async () => {
    const loader = createDocumentLoader();
    const first = await loader(CREDENTIALS_V2_CONTEXT.url);
    const context = first.document['@context'] as Record<string, unknown>;
    expect(() => {
      context.name = 'https://attacker.example/#name';
    }).toThrow(TypeError);
    const second = await createDocumentLoader()(CREDENTIALS_V2_CONTEXT.url);
    expect((second.document['@context'] as Record<string, unknown>).name).toBe('https://schema.org/name');
    expect(first.tag).toBe('static');
  });

  test('DID URLs: refused without a resolver; did:jwk JsonWebKey2020 → Multikey; did:key document', async () => {
    const jwk = didJwkOf(ISSUER_P256);
    expect(await codeOf(createDocumentLoader()(jwk.vm))).toBe('W3C_DOCUMENT_LOADER_REFUSED');
    const loader = createDocumentLoader({ dids: DIDS });
    const vm = await loader(jwk.vm);
    expect(vm.document).toEqual({
      '@context': 'https://w3id.org/security/multikey/v1',
      id: jwk.vm,
      type: 'Multikey',
      controller: jwk.did,
      publicKeyMultibase: encodeMultikey(toPublicJwk(ISSUER_P256)),
    });
    expect(Object.isFrozen(vm.document)).toBe(true);
    const key = didKeyOf(ISSUER_ED25519);
    const doc = await loader(key.did);
    expect(doc.document).toMatchObject({ id: key.did, assertionMethod: [key.vm] });
    expect(await codeOf(loader(`${key.did}#other`))).toBe('W3C_VERIFICATION_METHOD_INVALID');
    expect(await codeOf(loader(`${key.did}/path`))).toBe('W3C_DOCUMENT_LOADER_REFUSED');
    expect(await codeOf(loader('did:key:zNotAKey'))).toBe('W3C_DOCUMENT_LOADER_REFUSED');
  });
});

function checkHashOf(document: unknown): string {
  return Buffer.from(digest('sha-256', JSON.stringify(document))).toString('hex');
}
