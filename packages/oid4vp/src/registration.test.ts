import { isHavenError } from '@haven/core';
import { describe, expect, it } from 'vitest';
import { HAVEN_REGISTRATION_FORMAT } from './constants.js';
import { readVerifierRegistration } from './registration.js';

const valid = {
  purpose: 'age-check',
  legal_name: 'Specimen Bar (fictional)',
  purpose_description: 'Checks that a guest is of age',
  deletion_contact: 'privacy@bar.example',
  claims: { 'urn:eu.europa.ec.eudi:pid:1': [['age_over_18']] },
};

function pathsOf(data: unknown): unknown {
  try {
    readVerifierRegistration([{ format: HAVEN_REGISTRATION_FORMAT, data }]);
  } catch (error) {
    if (isHavenError(error, 'OID4VP_REGISTRATION_INVALID')) return error.details?.paths;
    throw error;
  }
  throw new Error('expected OID4VP_REGISTRATION_INVALID');
}

describe('readVerifierRegistration (openid4vp §5.1 verifier_info)', () => {
  it('reads a well-formed Haven registration', () => {
    const registration = readVerifierRegistration([{ format: HAVEN_REGISTRATION_FORMAT, data: valid }]);
    expect(registration.legal_name).toBe(valid.legal_name);
  });

  it('hostile input: plain key names and indexes stay in details.paths', () => {
    expect(pathsOf({ ...valid, legal_name: 7 })).toEqual(['legal_name']);
    expect(pathsOf({ ...valid, claims: { 'type-1.v2': [['a'], 'x'] } })).toEqual(['claims.type-1.v2.1']);
  });

  it('hostile input: verifier-chosen key names that are not plain names become ? in details.paths', () => {
    const hostile = {
      'evil\u001b[2J': [[{}]],
      'Tarjeta de crédito': [[{}]],
      'a\u202eb': [[{}]],
      ['x'.repeat(65)]: [[{}]],
    };
    const paths = pathsOf({ ...valid, claims: hostile }) as string[];
    // The over-long key fails on the key itself (its path ends there).
    expect(paths).toEqual(['claims.?.0.0', 'claims.?.0.0', 'claims.?.0.0', 'claims.?']);
    expect(paths.join('')).not.toMatch(/evil|crédito|\u202e|xxx/);
  });
});
