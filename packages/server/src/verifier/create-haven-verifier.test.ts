import { randomBytes } from '@haven/core';
import { afterAll, describe, expect, test } from 'vitest';
import { createHavenIssuer } from '../issuer/create-haven-issuer.js';
import {
  freshSqlitePath,
  openTestDatabase,
  removeTestDatabases,
} from '../store/test-backends.test-helper.js';
import { createHavenVerifier, type HavenVerifierOptions } from './create-haven-verifier.js';

const NOW = 1_780_000_000;
const SCRYPT = { N: 1024, r: 8, p: 1 };
const IDENTITY = { legalName: 'Shelter Network', deletionContact: 'privacy@shelter.example' };

afterAll(() => removeTestDatabases());

async function options(overrides: Partial<HavenVerifierOptions> = {}): Promise<HavenVerifierOptions> {
  return {
    database: await openTestDatabase({ url: freshSqlitePath() }),
    publicUrl: 'https://verifier.example',
    masterSecret: randomBytes(32),
    verifier: IDENTITY,
    now: () => NOW,
    scrypt: SCRYPT,
    ...overrides,
  };
}

describe('createHavenVerifier', () => {
  test('alone: redirect_uri client id under the public URL, no issuer trusted', async () => {
    const verifier = await createHavenVerifier(await options());
    expect(verifier.clientId).toBe('redirect_uri:https://verifier.example/oid4vp/response');
    expect(verifier.oid4vp.responseUri).toBe('https://verifier.example/oid4vp/response');
    expect(verifier.oid4vp.requestUriBase).toBe('https://verifier.example/oid4vp/requests/');
    expect(verifier.oid4vp.allowHttpLoopback).toBe(false);
    // Nothing is trusted: any credential is refused before a key is looked for.
    await expect(
      Promise.resolve().then(() =>
        verifier.oid4vp.issuerKey({ alg: 'ES256' }, { iss: 'https://issuer.example' }),
      ),
    ).rejects.toMatchObject({ code: 'SDJWT_ISSUER_UNTRUSTED' });
  });

  test('DESIGN "Keys at rest": sealed transaction data opens only under its own transaction id', async () => {
    const verifier = await createHavenVerifier(await options());
    const sealed = verifier.oid4vp.seal('transaction-a', '{"nonce":"n"}');
    expect(sealed).not.toContain('nonce');
    expect(verifier.oid4vp.open('transaction-a', sealed)).toBe('{"nonce":"n"}');
    expect(() => verifier.oid4vp.open('transaction-b', sealed)).toThrow();
  });

  test('its keys are its own: not the issuer subkeys, the same in every process of one database', async () => {
    const base = await options();
    const issuer = await createHavenIssuer({ ...base, publicUrl: base.publicUrl });
    const verifier = await createHavenVerifier({ ...base, issuer });
    const again = await createHavenVerifier({ ...base, issuer });
    expect(Buffer.from(verifier.oid4vp.secret).equals(Buffer.from(issuer.oid4vci.secret))).toBe(false);
    expect(Buffer.from(verifier.oid4vp.secret).equals(Buffer.from(again.oid4vp.secret))).toBe(true);
    expect(again.oid4vp.open('t', verifier.oid4vp.seal('t', 'x'))).toBe('x');
    // The co-located issuer is trusted, its keys taken in process.
    const key = await verifier.oid4vp.issuerKey(
      {
        alg: 'ES256',
        kid: String((issuer.jwtVcIssuerMetadata().jwks as { keys: { kid: string }[] }).keys[0]?.kid),
      },
      { iss: base.publicUrl },
    );
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256' });
  });

  test('a master secret the database was not created with is refused before anything is written', async () => {
    const base = await options();
    await createHavenVerifier(base);
    await expect(createHavenVerifier({ ...base, masterSecret: randomBytes(32) })).rejects.toMatchObject({
      code: 'SERVER_MASTER_SECRET_MISMATCH',
    });
  });

  test('bad public URLs and trusted issuers are configuration errors', async () => {
    for (const publicUrl of [
      'http://verifier.example',
      'https://verifier.example/',
      'https://v.example?x=1',
    ]) {
      await expect(createHavenVerifier(await options({ publicUrl }))).rejects.toMatchObject({
        code: 'OID4VP_OPTIONS_INVALID',
      });
    }
    await expect(
      createHavenVerifier(await options({ trustedIssuers: ['http://issuer.example'] })),
    ).rejects.toMatchObject({ code: 'OID4VP_OPTIONS_INVALID' });
    const local = await createHavenVerifier(await options({ publicUrl: 'http://127.0.0.1:8080' }));
    expect(local.oid4vp.allowHttpLoopback).toBe(true);
  });
});
