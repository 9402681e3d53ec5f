import { KeyObject, verify } from 'node:crypto';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { BoundedCache } from './cache.js';
import { fail } from './errors.js';
import { parseStrictJsonObject, type StrictJsonOptions } from './json.js';
import {
  algorithmForKey,
  assertJwkUsableFor,
  assertPublicJwk,
  importPublicJwk,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  type PublicJwk,
} from './jwk.js';
import { LIMITS } from './limits.js';
import { hashForAlgorithm, SIGNATURE_LENGTH, type Signer, type SyncSigner } from './signer.js';

/** A JWS protected header as decoded. Only `alg` is guaranteed; the rest is checked by policy. */
export interface JwsHeader {
  alg: JwsAlgorithm;
  typ?: string;
  kid?: string;
  jwk?: PublicJwk;
  [member: string]: unknown;
}

/** A verification key: a KeyObject or a public JWK (imported once and cached). */
export type KeyInput = KeyObject | PublicJwk;

// Header members that carry or point to a key (RFC 7515 §4.1.2–§4.1.8). Trusting them would let the
// token choose its own verification key, so they are refused; only `jwk` may be allowed, explicitly.
const HEADER_KEY_MEMBERS = ['jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;

// ECDSA group orders (SEC 2 §2.4.2, §2.5.1): a valid signature has 1 <= r, s < n.
const CURVE_ORDER: Partial<Record<JwsAlgorithm, Buffer>> = {
  ES256: Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex'),
  ES384: Buffer.from(
    'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    'hex',
  ),
};

export interface SignJwsOptions<S extends Signer = Signer> {
  signer: S;
  /** The `typ` header (RFC 7515 §4.1.9), e.g. `dc+sd-jwt`, `kb+jwt`. */
  typ?: string;
  /** Further protected header members. `alg` always comes from the signer; `kid` defaults to its kid. */
  header?: Record<string, unknown>;
}

// Encoded protected headers of the common case (no extra members), per signer and typ: most tokens a
// signer makes share one header, so it is serialized once. Bounded: at most 8 typ values per signer.
const headerCache = new WeakMap<Signer, Map<string | undefined, string>>();

function encodeHeader(options: SignJwsOptions): string {
  const { signer, typ } = options;
  const cacheable = options.header === undefined;
  const perSigner = cacheable ? headerCache.get(signer) : undefined;
  const hit = perSigner?.get(typ);
  if (hit !== undefined) return hit;
  const header: Record<string, unknown> = { ...options.header };
  if (typ !== undefined) header.typ = typ;
  if (header.kid === undefined && signer.kid !== undefined) header.kid = signer.kid;
  header.alg = signer.alg;
  const encoded = encodeBase64Url(JSON.stringify(header));
  if (cacheable) {
    const map = perSigner ?? new Map<string | undefined, string>();
    if (map.size < 8) map.set(typ, encoded);
    if (!perSigner) headerCache.set(signer, map);
  }
  return encoded;
}

function encodeSigningInput(payload: Record<string, unknown> | Uint8Array, options: SignJwsOptions): string {
  const payloadPart =
    payload instanceof Uint8Array ? encodeBase64Url(payload) : encodeBase64Url(JSON.stringify(payload));
  return `${encodeHeader(options)}.${payloadPart}`;
}

function finish(signingInput: string, alg: JwsAlgorithm, signature: Uint8Array): string {
  if (!(signature instanceof Uint8Array) || signature.byteLength !== SIGNATURE_LENGTH[alg]) {
    fail(
      'JWS_SIGNER_OUTPUT_INVALID',
      `signer returned a signature that is not ${SIGNATURE_LENGTH[alg]} bytes for ${alg}`,
    );
  }
  return `${signingInput}.${encodeBase64Url(signature)}`;
}

/**
 * Signs a JWS in compact serialization (RFC 7515 §7.1) with a signer that answers at once.
 *
 * @example
 * ```ts
 * const token = signJwsSync({ sub: 'x' }, { signer: createSigner(privateJwk), typ: 'JWT' });
 * ```
 */
export function signJwsSync(
  payload: Record<string, unknown> | Uint8Array,
  options: SignJwsOptions<SyncSigner>,
): string {
  const signingInput = encodeSigningInput(payload, options);
  return finish(signingInput, options.signer.alg, options.signer.sign(Buffer.from(signingInput, 'latin1')));
}

/**
 * Signs a JWS in compact serialization with any signer, including an HSM or KMS that answers later.
 *
 * @example
 * ```ts
 * const token = await signJws({ sub: 'x' }, { signer: kmsSigner, typ: 'JWT' });
 * ```
 */
export async function signJws(
  payload: Record<string, unknown> | Uint8Array,
  options: SignJwsOptions,
): Promise<string> {
  const signingInput = encodeSigningInput(payload, options);
  return finish(
    signingInput,
    options.signer.alg,
    await options.signer.sign(Buffer.from(signingInput, 'latin1')),
  );
}

/** The verifier's policy for one kind of token. There are no defaults for `algorithms` and `typ`. */
export interface JwsPolicy {
  /** Algorithms this token type may use. `none` and HMAC can never be listed. */
  algorithms: readonly JwsAlgorithm[];
  /**
   * The expected `typ` (RFC 7515 §4.1.9), compared case-insensitively with an optional `application/`
   * prefix. `null` means the header must not carry `typ` at all.
   */
  typ: string | readonly string[] | null;
  /** Accept a `jwk` header member (public only), e.g. the holder key of an OID4VCI proof. Default false. */
  allowHeaderJwk?: boolean;
  /** Largest token accepted, in characters. */
  maxLength?: number;
  /** Limits for the header and payload JSON. */
  json?: StrictJsonOptions;
}

/** A JWS whose header passed policy checks but whose signature is not yet verified. */
export interface ParsedJws {
  readonly header: JwsHeader;
  readonly signingInput: string;
  readonly signature: Uint8Array;
  /** The payload bytes, decoded from strict base64url but not yet trusted. */
  readonly payloadBytes: Uint8Array;
}

/** What `verifyJws` returns: only data decoded from the verified token. */
export interface VerifiedJws<P = Record<string, unknown>> {
  readonly header: JwsHeader;
  readonly payload: P;
  /** The key that verified the signature. */
  readonly key: KeyObject;
}

/**
 * A policy is code, not data, but it may be assembled from configuration: a string where an array belongs
 * would turn `includes` into a substring test, and a missing `typ` would skip the check. Refuse both.
 */
function checkPolicy(policy: JwsPolicy): void {
  const { algorithms, typ } = policy ?? ({} as JwsPolicy);
  // The frozen default list (the common case) is valid by construction.
  if (
    algorithms !== JWS_ALGORITHMS &&
    (!Array.isArray(algorithms) ||
      algorithms.length === 0 ||
      !algorithms.every((a) => (JWS_ALGORITHMS as readonly string[]).includes(a)))
  ) {
    fail('JWS_POLICY_INVALID', 'policy "algorithms" must be a non-empty array of supported algorithms');
  }
  const typOk =
    typ === null ||
    (typeof typ === 'string' && typ !== '') ||
    (Array.isArray(typ) && typ.length > 0 && typ.every((t) => typeof t === 'string' && t !== ''));
  if (!typOk) fail('JWS_POLICY_INVALID', 'policy "typ" must be null, a type, or a non-empty list of types');
}

function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function checkTyp(header: Record<string, unknown>, expected: JwsPolicy['typ']): void {
  const actual = header.typ;
  if (expected === null) {
    if (actual !== undefined) fail('JWS_TYP_MISMATCH', 'token must not carry a "typ" header');
    return;
  }
  if (typeof actual !== 'string') fail('JWS_TYP_MISMATCH', 'token has no "typ" header');
  const wanted = typeof expected === 'string' ? [expected] : expected;
  const got = normalizeTyp(actual);
  if (!wanted.some((t) => normalizeTyp(t) === got))
    fail('JWS_TYP_MISMATCH', 'token "typ" is not the expected type');
}

/**
 * Splits a compact JWS and applies every check that needs no key (RFC 7515 §5.2 steps 1–5 plus Haven's
 * policy): size cap, three strict base64url parts, strict JSON header, `alg` on the allow-list (never
 * `none` or HMAC), no `crit`, no `b64`, no key-carrying header members, expected `typ`, signature length.
 * Use it when the key must be looked up from the header (`kid`) before {@link verifyParsedJws}.
 */
export function parseJws(token: unknown, policy: JwsPolicy): ParsedJws {
  checkPolicy(policy);
  const maxLength = policy.maxLength ?? LIMITS.jwsMaxLength;
  if (typeof token !== 'string') fail('JWS_MALFORMED', 'token must be a string');
  if (token.length > maxLength) fail('JWS_TOO_LARGE', `token exceeds ${maxLength} characters`);
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first <= 0 || second < 0 || token.indexOf('.', second + 1) !== -1) {
    fail('JWS_MALFORMED', 'token is not a compact JWS of three parts');
  }
  const headerPart = token.slice(0, first);
  const payloadPart = token.slice(first + 1, second);
  const signaturePart = token.slice(second + 1);
  if (payloadPart.length === 0) fail('JWS_MALFORMED', 'detached or empty payloads are not accepted');

  const header =
    policy.json === undefined ? decodeHeaderCached(headerPart) : decodeHeader(headerPart, policy.json);
  const alg = header.alg;
  if (typeof alg !== 'string' || !(JWS_ALGORITHMS as readonly string[]).includes(alg)) {
    fail('JWS_ALG_NOT_ALLOWED', 'token algorithm is not supported');
  }
  if (!policy.algorithms.includes(alg as JwsAlgorithm))
    fail('JWS_ALG_NOT_ALLOWED', 'token algorithm is not allowed here');
  if (header.crit !== undefined)
    fail('JWS_CRIT_UNSUPPORTED', 'token has critical header extensions Haven does not process');
  if (header.b64 !== undefined) fail('JWS_B64_UNSUPPORTED', 'unencoded payloads (b64) are not accepted');
  for (const member of HEADER_KEY_MEMBERS) {
    if (header[member] !== undefined)
      fail('JWS_HEADER_KEY_NOT_ALLOWED', `header member "${member}" is not trusted`);
  }
  if (header.jwk !== undefined) {
    if (!policy.allowHeaderJwk) fail('JWS_HEADER_KEY_NOT_ALLOWED', 'header member "jwk" is not trusted here');
    assertPublicJwk(header.jwk);
  }
  if (header.kid !== undefined && typeof header.kid !== 'string')
    fail('JWS_MALFORMED', 'header "kid" must be a string');
  checkTyp(header, policy.typ);

  const signature = decodeBase64Url(signaturePart, 'JWS signature');
  const typedAlg = alg as JwsAlgorithm;
  if (signature.byteLength !== SIGNATURE_LENGTH[typedAlg]) {
    fail('JWS_SIGNATURE_INVALID', `signature is not ${SIGNATURE_LENGTH[typedAlg]} bytes`);
  }
  const order = CURVE_ORDER[typedAlg];
  if (order) checkEcdsaScalars(signature, order);
  // Decoded now so a bad payload encoding is rejected the same way whether or not a key is found; it is
  // parsed only after the signature verifies.
  const payloadBytes = decodeBase64Url(payloadPart, 'JWS payload');
  // Frozen: the key lookup receives this object and must not be able to change what was checked.
  return {
    header: Object.freeze(header) as JwsHeader,
    signingInput: token.slice(0, second),
    signature,
    payloadBytes,
  };
}

