import { isHavenError } from '@haven/core';
import {
  type DidDocument,
  type DidResolver,
  type DidVerificationMethod,
  encodeMultikey,
  publicJwkFromVerificationMethod,
  VERIFICATION_RELATIONSHIPS,
} from '@haven/did';
import { failW3c } from '../errors.js';
import { type BundledContext, checkBundledContext, deepFreezeJson } from './bundled-context.js';
import { DID_V1_CONTEXT } from './did-v1.js';
import { MULTIKEY_V1_CONTEXT } from './multikey-v1.js';
import { BUNDLED_CONTEXTS } from './registry.js';

/** What a JSON-LD document loader returns (JSON-LD 1.1 API §9.4 RemoteDocument), as jsonld.js reads it. */
export interface RemoteDocument {
  readonly contextUrl: null;
  readonly documentUrl: string;
  /** Deep-frozen: the same object is served to every caller, so nobody can edit it for the next. */
  readonly document: Readonly<Record<string, unknown>>;
  /**
   * `static` tells jsonld.js the document never changes, so it keeps the processed context across
   * operations (contexts only; DID documents change and are not tagged).
   */
  readonly tag?: 'static';
}

/** A JSON-LD document loader: Haven's never touches the network except through a given DID resolver. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Options of {@link createDocumentLoader}. */
export interface DocumentLoaderOptions {
  /**
   * Resolves `did:` URLs to DID documents and verification methods. Without it, DID URLs are refused.
   * did:key and did:jwk resolve offline; did:web goes through the resolver's guarded fetcher.
   */
  dids?: DidResolver;
  /** Contexts served besides {@link BUNDLED_CONTEXTS}, each checked against its pinned hash. */
  contexts?: readonly BundledContext[];
}

