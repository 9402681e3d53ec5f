import { CORE_ERROR_CODES, fixedClock, isHavenError, type VerifyResult } from '@haven/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { HOLDER_PUBLIC, holderSigner, ISSUER_PUBLIC, issuerSigner } from '../test/keys.js';
import { SD_JWT_ERROR_CODES } from './errors.js';
import { issueSdJwtSync } from './issue.js';
import { decodeHeldSdJwt, presentSdJwtSync } from './present.js';
import { verifySdJwtVc } from './sd-jwt-vc.js';
import type { ClaimPath, DisclosureFrame } from './types.js';
import { type HolderBindingPolicy, type SdJwtVerification, verifySdJwt } from './verify.js';

// Property tests (fast-check) of issue → present → verify and of the parser on hostile input.
// Runs are seeded so CI is reproducible; set FC_SEED (and FC_RUNS) to explore other inputs. On a failure
// fast-check prints the seed and path that reproduce it.

const NOW = 1_780_304_400;
const clock = fixedClock(NOW);
const TYP = 'example+sd-jwt';
const NONCE = 'nonce-prop';
const AUD = 'https://verifier.example';
const KB: HolderBindingPolicy = { required: true, nonce: NONCE, aud: AUD };
const NO_KB: HolderBindingPolicy = { required: false };

const RUNS = Number(process.env.FC_RUNS ?? 150);
const params = (seed: number) => ({ numRuns: RUNS, seed: Number(process.env.FC_SEED ?? seed) });

/** Every code a verification may fail with. INTERNAL_ERROR is left out: it means a non-Haven exception. */
const KNOWN_CODES = new Set<string>([...SD_JWT_ERROR_CODES, ...CORE_ERROR_CODES]);
KNOWN_CODES.delete('INTERNAL_ERROR');

function verify(
  presentation: string,
  holderBinding: HolderBindingPolicy,
): Promise<VerifyResult<SdJwtVerification>> {
  return verifySdJwt(presentation, { issuerKey: () => ISSUER_PUBLIC, typ: TYP, clock, holderBinding });
}

function expectKnownFailure(result: VerifyResult<object>): void {
  expect(result.verified).toBe(false);
  if (result.verified) return;
  expect(KNOWN_CODES).toContain(result.error.code);
  expect(Array.isArray(result.checks)).toBe(true);
}

/** A seeded byte source, so salts and decoy positions are reproduced with the fast-check seed. */
function seededBytes(seed: number): (length: number) => Uint8Array {
  let state = seed >>> 0 || 1;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      // xorshift32: not for real salts, only to make test runs reproducible.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out[i] = state & 0xff;
    }
    return out;
  };
}

// --- random claims and frames ---------------------------------------------------------------------------

// Names the SD-JWT structure or the JWT time checks give a meaning to, and names a disclosure may never
// carry (Object.prototype members); `_`-prefixed names collide with the frame's own `_sd`/`_sd_decoy`.
const EXCLUDED_NAMES = new Set(['cnf', 'iat', 'exp', 'nbf', '__proto__', 'constructor', 'prototype', '...']);
const claimName = fc
  .oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }) },
  )
  .filter((name) => !EXCLUDED_NAMES.has(name) && !name.startsWith('_'));

const leaf = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  // -0 does not survive JSON; every other finite double does.
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
);

const { value: claimValue } = fc.letrec<{
  value: unknown;
  object: Record<string, unknown>;
  array: unknown[];
}>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, tie('object'), tie('array')),
  object: fc.dictionary(claimName, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  array: fc.array(tie('value'), { maxLength: 4 }),
}));

const claimsArb = fc.dictionary(claimName, claimValue, { maxKeys: 6, noNullPrototype: true });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A random frame over `value`: any subset of members or elements concealed, at any level, with decoys. */
function frameFor(value: unknown): fc.Arbitrary<DisclosureFrame | undefined> {
  const members: (string | number)[] = Array.isArray(value)
    ? value.map((_, i) => i)
    : isObject(value)
      ? Object.keys(value)
      : [];
  if (!Array.isArray(value) && !isObject(value)) return fc.constant(undefined);
  const child = (m: string | number) => (value as Record<string | number, unknown>)[m];
  return fc
    .tuple(
      fc.subarray(members),
      fc.tuple(...members.map((m) => frameFor(child(m)))),
      fc.integer({ min: 0, max: 2 }),
    )
    .map(([sd, subFrames, decoys]) => {
      const frame: DisclosureFrame = { _sd: sd };
      if (decoys > 0) frame._sd_decoy = decoys;
      members.forEach((m, i) => {
        const sub = subFrames[i];
        if (sub !== undefined) frame[String(m)] = sub;
      });
      return frame;
    });
}

type Path = (string | number)[];

