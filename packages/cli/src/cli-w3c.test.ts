import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner, fixedClock, type PrivateJwk, signJws, toPublicJwk } from '@haven/core';
import { prepareW3cCredential, w3cMandatoryPointers } from '@haven/credentials';
import { createDidJwk } from '@haven/did';
import { issueDataIntegrityCredential } from '@haven/w3c';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runHaven } from './fixtures/run-cli.js';

const NOW = '1780304400';
let dir: string;
const file = (name: string) => join(dir, name);

const run = runHaven;

const didOfKeyFile = (name: string) =>
  createDidJwk(toPublicJwk(JSON.parse(readFileSync(file(name), 'utf8')) as PrivateJwk));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'haven-cli-w3c-'));
  await run(['keys', 'generate', '--alg', 'EdDSA', '--out', file('issuer-ed.key.json')]);
  await run(['keys', 'generate', '--alg', 'ES256', '--out', file('issuer-p256.key.json')]);
  const holder = await run(['keys', 'generate', '--alg', 'EdDSA', '--out', file('holder.key.json')]);
  writeFileSync(file('holder.pub.json'), JSON.stringify(JSON.parse(holder.out).publicJwk));
  writeFileSync(file('claims.json'), (await run(['claims', 'template', '--type', 'labour-contract'])).out);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function issue(format: string, key: string, extra: string[] = []): Promise<string> {
  const result = await run([
    'issue',
    '--type',
    'labour-contract',
    '--format',
    format,
    '--claims',
    file('claims.json'),
    '--issuer-key',
    file(key),
    '--holder-key',
    file('holder.pub.json'),
    '--valid-for',
    '365d',
    '--now',
    NOW,
    ...extra,
  ]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return result.out;
}

describe('haven issue/present/verify --format vc+jwt', () => {
  test('issue → verify the credential → present as vp+jwt → verify with nonce, aud and purpose', async () => {
    const credential = await issue('vc+jwt', 'issuer-ed.key.json');
    writeFileSync(file('vc.jwt'), credential);
    const issuer = didOfKeyFile('issuer-ed.key.json');
    const direct = await run(['verify', file('vc.jwt'), '--trust', issuer, '--now', NOW, '--json']);
    expect(direct.code).toBe(0);
    expect(JSON.parse(direct.out)).toMatchObject({ verified: true, format: 'vc+jwt', issuer });

    const vp = await run([
      'present',
      file('vc.jwt'),
      '--holder-key',
      file('holder.key.json'),
      '--nonce',
      'n-1',
      '--aud',
      'https://inspector.example',
      '--now',
      NOW,
    ]);
    expect(vp.code).toBe(0);
    writeFileSync(file('vp.jwt'), vp.out);
    const verified = await run([
      'verify',
      file('vp.jwt'),
      '--trust',
      issuer,
      '--nonce',
      'n-1',
      '--aud',
      'https://inspector.example',
      '--now',
      NOW,
      '--json',
    ]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ verified: true, format: 'vp+jwt', issuer });
    const replay = await run([
      'verify',
      file('vp.jwt'),
      '--trust',
      issuer,
      '--nonce',
      'n-2',
      '--aud',
      'https://inspector.example',
      '--now',
      NOW,
      '--json',
    ]);
    expect(replay.code).toBe(1);
    expect(JSON.parse(replay.out).error.code).toBe('W3C_NONCE_MISMATCH');
    // A whole-credential format disclosing everything is over-asking for the inspector's purpose.
    const purpose = await run([
      'verify',
      file('vc.jwt'),
      '--trust',
      issuer,
      '--purpose',
      'inspector.contract-validity',
      '--now',
      NOW,
      '--json',
    ]);
    expect(purpose.code).toBe(1);
    expect(JSON.parse(purpose.out).error.code).toBe('OVER_ASKING');
  });

  test('a bare credential with --nonce/--aud is a usage error, never VERIFIED with the nonce unused', async () => {
    writeFileSync(file('bare.jwt'), await issue('vc+jwt', 'issuer-ed.key.json'));
    const issuer = didOfKeyFile('issuer-ed.key.json');
    const bare = await run([
      'verify',
      file('bare.jwt'),
      '--trust',
      issuer,
      '--nonce',
      'n-1',
      '--aud',
      'https://x.example',
    ]);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/holder-signed presentation/);
  });

  test('present refuses to select claims from a format that cannot hide any', async () => {
    writeFileSync(file('vc2.jwt'), await issue('vc+jwt', 'issuer-ed.key.json'));
    const result = await run(['present', file('vc2.jwt'), '--purpose', 'inspector.contract-validity']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/cannot hide claims/);
  });

  test('an untrusted issuer, a tampered token and an unknown JWT type are refused with codes', async () => {
    const token = (await issue('vc+jwt', 'issuer-ed.key.json')).trim();
    writeFileSync(file('vc3.jwt'), token);
    const other = didOfKeyFile('issuer-p256.key.json');
    const untrusted = await run(['verify', file('vc3.jwt'), '--trust', other, '--now', NOW, '--json']);
    expect(untrusted.code).toBe(1);
    expect(JSON.parse(untrusted.out).error.code).toBe('W3C_ISSUER_UNTRUSTED');
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.credentialSubject.job_title = 'Manager';
    writeFileSync(
      file('forged.jwt'),
      `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`,
    );
    const issuer = didOfKeyFile('issuer-ed.key.json');
    const forged = await run(['verify', file('forged.jwt'), '--trust', issuer, '--now', NOW, '--json']);
    expect(forged.code).toBe(1);
    expect(JSON.parse(forged.out).error.code).toBe('JWS_SIGNATURE_INVALID');
    const key = JSON.parse(readFileSync(file('issuer-ed.key.json'), 'utf8')) as PrivateJwk;
    writeFileSync(file('other.jwt'), await signJws({ a: 1 }, { signer: createSigner(key), typ: 'at+jwt' }));
    const unknown = await run(['verify', file('other.jwt'), '--trust', issuer, '--now', NOW]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/JWT of a type haven does not verify/);
  });

  test('a VCDM 1.1 JWT (vc claim, as Veramo makes) is detected and verified', async () => {
    const key = JSON.parse(readFileSync(file('issuer-ed.key.json'), 'utf8')) as PrivateJwk;
    const issuer = didOfKeyFile('issuer-ed.key.json');
    const holder = createDidJwk(JSON.parse(readFileSync(file('holder.pub.json'), 'utf8')));
    const token = await signJws(
      {
        iss: issuer,
        sub: holder,
        nbf: Number(NOW) - 60,
        vc: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiableCredential'],
          credentialSubject: { job_title: 'Picker' },
        },
      },
      { signer: createSigner(key, { kid: `${issuer}#0` }), typ: 'JWT' },
    );
    writeFileSync(file('legacy.jwt'), token);
    const verified = await run(['verify', file('legacy.jwt'), '--trust', issuer, '--now', NOW, '--json']);
    expect(JSON.parse(verified.out)).toMatchObject({ verified: true, format: 'vc1+jwt', issuer });
    const present = await run(['present', file('legacy.jwt')]);
    expect(present.code).toBe(2);
    expect(present.err).toMatch(/can only be verified/);
  });

  test('issue refuses unknown formats and keys of the wrong curve for Data Integrity', async () => {
    const bad = await run([
      'issue',
      '--type',
      'labour-contract',
      '--format',
      'ldp_vc',
      '--claims',
      file('claims.json'),
      '--issuer-key',
      file('issuer-ed.key.json'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--format must be one of/);
    const curve = await run([
      'issue',
      '--type',
      'labour-contract',
      '--format',
      'vc-di-ecdsa-sd',
      '--claims',
      file('claims.json'),
      '--issuer-key',
      file('issuer-ed.key.json'),
    ]);
    expect(curve.code).toBe(2);
    expect(curve.err).toMatch(/P-256/);
  });
});

