import { isJsonObject } from '@haven/core';
import { PURPOSE_ID_PATTERN } from '@haven/credentials';
import type { Command } from 'commander';
import { adminClient } from './admin-commands.js';
import { formatClaimPathArg } from './claim-path-arg.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './io.js';
import { printable } from './printable.js';

/** Server error codes are shown as received only when they look like error codes. */
const ERROR_CODE = /^[A-Za-z0-9_]{1,64}$/;
const TRANSACTION_ID = /^[A-Za-z0-9_-]{16,128}$/;
const RESPONSE_MODES = new Set(['direct_post', 'direct_post.jwt']);

/** Flags of `haven request`. */
export interface RequestFlags {
  readonly server: string;
  readonly adminToken?: string;
  readonly purpose: string;
  readonly responseMode?: string;
  /** Seconds to wait for the wallet (default 300). */
  readonly timeout?: string;
  readonly json?: boolean;
}

/** Options of {@link requestCommand} beyond its flags (tests inject them). */
export interface RequestDeps {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Whether standard output is a terminal (a QR code is printed then). */
  readonly terminal?: boolean;
  /** Waits between polls (default: one second). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Current time in milliseconds, for the timeout (default `Date.now`). */
  readonly now?: () => number;
  /** Called once the request exists, with its wallet-facing URI (the demo hands it to a wallet). */
  readonly onCreated?: (created: CreatedRequest) => void | Promise<void>;
}

/** The presentation request the server created. */
export interface CreatedRequest {
  readonly transactionId: string;
  readonly session: string;
  readonly authorizationRequestUri: string;
  readonly expiresAt?: number;
}

/** The verdict `haven request` ends with (the server's `PresentationResult`, or a timeout). */
export interface RequestVerdict {
  readonly status: string;
  readonly code?: string;
  readonly purpose?: string;
  readonly credentials?: readonly Record<string, unknown>[];
}

function readCreated(created: Record<string, unknown>): CreatedRequest {
  const { transaction_id, session, authorization_request_uri, expires_at } = created;
  if (
    typeof transaction_id !== 'string' ||
    !TRANSACTION_ID.test(transaction_id) ||
    typeof session !== 'string' ||
    session.length === 0 ||
    typeof authorization_request_uri !== 'string' ||
    authorization_request_uri.length === 0
  ) {
    throw new CliError('the server answered with a malformed presentation request', 1, 'MALFORMED_ANSWER');
  }
  return {
    transactionId: transaction_id,
    session,
    authorizationRequestUri: authorization_request_uri,
    ...(typeof expires_at === 'number' ? { expiresAt: expires_at } : {}),
  };
}

function readVerdict(result: Record<string, unknown>): RequestVerdict {
  const status =
    typeof result.status === 'string' && ERROR_CODE.test(result.status) ? result.status : 'unknown';
  const code =
    typeof result.code === 'string' && ERROR_CODE.test(result.code)
      ? result.code
      : typeof result.error === 'string' && ERROR_CODE.test(result.error)
        ? result.error
        : undefined;
  return {
    status,
    ...(code === undefined ? {} : { code }),
    ...(typeof result.purpose === 'string' ? { purpose: result.purpose } : {}),
    ...(Array.isArray(result.credentials)
      ? { credentials: result.credentials.filter((c): c is Record<string, unknown> => isJsonObject(c)) }
      : {}),
  };
}

/** Flattens disclosed claims to `path: value` lines (the verifier is entitled to what it received). */
function claimLines(value: unknown, prefix: string[] = []): string[] {
  if (isJsonObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => claimLines(v, [...prefix, k]));
  }
  return [`${printable(formatClaimPathArg(prefix))}: ${printable(JSON.stringify(value), 4096)}`];
}

