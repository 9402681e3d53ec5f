import { HavenError } from './errors.js';

/** One step of a verification, as shown to the caller (e.g. `signature`, `typ`, `status`). */
export interface VerifyCheck {
  readonly name: string;
  readonly ok: boolean;
  /** The error code, when the step failed. */
  readonly code?: string;
}

export interface VerifyFailure {
  readonly verified: false;
  readonly error: { readonly code: string; readonly message: string };
  readonly checks: readonly VerifyCheck[];
}

export type VerifySuccess<T extends object> = {
  readonly verified: true;
  readonly checks: readonly VerifyCheck[];
} & T;

/** What high-level verify functions return; low-level primitives throw `HavenError` instead. */
export type VerifyResult<T extends object> = VerifySuccess<T> | VerifyFailure;

/**
 * Records the checks of one verification. `run` records a pass or the failing code and rethrows, so the
 * first failure stops the verification (fail closed) and the report shows how far it got.
 *
 * @example
 * ```ts
 * const result = await verifyWithReport(async (log) => {
 *   const jws = log.run('signature', () => verifyJws(token, opts));
 *   return { claims: jws.payload };
 * });
 * ```
 */
export class CheckLog {
  readonly #checks: VerifyCheck[] = [];

  get checks(): readonly VerifyCheck[] {
    return this.#checks;
  }

  pass(name: string): void {
    this.#checks.push({ name, ok: true });
  }

  run<T>(name: string, step: () => T): T {
    try {
      const value = step();
      this.pass(name);
      return value;
    } catch (error) {
      this.#checks.push({ name, ok: false, code: codeOf(error) });
      throw error;
    }
  }

  async runAsync<T>(name: string, step: () => Promise<T>): Promise<T> {
    try {
      const value = await step();
      this.pass(name);
      return value;
    } catch (error) {
      this.#checks.push({ name, ok: false, code: codeOf(error) });
      throw error;
    }
  }
}

function codeOf(error: unknown): string {
  return error instanceof HavenError ? error.code : 'INTERNAL_ERROR';
}

/**
 * Turns a thrown error into the failure half of a report. Errors that are not `HavenError`s become
 * `INTERNAL_ERROR` with a fixed message, so nothing unexpected (which could hold personal data) leaks out.
 */
export function toVerifyFailure(error: unknown, checks: readonly VerifyCheck[]): VerifyFailure {
  if (error instanceof HavenError) {
    return { verified: false, error: { code: error.code, message: error.message }, checks };
  }
  return {
    verified: false,
    error: { code: 'INTERNAL_ERROR', message: 'verification failed unexpectedly' },
    checks,
  };
}

/** A verification's own result members; `verified`, `error` and `checks` belong to the report. */
export type ReportValue = object & { verified?: never; error?: never; checks?: never };

/** Runs a verification body and returns a report instead of throwing. */
export async function verifyWithReport<T extends ReportValue>(
  body: (log: CheckLog) => T | Promise<T>,
): Promise<VerifyResult<T>> {
  const log = new CheckLog();
  try {
    const pending = body(log);
    // A body that finished synchronously (e.g. every key at hand) is not awaited: that saves a microtask
    // hop per verification. Anything thenable is awaited exactly as before.
    const value = isThenable(pending) ? await pending : pending;
    return { ...value, verified: true, checks: log.checks };
  } catch (error) {
    return toVerifyFailure(error, log.checks);
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Synchronous form of {@link verifyWithReport}. */
export function verifyWithReportSync<T extends ReportValue>(body: (log: CheckLog) => T): VerifyResult<T> {
  const log = new CheckLog();
  try {
    const value = body(log);
    return { ...value, verified: true, checks: log.checks };
  } catch (error) {
    return toVerifyFailure(error, log.checks);
  }
}
