/**
 * Retry policy: which responses are retried, how long to wait (exponential backoff with jitter,
 * or the host's `Retry-After`), and an abortable sleep. Pure except for {@link sleep}.
 * @module
 */

/** Retry settings of a client. */
export interface RetryPolicy {
  /** Retries after the first attempt (so at most `retries + 1` attempts). Default: `3`. */
  readonly retries: number;
  /** Backoff unit: attempt `n` (0-based) waits about `baseDelayMs × 2^n`. Default: `250`. */
  readonly baseDelayMs: number;
  /**
   * Longest wait before a retry. A `Retry-After` longer than this is not waited for: the request
   * fails at once with the status and `retryAfterSeconds`. Default: `30000`.
   */
  readonly maxDelayMs: number;
  /** Source of randomness in [0, 1) for the jitter. Default: `Math.random`. */
  readonly random: () => number;
}

/** Statuses that mean "try again later": 429 Too Many Requests and 503 Service Unavailable. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Methods that may be repeated without changing the outcome (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * Parses a `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, into
 * milliseconds from `now` (never negative). `undefined` when absent or unparsable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Delay before retry number `attempt` (0-based) without a `Retry-After`: exponential backoff
 * capped at `maxDelayMs`, with "equal jitter" (half fixed, half random), so concurrent clients
 * spread out but never retry immediately.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + policy.random() * (ceiling / 2));
}

/**
 * Delay before a retry that the host asked for with `Retry-After`: at least that long, plus up to
 * 10 % (at most 1 s) of jitter. `undefined` when the host asks for longer than `maxDelayMs`.
 */
export function retryAfterDelay(retryAfterMs: number, policy: RetryPolicy): number | undefined {
  if (retryAfterMs > policy.maxDelayMs) return undefined;
  return Math.round(retryAfterMs + policy.random() * Math.min(1000, retryAfterMs * 0.1));
}

/** Waits `ms` milliseconds; rejects with the signal's reason when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
