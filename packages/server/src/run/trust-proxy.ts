import { isIP } from 'node:net';
import { failRun } from './run-errors.js';

/** What express's `trust proxy` is set to: a hop count, or a list of addresses, CIDRs and named ranges. */
export type TrustProxySetting = number | readonly string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const MAX_HOPS = 16;

function isTrustedEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^[0-9]{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Checks an operator's `trust proxy` value (`--trust-proxy`, `HAVEN_TRUST_PROXY`): a hop count from 0 to
 * 16, or comma-separated addresses, CIDRs and the names `loopback`, `linklocal`, `uniquelocal`. `true`
 * (trust every hop) is refused: any client could then choose its own address, and with it its
 * rate-limit key. `false` and the empty string mean off (0 hops).
 *
 * @example
 * ```ts
 * parseTrustProxy('loopback, 10.0.0.0/8') // ['loopback', '10.0.0.0/8']
 * parseTrustProxy('1')                    // 1
 * ```
 */
export function parseTrustProxy(value: unknown): TrustProxySetting {
  if (value === false || value === '' || value === 'false') return 0;
  if (typeof value === 'number' || (typeof value === 'string' && /^[0-9]{1,2}$/.test(value.trim()))) {
    const hops = Number(value);
    if (!Number.isInteger(hops) || hops < 0 || hops > MAX_HOPS) {
      failRun('SERVER_RUN_CONFIG_INVALID', `trust proxy hop counts are from 0 to ${MAX_HOPS}`);
    }
    return hops;
  }
  const entries =
    typeof value === 'string'
      ? value.split(',').map((entry) => entry.trim())
      : Array.isArray(value) && value.every((entry) => typeof entry === 'string')
        ? value.map((entry: string) => entry.trim())
        : undefined;
  if (
    entries === undefined ||
    entries.length === 0 ||
    entries.length > 64 ||
    !entries.every(isTrustedEntry)
  ) {
    failRun(
      'SERVER_RUN_CONFIG_INVALID',
      'trust proxy must be a hop count or comma-separated addresses, CIDRs, loopback, linklocal or uniquelocal (never true)',
    );
  }
  return Object.freeze(entries);
}
