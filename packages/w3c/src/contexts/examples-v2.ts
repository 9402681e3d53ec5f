import { embeddedContext } from './bundled-context.js';

/**
 * `https://www.w3.org/ns/credentials/examples/v2`: from /work/shared/vectors/contexts; its @vocab makes every term defined, so it is opt-in only (tests, spec vectors).
 * The text is the exact file, so its SHA-256 matches the published bytes.
 *
 * @example
 * ```ts
 * createDocumentLoader({ contexts: [EXAMPLES_V2_CONTEXT] });
 * ```
 */
export const EXAMPLES_V2_CONTEXT = embeddedContext(
  'https://www.w3.org/ns/credentials/examples/v2',
  '57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c',
  '{\n  "@context": {\n    "@vocab": "https://www.w3.org/ns/credentials/examples#"\n  }\n}\n',
);
