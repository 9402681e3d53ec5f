import { digest } from '@haven/core';
import { failW3c } from '../errors.js';

/**
 * A JSON-LD context shipped with the code instead of fetched: its URL, the parsed document (deep-frozen)
 * and the SHA-256 (hex) it is pinned to. For contexts embedded from a published file the hash is over the
 * file's exact bytes; for a context built in code (e.g. `@haven/credentials`' `HAVEN_CREDENTIALS_CONTEXT`)
 * it is over `JSON.stringify(document)`.
 *
 * @example
 * ```ts
 * const loader = createDocumentLoader({ contexts: [HAVEN_CREDENTIALS_CONTEXT] });
 * ```
 */
export interface BundledContext {
  readonly url: string;
  readonly document: Readonly<Record<string, unknown>>;
  readonly sha256: string;
}

/** Contexts whose hash was checked here; membership means `document` is frozen and matches `sha256`. */
const verified = new WeakSet<BundledContext>();

function sha256Hex(text: string): string {
  return Buffer.from(digest('sha-256', text)).toString('hex');
}

/** Freezes a JSON value and everything inside it, so a loaded document cannot be edited by any caller. */
export function deepFreezeJson<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreezeJson(member);
  }
  return value;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Builds a {@link BundledContext} from the exact published text of a context. The hash is checked here,
 * when the module is first evaluated, so a corrupted or edited copy fails at import with
 * `W3C_CONTEXT_INVALID` instead of being used (fail closed: the whole package refuses to run).
 *
 * @example
 * ```ts
 * export const DID_V1_CONTEXT = embeddedContext('https://www.w3.org/ns/did/v1', '62c1…', text);
 * ```
 */
export function embeddedContext(url: string, sha256: string, text: string): BundledContext {
  if (sha256Hex(text) !== sha256)
    failW3c('W3C_CONTEXT_INVALID', 'a bundled context does not match its pinned hash');
  const document: unknown = JSON.parse(text);
  if (!isJsonObject(document)) failW3c('W3C_CONTEXT_INVALID', 'a bundled context is not a JSON object');
  const context = Object.freeze({ url, document: deepFreezeJson(document), sha256 });
  verified.add(context);
  return context;
}

/**
 * Checks a context given by a caller (or added to the registry in code) against its pinned hash, over
 * `JSON.stringify(document)`, and returns a frozen copy that later edits of the caller's object cannot
 * reach. Throws `W3C_CONTEXT_INVALID` on a mismatch or a malformed entry.
 *
 * @example
 * ```ts
 * const checked = checkBundledContext(HAVEN_CREDENTIALS_CONTEXT);
 * ```
 */
export function checkBundledContext(context: BundledContext): BundledContext {
  if (verified.has(context)) return context;
  if (
    !isJsonObject(context) ||
    typeof context.url !== 'string' ||
    typeof context.sha256 !== 'string' ||
    !isJsonObject(context.document)
  ) {
    failW3c('W3C_CONTEXT_INVALID', 'a bundled context needs a url, a document object and a sha256');
  }
  // Hash the copy that will be served, not the caller's object: checking one object and serving another
  // would let an edit between the two slip through.
  const text = JSON.stringify(context.document);
  if (sha256Hex(text) !== context.sha256.toLowerCase()) {
    failW3c('W3C_CONTEXT_INVALID', 'a bundled context does not match its pinned hash', {
      details: { url: context.url },
    });
  }
  const checked = Object.freeze({
    url: context.url,
    document: deepFreezeJson(JSON.parse(text) as Record<string, unknown>),
    sha256: context.sha256,
  });
  verified.add(checked);
  return checked;
}
