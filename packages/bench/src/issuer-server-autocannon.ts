import { createRequire } from 'node:module';

// autocannon ships no types: the part of its API used here, written down once.
interface AutocannonRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly onResponse?: (status: number, body: string) => void;
}

interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly timeout?: number;
  readonly requests: readonly AutocannonRequest[];
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly average: number;
}

interface AutocannonResult {
  /** Seconds. */
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
  /** Milliseconds. */
  readonly latency: Percentiles;
}

const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;

/** One single-request endpoint hammered by autocannon. */
export interface HammerOptions {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly connections: number;
  readonly seconds: number;
  /** Called with every 2xx body (e.g. to keep the offers a create-offer run made). */
  readonly onBody?: (body: string) => void;
}

/** What a hammer run measured. */
export interface HammerResult {
  /** 2xx answers per second. */
  readonly perSecond: number;
  readonly ok: number;
  /** Non-2xx answers, socket errors and timeouts. */
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Runs autocannon (keep-alive connections, no pipelining) against one endpoint for `seconds` and
 * returns the 2xx rate and latency percentiles.
 *
 * @example
 * ```ts
 * const nonce = await hammer({ url, method: 'POST', path: '/nonce', connections: 32, seconds: 4 });
 * ```
 */
export async function hammer(options: HammerOptions): Promise<HammerResult> {
  const { onBody } = options;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    requests: [
      {
        method: options.method,
        path: options.path,
        ...(options.headers === undefined ? {} : { headers: options.headers }),
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(onBody === undefined
          ? {}
          : {
              onResponse: (status: number, body: string) => {
                if (status >= 200 && status < 300) onBody(String(body));
              },
            }),
      },
    ],
  });
  return {
    perSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
