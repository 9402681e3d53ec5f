import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RATE_LIMITS, describeDatabase, generateAdminToken, type HttpLimits } from '@haven/server';
import type { Comparison } from './harness.js';
import { type CpuShare, cpuShareBetween, takeCpuSnapshot } from './issuer-server-cpu.js';
import { createLoopbackFetch } from './issuer-server-fetch.js';
import { withFreshSchema } from './issuer-server-postgres.js';
import { findFreePort, type ServerProcess, startServerProcess } from './issuer-server-process.js';
import { postResponses, type ResponseRunResult } from './verifier-server-autocannon.js';
import { type LibraryRate, measureLibraryVerify } from './verifier-server-library.js';
import {
  createHolderKeys,
  type HeldCredential,
  issueHeldCredentials,
  type PreparedResponse,
  prepareResponses,
} from './verifier-server-wallet.js';

// Sized so that the whole suite stays under three minutes on a 2-vCPU machine. Each response needs its
// own transaction, made beforehand: by default a timed window gets as many as the warm-up rate fills in
// WINDOW_SECONDS (within MIN/MAX_REQUESTS); HAVEN_BENCH_VERIFIER_REQUESTS fixes the number instead.
const CONNECTIONS = 32;
const WARMUP_REQUESTS = 512;
const WINDOW_SECONDS = 8;
const MIN_REQUESTS = 8 * CONNECTIONS;
const MAX_REQUESTS = 20_000;
const HOLDER_KEYS = 32;
const PREPARE_CONCURRENCY = 16;
// Rate limits still count every request in the database (that cost is part of what is measured), but
// one loopback client must not be throttled like an attacker. Failed admin logins keep their limit.
const UNTHROTTLED = 1_000_000_000;
const RATE_LIMITS = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((bucket) => [
    bucket,
    bucket === 'adminAuthFailure'
      ? DEFAULT_RATE_LIMITS[bucket as keyof typeof DEFAULT_RATE_LIMITS]
      : UNTHROTTLED,
  ]),
) as NonNullable<HttpLimits['rateLimits']>;

const CASE = 'direct_post';
const LIBRARY = 'library verifyVpToken, 1 core';

type Backend = 'SQLite' | 'PostgreSQL';

/** One timed window of wallet responses, with where the CPU went. */
interface Measurement extends ResponseRunResult {
  readonly name: string;
  readonly cpu: CpuShare;
}

/** A row of the suite's table, with the measurements behind it for the results file. */
interface VerifierServerComparison extends Comparison {
  /** The library row only: its rate per CPU-second, to set next to the server's per server CPU-second. */
  readonly libraryPerCpuSecond?: number;
  readonly measurements: readonly Measurement[];
}

/** The fixed number of responses per timed window, if HAVEN_BENCH_VERIFIER_REQUESTS sets one. */
function fixedRequests(): number | undefined {
  const raw = process.env.HAVEN_BENCH_VERIFIER_REQUESTS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 4 * CONNECTIONS || n > 1_000_000) {
    throw new Error(`HAVEN_BENCH_VERIFIER_REQUESTS must be an integer from ${4 * CONNECTIONS} to 1,000,000`);
  }
  return n;
}

/** Responses for the timed window: the fixed number, else what the warm-up rate fills in the window. */
function requestsFor(fixedCount: number | undefined, warmRate: number): number {
  if (fixedCount !== undefined) return fixedCount;
  return Math.min(MAX_REQUESTS, Math.max(MIN_REQUESTS, Math.ceil(warmRate * WINDOW_SECONDS)));
}

function label(workers: number, backend: Backend): string {
  return `${CASE}, ${workers} worker${workers === 1 ? '' : 's'}, ${backend}`;
}

/** One response posted by the wallet client (not autocannon): it must be accepted with `200 {}`. */
async function checkOneResponse(
  server: ServerProcess,
  fetch: ReturnType<typeof createLoopbackFetch>['fetch'],
  response: PreparedResponse,
) {
  const answer = await fetch({
    url: `${server.url}${response.path}`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: response.body,
  });
  const text = answer.text().trim();
  if (answer.status !== 200 || text !== '{}') {
    let code = '';
    try {
      const parsed = JSON.parse(text) as { error?: unknown; code?: unknown };
      const value = parsed.code ?? parsed.error;
      if (typeof value === 'string') code = ` ${value.slice(0, 64)}`;
    } catch {
      // Not JSON: the status says enough.
    }
    throw new Error(
      `the response endpoint did not accept a valid presentation: HTTP ${answer.status}${code}`,
    );
  }
}

