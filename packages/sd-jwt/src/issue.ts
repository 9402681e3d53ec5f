import {
  assertPublicJwk,
  randomBytes as csprngBytes,
  digestBase64Url,
  encodeBase64Url,
  isJsonObject,
  type PublicJwk,
  type Signer,
  type SyncSigner,
  signJws,
  signJwsSync,
  toPublicJwk,
} from '@haven/core';
import { joinSdJwt } from './compact.js';
import { encodeDisclosure } from './disclosure.js';
import { failSdJwt } from './errors.js';
import { SD_JWT_LIMITS } from './limits.js';
import type { DisclosureFrame, SdHashAlgorithm } from './types.js';

/** Salt length in bytes: 128 bits from a CSPRNG (RFC 9901 §9.3). */
const SALT_BYTES = 16;
const MAX_DECOYS_PER_LEVEL = 64;
// Claim names the SD-JWT structure itself uses; a payload that already carries them is ambiguous.
const STRUCTURAL_NAMES = new Set(['_sd', '_sd_alg', '...']);

export interface IssueSdJwtOptions<S extends Signer = Signer> {
  signer: S;
  /** The `typ` header, e.g. `dc+sd-jwt` for an SD-JWT VC (RFC 9901 §9.11 recommends explicit typing). */
  typ: string;
  /** Which claims become selectively disclosable. Without a frame every claim stays plain. */
  frame?: DisclosureFrame;
  /** `_sd_alg` (default `sha-256`). */
  hashAlg?: SdHashAlgorithm;
  /** The holder's public key, placed in `cnf.jwk` for key binding (RFC 9901 §4.1.2, RFC 7800). */
  holderPublicJwk?: PublicJwk;
  /** Further protected header members (`alg` comes from the signer). */
  header?: Record<string, unknown>;
  /** Randomness for salts and decoys; defaults to the OS CSPRNG. Tests inject a fixed source. */
  randomBytes?: (length: number) => Uint8Array;
}

interface Builder {
  alg: SdHashAlgorithm;
  disclosures: string[];
  random: (length: number) => Uint8Array;
}

// Randomness is drawn in blocks: one CSPRNG call costs about as much for 512 bytes as for 16, and an
// issuance needs a salt per disclosure. The pool lives for one issuance only and is never reused.
const POOL_BYTES = 512;

function pooledRandom(source: (length: number) => Uint8Array): (length: number) => Uint8Array {
  let pool: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return (length) => {
    if (length > POOL_BYTES) return source(length);
    if (offset + length > pool.length) {
      pool = source(POOL_BYTES);
      offset = 0;
    }
    const out = pool.subarray(offset, offset + length);
    offset += length;
    return out;
  };
}

function checkFrameShape(frame: DisclosureFrame): void {
  if (!isJsonObject(frame)) failSdJwt('SDJWT_FRAME_INVALID', 'a disclosure frame must be an object');
  if (frame._sd !== undefined && !Array.isArray(frame._sd))
    failSdJwt('SDJWT_FRAME_INVALID', 'frame "_sd" must be an array');
  const decoys = frame._sd_decoy;
  if (decoys !== undefined && !(Number.isInteger(decoys) && decoys >= 0 && decoys <= MAX_DECOYS_PER_LEVEL)) {
    failSdJwt(
      'SDJWT_FRAME_INVALID',
      `frame "_sd_decoy" must be an integer from 0 to ${MAX_DECOYS_PER_LEVEL}`,
    );
  }
}

function subFrame(frame: DisclosureFrame | undefined, key: string | number): DisclosureFrame | undefined {
  if (frame === undefined || !Object.hasOwn(frame, String(key))) return undefined;
  const sub = frame[String(key)];
  if (sub === undefined) return undefined;
  if (!isJsonObject(sub)) failSdJwt('SDJWT_FRAME_INVALID', 'a nested frame must be an object');
  return sub as DisclosureFrame;
}

