import {
  type DigestAlgorithm,
  digest,
  type GuardedFetch,
  isHavenError,
  parseStrictJsonObject,
} from '@haven/core';
import { z } from 'zod';
import { failSdJwt } from './errors.js';
import type { ClaimPath } from './types.js';

// SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc, editor's copy): format, retrieval, `extends`,
// display and claim metadata, and the integrity of referenced documents.

/** Most claim metadata entries in one document: far above any real type, and it bounds the merge work. */
const CLAIMS_MAX = 1000;

function isHttpsOrDataUri(value: string): boolean {
  if (value.startsWith('data:')) return true;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

// RFC 5646 §2.1 shape (primary subtag, then 1–8 character subtags), including `x-` and `i-` forms. The
// full registry check is not needed to pick a display entry, and a hostile tag must just not match.
const LANGUAGE_TAG = /^(?:[A-Za-z]{2,8}|[xXiI])(?:-[A-Za-z0-9]{1,8})*$/;

/** A language tag (RFC 5646), as in every `locale` member. */
export const zLocale = z.string().regex(LANGUAGE_TAG, 'must be a language tag');

/** A W3C SRI "integrity metadata" string (`sha256-…`); checked by {@link checkIntegrity}. */
export const zIntegrityMetadata = z.string().min(1);

// Rendering URIs: https URLs or data: URIs only (§Rendering Metadata); anything else (http:, javascript:,
// file:) is refused at the boundary rather than at rendering time.
const zRenderingUri = z.string().refine(isHttpsOrDataUri, 'must be an https URL or a data: URI');

/** §Logo Metadata. */
export const zLogoMetadata = z
  .object({
    uri: zRenderingUri,
    'uri#integrity': zIntegrityMetadata.optional(),
    alt_text: z.string().optional(),
  })
  .loose();

/** §Background Image Metadata. */
export const zBackgroundImageMetadata = z
  .object({ uri: zRenderingUri, 'uri#integrity': zIntegrityMetadata.optional() })
  .loose();

/** §Rendering Method "simple". */
export const zSimpleRendering = z
  .object({
    logo: zLogoMetadata.optional(),
    background_image: zBackgroundImageMetadata.optional(),
    background_color: z.string().optional(),
    text_color: z.string().optional(),
  })
  .loose();

/** §SVG Template Properties: at least one of the three. */
export const zSvgTemplateProperties = z
  .object({
    orientation: z.enum(['portrait', 'landscape']).optional(),
    color_scheme: z.enum(['light', 'dark']).optional(),
    contrast: z.enum(['normal', 'high']).optional(),
  })
  .loose()
  .refine(
    (p) => p.orientation !== undefined || p.color_scheme !== undefined || p.contrast !== undefined,
    'needs orientation, color_scheme or contrast',
  );

/** One entry of §Rendering Method "svg_templates". */
export const zSvgTemplate = z
  .object({
    uri: zRenderingUri,
    'uri#integrity': zIntegrityMetadata.optional(),
    properties: zSvgTemplateProperties.optional(),
  })
  .loose();

/** §Rendering Metadata: one member per rendering method; methods Haven does not know are kept. */
export const zRenderingMetadata = z
  .object({
    simple: zSimpleRendering.optional(),
    svg_templates: z
      .array(zSvgTemplate)
      .min(1)
      // With several templates a wallet can only choose between them by their properties.
      .refine((ts) => ts.length === 1 || ts.every((t) => t.properties !== undefined), {
        message: 'properties are required when there is more than one SVG template',
      })
      .optional(),
  })
  .loose();

/** One locale of the type's §Display Metadata. */
export const zDisplayMetadata = z
  .object({
    locale: zLocale,
    name: z.string(),
    description: z.string().optional(),
    rendering: zRenderingMetadata.optional(),
  })
  .loose();

/** One locale of §Claim Display Metadata. */
export const zClaimDisplayMetadata = z
  .object({ locale: zLocale, label: z.string(), description: z.string().optional() })
  .loose();

/** §Claim Path: a non-empty array of strings, `null` (every element) and non-negative integers. */
export const zClaimPath = z.array(z.union([z.string(), z.null(), z.number().int().nonnegative()])).min(1);

/** `always`, `allowed` or `never` (§Claim Selective Disclosure Metadata). */
export const zSdPolicy = z.enum(['always', 'allowed', 'never']);

/** One entry of §Claim Metadata. */
export const zClaimMetadata = z
  .object({
    path: zClaimPath,
    display: z.array(zClaimDisplayMetadata).optional(),
    mandatory: z.boolean().optional(),
    sd: zSdPolicy.optional(),
    svg_id: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and underscores, not starting with a digit')
      .optional(),
  })
  .loose();

/**
 * A Type Metadata document (§Type Metadata Format). Members Haven does not understand are kept (`loose`),
 * as the spec asks consumers to ignore them rather than reject them.
 *
 * @example
 * ```ts
 * const metadata = zTypeMetadata.parse({ vct: 'https://types.example/labour-contract/v1', claims: [] });
 * ```
 */
export const zTypeMetadata = z
  .object({
    vct: z.string().min(1),
    name: z.string().optional(),
    description: z.string().optional(),
    extends: z.string().min(1).optional(),
    'extends#integrity': zIntegrityMetadata.optional(),
    display: z.array(zDisplayMetadata).optional(),
    claims: z.array(zClaimMetadata).max(CLAIMS_MAX).optional(),
  })
  .loose()
  .superRefine((doc, ctx) => {
    const paths = new Set<string>();
    const svgIds = new Set<string>();
    for (const [i, claim] of (doc.claims ?? []).entries()) {
      // Two entries for one path would make the claim's policy depend on which one a reader picks.
      const key = pathKey(claim.path);
      if (paths.has(key))
        ctx.addIssue({ code: 'custom', path: ['claims', i, 'path'], message: 'duplicate path' });
      paths.add(key);
      if (claim.svg_id !== undefined) {
        if (svgIds.has(claim.svg_id))
          ctx.addIssue({ code: 'custom', path: ['claims', i, 'svg_id'], message: 'svg_id is not unique' });
        svgIds.add(claim.svg_id);
      }
    }
  });

export type TypeMetadata = z.infer<typeof zTypeMetadata>;
export type ClaimMetadata = z.infer<typeof zClaimMetadata>;
export type DisplayMetadata = z.infer<typeof zDisplayMetadata>;
export type ClaimDisplayMetadata = z.infer<typeof zClaimDisplayMetadata>;
export type RenderingMetadata = z.infer<typeof zRenderingMetadata>;
export type SdPolicy = z.infer<typeof zSdPolicy>;

function pathKey(path: ClaimPath): string {
  // JSON keeps `null`, `0` and `"0"` apart, which a join would not.
  return JSON.stringify(path);
}

/**
 * Validates a Type Metadata object (already parsed JSON). Throws `TYPE_METADATA_INVALID` whose details
 * list the offending member paths and zod issue codes, never the values.
 *
 * @example
 * ```ts
 * const metadata = parseTypeMetadata(JSON.parse(text));
 * ```
 */
export function parseTypeMetadata(input: unknown): TypeMetadata {
  const result = zTypeMetadata.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 10)
    .map(
      (issue) =>
        `${issue.path.map((c) => (typeof c === 'symbol' ? '?' : String(c))).join('.')}: ${issue.code}`,
    );
  failSdJwt('TYPE_METADATA_INVALID', 'type metadata does not follow the Type Metadata format', {
    details: { issues },
  });
}

