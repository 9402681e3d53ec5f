import { readdirSync, readFileSync } from 'node:fs';

// Linux exposes per-process CPU time in clock ticks of USER_HZ, which is 100 on every mainstream kernel.
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far, by group, and when that was read. */
export interface CpuSnapshot {
  readonly atNs: bigint;
  /** This process: the load generator (wallet client, autocannon). */
  readonly client: number;
  /** The server's processes (host / cluster primary and workers). */
  readonly server: number | undefined;
  /** Every process named `postgres` (the database server's backends). */
  readonly database: number | undefined;
  /** The whole machine's busy time (all cores, idle and iowait excluded). */
  readonly machine: number | undefined;
}

/** Average cores busy over a window, by group (`undefined` where /proc could not tell). */
export interface CpuShare {
  /** Length of the window (wall-clock seconds). */
  readonly seconds: number;
  readonly client: number;
  readonly server: number | undefined;
  readonly database: number | undefined;
  readonly machine: number | undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat). */
function processSeconds(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SECOND : undefined;
}

function sumSeconds(pids: readonly number[]): number | undefined {
  let total = 0;
  let seen = false;
  for (const pid of pids) {
    const seconds = processSeconds(pid);
    if (seconds !== undefined) {
      total += seconds;
      seen = true;
    }
  }
  return seen ? total : undefined;
}

function postgresPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((name) => /^\d+$/.test(name) && readText(`/proc/${name}/comm`)?.trim() === 'postgres')
    .map(Number);
}

/** Busy seconds of all cores from the first line of /proc/stat. */
function machineSeconds(): number | undefined {
  const line = readText('/proc/stat')?.split('\n', 1)[0];
  if (line === undefined || !line.startsWith('cpu ')) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (total - idle) / TICKS_PER_SECOND;
}

/**
 * Reads the CPU time used so far by this process, the server's processes and PostgreSQL, and the whole
 * machine's busy time. Where /proc is missing (not Linux) only this process's own time is known.
 *
 * @example
 * ```ts
 * const before = takeCpuSnapshot(server.pids);
 * await runLoad();
 * const share = cpuShareBetween(before, takeCpuSnapshot(server.pids));
 * ```
 */
export function takeCpuSnapshot(serverPids: readonly number[]): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    atNs: process.hrtime.bigint(),
    client: (usage.user + usage.system) / 1e6,
    server: sumSeconds(serverPids),
    database: sumSeconds(postgresPids()),
    machine: machineSeconds(),
  };
}

function delta(a: number | undefined, b: number | undefined, seconds: number): number | undefined {
  return a === undefined || b === undefined ? undefined : Math.max(0, b - a) / seconds;
}

/**
 * Cores used on average between two snapshots, per group. PostgreSQL backends that started inside the
 * window count with their whole life, and ones that ended inside it are missed: an approximation.
 *
 * @example
 * ```ts
 * cpuShareBetween(before, after).client // e.g. 0.4: the load generator kept 0.4 cores busy
 * ```
 */
export function cpuShareBetween(before: CpuSnapshot, after: CpuSnapshot): CpuShare {
  const seconds = Number(after.atNs - before.atNs) / 1e9;
  return {
    seconds,
    client: Math.max(0, after.client - before.client) / seconds,
    server: delta(before.server, after.server, seconds),
    database: delta(before.database, after.database, seconds),
    machine: delta(before.machine, after.machine, seconds),
  };
}