/** A nested frame under a name the payload does not have would leave the intended claim plain. */
function checkNestedFrameKeys(frame: DisclosureFrame | undefined, exists: (key: string) => boolean): void {
  if (frame === undefined) return;
  for (const key of Object.keys(frame)) {
    if (key === '_sd' || key === '_sd_decoy') continue;
    if (!exists(key))
      failSdJwt('SDJWT_FRAME_INVALID', 'the frame describes a claim the payload does not have');
  }
}

function newSalt(b: Builder): string {
  return encodeBase64Url(b.random(SALT_BYTES));
}

// RFC 9901 §4.2.5: a decoy is the digest of a random value, indistinguishable from a real one.
function decoyDigest(b: Builder): string {
  return digestBase64Url(b.alg, b.random(SALT_BYTES));
}

function randomIndex(b: Builder, bound: number): number {
  const bytes = b.random(4);
  const n =
    (((bytes[0] as number) << 24) |
      ((bytes[1] as number) << 16) |
      ((bytes[2] as number) << 8) |
      (bytes[3] as number)) >>>
    0;
  return n % bound;
}

/** Conceals the members of `value` that `frame` lists, depth-first, so nested disclosures come first (§4.2.6). */
function conceal(value: unknown, frame: DisclosureFrame | undefined, b: Builder, depth: number): unknown {
  if (depth > SD_JWT_LIMITS.maxDepth) failSdJwt('SDJWT_TOO_DEEP', 'payload nests too deeply');
  if (Array.isArray(value)) return concealArray(value, frame, b, depth);
  if (isJsonObject(value)) return concealObject(value, frame, b, depth);
  if (frame !== undefined)
    failSdJwt('SDJWT_FRAME_INVALID', 'a nested frame applies to a value that is not an object or array');
  return value;
}

function concealObject(
  value: Record<string, unknown>,
  frame: DisclosureFrame | undefined,
  b: Builder,
  depth: number,
): Record<string, unknown> {
  if (frame !== undefined) checkFrameShape(frame);
  const selective = new Set<string>();
  for (const key of frame?._sd ?? []) {
    if (typeof key !== 'string')
      failSdJwt('SDJWT_FRAME_INVALID', 'frame "_sd" of an object must list property names');
    selective.add(key);
  }
  // Strict: a frame entry naming a claim the payload lacks is refused. With optional claims, build the
  // frame from the claims present; a tolerant frame would turn a typo into a personal claim left plain.
  for (const key of selective) {
    if (!Object.hasOwn(value, key) || value[key] === undefined) {
      failSdJwt('SDJWT_FRAME_INVALID', 'the frame lists a claim the payload does not have');
    }
  }
  checkNestedFrameKeys(frame, (key) => Object.hasOwn(value, key) && value[key] !== undefined);
  const out: Record<string, unknown> = {};
  const digests: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    // An undefined member is absent, as JSON.stringify treats it: never a disclosed null.
    if (member === undefined) continue;
    if (STRUCTURAL_NAMES.has(key))
      failSdJwt('SDJWT_RESERVED_CLAIM_NAME', 'the payload uses a reserved claim name');
    const processed = conceal(member, subFrame(frame, key), b, depth + 1);
    if (selective.has(key)) {
      const d = encodeDisclosure(b.alg, newSalt(b), key, processed);
      b.disclosures.push(d.encoded);
      digests.push(d.digest);
    } else {
      out[key] = processed;
    }
  }
  for (let i = 0; i < (frame?._sd_decoy ?? 0); i++) digests.push(decoyDigest(b));
  // Sorted, so the order of `_sd` says nothing about the order or names of the claims (§4.2.4.1).
  if (digests.length > 0) out._sd = digests.sort();
  return out;
}

