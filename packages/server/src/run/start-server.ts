import cluster, { type Worker } from 'node:cluster';
import { mkdirSync, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { digest, HavenError, isHavenError } from '@haven/core';
import type { Oid4vciLimits } from '@haven/oid4vci';
import type { ResponseMode } from '@haven/oid4vp';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import {
  type AdminTokenEntry,
  adminTokenId,
  generateAdminToken,
  hashAdminToken,
} from '../http/admin-auth.js';
import { createApp, type HttpLimits } from '../http/create-app.js';
import { createHavenIssuer } from '../issuer/create-haven-issuer.js';
import { loadOrCreateMasterSecret } from '../issuer/master-secret.js';
import type { HavenIssuer } from '../issuer/types.js';
import { type HavenDatabase, openDatabase } from '../store/open-database.js';
import { SqlRateLimitStore } from '../store/sql-rate-limit-store.js';
import { createHavenVerifier } from '../verifier/create-haven-verifier.js';
import type { HavenVerifier } from '../verifier/types.js';
import { describeDatabase } from './describe-database.js';
import { loadServeIssuerConfig, parseServeIssuerConfig, type ServeIssuerConfig } from './issuer-config.js';
import { publicUrlWarnings } from './public-url-warnings.js';
import { failRun } from './run-errors.js';
import { createLimitedServer, type ServerLimits } from './server-limits.js';
import { parseTrustProxy, type TrustProxySetting } from './trust-proxy.js';
import { type LoadedVerifierX509, loadVerifierX509, type ServeVerifierX509Files } from './verifier-x509.js';

/**
 * The environment variable a cluster worker reads its configuration from. It holds the database URL,
 * which may include a password (as `DATABASE_URL` does): a process's environment is readable only by its
 * user (unlike its command line), and it is never logged. The admin token is in it only as a hash.
 */
export const WORKER_CONFIG_ENV = 'HAVEN_SERVE_WORKER_CONFIG';

const SHUTDOWN_MESSAGE = 'haven:shutdown';
const RATE_LIMIT_PURGE_MS = 5 * 60_000;
const MAX_WORKERS = 256;
const ADMIN_TOKEN = /^[A-Za-z0-9\-._~+/]{32,512}=*$/;

/**
 * The verifier's settings for {@link startServer} (plain data: cluster workers get them as JSON).
 * Every field has a default.
 */
export interface ServeVerifierOptions {
  /** Shown to holders (`verifier_info`); default the issuer's first display name, else the public host. */
  readonly legalName?: string;
  /** Whom holders contact to have presented data deleted; default the public URL. */
  readonly deletionContact?: string;
  /** Further trusted issuers (https URLs) beside the issuer of this server. */
  readonly trustedIssuers?: readonly string[];
  /** Default response mode of new presentation requests (default `direct_post.jwt`). */
  readonly responseMode?: ResponseMode;
  /**
   * Sign requests as an `x509_san_dns` verifier (OpenID4VP §5.9.3; served by `request_uri`): the PEM
   * certificate chain (leaf first) and the leaf's PKCS#8 EC P-256 key (owner-only). Needs `dnsName`.
   * Default: an unsigned `redirect_uri:` verifier.
   */
  readonly x509?: ServeVerifierX509Files;
  /** The `x509_san_dns` DNS name: a SAN of the leaf and the public URL's host. Needs `x509`. */
  readonly dnsName?: string;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Port (default 8080; 0 picks a free one, which needs `publicUrl` when `workers` > 1). */
  readonly port?: number;
  /** Data directory (default `./.haven`, created 0700): `master.key` and the SQLite database live here. */
  readonly dataDir?: string;
  /** `postgres://…` or an SQLite file path (default `<dataDir>/haven.db`). */
  readonly dbUrl?: string;
  /** The admin token; generated (and returned once, to be shown once) when absent. */
  readonly adminToken?: string;
  /** The Credential Issuer Identifier (default `http://<host>:<port>`, for loopback development only). */
  readonly publicUrl?: string;
  /** Worker processes (default `os.availableParallelism()`); 1 runs in this process without a cluster. */
  readonly workers?: number;
  readonly logger: Logger;
  /** Where `HAVEN_MASTER_SECRET` is read from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * express `trust proxy` (default off: the socket address is the client): a hop count, or addresses,
   * CIDRs and `loopback` / `linklocal` / `uniquelocal` (a comma-separated string or a list). Set it only
   * behind a reverse proxy you run that sets `X-Forwarded-For`; `true` is refused (see
   * {@link parseTrustProxy}).
   */
  readonly trustProxy?: false | number | string | readonly string[];
  /** Issuer settings (display, legal minimum wage, credential validity, `vct` base); checked strictly. */
  readonly issuerConfig?: ServeIssuerConfig;
  /** A JSON file with the issuer settings of {@link StartServerOptions.issuerConfig} (not both). */
  readonly issuerConfigFile?: string;
  readonly httpLimits?: HttpLimits;
  readonly serverLimits?: ServerLimits;
  readonly issuerLimits?: Oid4vciLimits;
  /** Run the issuer (OpenID4VCI and its admin API); default true. */
  readonly issuer?: boolean;
  /**
   * Run the verifier (OpenID4VP and its admin API) beside the issuer, or alone with `issuer: false`;
   * default on. `false` switches it off (its routes are 404).
   */
  readonly verifier?: boolean | ServeVerifierOptions;
  /** Stop gracefully on SIGTERM / SIGINT (default true). */
  readonly handleSignals?: boolean;
  /** How long in-flight requests may take to finish on shutdown (ms, default 10,000). */
  readonly shutdownTimeoutMs?: number;
}

/** A started server. */
export interface RunningServer {
  /** `single` (in-process), `primary` (forked the workers) or `worker` (one of them). */
  readonly role: 'single' | 'primary' | 'worker';
  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly publicUrl: string;
  readonly workers: number;
  /** `SQLite ./.haven/haven.db` or `PostgreSQL host:port/db` (never credentials). */
  readonly database: string;
  /** The admin token, only when it was generated here: show it once, then forget it. */
  readonly adminToken?: string;
  /** Configuration warnings the operator must see (e.g. a public host without https). */
  readonly warnings: readonly string[];
  /** The verifier's `client_id` (`redirect_uri:…` or `x509_san_dns:…`); absent when it is off. */
  readonly verifierClientId?: string;
  /** Stops gracefully (idempotent): no new connections, in-flight requests finish (bounded), DB closed. */
  stop(): Promise<void>;
  /** Settles once the server has stopped, whoever stopped it. */
  readonly stopped: Promise<void>;
}

/**
 * What a worker is told (through {@link WORKER_CONFIG_ENV}): the admin token only as a hash, but `dbUrl`
 * may hold a database password, so this is never logged.
 */
interface WorkerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly dbUrl: string;
  readonly publicUrl: string;
  readonly adminTokens: readonly AdminTokenEntry[];
  readonly trustProxy?: TrustProxySetting;
  readonly issuerConfig?: ServeIssuerConfig;
  readonly httpLimits?: HttpLimits;
  readonly serverLimits?: ServerLimits;
  readonly issuerLimits?: Oid4vciLimits;
  readonly issuer: boolean;
  /** `false`, or the verifier's settings. */
  readonly verifier: false | ServeVerifierOptions;
  readonly shutdownTimeoutMs: number;
}

