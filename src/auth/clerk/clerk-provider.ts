/**
 * `ClerkAuthProvider`: client credentials (HTTP Basic = a Clerk identifier and password) signed in
 * through Clerk's Frontend API. Two token modes:
 * - `issue` (default): after the sign-in we mint our own RS256 token (our key ring and JWKS) with
 *   the Clerk user id as `sub`, the organization and role; verification never calls Clerk.
 * - `clerk`: we hand out Clerk's JWT (session or template token) and verify Clerk tokens locally;
 *   our discovery `issuer` and `/jwks` then describe Clerk's.
 * Clerk and the accounts are protected by a per-credential token cache with single flight and a
 * failed-attempt throttle per identifier.
 */

import type { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import { CredentialHasher } from "../credential-hasher.ts";
import type { KeyRing } from "../local/keyring.ts";
import { lruByCount } from "../lru.ts";
import type { Principal } from "../principal.ts";
import type {
  AuthProvider,
  ClientCredentials,
  RequestContext,
  TokenFailure,
  TokenRequestContext,
  TokenResult,
  VerifyResult,
} from "../provider.ts";
import { VerificationCache } from "../verification-cache.ts";
import { authorize, chooseOrganization } from "./authorization.ts";
import { ClerkVerifier } from "./clerk-verifier.ts";
import type { ClerkConfig } from "./config.ts";
import { INVALID_CREDENTIALS, mapSignInFailure, throttledFailure } from "./error-mapping.ts";
import { FapiClient } from "./fapi-client.ts";
import { mintIssuedToken, verifyIssuedToken } from "./issued-token.ts";
import { ClerkLockout, normalizeIdentifier } from "./lockout.ts";
import { type ClerkSharedState, MemoryClerkState } from "./shared-state.ts";
import {
  type ClerkIdentity,
  endSession,
  type OrganizationSource,
  refreshSessionToken,
  type SessionHandle,
  sessionGone,
  signInWithPassword,
} from "./sign-in.ts";
import { SingleFlight, TokenCache } from "./token-cache.ts";

/** What the provider needs besides its configuration. */
export interface ClerkProviderDeps {
  /** Signing keys of `issue`-mode tokens (the host's key ring; also published at `/jwks` in that mode). */
  readonly keys: KeyRing;
  /** Logger; the provider logs under `component: "clerk-auth"` and never logs passwords or tokens. */
  readonly logger: Logger;
  /** Lifetime of `issue`-mode tokens, in seconds (the host's `ILEAP_TOKEN_TTL_SECONDS`). */
  readonly tokenTtlSeconds: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** `fetch` for every call to Clerk. Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Fixed `iss` of `issue`-mode tokens. Default: the request's public base URL. */
  readonly issuer?: string;
  /** Fixed `aud` of `issue`-mode tokens. Default: the issuer. */
  readonly audience?: string;
  /**
   * Lockouts, known users, the sign-in budget and the circuit: in the database to share them
   * between replicas (`SqlClerkState`). Default: a {@link MemoryClerkState} of this process.
   */
  readonly state?: ClerkSharedState;
}

/** Counters since start (for metrics, tests and benchmarks). */
export interface ClerkProviderStats {
  /** Sign-in flows started against Clerk. */
  readonly signIns: number;
  /** Token requests answered from the cache. */
  readonly cacheHits: number;
  /** Token requests that joined a sign-in already in flight. */
  readonly joined: number;
  /** Token requests refused by the lockout cap (without calling Clerk). */
  readonly throttled: number;
  /** `clerk` mode: tokens obtained from an existing Clerk session instead of a new sign-in. */
  readonly refreshes: number;
  /** Clerk sessions we ended after use. */
  readonly signOuts: number;
  /** Sign-ins not started: Clerk's `Retry-After` running (circuit) or the sign-in budget used up. */
  readonly held: number;
  /** Token requests answered from the short memory of an outage. */
  readonly negativeHits: number;
}

const ORGANIZATION_PARAM = /^[A-Za-z0-9_-]{1,128}$/;

/** Longest time an outage answer is remembered for one credential. */
const NEGATIVE_CACHE_MAX_SECONDS = 30;

function secondsUntil(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

/** `Retry-After` of the lockout answer: it lasts until a known-good sign-in or an operator unlock. */
const LOCKED_RETRY_AFTER_SECONDS = 3600;

function ok(accessToken: string, expiresIn: number): TokenResult {
  return { ok: true, token: { access_token: accessToken, token_type: "bearer", expires_in: expiresIn } };
}

function fail(failure: TokenFailure): TokenResult {
  return { ok: false, failure };
}

/** What one sign-in flow needs. */
interface ObtainRequest {
  identifier: string;
  password: string;
  normalized: string;
  organization: { id: string; source: OrganizationSource } | undefined;
  issuer: string;
  cacheKey: string;
  remoteAddress: string | undefined;
}

/** The Clerk implementation of the {@link AuthProvider} seam. */
export class ClerkAuthProvider implements AuthProvider {
  readonly #config: ClerkConfig;
  readonly #deps: ClerkProviderDeps;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #fapi: FapiClient;
  readonly #verifier: ClerkVerifier | undefined;
  readonly #hasher = new CredentialHasher();
  readonly #cache: TokenCache;
  readonly #flight = new SingleFlight<TokenResult>();
  readonly #state: ClerkSharedState;
  readonly #lockout: ClerkLockout;
  readonly #verified: VerificationCache<Principal>;
  /** `clerk` mode: signed-in Clerk sessions by cache key, reused for fresh tokens. */
  readonly #sessions:
    | LRUCache<string, { readonly handle: SessionHandle; readonly signedInAt: number }>
    | undefined;
  /** Outages (503) remembered per credential for a few seconds. */
  readonly #negative = lruByCount<string, { readonly failure: TokenFailure; readonly until: number }>(10_000);
  readonly #stats = {
    signIns: 0,
    cacheHits: 0,
    joined: 0,
    throttled: 0,
    refreshes: 0,
    signOuts: 0,
    held: 0,
    negativeHits: 0,
  };

  constructor(config: ClerkConfig, deps: ClerkProviderDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#log = deps.logger.child({ component: "clerk-auth" });
    this.#fapi = new FapiClient({
      baseUrl: config.frontendApi,
      timeoutMs: config.timeoutMs,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    this.#verifier =
      config.tokenMode === "clerk"
        ? new ClerkVerifier({
            frontendApi: config.frontendApi,
            ...(config.jwtKey ? { jwtKey: config.jwtKey } : {}),
            clockSkewSeconds: config.clockSkewSeconds,
            authorizedParties: config.authorizedParties,
            timeoutMs: config.timeoutMs,
            jwksCooldownMs: config.jwksCooldownSeconds * 1000,
            category: config.jwtTemplate ? "template" : "session",
            ...(config.jwtTemplateAudience ? { templateAudience: config.jwtTemplateAudience } : {}),
            organizations: config.organizations,
            jwksCacheMaxAgeMs: config.jwksCacheSeconds * 1000,
            now: this.#now,
            ...(deps.fetch ? { fetch: deps.fetch } : {}),
          })
        : undefined;
    this.#cache = new TokenCache({
      capacity: config.cacheSize,
      minRemainingSeconds: config.cacheMinRemainingSeconds,
      now: this.#now,
    });
    this.#state = deps.state ?? new MemoryClerkState();
    this.#lockout = new ClerkLockout(this.#state, config.maxFailedAttempts);
    this.#verified = new VerificationCache();
    this.#sessions =
      config.tokenMode === "clerk" && config.sessionReuseSeconds > 0
        ? lruByCount(config.cacheSize || 10_000)
        : undefined;
  }

  /** Counters since start. */
  stats(): ClerkProviderStats {
    return { ...this.#stats };
  }

  issuer(context: RequestContext): string {
    return this.#config.tokenMode === "clerk"
      ? this.#config.frontendApi
      : (this.#deps.issuer ?? context.publicBaseUrl);
  }

  #audience(issuer: string): string {
    return this.#deps.audience ?? issuer;
  }

  async jwks() {
    return this.#verifier ? this.#verifier.publicJwks() : this.#deps.keys.jwks;
  }

  async issueToken(
    credentials: ClientCredentials,
    context: TokenRequestContext & RequestContext,
  ): Promise<TokenResult> {
    const identifier = credentials.clientId;
    const password = credentials.clientSecret;
    if (identifier.trim() === "" || password === "") {
      return fail({ status: 400, error: "invalid_client", description: INVALID_CREDENTIALS });
    }
    const requested = context.form.get("organization_id");
    if (requested !== undefined && requested !== "" && !ORGANIZATION_PARAM.test(requested)) {
      return fail({
        status: 400,
        error: "invalid_request",
        description: "organization_id must be a Clerk organization id (org_…)",
      });
    }
    const choice = chooseOrganization(requested, this.#config);
    if (!choice.ok) return fail({ status: 400, error: "invalid_request", description: choice.description });
    const organization: { id: string; source: OrganizationSource } | undefined =
      choice.organizationId === undefined
        ? undefined
        : { id: choice.organizationId, source: choice.requested ? "request" : "default" };
    const issuer = this.issuer(context);
    const normalized = normalizeIdentifier(identifier);
    const cacheKey = this.#hasher.fingerprint(
      "token",
      normalized,
      password,
      organization?.id ?? "",
      this.#config.tokenMode === "issue" ? `${issuer}\n${this.#audience(issuer)}` : "",
    );
    const hit = this.#cache.get(cacheKey);
    if (hit) {
      this.#stats.cacheHits++;
      return ok(hit.accessToken, hit.expiresInSeconds);
    }
    let leader = false;
    const result = await this.#flight.run(cacheKey, () => {
      leader = true;
      return this.#obtainSafely({
        identifier,
        password,
        normalized,
        organization,
        issuer,
        cacheKey,
        remoteAddress: context.remoteAddress,
      });
    });
    if (!leader) this.#stats.joined++;
    return result;
  }

  /** {@link #obtain}, with a failure of the shared state (its database) answered 503. */
  async #obtainSafely(req: ObtainRequest): Promise<TokenResult> {
    try {
      return await this.#obtain(req);
    } catch (e) {
      this.#log.error(
        { event: "clerk_state_unavailable", err: e instanceof Error ? e.message : String(e) },
        "the Clerk sign-in state (database) is unavailable",
      );
      return fail({
        status: 503,
        error: "temporarily_unavailable",
        description: "The sign-in state of this host is unavailable; retry later",
        retryAfterSeconds: this.#config.retryAfterSeconds,
      });
    }
  }

  async #obtain(req: ObtainRequest): Promise<TokenResult> {
    const again = this.#cache.get(req.cacheKey);
    if (again) {
      this.#stats.cacheHits++;
      return ok(again.accessToken, again.expiresInSeconds);
    }
    const where = {
      identifier: req.normalized,
      ...(req.remoteAddress ? { remoteAddress: req.remoteAddress } : {}),
    };
    const negative = this.#negative.get(req.cacheKey);
    if (negative && negative.until > this.#now()) {
      this.#stats.negativeHits++;
      return fail({ ...negative.failure, retryAfterSeconds: secondsUntil(negative.until, this.#now()) });
    }
    const refreshed = await this.#refresh(req.cacheKey, where);
    if (refreshed) return this.#remember(req.cacheKey, refreshed);
    const decision = await this.#lockout.acquire(req.identifier, req.password);
    if (!decision.allowed) {
      this.#stats.throttled++;
      this.#log.warn(
        { ...where, event: "clerk_sign_in_locked", failures: decision.failures },
        "sign-ins refused: too many consecutive failures (unlock with: ileap clerk unlock)",
      );
      return fail(throttledFailure(LOCKED_RETRY_AFTER_SECONDS));
    }
    const held = await this.#upstreamAllows(decision.knownGood, where);
    if (held) {
      await decision.ticket.release();
      return fail(held);
    }
    this.#stats.signIns++;
    let signIn: Awaited<ReturnType<typeof signInWithPassword>>;
    try {
      signIn = await signInWithPassword(this.#fapi, {
        identifier: req.identifier,
        password: req.password,
        ...(req.organization ? { organization: req.organization } : {}),
        ...(this.#config.jwtTemplate ? { template: this.#config.jwtTemplate } : {}),
      });
    } catch (e) {
      await decision.ticket.release();
      this.#log.error(
        { ...where, event: "clerk_sign_in_error", err: e instanceof Error ? e.message : String(e) },
        "Clerk sign-in failed unexpectedly",
      );
      return fail({
        status: 500,
        error: "server_error",
        description: "Unexpected error during the Clerk sign-in",
      });
    }
    if (!signIn.ok) {
      const mapped = mapSignInFailure(signIn.failure, { retryAfterSeconds: this.#config.retryAfterSeconds });
      if (mapped.credentialFailure) await decision.ticket.failure();
      else await decision.ticket.release();
      this.#log[mapped.level](
        { ...where, ...mapped.logFields, event: "clerk_sign_in_failed", answer: mapped.failure.status },
        `Clerk sign-in failed: ${mapped.failure.error}`,
      );
      return this.#remember(req.cacheKey, fail(mapped.failure));
    }
    const identity = signIn.identity;
    await decision.ticket.success(identity.userId, identity.identifiers);
    this.#log.info(
      {
        ...where,
        event: "clerk_sign_in",
        userId: identity.userId,
        ...(identity.organizationId ? { organizationId: identity.organizationId } : {}),
        mode: this.#config.tokenMode,
      },
      "Clerk sign-in complete",
    );
    if (!this.#verifier) {
      const minted = await this.#mint(identity, req.issuer, req.cacheKey);
      // Our own token carries the identity: the Clerk session is not needed any more.
      await this.#signOut(identity, where);
      return minted;
    }
    // Unless acceptAnyUser, only users who got a token here verify in clerk mode.
    await this.#state.addKnownUser(identity.userId, this.#now());
    if (this.#sessions && identity.clientToken !== undefined) {
      const handle = { clientToken: identity.clientToken, sessionId: identity.sessionId };
      this.#sessions.set(req.cacheKey, { handle, signedInAt: this.#now() });
    }
    const jwt = identity.templateJwt ?? identity.sessionJwt;
    if (!jwt)
      return fail({
        status: 500,
        error: "server_error",
        description: "Clerk's answer carried no session token",
      });
    return this.#handOutClerkToken(jwt, req.cacheKey);
  }

  /**
   * `clerk` mode: a fresh token from the Clerk session these credentials signed in to before (within
   * `sessionReuseSeconds`), without a new sign-in. `undefined` when there is none or it is gone.
   */
  async #refresh(cacheKey: string, where: Record<string, string>): Promise<TokenResult | undefined> {
    const entry = this.#sessions?.get(cacheKey);
    if (!entry) return undefined;
    if (this.#now() - entry.signedInAt >= this.#config.sessionReuseSeconds * 1000) {
      this.#sessions?.delete(cacheKey);
      await this.#signOut(entry.handle, where);
      return undefined;
    }
    const r = await refreshSessionToken(this.#fapi, entry.handle, this.#config.jwtTemplate);
    if (r.ok) {
      this.#stats.refreshes++;
      return this.#handOutClerkToken(r.jwt, cacheKey);
    }
    if (r.failure.stage === "refresh" && sessionGone(r.failure.error)) {
      this.#sessions?.delete(cacheKey);
      this.#log.info(
        { ...where, event: "clerk_session_gone" },
        "Clerk session no longer usable; signing in again",
      );
      return undefined;
    }
    const mapped = mapSignInFailure(r.failure, { retryAfterSeconds: this.#config.retryAfterSeconds });
    this.#log[mapped.level](
      { ...where, ...mapped.logFields, event: "clerk_refresh_failed", answer: mapped.failure.status },
      "Clerk token refresh failed",
    );
    return fail(mapped.failure);
  }

  /**
   * Whether a sign-in may start now: not while Clerk's `Retry-After` runs (the circuit, for every
   * caller), and within the sign-in budget (one slot kept for known-good credentials). The refusal,
   * or `undefined` to go ahead (the sign-in is then counted).
   */
  async #upstreamAllows(
    knownGood: boolean,
    where: Record<string, string>,
  ): Promise<TokenFailure | undefined> {
    const now = this.#now();
    const until = await this.#state.circuitUntil();
    if (until > now) {
      this.#stats.held++;
      return {
        status: 429,
        error: "temporarily_unavailable",
        description: "Clerk is rate-limiting this host's sign-ins; retry later",
        retryAfterSeconds: secondsUntil(until, now),
      };
    }
    const budget = this.#config.signInBudget;
    if (!budget) return undefined;
    const max = knownGood ? budget.max : Math.max(1, budget.max - 1);
    const d = await this.#state.takeSignIn(now, max, budget.windowSeconds * 1000);
    if (d.allowed) return undefined;
    this.#stats.held++;
    this.#log.warn(
      { ...where, event: "clerk_sign_in_budget" },
      "sign-in budget used up (Clerk's limit per IP)",
    );
    return {
      status: 429,
      error: "temporarily_unavailable",
      description: "Too many sign-ins through this host right now (Clerk's sign-in limit); retry later",
      retryAfterSeconds: Math.max(1, Math.ceil(d.retryAfterMs / 1000)),
    };
  }

  /**
   * After a Clerk call: Clerk's 429 opens the circuit until its `Retry-After` (for every caller, on
   * every replica sharing the state); an outage (503) is remembered for this credential briefly,
   * so repeated requests do not each call Clerk. Returns `result`.
   */
  async #remember(cacheKey: string, result: TokenResult): Promise<TokenResult> {
    if (result.ok) return result;
    const f = result.failure;
    const now = this.#now();
    if (f.status === 429 && f.retryAfterSeconds !== undefined)
      await this.#state.openCircuit(now + f.retryAfterSeconds * 1000);
    if (f.status === 503) {
      const seconds = Math.min(
        NEGATIVE_CACHE_MAX_SECONDS,
        f.retryAfterSeconds ?? this.#config.retryAfterSeconds,
      );
      this.#negative.set(cacheKey, { failure: f, until: now + seconds * 1000 });
    }
    return result;
  }

  /** Ends a Clerk session we no longer use (best effort: otherwise it lives on in Clerk until it expires). */
  async #signOut(
    handle: { clientToken?: string; sessionId: string },
    where: Record<string, string>,
  ): Promise<void> {
    if (handle.clientToken === undefined) return;
    const ended = await endSession(this.#fapi, {
      clientToken: handle.clientToken,
      sessionId: handle.sessionId,
    });
    if (ended) this.#stats.signOuts++;
    else
      this.#log.info(
        { ...where, event: "clerk_sign_out_failed" },
        "could not end the Clerk session; it expires by itself",
      );
  }

  async #mint(identity: ClerkIdentity, issuer: string, cacheKey: string): Promise<TokenResult> {
    const now = this.#now();
    const ttl = this.#deps.tokenTtlSeconds;
    const jwt = await mintIssuedToken(
      {
        userId: identity.userId,
        sessionId: identity.sessionId,
        ...(identity.organizationId ? { organizationId: identity.organizationId } : {}),
        ...(identity.organizationRole
          ? { organizationRole: identity.organizationRole.replace(/^org:/, "") }
          : {}),
      },
      ttl,
      { keys: this.#deps.keys, issuer, audience: this.#audience(issuer), now },
    );
    const issuedAt = Math.floor(now / 1000) * 1000;
    this.#cache.set(cacheKey, { accessToken: jwt, issuedAt, expiresAt: issuedAt + ttl * 1000 });
    return ok(jwt, ttl);
  }

  async #handOutClerkToken(jwt: string, cacheKey: string): Promise<TokenResult> {
    const verifier = this.#verifier as ClerkVerifier;
    // Check the token as every protected endpoint will, so a misconfiguration shows here, not later.
    const checked = await verifier.verify(jwt);
    if (!checked.ok) {
      this.#log.warn(
        { event: "clerk_token_refused", reason: checked.reason, detail: checked.detail },
        "Clerk issued a token this host refuses",
      );
      if (checked.reason === "unavailable") {
        return fail({
          status: 503,
          error: "temporarily_unavailable",
          description: "Clerk's signing keys (JWKS) cannot be fetched; retry later",
          retryAfterSeconds: this.#config.retryAfterSeconds,
        });
      }
      return fail({
        status: 500,
        error: "server_error",
        description: `Clerk issued a token that this host refuses (${checked.detail}); check ILEAP_CLERK_FRONTEND_API, CLERK_JWT_KEY, ILEAP_CLERK_AUTHORIZED_PARTIES and the clocks`,
      });
    }
    const expiresIn = Math.floor((checked.token.expiresAt - this.#now()) / 1000);
    if (expiresIn <= 0)
      return fail({
        status: 500,
        error: "server_error",
        description: "Clerk issued an already expired token",
      });
    this.#cache.set(cacheKey, {
      accessToken: jwt,
      issuedAt: checked.token.issuedAt,
      expiresAt: checked.token.expiresAt,
    });
    return ok(jwt, expiresIn);
  }

  /** The principal of a verified identity: organization and host roles only as {@link authorize} allows. */
  #principal(userId: string, organizationId: string | undefined, role: string | undefined): Principal {
    const granted = authorize(userId, organizationId, role, this.#config);
    return {
      subject: userId,
      clientId: userId,
      ...(granted.organizationId ? { organizationId: granted.organizationId } : {}),
      roles: granted.roles,
      grants: this.#config.grants,
    };
  }

  #verifiedKey(token: string, context: RequestContext): string {
    if (this.#verifier) return token;
    const issuer = this.issuer(context);
    return `${issuer}\n${this.#audience(issuer)}\n${token}`;
  }

  peekToken(token: string, context: RequestContext): Principal | undefined {
    return this.#verified.peek(this.#verifiedKey(token, context), this.#now());
  }

  async verifyToken(token: string, context: RequestContext): Promise<VerifyResult> {
    const now = this.#now();
    const issuer = this.issuer(context);
    const cacheKey = this.#verifiedKey(token, context);
    const cached = this.#verified.get(cacheKey, now);
    if (cached) {
      return cached.expired
        ? { ok: false, failure: { reason: "expired", detail: "token has expired" } }
        : { ok: true, principal: cached.value, expiresAt: 0 };
    }
    if (this.#verifier) {
      const v = await this.#verifier.verify(token);
      if (!v.ok) {
        if (v.reason === "unavailable")
          this.#log.warn({ event: "clerk_jwks_unavailable", detail: v.detail }, "cannot verify Clerk token");
        return {
          ok: false,
          failure:
            v.reason === "unavailable"
              ? { reason: "unavailable", detail: v.detail, retryAfterSeconds: this.#config.retryAfterSeconds }
              : { reason: v.reason, detail: v.detail },
        };
      }
      let known: boolean;
      try {
        known = this.#config.acceptAnyUser || (await this.#state.isKnownUser(v.token.userId));
      } catch {
        return {
          ok: false,
          failure: {
            reason: "unavailable",
            detail: "the sign-in state (database) is unavailable",
            retryAfterSeconds: this.#config.retryAfterSeconds,
          },
        };
      }
      if (!known) {
        return {
          ok: false,
          failure: { reason: "invalid", detail: "the user did not obtain this token from this host" },
        };
      }
      const principal = this.#principal(v.token.userId, v.token.organizationId, v.token.organizationRole);
      this.#verified.set(cacheKey, principal, v.token.expiresAt + this.#config.clockSkewSeconds * 1000);
      return { ok: true, principal, expiresAt: v.token.expiresAt };
    }
    const v = await verifyIssuedToken(token, {
      keys: this.#deps.keys,
      issuer,
      audience: this.#audience(issuer),
      now,
    });
    if (!v.ok) return { ok: false, failure: { reason: v.reason, detail: v.detail } };
    const principal = this.#principal(
      v.identity.userId,
      v.identity.organizationId,
      v.identity.organizationRole,
    );
    this.#verified.set(cacheKey, principal, v.expiresAt);
    return { ok: true, principal, expiresAt: v.expiresAt };
  }

  /**
   * Operator reset of the lockout of an identifier or a Clerk user id (`user_…`), as
   * `ileap clerk unlock` does on the shared state. `true` when failures were cleared.
   */
  unlock(identifierOrUserId: string): Promise<boolean> {
    return this.#lockout.unlock(identifierOrUserId);
  }

  /** Consecutive failed sign-ins counted for an identifier. */
  failures(identifier: string): Promise<number> {
    return this.#lockout.failures(identifier);
  }

  /** Closes the shared state (its database handle). In-flight sign-ins end by their own timeout. */
  async close(): Promise<void> {
    await this.#state.close();
  }
}

/**
 * Builds the Clerk auth provider (the composition root calls this when `ILEAP_AUTH=clerk`).
 * @param config From {@link loadClerkConfig}.
 * @param deps Key ring, logger and token lifetime of the host; optional clock, `fetch`, fixed issuer and audience.
 */
export function createClerkAuthProvider(config: ClerkConfig, deps: ClerkProviderDeps): ClerkAuthProvider {
  return new ClerkAuthProvider(config, deps);
}
