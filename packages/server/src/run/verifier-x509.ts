import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import {
  assertKeyMatchesCertificate,
  createSigner,
  importPrivateKeyPem,
  isHavenError,
  readCertificateChainPem,
  sanDnsNamesOfDer,
} from '@haven/core';
import type { X509RequestSigning } from '@haven/oid4vp';
import { failRun } from './run-errors.js';

/** The PEM files of an `x509_san_dns` verifier (OpenID4VP §5.9.3). */
export interface ServeVerifierX509Files {
  /** The certificate chain, PEM, leaf first (the leaf carries the verifier's DNS name as a SAN). */
  readonly certificateChainFile: string;
  /** The leaf's private key, unencrypted PKCS#8 PEM, EC P-256; readable by its owner only. */
  readonly privateKeyFile: string;
}

/** Options of {@link loadVerifierX509}. */
export interface LoadVerifierX509Options extends ServeVerifierX509Files {
  /** The verifier's DNS name: a SAN of the leaf and the host of `publicUrl`. */
  readonly dnsName: string;
  /** The verifier's public URL (its response URI host must be the DNS name, §5.9.3). */
  readonly publicUrl: string;
  /** Epoch seconds: the chain must be valid now. */
  readonly now: number;
}

/** A loaded `x509_san_dns` verifier: its client identifier and signing material. */
export interface LoadedVerifierX509 {
  readonly clientId: string;
  readonly x509: X509RequestSigning;
  /** When the chain stops being valid (epoch seconds), for a startup log line. */
  readonly notAfter: number;
}

const MAX_CHAIN_FILE_BYTES = 64 * 1024;
const MAX_KEY_FILE_BYTES = 16 * 1024;
// A lower-case host name of at least two labels: what an x509_san_dns client identifier may carry.
const DNS_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function errorCode(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/**
 * Reads a small file through one descriptor (what is checked is what is read): a regular file of at most
 * `maxBytes`; with `secret`, opened with `O_NOFOLLOW` and refused when group or others may read or write
 * it or another user owns it (as `master.key` is checked). Messages name the setting, never the path.
 */
function readConfigFile(path: string, what: string, maxBytes: number, secret: boolean): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (secret ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'EFTYPE') {
      failRun('SERVER_RUN_CONFIG_INVALID', `the ${what} is not a regular file`);
    }
    failRun('SERVER_RUN_CONFIG_INVALID', `the ${what} cannot be read`, {
      details: code === undefined ? {} : { reason: code },
    });
  }
  let buffer: Buffer | undefined;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) failRun('SERVER_RUN_CONFIG_INVALID', `the ${what} is not a regular file`);
    if (secret && process.platform !== 'win32') {
      if ((stats.mode & 0o077) !== 0) {
        failRun('SERVER_RUN_CONFIG_INVALID', `the ${what} is readable or writable by group or others`, {
          details: { mode: (stats.mode & 0o777).toString(8) },
        });
      }
      const uid = process.getuid?.();
      if (uid !== undefined && stats.uid !== uid) {
        failRun('SERVER_RUN_CONFIG_INVALID', `the ${what} is owned by another user`);
      }
    }
    if (stats.size > maxBytes) failRun('SERVER_RUN_CONFIG_INVALID', `the ${what} is too large`);
    // At most one byte past the limit: a file grown since fstat is still caught.
    buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) failRun('SERVER_RUN_CONFIG_INVALID', `the ${what} is too large`);
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    if (secret) buffer?.fill(0);
    closeSync(fd);
  }
}

/** Re-throws a core certificate or key error as a run configuration error (the core code as `reason`). */
function asConfigError<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!isHavenError(error)) throw error;
    failRun('SERVER_RUN_CONFIG_INVALID', `the ${what} is not valid`, {
      cause: error,
      details: { reason: error.code },
    });
  }
}

/**
 * Loads an `x509_san_dns` verifier from PEM files and checks it before anything is served: the chain
 * parses and every link holds, it is valid now, the DNS name is a `dNSName` SAN of the leaf and the host of
 * the public URL (OpenID4VP §5.9.3: the wallet checks both), and the private key is EC P-256 (HAIP: ES256)
 * and the leaf's own. The key file must be a regular file that only its owner can read (as `master.key`).
 * Throws `SERVER_RUN_CONFIG_INVALID` (the core code in `details.reason`); paths, names and key material
 * never appear in errors.
 *
 * @example
 * ```ts
 * const { clientId, x509 } = loadVerifierX509({
 *   certificateChainFile: '/etc/haven/verifier-chain.pem', privateKeyFile: '/etc/haven/verifier.key',
 *   dnsName: 'verifier.example.org', publicUrl: 'https://verifier.example.org', now: nowSeconds,
 * });
 * ```
 */
export function loadVerifierX509(options: LoadVerifierX509Options): LoadedVerifierX509 {
  const dnsName = typeof options.dnsName === 'string' ? options.dnsName.toLowerCase() : '';
  if (!DNS_NAME.test(dnsName))
    failRun('SERVER_RUN_CONFIG_INVALID', 'the verifier DNS name is not a DNS name');
  let host: string;
  try {
    host = new URL(options.publicUrl).hostname.toLowerCase();
  } catch {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the public URL is not valid');
  }
  if (host !== dnsName) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the verifier DNS name must be the host of the public URL');
  }
  const chainText = readConfigFile(
    options.certificateChainFile,
    'verifier certificate chain file',
    MAX_CHAIN_FILE_BYTES,
    false,
  );
  const chain = asConfigError('verifier certificate chain', () => readCertificateChainPem(chainText));
  // HAIP: the signing certificate must not be self-signed, and the trust anchor is not sent in `x5c`
  // (the wallet has it): a self-signed last certificate of the file is left out.
  if (chain.selfSigned[0] === true) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the verifier leaf certificate must not be self-signed');
  }
  const x5c = chain.selfSigned.at(-1) === true ? chain.x5c.slice(0, -1) : chain.x5c;
  if (!chain.leafDnsNames.includes(dnsName)) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the verifier DNS name is not a SAN of the leaf certificate');
  }
  if (options.now < chain.notBefore || options.now > chain.notAfter) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the verifier certificate chain is not valid now');
  }
  const keyText = readConfigFile(
    options.privateKeyFile,
    'verifier private key file',
    MAX_KEY_FILE_BYTES,
    true,
  );
  const privateJwk = asConfigError('verifier private key', () => importPrivateKeyPem(keyText));
  if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256') {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the verifier private key must be EC P-256 (ES256)');
  }
  const leafDer = new Uint8Array(Buffer.from(chain.x5c[0] as string, 'base64'));
  asConfigError('verifier private key', () => assertKeyMatchesCertificate(privateJwk, leafDer));
  return {
    clientId: `x509_san_dns:${dnsName}`,
    x509: {
      signer: createSigner(privateJwk, { alg: 'ES256' }),
      x5c,
      sanDnsNames: sanDnsNamesOfDer,
    },
    notAfter: chain.notAfter,
  };
}