describe('haven issue/present/verify with Data Integrity', () => {
  test('vc-di-eddsa: issue → verify', async () => {
    const credential = await issue('vc-di-eddsa', 'issuer-ed.key.json');
    writeFileSync(file('di-eddsa.json'), credential);
    expect(JSON.parse(credential).proof).toMatchObject({ cryptosuite: 'eddsa-rdfc-2022' });
    const issuer = didOfKeyFile('issuer-ed.key.json');
    const verified = await run(['verify', file('di-eddsa.json'), '--trust', issuer, '--now', NOW, '--json']);
    expect(JSON.parse(verified.out)).toMatchObject({ verified: true, format: 'vc-di', issuer });
  });

  test('vc-di-ecdsa-sd: issue → derive for a purpose → verify shows only what the purpose allows', async () => {
    writeFileSync(file('di-sd.json'), await issue('vc-di-ecdsa-sd', 'issuer-p256.key.json'));
    const derived = await run(['present', file('di-sd.json'), '--purpose', 'inspector.contract-validity']);
    expect(derived.err).toBe('');
    expect(derived.code).toBe(0);
    writeFileSync(file('di-derived.json'), derived.out);
    const issuer = didOfKeyFile('issuer-p256.key.json');
    const verified = await run([
      'verify',
      file('di-derived.json'),
      '--trust',
      issuer,
      '--purpose',
      'inspector.contract-validity',
      '--now',
      NOW,
      '--json',
    ]);
    const result = JSON.parse(verified.out);
    expect(result).toMatchObject({ verified: true, format: 'vc-di', issuer });
    expect(result.claims).not.toHaveProperty('worker_reference');
    expect(result.claims).toHaveProperty('wage');
  });

  test('vc-di-ecdsa-sd: a claim the issuer made mandatory beyond the purpose is refused before it leaves', async () => {
    const key = JSON.parse(readFileSync(file('issuer-p256.key.json'), 'utf8')) as PrivateJwk;
    const issuer = didOfKeyFile('issuer-p256.key.json');
    const holder = createDidJwk(JSON.parse(readFileSync(file('holder.pub.json'), 'utf8')));
    const unsigned = prepareW3cCredential(
      'labour-contract',
      JSON.parse(readFileSync(file('claims.json'), 'utf8')),
      {
        now: Number(NOW),
        issuer,
        holder,
      },
    );
    const signed = await issueDataIntegrityCredential(unsigned, {
      cryptosuite: 'ecdsa-sd-2023',
      privateKey: key,
      verificationMethod: `${issuer}#0`,
      clock: fixedClock(Number(NOW)),
      mandatoryPointers: [...w3cMandatoryPointers(unsigned), '/credentialSubject/worker_reference'],
    });
    writeFileSync(file('di-over.json'), JSON.stringify(signed));
    const result = await run(['present', file('di-over.json'), '--purpose', 'inspector.contract-validity']);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/mandatory/);
  });
});