function concealArray(
  value: unknown[],
  frame: DisclosureFrame | undefined,
  b: Builder,
  depth: number,
): unknown[] {
  if (frame !== undefined) checkFrameShape(frame);
  const selective = new Set<number>();
  for (const index of frame?._sd ?? []) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
      failSdJwt('SDJWT_FRAME_INVALID', 'frame "_sd" of an array must list element indices');
    }
    if (index >= value.length)
      failSdJwt('SDJWT_FRAME_INVALID', 'the frame lists an array element that does not exist');
    selective.add(index);
  }
  checkNestedFrameKeys(frame, (key) => /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < value.length);
  const out: unknown[] = value.map((element, index) => {
    const processed = conceal(element, subFrame(frame, index), b, depth + 1);
    if (!selective.has(index)) return processed;
    const d = encodeDisclosure(b.alg, newSalt(b), undefined, processed);
    b.disclosures.push(d.encoded);
    return { '...': d.digest };
  });
  // Decoy elements at random positions (§4.2.5); a verifier drops digests it has no disclosure for.
  for (let i = 0; i < (frame?._sd_decoy ?? 0); i++)
    out.splice(randomIndex(b, out.length + 1), 0, { '...': decoyDigest(b) });
  return out;
}

function buildPayload(
  payload: Record<string, unknown>,
  options: IssueSdJwtOptions,
): { payload: Record<string, unknown>; disclosures: string[] } {
  if (!isJsonObject(payload)) failSdJwt('SDJWT_MALFORMED', 'the payload must be a JSON object');
  const alg = options.hashAlg ?? 'sha-256';
  if (alg !== 'sha-256' && alg !== 'sha-384' && alg !== 'sha-512')
    failSdJwt('SDJWT_HASH_ALG_UNSUPPORTED', 'unsupported _sd_alg');
  if (payload.cnf !== undefined) {
    // One way in for the holder key, the one that is checked: a cnf in the claims could carry a private
    // key or an unchecked confirmation method.
    failSdJwt('SDJWT_CNF_INVALID', 'give the holder key as holderPublicJwk, not as a cnf claim');
  }
  const b: Builder = { alg, disclosures: [], random: pooledRandom(options.randomBytes ?? csprngBytes) };
  const processed = conceal(payload, options.frame, b, 1) as Record<string, unknown>;
  processed._sd_alg = alg;
  if (options.holderPublicJwk !== undefined) {
    // A private key must never travel inside a credential.
    assertPublicJwk(options.holderPublicJwk);
    processed.cnf = { jwk: toPublicJwk(options.holderPublicJwk) };
  }
  return { payload: processed, disclosures: b.disclosures };
}

/**
 * Issues an SD-JWT (RFC 9901 §4, §5.1): conceals what the frame lists behind salted digests, adds
 * decoys, signs the issuer JWT and returns the compact serialization ending in `~`.
 *
 * @example
 * ```ts
 * const sdJwt = issueSdJwtSync(
 *   { iss: 'did:web:registry.example', given_name: 'Amina', birthdate: '1990-05-01' },
 *   { signer, typ: 'dc+sd-jwt', frame: { _sd: ['given_name', 'birthdate'] }, holderPublicJwk },
 * );
 * ```
 */
export function issueSdJwtSync(
  payload: Record<string, unknown>,
  options: IssueSdJwtOptions<SyncSigner>,
): string {
  const built = buildPayload(payload, options);
  const jwt = signJwsSync(built.payload, {
    signer: options.signer,
    typ: options.typ,
    ...(options.header ? { header: options.header } : {}),
  });
  return joinSdJwt(jwt, built.disclosures);
}

/** {@link issueSdJwtSync} with any signer, including an HSM or KMS. */
export async function issueSdJwt(
  payload: Record<string, unknown>,
  options: IssueSdJwtOptions,
): Promise<string> {
  const built = buildPayload(payload, options);
  const jwt = await signJws(built.payload, {
    signer: options.signer,
    typ: options.typ,
    ...(options.header ? { header: options.header } : {}),
  });
  return joinSdJwt(jwt, built.disclosures);
}
