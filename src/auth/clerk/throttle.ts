/**
 * Failed-attempt throttle per identifier, so that nobody can lock a Clerk account through our token
 * endpoint (Clerk locks an account after a number of wrong passwords). Attempts in flight count
 * like failures, so concurrent wrong passwords cannot overshoot the limit. A success clears the
 * count (as it does in Clerk) and remembers the credential, which may then sign in even while the
 * identifier is throttled: an attacker cannot lock the real client out through the throttle.
 */
import { timingSafeEqual } from "node:crypto";
import { LruMap } from "../lru.ts";

/** Options of {@link FailedAttemptThrottle}. */
export interface FailedAttemptThrottleOptions {
  /** Failures within the window after which attempts are refused. Default 5. */
  readonly maxFailures?: number;
  /** Window length in seconds. Default 900 (15 minutes). */
  readonly windowSeconds?: number;
  /** Identifiers tracked at most (least recently used ones are forgotten). Default 100,000. */
  readonly capacity?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** An admitted attempt; settle it exactly once. */
export interface ThrottleTicket {
  /** The credentials were right: clears the failures and remembers the credential. */
  success(): void;
  /** The credentials were wrong: counts a failure. */
  failure(): void;
  /** The attempt ended without a verdict on the credentials (Clerk down, MFA, …). */
  release(): void;
}

export type ThrottleDecision =
  | { readonly allowed: true; readonly ticket: ThrottleTicket }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Entry {
  failures: number[];
  inFlight: number;
  knownGood: string | undefined;
}

/** Compares two credential fingerprints in constant time (for equal lengths). */
function sameFingerprint(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Normalizes an identifier as Clerk matches it (trimmed, case-insensitive). */
export function normalizeIdentifier(identifier: string): string {
  return identifier.trim().toLowerCase();
}

export class FailedAttemptThrottle {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #entries: LruMap<string, Entry>;

  constructor(options: FailedAttemptThrottleOptions = {}) {
    this.#max = options.maxFailures ?? 5;
    this.#windowMs = (options.windowSeconds ?? 900) * 1000;
    this.#now = options.now ?? Date.now;
    this.#entries = new LruMap(options.capacity ?? 100_000);
  }

  /**
   * Admits or refuses an attempt for `identifier` with the credential fingerprint `credentialKey`
   * (an HMAC, never the secret).
   */
  acquire(identifier: string, credentialKey: string): ThrottleDecision {
    const key = normalizeIdentifier(identifier);
    const now = this.#now();
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { failures: [], inFlight: 0, knownGood: undefined };
      this.#entries.set(key, entry);
    }
    this.#prune(entry, now);
    const bypass = sameFingerprint(entry.knownGood, credentialKey);
    if (!bypass && entry.failures.length + entry.inFlight >= this.#max) {
      const oldest = entry.failures[0];
      const retryAfterSeconds =
        oldest === undefined ? 1 : Math.max(1, Math.ceil((oldest + this.#windowMs - now) / 1000));
      return { allowed: false, retryAfterSeconds };
    }
    if (!bypass) entry.inFlight++;
    const e = entry;
    let settled = false;
    const settle = (fn: () => void) => () => {
      if (settled) return;
      settled = true;
      if (!bypass) e.inFlight--;
      fn();
      this.#forgetIfIdle(key, e);
    };
    return {
      allowed: true,
      ticket: {
        success: settle(() => {
          e.failures = [];
          e.knownGood = credentialKey;
        }),
        failure: settle(() => {
          e.failures.push(this.#now());
          if (sameFingerprint(e.knownGood, credentialKey)) e.knownGood = undefined;
        }),
        release: settle(() => undefined),
      },
    };
  }

  /** Failures of `identifier` within the window (for tests and metrics). */
  failures(identifier: string): number {
    const entry = this.#entries.peek(normalizeIdentifier(identifier));
    if (!entry) return 0;
    this.#prune(entry, this.#now());
    return entry.failures.length;
  }

  #prune(entry: Entry, now: number): void {
    const since = now - this.#windowMs;
    if (entry.failures.length > 0 && (entry.failures[0] as number) <= since) {
      entry.failures = entry.failures.filter((t) => t > since);
    }
  }

  #forgetIfIdle(key: string, entry: Entry): void {
    if (
      entry.failures.length === 0 &&
      entry.inFlight === 0 &&
      entry.knownGood === undefined &&
      this.#entries.peek(key) === entry
    ) {
      this.#entries.delete(key);
    }
  }
}
