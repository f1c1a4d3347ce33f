import { LruMap } from "./lru.ts";

/**
 * Bounded cache of successful verifications, each valid until its own expiry (for tokens: `exp`).
 * Least recently used entries go first. Default capacity 10,000 entries.
 */
export class VerificationCache<T> {
  readonly #entries: LruMap<string, { value: T; expiresAt: number }>;

  constructor(capacity = 10_000) {
    this.#entries = new LruMap(capacity);
  }

  /** The cached value while `now` is before its expiry; `expired` once past it (and then forgotten). */
  get(key: string, now: number): { value: T; expired: boolean } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (now >= entry.expiresAt) {
      this.#entries.delete(key);
      return { value: entry.value, expired: true };
    }
    return { value: entry.value, expired: false };
  }

  set(key: string, value: T, expiresAt: number): void {
    this.#entries.set(key, { value, expiresAt });
  }
}
