import { isHavenError } from '@haven/core';
import type { StartServerOptions } from '@haven/server';
import type { Command } from 'commander';
import { credentialStateCommand, offerCommand } from './admin-commands.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './io.js';

/** The flags of `haven serve`, as commander hands them over (strings). */
export interface ServeFlags {
  readonly port?: string;
  readonly host?: string;
  readonly data?: string;
  readonly db?: string;
  readonly adminToken?: string;
  readonly publicUrl?: string;
  readonly workers?: string;
  readonly trustProxy?: string;
  readonly issuerConfig?: string;
  /** commander's negatable `--no-verifier`: `false` when given. */
  readonly verifier?: boolean;
}

/** What `haven serve` passes to `startServer` (everything but the logger). */
export type ServeSettings = Omit<StartServerOptions, 'logger'> & {
  readonly adminTokenFrom: 'flag' | 'env' | 'generated';
  /** `--db` was given with a password in it (visible in the process list). */
  readonly dbPasswordInFlag: boolean;
};

/** Whether a database URL carries a password (`postgres://user:password@…`). */
function hasPassword(dbUrl: string | undefined): boolean {
  if (dbUrl === undefined) return false;
  try {
    return new URL(dbUrl).password !== '';
  } catch {
    return false;
  }
}

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,6}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new CliError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

function checkPublicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError('--public-url must be an absolute URL, e.g. https://issuer.example');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError('--public-url must be an https URL (http only for local development)');
  }
  return value;
}

/**
 * Turns `haven serve` flags and the environment into `startServer` options: `--db` or `DATABASE_URL`
 * (default SQLite `<data>/haven.db`), `--admin-token` or `HAVEN_ADMIN_TOKEN` (default: generated, shown
 * once), `--trust-proxy` or `HAVEN_TRUST_PROXY` (default off), `--issuer-config FILE`. Flags are checked
 * here or by `startServer` before anything is created.
 *
 * @example
 * ```ts
 * parseServeFlags({ port: '8080', workers: '1' }, process.env)
 * ```
 */
export function parseServeFlags(
  flags: ServeFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServeSettings {
  const port = integer(flags.port, '--port', 0, 65_535);
  const workers = integer(flags.workers, '--workers', 1, 256);
  const dbUrl = flags.db ?? (env.DATABASE_URL === '' ? undefined : env.DATABASE_URL);
  const envToken = env.HAVEN_ADMIN_TOKEN === '' ? undefined : env.HAVEN_ADMIN_TOKEN;
  const adminToken = flags.adminToken ?? envToken;
  const publicUrl = checkPublicUrl(flags.publicUrl);
  const envTrustProxy = env.HAVEN_TRUST_PROXY === '' ? undefined : env.HAVEN_TRUST_PROXY;
  const trustProxy = flags.trustProxy ?? envTrustProxy;
  return {
    ...(port === undefined ? {} : { port }),
    ...(workers === undefined ? {} : { workers }),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    dataDir: flags.data ?? './.haven',
    ...(dbUrl === undefined ? {} : { dbUrl }),
    ...(adminToken === undefined ? {} : { adminToken }),
    ...(publicUrl === undefined ? {} : { publicUrl }),
    ...(trustProxy === undefined ? {} : { trustProxy }),
    ...(flags.issuerConfig === undefined ? {} : { issuerConfigFile: flags.issuerConfig }),
    ...(flags.verifier === false ? { verifier: false } : {}),
    dbPasswordInFlag: hasPassword(flags.db),
    adminTokenFrom: flags.adminToken !== undefined ? 'flag' : envToken !== undefined ? 'env' : 'generated',
    env,
  };
}

/**
 * `haven serve`: starts the issuer (see `startServer`) and runs until SIGTERM / SIGINT. JSON request logs
 * go to standard output; the banner, warnings and a generated admin token (shown once) go to standard
 * error, so a redirected log file never holds the token. Returns the exit code (0 after a graceful stop).
 *
 * @example
 * ```ts
 * await serveCommand({ port: '8080', publicUrl: 'https://issuer.example' }, io);
 * ```
 */
export async function serveCommand(
  flags: ServeFlags,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const settings = parseServeFlags(flags, env);
  // Loaded on demand: the server (express, database drivers, the issuer) would slow every other command.
  const { createServerLogger, startServer } = await import('@haven/server');
  const logger = createServerLogger({ destination: { write: (line: string) => io.stdout(line) } });
  const { adminTokenFrom, dbPasswordInFlag, ...options } = settings;
  // Said before starting: the password is exposed whether or not the server then starts.
  if (dbPasswordInFlag) {
    io.stderr('note: the --db password is visible to other users in the process list; prefer DATABASE_URL\n');
  }
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer({ ...options, logger });
  } catch (error) {
    if (isHavenError(error, 'SERVER_ISSUER_CONFIG_INVALID') && settings.publicUrl === undefined) {
      throw new CliError(
        'the issuer needs a public https URL: pass --public-url https://… (behind a TLS reverse proxy)',
      );
    }
    throw error;
  }
  if (running.role === 'worker') {
    await running.stopped;
    return 0;
  }
  const workers = running.workers === 1 ? '1 worker' : `${running.workers} workers`;
  // The first line's wording is relied on by scripts (and the e2e tests) to find the address.
  io.stderr(`Haven issuer listening on ${running.url} (${workers}, ${running.database})\n`);
  io.stderr(
    settings.verifier === false
      ? 'Verifier: off (--no-verifier)\n'
      : `Verifier: on (OpenID4VP under /oid4vp, presentation requests under /admin/presentations)${
          running.verifierClientId === undefined ? '' : `, client_id ${running.verifierClientId}`
        }\n`,
  );
  io.stderr(`Public URL: ${running.publicUrl}\n`);
  for (const warning of running.warnings) io.stderr(`${warning}\n`);
  if (!running.publicUrl.startsWith('https://')) {
    io.stderr(
      'note: an http public URL is for local development: credentials issued here carry http status URLs, which verifiers refuse unless they opt in to loopback; pass --public-url https://… to issue for real\n',
    );
  }
  if (adminTokenFrom === 'flag') {
    io.stderr(
      'note: --admin-token is visible to other users in the process list; prefer HAVEN_ADMIN_TOKEN\n',
    );
  }
  if (running.adminToken !== undefined) {
    io.stderr(
      `Admin token (shown once, not stored in clear; keep it secret, e.g. export HAVEN_ADMIN_TOKEN=…):\n  ${running.adminToken}\n`,
    );
  }
  await running.stopped;
  io.stderr('Haven issuer stopped\n');
  return 0;
}

