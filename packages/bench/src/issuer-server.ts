import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner, generateKeyPair } from '@haven/core';
import { claimsTemplate, prepareIssuance } from '@haven/credentials';
import { issueSdJwtVcSync } from '@haven/sd-jwt';
import { describeDatabase, generateAdminToken } from '@haven/server';
import { type Comparison, measure } from './harness.js';
import { hammer } from './issuer-server-autocannon.js';
import { measureBulkIssue } from './issuer-server-bulk.js';
import { type CpuShare, cpuShareBetween, takeCpuSnapshot } from './issuer-server-cpu.js';
import { createLoopbackFetch } from './issuer-server-fetch.js';
import { type LoadResult, runLoad } from './issuer-server-load.js';
import { DEFAULT_POSTGRES_URL, withFreshSchema } from './issuer-server-postgres.js';
import { findFreePort, type ServerProcess, startServerProcess } from './issuer-server-process.js';
import {
  BENCH_CREDENTIAL_TYPE,
  connectWallet,
  createHolderKeys,
  createOffer,
  createOffers,
  exchangeOffer,
  type PreparedOffer,
  prepareOffer,
  type Wallet,
} from './issuer-server-wallet.js';

// Sized so that the whole suite stays well under two minutes on a 2-vCPU machine.
const CONCURRENCY = 32;
const EXCHANGE_WARMUP_MS = 1_500;
const EXCHANGE_WINDOW_MS = 6_000;
const HAMMER_WARMUP_SECONDS = 1;
const HAMMER_SECONDS = 4;
const HOLDER_KEYS = 256;
const TOP_UP_CONCURRENCY = 16;
const BULK_GOAL = 2_000;
const BULK_ISSUE = 'bulk issue via POST /admin/credentials/batch';
// Rate limits still count every request in the database (that cost is part of what is measured), but
// one loopback client must not be throttled like an attacker.
const UNTHROTTLED = 1_000_000_000;
const RATE_LIMITS = {
  token: UNTHROTTLED,
  credential: UNTHROTTLED,
  nonce: UNTHROTTLED,
  offers: UNTHROTTLED,
  admin: UNTHROTTLED,
};

/** One measured window, with where the CPU went. */
interface Measurement {
  readonly name: string;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly completed: number;
  readonly failed: number;
  readonly firstFailure?: string;
  readonly exhausted?: boolean;
  readonly cpu: CpuShare;
}

/** A row of the suite's table, with the measurements behind it for the results file. */
interface IssuerServerComparison extends Comparison {
  readonly measurements?: readonly Measurement[];
}

type Backend = 'SQLite' | 'PostgreSQL';

interface BackendPlan {
  readonly backend: Backend;
  /** `undefined`: SQLite in the data directory (the server's default). */
  readonly dbUrl: string | undefined;
  /** Also hammer `POST /nonce` (cheap single-request scaling check). */
  readonly nonce: boolean;
  /** Also measure admin offer + exchange per credential at 2 workers (the bulk path). */
  readonly bulk: boolean;
}

interface BackendResults {
  readonly measurements: Map<string, Measurement>;
  /** Per server run (`SQLite, 2 workers`): what the server logged above `info`, by error code. */
  readonly problems: Map<string, Map<string, number>>;
}

function label(what: string, workers: number, backend: Backend): string {
  return `${what}, ${workers} worker${workers === 1 ? '' : 's'}, ${backend}`;
}

async function measured(
  name: string,
  server: ServerProcess,
  run: () => Promise<Omit<Measurement, 'name' | 'cpu'>>,
): Promise<Measurement> {
  const before = takeCpuSnapshot(server.pids);
  const result = await run();
  const cpu = cpuShareBetween(before, takeCpuSnapshot(server.pids));
  return { name, ...result, cpu };
}

function fromLoad(result: LoadResult): Omit<Measurement, 'name' | 'cpu'> {
  return {
    perSecond: result.perSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    completed: result.completed,
    failed: result.failed,
    ...(result.firstFailure === undefined ? {} : { firstFailure: result.firstFailure }),
    exhausted: result.exhausted,
  };
}

