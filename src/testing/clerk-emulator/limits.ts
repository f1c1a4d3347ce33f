/** Per-IP sliding-window rate limit on sign-ins and per-user password lockout. Times in ms. */

/** Outcome of {@link SlidingWindowLimiter.hit}. */
export type LimitDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Allows `max` hits per key within any `windowMs`; refused hits are not counted. */
export class SlidingWindowLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #hits = new Map<string, number[]>();

  constructor(max: number, windowMs: number) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  hit(key: string, now: number): LimitDecision {
    const recent = (this.#hits.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    if (recent.length >= this.#max) {
      this.#hits.set(key, recent);
      const oldest = recent[0] ?? now;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.#windowMs - now) / 1000)),
      };
    }
    recent.push(now);
    this.#hits.set(key, recent);
    return { allowed: true };
  }

  reset(): void {
    this.#hits.clear();
  }
}

/** Lock state of one user. */
export type LockState =
  | { readonly locked: false; readonly attemptsRemaining: number | null }
  | {
      readonly locked: true;
      readonly expiresInSeconds: number;
    };

/**
 * Counts failed passwords per user; the `threshold`-th failure locks the account for `durationMs`.
 * A successful sign-in clears the count; an expired lock starts a fresh count. `threshold` 0 disables.
 */
export class LockoutTracker {
  readonly #threshold: number;
  readonly #durationMs: number;
  readonly #failures = new Map<string, number>();
  readonly #lockedUntil = new Map<string, number>();

  constructor(threshold: number, durationMs: number) {
    this.#threshold = threshold;
    this.#durationMs = durationMs;
  }

  state(userId: string, now: number): LockState {
    const until = this.#lockedUntil.get(userId);
    if (until !== undefined) {
      if (until > now) return { locked: true, expiresInSeconds: Math.ceil((until - now) / 1000) };
      this.#lockedUntil.delete(userId);
      this.#failures.delete(userId);
    }
    if (this.#threshold === 0) return { locked: false, attemptsRemaining: null };
    return { locked: false, attemptsRemaining: this.#threshold - (this.#failures.get(userId) ?? 0) };
  }

  /** Records a wrong password; returns the state after it (locked when the threshold is reached). */
  recordFailure(userId: string, now: number): LockState {
    if (this.#threshold === 0) return { locked: false, attemptsRemaining: null };
    const failures = (this.#failures.get(userId) ?? 0) + 1;
    this.#failures.set(userId, failures);
    if (failures >= this.#threshold) this.#lockedUntil.set(userId, now + this.#durationMs);
    return this.state(userId, now);
  }

  recordSuccess(userId: string): void {
    this.#failures.delete(userId);
  }

  reset(): void {
    this.#failures.clear();
    this.#lockedUntil.clear();
  }
}