const TYPES = 'identity-restoration|labour-contract|refugee-registration';

/** `haven serve --help`: the --issuer-config file format (strict JSON, every key optional) and an example. */
const SERVE_HELP = `
--issuer-config FILE (strict JSON, at most 64 KiB; an unknown key is an error; every key optional):
  display                    [{"name": "…", "locale": "en"}]   issuer names, one per locale
  legalMinimumWage           {"amount": "1850.00", "currency": "EUR", "period": "month"}
  credentialValiditySeconds  integer, 1 to 50 years
  vctBase                    https URL (no query, fragment or trailing slash)
  verifier                   the verifier's identity and trust:
    legalName                shown to holders before they consent (default: display name or host)
    deletionContact          email address or URL for deletion requests (default: the public URL)
    trustedIssuers           ["https://…"] issuers trusted beside this server's own
    x509                     {"certificateChainFile": "chain.pem", "privateKeyFile": "verifier.key"}
                             sign requests as x509_san_dns: PEM chain (leaf first, each issued by the
                             next) and the leaf's unencrypted PKCS#8 EC P-256 key, readable by its
                             owner only (chmod 600); relative paths are relative to FILE's directory
    dnsName                  with x509: the client_id is x509_san_dns:<dnsName>; it must be a DNS SAN
                             of the leaf and the host of --public-url
  Without x509 the verifier is redirect_uri:<public URL>/oid4vp/response (unsigned requests).

Example:
  HAVEN_ADMIN_TOKEN=… haven serve --public-url https://issuer.example --workers 4
  haven serve --public-url https://verifier.example.org --issuer-config haven.json
    with haven.json: {"verifier": {"legalName": "Example Inspectorate",
      "x509": {"certificateChainFile": "chain.pem", "privateKeyFile": "verifier.key"},
      "dnsName": "verifier.example.org"}}`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Registers `haven serve` and the admin API commands (`offer`, `revoke`, `suspend`, `reinstate`) on the
 * program; `setExitCode` receives `serve`'s exit code.
 *
 * @example
 * ```ts
 * registerServerCommands(program, io, (code) => { exitCode = code; });
 * ```
 */
export function registerServerCommands(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('serve')
    .description(
      'run the server: issuer (OpenID4VCI) and verifier (OpenID4VP) with their admin API; SQLite in ./.haven by default',
    )
    .option('--port <port>', 'port (default 8080)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--data <dir>', 'data directory: master.key and the SQLite database (default ./.haven)')
    .option('--db <url>', 'postgres://… or an SQLite file (default <data>/haven.db; also DATABASE_URL)')
    .option(
      '--admin-token <token>',
      'admin token (prefer HAVEN_ADMIN_TOKEN: flags show in ps); generated if absent',
    )
    .option('--public-url <url>', 'the public https URL wallets reach (default http://<host>:<port>)')
    .option('--workers <n>', 'worker processes (default: one per CPU; 1 runs without a cluster)')
    .option(
      '--trust-proxy <value>',
      'behind your reverse proxy only: its hop count, or addresses/CIDRs/loopback, comma-separated (also HAVEN_TRUST_PROXY; default off)',
    )
    .option(
      '--issuer-config <file>',
      'JSON: display, legalMinimumWage, credentialValiditySeconds, vctBase, verifier (checked strictly; see below)',
    )
    .option('--no-verifier', 'run the issuer only: no OpenID4VP endpoints, no presentation admin API')
    .addHelpText('after', SERVE_HELP)
    .action(async (options) => {
      setExitCode(await serveCommand(options, io));
    });
  const adminOptions = (command: Command) =>
    command
      .requiredOption('--server <url>', 'the issuer server, e.g. https://issuer.example')
      .option('--admin-token <token>', 'admin token (prefer HAVEN_ADMIN_TOKEN: flags show in ps)');
  adminOptions(
    program
      .command('offer')
      .description(
        'create a credential offer on a server; prints the offer URI (QR on a terminal) and tx_code',
      ),
  )
    .requiredOption('--type <type>', TYPES)
    .requiredOption('--claims <file>', 'claims JSON (see: haven claims template)')
    .option('--format <format>', 'dc+sd-jwt (default), jwt_vc_json, ldp_vc (repeatable)', collect)
    .option('--no-tx-code', 'no tx_code (only when the offer reaches the person over a private channel)')
    .option('--deferred', 'issue only after an approval (POST /admin/offers/:id/decision)')
    .option('--json', 'print the created offer as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  haven offer --server https://issuer.example --type labour-contract --claims claims.json',
    )
    .action((options) => offerCommand(options, io));
  for (const action of ['revoke', 'suspend', 'reinstate'] as const) {
    adminOptions(
      program
        .command(action)
        .argument('<credentialId>', 'the issued credential id (GET /admin/credentials)')
        .description(`${action} an issued credential on a server`),
    ).action((credentialId: string, options) => credentialStateCommand(action, credentialId, options, io));
  }
}
