import { createServer, type RequestListener, type Server } from 'node:http';

/** Socket-level limits of the HTTP server: slow clients and floods end here, before express. */
export interface ServerLimits {
  /** Time to receive the complete request headers (ms, default 10,000): slow-drip headers are cut off. */
  readonly headersTimeoutMs?: number;
  /** Time to receive the complete request, body included (ms, default 30,000). */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open (ms, default 5,000). */
  readonly keepAliveTimeoutMs?: number;
  /** Most header fields in a request (default 100). */
  readonly maxHeadersCount?: number;
  /** Largest header section in bytes (default 16 KiB). */
  readonly maxHeaderSize?: number;
  /** Most open connections per process (default 1,024); more are refused at accept. */
  readonly maxConnections?: number;
  /** Most requests served on one keep-alive connection (default 1,000). */
  readonly maxRequestsPerSocket?: number;
  /** How often the timeouts above are checked (ms, default 1,000). */
  readonly connectionsCheckingIntervalMs?: number;
}

/** The defaults of {@link ServerLimits}. */
export const DEFAULT_SERVER_LIMITS: Required<ServerLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeadersCount: 100,
  maxHeaderSize: 16 * 1024,
  maxConnections: 1024,
  maxRequestsPerSocket: 1000,
  connectionsCheckingIntervalMs: 1_000,
});

function resolveLimits(limits: ServerLimits): Required<ServerLimits> {
  const resolved = { ...DEFAULT_SERVER_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`server limit ${name} must be a positive integer`);
  }
  // Node requires headersTimeout <= requestTimeout.
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new RangeError('headersTimeoutMs must not exceed requestTimeoutMs');
  }
  return resolved;
}

/**
 * Creates the HTTP server for the app with every socket limit set: header and request timeouts (a client
 * sending one byte a second is dropped), keep-alive timeout, header count and size caps, a connection cap
 * and a cap on requests per connection.
 *
 * @example
 * ```ts
 * const server = createLimitedServer(app, { requestTimeoutMs: 20_000 });
 * server.listen(8080, '127.0.0.1');
 * ```
 */
export function createLimitedServer(listener: RequestListener, limits: ServerLimits = {}): Server {
  const l = resolveLimits(limits);
  const server = createServer(
    {
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      maxHeaderSize: l.maxHeaderSize,
      connectionsCheckingInterval: l.connectionsCheckingIntervalMs,
      requireHostHeader: true,
    },
    listener,
  );
  server.maxHeadersCount = l.maxHeadersCount;
  server.maxConnections = l.maxConnections;
  server.maxRequestsPerSocket = l.maxRequestsPerSocket;
  // Idle sockets (no request in flight, nothing being sent) are closed after this.
  server.timeout = l.requestTimeoutMs * 2;
  return server;
}
