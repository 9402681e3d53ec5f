// What the benchmark and its server host process (issuer-server-host.ts) say to each other over IPC.
import type { StartServerOptions } from '@haven/server';

/** The environment variable naming the file where the server's processes append log lines above `info`. */
export const SERVER_ERROR_LOG_ENV = 'HAVEN_BENCH_SERVER_ERROR_LOG';

/** The `startServer` options the benchmark chooses (the host adds its logger). */
export type HostStartOptions = Required<
  Pick<
    StartServerOptions,
    'host' | 'port' | 'publicUrl' | 'dataDir' | 'dbUrl' | 'adminToken' | 'workers' | 'httpLimits'
  >
>;

/** Benchmark → host. */
export type BenchMessage = { type: 'start'; options: HostStartOptions } | { type: 'stop' };

/** Host → benchmark. */
export type HostMessage =
  | {
      type: 'ready';
      url: string;
      role: string;
      /** The host first, then its cluster workers: whose CPU time is the server's. */
      pids: number[];
    }
  | { type: 'failed'; code: string; message: string }
  | { type: 'stopped' };