/** A queue of single-use offers shared by the runs on one database. */
class OfferPool {
  private readonly offers: PreparedOffer[] = [];
  private next = 0;
  add(offers: readonly PreparedOffer[]): void {
    this.offers.push(...offers);
  }
  take(): PreparedOffer | undefined {
    return this.offers[this.next++];
  }
  get remaining(): number {
    return Math.max(0, this.offers.length - this.next);
  }
}

/** Exchanges against one server: warm-up, enough fresh offers (untimed), then the timed window. */
async function measureExchanges(
  name: string,
  server: ServerProcess,
  wallet: Wallet,
  pool: OfferPool,
): Promise<Measurement> {
  let keyIndex = 0;
  let checked = false;
  const operation = async () => {
    const offer = pool.take();
    if (offer === undefined) return false;
    const key = wallet.keys[keyIndex++ % wallet.keys.length];
    if (key === undefined) throw new Error('no holder key');
    const check = !checked;
    checked = true;
    await exchangeOffer(wallet, offer, key, check);
    return true;
  };
  if (pool.remaining < 400) pool.add(await createOffers(wallet, 400 - pool.remaining, TOP_UP_CONCURRENCY));
  const warm = await runLoad({ concurrency: CONCURRENCY, durationMs: EXCHANGE_WARMUP_MS, operation });
  if (warm.completed === 0)
    throw new Error(`${name}: no exchange succeeded (${warm.firstFailure ?? 'none'})`);
  const needed = Math.ceil(warm.perSecond * (EXCHANGE_WINDOW_MS / 1000) * 1.6) + 2 * CONCURRENCY;
  if (pool.remaining < needed) {
    pool.add(await createOffers(wallet, needed - pool.remaining, TOP_UP_CONCURRENCY));
  }
  return measured(name, server, async () =>
    fromLoad(await runLoad({ concurrency: CONCURRENCY, durationMs: EXCHANGE_WINDOW_MS, operation })),
  );
}

/** The bulk path the admin API has: one offer per credential, then the wallet's exchange. */
async function measureOfferAndExchange(name: string, server: ServerProcess, wallet: Wallet) {
  let keyIndex = 0;
  const operation = async () => {
    const offer = await createOffer(wallet);
    const key = wallet.keys[keyIndex++ % wallet.keys.length];
    if (key === undefined) throw new Error('no holder key');
    await exchangeOffer(wallet, offer, key);
    return true;
  };
  await runLoad({ concurrency: CONCURRENCY, durationMs: EXCHANGE_WARMUP_MS, operation });
  return measured(name, server, async () =>
    fromLoad(await runLoad({ concurrency: CONCURRENCY, durationMs: EXCHANGE_WINDOW_MS, operation })),
  );
}

/** autocannon on one endpoint: an untimed warm-up second, then the window. */
async function measureHammer(
  name: string,
  server: ServerProcess,
  request: { method: 'POST'; path: string; headers?: Record<string, string>; body?: string },
  onBody?: (body: string) => void,
): Promise<Measurement> {
  const base = {
    url: server.url,
    connections: CONCURRENCY,
    ...request,
    ...(onBody === undefined ? {} : { onBody }),
  };
  await hammer({ ...base, seconds: HAMMER_WARMUP_SECONDS });
  return measured(name, server, async () => {
    const r = await hammer({ ...base, seconds: HAMMER_SECONDS });
    return { perSecond: r.perSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, completed: r.ok, failed: r.failed };
  });
}