// Strength order of the SRI algorithms this implementation supports (W3C SRI §3.2 "getPrioritizedHashFunction").
const SRI_ALGORITHMS: Readonly<Record<string, { alg: DigestAlgorithm; rank: number; length: number }>> = {
  sha256: { alg: 'sha-256', rank: 1, length: 32 },
  sha384: { alg: 'sha-384', rank: 2, length: 48 },
  sha512: { alg: 'sha-512', rank: 3, length: 64 },
};

const BASE64_VALUE = /^[A-Za-z0-9+/_-]+={0,2}$/;

function decodeSriValue(value: string, length: number): Uint8Array | undefined {
  // SRI values are base64; the base64url alphabet is accepted too, as CSP hash sources allow it.
  if (!BASE64_VALUE.test(value)) return undefined;
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.byteLength === length ? bytes : undefined;
}

/**
 * Checks `bytes` against an "integrity metadata" string (§Integrity of Referenced Documents, syntax of
 * W3C SRI §3): whitespace-separated `alg-base64` expressions, options after `?` ignored. Only the
 * expressions of the strongest supported algorithm (sha512 > sha384 > sha256) count, and one of their
 * values must equal the digest. No supported algorithm, a malformed value or no match all throw
 * `TYPE_METADATA_INTEGRITY_MISMATCH`.
 *
 * @example
 * ```ts
 * checkIntegrity(response.body, credential['vct#integrity']);
 * ```
 */
