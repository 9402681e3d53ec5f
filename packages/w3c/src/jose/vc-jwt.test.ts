import {
  createSigner,
  encodeBase64Url,
  fixedClock,
  type PrivateJwk,
  signJws,
  toPublicJwk,
} from '@haven/core';
import { claimsTemplate, prepareW3cCredential } from '@haven/credentials';
import { createDidJwk, createDidResolver } from '@haven/did';
import { describe, expect, it } from 'vitest';
import { HOLDER_ED, ISSUER_ED, ISSUER_P256, OTHER_ED } from '../fixtures/jose-keys.js';
import { envelopeVcJwt } from '../model/presentation.js';
import { issueVcJwt, VC_JWT_TYP, verifyVcJwt } from './vc-jwt.js';
import { issueVpJwt, verifyVpJwt } from './vp-jwt.js';

const NOW = Date.UTC(2026, 5, 1) / 1000;
const clock = fixedClock(NOW);
const dids = createDidResolver();
const didOf = (jwk: PrivateJwk) => createDidJwk(toPublicJwk(jwk));
const ISSUER = didOf(ISSUER_ED);
const HOLDER = didOf(HOLDER_ED);
const issuerSigner = createSigner(ISSUER_ED, { kid: `${ISSUER}#0` });
const holderSigner = createSigner(HOLDER_ED, { kid: `${HOLDER}#0` });
const code = (c: string) =>
  expect.objectContaining({ verified: false, error: expect.objectContaining({ code: c }) });

function unsigned(overrides: Record<string, unknown> = {}, issuer = ISSUER): Record<string, unknown> {
  return {
    ...prepareW3cCredential('labour-contract', claimsTemplate('labour-contract'), {
      now: new Date('2026-05-01T00:00:00Z'),
      issuer,
      holder: HOLDER,
      validUntil: new Date('2027-05-01T00:00:00Z'),
    }),
    ...overrides,
  };
}

const trust = { trustedIssuers: [ISSUER], dids, clock };

/** Re-signs an arbitrary payload with a header of our choosing (to build hostile tokens). */
function rawToken(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
  key = ISSUER_ED,
): Promise<string> {
  return signJws(payload, {
    signer: createSigner(key),
    typ: VC_JWT_TYP,
    header: { kid: `${ISSUER}#0`, ...header },
  });
}

