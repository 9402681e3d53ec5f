import { CliError } from './cli-error.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, y: 365 * 86_400 };

/**
 * Parses a duration such as `90d`, `12h`, `30m`, `3600s` or `1y` into seconds (1 second to 50 years).
 *
 * @example
 * ```ts
 * parseDuration('365d') // 31536000
 * ```
 */
export function parseDuration(text: string): number {
  const match = /^([1-9][0-9]{0,6})([smhdy])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds > 50 * 365 * 86_400) {
    throw new CliError('a duration looks like 90d, 12h, 30m, 3600s or 1y (at most 50 years)');
  }
  return seconds;
}
