/**
 * Bounded cache of successful token verifications, valid until each token's `exp`. Insertion
 * order doubles as LRU order (a hit re-inserts). Default capacity 10,000 entries.
 */
export class VerificationCache<T> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** The cached value while `now` is before its expiry; `expired` once past it. */
  get(key: string, now: number): { value: T; expired: boolean } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (now >= entry.expiresAt) return { value: entry.value, expired: true };
    this.#entries.set(key, entry);
    return { value: entry.value, expired: false };
  }

  set(key: string, value: T, expiresAt: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt });
  }

  get size(): number {
    return this.#entries.size;
  }
}