/** Runs one database at 1 worker, then at 2 workers, over one data directory and database. */
async function runBackend(
  backend: Backend,
  dbUrl: string | undefined,
  fixedCount: number | undefined,
): Promise<{ measurements: Measurement[]; problems: Map<string, Map<string, number>> }> {
  const measurements: Measurement[] = [];
  const problems = new Map<string, Map<string, number>>();
  const dataDir = mkdtempSync(join(tmpdir(), 'haven-bench-verifier-'));
  const adminToken = generateAdminToken();
  const port = await findFreePort();
  const keys = createHolderKeys(HOLDER_KEYS);
  let held: HeldCredential[] | undefined;
  let failed = false;
  try {
    for (const workers of [1, 2]) {
      const server = await startServerProcess(
        {
          host: '127.0.0.1',
          port,
          publicUrl: `http://127.0.0.1:${port}`,
          dataDir,
          dbUrl: dbUrl ?? join(dataDir, 'haven.db'),
          adminToken,
          workers,
          httpLimits: { rateLimits: RATE_LIMITS },
        },
        join(dataDir, `bench-verifier-log-${workers}.jsonl`),
      );
      // A fresh keep-alive pool per server: sockets of a stopped server must not be reused.
      const http = createLoopbackFetch(PREPARE_CONCURRENCY);
      try {
        // The same credentials serve both runs: same database, same master secret, same issuer key.
        held ??= await issueHeldCredentials(server.url, http.fetch, adminToken, keys);
        const prepare = (count: number) =>
          prepareResponses(server.url, http.fetch, adminToken, held ?? [], count, PREPARE_CONCURRENCY);
        const warm = await prepare(WARMUP_REQUESTS + CONNECTIONS + 1);
        await checkOneResponse(server, http.fetch, warm.pop() as PreparedResponse);
        const warmed = await postResponses(server.url, warm, CONNECTIONS);
        if (warmed.ok === 0)
          throw new Error(`${label(workers, backend)}: no response accepted in the warm-up`);
        const timed = await prepare(requestsFor(fixedCount, warmed.perSecond) + CONNECTIONS);
        const before = takeCpuSnapshot(server.pids);
        const result = await postResponses(server.url, timed, CONNECTIONS);
        const cpu = cpuShareBetween(before, takeCpuSnapshot(server.pids));
        measurements.push({ name: label(workers, backend), ...result, cpu });
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        http.close();
        await server.stop();
        const run = `${backend}, ${workers} worker${workers === 1 ? '' : 's'}`;
        problems.set(run, server.loggedProblems());
        // The data directory (and its log) goes away: say what the server logged before the error does.
        if (failed) printProblems(new Map([[run, server.loggedProblems()]]));
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { measurements, problems };
}

function fixed(n: number | undefined, digits: number, width = 0): string {
  return (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits)).padStart(width);
}

/** Cores busy outside this benchmark's processes and PostgreSQL (other work on a shared machine). */
function otherCores(cpu: CpuShare): number | undefined {
  if (cpu.machine === undefined || cpu.server === undefined) return undefined;
  return Math.max(0, cpu.machine - cpu.client - cpu.server - (cpu.database ?? 0));
}

function printDetails(
  all: readonly Measurement[],
  library: LibraryRate,
  cores: number,
  fixedCount: number | undefined,
): void {
  const sizing =
    fixedCount === undefined
      ? `responses per window: the warm-up rate × ${WINDOW_SECONDS} s (HAVEN_BENCH_VERIFIER_REQUESTS fixes it)`
      : `${fixedCount} responses per window (HAVEN_BENCH_VERIFIER_REQUESTS)`;
  console.log(
    `\n[verifier-server details] ${cores} cores; autocannon, ${CONNECTIONS} connections, ${sizing}, each with its own transaction made beforehand; library verifyVpToken in-process: ${Math.round(library.perSecond)}/s on one core (${Math.round(library.perCpuSecond)} per CPU-second)`,
  );
  console.log(
    `${'measurement'.padEnd(32)} ${'per s'.padStart(6)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'ok'.padStart(6)} ${'failed'.padStart(6)} ${'s'.padStart(5)}  | cores busy: ${'client'.padStart(6)} ${'server'.padStart(6)} ${'pg'.padStart(5)} ${'other'.padStart(5)} ${'all'.padStart(5)} | per server CPU-s`,
  );
  for (const m of all) {
    const perServerCpu = m.cpu.server ? m.perSecond / m.cpu.server : undefined;
    console.log(
      `${m.name.padEnd(32)} ${fixed(m.perSecond, 0, 6)} ${fixed(m.p50Ms, 1, 7)} ${fixed(m.p99Ms, 1, 7)} ${String(m.ok).padStart(6)} ${String(m.failed).padStart(6)} ${fixed(m.seconds, 1, 5)}  | ${' '.repeat(11)} ${fixed(m.cpu.client, 2, 6)} ${fixed(m.cpu.server, 2, 6)} ${fixed(m.cpu.database, 2, 5)} ${fixed(otherCores(m.cpu), 2, 5)} ${fixed(m.cpu.machine, 2, 5)} | ${fixed(perServerCpu, 0, 8)}${m.firstFailure === undefined ? '' : `  (first failure: ${m.firstFailure})`}`,
    );
  }
}

function printProblems(problems: Map<string, Map<string, number>>): void {
  for (const [run, counts] of problems) {
    if (counts.size === 0) continue;
    const list = [...counts].map(([code, n]) => `${code} ×${n}`).join(', ');
    console.log(`  server log (above info, 5xx), ${run}: ${list}`);
  }
}

function rowsFor(measurements: readonly Measurement[], library: LibraryRate): VerifierServerComparison[] {
  const rows: VerifierServerComparison[] = [];
  const [one, two] = measurements;
  if (one !== undefined) {
    rows.push({
      case: one.name,
      opsPerSecond: one.perSecond,
      baseline: LIBRARY,
      baselineOpsPerSecond: library.perSecond,
      ratio: one.perSecond / library.perSecond,
      libraryPerCpuSecond: library.perCpuSecond,
      measurements: [one],
    });
  }
  if (one !== undefined && two !== undefined) {
    rows.push({
      case: two.name,
      opsPerSecond: two.perSecond,
      baseline: one.name,
      baselineOpsPerSecond: one.perSecond,
      ratio: two.perSecond / one.perSecond,
      measurements: [one, two],
    });
  }
  return rows;
}

/**
 * The verifier's OpenID4VP `direct_post` response endpoint under load: `startServer` in its own
 * processes (1 worker, then 2 cluster workers; SQLite, and PostgreSQL in a fresh schema when
 * `HAVEN_BENCH_POSTGRES_URL` is set). Before each window the benchmark, untimed, creates one `age-check`
 * transaction per response through the admin API and answers it as a wallet: an SD-JWT VC the server
 * issued to one of its holder keys, `age_over_18` disclosed, a KB-JWT for the transaction's nonce and
 * client_id. autocannon then posts the responses, each once, so every request is a full verification
 * and a one-time store update. Compared with the library's own `verifyVpToken` rate in this process,
 * and 2 workers with 1. Prints where the CPU went, since the load generator shares the machine.
 */
export async function benchVerifierServer(): Promise<Comparison[]> {
  const count = fixedRequests();
  const library = await measureLibraryVerify();
  const cores = availableParallelism();
  const sqlite = await runBackend('SQLite', undefined, count);
  const postgresUrl = process.env.HAVEN_BENCH_POSTGRES_URL;
  const postgres =
    postgresUrl === undefined || postgresUrl === ''
      ? undefined
      : await withFreshSchema(postgresUrl, (url) => runBackend('PostgreSQL', url, count));
  const backends = postgres === undefined ? [sqlite] : [sqlite, postgres];
  printDetails(
    backends.flatMap((b) => b.measurements),
    library,
    cores,
    count,
  );
  console.log(
    `  SQLite: one file in ${tmpdir()}; PostgreSQL: ${
      postgresUrl === undefined || postgresUrl === ''
        ? 'not run (set HAVEN_BENCH_POSTGRES_URL)'
        : postgres === undefined
          ? 'not reachable'
          : `${describeDatabase(postgresUrl)}, fresh schema, dropped afterwards`
    }. Rate limits raised so one client is not throttled (every request is still counted).`,
  );
  for (const b of backends) printProblems(b.problems);
  return backends.flatMap((b) => rowsFor(b.measurements, library));
}
