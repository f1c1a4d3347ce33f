/**
 * Verifies Clerk-issued JWTs (session and JWT-template tokens) without a network call per request:
 * RS256 only; the key from `CLERK_JWT_KEY` (PEM) or Clerk's JWKS through jose's
 * `createRemoteJWKSet` (cached, single flight, refetched on an unknown `kid` at most once per
 * cooldown); `iss` equal to the Frontend API URL; `exp`/`nbf`/`iat` with a small clock skew;
 * `sub` required; `sts` not `pending`; `azp` checked against an allow-list when one is configured.
 */
import {
  type CryptoKey,
  createRemoteJWKSet,
  customFetch,
  exportJWK,
  type FlattenedJWSInput,
  importSPKI,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
  type RemoteJWKSet,
} from "jose";
import { organizationFromClaims } from "./claims.ts";

/** Options of {@link ClerkVerifier}. */
export interface ClerkVerifierOptions {
  /** Frontend API URL (no trailing slash): the required `iss` and the JWKS location. */
  readonly frontendApi: string;
  /** PEM public key; when given, verification never fetches the JWKS. Default: none. */
  readonly jwtKey?: string;
  /** Tolerance for `exp`, `nbf`, `iat`, in seconds. Default 5. */
  readonly clockSkewSeconds?: number;
  /** Allowed `azp` origins; empty = no check. A token without `azp` passes. Default `[]`. */
  readonly authorizedParties?: readonly string[];
  /** Timeout of a JWKS fetch, ms. Default 5000. */
  readonly timeoutMs?: number;
  /** Least time between JWKS fetches caused by an unknown `kid`, ms. Default 30,000. */
  readonly jwksCooldownMs?: number;
  /** Age after which the JWKS is fetched again, ms. Default 3,600,000. */
  readonly jwksCacheMaxAgeMs?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** `fetch` for the JWKS. Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /**
   * The only token category accepted: `session` tokens (header `cat` {@link TOKEN_CATEGORY.session},
   * `sid` present, `sts` active when present) or the configured JWT `template`'s tokens (`cat`
   * {@link TOKEN_CATEGORY.template}, `aud` = {@link templateAudience}). Machine tokens (`cat`
   * {@link TOKEN_CATEGORY.machine}, `mch_` subjects) and any other category are refused. Default `session`.
   */
  readonly category?: "session" | "template";
  /** `template` category: the `aud` the template emits; required for it. */
  readonly templateAudience?: string;
  /** When not empty, the token's organization (`o.id` / `org_id`) must be one of these. Default: no check. */
  readonly organizations?: ReadonlySet<string>;
}

/** Clerk's token categories (JWT header `cat`). */
export const TOKEN_CATEGORY = {
  session: "cl_B7d4PD111AAA",
  template: "cl_B7d4PD222AAA",
  machine: "cl_B7d4PD333AAA",
} as const;

/** What a verified Clerk token says. */
export interface VerifiedClerkToken {
  readonly userId: string;
  readonly sessionId?: string;
  readonly organizationId?: string;
  /** Short role (`admin`), from `o.rol` or `org_role`. */
  readonly organizationRole?: string;
  /** `iat` in ms (or `nbf`/now when absent). */
  readonly issuedAt: number;
  /** `exp` in ms. */
  readonly expiresAt: number;
}

/** `unavailable`: the key could not be obtained (JWKS unreachable); not the token's fault. */
export type ClerkVerifyResult =
  | { readonly ok: true; readonly token: VerifiedClerkToken }
  | { readonly ok: false; readonly reason: "invalid" | "expired" | "unavailable"; readonly detail: string };

/** Longest token looked at. */
const MAX_TOKEN_LENGTH = 8192;

/** Thrown by the key resolver when the JWKS cannot be had (as opposed to a key not in it). */
class KeySourceUnavailable extends Error {
  override readonly name = "KeySourceUnavailable";
}

export class ClerkVerifier {
  readonly #issuer: string;
  readonly #skew: number;
  readonly #parties: readonly string[];
  readonly #now: () => number;
  readonly #remote: RemoteJWKSet;
  readonly #pemKey: Promise<CryptoKey> | undefined;
  readonly #cooldownMs: number;
  readonly #category: "session" | "template";
  readonly #templateAudience: string | undefined;
  readonly #organizations: ReadonlySet<string>;
  #lastPublishFailure = Number.NEGATIVE_INFINITY;

