import { describe, expect, it } from 'vitest';
import { CREDENTIAL_TYPE_IDS } from './credential-type.js';
import { claimsJsonSchema, claimsTemplate } from './registry.js';
import {
  HAVEN_CONTEXT_TERMS,
  HAVEN_CREDENTIALS_CONTEXT,
  HAVEN_CREDENTIALS_CONTEXT_SHA256,
  W3C_TYPE_NAMES,
} from './w3c-context.js';
import {
  claimPathsToPointers,
  credentialTypeForW3cTypes,
  prepareW3cCredential,
  W3C_CREDENTIAL_TYPES,
  w3cMandatoryPointers,
} from './w3c-form.js';

const NOW = new Date('2026-06-01T10:20:30.456Z');

function propertyNames(schema: unknown, into: Set<string>): Set<string> {
  if (schema === null || typeof schema !== 'object') return into;
  const s = schema as Record<string, unknown>;
  if (s.properties && typeof s.properties === 'object') {
    for (const [name, child] of Object.entries(s.properties)) {
      into.add(name);
      propertyNames(child, into);
    }
  }
  propertyNames(s.items, into);
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    if (Array.isArray(s[k])) for (const c of s[k] as unknown[]) propertyNames(c, into);
  }
  return into;
}

describe('Haven credentials JSON-LD context', () => {
  it('vcdm2 §4.3: defines every claim name of every type, nested and derived ones too', () => {
    for (const id of CREDENTIAL_TYPE_IDS) {
      const names = propertyNames(claimsJsonSchema(id), new Set());
      const issued = prepareW3cCredential(id, claimsTemplate(id), { now: NOW, issuer: 'did:example:issuer' });
      for (const name of Object.keys(issued.credentialSubject as object)) names.add(name);
      for (const name of names) expect(HAVEN_CONTEXT_TERMS, `${id}: ${name}`).toContain(name);
    }
  });

  it('is pinned: a change to the terms needs a new context URL and a new hash here', () => {
    expect(HAVEN_CREDENTIALS_CONTEXT_SHA256).toBe(
      '6483fcc35a1ae4af4b8fab53edddb69935bc8d4e46705dfc703bb8f559d470c0',
    );
    expect(HAVEN_CREDENTIALS_CONTEXT.sha256).toBe(HAVEN_CREDENTIALS_CONTEXT_SHA256);
  });

  it('is protected JSON-LD 1.1 and frozen, so a caller cannot poison later loads', () => {
    const ctx = HAVEN_CREDENTIALS_CONTEXT.document['@context'] as Record<string, unknown>;
    expect(ctx['@protected']).toBe(true);
    expect(ctx['@version']).toBe(1.1);
    expect(Object.isFrozen(ctx)).toBe(true);
    expect(() => {
      ctx.given_name = 'https://attacker.example/#x';
    }).toThrow(TypeError);
    for (const name of W3C_TYPE_NAMES)
      expect(ctx[name]).toMatch(/^https:\/\/haven\.example\/ns\/credentials#/);
  });
});

describe('prepareW3cCredential', () => {
  it('vcdm2 §4: v2 context first, Haven type, issuer, whole-second validFrom, holder as subject id, no id', () => {
    const vc = prepareW3cCredential('labour-contract', claimsTemplate('labour-contract'), {
      now: NOW,
      issuer: 'did:web:employer.example',
      holder: 'did:jwk:abc',
      validUntil: new Date('2027-06-30T00:00:00Z'),
    });
    expect(vc['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://haven.example/ns/credentials/v1',
    ]);
    expect(vc.type).toEqual(['VerifiableCredential', 'LabourContractCredential']);
    expect(vc.validFrom).toBe('2026-06-01T10:20:30Z');
    expect(vc.validUntil).toBe('2027-06-30T00:00:00Z');
    expect(vc.id).toBeUndefined();
    const subject = vc.credentialSubject as Record<string, unknown>;
    expect(subject.id).toBe('did:jwk:abc');
    expect(subject.employer_name).toBeDefined();
    expect(subject.no_recruitment_fees_paid).toBeTypeOf('boolean');
  });

  it('identity restoration carries the neutral civil identity type, never "restoration" in its type', () => {
    const vc = prepareW3cCredential('identity-restoration', claimsTemplate('identity-restoration'), {
      now: NOW,
      issuer: 'did:web:registry.example',
    });
    expect(JSON.stringify(vc.type)).not.toMatch(/restor/i);
    expect(credentialTypeForW3cTypes(vc.type as string[])).toBe('identity-restoration');
  });

  it('validates claims exactly like the SD-JWT VC form (schema errors keep their codes)', () => {
    expect(() =>
      prepareW3cCredential(
        'labour-contract',
        { ...claimsTemplate('labour-contract'), surprise: 1 },
        {
          now: NOW,
          issuer: 'did:example:x',
        },
      ),
    ).toThrow(expect.objectContaining({ code: 'CREDENTIAL_CLAIMS_INVALID' }));
    expect(() => prepareW3cCredential('passport', {}, { now: NOW, issuer: 'did:example:x' })).toThrow(
      expect.objectContaining({ code: 'CREDENTIAL_TYPE_UNKNOWN' }),
    );
    expect(() =>
      prepareW3cCredential('labour-contract', claimsTemplate('labour-contract'), {
        now: NOW,
        issuer: 'did:example:x',
        validUntil: Number.NaN,
      }),
    ).toThrow(expect.objectContaining({ code: 'CREDENTIAL_OPTIONS_INVALID' }));
  });
});

describe('selective disclosure policy in W3C form', () => {
  it('mandatory pointers are issuer, validity, type, status and holder id — never a claim', () => {
    const vc = prepareW3cCredential('refugee-registration', claimsTemplate('refugee-registration'), {
      now: NOW,
      issuer: 'did:example:agency',
      holder: 'did:example:holder',
      credentialStatus: { type: 'BitstringStatusListEntry' },
    });
    expect(w3cMandatoryPointers(vc)).toEqual([
      '/issuer',
      '/validFrom',
      '/type',
      '/credentialStatus',
      '/credentialSubject/id',
    ]);
  });

  it('claim paths become RFC 6901 pointers under credentialSubject, escaped; wildcards refused', () => {
    expect(
      claimPathsToPointers([['given_name'], ['workplace', 'country'], ['nationalities', 0], ['a/b~c']]),
    ).toEqual([
      '/credentialSubject/given_name',
      '/credentialSubject/workplace/country',
      '/credentialSubject/nationalities/0',
      '/credentialSubject/a~1b~0c',
    ]);
    expect(() => claimPathsToPointers([['nationalities', null]])).toThrow(
      expect.objectContaining({ code: 'CREDENTIAL_OPTIONS_INVALID' }),
    );
    expect(() => claimPathsToPointers([[]])).toThrow(
      expect.objectContaining({ code: 'CREDENTIAL_OPTIONS_INVALID' }),
    );
  });

  it('maps W3C types back to Haven types only when exactly one Haven type is named', () => {
    expect(credentialTypeForW3cTypes(['VerifiableCredential', W3C_CREDENTIAL_TYPES['labour-contract']])).toBe(
      'labour-contract',
    );
    expect(credentialTypeForW3cTypes(['VerifiableCredential'])).toBeUndefined();
    expect(
      credentialTypeForW3cTypes(['LabourContractCredential', 'RefugeeRegistrationCredential']),
    ).toBeUndefined();
  });
});