const systemNow = () => Math.floor(Date.now() / 1000);

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Rate-limit keys are HMACs of client addresses under a key every process derives alike. */
function clientKeyFrom(masterSecret: Uint8Array): Uint8Array {
  return digest('sha-256', Buffer.concat([Buffer.from('haven rate-limit client key\0'), masterSecret]));
}

function checkOptions(options: StartServerOptions) {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the port must be from 0 to 65535');
  }
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    failRun('SERVER_RUN_CONFIG_INVALID', `workers must be from 1 to ${MAX_WORKERS}`);
  }
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) failRun('SERVER_RUN_CONFIG_INVALID', 'the host is not valid');
  if (options.adminToken !== undefined && !ADMIN_TOKEN.test(options.adminToken)) {
    failRun(
      'SERVER_RUN_CONFIG_INVALID',
      'the admin token must be 32 to 512 characters of A-Z a-z 0-9 - . _ ~ + / (e.g. a generated one)',
    );
  }
  if (options.publicUrl === undefined && port === 0 && workers > 1) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'port 0 with several workers needs an explicit public URL');
  }
  const verifier: false | ServeVerifierOptions =
    options.verifier === false
      ? false
      : options.verifier === true || options.verifier === undefined
        ? {}
        : options.verifier;
  if (verifier !== false && (verifier.x509 === undefined) !== (verifier.dnsName === undefined)) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the verifier x509 files and DNS name are set together');
  }
  const issuer = options.issuer ?? true;
  if (!issuer && verifier === false) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'run the issuer, the verifier or both');
  }
  if (options.issuerConfig !== undefined && options.issuerConfigFile !== undefined) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'pass the issuer configuration or its file, not both');
  }
  const issuerConfig =
    options.issuerConfigFile !== undefined
      ? loadServeIssuerConfig(options.issuerConfigFile)
      : options.issuerConfig === undefined
        ? undefined
        : parseServeIssuerConfig(options.issuerConfig);
  const trustProxy = options.trustProxy === undefined ? undefined : parseTrustProxy(options.trustProxy);
  // Workers open the same files: absolute paths, so nothing depends on where a process was started.
  const verifierX509 = verifier === false ? undefined : verifierSigning(verifier, issuerConfig);
  if (verifierX509 !== undefined) {
    // Checked now, before the data directory or database is touched (each process loads it again).
    if (options.publicUrl === undefined) {
      failRun('SERVER_RUN_CONFIG_INVALID', 'an x509_san_dns verifier needs a public URL on its DNS name');
    }
    loadVerifierX509({
      ...verifierX509.x509,
      dnsName: verifierX509.dnsName,
      publicUrl: options.publicUrl,
      now: systemNow(),
    });
  }
  const dataDir = options.dataDir ?? './.haven';
  const dbUrl = options.dbUrl ?? `${dataDir.replace(/\/+$/, '')}/haven.db`;
  return {
    host,
    port,
    workers,
    dataDir,
    dbUrl,
    issuerConfig,
    trustProxy,
    issuer,
    verifier:
      verifier === false
        ? (false as const)
        : {
            ...verifier,
            ...(verifierX509 === undefined ? {} : verifierX509),
          },
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
  };
}

