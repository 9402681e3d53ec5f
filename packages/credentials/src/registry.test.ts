import { describe, expect, test } from 'vitest';
import { catchHaven } from '../test/helpers.js';
import { CREDENTIAL_TYPE_IDS, vctFor, withVctBase } from './credential-type.js';
import { LABOUR_CONTRACT } from './labour-contract.js';
import { prepareIssuance } from './prepare-issuance.js';
import {
  CREDENTIAL_TYPES,
  claimsJsonSchema,
  claimsTemplate,
  credentialTypeForVct,
  getCredentialType,
  validateClaims,
} from './registry.js';

describe('registry', () => {
  test('holds exactly the three types, by id', () => {
    expect(Object.keys(CREDENTIAL_TYPES).sort()).toEqual([...CREDENTIAL_TYPE_IDS].sort());
    for (const id of CREDENTIAL_TYPE_IDS) expect(getCredentialType(id).id).toBe(id);
  });

  test.each(['passport', '', 'constructor', '__proto__', 'toString', 'Labour-Contract'])(
    'an unknown type id (%j) is CREDENTIAL_TYPE_UNKNOWN',
    (id) => {
      catchHaven(() => getCredentialType(id), 'CREDENTIAL_TYPE_UNKNOWN');
      catchHaven(() => validateClaims(id, {}), 'CREDENTIAL_TYPE_UNKNOWN');
      catchHaven(() => claimsJsonSchema(id), 'CREDENTIAL_TYPE_UNKNOWN');
      catchHaven(() => claimsTemplate(id), 'CREDENTIAL_TYPE_UNKNOWN');
    },
  );

  test('credentialTypeForVct finds a type by its vct, under the default or a given base', () => {
    expect(credentialTypeForVct('https://haven.example/vct/labour-contract/v1')?.id).toBe('labour-contract');
    expect(credentialTypeForVct('https://haven.example/vct/labour-contract/v2')).toBeUndefined();
    expect(credentialTypeForVct('https://gov.example/vct/labour-contract/v1')).toBeUndefined();
    const found = credentialTypeForVct('https://gov.example/vct/labour-contract/v1', {
      vctBase: 'https://gov.example/vct/',
    });
    expect(found?.vct).toBe('https://gov.example/vct/labour-contract/v1');
    expect(found?.typeMetadata.vct).toBe('https://gov.example/vct/labour-contract/v1');
  });

  test('vctFor: https base only, no query, fragment or credentials', () => {
    expect(vctFor('refugee-registration')).toBe('https://haven.example/vct/refugee-registration/v1');
    for (const base of [
      'http://gov.example/vct',
      'https://gov.example/vct?x=1',
      'https://gov.example/#x',
      'https://u:p@gov.example',
      'not a url',
    ]) {
      catchHaven(() => vctFor('labour-contract', base), 'CREDENTIAL_OPTIONS_INVALID');
    }
  });

  test('withVctBase changes only vct and typeMetadata.vct, and leaves the default type alone', () => {
    const moved = withVctBase(LABOUR_CONTRACT, 'https://gov.example/vct');
    expect(moved.vct).toBe('https://gov.example/vct/labour-contract/v1');
    expect(moved.typeMetadata.claims).toBe(LABOUR_CONTRACT.typeMetadata.claims);
    expect(LABOUR_CONTRACT.vct).toBe('https://haven.example/vct/labour-contract/v1');
  });
});

describe.each(CREDENTIAL_TYPE_IDS.map((id) => [id]))('%s: template and JSON Schema', (id) => {
  test('the template passes validation and is clearly fictional', () => {
    const template = claimsTemplate(id);
    expect(validateClaims(id, template)).toEqual(template);
    expect(JSON.stringify(template)).toMatch(/Specimen|fictional/);
  });

  test('each call returns a fresh template', () => {
    const a = claimsTemplate(id);
    a.extra = 1;
    expect(claimsTemplate(id)).not.toHaveProperty('extra');
  });

  test('the JSON Schema is a closed object listing the provided claims, without derived ones', () => {
    const schema = claimsJsonSchema(id);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    const properties = Object.keys(schema.properties as object);
    expect(properties.sort()).toEqual(
      Object.keys((getCredentialType(id).schema as unknown as { shape: object }).shape).sort(),
    );
    for (const derived of getCredentialType(id).derivedClaimNames) expect(properties).not.toContain(derived);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('prepareIssuance', () => {
  test('returns the vct, the validated claims with derived ones, and the frame', () => {
    const prepared = prepareIssuance('labour-contract', LABOUR_CONTRACT.template(), {
      now: new Date('2026-02-01T00:00:00Z'),
      vctBase: 'https://gov.example/vct',
      legalMinimumWage: { amount: '1801.80', currency: 'EUR', period: 'month' },
    });
    expect(prepared.vct).toBe('https://gov.example/vct/labour-contract/v1');
    expect(prepared.claims).toMatchObject({ no_recruitment_fees_paid: true, wage_meets_legal_minimum: true });
    expect(prepared.disclosureFrame._sd).toContain('wage_meets_legal_minimum');
  });

  test('refuses bad claims with paths only', () => {
    const err = catchHaven(
      () => prepareIssuance('labour-contract', { ...LABOUR_CONTRACT.template(), job_title: '' }, { now: 0 }),
      'CREDENTIAL_CLAIMS_INVALID',
    );
    expect(err.details?.paths).toEqual(['["job_title"]']);
  });
});
