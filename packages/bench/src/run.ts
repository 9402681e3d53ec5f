import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Comparison } from './harness.js';
import { benchIssuerServer } from './issuer-server.js';
import { benchJws } from './jws.js';
import { benchSdJwt } from './sd-jwt.js';
import { benchStatus } from './status.js';
import { benchVerifierServer } from './verifier-server.js';
import { benchW3cDataIntegrity } from './w3c-di.js';
import { benchW3cJose } from './w3c-jose.js';

// Goals from the issues; a ratio below its goal is printed as MISS (the run still completes: timing
// belongs in benchmarks, never in tests, and one noisy run must not fail CI).
const GOALS: { match: RegExp; baseline: RegExp; min: number }[] = [
  { match: /@haven\/core/, baseline: /^raw node:crypto/, min: 0.8 },
  { match: /^issue SD-JWT VC/, baseline: /^raw:/, min: 0.7 },
  { match: /^verify presentation/, baseline: /^raw:/, min: 0.8 },
  { match: /^(issue|present|verify) /, baseline: /^@sd-jwt/, min: 5 },
  { match: /^(issue|verify) VC-JOSE/, baseline: /^raw /, min: 0.7 },
  { match: /^(issue|verify) DI /, baseline: /^@digitalbazaar/, min: 2 },
  { match: /^exchange, 2 workers/, baseline: /^exchange, 1 worker/, min: 1.6 },
  { match: /^admin offer\+exchange/, baseline: /^goal: /, min: 1 },
  { match: /^bulk issue via POST \/admin\/credentials\/batch/, baseline: /^goal: /, min: 1 },
  { match: /^direct_post, 1 worker/, baseline: /^library verifyVpToken/, min: 0.5 },
  { match: /^direct_post, 2 workers/, baseline: /^direct_post, 1 worker/, min: 1.6 },
];

// Each suite writes its own results file; HAVEN_BENCH_SUITES=jws,sd-jwt picks suites (default: all).
const SUITES: Record<string, () => Promise<Comparison[]>> = {
  jws: benchJws,
  'sd-jwt': benchSdJwt,
  'w3c-jose': benchW3cJose,
  'w3c-di': benchW3cDataIntegrity,
  status: benchStatus,
  'issuer-server': benchIssuerServer,
  'verifier-server': benchVerifierServer,
};
const wanted = (process.env.HAVEN_BENCH_SUITES ?? Object.keys(SUITES).join(',')).split(',');

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(10);
}

const started = new Date();
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
mkdirSync(outDir, { recursive: true });
console.log(`Haven benchmarks — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);

for (const suite of wanted) {
  const run = SUITES[suite];
  if (!run) throw new Error(`unknown benchmark suite: ${suite}`);
  const results = await run();
  console.log(
    `\n[${suite}]\n${'case'.padEnd(36)} ${'ops/s'.padStart(10)}   ${'baseline'.padEnd(44)} ${'ops/s'.padStart(10)}   ratio`,
  );
  for (const r of results) {
    const goal = GOALS.find((g) => g.match.test(r.case) && g.baseline.test(r.baseline));
    const verdict = goal
      ? r.ratio >= goal.min
        ? `  ok (goal ≥ ${goal.min}×)`
        : `  MISS (goal ≥ ${goal.min}×)`
      : '';
    console.log(
      `${r.case.padEnd(36)} ${format(r.opsPerSecond)}   ${r.baseline.padEnd(44)} ${format(r.baselineOpsPerSecond)}   ${r.ratio.toFixed(2)}×${verdict}`,
    );
  }
  const record = { date: started.toISOString(), node: process.version, cpus: cpus().length, suite, results };
  writeFileSync(join(outDir, `latest-${suite}.json`), `${JSON.stringify(record, null, 2)}\n`);
  if (process.argv.includes('--record') || process.env.HAVEN_BENCH_RECORD === '1') {
    writeFileSync(
      join(outDir, `${suite}-${started.toISOString().slice(0, 10)}.json`),
      `${JSON.stringify(record, null, 2)}\n`,
    );
  }
}
console.log('\nresults written to packages/bench/results/latest-<suite>.json');