/** Runs one database's plan at 1 worker, then at 2 workers, over one data directory and database. */
async function runBackend(plan: BackendPlan, keys: Wallet['keys']): Promise<BackendResults> {
  const results: BackendResults = { measurements: new Map(), problems: new Map() };
  const dataDir = mkdtempSync(join(tmpdir(), 'haven-bench-'));
  const adminToken = generateAdminToken();
  const port = await findFreePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const pool = new OfferPool();
  try {
    for (const workers of [1, 2]) {
      const server = await startServerProcess(
        {
          host: '127.0.0.1',
          port,
          publicUrl,
          dataDir,
          dbUrl: plan.dbUrl ?? join(dataDir, 'haven.db'),
          adminToken,
          workers,
          httpLimits: { rateLimits: RATE_LIMITS },
        },
        join(dataDir, `bench-server-log-${workers}.jsonl`),
      );
      // A fresh keep-alive pool per server: sockets of a stopped server must not be reused.
      const http = createLoopbackFetch(CONCURRENCY + TOP_UP_CONCURRENCY);
      try {
        const wallet = await connectWallet(server.url, http.fetch, adminToken, keys);
        const keep = (m: Measurement) => results.measurements.set(m.name, m);
        if (plan.nonce) {
          keep(
            await measureHammer(label('POST /nonce', workers, plan.backend), server, {
              method: 'POST',
              path: '/nonce',
            }),
          );
        }
        const bodies: string[] = [];
        keep(
          await measureHammer(
            label('POST /admin/offers', workers, plan.backend),
            server,
            {
              method: 'POST',
              path: '/admin/offers',
              headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
              body: wallet.offerBody,
            },
            (body) => bodies.push(body),
          ),
        );
        // The offers the hammer created are real: they feed the exchange windows.
        pool.add(bodies.map((body) => prepareOffer(body)));
        keep(await measureExchanges(label('exchange', workers, plan.backend), server, wallet, pool));
        if (plan.bulk && workers === 2) {
          keep(
            await measureOfferAndExchange(
              label('admin offer+exchange', workers, plan.backend),
              server,
              wallet,
            ),
          );
          // Direct bulk issuance: batches of 500, two per worker in flight; perSecond counts credentials.
          keep(
            await measured(label(BULK_ISSUE, workers, plan.backend), server, async () =>
              fromLoad(
                await measureBulkIssue(wallet, {
                  batchSize: 500,
                  inFlight: 4,
                  warmupMs: EXCHANGE_WARMUP_MS,
                  windowMs: EXCHANGE_WINDOW_MS,
                }),
              ),
            ),
          );
        }
      } finally {
        http.close();
        await server.stop();
        results.problems.set(
          `${plan.backend}, ${workers} worker${workers === 1 ? '' : 's'}`,
          server.loggedProblems(),
        );
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

/** The library's own issue rate in one process, one core: what the server wraps for each credential. */
async function measureLibraryIssue(): Promise<number> {
  const issuer = generateKeyPair('ES256');
  const signer = createSigner(issuer.privateJwk);
  const holder = generateKeyPair('ES256');
  const claims = claimsTemplate(BENCH_CREDENTIAL_TYPE);
  const now = Math.floor(Date.now() / 1000);
  const [result] = await measure([
    {
      name: 'prepare + issueSdJwtVcSync',
      run: () => {
        const prepared = prepareIssuance(BENCH_CREDENTIAL_TYPE, claims, { now });
        return issueSdJwtVcSync(
          {
            ...prepared.claims,
            iss: 'http://127.0.0.1:8080',
            vct: prepared.vct,
            iat: now,
            exp: now + 365 * 86_400,
            status: { status_list: { idx: 1234, uri: 'http://127.0.0.1:8080/status/bench' } },
          },
          { signer, frame: prepared.disclosureFrame, holderPublicJwk: holder.publicJwk },
        );
      },
    },
  ]);
  if (result === undefined) throw new Error('the library baseline produced no result');
  return result.opsPerSecond;
}

function fixed(n: number | undefined, digits: number, width = 0): string {
  return (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits)).padStart(width);
}

/** Cores busy outside this benchmark's processes and PostgreSQL (other work on a shared machine). */
function otherCores(cpu: CpuShare): number | undefined {
  if (cpu.machine === undefined || cpu.server === undefined) return undefined;
  return Math.max(0, cpu.machine - cpu.client - cpu.server - (cpu.database ?? 0));
}

function printDetails(all: readonly Measurement[], library: number, cores: number): void {
  console.log(
    `\n[issuer-server details] ${cores} cores; ${CONCURRENCY} in flight; windows: exchange ${
      EXCHANGE_WINDOW_MS / 1000
    } s, autocannon ${HAMMER_SECONDS} s; library prepare+issueSdJwtVcSync in-process: ${Math.round(library)}/s on one core`,
  );
  console.log(
    `${'measurement'.padEnd(44)} ${'per s'.padStart(6)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'failed'.padStart(6)}  | cores busy: ${'client'.padStart(6)} ${'server'.padStart(6)} ${'pg'.padStart(5)} ${'other'.padStart(5)} ${'all'.padStart(5)} | per server CPU-s`,
  );
  for (const m of all) {
    const perServerCpu = m.cpu.server ? m.perSecond / m.cpu.server : undefined;
    const notes = [
      ...(m.exhausted ? ['ran out of offers'] : []),
      ...(m.firstFailure === undefined ? [] : [`first failure: ${m.firstFailure}`]),
    ];
    console.log(
      `${m.name.padEnd(44)} ${fixed(m.perSecond, 0, 6)} ${fixed(m.p50Ms, 1, 7)} ${fixed(m.p99Ms, 1, 7)} ${String(m.failed).padStart(6)}  | ${' '.repeat(11)} ${fixed(m.cpu.client, 2, 6)} ${fixed(m.cpu.server, 2, 6)} ${fixed(m.cpu.database, 2, 5)} ${fixed(otherCores(m.cpu), 2, 5)} ${fixed(m.cpu.machine, 2, 5)} | ${fixed(perServerCpu, 0, 8)}${notes.length === 0 ? '' : `  (${notes.join('; ')})`}`,
    );
  }
}

function printProblems(results: BackendResults): void {
  for (const [run, counts] of results.problems) {
    if (counts.size === 0) continue;
    const list = [...counts].map(([code, n]) => `${code} ×${n}`).join(', ');
    console.log(`  server log (above info, 5xx), ${run}: ${list}`);
  }
}

/**
 * Why the 2-worker ratio is what it is on this machine. The load generator, PostgreSQL and anything
 * else running share the cores with the workers, so the ratio is bounded by the CPU one exchange costs
 * in total (all parties, measured at 1 worker): `cores / (CPU-seconds per exchange × rate)`.
 */
function printScalingNote(one: Measurement | undefined, two: Measurement | undefined, cores: number): void {
  if (one === undefined || two === undefined || one.cpu.server === undefined) return;
  const ratio = two.perSecond / one.perSecond;
  const total1 = one.cpu.client + one.cpu.server + (one.cpu.database ?? 0);
  const ceiling = cores / total1;
  const efficiency = two.cpu.server
    ? two.perSecond / two.cpu.server / (one.perSecond / one.cpu.server)
    : undefined;
  const pg = (cpu: CpuShare) =>
    cpu.database === undefined || cpu.database < 0.01 ? '' : `, PostgreSQL ${fixed(cpu.database, 2)}`;
  console.log(
    `  ${two.name}: ${fixed(ratio, 2)}× the 1-worker rate. At 1 worker one exchange/s cost ${fixed((1000 * total1) / one.perSecond, 1)} ms of CPU in all (server ${fixed(one.cpu.server, 2)} cores, load generator ${fixed(one.cpu.client, 2)}${pg(one.cpu)}),` +
      ` so ${cores} cores can carry at most ≈${fixed(ceiling, 2)}× that rate whatever the worker count.` +
      ` At 2 workers: server ${fixed(two.cpu.server, 2)} cores, load generator ${fixed(two.cpu.client, 2)} (${fixed((100 * two.cpu.client) / cores, 0)}% of the machine)${pg(two.cpu)}, other processes ${fixed(otherCores(two.cpu), 2)};` +
      ` exchanges per server CPU-second ${fixed(efficiency, 2)}× the 1-worker figure (1.00 = the workers turn CPU into exchanges as efficiently as one).`,
  );
}

function row(
  results: BackendResults,
  name: string,
  base: { name: string; perSecond: number },
  related: readonly (Measurement | undefined)[],
): IssuerServerComparison | undefined {
  const m = results.measurements.get(name);
  if (m === undefined) return undefined;
  return {
    case: m.name,
    opsPerSecond: m.perSecond,
    baseline: base.name,
    baselineOpsPerSecond: base.perSecond,
    ratio: m.perSecond / base.perSecond,
    measurements: related.filter((x): x is Measurement => x !== undefined),
  };
}

function rowsFor(backend: Backend, results: BackendResults, library: number): IssuerServerComparison[] {
  const get = (what: string, workers: number) => results.measurements.get(label(what, workers, backend));
  const libraryBase = { name: 'library prepare+issueSdJwtVcSync, 1 core', perSecond: library };
  const rows: (IssuerServerComparison | undefined)[] = [
    row(results, label('exchange', 1, backend), libraryBase, [get('exchange', 1)]),
  ];
  for (const what of ['exchange', 'POST /nonce', 'POST /admin/offers']) {
    const one = get(what, 1);
    if (one !== undefined) {
      rows.push(row(results, label(what, 2, backend), one, [one, get(what, 2)]));
    }
  }
  const goal = { name: `goal: ${BULK_GOAL.toLocaleString('en-US')} credentials/s`, perSecond: BULK_GOAL };
  for (const what of ['admin offer+exchange', BULK_ISSUE]) {
    const bulk = get(what, 2);
    if (bulk !== undefined) rows.push(row(results, bulk.name, goal, [bulk]));
  }
  return rows.filter((r): r is IssuerServerComparison => r !== undefined);
}

/**
 * The issuer server under load: `startServer` in its own processes (1 worker, then 2 cluster workers,
 * on SQLite and on PostgreSQL in a fresh schema), driven from this process by the wallet client over
 * keep-alive loopback HTTP. Measures the whole pre-authorized code exchange (token with tx_code →
 * nonce → credential with a fresh proof per request), `POST /nonce` and `POST /admin/offers` with
 * autocannon, and the admin API's bulk path (one offer per credential + its exchange). Offers are
 * created before each timed window. Prints where the CPU went, since the load generator shares the
 * machine with the server.
 */
export async function benchIssuerServer(): Promise<Comparison[]> {
  const library = await measureLibraryIssue();
  const keys = createHolderKeys(HOLDER_KEYS);
  const cores = availableParallelism();
  const sqlite = await runBackend({ backend: 'SQLite', dbUrl: undefined, nonce: true, bulk: false }, keys);
  const postgresUrl = process.env.HAVEN_BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
  const postgres = await withFreshSchema(postgresUrl, (url) =>
    runBackend({ backend: 'PostgreSQL', dbUrl: url, nonce: true, bulk: true }, keys),
  );
  const backends = [
    ['SQLite', sqlite],
    ['PostgreSQL', postgres],
  ] as const;
  printDetails(
    backends.flatMap(([, results]) => [...(results?.measurements.values() ?? [])]),
    library,
    cores,
  );
  console.log(
    `  SQLite: one file in ${tmpdir()} (WAL, synchronous=FULL); PostgreSQL: ${
      postgres === undefined
        ? 'skipped'
        : `${describeDatabase(postgresUrl)}, fresh schema, dropped afterwards`
    }. Rate limits raised so one client is not throttled (every request is still counted in the database).`,
  );
  for (const [backend, results] of backends) {
    if (results === undefined) continue;
    printProblems(results);
    printScalingNote(
      results.measurements.get(label('exchange', 1, backend)),
      results.measurements.get(label('exchange', 2, backend)),
      cores,
    );
  }
  if (postgres !== undefined) {
    console.log(
      '  Bulk: "admin offer+exchange" = one POST /admin/offers and one wallet exchange per credential (this process plays both the caseworker and the wallets); "bulk issue" = POST /admin/credentials/batch with 500 items, 4 in flight, credentials returned to the caller (per s counts credentials, latencies are per batch).',
    );
  }
  return backends.flatMap(([backend, results]) =>
    results === undefined ? [] : rowsFor(backend, results, library),
  );
}
