import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { errorCode as code } from '../test/fixtures/keys.js';
import { generateKeyPair } from './signer.js';
import {
  assertKeyMatchesCertificate,
  importPrivateKeyPem,
  readCertificateChainPem,
  sanDnsNamesOfDer,
  X509_PEM_MAX_LENGTH,
} from './x509.js';

// Test PKI made once with OpenSSL 3.0 (ECDSA P-256): a root CA and a leaf it issued whose SANs are
// DNS:verifier.example.org, DNS:Alt.Example.NET, IP:192.0.2.1 and a URI; plus an unrelated root and key,
// and a forged root (the real root's subject and key identifier over the unrelated key).
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const CHAIN_PEM = fixture('x509-chain.pem');
const LEAF_KEY_PEM = fixture('x509-leaf-key.pem');
const OTHER_ROOT_PEM = fixture('x509-other-root.pem');
const OTHER_KEY_PEM = fixture('x509-other-key.pem');
// Same subject and key identifier as the real root, another key: only the signature tells them apart.
const FORGED_ROOT_PEM = fixture('x509-forged-root.pem');
const [LEAF_PEM = '', ROOT_PEM = ''] = CHAIN_PEM.split(/(?<=-----END CERTIFICATE-----\n)/);

const der = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

describe('readCertificateChainPem', () => {
  test('RFC 7515 §4.1.6: the x5c is the chain in order, leaf first, standard base64 DER', () => {
    const chain = readCertificateChainPem(CHAIN_PEM);
    expect(chain.x5c).toHaveLength(2);
    const [leafBody = '', rootBody = ''] = [LEAF_PEM, ROOT_PEM].map((pem) =>
      pem.replace(/-----[A-Z ]+-----|\s/g, ''),
    );
    expect(chain.x5c).toEqual([leafBody, rootBody]);
    expect(chain.x5c[0]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(chain.selfSigned).toEqual([false, true]);
  });

  test('RFC 5280 §4.2.1.6: only dNSName SANs of the leaf, lower-cased (IP and URI names left out)', () => {
    expect(readCertificateChainPem(CHAIN_PEM).leafDnsNames).toEqual([
      'verifier.example.org',
      'alt.example.net',
    ]);
  });

  test('the validity window is where every certificate of the chain is valid', () => {
    const chain = readCertificateChainPem(CHAIN_PEM);
    const leaf = readCertificateChainPem(LEAF_PEM);
    const root = readCertificateChainPem(ROOT_PEM);
    expect(chain.notBefore).toBe(Math.max(leaf.notBefore, root.notBefore));
    expect(chain.notAfter).toBe(Math.min(leaf.notAfter, root.notAfter));
    // The leaf was issued for ten years, the root for twenty.
    expect(chain.notAfter).toBe(leaf.notAfter);
    expect(leaf.notAfter - leaf.notBefore).toBe(3650 * 86_400);
  });

  test('takes CRLF line breaks and whitespace around and between blocks', () => {
    const crlf = `\n  ${CHAIN_PEM.replace(/\n/g, '\r\n')}\n\n`;
    expect(readCertificateChainPem(crlf).x5c).toEqual(readCertificateChainPem(CHAIN_PEM).x5c);
  });

  test('refuses garbage, empty text and text beside the blocks with X509_INVALID', () => {
    expect(code(() => readCertificateChainPem(''))).toBe('X509_INVALID');
    expect(code(() => readCertificateChainPem('   \n'))).toBe('X509_INVALID');
    expect(code(() => readCertificateChainPem('not a certificate'))).toBe('X509_INVALID');
    expect(code(() => readCertificateChainPem(`subject=CN = leaf\n${CHAIN_PEM}`))).toBe('X509_INVALID');
    expect(code(() => readCertificateChainPem(`${CHAIN_PEM}trailing`))).toBe('X509_INVALID');
    expect(code(() => readCertificateChainPem(42 as unknown as string))).toBe('X509_INVALID');
    expect(code(() => readCertificateChainPem('x'.repeat(X509_PEM_MAX_LENGTH + 1)))).toBe('X509_INVALID');
  });

  test('refuses a block that is not a certificate, bad base64 or a mismatched END line', () => {
    expect(code(() => readCertificateChainPem(LEAF_KEY_PEM))).toBe('X509_INVALID');
    const notDer = '-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n';
    expect(code(() => readCertificateChainPem(notDer))).toBe('X509_INVALID');
    const badBase64 = LEAF_PEM.replace(/\n([A-Za-z0-9+/]{10})/, '\n=$1');
    expect(code(() => readCertificateChainPem(badBase64))).toBe('X509_INVALID');
    const mismatched = LEAF_PEM.replace('-----END CERTIFICATE-----', '-----END X509 CRL-----');
    expect(code(() => readCertificateChainPem(mismatched))).toBe('X509_INVALID');
  });

  test('refuses a certificate with trailing bytes inside its block', () => {
    const body = readCertificateChainPem(LEAF_PEM).x5c[0] as string;
    const padded = Buffer.concat([Buffer.from(body, 'base64'), Buffer.from([0, 0])]).toString('base64');
    const pem = `-----BEGIN CERTIFICATE-----\n${padded}\n-----END CERTIFICATE-----\n`;
    expect(code(() => readCertificateChainPem(pem))).toBe('X509_INVALID');
  });

  test('refuses more than 10 certificates', () => {
    expect(readCertificateChainPem(LEAF_PEM.repeat(1)).x5c).toHaveLength(1);
    expect(code(() => readCertificateChainPem(LEAF_PEM.repeat(11)))).toBe('X509_INVALID');
  });

  test('refuses a chain whose links do not hold with X509_CHAIN_INVALID', () => {
    // Wrong order: the root is not issued by the leaf.
    expect(code(() => readCertificateChainPem(`${ROOT_PEM}${LEAF_PEM}`))).toBe('X509_CHAIN_INVALID');
    // The leaf is not issued by an unrelated root.
    expect(code(() => readCertificateChainPem(`${LEAF_PEM}${OTHER_ROOT_PEM}`))).toBe('X509_CHAIN_INVALID');
    // Names and key identifiers link, but the leaf's signature does not verify with this root's key.
    expect(code(() => readCertificateChainPem(`${LEAF_PEM}${FORGED_ROOT_PEM}`))).toBe('X509_CHAIN_INVALID');
    expect(readCertificateChainPem(FORGED_ROOT_PEM).x5c).toHaveLength(1);
    // The same leaf twice: it did not issue itself.
    expect(code(() => readCertificateChainPem(`${LEAF_PEM}${LEAF_PEM}`))).toBe('X509_CHAIN_INVALID');
  });
});

describe('sanDnsNamesOfDer', () => {
  test('reads the dNSName SANs of one DER certificate, lower-cased', () => {
    const [leaf = '', root = ''] = readCertificateChainPem(CHAIN_PEM).x5c;
    expect(sanDnsNamesOfDer(der(leaf))).toEqual(['verifier.example.org', 'alt.example.net']);
    expect(sanDnsNamesOfDer(der(root))).toEqual([]);
  });

  test('refuses bytes that are not one certificate with X509_INVALID', () => {
    expect(code(() => sanDnsNamesOfDer(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])))).toBe('X509_INVALID');
    expect(code(() => sanDnsNamesOfDer(new Uint8Array()))).toBe('X509_INVALID');
    expect(code(() => sanDnsNamesOfDer('MII' as unknown as Uint8Array))).toBe('X509_INVALID');
  });
});

