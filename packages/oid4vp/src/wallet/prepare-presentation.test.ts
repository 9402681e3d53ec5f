import { vctFor } from '@haven/credentials';
import { describe, expect, it } from 'vitest';
import type { HeldCredential } from './contracts.js';
import { ISSUER, issueHeld, requestFor } from './fixtures/held-fixture.js';
import { preparePresentation } from './prepare-presentation.js';

const IDENTITY_VCT = vctFor('identity-restoration');
const REFUGEE_VCT = vctFor('refugee-registration');

const identity = issueHeld('cred-identity', 'identity-restoration');
const refugee = issueHeld('cred-refugee', 'refugee-registration');

describe('preparePresentation: DCQL over held SD-JWT VCs (openid4vp §6.4)', () => {
  it('openid4vp §6.4.2 credential_sets: the first satisfiable option, exactly the asked claim', async () => {
    const prepared = preparePresentation(await requestFor(), [refugee, identity]);
    expect(prepared.satisfied).toBe(true);
    expect(prepared.selection).toEqual({
      identity_restoration: [{ credentialId: 'cred-identity', claimPaths: [['age_over_18']] }],
    });
    expect(prepared.consent).toEqual([
      {
        queryId: 'identity_restoration',
        credentialId: 'cred-identity',
        credentialType: 'identity-restoration',
        vct: IDENTITY_VCT,
        issuer: ISSUER,
        claims: [['age_over_18']],
      },
    ]);
    expect(prepared.unsupported).toEqual([]);
  });

  it('openid4vp §6.4.2 credential_sets: another option when the first cannot be met', async () => {
    const prepared = preparePresentation(await requestFor(), [refugee]);
    expect(prepared.selection).toEqual({
      refugee_registration: [{ credentialId: 'cred-refugee', claimPaths: [['age_over_18']] }],
    });
    expect(prepared.consent.map((c) => [c.credentialType, c.vct])).toEqual([
      ['refugee-registration', REFUGEE_VCT],
    ]);
  });

  it('openid4vp §6.4.2 nothing held that answers: not satisfied, nothing to consent to', async () => {
    const labour = issueHeld('cred-labour', 'labour-contract');
    const prepared = preparePresentation(await requestFor(), [labour]);
    expect(prepared).toMatchObject({ satisfied: false, selection: {}, consent: [] });
  });

  it('openid4vp §6.4.1 claim_sets: the first set the credential satisfies', async () => {
    const dcql = {
      credentials: [
        {
          id: 'person',
          format: 'dc+sd-jwt',
          meta: { vct_values: [IDENTITY_VCT] },
          claims: [
            { id: 'missing', path: ['no_such_claim'] },
            { id: 'given', path: ['given_name'] },
            { id: 'family', path: ['family_name'] },
            { id: 'birth', path: ['birthdate'] },
          ],
          claim_sets: [['missing', 'birth'], ['given', 'family'], ['birth']],
        },
      ],
    };
    const prepared = preparePresentation(await requestFor(dcql, 'clinic.identity-minimal'), [identity]);
    expect(prepared.selection).toEqual({
      person: [{ credentialId: 'cred-identity', claimPaths: [['given_name'], ['family_name']] }],
    });
    expect(prepared.consent[0]?.claims).toEqual([['given_name'], ['family_name']]);
  });

  it('openid4vp §6.1 multiple: every matching credential, otherwise the first only', async () => {
    const second = issueHeld('cred-identity-2', 'identity-restoration');
    const query = (multiple: boolean) => ({
      credentials: [
        {
          id: 'ids',
          format: 'dc+sd-jwt',
          multiple,
          meta: { vct_values: [IDENTITY_VCT] },
          claims: [{ path: ['age_over_18'] }],
        },
      ],
    });
    const many = preparePresentation(await requestFor(query(true)), [identity, refugee, second]);
    expect(many.selection.ids?.map((m) => m.credentialId)).toEqual(['cred-identity', 'cred-identity-2']);
    expect(many.consent).toHaveLength(2);
    const one = preparePresentation(await requestFor(query(false)), [identity, refugee, second]);
    expect(one.selection.ids?.map((m) => m.credentialId)).toEqual(['cred-identity']);
  });

  it('openid4vp §6.3 values: only a credential whose claim has the value is selected', async () => {
    const minor = issueHeld('cred-minor', 'identity-restoration', { birthdate: '2015-04-12' });
    const dcql = {
      credentials: [
        {
          id: 'adult',
          format: 'dc+sd-jwt',
          meta: { vct_values: [IDENTITY_VCT] },
          claims: [{ path: ['age_over_18'], values: [true] }],
        },
      ],
    };
    const prepared = preparePresentation(await requestFor(dcql), [minor, identity]);
    expect(prepared.selection.adult?.map((m) => m.credentialId)).toEqual(['cred-identity']);
    expect(preparePresentation(await requestFor(dcql), [minor]).satisfied).toBe(false);
  });

  it('a malformed held credential is an error naming its id, never skipped', async () => {
    const request = await requestFor();
    const cases: [unknown, string | undefined][] = [
      [{ ...identity, credential: 'not an sd-jwt' }, 'cred-identity'],
      [{ ...identity, credential: `${identity.credential}${identity.credential}` }, 'cred-identity'],
      [{ ...identity, format: 'mso_mdoc' }, 'cred-identity'],
      [{ ...identity, signer: undefined }, 'cred-identity'],
      [{ ...identity, id: '' }, undefined],
    ];
    for (const [bad, credentialId] of cases) {
      const error = (() => {
        try {
          preparePresentation(request, [refugee, bad as HeldCredential]);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toMatchObject({ code: 'OID4VP_OPTIONS_INVALID' });
      expect((error as { details?: unknown }).details).toEqual(
        credentialId === undefined ? {} : { credentialId },
      );
    }
    expect(() => preparePresentation(request, [identity, identity])).toThrow(
      expect.objectContaining({ code: 'OID4VP_OPTIONS_INVALID', details: { credentialId: 'cred-identity' } }),
    );
  });

  it('error messages never carry claim values', async () => {
    const request = await requestFor();
    try {
      preparePresentation(request, [{ ...identity, credential: `${identity.credential}Amal~` }]);
      expect.unreachable();
    } catch (e) {
      expect(
        JSON.stringify({ m: (e as Error).message, d: (e as { details?: unknown }).details }),
      ).not.toMatch(/Amal|Specimen/);
    }
  });
});
