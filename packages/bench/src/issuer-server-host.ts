// The server side of the issuer-server benchmark, in its own process: the benchmark forks this script,
// sends it the `startServer` options over IPC and drives the load from its own process. With several
// workers this process is the cluster primary, and `node:cluster` re-runs this same script in every
// worker, where `startServer` sees that it is a worker and serves.
import cluster from 'node:cluster';
import { appendFileSync } from 'node:fs';
import { createServerLogger, type RunningServer, startServer } from '@haven/server';
import { type HostMessage, type HostStartOptions, SERVER_ERROR_LOG_ENV } from './issuer-server-protocol.js';

// Request logs are produced as in production (one JSON line per request) but not written anywhere:
// the benchmark measures the server, not the terminal. Lines above `info` (warnings, failed requests)
// and 5xx request lines are appended to the file the benchmark names, which it summarises afterwards.
const errorLog = process.env[SERVER_ERROR_LOG_ENV];
const logger = createServerLogger({
  level: 'info',
  destination: {
    write: (line: string) => {
      // Request lines are info; a 5xx one is kept too, for its route.
      if (line.startsWith('{"level":30') && !line.includes('"status":5')) return;
      if (errorLog === undefined) process.stderr.write(line);
      else appendFileSync(errorLog, line.endsWith('\n') ? line : `${line}\n`);
    },
  },
});

function send(message: HostMessage): void {
  if (process.connected) process.send?.(message);
}

function isStart(message: unknown): message is { type: 'start'; options: HostStartOptions } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'start' &&
    typeof (message as { options?: unknown }).options === 'object'
  );
}

async function serveAsPrimary(): Promise<void> {
  let running: RunningServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await running?.stop();
      send({ type: 'stopped' });
      if (process.connected) process.disconnect();
      // Nothing should be left, but a stray handle must not keep a benchmark child alive.
      setTimeout(() => process.exit(0), 2_000).unref();
    })();
    return stopping;
  };
  process.on('message', (message: unknown) => {
    if (isStart(message)) {
      startServer({ ...message.options, logger, env: {} }).then(
        (started) => {
          running = started;
          const workerPids = Object.values(cluster.workers ?? {}).flatMap((w) =>
            w?.process.pid === undefined ? [] : [w.process.pid],
          );
          send({ type: 'ready', url: started.url, role: started.role, pids: [process.pid, ...workerPids] });
        },
        (error: unknown) => {
          const code = (error as { code?: unknown }).code;
          send({
            type: 'failed',
            code: typeof code === 'string' ? code : 'UNEXPECTED',
            message: error instanceof Error ? error.message : 'startServer failed',
          });
          process.exitCode = 1;
          if (process.connected) process.disconnect();
        },
      );
    } else if ((message as { type?: unknown }).type === 'stop') {
      void stop();
    }
  });
  // The benchmark went away (finished, crashed or interrupted): stop, so no server outlives it.
  process.once('disconnect', () => void stop());
}

if (cluster.isWorker) {
  // Options other than the logger come from the primary through the worker environment.
  await startServer({ logger, env: {} });
} else {
  await serveAsPrimary();
}