function decodeHeader(headerPart: string, json: StrictJsonOptions | undefined): Record<string, unknown> {
  return parseStrictJsonObject(decodeBase64Url(headerPart, 'JWS header'), { ...json, what: 'JWS header' });
}

// Protected headers repeat byte for byte: one issuer's credentials, one wallet's KB-JWTs. Decoding one
// (strict base64url and JSON) costs about a microsecond, so headers decoded under the default JSON limits
// are kept per encoded string. Only headers whose members are all primitives are kept: frozen, they are
// then immutable and can be shared by every token that carries them. Failures are not kept, and every
// policy check after decoding still runs on each token.
const decodedHeaders = new BoundedCache<string, Record<string, unknown>>({ maxEntries: 256 });

function decodeHeaderCached(headerPart: string): Record<string, unknown> {
  const hit = decodedHeaders.get(headerPart);
  if (hit !== undefined) return hit;
  const header = decodeHeader(headerPart, undefined);
  if (Object.values(header).every((v) => v === null || typeof v !== 'object')) {
    decodedHeaders.set(headerPart, Object.freeze(header));
  }
  return header;
}

function checkEcdsaScalars(signature: Uint8Array, order: Buffer): void {
  const half = signature.byteLength / 2;
  for (const start of [0, half]) {
    let zero = true;
    // Big-endian comparison with n: `cmp` ends as -1, 0 or 1 for scalar <, =, > n.
    let cmp = 0;
    for (let i = 0; i < half; i++) {
      const b = signature[start + i] as number;
      if (b !== 0) zero = false;
      if (cmp === 0 && b !== order[i]) cmp = b < (order[i] as number) ? -1 : 1;
    }
    if (zero || cmp >= 0) fail('JWS_SIGNATURE_INVALID', 'ECDSA signature scalar out of range');
  }
}

