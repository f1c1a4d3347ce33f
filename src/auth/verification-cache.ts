import type { LRUCache } from "lru-cache";
import { lruByCount } from "./lru.ts";

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * Bounded cache of successful verifications, each valid until its own expiry (for tokens: `exp`).
 * Bounded by count (`lru-cache`): least recently used entries go first. Default capacity 10,000
 * entries. A hit costs one hash lookup (no reordering of a map), so the hot path of an
 * authenticated request does not pay for the bound.
 */
export class VerificationCache<T> {
  readonly #entries: LRUCache<string, Entry<T>>;

  constructor(capacity = 10_000) {
    this.#entries = lruByCount(capacity);
  }

  /** The cached value while `now` is before its expiry; `expired` once past it (and then forgotten). */
  get(key: string, now: number): { value: T; expired: boolean } | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAt) {
      this.#entries.delete(key);
      return { value: entry.value, expired: true };
    }
    return { value: entry.value, expired: false };
  }

  /** The cached value while `now` is before its expiry, else `undefined`; never drops an entry. */
  peek(key: string, now: number): T | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && now < entry.expiresAt ? entry.value : undefined;
  }

  set(key: string, value: T, expiresAt: number): void {
    this.#entries.set(key, { value, expiresAt });
  }

  /** Entries held (for tests and benchmarks). */
  get size(): number {
    return this.#entries.size;
  }
}
