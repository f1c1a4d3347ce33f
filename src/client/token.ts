/**
 * Access tokens: the OAuth 2.0 client-credentials grant with RFC 6749 §2.3.1 Basic credentials,
 * a cache that renews a token before it expires, and at most one renewal in flight.
 * @module
 */
import { encodeBasicCredentials } from "../protocol/basic-auth.ts";
import { IleapLoginRequiredError } from "./errors.ts";
import type { Transport } from "./http.ts";
import { authError, isRecord, unusable } from "./responses.ts";

/** An access token and what is known of its lifetime. */
export interface AccessToken {
  /** The bearer token. Secret: never log or print it. */
  readonly accessToken: string;
  /** `token_type` of the token response (PACT: `bearer`). */
  readonly tokenType: string;
  /** When the token was obtained, epoch milliseconds. */
  readonly obtainedAt: number;
  /**
   * When the token expires, epoch milliseconds: from `expires_in`, else from the JWT `exp` claim.
   * Absent when neither is known (the token is then used until the host answers 401).
   */
  readonly expiresAt?: number;
  /** `scope` of the token response, when there was one. */
  readonly scope?: string;
}

/**
 * Persistence for tokens across client instances (the CLI keeps them in its profile file).
 * `load` is called once, before the first token is needed (a `load` that throws counts as an
 * empty cache); `save` after each new token (a `save` that throws fails the request).
 */
export interface TokenCache {
  load(): AccessToken | undefined | Promise<AccessToken | undefined>;
  save(token: AccessToken): void | Promise<void>;
}

/** Longest renewal margin: a token is renewed at the latest 60 s before it expires. */
export const MAX_RENEWAL_MARGIN_MS = 60_000;

/**
 * How long before `expiresAt` a token is renewed: 20 % of its lifetime, at most
 * {@link MAX_RENEWAL_MARGIN_MS} (a 1-hour token is renewed 60 s early, a 10-second one 2 s early).
 */
export function renewalMarginMs(token: AccessToken): number {
  if (token.expiresAt === undefined) return 0;
  return Math.min(MAX_RENEWAL_MARGIN_MS, Math.max(0, (token.expiresAt - token.obtainedAt) * 0.2));
}

/** Whether `token` may still be used at `now` (it is not within its renewal margin). */
export function isFresh(token: AccessToken, now: number): boolean {
  if (token.expiresAt === undefined) return true;
  return now < token.expiresAt - renewalMarginMs(token);
}

/** The `exp` claim (seconds) of a JWT, without verifying it; `undefined` when not a JWT with `exp`. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return isRecord(payload) && typeof payload.exp === "number" && Number.isFinite(payload.exp)
      ? payload.exp
      : undefined;
  } catch {
    return undefined;
  }
}

function expiresInSeconds(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Resolves with `promise`, or rejects with the signal's reason as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/** Settings of a {@link TokenManager}. */
export interface TokenManagerOptions {
  readonly transport: Transport;
  readonly clientId: string;
  /** The client secret; `""` means none (a new token then throws {@link IleapLoginRequiredError}). */
  readonly clientSecret: string;
  /** Resolves the token endpoint URL (discovery, memoised by the caller). */
  readonly tokenEndpoint: () => Promise<string>;
  /** Persistence across instances. Default: none (memory only). */
  readonly cache?: TokenCache;
  /** Clock, epoch milliseconds. Default: `Date.now`. */
  readonly now?: () => number;
}

/**
 * Hands out a valid access token: the cached one while it is fresh (see {@link isFresh}), else a
 * new one from the token endpoint. Concurrent callers share one renewal.
 */
export class TokenManager {
  readonly #options: TokenManagerOptions;
  readonly #now: () => number;
  #current: AccessToken | undefined;
  #loaded: Promise<void> | undefined;
  #renewal: Promise<AccessToken> | undefined;
  #renewals = 0;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** A fresh token (cached or new). Aborting `signal` stops waiting, not a shared renewal. */
  async get(signal?: AbortSignal): Promise<AccessToken> {
    this.#loaded ??= this.#load();
    await abortable(this.#loaded, signal);
    const current = this.#current;
    if (current !== undefined && isFresh(current, this.#now())) return current;
    return abortable(this.renew(), signal);
  }

  /** Obtains a new token, or joins the renewal already in flight. */
  renew(): Promise<AccessToken> {
    this.#renewal ??= this.#request().finally(() => {
      this.#renewal = undefined;
    });
    return this.#renewal;
  }

  /** Number of tokens obtained from the token endpoint so far (a token that did not change it was cached). */
  get renewals(): number {
    return this.#renewals;
  }

  /** Forgets `accessToken` if it is the cached one (the host refused it, e.g. 401 `TokenExpired`). */
  invalidate(accessToken: string): void {
    if (this.#current?.accessToken === accessToken) this.#current = undefined;
  }

  async #load(): Promise<void> {
    let cached: AccessToken | undefined;
    try {
      cached = await this.#options.cache?.load();
    } catch {
      cached = undefined; // an unreadable cache is an empty one: a new token is requested
    }
    if (cached !== undefined && this.#current === undefined) this.#current = cached;
  }

  async #request(): Promise<AccessToken> {
    const { transport, clientId, clientSecret } = this.#options;
    if (clientSecret === "") {
      throw new IleapLoginRequiredError(
        "the access token expired and no client secret is available to renew it: authenticate again",
      );
    }
    const url = await this.#options.tokenEndpoint();
    // The client-credentials grant has no side effects, so failed attempts may be repeated.
    const res = await transport.send({
      method: "POST",
      url,
      headers: {
        authorization: encodeBasicCredentials(clientId, clientSecret),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
      retry: true,
    });
    if (res.status < 200 || res.status > 299) throw authError(res);
    const body = res.json;
    if (!isRecord(body) || typeof body.access_token !== "string" || body.access_token === "") {
      throw unusable(res, "the token response has no access_token");
    }
    const obtainedAt = this.#now();
    const expiresIn = expiresInSeconds(body.expires_in);
    const exp = jwtExpiry(body.access_token);
    const expiresAt =
      expiresIn !== undefined ? obtainedAt + expiresIn * 1000 : exp !== undefined ? exp * 1000 : undefined;
    const token: AccessToken = {
      accessToken: body.access_token,
      tokenType: typeof body.token_type === "string" ? body.token_type : "bearer",
      obtainedAt,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(typeof body.scope === "string" ? { scope: body.scope } : {}),
    };
    this.#current = token;
    this.#renewals++;
    await this.#options.cache?.save(token);
    return token;
  }
}
