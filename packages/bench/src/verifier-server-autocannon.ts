import { createRequire } from 'node:module';
import type { PreparedResponse } from './verifier-server-wallet.js';

// autocannon ships no types: the part of its API used here (a request rebuilt by `setupRequest` for
// every send, a fixed number of requests in all).
interface AutocannonRequestParams {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface AutocannonRequest extends AutocannonRequestParams {
  readonly setupRequest: (request: AutocannonRequestParams) => AutocannonRequestParams;
  readonly onResponse?: (status: number, body: string) => void;
}

interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly amount: number;
  readonly timeout?: number;
  readonly requests: readonly AutocannonRequest[];
}

interface AutocannonResult {
  /** Seconds. */
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
  /** Milliseconds. */
  readonly latency: { readonly p50: number; readonly p99: number };
}

const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;

/** What {@link postResponses} measured. */
export interface ResponseRunResult {
  /** 2xx answers per second over the whole run. */
  readonly perSecond: number;
  readonly ok: number;
  /** Non-2xx answers, socket errors and timeouts. */
  readonly failed: number;
  /** The first non-2xx answer: status and the OAuth `error` / Haven `code` of its body (no values). */
  readonly firstFailure?: string;
  /** Prepared responses never handed to autocannon (it builds one request ahead on each connection). */
  readonly unused: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function describeAnswer(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; code?: unknown };
    const code = typeof parsed.code === 'string' ? parsed.code : parsed.error;
    return typeof code === 'string' ? `HTTP ${status} ${code.slice(0, 64)}` : `HTTP ${status}`;
  } catch {
    return `HTTP ${status}`;
  }
}

/**
 * Posts prepared wallet responses with autocannon over `connections` keep-alive loopback connections
 * (no pipelining): each request takes the next unused response (its own transaction, presentation and
 * `state`), so every answer is a real verification, never a replay. Sends `responses.length -
 * connections` requests in all: autocannon builds each connection's next request before it knows the
 * run is over, so the last `connections` responses are kept as that spare. Should the spare ever run
 * out, a response is sent twice; the server refuses it (one response per transaction) and it counts
 * as failed.
 *
 * @example
 * ```ts
 * const r = await postResponses(server.url, responses, 32);
 * console.log(r.perSecond, r.p99Ms);
 * ```
 */
export async function postResponses(
  url: string,
  responses: readonly PreparedResponse[],
  connections: number,
): Promise<ResponseRunResult> {
  const first = responses[0];
  if (first === undefined || responses.length <= 2 * connections) {
    throw new Error('too few prepared responses for the connections');
  }
  let next = 0;
  let firstFailure: string | undefined;
  const result = await autocannon({
    url,
    connections,
    amount: responses.length - connections,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: first.path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        setupRequest: (request) => {
          const response = responses[Math.min(next++, responses.length - 1)] as PreparedResponse;
          return { ...request, path: response.path, body: response.body };
        },
        onResponse: (status, body) => {
          if ((status < 200 || status > 299) && firstFailure === undefined) {
            firstFailure = describeAnswer(status, String(body));
          }
        },
      },
    ],
  });
  return {
    perSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    unused: Math.max(0, responses.length - next),
    seconds: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
