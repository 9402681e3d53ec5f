import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  importPrivateKeyPem,
  isHavenError,
  readCertificateChainPem,
  signJws,
  toPublicJwk,
  verifyJws,
} from '@haven/core';
import { afterAll, describe, expect, test } from 'vitest';
import { loadVerifierX509 } from './verifier-x509.js';

// Test PKI made once with OpenSSL 3.0 (ECDSA P-256): fixtures/x509-chain.pem is a leaf (SANs
// DNS:verifier.example.org, DNS:Alt.Example.NET, an IP and a URI; ten years from 2026-11-24) and the
// root that issued it; x509-leaf-key.pem is the leaf's PKCS#8 key, x509-other-key.pem an unrelated one.
const FIXTURES = new URL('./fixtures/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'haven-verifier-x509-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Copies a fixture into the temp dir (git does not keep file modes) with the given mode. */
function placed(fixture: string, mode = 0o600, name = fixture): string {
  const path = join(dir, name);
  copyFileSync(new URL(fixture, FIXTURES), path);
  chmodSync(path, mode);
  return path;
}
function written(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const CHAIN = placed('x509-chain.pem', 0o644);
const KEY = placed('x509-leaf-key.pem');
const CHAIN_TEXT = readFileSync(CHAIN, 'utf8');
const { notBefore, notAfter } = readCertificateChainPem(CHAIN_TEXT);
const NOW = notBefore + 86_400;
const OK = {
  certificateChainFile: CHAIN,
  privateKeyFile: KEY,
  dnsName: 'verifier.example.org',
  publicUrl: 'https://verifier.example.org',
  now: NOW,
};

/** The run error's message and core reason, or 'no error'. */
function failure(run: () => unknown): { code: string; reason?: unknown; message: string } | 'no error' {
  try {
    run();
  } catch (error) {
    if (!isHavenError(error)) throw error;
    return { code: error.code, reason: error.details?.reason, message: error.message };
  }
  return 'no error';
}
const refused = (reason?: string) =>
  expect.objectContaining({ code: 'SERVER_RUN_CONFIG_INVALID', ...(reason === undefined ? {} : { reason }) });

describe('loadVerifierX509 (an x509_san_dns verifier from PEM files)', () => {
  test('openid4vp §5.9.3: client_id x509_san_dns:<dns name>, x5c leaf first, an ES256 signer of the leaf key', async () => {
    const loaded = loadVerifierX509(OK);
    expect(loaded.clientId).toBe('x509_san_dns:verifier.example.org');
    // HAIP: the trust anchor (the file's self-signed root) is not sent in x5c.
    expect(loaded.x509.x5c).toEqual(readCertificateChainPem(CHAIN_TEXT).x5c.slice(0, 1));
    expect(loaded.notAfter).toBe(notAfter);
    const leaf = new Uint8Array(Buffer.from(loaded.x509.x5c[0] as string, 'base64'));
    expect(loaded.x509.sanDnsNames(leaf)).toEqual(['verifier.example.org', 'alt.example.net']);
    // What it signs verifies with the key's public half, which core checked is the leaf certificate's.
    expect(loaded.x509.signer.alg).toBe('ES256');
    const jws = await signJws({ probe: 1 }, { signer: loaded.x509.signer, typ: 'JWT' });
    const publicJwk = toPublicJwk(importPrivateKeyPem(readFileSync(KEY, 'utf8')));
    expect(verifyJws(jws, { key: publicJwk, algorithms: ['ES256'], typ: 'JWT' }).payload).toEqual({
      probe: 1,
    });
    const otherJwk = toPublicJwk(
      importPrivateKeyPem(readFileSync(new URL('x509-other-key.pem', FIXTURES), 'utf8')),
    );
    expect(() => verifyJws(jws, { key: otherJwk, algorithms: ['ES256'], typ: 'JWT' })).toThrow();
  });

  test('the DNS name is compared case-insensitively and another SAN of the leaf works too', () => {
    expect(loadVerifierX509({ ...OK, dnsName: 'Verifier.Example.ORG' }).clientId).toBe(
      'x509_san_dns:verifier.example.org',
    );
    expect(
      loadVerifierX509({ ...OK, dnsName: 'alt.example.net', publicUrl: 'https://alt.example.net/verifier' })
        .clientId,
    ).toBe('x509_san_dns:alt.example.net');
  });

  test('openid4vp §5.9.3: the DNS name must be the public URL host and a SAN of the leaf', () => {
    expect(failure(() => loadVerifierX509({ ...OK, publicUrl: 'https://other.example.org' }))).toEqual(
      refused(),
    );
    expect(
      failure(() =>
        loadVerifierX509({ ...OK, dnsName: 'other.example.org', publicUrl: 'https://other.example.org' }),
      ),
    ).toEqual(refused());
    for (const dnsName of ['', 'localhost', '*.example.org', 'verifier.example.org.', 'a b.example']) {
      expect(
        failure(() => loadVerifierX509({ ...OK, dnsName })),
        dnsName,
      ).toEqual(refused());
    }
  });

  test('HAIP: a self-signed signing certificate is refused (the trust anchor alone as the chain)', () => {
    const [, root = ''] = CHAIN_TEXT.split(/(?<=-----END CERTIFICATE-----\n)/);
    const anchorOnly = written('anchor-only.pem', root, 0o644);
    const result = failure(() => loadVerifierX509({ ...OK, certificateChainFile: anchorOnly }));
    expect(result).toEqual(refused());
    expect((result as { message: string }).message).toContain('self-signed');
  });

  test('a chain that is not valid now is refused', () => {
    expect(failure(() => loadVerifierX509({ ...OK, now: notBefore - 1 }))).toEqual(refused());
    expect(failure(() => loadVerifierX509({ ...OK, now: notAfter + 1 }))).toEqual(refused());
    expect(loadVerifierX509({ ...OK, now: notAfter }).clientId).toBe('x509_san_dns:verifier.example.org');
  });

  test('a broken chain, garbage or a key file in place of the chain: the core code in details.reason', () => {
    const [leaf = '', root = ''] = CHAIN_TEXT.split(/(?<=-----END CERTIFICATE-----\n)/);
    const reversed = written('reversed.pem', `${root}${leaf}`, 0o644);
    expect(failure(() => loadVerifierX509({ ...OK, certificateChainFile: reversed }))).toEqual(
      refused('X509_CHAIN_INVALID'),
    );
    const garbage = written('garbage.pem', 'not a certificate\n', 0o644);
    expect(failure(() => loadVerifierX509({ ...OK, certificateChainFile: garbage }))).toEqual(
      refused('X509_INVALID'),
    );
    expect(failure(() => loadVerifierX509({ ...OK, certificateChainFile: KEY }))).toEqual(
      refused('X509_INVALID'),
    );
    const big = written('big.pem', ' '.repeat(64 * 1024 + 1), 0o644);
    expect(failure(() => loadVerifierX509({ ...OK, certificateChainFile: big }))).toEqual(refused());
    expect(
      failure(() => loadVerifierX509({ ...OK, certificateChainFile: join(dir, 'missing.pem') })),
    ).toEqual(refused('ENOENT'));
    expect(failure(() => loadVerifierX509({ ...OK, certificateChainFile: dir }))).toEqual(refused());
  });

  test('a key that is not the leaf key, not PKCS#8 or not PEM is refused', () => {
    const other = placed('x509-other-key.pem');
    expect(failure(() => loadVerifierX509({ ...OK, privateKeyFile: other }))).toEqual(
      refused('X509_KEY_MISMATCH'),
    );
    const chainAsKey = written('chain-as-key.pem', CHAIN_TEXT);
    expect(failure(() => loadVerifierX509({ ...OK, privateKeyFile: chainAsKey }))).toEqual(
      refused('PRIVATE_KEY_PEM_INVALID'),
    );
    const empty = written('empty.key', '');
    expect(failure(() => loadVerifierX509({ ...OK, privateKeyFile: empty }))).toEqual(
      refused('PRIVATE_KEY_PEM_INVALID'),
    );
  });

  test.skipIf(process.platform === 'win32')(
    'the key file must be owner-only and a regular file, as master.key (mode 0640/0604 or a symlink refused)',
    () => {
      for (const mode of [0o640, 0o604, 0o660, 0o644]) {
        const loose = placed('x509-leaf-key.pem', mode, `loose-${mode.toString(8)}.pem`);
        expect(
          failure(() => loadVerifierX509({ ...OK, privateKeyFile: loose })),
          mode.toString(8),
        ).toEqual(refused());
      }
      expect(
        loadVerifierX509({ ...OK, privateKeyFile: placed('x509-leaf-key.pem', 0o400, 'ro.pem') }).clientId,
      ).toBe('x509_san_dns:verifier.example.org');
      const link = join(dir, 'link.pem');
      symlinkSync(KEY, link);
      expect(failure(() => loadVerifierX509({ ...OK, privateKeyFile: link }))).toEqual(refused());
    },
  );

  test('errors carry neither paths nor key material', () => {
    const secretDir = mkdtempSync(join(dir, 'customer-7Hq2-'));
    const missing = join(secretDir, 'verifier.key');
    const outcome = failure(() => loadVerifierX509({ ...OK, privateKeyFile: missing }));
    expect(outcome).toEqual(refused());
    const text = JSON.stringify(outcome);
    expect(text).not.toContain('customer-7Hq2');
    const mismatch = failure(() => loadVerifierX509({ ...OK, privateKeyFile: placed('x509-other-key.pem') }));
    const keyBody = readFileSync(KEY, 'utf8').split('\n')[1] as string;
    expect(JSON.stringify(mismatch)).not.toContain(keyBody.slice(0, 20));
  });
});
