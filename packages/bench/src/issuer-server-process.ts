import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  type BenchMessage,
  type HostMessage,
  type HostStartOptions,
  SERVER_ERROR_LOG_ENV,
} from './issuer-server-protocol.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** A server running in its own process(es), started by {@link startServerProcess}. */
export interface ServerProcess {
  /** Where it listens (also its Credential Issuer Identifier). */
  readonly url: string;
  /** `single` (1 worker, serving in the host process) or `primary` (the host forked the workers). */
  readonly role: string;
  /** The host process and its cluster workers. */
  readonly pids: readonly number[];
  /** Stops gracefully; kills whatever is left after a grace period. Idempotent. */
  stop(): Promise<void>;
  /** What the server logged above `info` (and 5xx answers), counted by error code or route (after `stop`). */
  loggedProblems(): Map<string, number>;
}

/**
 * What a pino line is about: `POST /credential → 500` for a request line, else `error.code`, else
 * `error.type`, else the message; `unreadable` if it is not JSON.
 */
function problemOf(line: string): string {
  try {
    const entry = JSON.parse(line) as {
      msg?: unknown;
      method?: unknown;
      route?: unknown;
      status?: unknown;
      error?: { code?: unknown; type?: unknown };
    };
    if (entry.msg === 'request') return `${entry.method} ${entry.route} → ${entry.status}`;
    const code = entry.error?.code ?? entry.error?.type ?? entry.msg;
    return typeof code === 'string' ? code : 'unknown';
  } catch {
    return 'unreadable';
  }
}

function readProblems(path: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(path)) return counts;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const problem = problemOf(line);
    counts.set(problem, (counts.get(problem) ?? 0) + 1);
  }
  return counts;
}

/** A free TCP port on 127.0.0.1 (bound and released; the server binds it again right after). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Kills the host and any worker it left behind, by process id (only processes this benchmark started). */
function killAll(child: ChildProcess, pids: readonly number[]): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of pids) {
    if (pid !== child.pid && isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone in between.
      }
    }
  }
}

/**
 * Starts the Haven server with `startServer` in a separate host process (issuer-server-host.ts), so
 * that the load generator never shares a process with it: with one worker the host serves itself, with
 * more it is the cluster primary of `workers` forked workers. The host inherits this process's
 * `execArgv` (tsx and the `@haven/source` condition). Log lines above `info` go to `errorLogPath`. On
 * any failure everything started is killed.
 *
 * @example
 * ```ts
 * const server = await startServerProcess({ host: '127.0.0.1', port, publicUrl, dataDir, dbUrl, adminToken, workers: 2, httpLimits }, logPath);
 * try { … } finally { await server.stop(); }
 * ```
 */
export async function startServerProcess(
  options: HostStartOptions,
  errorLogPath: string,
): Promise<ServerProcess> {
  const self = fileURLToPath(import.meta.url);
  const hostScript = self.replace(/issuer-server-process\.(ts|js)$/, 'issuer-server-host.$1');
  const child = fork(hostScript, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [SERVER_ERROR_LOG_ENV]: errorLogPath },
  });
  let pids: readonly number[] = child.pid === undefined ? [] : [child.pid];
  const messages: HostMessage[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (message: HostMessage) => {
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  child.on('exit', () => {
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (type: HostMessage['type'], ms: number): Promise<HostMessage | undefined> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = messages.find((m) => m.type === type || m.type === 'failed');
      if (found !== undefined) return found;
      if (child.exitCode !== null || child.signalCode !== null || Date.now() >= deadline) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  const send = (message: BenchMessage) => {
    if (child.connected) child.send(message);
  };

  send({ type: 'start', options });
  const ready = await next('ready', START_TIMEOUT_MS);
  if (ready?.type !== 'ready') {
    killAll(child, pids);
    const why = ready?.type === 'failed' ? `${ready.code}: ${ready.message}` : 'no answer in time';
    throw new Error(`the server (${options.workers} workers) did not start: ${why}`);
  }
  pids = ready.pids;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      send({ type: 'stop' });
      // A graceful stop ends the workers before the host; only a stuck one is killed.
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
        killAll(child, pids);
        await waitForExit(child, 5_000);
      }
    })();
    return stopping;
  };
  return { url: ready.url, role: ready.role, pids, stop, loggedProblems: () => readProblems(errorLogPath) };
}
