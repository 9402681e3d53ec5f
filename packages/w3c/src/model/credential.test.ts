import { fixedClock } from '@haven/core';
import { describe, expect, it } from 'vitest';
import { checkCredentialValidity, parseCredential, VC_V2_CONTEXT } from './credential.js';
import { formatDateTimeStamp, parseDateTimeStamp } from './date-time-stamp.js';
import { envelopeVcJwt, parsePresentation, unwrapEnvelopedVcJwt } from './presentation.js';

const base = () => ({
  '@context': [VC_V2_CONTEXT, 'https://haven.example/ns/credentials/v1'],
  type: ['VerifiableCredential', 'LabourContractCredential'],
  issuer: 'did:web:employer.example',
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2027-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:worker', job_title: 'Picker' },
});

const code = (code: string) => expect.objectContaining({ code });
const T_2026_06 = Date.UTC(2026, 5, 1) / 1000;

describe('vcdm2 §4 data model', () => {
  it('accepts a well-formed credential and keeps extension properties', () => {
    const vc = parseCredential({ ...base(), name: 'Contract', extra: { a: 1 } });
    expect(vc.extra).toEqual({ a: 1 });
  });

  it('vcdm2 §4.3: @context must start with the v2 context, be URLs, and carry no inline definitions', () => {
    expect(() =>
      parseCredential({ ...base(), '@context': ['https://www.w3.org/2018/credentials/v1'] }),
    ).toThrow(code('W3C_CONTEXT_INVALID'));
    expect(() => parseCredential({ ...base(), '@context': VC_V2_CONTEXT })).toThrow(
      code('W3C_CONTEXT_INVALID'),
    );
    expect(() => parseCredential({ ...base(), '@context': [] })).toThrow(code('W3C_CONTEXT_INVALID'));
    expect(() =>
      parseCredential({ ...base(), '@context': [VC_V2_CONTEXT, { evil: 'https://x/#' }] }),
    ).toThrow(code('W3C_CONTEXT_INVALID'));
    expect(() => parseCredential({ ...base(), '@context': [VC_V2_CONTEXT, VC_V2_CONTEXT] })).toThrow(
      code('W3C_CONTEXT_INVALID'),
    );
    expect(() => parseCredential({ ...base(), '@context': [VC_V2_CONTEXT, 'not a url'] })).toThrow(
      code('W3C_CONTEXT_INVALID'),
    );
  });

  it('vcdm2 §4.5: type must include VerifiableCredential, without repeats', () => {
    expect(() => parseCredential({ ...base(), type: ['LabourContractCredential'] })).toThrow(
      code('W3C_TYPE_INVALID'),
    );
    expect(() => parseCredential({ ...base(), type: [] })).toThrow(code('W3C_TYPE_INVALID'));
    expect(() =>
      parseCredential({ ...base(), type: ['VerifiableCredential', 'VerifiableCredential'] }),
    ).toThrow(code('W3C_TYPE_INVALID'));
    expect(parseCredential({ ...base(), type: 'VerifiableCredential' }).type).toBe('VerifiableCredential');
  });

  it('vcdm2 §4.7: issuer is a URL or an object with a URL id', () => {
    expect(parseCredential({ ...base(), issuer: { id: 'did:web:x.example', name: 'X' } })).toBeTruthy();
    for (const issuer of [undefined, '', 'no scheme', { name: 'X' }, 42]) {
      expect(() => parseCredential({ ...base(), issuer })).toThrow(code('W3C_ISSUER_INVALID'));
    }
  });

  it('vcdm2 §4.8: credentialSubject is a non-empty object (or array of them) whose id is a URL', () => {
    for (const credentialSubject of [undefined, {}, [], 'x', [{ id: 'not a url' }]]) {
      expect(() => parseCredential({ ...base(), credentialSubject })).toThrow(code('W3C_SUBJECT_INVALID'));
    }
  });

  it('vcdm2 §4.9: validFrom/validUntil without time zone or impossible dates are W3C_DATE_INVALID', () => {
    for (const validFrom of [
      '2026-01-01T00:00:00',
      '2026-01-01',
      '2026-02-30T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T00:00:00+15:00',
      ' 2026-01-01T00:00:00Z',
      1767225600,
    ]) {
      expect(() => parseCredential({ ...base(), validFrom }), String(validFrom)).toThrow(
        code('W3C_DATE_INVALID'),
      );
    }
    expect(() => parseCredential({ ...base(), validUntil: '2025-12-31T23:59:59Z' })).toThrow(
      code('W3C_DATE_INVALID'),
    );
    expect(parseCredential({ ...base(), validFrom: '2024-02-29T12:00:00.5+05:30' })).toBeTruthy();
  });

  it('vcdm2 §4.9: refuses the VCDM 1.1 issuanceDate/expirationDate, which a 2.0 verifier would not check', () => {
    expect(() => parseCredential({ ...base(), expirationDate: '2020-01-01T00:00:00Z' })).toThrow(
      code('W3C_MALFORMED'),
    );
    expect(() => parseCredential({ ...base(), issuanceDate: '2020-01-01T00:00:00Z' })).toThrow(
      code('W3C_MALFORMED'),
    );
  });

  it('vcdm2 §4.10, §4.11: credentialStatus needs a type; credentialSchema needs id and type', () => {
    expect(() => parseCredential({ ...base(), credentialStatus: { id: 'https://x.example/1' } })).toThrow(
      code('W3C_MALFORMED'),
    );
    expect(() => parseCredential({ ...base(), credentialSchema: { type: 'JsonSchema' } })).toThrow(
      code('W3C_MALFORMED'),
    );
    expect(
      parseCredential({
        ...base(),
        credentialStatus: [{ type: 'BitstringStatusListEntry', id: 'https://s.example/1#9' }],
      }),
    ).toBeTruthy();
  });

  it('refuses non-objects', () => {
    for (const v of [null, [], 'x', 1]) expect(() => parseCredential(v)).toThrow(code('W3C_MALFORMED'));
  });
});

