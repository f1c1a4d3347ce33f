/**
 * In-memory token-bucket rate limiter for abuse controls (`POST /auth/token` per client id and per
 * source address). One bucket per key: it holds up to `perMinute` tokens (the burst) and refills at
 * `perMinute` per minute; a request takes one token. Memory is bounded: the least recently used
 * keys are forgotten beyond `maxKeys` (a forgotten key starts again with a full bucket). Per process:
 * several instances behind a load balancer each apply the limit.
 */

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Requests allowed per key and minute (also the burst size); 0 turns the limiter off. */
  readonly perMinute: number;
  /** Keys tracked at most (least recently used forgotten). Default 100,000. */
  readonly maxKeys?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** The verdict on one request. */
export type RateDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false /** Whole seconds until one more request is allowed (≥ 1). */;
      readonly retryAfterSeconds: number;
    };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const ALLOWED: RateDecision = { allowed: true };

export class RateLimiter {
  readonly #capacity: number;
  /** Tokens per millisecond. */
  readonly #rate: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    if (!Number.isFinite(options.perMinute) || options.perMinute < 0)
      throw new RangeError("perMinute must be a non-negative number");
    this.#capacity = options.perMinute;
    this.#rate = options.perMinute / 60_000;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** False when constructed with `perMinute: 0` (every request allowed). */
  get enabled(): boolean {
    return this.#capacity > 0;
  }

  /** Takes one token from `key`'s bucket, or says how long to wait. */
  take(key: string): RateDecision {
    if (this.#capacity === 0) return ALLOWED;
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key);
      bucket.tokens = Math.min(
        this.#capacity,
        bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.#rate,
      );
      bucket.updatedAt = now;
    } else {
      bucket = { tokens: this.#capacity, updatedAt: now };
      if (this.#buckets.size >= this.#maxKeys) {
        const oldest = this.#buckets.keys().next();
        if (!oldest.done) this.#buckets.delete(oldest.value);
      }
    }
    // Re-inserted last: Map order is the LRU order.
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return ALLOWED;
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#rate / 1000)),
    };
  }

  /** Keys currently tracked (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }
}
