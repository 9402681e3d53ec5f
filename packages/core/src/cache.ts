/**
 * A small least-recently-used map with a hard bound on entries and an optional time to live. The only
 * kind of module-level state Haven allows is a cache like this one: bounded, and holding nothing that a
 * caller could not recompute.
 *
 * @example
 * ```ts
 * const cache = new BoundedCache<string, KeyObject>({ maxEntries: 1000 });
 * cache.set('k', key); cache.get('k');
 * ```
 */
export class BoundedCache<K, V> {
  readonly #map = new Map<K, { value: V; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { maxEntries: number; ttlMs?: number; now?: () => number }) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
    this.#maxEntries = options.maxEntries;
    this.#ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    // Entries without a time to live skip the clock read: this runs on every key import on hot paths.
    if (entry.expiresAt !== Number.POSITIVE_INFINITY && entry.expiresAt <= this.#now()) {
      this.#map.delete(key);
      return undefined;
    }
    // Re-insert so iteration order tracks recency; the oldest entry is evicted first.
    this.#map.delete(key);
    this.#map.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, ttlMs: number = this.#ttlMs): void {
    this.#map.delete(key);
    if (this.#map.size >= this.#maxEntries) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, { value, expiresAt: this.#now() + ttlMs });
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }
}