/** The verdict as text: status, and per credential its type, issuer and disclosed claims. */
export function formatVerdict(verdict: RequestVerdict): string {
  const lines = [`Verdict: ${verdict.status.toUpperCase()}${verdict.code ? ` (${verdict.code})` : ''}`];
  for (const credential of verdict.credentials ?? []) {
    const type = typeof credential.credentialType === 'string' ? credential.credentialType : credential.vct;
    const issuer = typeof credential.issuer === 'string' ? ` from ${printable(credential.issuer)}` : '';
    lines.push(`Credential: ${printable(String(type))}${issuer}`);
    for (const line of claimLines(credential.claims ?? {})) lines.push(`  ${line}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What {@link requestPresentation} ends with. */
export interface PresentationOutcome {
  readonly created: CreatedRequest;
  readonly verdict: RequestVerdict;
}

/**
 * Creates an OpenID4VP presentation request for a registered purpose on a Haven server
 * (POST /admin/presentations), prints the URI for the wallet (a QR code on a terminal; on stderr with `--json`),
 * then asks for the result every second (POST /oid4vp/results/:id with the session secret) until it is
 * no longer pending or `--timeout` seconds passed (verdict `timeout`).
 *
 * @example
 * ```ts
 * const { verdict } = await requestPresentation({ server, purpose: 'age-check' }, io);
 * ```
 */
export async function requestPresentation(
  flags: RequestFlags,
  io: CliIo,
  deps: RequestDeps = {},
): Promise<PresentationOutcome> {
  const client = adminClient(flags, deps.env ?? process.env);
  if (!PURPOSE_ID_PATTERN.test(flags.purpose))
    throw new CliError('--purpose must be a purpose id, e.g. age-check');
  if (flags.responseMode !== undefined && !RESPONSE_MODES.has(flags.responseMode)) {
    throw new CliError('--response-mode must be direct_post or direct_post.jwt');
  }
  const timeoutText = flags.timeout ?? '300';
  if (!/^[0-9]{1,5}$/.test(timeoutText) || Number(timeoutText) < 1 || Number(timeoutText) > 86_400) {
    throw new CliError('--timeout must be a whole number of seconds from 1 to 86400');
  }
  const timeoutMs = Number(timeoutText) * 1000;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const created = readCreated(
    await client.call('POST', '/admin/presentations', {
      purpose: flags.purpose,
      ...(flags.responseMode === undefined ? {} : { response_mode: flags.responseMode }),
    }),
  );
  const terminal = deps.terminal ?? process.stdout.isTTY === true;
  if (flags.json) {
    // Standard output stays one JSON document (the verdict); the URI for the wallet goes to stderr.
    io.stderr(`${created.authorizationRequestUri}\n`);
  } else {
    if (terminal) {
      const { toString: toQrString } = await import('qrcode');
      io.stdout(await toQrString(created.authorizationRequestUri, { type: 'terminal', small: true }));
    }
    io.stdout(`${created.authorizationRequestUri}\n`);
  }
  io.stderr(`Waiting for the wallet (transaction ${created.transactionId}, up to ${timeoutText} s)…\n`);
  await deps.onCreated?.(created);

  const deadline = now() + timeoutMs;
  const resultPath = `/oid4vp/results/${encodeURIComponent(created.transactionId)}`;
  for (;;) {
    const verdict = readVerdict(await client.call('POST', resultPath, undefined, created.session));
    if (verdict.status !== 'pending') return { created, verdict };
    if (now() >= deadline) return { created, verdict: { status: 'timeout' } };
    await sleep(1000);
  }
}

/**
 * `haven request`: {@link requestPresentation}, then prints the verdict and the disclosed claims (the
 * verifier is entitled to them). Returns the exit code: 0 only when the presentation was accepted.
 *
 * @example
 * ```ts
 * const code = await requestCommand({ server: 'https://verifier.example', purpose: 'age-check' }, io);
 * ```
 */
export async function requestCommand(
  flags: RequestFlags,
  io: CliIo,
  deps: RequestDeps = {},
): Promise<number> {
  const { created, verdict } = await requestPresentation(flags, io, deps);
  if (flags.json) {
    io.stdout(`${JSON.stringify({ transaction_id: created.transactionId, ...verdict }, null, 2)}\n`);
  } else {
    io.stdout(formatVerdict(verdict));
  }
  return verdict.status === 'accepted' ? 0 : 1;
}

/**
 * Registers `haven request` on the program; `setExitCode` receives its exit code.
 *
 * @example
 * ```ts
 * registerVerifierCommands(program, io, (code) => { exitCode = code; });
 * ```
 */
export function registerVerifierCommands(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('request')
    .description(
      'ask a wallet for a presentation for a registered purpose; waits for the answer and prints the verdict',
    )
    .requiredOption('--server <url>', 'the Haven server (verifier), e.g. https://verifier.example')
    .option('--admin-token <token>', 'admin token (prefer HAVEN_ADMIN_TOKEN: flags show in ps)')
    .requiredOption('--purpose <name>', 'the registered purpose, e.g. age-check')
    .option('--response-mode <mode>', 'direct_post or direct_post.jwt (the server default otherwise)')
    .option('--timeout <seconds>', 'how long to wait for the wallet (default 300)')
    .option('--json', 'print the verdict as JSON')
    .addHelpText(
      'after',
      '\nExit 0 when the presentation was accepted, 1 otherwise (rejected, declined, expired, timeout).\n\nExample:\n  haven request --server https://verifier.example --purpose age-check',
    )
    .action(async (options: RequestFlags) => {
      setExitCode(await requestCommand(options, io));
    });
}