  constructor(options: ClerkVerifierOptions) {
    this.#issuer = options.frontendApi.replace(/\/+$/, "");
    this.#skew = options.clockSkewSeconds ?? 5;
    this.#parties = options.authorizedParties ?? [];
    this.#now = options.now ?? Date.now;
    this.#cooldownMs = options.jwksCooldownMs ?? 30_000;
    this.#category = options.category ?? "session";
    this.#templateAudience = options.templateAudience;
    if (this.#category === "template" && !this.#templateAudience)
      throw new TypeError("ClerkVerifier: the template category needs templateAudience");
    this.#organizations = options.organizations ?? new Set();
    this.#remote = createRemoteJWKSet(new URL(`${this.#issuer}/.well-known/jwks.json`), {
      timeoutDuration: options.timeoutMs ?? 5000,
      cooldownDuration: this.#cooldownMs,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 3_600_000,
      ...(options.fetch ? { [customFetch]: options.fetch } : {}),
    });
    this.#pemKey = options.jwtKey ? importSPKI(options.jwtKey, "RS256", { extractable: true }) : undefined;
    // Surface a broken PEM at verification time, not as an unhandled rejection.
    this.#pemKey?.catch(() => undefined);
  }

  /** The `iss` Clerk tokens must carry. */
  get issuer(): string {
    return this.#issuer;
  }

  async #key(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    if (this.#pemKey) return this.#pemKey;
    try {
      return await this.#remote(header, token);
    } catch (e) {
      if (e instanceof joseErrors.JWKSNoMatchingKey || e instanceof joseErrors.JWKSMultipleMatchingKeys)
        throw e;
      throw new KeySourceUnavailable(
        e instanceof joseErrors.JOSEError ? e.code : e instanceof Error ? e.message : "jwks",
      );
    }
  }

  /** Verifies a token; never throws. */
  async verify(token: string): Promise<ClerkVerifyResult> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH)
      return { ok: false, reason: "invalid", detail: "token length out of bounds" };
    const now = this.#now();
    let payload: JWTPayload;
    let header: JWSHeaderParameters;
    try {
      ({ payload, protectedHeader: header } = await jwtVerify(token, (h, t) => this.#key(h, t), {
        algorithms: ["RS256"],
        issuer: this.#issuer,
        ...(this.#category === "template" ? { audience: this.#templateAudience as string } : {}),
        requiredClaims: ["sub", "exp"],
        clockTolerance: this.#skew,
        currentDate: new Date(now),
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired)
        return { ok: false, reason: "expired", detail: "token has expired" };
      if (e instanceof KeySourceUnavailable)
        return { ok: false, reason: "unavailable", detail: `Clerk JWKS unavailable: ${e.message}` };
      return {
        ok: false,
        reason: "invalid",
        detail: e instanceof joseErrors.JOSEError ? e.code : "verification failed",
      };
    }
    const fail = (detail: string): ClerkVerifyResult => ({ ok: false, reason: "invalid", detail });
    if (typeof payload.sub !== "string" || payload.sub === "") return fail("sub missing");
    if (typeof payload.iat === "number" && payload.iat * 1000 > now + this.#skew * 1000)
      return fail("token issued in the future");
    if (payload.sub.startsWith("mch_")) return fail("machine token");
    const cat = header.cat;
    if (cat !== undefined && cat !== TOKEN_CATEGORY[this.#category])
      return fail(
        cat === TOKEN_CATEGORY.machine
          ? "machine token"
          : `token category not accepted (${this.#category} tokens only)`,
      );
    if (this.#category === "session") {
      // Session tokens name their session; template tokens are told apart by `cat` and `aud`.
      if (typeof payload.sid !== "string" || payload.sid === "")
        return fail("sid missing (not a session token)");
    }
    if (payload.sts === "pending") return fail("session is pending (organization selection required)");
    if (payload.sts !== undefined && payload.sts !== "active") return fail("session is not active");
    if (
      this.#parties.length > 0 &&
      !(typeof payload.azp === "string" && this.#parties.includes(payload.azp))
    ) {
      return fail(payload.azp === undefined ? "azp missing" : "azp not allowed");
    }
    const org = organizationFromClaims(payload);
    if (this.#organizations.size > 0 && !(org.id !== undefined && this.#organizations.has(org.id)))
      return fail("organization missing or not accepted");
    return {
      ok: true,
      token: {
        userId: payload.sub,
        ...(typeof payload.sid === "string" ? { sessionId: payload.sid } : {}),
        ...(org.id ? { organizationId: org.id } : {}),
        ...(org.role ? { organizationRole: org.role } : {}),
        issuedAt:
          (typeof payload.iat === "number"
            ? payload.iat
            : typeof payload.nbf === "number"
              ? payload.nbf
              : now / 1000) * 1000,
        expiresAt: (payload.exp as number) * 1000,
      },
    };
  }

  /**
   * The public keys to publish at our `/jwks`: Clerk's JWKS (cached; fetched when not yet
   * known, at most once per cooldown after a failure), else the PEM key (without `kid`), else none.
   */
  async publicJwks(): Promise<JSONWebKeySet> {
    let cached = this.#remote.jwks();
    if (!cached && Date.now() - this.#lastPublishFailure >= Math.max(this.#cooldownMs, 1000)) {
      try {
        await this.#remote.reload();
        cached = this.#remote.jwks();
      } catch {
        this.#lastPublishFailure = Date.now();
      }
    }
    if (cached) return cached;
    if (this.#pemKey) {
      try {
        const jwk = await exportJWK(await this.#pemKey);
        return { keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, alg: "RS256", use: "sig" }] };
      } catch {
        return { keys: [] };
      }
    }
    return { keys: [] };
  }
}