describe('VC-JOSE vc+jwt (VC-JOSE-COSE §3.1.1)', () => {
  it('round trip: payload is the credential itself, typ vc+jwt, cty vc, kid', async () => {
    const credential = unsigned();
    const token = await issueVcJwt(credential, { signer: issuerSigner });
    const [h, p] = token.split('.') as [string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({
      cty: 'vc',
      kid: `${ISSUER}#0`,
      typ: 'vc+jwt',
      alg: 'EdDSA',
    });
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toEqual(credential);
    const result = await verifyVcJwt(token, trust);
    expect(result).toMatchObject({ verified: true, issuer: ISSUER, format: 'vc+jwt', status: 'none' });
    if (result.verified) expect(result.credential).toEqual(credential);
  });

  it('works with ES256 (P-256) issuers too', async () => {
    const issuer = didOf(ISSUER_P256);
    const token = await issueVcJwt(unsigned({}, issuer), {
      signer: createSigner(ISSUER_P256),
      kid: `${issuer}#0`,
    });
    expect(await verifyVcJwt(token, { ...trust, trustedIssuers: [issuer] })).toMatchObject({
      verified: true,
    });
  });

  it('issuing refuses an invalid credential, an embedded proof, a vc claim, or no kid', async () => {
    await expect(issueVcJwt({ ...unsigned(), type: ['X'] }, { signer: issuerSigner })).rejects.toMatchObject({
      code: 'W3C_TYPE_INVALID',
    });
    await expect(issueVcJwt({ ...unsigned(), proof: {} }, { signer: issuerSigner })).rejects.toMatchObject({
      code: 'W3C_MALFORMED',
    });
    await expect(issueVcJwt({ ...unsigned(), vc: {} }, { signer: issuerSigner })).rejects.toMatchObject({
      code: 'W3C_JOSE_CLAIMS_INVALID',
    });
    await expect(issueVcJwt(unsigned(), { signer: createSigner(ISSUER_ED) })).rejects.toMatchObject({
      code: 'W3C_POLICY_INVALID',
    });
  });

  it('hostile: JSON edited next to an intact JWT — only data decoded from the verified JWS counts', async () => {
    const token = await issueVcJwt(unsigned(), { signer: issuerSigner });
    const [h, p, s] = token.split('.') as [string, string, string];
    const edited = JSON.parse(Buffer.from(p, 'base64url').toString());
    edited.credentialSubject.wage_meets_legal_minimum = true;
    edited.credentialSubject.job_title = 'Manager';
    const forged = `${h}.${encodeBase64Url(JSON.stringify(edited))}.${s}`;
    expect(await verifyVcJwt(forged, trust)).toEqual(code('JWS_SIGNATURE_INVALID'));
    // A caller mutating the returned object cannot change what a second verification reads.
    const first = await verifyVcJwt(token, trust);
    if (first.verified) (first.credential.credentialSubject as Record<string, unknown>).job_title = 'Manager';
    const second = await verifyVcJwt(token, trust);
    if (second.verified)
      expect((second.credential.credentialSubject as Record<string, unknown>).job_title).not.toBe('Manager');
    // An object (the JSON beside the JWT) is not a token.
    expect(await verifyVcJwt(edited, trust)).toEqual(code('JWS_MALFORMED'));
  });

  it('trust: untrusted issuer, kid of another DID, key not of the issuer, wrong typ', async () => {
    const token = await issueVcJwt(unsigned(), { signer: issuerSigner });
    expect(await verifyVcJwt(token, { ...trust, trustedIssuers: [HOLDER] })).toEqual(
      code('W3C_ISSUER_UNTRUSTED'),
    );
    const otherDid = didOf(OTHER_ED);
    const foreignKid = await rawToken(unsigned(), { kid: `${otherDid}#0` }, OTHER_ED);
    expect(await verifyVcJwt(foreignKid, trust)).toEqual(code('W3C_KEY_NOT_FOUND'));
    const wrongKey = await rawToken(unsigned(), {}, OTHER_ED);
    expect(await verifyVcJwt(wrongKey, trust)).toEqual(code('JWS_SIGNATURE_INVALID'));
    const jwtTyp = await signJws(unsigned(), { signer: issuerSigner, typ: 'JWT' });
    expect(await verifyVcJwt(jwtTyp, trust)).toEqual(code('JWS_TYP_MISMATCH'));
    const headerKey = await rawToken(unsigned(), { jwk: toPublicJwk(OTHER_ED) }, OTHER_ED);
    expect(await verifyVcJwt(headerKey, trust)).toEqual(code('JWS_HEADER_KEY_NOT_ALLOWED'));
  });

  it('without a DID resolver or configured key, a DID issuer cannot be verified (fails closed)', async () => {
    const token = await issueVcJwt(unsigned(), { signer: issuerSigner });
    expect(await verifyVcJwt(token, { trustedIssuers: [ISSUER], clock })).toEqual(code('W3C_KEY_NOT_FOUND'));
  });

  it('configured keys serve issuers that are not DIDs', async () => {
    const issuer = 'https://labour.gov.example';
    const token = await issueVcJwt(unsigned({}, issuer), { signer: createSigner(ISSUER_P256), kid: 'k1' });
    const keys = { [issuer]: [{ ...toPublicJwk(ISSUER_P256), kid: 'k1' }] };
    expect(await verifyVcJwt(token, { trustedIssuers: [issuer], keys, clock })).toMatchObject({
      verified: true,
    });
    // One configured key without a kid is the issuer's key; the signature still decides.
    const noKid = { [issuer]: [toPublicJwk(ISSUER_P256)] };
    expect(await verifyVcJwt(token, { trustedIssuers: [issuer], keys: noKid, clock })).toMatchObject({
      verified: true,
    });
    const otherNoKid = { [issuer]: [toPublicJwk(OTHER_ED)] };
    expect(await verifyVcJwt(token, { trustedIssuers: [issuer], keys: otherNoKid, clock })).toEqual(
      code('JWS_ALG_KEY_MISMATCH'),
    );
    const wrongKid = { [issuer]: [{ ...toPublicJwk(ISSUER_P256), kid: 'k2' }] };
    expect(await verifyVcJwt(token, { trustedIssuers: [issuer], keys: wrongKid, clock })).toEqual(
      code('W3C_KEY_NOT_FOUND'),
    );
  });

  it('vc-jose-cose §3.1.3: JWT claims must agree with the credential; vc/vp claims refused', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ iss: 'did:example:someone-else' }, 'W3C_JOSE_CLAIMS_INVALID'],
      [{ sub: 'did:example:someone-else' }, 'W3C_JOSE_CLAIMS_INVALID'],
      [{ jti: 'urn:uuid:1' }, 'W3C_JOSE_CLAIMS_INVALID'],
      [{ vc: { credentialSubject: {} } }, 'W3C_JOSE_CLAIMS_INVALID'],
      [{ exp: NOW - 3600 }, 'W3C_EXPIRED'],
      [{ nbf: NOW + 3600 }, 'W3C_NOT_YET_VALID'],
      [{ iat: NOW + 3600 }, 'W3C_JOSE_CLAIMS_INVALID'],
      [{ proof: { type: 'DataIntegrityProof' } }, 'W3C_MALFORMED'],
    ];
    for (const [extra, expected] of cases) {
      const token = await rawToken({ ...unsigned(), ...extra });
      expect(await verifyVcJwt(token, trust), JSON.stringify(extra)).toEqual(code(expected));
    }
    // rfc7519 §4.1.3: a credential addressed to a verifier is accepted only by that verifier.
    const addressed = await rawToken({ ...unsigned(), aud: 'https://inspector.example' });
    expect(await verifyVcJwt(addressed, trust)).toEqual(code('W3C_AUDIENCE_MISMATCH'));
    expect(await verifyVcJwt(addressed, { ...trust, audience: 'https://other.example' })).toEqual(
      code('W3C_AUDIENCE_MISMATCH'),
    );
    expect(await verifyVcJwt(addressed, { ...trust, audience: 'https://inspector.example' })).toMatchObject({
      verified: true,
    });
    const consistent = await rawToken({ ...unsigned(), iss: ISSUER, sub: HOLDER, exp: NOW + 60 });
    expect(await verifyVcJwt(consistent, trust)).toMatchObject({ verified: true });
  });

  it('hostile: an unknown @context (even one naming an internal host) is refused without any fetch', async () => {
    for (const url of ['https://evil.example/ctx', 'http://169.254.169.254/latest/meta-data']) {
      const token = await rawToken({
        ...unsigned(),
        '@context': ['https://www.w3.org/ns/credentials/v2', url],
      });
      expect(await verifyVcJwt(token, trust)).toEqual(code('W3C_CONTEXT_UNKNOWN'));
    }
  });

  it('vcdm2 §4.9: validFrom in the future and validUntil past give distinct errors', async () => {
    const future = await issueVcJwt(unsigned({ validFrom: '2026-07-01T00:00:00Z' }), {
      signer: issuerSigner,
    });
    expect(await verifyVcJwt(future, trust)).toEqual(code('W3C_NOT_YET_VALID'));
    const past = await issueVcJwt(
      unsigned({ validFrom: '2025-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }),
      {
        signer: issuerSigner,
      },
    );
    expect(await verifyVcJwt(past, trust)).toEqual(code('W3C_EXPIRED'));
    const noZone = await rawToken(unsigned({ validFrom: '2026-05-01T00:00:00' }));
    expect(await verifyVcJwt(noZone, trust)).toEqual(code('W3C_DATE_INVALID'));
    const impossible = await rawToken(unsigned({ validFrom: '2026-02-30T00:00:00Z' }));
    expect(await verifyVcJwt(impossible, trust)).toEqual(code('W3C_DATE_INVALID'));
  });

  it('vcdm2 §4.10: a credential with status fails closed unless checked or explicitly unchecked', async () => {
    const status = {
      id: 'https://status.example/1#94567',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
    };
    const token = await issueVcJwt(unsigned({ credentialStatus: status }), { signer: issuerSigner });
    expect(await verifyVcJwt(token, trust)).toEqual(code('W3C_STATUS_UNCHECKED'));
    expect(await verifyVcJwt(token, { ...trust, status: 'unchecked' })).toMatchObject({
      verified: true,
      status: 'unchecked',
    });
    const seen: unknown[] = [];
    const checked = await verifyVcJwt(token, { ...trust, status: (entry) => void seen.push(entry) });
    expect(checked).toMatchObject({ verified: true, status: 'checked', statusFound: [] });
    const reported = await verifyVcJwt(token, { ...trust, status: () => ({ status: 'VALID' }) });
    expect(reported).toMatchObject({ verified: true, statusFound: [{ status: 'VALID' }] });
    expect(seen).toEqual([status]);
    const revoked = await verifyVcJwt(token, {
      ...trust,
      status: () => {
        throw Object.assign(new Error('revoked'), {});
      },
    });
    expect(revoked).toEqual(code('INTERNAL_ERROR'));
  });

  it('the report names each check in order', async () => {
    const token = await issueVcJwt(unsigned(), { signer: issuerSigner });
    const result = await verifyVcJwt(token, trust);
    expect(result.checks.map((c) => c.name)).toEqual([
      'header',
      'issuer',
      'issuer-key',
      'signature',
      'model',
      'validity',
      'status',
    ]);
  });
});

