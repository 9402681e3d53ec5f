import type { Clock } from '@haven/core';
import type { DidResolver } from '@haven/did';

/** What every Haven method of the plugin shares: set once when the plugin is created. */
export interface HavenPluginConfig {
  /**
   * Haven's DID resolver, used for every key a method looks up — deliberately not the agent's resolver:
   * Haven checks relationships, controllers and key types more strictly.
   */
  readonly dids: DidResolver;
  /** Time for `iat`, KB-JWTs and every validity check. */
  readonly clock: Clock;
  /** Publish credentials under another `vct` base (default `https://haven.example/vct`). */
  readonly vctBase?: string;
}
