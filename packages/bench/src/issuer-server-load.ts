/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Operations in flight at once. */
  readonly concurrency: number;
  /** How long to run (ms); every operation that completes inside counts. */
  readonly durationMs: number;
  /**
   * One operation (e.g. a whole issuance exchange). Returns `false` when there is nothing left to do
   * (e.g. no offer left): that loop stops and the run ends when all have stopped.
   */
  readonly operation: () => Promise<boolean>;
}

/** What a {@link runLoad} measured. */
export interface LoadResult {
  /** Operations completed per second. */
  readonly perSecond: number;
  readonly completed: number;
  readonly failed: number;
  /** The first failure's error code (or message), to say why. */
  readonly firstFailure?: string;
  /** Wall-clock seconds the run took. */
  readonly seconds: number;
  /** Whether it ended early because the operations ran out of work. */
  readonly exhausted: boolean;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The `q` quantile (0..1) of ascending values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

function describeFailure(error: unknown): string {
  const e = error as { code?: unknown; details?: { error?: unknown; status?: unknown } };
  if (typeof e?.code === 'string') {
    const oauth = typeof e.details?.error === 'string' ? ` ${e.details.error}` : '';
    const status = typeof e.details?.status === 'number' ? ` (HTTP ${e.details.status})` : '';
    return `${e.code}${oauth}${status}`;
  }
  return error instanceof Error ? error.message : 'unknown failure';
}

/**
 * A closed-loop load generator: `concurrency` async loops each run `operation` back to back for
 * `durationMs`. Throughput counts operations that completed inside the window, latency is each
 * operation's own wall time (p50/p99 by nearest rank). A failed operation is counted, never retried.
 *
 * @example
 * ```ts
 * const r = await runLoad({ concurrency: 32, durationMs: 6_000, operation: () => exchangeOnce() });
 * console.log(r.perSecond, r.p99Ms);
 * ```
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  let exhausted = false;
  const start = performance.now();
  const end = start + options.durationMs;
  const loop = async () => {
    while (!exhausted && performance.now() < end) {
      const t0 = performance.now();
      try {
        if (!(await options.operation())) {
          exhausted = true;
          return;
        }
        const t1 = performance.now();
        if (t1 <= end) latencies.push(t1 - t0);
      } catch (error) {
        failed += 1;
        firstFailure ??= describeFailure(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = (Math.min(performance.now(), end) - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    completed: latencies.length,
    failed,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    seconds,
    exhausted,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  };
}
