import type { ClaimPath } from '@haven/sd-jwt';
import { describe, expect, test } from 'vitest';
import { catchHaven, sdPathsOfFrame } from '../test/helpers.js';
import type { AnyCredentialType } from './credential-type.js';
import { ARRAY_PADDING } from './disclosure-frame.js';
import { IDENTITY_RESTORATION } from './identity-restoration.js';
import { LABOUR_CONTRACT } from './labour-contract.js';
import { REFUGEE_REGISTRATION } from './refugee-registration.js';
import { CREDENTIAL_TYPES } from './registry.js';
import { METADATA_LOCALES } from './type-metadata.js';

const NOW = new Date('2026-02-01T00:00:00Z');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0xff, 0xd9]).toString('base64url');

/** Every claim a credential of the type can carry: all optional claims present, all derived ones. */
const FULL: Record<string, Record<string, unknown>> = {
  'identity-restoration': (IDENTITY_RESTORATION as AnyCredentialType).deriveClaims(
    {
      ...IDENTITY_RESTORATION.template(),
      portrait: JPEG,
      place_of_birth: { country: 'SN', region: 'Specimen Region', locality: 'Specimen Town' },
      nationalities: ['SN', 'FR'],
    },
    { now: NOW },
  ),
  'labour-contract': (LABOUR_CONTRACT as AnyCredentialType).deriveClaims(
    {
      ...LABOUR_CONTRACT.template(),
      workplace: {
        street_address: '1 Rue',
        locality: 'Lyon',
        region: 'ARA',
        postal_code: '69000',
        country: 'FR',
      },
    },
    { now: NOW, legalMinimumWage: { amount: '1801.80', currency: 'EUR', period: 'month' } },
  ),
  'refugee-registration': REFUGEE_REGISTRATION.deriveClaims(REFUGEE_REGISTRATION.template(), { now: NOW }),
};

const TYPES = Object.values(CREDENTIAL_TYPES) as AnyCredentialType[];
const key = (p: ClaimPath) => JSON.stringify(p);
const PLAIN = ['iss', 'vct', 'vct#integrity', 'cnf', 'status', 'exp', 'nbf', 'iat', 'sub'];

function fullOf(type: AnyCredentialType): Record<string, unknown> {
  const full = FULL[type.id];
  if (full === undefined) throw new Error(`no full claims for ${type.id}`);
  return full;
}

describe.each(TYPES.map((t) => [t.id, t] as const))('%s: disclosure frame', (_id, type) => {
  test('every claim the issuer provides or derives is selectively disclosable at the top level', () => {
    const full = fullOf(type);
    const frame = type.disclosureFrame(full);
    expect([...(frame._sd ?? [])].sort()).toEqual(Object.keys(full).sort());
  });

  test('no claim of the type is named like a registered JWT / SD-JWT VC claim (e.g. status, the status list)', () => {
    const reserved = [...PLAIN, 'aud', 'jti', '_sd', '_sd_alg', '...'];
    const names = [
      ...Object.keys((type.schema as unknown as { shape: object }).shape),
      ...type.derivedClaimNames,
    ];
    expect(names.filter((n) => reserved.includes(n))).toEqual([]);
  });

  test('iss, vct, cnf, status, exp, nbf, iat are never in the frame', () => {
    const frame = type.disclosureFrame(fullOf(type));
    for (const path of sdPathsOfFrame(frame)) expect(PLAIN).not.toContain(path[0]);
    for (const name of PLAIN) expect(frame).not.toHaveProperty(name);
  });

  test('a claim outside the type (e.g. iss) is refused, never passed through in the clear', () => {
    const err = catchHaven(
      () => type.disclosureFrame({ ...fullOf(type), iss: 'https://issuer.example' }),
      'CREDENTIAL_CLAIMS_INVALID',
    );
    expect(JSON.stringify(err.toJSON())).not.toContain('issuer.example');
  });

  test('decoys keep the digest count the same whichever optional claims are present', () => {
    const full = type.disclosureFrame(fullOf(type));
    const minimal = type.disclosureFrame(type.deriveClaims(type.template(), { now: NOW }));
    const count = (f: typeof full) => (f._sd?.length ?? 0) + (f._sd_decoy ?? 0);
    expect(count(minimal)).toBe(count(full));
  });
});

describe('frames conceal nested members and array elements', () => {
  test('identity-restoration: each nationality and each place-of-birth member is disclosable on its own', () => {
    const frame = (IDENTITY_RESTORATION as AnyCredentialType).disclosureFrame(fullOf(IDENTITY_RESTORATION));
    // Padded with decoys so the digest count does not reveal how many nationalities the holder has.
    expect(frame.nationalities).toEqual({ _sd: [0, 1], _sd_decoy: ARRAY_PADDING - 2 });
    expect(frame.place_of_birth).toEqual({ _sd: ['country', 'region', 'locality'] });
  });

  test('labour-contract: workplace members are disclosable on their own; wage is one disclosure', () => {
    const frame = (LABOUR_CONTRACT as AnyCredentialType).disclosureFrame(fullOf(LABOUR_CONTRACT));
    expect(frame.workplace).toEqual({
      _sd: ['street_address', 'locality', 'region', 'postal_code', 'country'],
    });
    expect(frame).not.toHaveProperty('wage');
  });

  test('absent nested members become decoys', () => {
    const frame = IDENTITY_RESTORATION.disclosureFrame({
      ...IDENTITY_RESTORATION.template(),
      place_of_birth: { country: 'SN' },
    });
    expect(frame.place_of_birth).toEqual({ _sd: ['country'], _sd_decoy: 2 });
  });
});

