import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isHavenError, parseStrictJson } from '@haven/core';
import { zWage } from '@haven/credentials';
import { z } from 'zod';
import { failRun } from './run-errors.js';

const MAX_FILE_BYTES = 64 * 1024;
const MAX_VALIDITY_SECONDS = 50 * 365 * 86_400;

/** One issuer display entry (OpenID4VCI §12.2.4 `display`): a name, and its BCP 47 locale. */
const zIssuerDisplayEntry = z.strictObject({
  name: z.string().min(1).max(200),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/)
    .optional(),
});

const zHttpsUrl = z
  .string()
  .max(512)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' && !/[?#]/.test(value) && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'an https URL without query or fragment');

/** A file path (relative ones are resolved against the configuration file's directory when loaded). */
const zFilePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !value.includes('\0'), 'a file path');

/** The verifier's identity and trust (`verifier` in the configuration file). */
const zServeVerifierConfig = z
  .strictObject({
    /** Shown to holders before they consent (OpenID4VP `verifier_info`). */
    legalName: z.string().trim().min(1).max(200).optional(),
    /** Whom holders contact to have presented data deleted (an email address or URL). */
    deletionContact: z.string().trim().min(1).max(320).optional(),
    /** Trusted issuers beside this server's own issuer. */
    trustedIssuers: z.array(zHttpsUrl).max(100).optional(),
    /** An `x509_san_dns` verifier (OpenID4VP §5.9.3): the PEM files of its certificate chain and key. */
    x509: z
      .strictObject({
        certificateChainFile: zFilePath,
        privateKeyFile: zFilePath,
      })
      .optional(),
    /** The `x509_san_dns` DNS name: a SAN of the leaf certificate and the public URL's host. */
    dnsName: z
      .string()
      .max(253)
      .regex(/^[A-Za-z0-9.-]+$/, 'a DNS name')
      .optional(),
  })
  .refine((value) => (value.x509 === undefined) === (value.dnsName === undefined), {
    message: 'x509 and dnsName are set together',
    path: ['dnsName'],
  });

/**
 * The issuer settings an operator may set for `startServer` (`haven serve --issuer-config FILE`). Strict:
 * an unknown key is an error, so a misspelt setting never silently falls back to its default.
 */
export const zServeIssuerConfig = z.strictObject({
  display: z
    .array(zIssuerDisplayEntry)
    .min(1)
    .max(32)
    .refine((list) => new Set(list.map((entry) => entry.locale ?? '')).size === list.length, {
      message: 'one display entry per locale',
    })
    .optional(),
  legalMinimumWage: zWage.optional(),
  credentialValiditySeconds: z.number().int().min(1).max(MAX_VALIDITY_SECONDS).optional(),
  vctBase: z
    .string()
    .max(512)
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'https:' && url.href === value && !/[?#]/.test(value) && !value.endsWith('/');
      } catch {
        return false;
      }
    }, 'an https URL without query, fragment or trailing slash')
    .optional(),
  verifier: zServeVerifierConfig.optional(),
});

/** The issuer settings of {@link zServeIssuerConfig}. */
export type ServeIssuerConfig = z.output<typeof zServeIssuerConfig>;

/**
 * Checks issuer settings (from a file or a caller); throws `SERVER_RUN_CONFIG_INVALID` with the paths of
 * the wrong fields (`details.paths`; never their values).
 *
 * @example
 * ```ts
 * parseServeIssuerConfig({ legalMinimumWage: { amount: '1850.00', currency: 'EUR', period: 'month' } });
 * ```
 */
export function parseServeIssuerConfig(value: unknown): ServeIssuerConfig {
  const result = zServeIssuerConfig.safeParse(value);
  if (!result.success) {
    // An unknown key is named by itself (a key of the operator's own file, never a value).
    const paths = result.error.issues.flatMap((issue) =>
      (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path]).map(
        (path) => (path.length === 0 ? '(root)' : path.map(String).join('.')),
      ),
    );
    failRun('SERVER_RUN_CONFIG_INVALID', 'the issuer configuration is not valid', {
      details: { paths: [...new Set(paths)] },
    });
  }
  return result.data;
}

/**
 * Reads and checks an issuer configuration file (strict JSON, at most 64 KiB, see
 * {@link zServeIssuerConfig}); relative `verifier.x509` file paths are resolved against the file's own
 * directory. Throws `SERVER_RUN_CONFIG_INVALID` when it cannot be read or is not valid.
 *
 * @example
 * ```ts
 * const issuerConfig = loadServeIssuerConfig('/etc/haven/issuer.json');
 * ```
 */
export function loadServeIssuerConfig(path: string): ServeIssuerConfig {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the issuer configuration file cannot be read');
  }
  if (bytes.byteLength > MAX_FILE_BYTES) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the issuer configuration file is larger than 64 KiB');
  }
  let value: unknown;
  try {
    value = parseStrictJson(bytes);
  } catch (error) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the issuer configuration file is not strict JSON', {
      ...(isHavenError(error) ? { cause: error } : {}),
    });
  }
  const config = parseServeIssuerConfig(value);
  const x509 = config.verifier?.x509;
  if (x509 === undefined) return config;
  // Paths in the file are the file's own: relative ones are relative to its directory, not to the cwd.
  const base = dirname(resolve(path));
  const inFileDir = (file: string) => (isAbsolute(file) ? file : resolve(base, file));
  return {
    ...config,
    verifier: {
      ...config.verifier,
      x509: {
        certificateChainFile: inFileDir(x509.certificateChainFile),
        privateKeyFile: inFileDir(x509.privateKeyFile),
      },
    },
  };
}