/** Paths (in the issued claims' own coordinates) of every value the frame conceals. */
function disclosablePaths(value: unknown, frame: DisclosureFrame | undefined, path: Path = []): Path[] {
  if (frame === undefined || (!Array.isArray(value) && !isObject(value))) return [];
  const members: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return members.flatMap((m) => {
    const at = [...path, m];
    const own = frame._sd?.includes(m) ? [at] : [];
    const sub = frame[String(m)] as DisclosureFrame | undefined;
    return [...own, ...disclosablePaths((value as Record<string | number, unknown>)[m], sub, at)];
  });
}

const isPrefix = (a: Path, b: Path) => a.length <= b.length && a.every((step, i) => step === b[i]);

/**
 * What the verifier must see, computed without Haven: a concealed value is revealed when it lies on the
 * way to a selected path or inside one (RFC 9901 §7.2: a nested disclosure needs its parent); an
 * unrevealed array element is removed, not left as a hole (§7.1 step 3.4).
 */
function expectedClaims(
  value: unknown,
  frame: DisclosureFrame | undefined,
  selected: Path[],
  path: Path = [],
): unknown {
  const revealed = (at: Path) => selected.some((p) => isPrefix(at, p) || isPrefix(p, at));
  const keep = (m: string | number) => !frame?._sd?.includes(m) || revealed([...path, m]);
  const sub = (m: string | number) => frame?.[String(m)] as DisclosureFrame | undefined;
  if (Array.isArray(value)) {
    return value.flatMap((element, i) =>
      keep(i) ? [expectedClaims(element, sub(i), selected, [...path, i])] : [],
    );
  }
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([name]) => keep(name))
        .map(([name, v]) => [name, expectedClaims(v, sub(name), selected, [...path, name])]),
    );
  }
  return value;
}

const roundTripCase = claimsArb.chain((claims) =>
  frameFor(claims).chain((frame) =>
    fc.record({
      claims: fc.constant(claims),
      frame: fc.constant(frame as DisclosureFrame),
      selected: fc.subarray(disclosablePaths(claims, frame)),
      keyBinding: fc.boolean(),
      seed: fc.integer(),
    }),
  ),
);

describe('property: issue → present → verify (RFC 9901 §4, §7.2, §7.1)', () => {
  test('the verifier sees exactly the plain claims plus the selected ones and their parents', async () => {
    await fc.assert(
      fc.asyncProperty(roundTripCase, async ({ claims, frame, selected, keyBinding, seed }) => {
        const credential = issueSdJwtSync(claims, {
          signer: issuerSigner,
          typ: TYP,
          frame,
          randomBytes: seededBytes(seed),
          ...(keyBinding ? { holderPublicJwk: HOLDER_PUBLIC } : {}),
        });
        const vp = presentSdJwtSync(credential, {
          disclose: selected as ClaimPath[],
          ...(keyBinding ? { keyBinding: { signer: holderSigner, nonce: NONCE, aud: AUD, clock } } : {}),
        });
        const result = await verify(vp, keyBinding ? KB : NO_KB);
        if (!result.verified) throw new Error(`not verified: ${result.error.code}`);
        const expected = expectedClaims(claims, frame, selected) as Record<string, unknown>;
        expect(result.claims).toEqual(keyBinding ? { ...expected, cnf: { jwk: HOLDER_PUBLIC } } : expected);
        const revealed = disclosablePaths(claims, frame).filter((at) =>
          selected.some((p) => isPrefix(at, p) || isPrefix(p, at)),
        );
        expect(result.disclosed).toHaveLength(revealed.length);
      }),
      params(0x5d_1a7),
    );
  });
});

// --- hostile input -------------------------------------------------------------------------------------

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64urlText = fc.string({ unit: fc.constantFrom(...B64URL), maxLength: 60 });
const jsonB64 = fc
  .jsonValue({ maxDepth: 2 })
  .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'));
// Token-shaped noise reaches further than arbitrary text: past the split, into base64url and JSON.
const tokenLike = fc
  .array(fc.oneof(b64urlText, jsonB64, fc.constantFrom('~', '.', '~~', '..', '')), { maxLength: 12 })
  .map((parts) => parts.join(''));
const jwtLike = fc
  .tuple(jsonB64, jsonB64, b64urlText, fc.array(jsonB64, { maxLength: 4 }), fc.option(b64urlText))
  .map(([h, p, s, ds, kb]) => `${h}.${p}.${s}~${ds.map((d) => `${d}~`).join('')}${kb ?? ''}`);
const randomInput = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), tokenLike, jwtLike);

