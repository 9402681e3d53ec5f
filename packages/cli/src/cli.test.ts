import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runHaven } from './fixtures/run-cli.js';

const NOW = '1780304400';
let dir: string;

const run = runHaven;

const binPath = fileURLToPath(new URL('./bin.ts', import.meta.url));
const cliDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs the real `haven` process (sources through tsx, as `pnpm haven` does). */
function spawnHaven(args: string[], input?: string) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=@haven/source', '--import', 'tsx', binPath, ...args],
    {
      cwd: cliDir,
      encoding: 'utf8',
      input: input ?? '',
      timeout: 60_000,
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'haven-cli-test-'));
  await run(['keys', 'generate', '--out', file('issuer.key.json')]);
  const holder = await run(['keys', 'generate', '--alg', 'EdDSA', '--out', file('holder.key.json')]);
  writeFileSync(file('holder.pub.json'), JSON.stringify(JSON.parse(holder.out).publicJwk));
  writeFileSync(file('claims.json'), (await run(['claims', 'template', '--type', 'labour-contract'])).out);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function issued(): Promise<{ credential: string; issuerDid: string }> {
  const cred = await run([
    'issue',
    '--type',
    'labour-contract',
    '--claims',
    file('claims.json'),
    '--issuer-key',
    file('issuer.key.json'),
    '--holder-key',
    file('holder.pub.json'),
    '--valid-for',
    '365d',
    '--now',
    NOW,
  ]);
  expect(cred.code).toBe(0);
  writeFileSync(file('cred.txt'), cred.out);
  const pub = JSON.parse(readFileSync(file('issuer.key.json'), 'utf8'));
  const { createDidJwk } = await import('@haven/did');
  const { toPublicJwk } = await import('@haven/core');
  return { credential: cred.out.trim(), issuerDid: createDidJwk(toPublicJwk(pub)) };
}