describe('VC-JOSE vp+jwt (VC-JOSE-COSE §3.2.1) with enveloped credentials (vcdm2 §4.13.1)', () => {
  const nonce = 'n-0S6_WzA2Mj';
  const audience = 'x509_san_dns:inspector.example';
  const vpOptions = { signer: holderSigner, holder: HOLDER, nonce, audience, clock };
  const verifyOptions = { ...trust, nonce, audience };

  it('round trip: holder-signed, nonce and aud bound, credentials verified and bound to the holder', async () => {
    const vc = await issueVcJwt(unsigned(), { signer: issuerSigner });
    const vp = await issueVpJwt([vc], vpOptions);
    const result = await verifyVpJwt(vp, verifyOptions);
    expect(result).toMatchObject({ verified: true, holder: HOLDER });
    if (result.verified) expect(result.credentials).toMatchObject([{ format: 'vc+jwt', issuer: ISSUER }]);
  });

  it('replay and misdirection: wrong nonce, wrong audience, multi-party aud, stale iat', async () => {
    const vp = await issueVpJwt([await issueVcJwt(unsigned(), { signer: issuerSigner })], vpOptions);
    expect(await verifyVpJwt(vp, { ...verifyOptions, nonce: 'other' })).toEqual(code('W3C_NONCE_MISMATCH'));
    expect(await verifyVpJwt(vp, { ...verifyOptions, audience: 'x509_san_dns:other.example' })).toEqual(
      code('W3C_AUDIENCE_MISMATCH'),
    );
    const later = fixedClock(NOW + 3600);
    expect(await verifyVpJwt(vp, { ...verifyOptions, clock: later })).toEqual(
      code('W3C_PRESENTATION_INVALID'),
    );
    const multi = await signJws(
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiablePresentation'],
        holder: HOLDER,
        verifiableCredential: [envelopeVcJwt(await issueVcJwt(unsigned(), { signer: issuerSigner }))],
        nonce,
        aud: [audience, 'x509_san_dns:other.example'],
        iat: NOW,
      },
      { signer: holderSigner, typ: 'vp+jwt' },
    );
    expect(await verifyVpJwt(multi, verifyOptions)).toEqual(code('W3C_AUDIENCE_MISMATCH'));
    expect(await verifyVpJwt(vp, { ...verifyOptions, nonce: '' })).toEqual(code('W3C_POLICY_INVALID'));
  });

  it('someone else’s credential: a holder presenting a credential about another subject is refused', async () => {
    const aboutOther = await issueVcJwt(
      unsigned({ credentialSubject: { id: didOf(OTHER_ED), job_title: 'Picker' } }),
      { signer: issuerSigner },
    );
    const vp = await issueVpJwt([aboutOther], vpOptions);
    expect(await verifyVpJwt(vp, verifyOptions)).toEqual(code('W3C_HOLDER_MISMATCH'));
    expect(await verifyVpJwt(vp, { ...verifyOptions, holderBinding: 'none' })).toMatchObject({
      verified: true,
    });
  });

  it('a presentation signed by a key that is not the holder’s is refused', async () => {
    const vc = await issueVcJwt(unsigned(), { signer: issuerSigner });
    const forged = await issueVpJwt([vc], {
      ...vpOptions,
      signer: createSigner(OTHER_ED),
      kid: `${HOLDER}#0`,
    });
    expect(await verifyVpJwt(forged, verifyOptions)).toEqual(code('JWS_SIGNATURE_INVALID'));
    const notDid = await issueVpJwt([vc], { ...vpOptions, holder: 'https://holder.example' });
    expect(await verifyVpJwt(notDid, verifyOptions)).toEqual(code('W3C_HOLDER_MISMATCH'));
  });

  it('a failing credential inside keeps its own code; embedded credentials need a verifier', async () => {
    const expired = await issueVcJwt(
      unsigned({ validFrom: '2025-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }),
      { signer: issuerSigner },
    );
    expect(await verifyVpJwt(await issueVpJwt([expired], vpOptions), verifyOptions)).toEqual(
      code('W3C_EXPIRED'),
    );
    const embedded = await issueVpJwt([{ ...unsigned(), proof: { type: 'DataIntegrityProof' } }], vpOptions);
    expect(await verifyVpJwt(embedded, verifyOptions)).toEqual(code('W3C_PRESENTATION_INVALID'));
    const tamperedEnvelope = await signJws(
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiablePresentation'],
        holder: HOLDER,
        verifiableCredential: [{ ...envelopeVcJwt(expired), credentialSubject: { age_over_18: true } }],
        nonce,
        aud: audience,
        iat: NOW,
      },
      { signer: holderSigner, typ: 'vp+jwt' },
    );
    expect(await verifyVpJwt(tamperedEnvelope, verifyOptions)).toEqual(code('W3C_ENVELOPE_INVALID'));
  });

  it('issuing refuses empty presentations and empty nonce/audience', async () => {
    await expect(issueVpJwt([], vpOptions)).rejects.toMatchObject({ code: 'W3C_PRESENTATION_INVALID' });
    await expect(issueVpJwt(['a.b.c'], { ...vpOptions, nonce: '' })).rejects.toMatchObject({
      code: 'W3C_POLICY_INVALID',
    });
  });
});