/**
 * The `x509_san_dns` settings that apply: the caller's, else the configuration file's (the file and DNS
 * name always as a pair), with absolute file paths.
 */
function verifierSigning(
  verifier: ServeVerifierOptions,
  issuerConfig: ServeIssuerConfig | undefined,
): { x509: ServeVerifierX509Files; dnsName: string } | undefined {
  const fromFile = issuerConfig?.verifier;
  const chosen =
    verifier.x509 !== undefined && verifier.dnsName !== undefined
      ? { x509: verifier.x509, dnsName: verifier.dnsName }
      : fromFile?.x509 !== undefined && fromFile.dnsName !== undefined
        ? { x509: fromFile.x509, dnsName: fromFile.dnsName }
        : undefined;
  if (chosen === undefined) return undefined;
  const { certificateChainFile, privateKeyFile } = chosen.x509;
  if (
    typeof certificateChainFile !== 'string' ||
    typeof privateKeyFile !== 'string' ||
    certificateChainFile === '' ||
    privateKeyFile === '' ||
    typeof chosen.dnsName !== 'string'
  ) {
    failRun('SERVER_RUN_CONFIG_INVALID', 'the verifier x509 files must be file paths');
  }
  return {
    x509: { certificateChainFile: resolve(certificateChainFile), privateKeyFile: resolve(privateKeyFile) },
    dnsName: chosen.dnsName,
  };
}

/** Creates the data directory 0700; says so when an existing one is open to others. */
function prepareDataDir(dataDir: string, logger: Logger): string[] {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    const warning = `WARNING: the data directory ${dataDir} can be read by other users (mode ${mode.toString(8)}); chmod 700 it`;
    logger.warn({ mode: mode.toString(8) }, 'data directory is open to other users');
    return [warning];
  }
  return [];
}

/** Closes an HTTP server gracefully: no new connections, idle ones closed, busy ones given `timeoutMs`. */
function closeHttpServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