/** The DID URL form Haven dereferences: a DID with an optional fragment, no path, query or parameters. */
const DID_URL = /^(did:[a-z0-9]+:[A-Za-z0-9._:%-]+)(?:#([A-Za-z0-9._~:%!$&'()*+,;=@/?-]+))?$/;

const defaultContexts = new Map<string, BundledContext>();
for (const context of BUNDLED_CONTEXTS) defaultContexts.set(context.url, checkBundledContext(context));

function absoluteId(id: string, did: string): string {
  return id.startsWith('#') ? did + id : id;
}

// One converted object per source verification method: resolver documents are frozen and replaced (not
// edited) when their cache entry expires, so a source object always converts to the same value.
const converted = new WeakMap<object, Readonly<Record<string, unknown>>>();

/**
 * The Multikey form (Controlled Identifiers §2.2.2) of a verification method, which is what the
 * @digitalbazaar cryptosuites read: a `JsonWebKey`/`JsonWebKey2020` key (e.g. did:jwk's) is re-encoded
 * with `@haven/did`'s multikey helpers, and a Multikey is re-encoded from its decoded, checked key.
 */
function toMultikey(vm: DidVerificationMethod, did: string): Readonly<Record<string, unknown>> {
  const cached = converted.get(vm);
  if (cached !== undefined) return cached;
  let publicKeyMultibase: string;
  try {
    publicKeyMultibase = encodeMultikey(publicJwkFromVerificationMethod(vm));
  } catch (cause) {
    if (isHavenError(cause)) {
      failW3c('W3C_VERIFICATION_METHOD_INVALID', 'the verification method has no usable key', {
        cause,
        details: { causeCode: cause.code },
      });
    }
    throw cause;
  }
  const out = deepFreezeJson({
    '@context': MULTIKEY_V1_CONTEXT.url,
    id: absoluteId(vm.id, did),
    type: 'Multikey',
    controller: vm.controller,
    publicKeyMultibase,
  });
  converted.set(vm, out);
  return out;
}

/** Every verification method of a document: listed, and embedded under a relationship (DID Core §5.3). */
function methodsOf(document: DidDocument): DidVerificationMethod[] {
  const out = [...(document.verificationMethod ?? [])];
  for (const relationship of VERIFICATION_RELATIONSHIPS) {
    for (const entry of document[relationship] ?? []) if (typeof entry !== 'string') out.push(entry);
  }
  return out;
}

/** The DID document with its keys as Multikeys and only the members the proof purposes read. */
function toLinkedDataDocument(document: DidDocument, did: string): Readonly<Record<string, unknown>> {
  const cached = converted.get(document);
  if (cached !== undefined) return cached;
  const out: Record<string, unknown> = {
    '@context': [DID_V1_CONTEXT.url, MULTIKEY_V1_CONTEXT.url],
    id: document.id,
  };
  if (document.verificationMethod !== undefined) {
    out.verificationMethod = document.verificationMethod.map((vm) => toMultikey(vm, did));
  }
  for (const relationship of VERIFICATION_RELATIONSHIPS) {
    const entries = document[relationship];
    if (entries === undefined) continue;
    out[relationship] = entries.map((e) => (typeof e === 'string' ? absoluteId(e, did) : toMultikey(e, did)));
  }
  const frozen = deepFreezeJson(out);
  converted.set(document, frozen);
  return frozen;
}

async function loadDid(dids: DidResolver, did: string, fragment: string | undefined) {
  let document: DidDocument;
  try {
    document = await dids.resolve(did);
  } catch (cause) {
    // The DID error keeps its own code as a detail; its message never holds the DID.
    failW3c('W3C_DOCUMENT_LOADER_REFUSED', 'the DID could not be resolved', {
      cause,
      details: { causeCode: isHavenError(cause) ? cause.code : null },
    });
  }
  if (fragment === undefined) return toLinkedDataDocument(document, did);
  const id = `${did}#${fragment}`;
  const matches = methodsOf(document).filter((vm) => absoluteId(vm.id, did) === id);
  if (matches.length !== 1) {
    failW3c(
      'W3C_VERIFICATION_METHOD_INVALID',
      'the DID document has no single verification method with this id',
    );
  }
  const vm = matches[0] as DidVerificationMethod;
  // DID Core §5.2.1: a document may list keys of other controllers; they never speak for this DID.
  if (vm.controller !== did) {
    failW3c('W3C_VERIFICATION_METHOD_NOT_AUTHORIZED', 'the verification method is controlled by another DID');
  }
  return toMultikey(vm, did);
}

/**
 * Creates Haven's static JSON-LD document loader. It serves the bundled contexts ({@link BUNDLED_CONTEXTS}
 * plus `contexts`, each pinned by hash, deep-frozen and tagged `static` so jsonld.js caches their
 * processing), and — given `dids` — DID documents and verification methods, converted to the Multikey
 * form. Anything else, including any http(s) URL whatever its host, is refused without a request:
 * `W3C_CONTEXT_UNKNOWN` for other URLs, `W3C_DOCUMENT_LOADER_REFUSED` for DID URLs it cannot serve.
 *
 * Throws `W3C_CONTEXT_INVALID` when an extra context does not match its hash, or two entries share a URL.
 *
 * @example
 * ```ts
 * const documentLoader = createDocumentLoader({ dids: createDidResolver() });
 * const { document } = await documentLoader('https://www.w3.org/ns/credentials/v2');
 * ```
 */
export function createDocumentLoader(options: DocumentLoaderOptions = {}): DocumentLoader {
  let contexts = defaultContexts;
  if (options.contexts !== undefined && options.contexts.length > 0) {
    contexts = new Map(defaultContexts);
    for (const extra of options.contexts) {
      const checked = checkBundledContext(extra);
      const existing = contexts.get(checked.url);
      // Two documents for one URL would make the meaning of a credential depend on which one won.
      if (existing !== undefined && existing.sha256 !== checked.sha256) {
        failW3c('W3C_CONTEXT_INVALID', 'two bundled contexts share one URL');
      }
      contexts.set(checked.url, checked);
    }
  }
  const served = new Map<string, RemoteDocument>();
  for (const [url, context] of contexts) {
    served.set(
      url,
      Object.freeze({ contextUrl: null, documentUrl: url, document: context.document, tag: 'static' }),
    );
  }
  const { dids } = options;

  return async (url: string): Promise<RemoteDocument> => {
    const context = typeof url === 'string' ? served.get(url) : undefined;
    if (context !== undefined) return context;
    if (typeof url === 'string' && url.startsWith('did:')) {
      if (dids === undefined) failW3c('W3C_DOCUMENT_LOADER_REFUSED', 'no DID resolver is configured');
      const match = DID_URL.exec(url);
      if (match === null) {
        failW3c('W3C_DOCUMENT_LOADER_REFUSED', 'only DIDs and DID URLs with a fragment are dereferenced');
      }
      const document = await loadDid(dids, match[1] as string, match[2]);
      return { contextUrl: null, documentUrl: url, document };
    }
    // Never fetched, whatever the host (public, internal, or a cloud metadata address): contexts are code.
    failW3c('W3C_CONTEXT_UNKNOWN', 'the document names a context that is not bundled');
  };
}