function toKeyObject(key: KeyInput): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'public') fail('JWK_PRIVATE_KEY_NOT_ALLOWED', 'verification needs a public key');
    return key;
  }
  const keyObject = importPublicJwk(key);
  assertJwkUsableFor(key, 'verify');
  return keyObject;
}

/**
 * Verifies the signature of a parsed JWS with `key`. The algorithm is the one bound to the key type; a
 * header `alg` that differs is rejected (`JWS_ALG_KEY_MISMATCH`), so a token cannot pick HMAC over a
 * public key or ES256 over an Ed25519 key.
 */
export function verifyParsedJws<P = Record<string, unknown>>(
  parsed: ParsedJws,
  key: KeyInput,
  options: { payload?: 'json' | 'bytes'; json?: StrictJsonOptions } = {},
): VerifiedJws<P> {
  const keyObject = toKeyObject(key);
  const alg = algorithmForKey(keyObject);
  if (alg !== parsed.header.alg) fail('JWS_ALG_KEY_MISMATCH', 'token algorithm does not match the key type');
  const ok = verify(
    hashForAlgorithm(alg),
    Buffer.from(parsed.signingInput, 'latin1'),
    { key: keyObject, dsaEncoding: 'ieee-p1363' },
    parsed.signature,
  );
  if (!ok) fail('JWS_SIGNATURE_INVALID', 'signature does not verify');
  const bytes = parsed.payloadBytes;
  const payload =
    options.payload === 'bytes'
      ? bytes
      : parseStrictJsonObject(bytes, { ...options.json, what: 'JWS payload' });
  return { header: parsed.header, payload: payload as P, key: keyObject };
}

