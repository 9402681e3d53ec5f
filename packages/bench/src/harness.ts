/**
 * A small in-process benchmark harness. Cases are measured in interleaved rounds (A, B, C, A, B, C, …)
 * so that a slow moment of the machine hits every case alike, and the median round is reported.
 */
export interface BenchCase {
  name: string;
  /** One operation; may be async (then each call is awaited, as a caller would). */
  run: () => unknown;
}

export interface BenchResult {
  name: string;
  /** Median over rounds. */
  opsPerSecond: number;
  /** Ops/s of each round, in round order (round i of every case ran back to back). */
  rounds: number[];
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Ratio of two cases measured by {@link measure}: the median of the per-round ratios. Cases of one round
 * run back to back, so a slow spell of the machine slows both sides of each ratio; this is steadier than
 * dividing the two medians.
 */
export function ratioOf(a: BenchResult, b: BenchResult): number {
  return median(a.rounds.map((ops, i) => ops / (b.rounds[i] as number)));
}

const ROUND_MS = 100;

async function timeBatch(c: BenchCase, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const r = c.run();
    if (r instanceof Promise) await r;
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function calibrate(c: BenchCase): Promise<number> {
  let iterations = 16;
  for (;;) {
    const ms = await timeBatch(c, iterations);
    if (ms >= ROUND_MS / 4) return Math.max(1, Math.round((iterations * ROUND_MS) / ms));
    iterations *= 4;
  }
}

export async function measure(cases: readonly BenchCase[], rounds = 11): Promise<BenchResult[]> {
  const iterations = new Map<BenchCase, number>();
  for (const c of cases) {
    await timeBatch(c, 64); // warm-up: JIT and key caches
    iterations.set(c, await calibrate(c));
  }
  const samples = new Map<BenchCase, number[]>(cases.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const n = iterations.get(c) as number;
      const ms = await timeBatch(c, n);
      samples.get(c)?.push((n * 1000) / ms);
    }
  }
  return cases.map((c) => {
    const perRound = samples.get(c) ?? [];
    return { name: c.name, opsPerSecond: median(perRound), rounds: perRound };
  });
}

/** One Haven case and the baselines it is compared with, measured together. */
export interface ComparisonSet {
  haven: BenchCase;
  baselines: BenchCase[];
}

/** A Haven case's result next to one baseline. */
export interface Comparison {
  case: string;
  opsPerSecond: number;
  baseline: string;
  baselineOpsPerSecond: number;
  ratio: number;
}

/** Measures each set (its cases interleaved) and returns Haven's ratio against every baseline. */
export async function compare(sets: readonly ComparisonSet[]): Promise<Comparison[]> {
  const comparisons: Comparison[] = [];
  for (const set of sets) {
    const [haven, ...baselines] = await measure([set.haven, ...set.baselines]);
    if (!haven) throw new Error('benchmark produced no result');
    for (const base of baselines) {
      comparisons.push({
        case: haven.name,
        opsPerSecond: haven.opsPerSecond,
        baseline: base.name,
        baselineOpsPerSecond: base.opsPerSecond,
        ratio: ratioOf(haven, base),
      });
    }
  }
  return comparisons;
}