export function checkIntegrity(bytes: Uint8Array, integrity: string): void {
  if (typeof integrity !== 'string')
    failSdJwt('TYPE_METADATA_INTEGRITY_MISMATCH', 'integrity metadata is not a string');
  const candidates: { alg: DigestAlgorithm; rank: number; length: number; value: string }[] = [];
  for (const token of integrity.split(/[\t\n\f\r ]+/)) {
    const expression = token.split('?', 1)[0] ?? '';
    const dash = expression.indexOf('-');
    if (dash <= 0) continue;
    const name = expression.slice(0, dash).toLowerCase();
    // Own properties only: a token named "constructor-…" must not find Object.prototype members.
    const known = Object.hasOwn(SRI_ALGORITHMS, name) ? SRI_ALGORITHMS[name] : undefined;
    if (known) candidates.push({ ...known, value: expression.slice(dash + 1) });
  }
  if (candidates.length === 0) {
    failSdJwt('TYPE_METADATA_INTEGRITY_MISMATCH', 'integrity metadata names no supported hash algorithm');
  }
  const strongest = Math.max(...candidates.map((c) => c.rank));
  const chosen = candidates.filter((c) => c.rank === strongest);
  const actual = Buffer.from(digest((chosen[0] as (typeof chosen)[number]).alg, bytes));
  if (chosen.some((c) => decodeSriValue(c.value, c.length)?.every((b, i) => b === actual[i]) === true))
    return;
  failSdJwt('TYPE_METADATA_INTEGRITY_MISMATCH', 'document does not match its integrity metadata');
}

export interface ResolveTypeMetadataOptions {
  /**
   * The SSRF-guarded fetcher. Without it only `local` is consulted. Real `vct` and `extends` URLs must be
   * https (SD-JWT VC §3); the guarded fetcher enforces that, and lets plain http reach loopback only
   * when it was created with `allowHttpLoopback` for tests.
   */
  fetch?: GuardedFetch;
  /** The credential's `vct#integrity`: checked against the bytes of the first document. */
  integrity?: string;
  /**
   * Pre-registered types by `vct` (e.g. Haven's own credential types), consulted before any network.
   * Give the document's bytes to have `#integrity` values checked against them; an object entry is
   * trusted as registered (there are no retrieved octets to hash) and only validated.
   */
  local?: Readonly<Record<string, TypeMetadata | Uint8Array>>;
  /** Most `extends` links followed (default 5). */
  maxDepth?: number;
}

function parseDocumentBytes(bytes: Uint8Array): TypeMetadata {
  let json: Record<string, unknown>;
  try {
    json = parseStrictJsonObject(bytes, { what: 'type metadata' });
  } catch (cause) {
    if (!isHavenError(cause)) throw cause;
    failSdJwt('TYPE_METADATA_INVALID', 'type metadata is not a strict JSON object', {
      cause,
      details: { reason: cause.code },
    });
  }
  return parseTypeMetadata(json);
}