/** How the verification key is found: a fixed key, or a lookup from the (policy-checked) header. */
export type KeySource = KeyInput | ((header: JwsHeader) => KeyInput);
export type AsyncKeySource = KeyInput | ((header: JwsHeader) => KeyInput | Promise<KeyInput>);

export interface VerifyJwsOptions extends JwsPolicy {
  /**
   * The verification key or a lookup. May be omitted only with `allowHeaderJwk`, and then the header
   * must carry `jwk`.
   */
  key?: KeySource;
  /** `json` (default): the payload must be a JSON object. `bytes`: return the raw payload. */
  payload?: 'json' | 'bytes';
}

export interface VerifyJwsAsyncOptions extends Omit<VerifyJwsOptions, 'key'> {
  key?: AsyncKeySource;
}

function keyFromHeader(header: JwsHeader, policy: JwsPolicy): KeyInput {
  if (policy.allowHeaderJwk && header.jwk !== undefined) return header.jwk;
  fail('JWS_KEY_NOT_FOUND', 'no verification key was given for this token');
}

/**
 * Verifies a compact JWS against a policy and a key. Every failure throws `HavenError` with a stable code.
 *
 * @example
 * ```ts
 * const { payload } = verifyJws(token, { algorithms: ['ES256'], typ: 'kb+jwt', key: holderJwk });
 * ```
 */
export function verifyJws<P = Record<string, unknown>>(
  token: unknown,
  options: VerifyJwsOptions,
): VerifiedJws<P> {
  return verifyJwsAs<P>(token, options, options.payload);
}

/**
 * {@link verifyJws} with the payload mode given apart, so `verifyJwt` need not copy its caller's options
 * to force `payload: 'json'`.
 */
export function verifyJwsAs<P>(
  token: unknown,
  options: VerifyJwsOptions,
  payload: VerifyJwsOptions['payload'],
): VerifiedJws<P> {
  const parsed = parseJws(token, options);
  const source = options.key;
  const key =
    source === undefined
      ? keyFromHeader(parsed.header, options)
      : typeof source === 'function'
        ? source(parsed.header)
        : source;
  return verifyParsedJws<P>(parsed, key, { payload, json: options.json });
}

/** {@link verifyJws} with a key lookup that may be asynchronous (e.g. DID resolution). */
export async function verifyJwsAsync<P = Record<string, unknown>>(
  token: unknown,
  options: VerifyJwsAsyncOptions,
): Promise<VerifiedJws<P>> {
  const parsed = parseJws(token, options);
  const source = options.key;
  const key =
    source === undefined
      ? keyFromHeader(parsed.header, options)
      : typeof source === 'function'
        ? await source(parsed.header)
        : source;
  return verifyParsedJws<P>(parsed, key, options);
}

/**
 * Reads a JWS header without verifying anything but its encoding, e.g. to route a token by `typ`.
 * Never act on its content before verification.
 */
export function peekJwsHeader(
  token: unknown,
  maxLength: number = LIMITS.jwsMaxLength,
): Record<string, unknown> {
  if (typeof token !== 'string') fail('JWS_MALFORMED', 'token must be a string');
  if (token.length > maxLength) fail('JWS_TOO_LARGE', `token exceeds ${maxLength} characters`);
  const end = token.indexOf('.');
  if (end <= 0) fail('JWS_MALFORMED', 'token is not a compact JWS');
  return parseStrictJsonObject(decodeBase64Url(token.slice(0, end), 'JWS header'), { what: 'JWS header' });
}