describe('haven keys, claims, issue, present, verify (in process)', () => {
  test('keys generate writes a 0600 private key, prints the public key and did:jwk, never overwrites', async () => {
    expect(statSync(file('issuer.key.json')).mode & 0o777).toBe(0o600);
    const again = await run(['keys', 'generate', '--out', file('issuer.key.json')]);
    expect(again.code).toBe(2);
    const printed = await run(['keys', 'generate', '--alg', 'ES384', '--out', file('p384.key.json')]);
    const { publicJwk, did } = JSON.parse(printed.out);
    expect(publicJwk).not.toHaveProperty('d');
    expect(publicJwk.crv).toBe('P-384');
    expect(did).toMatch(/^did:jwk:/);
  });

  test('claims template validates against its own type; claims schema is a JSON Schema', async () => {
    const schema = JSON.parse((await run(['claims', 'schema', '--type', 'identity-restoration'])).out);
    expect(schema.type).toBe('object');
    expect(schema.properties).toHaveProperty('given_name');
    expect((await run(['claims', 'template', '--type', 'passport'])).code).toBe(2);
  });

  test('issue → present --purpose → verify --purpose with holder binding', async () => {
    const { issuerDid } = await issued();
    const vp = await run([
      'present',
      file('cred.txt'),
      '--purpose',
      'inspector.contract-validity',
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
    writeFileSync(file('vp.txt'), vp.out);
    const verified = await run([
      'verify',
      file('vp.txt'),
      '--trust',
      issuerDid,
      '--nonce',
      'n-1',
      '--aud',
      'https://inspector.example',
      '--purpose',
      'inspector.contract-validity',
      '--now',
      NOW,
      '--json',
    ]);
    expect(verified.code).toBe(0);
    const result = JSON.parse(verified.out);
    expect(result).toMatchObject({ verified: true, format: 'dc+sd-jwt', issuer: issuerDid });
    expect(result.disclosed).toContain('wage');
    expect(result.disclosed).not.toContain('worker_reference');
    expect(result.claims).not.toHaveProperty('worker_reference');
    expect(Array.isArray(result.checks)).toBe(true);
  });

  test('verify: an untrusted issuer, a wrong nonce, and over-disclosure for a purpose are exit 1 with codes', async () => {
    const { issuerDid } = await issued();
    const all = await run(['present', file('cred.txt'), '--disclose', 'job_title,wage,worker_reference']);
    writeFileSync(file('all.txt'), all.out);
    const other = JSON.parse((await run(['keys', 'generate'])).out).did;
    const untrusted = await run(['verify', file('all.txt'), '--trust', other, '--now', NOW, '--json']);
    expect(untrusted.code).toBe(1);
    expect(JSON.parse(untrusted.out).error.code).toBe('SDJWT_ISSUER_UNTRUSTED');
    const over = await run([
      'verify',
      file('all.txt'),
      '--trust',
      issuerDid,
      '--purpose',
      'inspector.contract-validity',
      '--now',
      NOW,
      '--json',
    ]);
    expect(over.code).toBe(1);
    expect(JSON.parse(over.out).error.code).toBe('OVER_ASKING');
    const wrongNonce = await run([
      'verify',
      file('vp.txt'),
      '--trust',
      issuerDid,
      '--nonce',
      'other',
      '--aud',
      'https://inspector.example',
      '--now',
      NOW,
      '--json',
    ]);
    expect(wrongNonce.code).toBe(1);
    expect(JSON.parse(wrongNonce.out).error.code).toBe('SDJWT_KB_NONCE_MISMATCH');
  });

  test('--allow-http-loopback is announced on stderr whenever it is on', async () => {
    const { issuerDid } = await issued();
    const result = await run([
      'verify',
      file('cred.txt'),
      '--trust',
      issuerDid,
      '--now',
      NOW,
      '--allow-http-loopback',
    ]);
    expect(result.code).toBe(0);
    expect(result.err).toContain('WARNING: --allow-http-loopback');
    expect((await run(['verify', file('cred.txt'), '--trust', issuerDid, '--now', NOW])).err).toBe('');
  });

  test('verify --trust with a public JWK file; stdin with -', async () => {
    const { credential } = await issued();
    const pub = JSON.parse(readFileSync(file('issuer.key.json'), 'utf8'));
    const { toPublicJwk } = await import('@haven/core');
    writeFileSync(file('issuer.pub.json'), JSON.stringify(toPublicJwk(pub)));
    const result = await run(
      ['verify', '-', '--trust', file('issuer.pub.json'), '--now', NOW, '--json'],
      credential,
    );
    expect(result.code).toBe(0);
    // A private key given as trust anchor is refused: keys to trust are public.
    expect(
      (await run(['verify', '-', '--trust', file('issuer.key.json'), '--now', NOW], credential)).code,
    ).toBe(2);
  });

  test('issue: a bad claims file names the field, never echoes the value, exit 2', async () => {
    const claims = JSON.parse(readFileSync(file('claims.json'), 'utf8'));
    claims.hours_per_week = 'SECRET-VALUE-4242';
    writeFileSync(file('bad.json'), JSON.stringify(claims));
    const bad = await run([
      'issue',
      '--type',
      'labour-contract',
      '--claims',
      file('bad.json'),
      '--issuer-key',
      file('issuer.key.json'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('CREDENTIAL_CLAIMS_INVALID');
    expect(bad.err).toContain('hours_per_week');
    expect(bad.err).not.toContain('SECRET-VALUE-4242');
  });

  test('usage errors are exit 2: unknown command, missing option, unreadable file, not a credential', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['issue', '--type', 'labour-contract'])).code).toBe(2);
    expect((await run(['verify', file('does-not-exist'), '--trust', 'did:jwk:x'])).code).toBe(2);
    writeFileSync(file('junk.txt'), 'hello');
    expect((await run(['verify', file('junk.txt'), '--trust', 'did:jwk:x'])).code).toBe(2);
    expect((await run(['verify', file('junk.txt')])).code).toBe(2);
    expect((await run(['--help'])).code).toBe(0);
  });

  test('a key-file trust covers only its own did:jwk as issuer; ISSUER=FILE pairs a key with a named issuer', async () => {
    const { toPublicJwk } = await import('@haven/core');
    const pub = toPublicJwk(JSON.parse(readFileSync(file('issuer.key.json'), 'utf8')));
    writeFileSync(file('issuer.pub.json'), JSON.stringify(pub));
    const forged = await run([
      'issue',
      '--type',
      'labour-contract',
      '--claims',
      file('claims.json'),
      '--issuer-key',
      file('issuer.key.json'),
      '--issuer',
      'did:web:ministry.gov.example',
      '--now',
      NOW,
    ]);
    writeFileSync(file('forged.txt'), forged.out);
    const refused = await run([
      'verify',
      file('forged.txt'),
      '--trust',
      file('issuer.pub.json'),
      '--now',
      NOW,
      '--json',
    ]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).error.code).toBe('SDJWT_ISSUER_UNTRUSTED');
    const named = await run([
      'verify',
      file('forged.txt'),
      '--trust',
      `did:web:ministry.gov.example=${file('issuer.pub.json')}`,
      '--now',
      NOW,
      '--json',
    ]);
    expect(named.code).toBe(0);
    expect(JSON.parse(named.out).issuer).toBe('did:web:ministry.gov.example');
  });

  test('verify --purpose: an unknown purpose is a usage error; a wrong type keeps its own code and message', async () => {
    const { issuerDid } = await issued();
    expect(
      (
        await run([
          'verify',
          file('cred.txt'),
          '--trust',
          issuerDid,
          '--purpose',
          'no-such-purpose',
          '--now',
          NOW,
        ])
      ).code,
    ).toBe(2);
    const wrongType = await run([
      'verify',
      file('cred.txt'),
      '--trust',
      issuerDid,
      '--purpose',
      'clinic.identity-minimal',
      '--now',
      NOW,
      '--json',
    ]);
    expect(wrongType.code).toBe(1);
    expect(JSON.parse(wrongType.out).error.code).toBe('PURPOSE_TYPE_NOT_ALLOWED');
  });

  test('present: an unknown --disclose path is named; a holder key not bound to the credential is refused', async () => {
    await issued();
    const missing = await run(['present', file('cred.txt'), '--disclose', 'job_title,no_such.claim']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no_such.claim');
    const wrongKey = await run([
      'present',
      file('cred.txt'),
      '--disclose',
      'job_title',
      '--holder-key',
      file('issuer.key.json'),
      '--nonce',
      'n',
      '--aud',
      'a',
    ]);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.err).toContain('not the key this credential is bound to');
  });

  test('inputs: a file over 2 MiB, a device and a malformed --trust DID are usage errors, refused before reading', async () => {
    const { truncateSync } = await import('node:fs');
    writeFileSync(file('huge.txt'), '');
    truncateSync(file('huge.txt'), 1024 * 1024 * 1024);
    const huge = await run(['verify', file('huge.txt'), '--trust', 'did:jwk:x']);
    expect(huge.code).toBe(2);
    expect(huge.err).toContain('larger than 2 MiB');
    expect((await run(['verify', '/dev/zero', '--trust', 'did:jwk:x'])).code).toBe(2);
    expect((await run(['verify', file('cred.txt'), '--trust', 'did:jwk:garbage'])).code).toBe(2);
    expect((await run(['verify', file('cred.txt'), '--trust', 'did:foo:bar'])).code).toBe(2);
  });

  test('keys generate output can be given as --holder-key / --trust directly', async () => {
    const out = await run(['keys', 'generate', '--out', file('another.key.json')]);
    writeFileSync(file('another.pub.json'), out.out);
    const issuedWith = await run([
      'issue',
      '--type',
      'labour-contract',
      '--claims',
      file('claims.json'),
      '--issuer-key',
      file('another.key.json'),
      '--holder-key',
      file('another.pub.json'),
      '--now',
      NOW,
    ]);
    expect(issuedWith.code).toBe(0);
    writeFileSync(file('another.txt'), issuedWith.out);
    expect(
      (await run(['verify', file('another.txt'), '--trust', file('another.pub.json'), '--now', NOW])).code,
    ).toBe(0);
  });

  test('haven demo --offline plays every story with the expected verdicts, and --json says the same', async () => {
    const human = await run(['demo', '--offline']);
    expect(human.code).toBe(0);
    expect(human.out).toContain('OVER_ASKING');
    const result = JSON.parse((await run(['demo', '--offline', '--json'])).out);
    expect(result.ok).toBe(true);
    expect(result.steps.map((s: { outcome: string }) => s.outcome)).toEqual([
      'verified',
      'verified',
      'verified',
      'refused',
      'refused',
      'refused',
    ]);
    // The revoked contract is refused for its status, nothing else.
    expect(result.steps[4]).toMatchObject({ outcome: 'refused', code: 'STATUS_INVALID', ok: true });
    expect(result.steps[1].title).toMatch(/not revoked/);
    const ageCheck = result.steps[2];
    expect(ageCheck.disclosed).toEqual(['age_over_18']);
    const clinic = result.steps[0];
    expect(clinic.disclosed).not.toContain('nationalities');
    expect(clinic.hidden).toContain('place_of_birth');
  });
});

