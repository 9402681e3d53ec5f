import type { ClaimPath } from '@haven/sd-jwt';
import { describe, expect, test } from 'vitest';
import { catchHaven } from '../test/helpers.js';
import { claimPathCovers } from './claim-path.js';
import type { CredentialTypeId } from './credential-type.js';
import { checkRequestAgainstPurpose, claimsForPurpose, getPurpose, PURPOSES } from './purposes.js';
import { CREDENTIAL_TYPES } from './registry.js';

const NAMED = [
  'inspector.contract-validity',
  'employer.right-to-work',
  'clinic.identity-minimal',
  'age-check',
];

function ask(purpose: string, credentialType: string, ...claims: ClaimPath[]) {
  return () => checkRequestAgainstPurpose(purpose, [{ credentialType, claims }]);
}

describe('purposes exist with the names the issue fixes', () => {
  test('the four named purposes are defined, with their own id, a description and a legal basis', () => {
    for (const id of NAMED) {
      const purpose = getPurpose(id);
      expect(purpose.id).toBe(id);
      expect(purpose.description.length).toBeGreaterThan(20);
      expect(purpose.legalBasis.length).toBeGreaterThan(10);
      expect(Object.keys(purpose.credentialTypes).length).toBeGreaterThan(0);
    }
  });

  test('every allowed path of every purpose names a claim in its type metadata (no typo paths)', () => {
    for (const purpose of Object.values(PURPOSES)) {
      for (const [typeId, paths] of Object.entries(purpose.credentialTypes)) {
        const type = CREDENTIAL_TYPES[typeId as CredentialTypeId];
        const known = (type.typeMetadata.claims ?? []).map((c) => JSON.stringify(c.path));
        for (const path of paths ?? []) {
          expect(known, `${purpose.id} / ${typeId}`).toContain(JSON.stringify(path));
        }
      }
    }
  });

  test('every allowed top-level claim is provided by the type schema or derived by it', () => {
    for (const purpose of Object.values(PURPOSES)) {
      for (const [typeId, paths] of Object.entries(purpose.credentialTypes)) {
        const type = CREDENTIAL_TYPES[typeId as CredentialTypeId];
        const shape = Object.keys((type.schema as unknown as { shape: object }).shape);
        for (const path of paths ?? []) {
          expect([...shape, ...type.derivedClaimNames], `${purpose.id} / ${typeId}`).toContain(path[0]);
        }
      }
    }
  });
});

describe('purpose privacy invariants', () => {
  const allowedAnywhere = (typeId: CredentialTypeId, name: string) =>
    Object.values(PURPOSES).filter((p) => (p.credentialTypes[typeId] ?? []).some((path) => path[0] === name));

  test('age-check allows exactly age_over_18, from each type that carries it', () => {
    expect(getPurpose('age-check').credentialTypes).toEqual({
      'identity-restoration': [['age_over_18']],
      'refugee-registration': [['age_over_18']],
    });
  });

  test('only clinic.identity-minimal may receive a birth date', () => {
    for (const typeId of ['identity-restoration', 'refugee-registration'] as const) {
      expect(allowedAnywhere(typeId, 'birthdate').map((p) => p.id)).toEqual(['clinic.identity-minimal']);
    }
  });

  test('no purpose may receive the portrait, the document number or the place of birth', () => {
    for (const name of ['portrait', 'restored_document_number', 'place_of_birth']) {
      expect(allowedAnywhere('identity-restoration', name)).toEqual([]);
    }
  });

  test('no purpose may receive the fee amount or the worker reference (the booleans answer the question)', () => {
    for (const name of ['recruitment_fees_paid_by_worker', 'worker_reference']) {
      expect(allowedAnywhere('labour-contract', name)).toEqual([]);
    }
  });

  test('inspector.contract-validity covers labour contracts only', () => {
    expect(Object.keys(getPurpose('inspector.contract-validity').credentialTypes)).toEqual([
      'labour-contract',
    ]);
  });
});