describe('importPrivateKeyPem and assertKeyMatchesCertificate', () => {
  test('a PKCS#8 EC P-256 key becomes a private JWK that matches its certificate', () => {
    const jwk = importPrivateKeyPem(LEAF_KEY_PEM);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(typeof jwk.d).toBe('string');
    const leaf = der(readCertificateChainPem(CHAIN_PEM).x5c[0] as string);
    expect(() => assertKeyMatchesCertificate(jwk, leaf)).not.toThrow();
  });

  test('another key does not match the leaf: X509_KEY_MISMATCH', () => {
    const leaf = der(readCertificateChainPem(CHAIN_PEM).x5c[0] as string);
    expect(code(() => assertKeyMatchesCertificate(importPrivateKeyPem(OTHER_KEY_PEM), leaf))).toBe(
      'X509_KEY_MISMATCH',
    );
    // A key of another type is a mismatch too, not a crash.
    expect(code(() => assertKeyMatchesCertificate(generateKeyPair('EdDSA').privateJwk, leaf))).toBe(
      'X509_KEY_MISMATCH',
    );
    // A public JWK is not a private key.
    const { publicJwk } = generateKeyPair('ES256');
    expect(code(() => assertKeyMatchesCertificate(publicJwk as never, leaf))).toBe(
      'JWK_PRIVATE_KEY_REQUIRED',
    );
  });

  test('refuses a certificate, an encrypted key, SEC1 or two keys with PRIVATE_KEY_PEM_INVALID', () => {
    expect(code(() => importPrivateKeyPem(CHAIN_PEM))).toBe('PRIVATE_KEY_PEM_INVALID');
    expect(code(() => importPrivateKeyPem(`${LEAF_KEY_PEM}${LEAF_KEY_PEM}`))).toBe('PRIVATE_KEY_PEM_INVALID');
    const body = LEAF_KEY_PEM.replace(/-----[A-Z ]+-----|\s/g, '');
    const relabel = (label: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
    expect(code(() => importPrivateKeyPem(relabel('ENCRYPTED PRIVATE KEY')))).toBe('PRIVATE_KEY_PEM_INVALID');
    expect(code(() => importPrivateKeyPem(relabel('EC PRIVATE KEY')))).toBe('PRIVATE_KEY_PEM_INVALID');
    expect(
      code(() => importPrivateKeyPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')),
    ).toBe('PRIVATE_KEY_PEM_INVALID');
    expect(code(() => importPrivateKeyPem('garbage'))).toBe('PRIVATE_KEY_PEM_INVALID');
  });

  test('error messages never carry the PEM text', () => {
    let message = '';
    try {
      importPrivateKeyPem(`${LEAF_KEY_PEM}x`);
    } catch (error) {
      message = `${(error as Error).message} ${JSON.stringify(error)}`;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain(LEAF_KEY_PEM.slice(28, 60));
  });
});
