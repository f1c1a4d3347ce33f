import { LRUCache } from "lru-cache";

/**
 * A least-recently-used cache (`lru-cache`) holding at most `max` entries, whose storage grows
 * with use: every entry counts 1 towards `maxSize`. `lru-cache`'s own `max` option allocates its
 * key, value and link arrays for `max` entries up front (about 2.8 MB for 100,000 entries,
 * resident from the start even when the cache stays empty: issue 14); the bound is the same.
 * @param max Largest number of entries kept (at least 1).
 * @param options.ttl Time an entry is kept, ms (`lru-cache`'s `ttl`). Default: until evicted.
 */
export function lruByCount<K extends {}, V extends {}>(
  max: number,
  options: { readonly ttl?: number } = {},
): LRUCache<K, V> {
  return new LRUCache<K, V>({
    maxSize: Math.max(1, Math.floor(max)),
    sizeCalculation: () => 1,
    ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
  });
}
