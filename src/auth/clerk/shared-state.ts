/**
 * State the Clerk adapter keeps about sign-ins, shared by every replica when it lives in the
 * database (see `sql-state.ts`), or per process ({@link MemoryClerkState}):
 * - lockout records: consecutive failed sign-ins per lock key (a Clerk user once known, else an
 *   identifier fingerprint) and the fingerprint of the last credential that signed in;
 * - aliases: identifier fingerprint → Clerk user id (every identifier of a user, once known);
 * - users who got a token from our endpoint (`clerk` mode accepts only their tokens by default);
 * - the sign-in budget (sign-ins started within a sliding window) and the circuit (no sign-in
 *   before a time Clerk named with `Retry-After`);
 * - the HMAC key of fingerprints (identifiers and credentials never appear in clear).
 */
import { randomBytes } from "node:crypto";
import { lruByCount } from "../lru.ts";

/** The lockout record of one lock key. */
export interface LockoutRecord {
  /** Consecutive failed sign-ins (attempts in flight count until settled). */
  readonly failures: number;
  /** Fingerprint of the last credential that signed in, if any. */
  readonly knownGood: string | undefined;
}

/** The verdict of {@link ClerkSharedState.takeSignIn}. */
export type BudgetDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number };

export interface ClerkSharedState {
  /** The HMAC key of fingerprints (the same for every replica sharing the state). */
  hmacKey(): Promise<Buffer>;
  lockout(key: string): Promise<LockoutRecord>;
  /** Counts a failure up front (an attempt in flight) unless `max` failures are counted already; `false` then. */
  reserveFailure(key: string, max: number): Promise<boolean>;
  /** Counts a failure whatever the count (an attempt that bypassed the cap with a known-good credential failed). */
  addFailure(key: string): Promise<void>;
  /** Takes back a reserved failure (the attempt ended without a verdict on the credential). */
  releaseFailure(key: string): Promise<void>;
  /** A success: no failures, `fingerprint` is the known-good credential. */
  succeed(key: string, fingerprint: string): Promise<void>;
  /** Forgets the known-good credential when it is `fingerprint` (it failed: the password changed). */
  forgetKnownGood(key: string, fingerprint: string): Promise<void>;
  /** Operator reset: no failures. `false` when the key had none. */
  unlock(key: string): Promise<boolean>;
  /** The Clerk user id an identifier fingerprint belongs to, once known. */
  alias(identifierKey: string): Promise<string | undefined>;
  setAliases(identifierKeys: readonly string[], userId: string): Promise<void>;
  isKnownUser(userId: string): Promise<boolean>;
  addKnownUser(userId: string, now: number): Promise<void>;
  /** Starts one sign-in if fewer than `max` started within `windowMs` before `now`. */
  takeSignIn(now: number, max: number, windowMs: number): Promise<BudgetDecision>;
  /** No sign-in before `until` (ms since the epoch); keeps the later of two times. */
  openCircuit(until: number): Promise<void>;
  /** The time before which no sign-in may start (0 when closed). */
  circuitUntil(): Promise<number>;
  close(): Promise<void>;
}

interface MutableRecord {
  failures: number;
  knownGood: string | undefined;
}

/** {@link ClerkSharedState} of one process (lost on restart; replicas do not share it). */
export class MemoryClerkState implements ClerkSharedState {
  readonly #key = randomBytes(32);
  readonly #lockouts = lruByCount<string, MutableRecord>(100_000);
  readonly #aliases = lruByCount<string, string>(100_000);
  readonly #users = lruByCount<string, number>(100_000);
  #signIns: number[] = [];
  #circuit = 0;

  async hmacKey(): Promise<Buffer> {
    return this.#key;
  }

  #record(key: string): MutableRecord {
    let r = this.#lockouts.get(key);
    if (!r) {
      r = { failures: 0, knownGood: undefined };
      this.#lockouts.set(key, r);
    }
    return r;
  }

  async lockout(key: string): Promise<LockoutRecord> {
    const r = this.#lockouts.get(key);
    return { failures: r?.failures ?? 0, knownGood: r?.knownGood };
  }

  async reserveFailure(key: string, max: number): Promise<boolean> {
    const r = this.#record(key);
    if (r.failures >= max) return false;
    r.failures++;
    return true;
  }

  async addFailure(key: string): Promise<void> {
    this.#record(key).failures++;
  }

  async releaseFailure(key: string): Promise<void> {
    const r = this.#lockouts.get(key);
    if (r && r.failures > 0) r.failures--;
  }

  async succeed(key: string, fingerprint: string): Promise<void> {
    const r = this.#record(key);
    r.failures = 0;
    r.knownGood = fingerprint;
  }

  async forgetKnownGood(key: string, fingerprint: string): Promise<void> {
    const r = this.#lockouts.get(key);
    if (r && r.knownGood === fingerprint) r.knownGood = undefined;
  }

  async unlock(key: string): Promise<boolean> {
    const r = this.#lockouts.get(key);
    if (!r || r.failures === 0) return false;
    r.failures = 0;
    return true;
  }

  async alias(identifierKey: string): Promise<string | undefined> {
    return this.#aliases.get(identifierKey);
  }

  async setAliases(identifierKeys: readonly string[], userId: string): Promise<void> {
    for (const k of identifierKeys) this.#aliases.set(k, userId);
  }

  async isKnownUser(userId: string): Promise<boolean> {
    return this.#users.get(userId) !== undefined;
  }

  async addKnownUser(userId: string, now: number): Promise<void> {
    this.#users.set(userId, now);
  }

  async takeSignIn(now: number, max: number, windowMs: number): Promise<BudgetDecision> {
    this.#signIns = this.#signIns.filter((t) => t > now - windowMs);
    if (this.#signIns.length >= max) {
      return { allowed: false, retryAfterMs: (this.#signIns[0] as number) + windowMs - now };
    }
    this.#signIns.push(now);
    return { allowed: true };
  }

  async openCircuit(until: number): Promise<void> {
    this.#circuit = Math.max(this.#circuit, until);
  }

  async circuitUntil(): Promise<number> {
    return this.#circuit;
  }

  async close(): Promise<void> {}
}
