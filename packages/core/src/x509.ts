import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { fail } from './errors.js';
import { assertPrivateJwk, exportPrivateJwk, importPrivateJwk, type PrivateJwk } from './jwk.js';

/** Most certificates {@link readCertificateChainPem} takes (an `x5c` chain is short; RFC 7515 §4.1.6). */
export const X509_CHAIN_MAX_CERTIFICATES = 10;

/** Largest PEM text read by {@link readCertificateChainPem} and {@link importPrivateKeyPem} (characters). */
export const X509_PEM_MAX_LENGTH = 64 * 1024;

/** Largest DER certificate taken (bytes). */
const DER_MAX_BYTES = 16 * 1024;

/** A certificate chain read from PEM, for an `x5c` header and its startup checks. */
export interface CertificateChain {
  /** The chain, leaf first, each entry standard base64 DER (RFC 7515 §4.1.6 `x5c`). */
  readonly x5c: readonly string[];
  /** The leaf's `dNSName` subject alternative names, lower-cased (RFC 5280 §4.2.1.6). */
  readonly leafDnsNames: readonly string[];
  /** Epoch seconds from which every certificate of the chain is valid (the latest `notBefore`). */
  readonly notBefore: number;
  /** Epoch seconds until which every certificate of the chain is valid (the earliest `notAfter`). */
  readonly notAfter: number;
  /** Per certificate, in chain order: does it issue itself (names itself and verifies with its own key)? */
  readonly selfSigned: readonly boolean[];
}

function isSelfSigned(certificate: X509Certificate): boolean {
  try {
    return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
  } catch {
    return false;
  }
}

// RFC 7468 §3 (strict form): a label line, base64 lines, the matching end line. Nothing else is taken.
const PEM_BLOCK = String.raw`-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([A-Za-z0-9+/=\r\n]{1,65536}?)-----END \1-----`;
const BASE64_BODY = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// A DNS name as it may be presented as a client identifier: letters, digits, hyphens, dots; no wildcard.
const DNS_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

/** Splits strict PEM text into its blocks (only whitespace around and between them). */
function readPemBlocks(pem: unknown, what: 'certificate' | 'key', maxBlocks: number): PemBlock[] {
  const code = what === 'certificate' ? 'X509_INVALID' : 'PRIVATE_KEY_PEM_INVALID';
  if (typeof pem !== 'string' || pem.length === 0 || pem.length > X509_PEM_MAX_LENGTH) {
    fail(code, `the ${what} PEM text is empty or larger than ${X509_PEM_MAX_LENGTH} characters`);
  }
  const blocks: PemBlock[] = [];
  // Sticky, and made per call: no regex state is shared between calls.
  const block = new RegExp(PEM_BLOCK, 'y');
  let at = 0;
  for (;;) {
    while (at < pem.length && /\s/.test(pem[at] as string)) at += 1;
    if (at === pem.length) break;
    block.lastIndex = at;
    const match = block.exec(pem);
    if (match === null) fail(code, `the ${what} text is not PEM`);
    const body = (match[2] as string).replace(/\r?\n/g, '');
    if (!BASE64_BODY.test(body)) fail(code, `a ${what} PEM block is not base64`);
    blocks.push({ label: match[1] as string, der: Buffer.from(body, 'base64') });
    if (blocks.length > maxBlocks) fail(code, `the ${what} PEM text holds more than ${maxBlocks} blocks`);
    at = block.lastIndex;
  }
  if (blocks.length === 0) fail(code, `the ${what} PEM text holds no block`);
  return blocks;
}

function parseCertificate(der: Uint8Array): X509Certificate {
  if (!(der instanceof Uint8Array) || der.byteLength === 0 || der.byteLength > DER_MAX_BYTES) {
    fail('X509_INVALID', `a certificate must be 1 to ${DER_MAX_BYTES} bytes of DER`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch (cause) {
    fail('X509_INVALID', 'a certificate is not valid DER', { cause });
  }
  // The parser reads one certificate from the front of its input: trailing bytes mean it was not one.
  if (certificate.raw.byteLength !== der.byteLength) fail('X509_INVALID', 'a certificate has trailing bytes');
  return certificate;
}

function epochSeconds(text: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) fail('X509_INVALID', 'a certificate validity date cannot be read');
  return Math.floor(ms / 1000);
}

/**
 * Splits node's `subjectAltName` text (`DNS:a, IP Address:1.2.3.4, …`). Node writes a value that could
 * be misread (one holding `,`, `"`, `:` or a control character) as a JSON string, so those are decoded
 * rather than split.
 */
function altNameEntries(text: string): { type: string; value: string }[] {
  const entries: { type: string; value: string }[] = [];
  let at = 0;
  while (at < text.length) {
    const colon = text.indexOf(':', at);
    if (colon < 0) fail('X509_INVALID', 'the subject alternative names cannot be read');
    const type = text.slice(at, colon);
    let value: string;
    let end: number;
    if (text[colon + 1] === '"') {
      end = colon + 2;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) fail('X509_INVALID', 'the subject alternative names cannot be read');
      end += 1;
      try {
        value = JSON.parse(text.slice(colon + 1, end)) as string;
      } catch (cause) {
        fail('X509_INVALID', 'the subject alternative names cannot be read', { cause });
      }
    } else {
      const comma = text.indexOf(', ', colon + 1);
      end = comma < 0 ? text.length : comma;
      value = text.slice(colon + 1, end);
    }
    entries.push({ type, value });
    if (end === text.length) break;
    if (text.slice(end, end + 2) !== ', ')
      fail('X509_INVALID', 'the subject alternative names cannot be read');
    at = end + 2;
  }
  return entries;
}

