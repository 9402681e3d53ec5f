import { HAVEN_CREDENTIALS_CONTEXT_URL } from '@haven/credentials';
import { DATA_INTEGRITY_V2_CONTEXT } from '../contexts/data-integrity-v2.js';
import { EXAMPLES_V2_CONTEXT } from '../contexts/examples-v2.js';
import { VC_V2_CONTEXT } from '../model/credential.js';

/**
 * The contexts under which a proof configuration's terms are known to expand as below: the VC 2.0 context
 * defines `DataIntegrityProof` and its scoped terms as protected (so no later context can change them),
 * and none of these contexts defines a `did` prefix that would turn a DID URL into another IRI.
 * The tests compare this fast path with jsonld.js for each of them.
 */
const FAST_PATH_CONTEXTS = new Set([
  VC_V2_CONTEXT,
  DATA_INTEGRITY_V2_CONTEXT.url,
  EXAMPLES_V2_CONTEXT.url,
  HAVEN_CREDENTIALS_CONTEXT_URL,
]);

const SEC = 'https://w3id.org/security#';
const XSD_DATE_TIME = 'http://www.w3.org/2001/XMLSchema#dateTime';
const SUBJECT = '_:c14n0';

// Values are only written when they need no N-Quads escaping (RDF 1.1 N-Quads §4): no quote, backslash,
// control character or IRI-forbidden character. Anything else takes the general path.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const DID_URL = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+(?:#[A-Za-z0-9._~:%!$&'()*+,;=@/?-]*)?$/;
const PLAIN_LITERAL = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,512}$/;

const PURPOSE_IRI: Readonly<Record<string, string>> = {
  assertionMethod: `${SEC}assertionMethod`,
  authentication: `${SEC}authenticationMethod`,
};

const MEMBERS = new Set([
  '@context',
  'type',
  'cryptosuite',
  'created',
  'verificationMethod',
  'proofPurpose',
  'challenge',
  'domain',
]);

function contextsAllowFastPath(context: unknown): boolean {
  if (!Array.isArray(context) || context[0] !== VC_V2_CONTEXT) return false;
  return context.every((c) => typeof c === 'string' && FAST_PATH_CONTEXTS.has(c));
}

/**
 * The RDFC-1.0 canonical N-Quads of an eddsa-rdfc-2022 proof configuration (vc-di-eddsa §3.3.5
 * "Proof Configuration" → RDFC-1.0), written directly for the common shape — `type`, `cryptosuite`,
 * `created`, `verificationMethod`, `proofPurpose` (+ `challenge`, `domain` for presentations) under known
 * contexts — or `undefined` for anything else, which then goes through jsonld.js and rdf-canonize.
 *
 * Why: with jsonld.js 9 the proof configuration costs more than the credential itself (its type-scoped
 * contexts are re-processed from a deep clone on every call), and its shape is fixed by the spec. The one
 * blank node is labelled `_:c14n0` and the quads are sorted, as RDFC-1.0 would.
 *
 * @example
 * ```ts
 * proofConfigNQuads({ '@context': [VC_V2_CONTEXT], type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022',
 *   created: '2023-02-24T23:36:38Z', verificationMethod: 'did:key:z6Mk…#z6Mk…', proofPurpose: 'assertionMethod' });
 * ```
 */
export function proofConfigNQuads(input: Readonly<Record<string, unknown>>): string | undefined {
  for (const key of Object.keys(input)) if (!MEMBERS.has(key)) return undefined;
  const { type, cryptosuite, created, verificationMethod, proofPurpose, challenge, domain } = input;
  if (!contextsAllowFastPath(input['@context'])) return undefined;
  if (type !== 'DataIntegrityProof' || cryptosuite !== 'eddsa-rdfc-2022') return undefined;
  if (typeof verificationMethod !== 'string' || !DID_URL.test(verificationMethod)) return undefined;
  if (typeof proofPurpose !== 'string' || !Object.hasOwn(PURPOSE_IRI, proofPurpose)) return undefined;
  const lines = [
    `${SUBJECT} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${SEC}DataIntegrityProof> .\n`,
    `${SUBJECT} <${SEC}cryptosuite> "eddsa-rdfc-2022"^^<${SEC}cryptosuiteString> .\n`,
    `${SUBJECT} <${SEC}proofPurpose> <${PURPOSE_IRI[proofPurpose]}> .\n`,
    `${SUBJECT} <${SEC}verificationMethod> <${verificationMethod}> .\n`,
  ];
  if (created !== undefined) {
    if (typeof created !== 'string' || !DATE_TIME.test(created)) return undefined;
    lines.push(`${SUBJECT} <http://purl.org/dc/terms/created> "${created}"^^<${XSD_DATE_TIME}> .\n`);
  }
  for (const [name, value] of [
    ['challenge', challenge],
    ['domain', domain],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || !PLAIN_LITERAL.test(value)) return undefined;
    lines.push(`${SUBJECT} <${SEC}${name}> "${value}" .\n`);
  }
  // RDFC-1.0 §4.4 step 5: the canonical N-Quads, sorted in code point order.
  lines.sort();
  return lines.join('');
}