interface ServingParts {
  readonly database: HavenDatabase;
  readonly issuer?: HavenIssuer;
  readonly verifier?: HavenVerifier;
  readonly clientKey: Uint8Array;
}

/** Closes what was opened (verifier, issuer, database), in that order. */
async function closeParts(parts: ServingParts): Promise<void> {
  await parts.verifier?.close();
  await parts.issuer?.close();
  await parts.database.close();
}

/** Builds the app over an open database and issuer and routes `server` requests to it. */
function attachApp(
  server: Server,
  parts: ServingParts,
  config: {
    readonly adminTokens: readonly AdminTokenEntry[];
    readonly trustProxy?: TrustProxySetting | undefined;
    readonly httpLimits?: HttpLimits | undefined;
  },
  logger: Logger,
): () => void {
  const rateLimits = new SqlRateLimitStore(parts.database.db);
  const app = createApp({
    ...(parts.issuer === undefined ? {} : { issuer: parts.issuer }),
    ...(parts.verifier === undefined ? {} : { verifier: parts.verifier }),
    adminTokens: config.adminTokens,
    rateLimits,
    logger,
    now: systemNow,
    clientKey: parts.clientKey,
    ...(config.trustProxy === undefined ? {} : { trustProxy: config.trustProxy }),
    ...(config.httpLimits === undefined ? {} : { limits: config.httpLimits }),
    healthCheck: async () => {
      await sql`select 1`.execute(parts.database.db);
    },
  });
  server.removeAllListeners('request');
  server.on('request', app);
  const windowSeconds = config.httpLimits?.rateLimitWindowSeconds ?? 60;
  const purge = setInterval(() => {
    rateLimits.purge(systemNow() - 2 * windowSeconds).catch((error: unknown) => {
      logger.warn({ code: isHavenError(error) ? error.code : 'UNEXPECTED' }, 'rate-limit purge failed');
    });
    // Every worker purges; the statements are idempotent, so overlapping purges only repeat work.
    for (const part of [parts.issuer, parts.verifier]) {
      part?.purgeExpired().catch((error: unknown) => {
        logger.warn({ code: isHavenError(error) ? error.code : 'UNEXPECTED' }, 'expired-state purge failed');
      });
    }
  }, RATE_LIMIT_PURGE_MS);
  purge.unref();
  return () => clearInterval(purge);
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Answers 503 while the issuer is being opened (the socket is bound first to learn a port-0 port). */
function notReady(_req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 503;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-store');
  res.end('{"error":"temporarily_unavailable"}');
}

/**
 * Stops on SIGTERM / SIGINT. The handlers stay installed until the stop is complete: a second signal
 * (Ctrl-C reaches the whole process group, and wrappers such as tsx forward it again) must not fall
 * through to the default action and kill the process half-way through the shutdown.
 */
function onSignals(handler: () => void): () => void {
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function openIssuer(
  config: Pick<
    WorkerConfig,
    'dataDir' | 'dbUrl' | 'publicUrl' | 'issuerLimits' | 'issuerConfig' | 'issuer' | 'verifier'
  >,
  env: Readonly<Record<string, string | undefined>>,
  migrate: boolean,
  logger: Logger,
): Promise<ServingParts> {
  // The verifier's certificate and key are checked first: a wrong file stops startup before any state.
  const signing = verifierX509Of(config);
  if (signing !== undefined) {
    logger.info(
      { clientId: signing.clientId, notAfter: signing.notAfter },
      'verifier signs requests with x509',
    );
  }
  const master = loadOrCreateMasterSecret({ dataDir: config.dataDir, env });
  if (master.source === 'created') logger.info({ source: master.source }, 'master secret created');
  const database = await openDatabase({ url: config.dbUrl, migrate });
  let issuer: HavenIssuer | undefined;
  try {
    issuer = config.issuer
      ? await createHavenIssuer({
          database,
          publicUrl: config.publicUrl,
          masterSecret: master.secret,
          ...(config.issuerLimits === undefined ? {} : { limits: config.issuerLimits }),
          ...issuerSettings(config.issuerConfig),
        })
      : undefined;
    const verifier =
      config.verifier === false
        ? undefined
        : await createHavenVerifier({
            database,
            publicUrl: config.publicUrl,
            masterSecret: master.secret,
            verifier: {
              legalName:
                config.verifier.legalName ??
                config.issuerConfig?.verifier?.legalName ??
                config.issuerConfig?.display?.[0]?.name ??
                new URL(config.publicUrl).host,
              deletionContact:
                config.verifier.deletionContact ??
                config.issuerConfig?.verifier?.deletionContact ??
                config.publicUrl,
            },
            ...(issuer === undefined ? {} : { issuer }),
            trustedIssuers: [
              ...(config.issuerConfig?.verifier?.trustedIssuers ?? []),
              ...(config.verifier.trustedIssuers ?? []),
            ],
            ...(config.verifier.responseMode === undefined
              ? {}
              : { responseMode: config.verifier.responseMode }),
            ...(signing === undefined ? {} : { clientId: signing.clientId, x509: signing.x509 }),
          });
    return {
      database,
      ...(issuer === undefined ? {} : { issuer }),
      ...(verifier === undefined ? {} : { verifier }),
      clientKey: clientKeyFrom(master.secret),
    };
  } catch (error) {
    await issuer?.close();
    await database.close();
    throw error;
  }
}

/** Loads the checked `x509_san_dns` verifier settings, if any (see {@link loadVerifierX509}). */
function verifierX509Of(
  config: Pick<WorkerConfig, 'publicUrl' | 'verifier'>,
): LoadedVerifierX509 | undefined {
  if (config.verifier === false) return undefined;
  const { x509, dnsName } = config.verifier;
  if (x509 === undefined || dnsName === undefined) return undefined;
  return loadVerifierX509({ ...x509, dnsName, publicUrl: config.publicUrl, now: systemNow() });
}

/** The `createHavenIssuer` options of checked issuer settings (only those that are set). */
function issuerSettings(config: ServeIssuerConfig | undefined) {
  if (config === undefined) return {};
  return {
    ...(config.display === undefined
      ? {}
      : {
          display: config.display.map((entry) => ({
            name: entry.name,
            ...(entry.locale === undefined ? {} : { locale: entry.locale }),
          })),
        }),
    ...(config.legalMinimumWage === undefined ? {} : { legalMinimumWage: config.legalMinimumWage }),
    ...(config.credentialValiditySeconds === undefined
      ? {}
      : { credentialValiditySeconds: config.credentialValiditySeconds }),
    ...(config.vctBase === undefined ? {} : { vctBase: config.vctBase }),
  };
}

/**
 * Starts the Haven issuer server. The primary prepares everything once — the data directory (0700), the
 * master secret, the database migrations, the issuer keys (by opening the issuer once), the admin token
 * (given, or generated and returned ONCE in `adminToken`) — then either serves in this process
 * (`workers: 1`) or forks `workers` processes with `node:cluster` that share the port. Cluster workers
 * re-run the program's entry script, which calls `startServer` again: there it sees it is a worker
 * (through {@link WORKER_CONFIG_ENV}: the admin token only as a hash, the database URL as given), opens the
 * database without migrating, and serves. Crashed workers are restarted with exponential back-off.
 * SIGTERM / SIGINT stop gracefully: no new connections, in-flight requests finish (bounded), database
 * closed; `stopped` settles.
 *
 * @example
 * ```ts
 * const running = await startServer({ port: 8080, publicUrl: 'https://issuer.example', logger });
 * console.error(`listening on ${running.url}`);
 * await running.stopped;
 * ```
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const workerConfig = cluster.isWorker ? process.env[WORKER_CONFIG_ENV] : undefined;
  if (workerConfig !== undefined) {
    return runWorker(JSON.parse(workerConfig) as WorkerConfig, options.logger, env);
  }
  const logger = options.logger;
  const checked = checkOptions(options);
  const warnings = prepareDataDir(checked.dataDir, logger);
  const generated = options.adminToken === undefined ? generateAdminToken() : undefined;
  const token = options.adminToken ?? (generated as string);
  const adminTokens = [{ id: adminTokenId(token), hash: hashAdminToken(token) }];
  const database = describeDatabase(checked.dbUrl);
  return checked.workers === 1
    ? runSingle(options, checked, { adminTokens, generated, warnings, database, env, logger })
    : runPrimary(options, checked, { adminTokens, generated, warnings, database, env, logger });
}

interface Prepared {
  readonly adminTokens: readonly AdminTokenEntry[];
  readonly generated: string | undefined;
  readonly warnings: string[];
  readonly database: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
}

async function runSingle(
  options: StartServerOptions,
  checked: ReturnType<typeof checkOptions>,
  prepared: Prepared,
): Promise<RunningServer> {
  const { logger } = prepared;
  const server = createLimitedServer(notReady, options.serverLimits);
  const address = await listen(server, checked.port, checked.host);
  const url = `http://${urlHost(checked.host)}:${address.port}`;
  const publicUrl = options.publicUrl ?? url;
  let parts: ServingParts;
  try {
    parts = await openIssuer(
      {
        dataDir: checked.dataDir,
        dbUrl: checked.dbUrl,
        publicUrl,
        issuerLimits: options.issuerLimits,
        issuerConfig: checked.issuerConfig,
        issuer: checked.issuer,
        verifier: checked.verifier,
      },
      prepared.env,
      true,
      logger,
    );
  } catch (error) {
    await closeHttpServer(server, 0);
    throw error;
  }
  const stopPurge = attachApp(
    server,
    parts,
    { adminTokens: prepared.adminTokens, trustProxy: checked.trustProxy, httpLimits: options.httpLimits },
    logger,
  );
  const done = deferred();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      stopPurge();
      await closeHttpServer(server, checked.shutdownTimeoutMs);
      await closeParts(parts);
      logger.info('stopped');
      removeSignals();
      done.resolve();
    })();
    return stopping;
  };
  const removeSignals = options.handleSignals === false ? () => {} : onSignals(() => void stop());
  const warnings = [...prepared.warnings, ...publicUrlWarnings(checked.host, publicUrl)];
  for (const warning of warnings) logger.warn(warning);
  logger.info({ workers: 1, database: prepared.database }, 'listening');
  return {
    role: 'single',
    url,
    publicUrl,
    workers: 1,
    database: prepared.database,
    ...(prepared.generated === undefined ? {} : { adminToken: prepared.generated }),
    warnings,
    ...(parts.verifier === undefined ? {} : { verifierClientId: parts.verifier.clientId }),
    stop,
    stopped: done.promise,
  };
}

async function runPrimary(
  options: StartServerOptions,
  checked: ReturnType<typeof checkOptions>,
  prepared: Prepared,
): Promise<RunningServer> {
  const { logger } = prepared;
  const publicUrl = options.publicUrl ?? `http://${urlHost(checked.host)}:${checked.port}`;
  // Once, in the primary: migrations, the master secret check and the issuer keys' creation.
  const parts = await openIssuer(
    {
      dataDir: checked.dataDir,
      dbUrl: checked.dbUrl,
      publicUrl,
      issuerLimits: options.issuerLimits,
      issuerConfig: checked.issuerConfig,
      issuer: checked.issuer,
      verifier: checked.verifier,
    },
    prepared.env,
    true,
    logger,
  );
  const verifierClientId = parts.verifier?.clientId;
  await closeParts(parts);

  const config: WorkerConfig = {
    host: checked.host,
    port: checked.port,
    dataDir: checked.dataDir,
    dbUrl: checked.dbUrl,
    publicUrl,
    adminTokens: prepared.adminTokens,
    ...(checked.trustProxy === undefined ? {} : { trustProxy: checked.trustProxy }),
    ...(checked.issuerConfig === undefined ? {} : { issuerConfig: checked.issuerConfig }),
    ...(options.httpLimits === undefined ? {} : { httpLimits: options.httpLimits }),
    ...(options.serverLimits === undefined ? {} : { serverLimits: options.serverLimits }),
    ...(options.issuerLimits === undefined ? {} : { issuerLimits: options.issuerLimits }),
    issuer: checked.issuer,
    verifier: checked.verifier,
    shutdownTimeoutMs: checked.shutdownTimeoutMs,
  };
  const workerEnv = { [WORKER_CONFIG_ENV]: JSON.stringify(config) };
  const done = deferred();
  const live = new Set<Worker>();
  let stopping = false;
  let crashes = 0;
  const startedAt = new Map<Worker, number>();

  const fork = () => {
    const worker = cluster.fork(workerEnv);
    // IPC errors (a worker that already went away) must not crash the primary; its exit is handled below.
    worker.on('error', () => {});
    live.add(worker);
    startedAt.set(worker, Date.now());
    return worker;
  };

  let port = checked.port;
  await new Promise<void>((resolve, reject) => {
    let listening = 0;
    const onListening = (_worker: Worker, address: { port: number }) => {
      port = address.port;
      listening += 1;
      if (listening === checked.workers) {
        cleanup();
        resolve();
      }
    };
    const onExit = (worker: Worker, code: number | null) => {
      cleanup();
      live.delete(worker);
      for (const other of live) other.process.kill('SIGTERM');
      reject(
        new HavenError('SERVER_RUN_WORKER_FAILED', `a worker exited during startup (code ${code ?? 'none'})`),
      );
    };
    const cleanup = () => {
      cluster.off('listening', onListening);
      cluster.off('exit', onExit);
    };
    cluster.on('listening', onListening);
    cluster.on('exit', onExit);
    for (let i = 0; i < checked.workers; i++) fork();
  });

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    const lived = Date.now() - (startedAt.get(worker) ?? Date.now());
    startedAt.delete(worker);
    if (stopping) {
      if (live.size === 0) done.resolve();
      return;
    }
    crashes = lived > 30_000 ? 0 : crashes + 1;
    const delay = Math.min(30_000, 250 * 2 ** Math.min(crashes, 7));
    logger.error({ code, signal, restartInMs: delay }, 'worker exited; restarting');
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  const stop = () => {
    if (!stopping) {
      stopping = true;
      void done.promise.then(removeSignals);
      logger.info('stopping workers');
      if (live.size === 0) done.resolve();
      for (const worker of live) {
        // A worker that got the signal itself (same process group) may have disconnected already.
        if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE, () => {});
      }
      const kill = setTimeout(() => {
        for (const worker of live) worker.process.kill('SIGKILL');
      }, checked.shutdownTimeoutMs + 5_000);
      kill.unref();
    }
    return done.promise;
  };
  const removeSignals = options.handleSignals === false ? () => {} : onSignals(() => void stop());
  const warnings = [...prepared.warnings, ...publicUrlWarnings(checked.host, publicUrl)];
  for (const warning of warnings) logger.warn(warning);
  logger.info({ workers: checked.workers, database: prepared.database }, 'listening');
  return {
    role: 'primary',
    url: `http://${urlHost(checked.host)}:${port}`,
    publicUrl,
    workers: checked.workers,
    database: prepared.database,
    ...(prepared.generated === undefined ? {} : { adminToken: prepared.generated }),
    warnings,
    ...(verifierClientId === undefined ? {} : { verifierClientId }),
    stop,
    stopped: done.promise,
  };
}

async function runWorker(
  config: WorkerConfig,
  logger: Logger,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RunningServer> {
  const parts = await openIssuer(config, env, false, logger);
  const server = createLimitedServer(notReady, config.serverLimits);
  const stopPurge = attachApp(server, parts, config, logger);
  const address = await listen(server, config.port, config.host);
  const done = deferred();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off('message', onMessage);
      stopPurge();
      await closeHttpServer(server, config.shutdownTimeoutMs);
      await closeParts(parts);
      removeSignals();
      done.resolve();
      // Let the process end: the IPC channel is the last thing keeping it alive.
      if (process.connected) process.disconnect();
    })();
    return stopping;
  };
  const onMessage = (message: unknown) => {
    if (message === SHUTDOWN_MESSAGE) void stop();
  };
  process.on('message', onMessage);
  // The primary went away: nobody will restart or stop us, so stop.
  process.once('disconnect', () => void stop());
  const removeSignals = onSignals(() => void stop());
  return {
    role: 'worker',
    url: `http://${urlHost(config.host)}:${address.port}`,
    publicUrl: config.publicUrl,
    workers: 1,
    database: describeDatabase(config.dbUrl),
    warnings: [],
    stop,
    stopped: done.promise,
  };
}
