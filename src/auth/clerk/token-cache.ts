/**
 * Per-credential token cache and single-flight. Keys are HMACs of the credentials (and of what
 * else shapes the token) with a per-process random key, never the plaintext. A token is served
 * while enough of its lifetime remains; concurrent requests for one key share one load.
 */
import type { LRUCache } from "lru-cache";
import { lruByCount } from "../lru.ts";

/** A token as cached: the text and its validity in ms since the epoch. */
export interface CachedToken {
  readonly accessToken: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Options of {@link TokenCache}. */
export interface TokenCacheOptions {
  /** Entries kept (least recently used evicted); 0 disables caching. Default 10,000. */
  readonly capacity?: number;
  /** Serve a token only while at least this many seconds remain (and at least half its lifetime). Default 300. */
  readonly minRemainingSeconds?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** A cache hit: the token and its remaining lifetime in whole seconds (≥ 1). */
export interface TokenHit {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
}

export class TokenCache {
  readonly #entries: LRUCache<string, CachedToken> | undefined;
  readonly #minRemainingMs: number;
  readonly #now: () => number;

  constructor(options: TokenCacheOptions = {}) {
    const capacity = options.capacity ?? 10_000;
    this.#entries = capacity > 0 ? lruByCount(capacity) : undefined;
    this.#minRemainingMs = (options.minRemainingSeconds ?? 300) * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** The cached token while enough lifetime remains: `min(minRemainingSeconds, lifetime / 2)`. */
  get(key: string): TokenHit | undefined {
    const entry = this.#entries?.get(key);
    if (!entry) return undefined;
    const now = this.#now();
    const remaining = entry.expiresAt - now;
    const threshold = Math.min(this.#minRemainingMs, (entry.expiresAt - entry.issuedAt) / 2);
    if (remaining <= 0 || remaining < threshold) {
      this.#entries?.delete(key);
      return undefined;
    }
    return { accessToken: entry.accessToken, expiresInSeconds: Math.max(1, Math.floor(remaining / 1000)) };
  }

  set(key: string, token: CachedToken): void {
    this.#entries?.set(key, token);
  }

  get size(): number {
    return this.#entries?.size ?? 0;
  }
}

/** Runs at most one load per key at a time; callers that arrive meanwhile share its outcome. */
export class SingleFlight<T> {
  readonly #pending = new Map<string, Promise<T>>();

  run(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.#pending.get(key);
    if (pending) return pending;
    // Deferred start: the entry exists before `load` runs, so even a synchronous throw clears it.
    const p = Promise.resolve()
      .then(load)
      .finally(() => this.#pending.delete(key));
    this.#pending.set(key, p);
    return p;
  }

  /** Loads in flight. */
  get size(): number {
    return this.#pending.size;
  }
}