describe('purpose inspector.contract-validity', () => {
  const inspector = (...claims: ClaimPath[]) =>
    ask('inspector.contract-validity', 'labour-contract', ...claims);

  test('may ask for the contract terms and the forced-labour indicators', () => {
    expect(
      inspector(
        ['employer_name'],
        ['job_title'],
        ['workplace'],
        ['start_date'],
        ['wage'],
        ['hours_per_week'],
        ['no_recruitment_fees_paid'],
        ['worker_keeps_identity_documents'],
        ['contract_document_digest'],
      ),
    ).not.toThrow();
  });

  test('may ask for one workplace member: an allowed parent covers its children', () => {
    expect(inspector(['workplace', 'country'])).not.toThrow();
  });

  test('asking for the fee amount instead of the boolean is OVER_ASKING', () => {
    const err = catchHaven(inspector(['recruitment_fees_paid_by_worker']), 'OVER_ASKING');
    expect(err.details?.paths).toEqual(['["recruitment_fees_paid_by_worker"]']);
  });

  test('asking for the worker reference is OVER_ASKING', () => {
    catchHaven(inspector(['employer_name'], ['worker_reference']), 'OVER_ASKING');
  });

  test('asking for a birth date or nationality is PURPOSE_TYPE_NOT_ALLOWED: no identity credential at all', () => {
    catchHaven(
      ask('inspector.contract-validity', 'identity-restoration', ['birthdate']),
      'PURPOSE_TYPE_NOT_ALLOWED',
    );
    catchHaven(
      ask('inspector.contract-validity', 'identity-restoration', ['nationalities']),
      'PURPOSE_TYPE_NOT_ALLOWED',
    );
  });
});

describe('purpose employer.right-to-work', () => {
  test('may ask for names, nationalities (all or one) and working-age flags from an identity credential', () => {
    expect(
      ask(
        'employer.right-to-work',
        'identity-restoration',
        ['given_name'],
        ['family_name'],
        ['nationalities', null],
        ['age_over_16'],
      ),
    ).not.toThrow();
    expect(ask('employer.right-to-work', 'identity-restoration', ['nationalities', 0])).not.toThrow();
  });

  test('may ask for status and validity from a refugee registration', () => {
    expect(
      ask(
        'employer.right-to-work',
        'refugee-registration',
        ['given_name'],
        ['family_name'],
        ['protection_status'],
        ['valid_until'],
      ),
    ).not.toThrow();
  });

  test('asking for the birth date instead of an age flag is OVER_ASKING', () => {
    catchHaven(ask('employer.right-to-work', 'identity-restoration', ['birthdate']), 'OVER_ASKING');
  });

  test('asking for the registration number or household size is OVER_ASKING', () => {
    const err = catchHaven(
      ask(
        'employer.right-to-work',
        'refugee-registration',
        ['protection_status'],
        ['registration_number'],
        ['household_size'],
      ),
      'OVER_ASKING',
    );
    expect(err.details?.paths).toEqual(['["registration_number"]', '["household_size"]']);
    expect(err.details?.purpose).toBe('employer.right-to-work');
  });

  test('asking for a labour contract is PURPOSE_TYPE_NOT_ALLOWED', () => {
    catchHaven(
      ask('employer.right-to-work', 'labour-contract', ['employer_name']),
      'PURPOSE_TYPE_NOT_ALLOWED',
    );
  });
});

describe('purpose clinic.identity-minimal', () => {
  test('may ask for names and birth date', () => {
    expect(
      ask('clinic.identity-minimal', 'identity-restoration', ['given_name'], ['family_name'], ['birthdate']),
    ).not.toThrow();
    expect(
      ask('clinic.identity-minimal', 'refugee-registration', ['given_name'], ['birthdate']),
    ).not.toThrow();
  });

  test('asking for nationalities is OVER_ASKING', () => {
    const err = catchHaven(
      ask('clinic.identity-minimal', 'identity-restoration', ['given_name'], ['nationalities']),
      'OVER_ASKING',
    );
    expect(err.details?.paths).toEqual(['["nationalities"]']);
  });

  test('asking for one nationality is OVER_ASKING too', () => {
    catchHaven(ask('clinic.identity-minimal', 'identity-restoration', ['nationalities', 0]), 'OVER_ASKING');
  });

  test('asking for the portrait is OVER_ASKING', () => {
    catchHaven(ask('clinic.identity-minimal', 'identity-restoration', ['portrait']), 'OVER_ASKING');
  });

  test('asking for refugee status is OVER_ASKING', () => {
    catchHaven(ask('clinic.identity-minimal', 'refugee-registration', ['protection_status']), 'OVER_ASKING');
  });
});

