import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchJws, type Comparison } from './jws.js';

// Goals from the issues; a ratio below its goal is printed as MISS (the run still completes: timing
// belongs in benchmarks, never in tests, and one noisy run must not fail CI).
const GOALS: { match: RegExp; baseline: RegExp; min: number }[] = [
  { match: /@haven\/core/, baseline: /^raw node:crypto/, min: 0.8 },
];

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(10);
}

const started = new Date();
const results: Comparison[] = await benchJws();

console.log(`Haven benchmarks — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
console.log(
  `${'case'.padEnd(34)} ${'ops/s'.padStart(10)}   ${'baseline'.padEnd(32)} ${'ops/s'.padStart(10)}   ratio`,
);
for (const r of results) {
  const goal = GOALS.find((g) => g.match.test(r.case) && g.baseline.test(r.baseline));
  const verdict = goal
    ? r.ratio >= goal.min
      ? `  ok (goal ≥ ${goal.min}×)`
      : `  MISS (goal ≥ ${goal.min}×)`
    : '';
  console.log(
    `${r.case.padEnd(34)} ${format(r.opsPerSecond)}   ${r.baseline.padEnd(32)} ${format(r.baselineOpsPerSecond)}   ${r.ratio.toFixed(2)}×${verdict}`,
  );
}

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
mkdirSync(outDir, { recursive: true });
const record = { date: started.toISOString(), node: process.version, cpus: cpus().length, results };
writeFileSync(join(outDir, 'latest-jws.json'), `${JSON.stringify(record, null, 2)}\n`);
if (process.argv.includes('--record') || process.env.HAVEN_BENCH_RECORD === '1') {
  writeFileSync(
    join(outDir, `jws-${started.toISOString().slice(0, 10)}.json`),
    `${JSON.stringify(record, null, 2)}\n`,
  );
}
console.log(`\nresults written to ${join('packages/bench/results', 'latest-jws.json')}`);
