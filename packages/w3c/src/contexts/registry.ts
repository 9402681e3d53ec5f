import { HAVEN_CREDENTIALS_CONTEXT } from '@haven/credentials';
import type { BundledContext } from './bundled-context.js';
import { CREDENTIALS_V2_CONTEXT } from './credentials-v2.js';
import { DATA_INTEGRITY_V2_CONTEXT } from './data-integrity-v2.js';
import { DID_V1_CONTEXT } from './did-v1.js';
import { MULTIKEY_V1_CONTEXT } from './multikey-v1.js';

/**
 * The contexts every Haven document loader serves. One entry per context; adding a context (e.g.
 * `HAVEN_CREDENTIALS_CONTEXT` from `@haven/credentials`) is one more line here. The examples context is
 * deliberately absent: its `@vocab` would make every undefined term valid (see `EXAMPLES_V2_CONTEXT`).
 *
 * @example
 * ```ts
 * BUNDLED_CONTEXTS.map((c) => c.url) // ['https://www.w3.org/ns/credentials/v2', …]
 * ```
 */
export const BUNDLED_CONTEXTS: readonly BundledContext[] = Object.freeze([
  CREDENTIALS_V2_CONTEXT,
  DATA_INTEGRITY_V2_CONTEXT,
  MULTIKEY_V1_CONTEXT,
  DID_V1_CONTEXT,
  HAVEN_CREDENTIALS_CONTEXT,
]);