describe('haven as a process (the contract scripts rely on)', () => {
  test('exit codes, JSON on stdout, errors on stderr without stack traces or claim values', async () => {
    const { issuerDid } = await issued();
    const ok = spawnHaven(['verify', file('cred.txt'), '--trust', issuerDid, '--now', NOW, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).verified).toBe(true);
    const tampered = readFileSync(file('cred.txt'), 'utf8').replace(
      /~([A-Za-z0-9_-]{12})/,
      (_m, p) => `~${p.slice(0, 11)}${p[11] === 'A' ? 'B' : 'A'}`,
    );
    const refused = spawnHaven(['verify', '-', '--trust', issuerDid, '--now', NOW, '--json'], tampered);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).verified).toBe(false);
    const usage = spawnHaven(['verify', file('missing.txt'), '--trust', issuerDid]);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/^error: /);
    expect(usage.err).not.toMatch(/\n\s+at /);
    const claims = JSON.parse(readFileSync(file('claims.json'), 'utf8'));
    claims.job_title = { nested: 'SECRET-VALUE-777' };
    writeFileSync(file('bad2.json'), JSON.stringify(claims));
    const bad = spawnHaven([
      'issue',
      '--type',
      'labour-contract',
      '--claims',
      file('bad2.json'),
      '--issuer-key',
      file('issuer.key.json'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).not.toContain('SECRET-VALUE-777');
    expect(bad.err).not.toMatch(/\n\s+at /);
  }, 30_000);
});