describe('vcdm2 §4.9 validity period', () => {
  const clock = fixedClock(T_2026_06);

  it('distinct codes: not yet valid vs expired, with the clock skew', () => {
    expect(() => checkCredentialValidity({ validFrom: '2026-06-01T00:02:00Z' }, { clock })).toThrow(
      code('W3C_NOT_YET_VALID'),
    );
    expect(() => checkCredentialValidity({ validUntil: '2026-05-31T23:58:00Z' }, { clock })).toThrow(
      code('W3C_EXPIRED'),
    );
    // Within the default 60 s skew on both sides.
    expect(() => checkCredentialValidity({ validFrom: '2026-06-01T00:00:30Z' }, { clock })).not.toThrow();
    expect(() => checkCredentialValidity({ validUntil: '2026-05-31T23:59:30Z' }, { clock })).not.toThrow();
    expect(() => checkCredentialValidity({}, { clock })).not.toThrow();
  });

  it('time zones count: +02:00 is two hours earlier in UTC', () => {
    expect(() =>
      checkCredentialValidity({ validFrom: '2026-06-01T01:30:00+02:00' }, { clock }),
    ).not.toThrow();
    expect(() => checkCredentialValidity({ validFrom: '2026-06-01T01:30:00-02:00' }, { clock })).toThrow(
      code('W3C_NOT_YET_VALID'),
    );
  });

  it('a broken clock fails closed', () => {
    expect(() => checkCredentialValidity({}, { clock: { now: () => Number.NaN, skewSeconds: 0 } })).toThrow(
      code('CLOCK_INVALID'),
    );
  });

  it('dateTimeStamp round trip and early years are not shifted to the 1900s', () => {
    expect(formatDateTimeStamp(parseDateTimeStamp('2026-01-01T00:00:00Z', 'x'))).toBe('2026-01-01T00:00:00Z');
    expect(new Date(parseDateTimeStamp('0050-01-01T00:00:00Z', 'x') * 1000).getUTCFullYear()).toBe(50);
  });
});

describe('vcdm2 §4.13 presentations and enveloped credentials', () => {
  it('needs VerifiablePresentation and the v2 context', () => {
    expect(() => parsePresentation({ '@context': [VC_V2_CONTEXT], type: ['VerifiableCredential'] })).toThrow(
      code('W3C_TYPE_INVALID'),
    );
    expect(() =>
      parsePresentation({ '@context': ['https://x.example'], type: ['VerifiablePresentation'] }),
    ).toThrow(code('W3C_CONTEXT_INVALID'));
  });

  it('vcdm2 §4.13.1: an envelope is unwrapped; unsigned properties beside it are refused', () => {
    const env = envelopeVcJwt('a.b.c');
    expect(unwrapEnvelopedVcJwt(env)).toBe('a.b.c');
    expect(unwrapEnvelopedVcJwt({ type: 'VerifiableCredential' })).toBeUndefined();
    expect(() => unwrapEnvelopedVcJwt({ ...env, credentialSubject: { age_over_18: true } })).toThrow(
      code('W3C_ENVELOPE_INVALID'),
    );
    expect(() => unwrapEnvelopedVcJwt({ ...env, id: 'data:application/vc+sd-jwt,a.b.c' })).toThrow(
      code('W3C_ENVELOPE_INVALID'),
    );
    expect(() => unwrapEnvelopedVcJwt({ ...env, id: 'data:application/vc+jwt,' })).toThrow(
      code('W3C_ENVELOPE_INVALID'),
    );
  });
});