function dnsNamesOf(certificate: X509Certificate): string[] {
  const text = certificate.subjectAltName;
  if (text === undefined || text === '') return [];
  const names = altNameEntries(text)
    .filter((entry) => entry.type === 'DNS')
    .map((entry) => entry.value.toLowerCase())
    // A wildcard or otherwise odd name can never equal an `x509_san_dns` client identifier: left out.
    .filter((name) => DNS_NAME.test(name));
  return [...new Set(names)];
}

/**
 * The `dNSName` subject alternative names (RFC 5280 §4.2.1.6) of one DER certificate, lower-cased, in
 * certificate order, without duplicates; wildcard and malformed names are left out (they can never be an
 * `x509_san_dns` client identifier, OpenID4VP §5.9.3). Throws `X509_INVALID` when the bytes are not one
 * certificate.
 *
 * @example
 * ```ts
 * sanDnsNamesOfDer(Buffer.from(x5c[0], 'base64')) // ['verifier.example.org']
 * ```
 */
export function sanDnsNamesOfDer(der: Uint8Array): string[] {
  return dnsNamesOf(parseCertificate(der));
}

/**
 * Reads a certificate chain from PEM text (RFC 7468 `CERTIFICATE` blocks, leaf first, each issued by the
 * next, at most {@link X509_CHAIN_MAX_CERTIFICATES}); only whitespace may stand around and between the
 * blocks. Every certificate is parsed, and every link is checked: each certificate names the next as its
 * issuer and its signature verifies with the next one's key. Whether the last one is trusted is the
 * relying party's question, not answered here. Throws `X509_INVALID` (not PEM, not a certificate, too
 * many) or `X509_CHAIN_INVALID` (a broken link).
 *
 * @example
 * ```ts
 * const { x5c, leafDnsNames, notAfter } = readCertificateChainPem(readFileSync('chain.pem', 'utf8'));
 * ```
 */
export function readCertificateChainPem(pem: string): CertificateChain {
  const blocks = readPemBlocks(pem, 'certificate', X509_CHAIN_MAX_CERTIFICATES);
  if (blocks.some((block) => block.label !== 'CERTIFICATE')) {
    fail('X509_INVALID', 'the chain PEM text holds a block other than CERTIFICATE');
  }
  const certificates = blocks.map((block) => parseCertificate(block.der));
  for (let i = 0; i + 1 < certificates.length; i++) {
    const subject = certificates[i] as X509Certificate;
    const issuer = certificates[i + 1] as X509Certificate;
    let linked = false;
    try {
      linked = subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
    } catch {
      linked = false;
    }
    if (!linked) {
      fail('X509_CHAIN_INVALID', 'a certificate of the chain is not issued by the next one', {
        details: { index: i },
      });
    }
  }
  const leaf = certificates[0] as X509Certificate;
  return {
    x5c: certificates.map((certificate) => certificate.raw.toString('base64')),
    leafDnsNames: dnsNamesOf(leaf),
    notBefore: Math.max(...certificates.map((certificate) => epochSeconds(certificate.validFrom))),
    notAfter: Math.min(...certificates.map((certificate) => epochSeconds(certificate.validTo))),
    selfSigned: certificates.map(isSelfSigned),
  };
}

/**
 * Reads one unencrypted PKCS#8 private key from PEM text (RFC 5208 / RFC 7468 `PRIVATE KEY`) and returns
 * it as a private JWK, for a key type Haven signs with (EC P-256 / P-384, Ed25519). Encrypted keys, other
 * labels and more than one block are refused with `PRIVATE_KEY_PEM_INVALID`; an unsupported key type
 * with `JWK_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * const privateJwk = importPrivateKeyPem(readFileSync('verifier.key', 'utf8'));
 * ```
 */
export function importPrivateKeyPem(pem: string): PrivateJwk {
  const blocks = readPemBlocks(pem, 'key', 1);
  const block = blocks[0] as PemBlock;
  if (block.label !== 'PRIVATE KEY') {
    fail('PRIVATE_KEY_PEM_INVALID', 'the key PEM block must be an unencrypted PKCS#8 PRIVATE KEY');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.der, format: 'der', type: 'pkcs8' });
  } catch (cause) {
    fail('PRIVATE_KEY_PEM_INVALID', 'the key PEM block is not a PKCS#8 private key', { cause });
  } finally {
    block.der.fill(0);
  }
  return exportPrivateJwk(key);
}

/**
 * Checks that a private key belongs to a certificate: its public half must equal the certificate's
 * subject public key. Throws `X509_KEY_MISMATCH` when it does not (`X509_INVALID` for bytes that are not
 * a certificate, the JWK codes for a key that is not a private JWK).
 *
 * @example
 * ```ts
 * assertKeyMatchesCertificate(privateJwk, Buffer.from(chain.x5c[0], 'base64'));
 * ```
 */
export function assertKeyMatchesCertificate(privateJwk: PrivateJwk, leafDer: Uint8Array): void {
  assertPrivateJwk(privateJwk);
  const certificate = parseCertificate(leafDer);
  const privateKey = importPrivateJwk(privateJwk);
  let same = false;
  try {
    same = certificate.checkPrivateKey(privateKey);
  } catch {
    same = false;
  }
  if (!same) fail('X509_KEY_MISMATCH', 'the private key does not belong to the certificate');
}
