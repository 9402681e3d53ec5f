import { Agent, request } from 'node:http';
import { type GuardedFetch, type GuardedRequest, type GuardedResponse, parseStrictJson } from '@haven/core';

/** A keep-alive fetcher for the load generator, and how to let its sockets go. */
export interface LoopbackFetch {
  readonly fetch: GuardedFetch;
  /** Closes every pooled socket (call before the server it talks to is stopped or replaced). */
  close(): void;
}

const LOOPBACK_HTTP = /^http:\/\/127\.0\.0\.1:\d{1,5}\//;

function headerRecord(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * The wallet client's `fetch` for the benchmark: plain HTTP to 127.0.0.1 over a keep-alive agent with
 * `maxSockets` pooled connections. core's guarded fetcher opens a connection per request and resolves
 * and checks every address, which is right for a wallet and wrong for a load generator whose own cost
 * must stay small next to the server's; this one talks to the loopback server under test and nothing
 * else (any other URL is refused).
 *
 * @example
 * ```ts
 * const http = createLoopbackFetch(32);
 * const nonce = await requestNonce({ fetch: http.fetch, allowHttpLoopback: true, nonceEndpoint });
 * http.close();
 * ```
 */
export function createLoopbackFetch(maxSockets: number): LoopbackFetch {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const fetch: GuardedFetch = (input: GuardedRequest | string) => {
    const req: GuardedRequest = typeof input === 'string' ? { url: input } : input;
    if (!LOOPBACK_HTTP.test(req.url)) {
      return Promise.reject(new Error('the benchmark fetcher only talks to http://127.0.0.1'));
    }
    return new Promise<GuardedResponse>((resolve, reject) => {
      const body = req.body === undefined ? undefined : Buffer.from(req.body);
      const headers: Record<string, string | number> = { ...req.headers };
      if (body !== undefined) headers['content-length'] = body.byteLength;
      const outgoing = request(req.url, { method: req.method ?? 'GET', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = new Uint8Array(Buffer.concat(chunks));
          resolve({
            status: res.statusCode ?? 0,
            url: req.url,
            headers: headerRecord(res.headers),
            body: bytes,
            json: (options) => parseStrictJson(bytes, options),
            text: () => Buffer.from(bytes).toString('utf8'),
          });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };
  return { fetch, close: () => agent.destroy() };
}