describe.each(TYPES.map((t) => [t.id, t] as const))('%s: type metadata', (_id, type) => {
  const md = type.typeMetadata;
  const claims = md.claims ?? [];

  test('vct is the type’s vct, an https URL under the default base', () => {
    expect(md.vct).toBe(type.vct);
    expect(type.vct).toMatch(/^https:\/\/haven\.example\/vct\/[a-z-]+\/v1$/);
  });

  test('privacy: the vct, which every verifier sees, does not reveal that an identity was restored', () => {
    expect(type.vct).not.toMatch(/restor|survivor|traffick|victim/i);
    expect(`${md.name ?? ''} ${md.description ?? ''}`).not.toMatch(/restor|survivor|traffick|victim/i);
  });

  test('the type has display text in en, fr and ar (name and description)', () => {
    expect((md.display ?? []).map((d) => d.locale)).toEqual([...METADATA_LOCALES]);
    for (const d of md.display ?? []) {
      expect(d.name.length).toBeGreaterThan(0);
      expect(d.description?.length ?? 0).toBeGreaterThan(0);
    }
  });

  test('every claim has a label and description in en, fr and ar; ar is Arabic script, fr is not the English', () => {
    expect(claims.length).toBeGreaterThan(0);
    for (const c of claims) {
      expect(
        (c.display ?? []).map((d) => d.locale),
        key(c.path),
      ).toEqual([...METADATA_LOCALES]);
      const [en, fr, ar] = c.display ?? [];
      for (const d of [en, fr, ar]) {
        expect(d?.label.length ?? 0, key(c.path)).toBeGreaterThan(0);
        expect(d?.description?.length ?? 0, key(c.path)).toBeGreaterThan(0);
      }
      expect(ar?.label, key(c.path)).toMatch(/[\u0600-\u06FF]/);
      expect(fr?.label, key(c.path)).not.toBe(en?.label);
    }
  });

  test('claim paths are unique and every claim the type carries has metadata', () => {
    const paths = claims.map((c) => key(c.path));
    expect(new Set(paths).size).toBe(paths.length);
    for (const name of Object.keys(fullOf(type))) expect(paths).toContain(key([name]));
  });

  test('every top-level claim in the metadata is one the schema accepts or the type derives', () => {
    const shape = Object.keys((type.schema as unknown as { shape: object }).shape);
    for (const c of claims) expect([...shape, ...type.derivedClaimNames]).toContain(c.path[0]);
  });

  test('sd is consistent with the frame: exactly the framed paths are "always", nothing is "allowed"', () => {
    const framed = sdPathsOfFrame(type.disclosureFrame(fullOf(type)))
      .map(key)
      .sort();
    const always = claims
      .filter((c) => c.sd === 'always')
      .map((c) => key(c.path))
      .sort();
    expect(always).toEqual(framed);
    expect(claims.filter((c) => c.sd === undefined || c.sd === 'allowed')).toEqual([]);
  });

  test('nothing personal is "never" in the clear: every "never" claim sits inside a disclosable parent', () => {
    const framed = new Set(sdPathsOfFrame(type.disclosureFrame(fullOf(type))).map(key));
    for (const c of claims.filter((x) => x.sd === 'never')) {
      const parents = c.path.slice(0, -1).map((_, i) => key(c.path.slice(0, i + 1)));
      expect(
        parents.some((p) => framed.has(p)),
        key(c.path),
      ).toBe(true);
    }
  });

  test('every required top-level claim is marked mandatory, and no optional one is', () => {
    const template = type.template() as Record<string, unknown>;
    for (const name of Object.keys(template)) {
      const { [name]: _omit, ...rest } = template;
      const required = !type.schema.safeParse(rest).success;
      const entry = claims.find((c) => key(c.path) === key([name]));
      expect(entry?.mandatory === true, name).toBe(required);
    }
  });
});

describe('sensitive claims', () => {
  test('identity-restoration portrait is marked sensitive and always selectively disclosable', () => {
    const portrait = IDENTITY_RESTORATION.typeMetadata.claims?.find((c) => key(c.path) === key(['portrait']));
    expect(portrait?.sensitive).toBe(true);
    expect(portrait?.sd).toBe('always');
  });

  test('no other claim is marked sensitive', () => {
    const sensitive = TYPES.flatMap((t) => (t.typeMetadata.claims ?? []).filter((c) => c.sensitive === true));
    expect(sensitive.map((c) => key(c.path))).toEqual([key(['portrait'])]);
  });
});