describe('purpose age-check', () => {
  test('may ask for age_over_18 from either type that carries it', () => {
    expect(ask('age-check', 'identity-restoration', ['age_over_18'])).not.toThrow();
    expect(ask('age-check', 'refugee-registration', ['age_over_18'])).not.toThrow();
  });

  test('asking for the birth date is OVER_ASKING', () => {
    catchHaven(ask('age-check', 'identity-restoration', ['birthdate']), 'OVER_ASKING');
  });

  test('asking for another age flag is OVER_ASKING', () => {
    catchHaven(ask('age-check', 'refugee-registration', ['age_over_21']), 'OVER_ASKING');
  });

  test('a labour contract carries no age: PURPOSE_TYPE_NOT_ALLOWED', () => {
    catchHaven(ask('age-check', 'labour-contract', ['age_over_18']), 'PURPOSE_TYPE_NOT_ALLOWED');
  });

  test('over-asking in one credential of a multi-credential request fails the whole request', () => {
    const err = catchHaven(
      () =>
        checkRequestAgainstPurpose('age-check', [
          { credentialType: 'identity-restoration', claims: [['age_over_18']] },
          { credentialType: 'refugee-registration', claims: [['age_over_18'], ['given_name']] },
        ]),
      'OVER_ASKING',
    );
    expect(err.details?.paths).toEqual(['["given_name"]']);
    expect(err.details?.credentialTypes).toEqual(['refugee-registration']);
  });
});

describe('wildcard rules in requests', () => {
  test('a requested parent is not covered by an allowed child', () => {
    expect(claimPathCovers(['workplace', 'locality'], ['workplace'])).toBe(false);
  });

  test('a requested child is covered by an allowed parent', () => {
    expect(ask('inspector.contract-validity', 'labour-contract', ['wage', 'amount'])).not.toThrow();
  });

  test('a requested null under an allowed parent is covered (parent covers every element)', () => {
    expect(ask('employer.right-to-work', 'identity-restoration', ['nationalities', null])).not.toThrow();
  });

  test('a requested null in place of a name is OVER_ASKING', () => {
    catchHaven(ask('inspector.contract-validity', 'labour-contract', [null]), 'OVER_ASKING');
  });
});

describe('unknown purposes, types and malformed requests', () => {
  test('an unknown purpose is PURPOSE_UNKNOWN', () => {
    catchHaven(ask('police.everything', 'identity-restoration', ['given_name']), 'PURPOSE_UNKNOWN');
    catchHaven(() => claimsForPurpose('police.everything', 'identity-restoration'), 'PURPOSE_UNKNOWN');
  });

  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'a prototype name (%s) is PURPOSE_UNKNOWN, not a purpose',
    (id) => {
      catchHaven(() => getPurpose(id), 'PURPOSE_UNKNOWN');
    },
  );

  test('a type that is not a Haven type is CREDENTIAL_TYPE_UNKNOWN', () => {
    catchHaven(ask('age-check', 'passport', ['age_over_18']), 'CREDENTIAL_TYPE_UNKNOWN');
    catchHaven(ask('age-check', 'constructor', ['age_over_18']), 'CREDENTIAL_TYPE_UNKNOWN');
  });

  test('a malformed path is CLAIM_PATH_INVALID', () => {
    catchHaven(ask('age-check', 'identity-restoration', [] as unknown as ClaimPath), 'CLAIM_PATH_INVALID');
    catchHaven(ask('age-check', 'identity-restoration', ['age_over_18', -1]), 'CLAIM_PATH_INVALID');
  });

  test('a request without claims, or without credentials, is CLAIM_PATH_INVALID', () => {
    catchHaven(ask('age-check', 'identity-restoration'), 'CLAIM_PATH_INVALID');
    catchHaven(() => checkRequestAgainstPurpose('age-check', []), 'CLAIM_PATH_INVALID');
  });

  test('claimsForPurpose returns copies of the allowed paths', () => {
    const paths = claimsForPurpose('age-check', 'identity-restoration');
    expect(paths).toEqual([['age_over_18']]);
    (paths[0] as (string | number | null)[]).push('x');
    expect(claimsForPurpose('age-check', 'identity-restoration')).toEqual([['age_over_18']]);
    catchHaven(() => claimsForPurpose('age-check', 'labour-contract'), 'PURPOSE_TYPE_NOT_ALLOWED');
  });
});
