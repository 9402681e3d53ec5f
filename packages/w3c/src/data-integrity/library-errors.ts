import { HavenError } from '@haven/core';
import { failW3c, type W3cErrorCode } from '../errors.js';

// jsonld.js safe-mode event codes (jsonld.js lib/events.js): fixed strings, never document content.
const SAFE_MODE_EVENTS = new Set([
  'empty object',
  'free-floating scalar',
  'invalid @language value',
  'invalid property',
  'null @id value',
  'null @value value',
  'object with only @language',
  'object with only @list',
  'prepending @base to @id',
  'relative @id reference',
  'relative @type reference',
  'relative @vocab reference',
  'invalid reserved term',
  'reserved @id value',
  'reserved @reverse value',
  'reserved term',
]);

const MAX_DEPTH = 8;

/** The errors an error wraps: `cause`, jsonld.js `details.cause`, jsonld-signatures `errors`/`error`. */
function children(error: object): unknown[] {
  const e = error as { cause?: unknown; details?: { cause?: unknown }; errors?: unknown; error?: unknown };
  const out: unknown[] = [e.cause, e.details?.cause, e.error];
  if (Array.isArray(e.errors)) out.push(...e.errors.slice(0, 16));
  if (Array.isArray(e.error)) out.push(...e.error.slice(0, 16));
  return out;
}

function find<T>(error: unknown, pick: (e: object) => T | undefined, depth = 0): T | undefined {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return undefined;
  const own = pick(error);
  if (own !== undefined) return own;
  for (const child of children(error)) {
    const found = find(child, pick, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The first `HavenError` inside a library error (e.g. the document loader's `W3C_CONTEXT_UNKNOWN`, which
 * jsonld.js wraps in its own `jsonld.InvalidUrl` error), or undefined.
 *
 * @example
 * ```ts
 * const haven = findHavenError(result.error);
 * ```
 */
export function findHavenError(error: unknown): HavenError | undefined {
  return find(error, (e) => (e instanceof HavenError ? e : undefined));
}

/**
 * The jsonld.js safe-mode event code inside a library error (`invalid property` for an undefined term),
 * or undefined. Only codes from the fixed list come out; anything else is `other`.
 *
 * @example
 * ```ts
 * safeModeEvent(error) // 'invalid property'
 * ```
 */
export function safeModeEvent(error: unknown): string | undefined {
  return find(error, (e) => {
    const { name, details } = e as { name?: unknown; details?: { event?: { code?: unknown } } };
    if (name !== 'jsonld.ValidationError') return undefined;
    const code = details?.event?.code;
    return typeof code === 'string' && SAFE_MODE_EVENTS.has(code) ? code : 'other';
  });
}

/**
 * Turns an error thrown or reported by the @digitalbazaar stack into a Haven error and throws it: a
 * `HavenError` found inside is rethrown as it is; a JSON-LD safe-mode failure is `W3C_JSONLD_UNSAFE`;
 * anything else is `fallback` with `message`. The library's own message and error objects are dropped:
 * they can quote document values, challenges or DIDs.
 *
 * @example
 * ```ts
 * try { await vcLibrary.issue(…) } catch (e) { throwLibraryFailure(e, 'W3C_SIGN_FAILED', 'signing failed') }
 * ```
 */
export function throwLibraryFailure(error: unknown, fallback: W3cErrorCode, message: string): never {
  const haven = findHavenError(error);
  if (haven !== undefined) throw haven;
  const event = safeModeEvent(error);
  if (event !== undefined) {
    failW3c(
      'W3C_JSONLD_UNSAFE',
      'the document has a term or value that no context defines (JSON-LD safe mode)',
      {
        details: { event },
      },
    );
  }
  failW3c(fallback, message);
}