describe('property: the parser and verifier on random input never throw and fail with known codes', () => {
  test('verifySdJwt and verifySdJwtVc return a failure report with a known code', async () => {
    await fc.assert(
      fc.asyncProperty(randomInput, fc.boolean(), async (input, required) => {
        expectKnownFailure(await verify(input, required ? KB : NO_KB));
        expectKnownFailure(
          await verifySdJwtVc(input, { issuerKey: () => ISSUER_PUBLIC, clock, holderBinding: NO_KB }),
        );
      }),
      params(0x7e57),
    );
  });

  test('decodeHeldSdJwt either decodes or throws a HavenError with a known code', () => {
    fc.assert(
      fc.property(randomInput, (input) => {
        try {
          decodeHeldSdJwt(input);
        } catch (error) {
          if (!isHavenError(error)) throw error;
          expect(KNOWN_CODES).toContain(error.code);
        }
      }),
      params(0xdec0de),
    );
  });
});

// A valid presentation and its parts, mutated below.
const CLAIMS = {
  iss: 'https://registry.example',
  iat: NOW - 60,
  exp: NOW + 3600,
  given_name: 'Amina',
  family_name: 'Haddad',
  nationalities: ['FR', 'SY'],
  address: { locality: 'Lyon', country: 'FR' },
};
const FRAME: DisclosureFrame = {
  _sd: ['given_name', 'family_name', 'nationalities', 'address'],
  nationalities: { _sd: [0, 1] },
  address: { _sd: ['locality', 'country'] },
  _sd_decoy: 1,
};
const CREDENTIAL = issueSdJwtSync(CLAIMS, {
  signer: issuerSigner,
  typ: TYP,
  frame: FRAME,
  holderPublicJwk: HOLDER_PUBLIC,
});
const DISCLOSE: ClaimPath[] = [['given_name'], ['nationalities', 1], ['address', 'locality']];
const WITH_KB = presentSdJwtSync(CREDENTIAL, {
  disclose: DISCLOSE,
  keyBinding: { signer: holderSigner, nonce: NONCE, aud: AUD, clock },
});
const WITHOUT_KB = presentSdJwtSync(CREDENTIAL, { disclose: DISCLOSE });
const ORIGINAL_DISCLOSURES = new Set(CREDENTIAL.split('~').slice(1, -1));
const FOREIGN = issueSdJwtSync(CLAIMS, { signer: issuerSigner, typ: TYP, frame: FRAME }).split(
  '~',
)[1] as string;

type Mutation =
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'drop'; at: number }
  | { kind: 'duplicate'; from: number; to: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'insert'; at: number; part: string };

const index = fc.nat({ max: 1_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat({ max: 2_000 }),
    char: fc.constantFrom(...B64URL, '~', '.', '=', '+', '/', ' ', 'é'),
  }),
  fc.record({ kind: fc.constant('drop' as const), at: index }),
  fc.record({ kind: fc.constant('duplicate' as const), from: index, to: index }),
  fc.record({ kind: fc.constant('swap' as const), a: index, b: index }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: index,
    part: fc.oneof(fc.constant(FOREIGN), b64urlText, jsonB64),
  }),
);

function mutate(text: string, m: Mutation): string {
  if (m.kind === 'flip') {
    const at = m.at % text.length;
    return `${text.slice(0, at)}${m.char}${text.slice(at + 1)}`;
  }
  const parts = text.split('~');
  const n = parts.length;
  if (m.kind === 'drop') parts.splice(m.at % n, 1);
  else if (m.kind === 'duplicate') parts.splice(m.to % (n + 1), 0, parts[m.from % n] as string);
  else if (m.kind === 'swap') {
    const a = parts[m.a % n] as string;
    parts[m.a % n] = parts[m.b % n] as string;
    parts[m.b % n] = a;
  } else parts.splice(m.at % (n + 1), 0, m.part);
  return parts.join('~');
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

describe('property: a mutated presentation never verifies as something else', () => {
  test('SD-JWT+KB under a holder-binding policy: any change at all is rejected with a known code', async () => {
    expect((await verify(WITH_KB, KB)).verified).toBe(true);
    await fc.assert(
      fc.asyncProperty(mutations, async (ms) => {
        const mutated = ms.reduce(mutate, WITH_KB);
        fc.pre(mutated !== WITH_KB);
        expectKnownFailure(await verify(mutated, KB));
      }),
      params(0xb1d),
    );
  });

  test('SD-JWT without a policy for binding: verifies only with the signed JWT intact and original disclosures', async () => {
    expect((await verify(WITHOUT_KB, NO_KB)).verified).toBe(true);
    const jwt = WITHOUT_KB.split('~')[0];
    await fc.assert(
      fc.asyncProperty(mutations, async (ms) => {
        const mutated = ms.reduce(mutate, WITHOUT_KB);
        const result = await verify(mutated, NO_KB);
        if (!result.verified) {
          expectKnownFailure(result);
          return;
        }
        // Withholding or reordering disclosures is the holder's right (§7.2); anything else is not. Without
        // key binding nothing covers the part after the last "~", and this policy does not look at it.
        const parts = mutated.split('~');
        expect(parts[0]).toBe(jwt);
        for (const d of parts.slice(1, -1)) expect(ORIGINAL_DISCLOSURES).toContain(d);
      }),
      params(0xfeed),
    );
  });
});