function isRetrievableUrl(vct: string): boolean {
  try {
    const { protocol } = new URL(vct);
    // http: only so that the guarded fetcher can apply its own rule (loopback tests); it refuses the rest.
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

async function retrieve(
  vct: string,
  integrity: string | undefined,
  options: ResolveTypeMetadataOptions,
): Promise<TypeMetadata> {
  const { local } = options;
  if (local !== undefined && Object.hasOwn(local, vct)) {
    const entry = local[vct];
    if (entry instanceof Uint8Array) {
      if (integrity !== undefined) checkIntegrity(entry, integrity);
      return parseDocumentBytes(entry);
    }
    return parseTypeMetadata(entry);
  }
  if (options.fetch === undefined || !isRetrievableUrl(vct)) {
    failSdJwt(
      'TYPE_METADATA_NOT_FOUND',
      'no type metadata is registered for this type and it is not retrievable',
    );
  }
  const response = await options.fetch({ url: vct, method: 'GET', headers: { accept: 'application/json' } });
  // The content of an error response is never used in place of the document (§3).
  if (response.status < 200 || response.status > 299) {
    failSdJwt('TYPE_METADATA_NOT_FOUND', `type metadata request answered ${response.status}`, {
      details: { status: response.status },
    });
  }
  // Integrity is over the octets as received, before any parsing (§Integrity of Referenced Documents).
  if (integrity !== undefined) checkIntegrity(response.body, integrity);
  return parseDocumentBytes(response.body);
}

/**
 * Retrieves the Type Metadata of `vct` and everything it `extends`, and returns the effective metadata
 * (§Extending Type Metadata). Each document comes from `local` first, else from its https URL through
 * the guarded fetcher; `vct#integrity` and each `extends#integrity` are checked on the bytes; every
 * document's `vct` must equal the reference that led to it. Cycles and chains longer than `maxDepth`
 * are refused before any further request.
 *
 * Throws `TYPE_METADATA_*` codes, and the guarded fetcher's `FETCH_*` codes when a request fails.
 *
 * @example
 * ```ts
 * const metadata = await resolveTypeMetadata(payload.vct, {
 *   fetch: createGuardedFetch({ maxBytes: 256 * 1024 }),
 *   integrity: payload['vct#integrity'],
 *   local: HAVEN_TYPE_METADATA,
 * });
 * ```
 */
export async function resolveTypeMetadata(
  vct: string,
  options: ResolveTypeMetadataOptions = {},
): Promise<TypeMetadata> {
  const maxDepth = options.maxDepth ?? 5;
  if (!Number.isInteger(maxDepth) || maxDepth < 0)
    throw new RangeError('maxDepth must be a non-negative integer');
  if (typeof vct !== 'string' || vct === '')
    failSdJwt('TYPE_METADATA_INVALID', 'vct must be a non-empty string');

  const chain: TypeMetadata[] = [];
  const seen = new Set<string>();
  let ref: { vct: string; integrity: string | undefined } = { vct, integrity: options.integrity };
  for (;;) {
    if (seen.has(ref.vct)) {
      failSdJwt(
        'TYPE_METADATA_EXTENDS_CYCLE',
        'type metadata extends itself, directly or through other types',
        {
          details: { depth: chain.length },
        },
      );
    }
    seen.add(ref.vct);
    const doc = await retrieve(ref.vct, ref.integrity, options);
    if (doc.vct !== ref.vct) {
      failSdJwt('TYPE_METADATA_INVALID', 'type metadata describes another type than the one referenced', {
        details: { depth: chain.length },
      });
    }
    chain.push(doc);
    if (doc.extends === undefined) break;
    // chain.length links would have been followed after this one.
    if (chain.length > maxDepth) {
      failSdJwt('TYPE_METADATA_EXTENDS_TOO_DEEP', `type metadata extends more than ${maxDepth} levels`, {
        details: { maxDepth },
      });
    }
    ref = { vct: doc.extends, integrity: doc['extends#integrity'] };
  }
  // The extended type is processed before the extending one: fold from the root of the chain.
  let merged = chain[chain.length - 1] as TypeMetadata;
  for (let i = chain.length - 2; i >= 0; i--) merged = mergeTypeMetadata(merged, chain[i] as TypeMetadata);
  return merged;
}

/**
 * The effective metadata of `child` extending `parent`. `display` is the child's if it has one, else the
 * parent's (§Extending Display Metadata). Claim metadata is inherited; an entry with the same `path` is
 * combined member by member with the child's members winning, and member contents are never merged
 * (§Extending Claim Metadata). A child may turn `sd: allowed` (or absent) into `always` or `never`
 * but may not change `always` or `never` (`TYPE_METADATA_SD_CONFLICT`), and may not turn
 * `mandatory: true` into `false` (`TYPE_METADATA_MANDATORY_CONFLICT`).
 *
 * @example
 * ```ts
 * const effective = mergeTypeMetadata(baseType, customType);
 * ```
 */
export function mergeTypeMetadata(parent: TypeMetadata, child: TypeMetadata): TypeMetadata {
  // Name, description and the parent's own `extends` describe the parent, not the extending type.
  const { vct: _vct, name: _name, description: _description, extends: _extends, ...inherited } = parent;
  delete inherited['extends#integrity'];
  const merged: TypeMetadata = { ...inherited, ...child };
  if (parent.claims !== undefined || child.claims !== undefined) {
    merged.claims = mergeClaims(parent.claims ?? [], child.claims ?? []);
  }
  return merged;
}

function mergeClaims(parent: readonly ClaimMetadata[], child: readonly ClaimMetadata[]): ClaimMetadata[] {
  const out = [...parent];
  const index = new Map(out.map((claim, i) => [pathKey(claim.path), i]));
  for (const claim of child) {
    const i = index.get(pathKey(claim.path));
    if (i === undefined) {
      index.set(pathKey(claim.path), out.length);
      out.push(claim);
      continue;
    }
    const base = out[i] as ClaimMetadata;
    // §Limitations for sd and mandatory.
    if ((base.sd === 'always' || base.sd === 'never') && claim.sd !== undefined && claim.sd !== base.sd) {
      failSdJwt(
        'TYPE_METADATA_SD_CONFLICT',
        `an extending type changes sd "${base.sd}" of an extended claim`,
      );
    }
    if (base.mandatory === true && claim.mandatory === false) {
      failSdJwt('TYPE_METADATA_MANDATORY_CONFLICT', 'an extending type makes a mandatory claim optional');
    }
    out[i] = { ...base, ...claim };
  }
  return out;
}

function pathMatches(pattern: ClaimPath, path: ClaimPath): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((component, i) => {
    const wanted = path[i];
    // `null` selects every element of an array: it covers an index, or `null` itself.
    return component === wanted || (component === null && (typeof wanted === 'number' || wanted === null));
  });
}

/** Claim metadata entries that apply to `path`, the exact path first, then those matching through `null`. */
function matchingClaims(metadata: TypeMetadata, path: ClaimPath): ClaimMetadata[] {
  const matches = (metadata.claims ?? []).filter((claim) => pathMatches(claim.path, path));
  const key = pathKey(path);
  return [
    ...matches.filter((claim) => pathKey(claim.path) === key),
    ...matches.filter((claim) => pathKey(claim.path) !== key),
  ];
}

/**
 * The claim metadata entry for `path` (a path into the processed payload, e.g. `['degrees', 0]`): the
 * entry with exactly this path, else the first whose `null` components cover it, else `undefined`.
 *
 * @example
 * ```ts
 * claimMetadataFor(metadata, ['address', 'street_address'])?.svg_id // 'address_street_address'
 * ```
 */
export function claimMetadataFor(metadata: TypeMetadata, path: ClaimPath): ClaimMetadata | undefined {
  return matchingClaims(metadata, path)[0];
}

/**
 * Whether the claim at `path` must, may or must not be selectively disclosable. Every entry that
 * applies is respected, so `['degrees', null]: always` holds for `['degrees', 2]` even when a more
 * specific entry is silent; `always` and `never` applying together throw `TYPE_METADATA_SD_CONFLICT`.
 * No entry, or no `sd` member, means `allowed` (§Claim Selective Disclosure Metadata).
 *
 * @example
 * ```ts
 * if (sdPolicyFor(metadata, ['birthdate']) === 'always') frame._sd.push('birthdate');
 * ```
 */
export function sdPolicyFor(metadata: TypeMetadata, path: ClaimPath): SdPolicy {
  const policies = new Set(matchingClaims(metadata, path).map((claim) => claim.sd ?? 'allowed'));
  if (policies.has('always') && policies.has('never')) {
    failSdJwt(
      'TYPE_METADATA_SD_CONFLICT',
      'claim metadata entries require and forbid selective disclosure at once',
    );
  }
  if (policies.has('always')) return 'always';
  if (policies.has('never')) return 'never';
  return 'allowed';
}

/**
 * The entry of `entries` for the first preferred locale that can be served: an exact tag (ignoring
 * case), then the preference with subtags removed from the end (RFC 4647 §3.4 lookup: `zh-Hant-TW` →
 * `zh-Hant`), then any entry of the same language (`fr-CA` → `fr-FR`); then the next preference.
 * Without any match, the first entry. `undefined` only for an empty list.
 *
 * @example
 * ```ts
 * pickLocale(metadata.display ?? [], ['ar-SY', 'fr'])
 * ```
 */
export function pickLocale<T extends { locale: string }>(
  entries: readonly T[],
  preferredLocales: readonly string[],
): T | undefined {
  const tags = entries.map((entry) => entry.locale.toLowerCase());
  const find = (tag: string) => {
    const i = tags.indexOf(tag);
    return i < 0 ? undefined : entries[i];
  };
  for (const preferred of preferredLocales) {
    let tag = preferred.toLowerCase();
    const exact = find(tag);
    if (exact) return exact;
    while (tag.includes('-')) {
      tag = tag.slice(0, tag.lastIndexOf('-'));
      // A single-letter subtag (extension or private-use singleton) is not a tag on its own (RFC 4647 §3.4).
      if (tag.length >= 2 && tag.at(-2) === '-') tag = tag.slice(0, -2);
      const truncated = find(tag);
      if (truncated) return truncated;
    }
    const language = tag.split('-', 1)[0];
    const i = tags.findIndex((t) => t.split('-', 1)[0] === language);
    if (i >= 0) return entries[i];
  }
  return entries[0];
}

/**
 * The type's display entry for a user with these preferred locales (best first), see {@link pickLocale}.
 *
 * @example
 * ```ts
 * displayFor(metadata, ['ar', 'en'])?.name // the card title in Arabic, else English, else the first
 * ```
 */
export function displayFor(
  metadata: TypeMetadata,
  preferredLocales: readonly string[],
): DisplayMetadata | undefined {
  return pickLocale(metadata.display ?? [], preferredLocales);
}

/**
 * The label of the claim at `path` for these preferred locales, from the most specific claim metadata
 * entry that has a `display`.
 *
 * @example
 * ```ts
 * claimDisplayFor(metadata, ['degrees', 0, 'field_of_study'], ['de'])?.label // 'Studienfach'
 * ```
 */
export function claimDisplayFor(
  metadata: TypeMetadata,
  path: ClaimPath,
  preferredLocales: readonly string[],
): ClaimDisplayMetadata | undefined {
  const entry = matchingClaims(metadata, path).find((claim) => claim.display !== undefined);
  return entry?.display ? pickLocale(entry.display, preferredLocales) : undefined;
}
