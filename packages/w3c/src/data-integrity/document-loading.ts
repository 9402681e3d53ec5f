import {
  createDocumentLoader,
  type DocumentLoader,
  type RemoteDocument,
} from '../contexts/document-loader.js';

let contextsOnly: DocumentLoader | undefined;

/**
 * The loader used when a caller gives none and no DIDs are needed (issuing, deriving): the bundled
 * contexts only. Created once.
 *
 * @example
 * ```ts
 * const loader = options.documentLoader ?? bundledContextsLoader();
 * ```
 */
export function bundledContextsLoader(): DocumentLoader {
  contextsOnly ??= createDocumentLoader();
  return contextsOnly;
}

/**
 * Loads each top-level `@context` URL through `loader` before any library call, so an unknown context
 * fails with the loader's own code (`W3C_CONTEXT_UNKNOWN`) even for URLs a library would serve from its
 * own bundle (jsonld-signatures answers the security v1/v2 contexts without asking the loader).
 *
 * @example
 * ```ts
 * await assertContextsLoadable(credential['@context'], loader);
 * ```
 */
export async function assertContextsLoadable(
  contexts: readonly string[],
  loader: DocumentLoader,
): Promise<void> {
  for (const url of contexts) await loader(url);
}

/**
 * A loader that answers `url` with `document` and everything else through `base`: the verification
 * method Haven resolved and checked is the one the cryptosuite reads, without a second resolution.
 *
 * @example
 * ```ts
 * const loader = withDocument(base, proof.verificationMethod, verificationMethodDocument);
 * ```
 */
export function withDocument(
  base: DocumentLoader,
  url: string,
  document: Readonly<Record<string, unknown>>,
): DocumentLoader {
  const answer: RemoteDocument = Object.freeze({ contextUrl: null, documentUrl: url, document });
  return async (requested) => (requested === url ? answer : base(requested));
}
