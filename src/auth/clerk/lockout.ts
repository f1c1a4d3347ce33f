/**
 * The lockout guard: a hard cap on consecutive failed sign-ins per Clerk user, below Clerk's own
 * lockout (10 failures, which do not decay), so nobody can lock a service account through our
 * token endpoint. Failures count per lock key — the Clerk user once any identifier of it signed in
 * (every identifier Clerk lists for the user then shares one count), else the identifier — and are
 * reserved before Clerk is called, so concurrent attempts on any number of replicas cannot
 * overshoot. The cap lasts until a sign-in with the known-good credential (the last one that
 * signed in, which passes even while capped) or an operator unlock (`ileap clerk unlock`).
 */
import { timingSafeEqual } from "node:crypto";
import { CredentialHasher } from "../credential-hasher.ts";
import type { ClerkSharedState } from "./shared-state.ts";

/** Normalizes an identifier as Clerk matches it (trimmed, case-insensitive). */
export function normalizeIdentifier(identifier: string): string {
  return identifier.trim().toLowerCase();
}

/** An admitted attempt; settle it exactly once. */
export interface LockoutTicket {
  /** The credential signed in as `userId`, whose identifiers (emails, username, phones) Clerk listed. */
  success(userId: string, identifiers: readonly string[]): Promise<void>;
  /** The credential is wrong (or the user banned): the failure stays counted. */
  failure(): Promise<void>;
  /** No verdict on the credential (Clerk down, MFA, …): the reserved failure is taken back. */
  release(): Promise<void>;
}

export type LockoutDecision =
  | { readonly allowed: true; readonly ticket: LockoutTicket; readonly knownGood: boolean }
  | { readonly allowed: false; readonly failures: number };

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ClerkLockout {
  readonly #state: ClerkSharedState;
  readonly #max: number;
  #hasher: Promise<CredentialHasher> | undefined;

  /** @param max Consecutive failures after which sign-ins are refused (keep it below Clerk's 10). */
  constructor(state: ClerkSharedState, max: number) {
    this.#state = state;
    this.#max = max;
  }

  #fingerprint(...parts: string[]): Promise<string> {
    this.#hasher ??= this.#state.hmacKey().then((k) => new CredentialHasher(k));
    return this.#hasher.then((h) => h.fingerprint(...parts));
  }

  /** Fingerprint of an identifier (what aliases and identifier lock keys are made of). */
  identifierKey(identifier: string): Promise<string> {
    return this.#fingerprint("identifier", normalizeIdentifier(identifier));
  }

  /** The lock key of an identifier: its Clerk user once known, else the identifier's fingerprint. */
  async lockKey(identifier: string): Promise<{ key: string; identifierKey: string }> {
    const identifierKey = await this.identifierKey(identifier);
    const userId = await this.#state.alias(identifierKey);
    return { key: userId ? `user:${userId}` : `id:${identifierKey}`, identifierKey };
  }

  /** Admits an attempt (reserving a failure), or refuses it without calling Clerk. */
  async acquire(identifier: string, password: string): Promise<LockoutDecision> {
    const { key } = await this.lockKey(identifier);
    const credential = await this.#fingerprint("credential", key, password);
    const record = await this.#state.lockout(key);
    const bypass = same(record.knownGood, credential);
    if (!bypass && !(await this.#state.reserveFailure(key, this.#max))) {
      return { allowed: false, failures: record.failures };
    }
    let settled = false;
    const once =
      <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
      async (...args: A) => {
        if (settled) return;
        settled = true;
        await fn(...args);
      };
    const state = this.#state;
    return {
      allowed: true,
      knownGood: bypass,
      ticket: {
        success: once(async (userId: string, identifiers: readonly string[]) => {
          const userKey = `user:${userId}`;
          await state.succeed(userKey, await this.#fingerprint("credential", userKey, password));
          if (key !== userKey) await state.unlock(key);
          const keys = await Promise.all([identifier, ...identifiers].map((i) => this.identifierKey(i)));
          await state.setAliases([...new Set(keys)], userId);
        }),
        failure: once(async () => {
          if (!bypass) return;
          await state.forgetKnownGood(key, credential);
          await state.addFailure(key);
        }),
        release: once(async () => {
          if (!bypass) await state.releaseFailure(key);
        }),
      },
    };
  }

  /** Operator reset of an identifier or a Clerk user id (`user_…`): `true` when failures were cleared. */
  async unlock(identifierOrUserId: string): Promise<boolean> {
    const value = identifierOrUserId.trim();
    if (/^user_[A-Za-z0-9]+$/.test(value)) return this.#state.unlock(`user:${value}`);
    const { key, identifierKey } = await this.lockKey(value);
    const a = await this.#state.unlock(key);
    const b = key === `id:${identifierKey}` ? false : await this.#state.unlock(`id:${identifierKey}`);
    return a || b;
  }

  /** Consecutive failures counted for an identifier (for tests and metrics). */
  async failures(identifier: string): Promise<number> {
    return (await this.#state.lockout((await this.lockKey(identifier)).key)).failures;
  }
}
