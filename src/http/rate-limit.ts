/**
 * In-memory token-bucket rate limiter for abuse controls (`POST /auth/token` per source address,
 * and failed client authentications per client id and address). One bucket per key: it holds up
 * to `perMinute` tokens (the burst) and refills at `perMinute` per minute; a request takes one
 * token. Memory is bounded by count (`lru-cache`): the least recently used keys are forgotten
 * beyond `maxKeys` (a forgotten key starts again with a full bucket). Per process: several
 * instances behind a load balancer each apply the limit.
 */
import type { LRUCache } from "lru-cache";
import { lruByCount } from "../auth/lru.ts";

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
  readonly #now: () => number;
  readonly #buckets: LRUCache<string, Bucket>;

  constructor(options: RateLimiterOptions) {
    if (!Number.isFinite(options.perMinute) || options.perMinute < 0)
      throw new RangeError("perMinute must be a non-negative number");
    this.#capacity = options.perMinute;
    this.#rate = options.perMinute / 60_000;
    this.#now = options.now ?? Date.now;
    this.#buckets = lruByCount(options.maxKeys ?? 100_000);
  }

  /** False when constructed with `perMinute: 0` (every request allowed). */
  get enabled(): boolean {
    return this.#capacity > 0;
  }

  /** The key's bucket, refilled up to now (created full), marked most recently used. */
  #bucket(key: string): Bucket {
    const now = this.#now();
    const bucket = this.#buckets.get(key);
    if (!bucket) {
      const fresh = { tokens: this.#capacity, updatedAt: now };
      this.#buckets.set(key, fresh);
      return fresh;
    }
    bucket.tokens = Math.min(
      this.#capacity,
      bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.#rate,
    );
    bucket.updatedAt = now;
    return bucket;
  }

  /** Takes one token from `key`'s bucket, or says how long to wait. */
  take(key: string): RateDecision {
    if (this.#capacity === 0) return ALLOWED;
    const bucket = this.#bucket(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return ALLOWED;
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#rate / 1000)),
    };
  }

  /**
   * Gives back a token taken by {@link take} (the request turned out not to count, e.g. it
   * authenticated). Never fills a bucket beyond its burst; a forgotten key stays forgotten.
   */
  refund(key: string): void {
    if (this.#capacity === 0) return;
    const bucket = this.#buckets.peek(key);
    if (bucket) bucket.tokens = Math.min(this.#capacity, bucket.tokens + 1);
  }

  /** Keys currently tracked (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }
}
