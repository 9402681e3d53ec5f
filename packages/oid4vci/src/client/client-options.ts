import type { GuardedFetch } from '@haven/core';

/** What every wallet-side call that talks to an issuer needs. */
export interface Oid4vciClientOptions {
  /** The SSRF-guarded fetcher from `@haven/core` (`createGuardedFetch`); the only way out to the network. */
  readonly fetch: GuardedFetch;
  /**
   * For tests and local development only: accept `http://` URLs whose host is a loopback address
   * (`localhost`, 127.0.0.0/8, `[::1]`). Give the guarded fetcher the same flag. Default false.
   */
  readonly allowHttpLoopback?: boolean;
}
