import { randomUUID } from "node:crypto";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { LRUCache } from "lru-cache";
import type { ClientConfig } from "../../config/types.ts";
import { CredentialHasher } from "../credential-hasher.ts";
import { QueueFullError } from "../fair-queue.ts";
import { lruByCount } from "../lru.ts";
import { DATA_KINDS, type DataKind, type Principal } from "../principal.ts";
import type {
  AuthProvider,
  ClientCredentials,
  RequestContext,
  TokenRequestContext,
  TokenResult,
  VerifyResult,
} from "../provider.ts";
import { verifySecret } from "../secret-hash.ts";
import { VerificationCache } from "../verification-cache.ts";
import type { KeyRing } from "./keyring.ts";

/** Options of the built-in OAuth2 client-credentials issuer. */
export interface LocalIssuerOptions {
  readonly keys: KeyRing;
  readonly clients: readonly ClientConfig[];
  /** Token lifetime in seconds. Default 3600. */
  readonly tokenTtlSeconds?: number;
  /** Fixed `iss`. Default: the request's public base URL. */
  readonly issuer?: string;
  /** Fixed `aud`. Default: the issuer. */
  readonly audience?: string;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Capacity of the verification caches (tokens, and client secrets that verified). Default 10,000. */
  readonly cacheSize?: number;
  /**
   * How long a client secret that verified is remembered (as an HMAC with a per-process key), so
   * repeated token requests do not each pay for scrypt. Wrong secrets always pay. Default 300 s.
   */
  readonly secretCacheSeconds?: number;
  /**
   * Answer a client's token request with the token last issued to it (same issuer, same signing
   * key) while at least half of that token's lifetime remains, `expires_in` then being the
   * seconds left, instead of signing a new one (README, "Token endpoint"). Default true.
   */
  readonly reuseFreshTokens?: boolean;
}

/** A token issued by {@link LocalIssuer}, remembered for reuse. */
interface IssuedToken {
  readonly jwt: string;
  readonly kid: string;
  /** `iat` and `exp`, seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

/** Longest bearer token we look at; anything longer is refused before parsing. */
export const MAX_TOKEN_LENGTH = 8192;

/** How far in the future an `iat` may lie before the token is refused. */
const MAX_CLOCK_SKEW_MS = 60_000;

function grantsOf(client: ClientConfig): ReadonlySet<DataKind> {
  return new Set(client.grants.includes("*") ? DATA_KINDS : (client.grants as DataKind[]));
}

/**
 * The built-in identity provider: clients from configuration (scrypt-hashed secrets, or HMAC-hashed
 * minted secrets: see `secret-hash.ts`), RS256 access
 * tokens with `iss`, `sub`, `aud`, `iat`, `exp`, `jti` and `kid`.
 */
export class LocalIssuer implements AuthProvider {
  readonly #keys: KeyRing;
  readonly #clients: ReadonlyMap<string, ClientConfig>;
  readonly #ttl: number;
  readonly #issuer: string | undefined;
  readonly #audience: string | undefined;
  readonly #now: () => number;
  readonly #cache: VerificationCache<Principal>;
  readonly #secrets: VerificationCache<true>;
  readonly #secretTtlMs: number;
  readonly #hasher = new CredentialHasher();
  /** Last token per client and issuer (bounded by count); undefined when reuse is off. */
  readonly #issued: LRUCache<string, IssuedToken> | undefined;

  constructor(options: LocalIssuerOptions) {
    this.#keys = options.keys;
    this.#clients = new Map(options.clients.map((c) => [c.id, c]));
    this.#ttl = options.tokenTtlSeconds ?? 3600;
    this.#issuer = options.issuer;
    this.#audience = options.audience;
    this.#now = options.now ?? Date.now;
    this.#cache = new VerificationCache(options.cacheSize);
    this.#secrets = new VerificationCache(options.cacheSize);
    this.#secretTtlMs = (options.secretCacheSeconds ?? 300) * 1000;
    this.#issued = options.reuseFreshTokens === false ? undefined : lruByCount(options.cacheSize ?? 10_000);
  }

  /** Secret check, skipped while the same secret verified for this client within the secret cache time. */
  async #secretMatches(client: ClientConfig, secret: string, source: string): Promise<boolean> {
    const key = this.#hasher.fingerprint(client.id, client.secretHash, secret);
    const now = this.#now();
    const hit = this.#secrets.get(key, now);
    if (hit && !hit.expired) return true;
    const matches = await verifySecret(secret, client.secretHash, { source });
    if (matches) this.#secrets.set(key, true, now + this.#secretTtlMs);
    return matches;
  }

  issuer(context: RequestContext): string {
    return this.#issuer ?? context.publicBaseUrl;
  }

  #audienceFor(issuer: string): string {
    return this.#audience ?? issuer;
  }

  async issueToken(
    credentials: ClientCredentials,
    context: TokenRequestContext & RequestContext,
  ): Promise<TokenResult> {
    const client = this.#clients.get(credentials.clientId);
    const source = context.sourceAddress ?? context.remoteAddress ?? "local";
    let matches: boolean;
    try {
      // An unknown client id takes as long as a wrong secret (verifySecret's time depends on the
      // presented secret only; it waits instead of running scrypt), so timing does not reveal
      // which ids exist.
      matches = client
        ? await this.#secretMatches(client, credentials.clientSecret, source)
        : await verifySecret(credentials.clientSecret, undefined, { source });
    } catch (e) {
      if (!(e instanceof QueueFullError)) throw e;
      return {
        ok: false,
        failure: {
          status: 503,
          error: "temporarily_unavailable",
          description: "Too many client authentications waiting; retry shortly",
          retryAfterSeconds: 1,
        },
      };
    }
    if (!client || !matches) {
      return {
        ok: false,
        failure: { status: 400, error: "invalid_client", description: "Client authentication failed" },
      };
    }
    // The organization is the client's configured one: a request may repeat it, never pick another.
    const organizationId = context.form.get("organization_id");
    if (organizationId !== undefined && organizationId !== "" && organizationId !== client.organizationId) {
      return {
        ok: false,
        failure: {
          status: 400,
          error: "invalid_request",
          description: "organization_id: this client acts only for the organization configured for it",
        },
      };
    }
    const issuer = this.issuer(context);
    const nowMs = this.#now();
    const nowSeconds = Math.floor(nowMs / 1000);
    const key = this.#keys.current;
    // RFC 6749 §4.4.3/§5.1 ask for "an access token" and its remaining lifetime, not a new one per
    // request: a still-fresh token of the same client, issuer and key is answered again.
    const reuseKey = `${client.id}\n${issuer}`;
    const last = this.#issued?.get(reuseKey);
    if (
      last !== undefined &&
      last.kid === key.kid &&
      last.iat <= nowSeconds &&
      // In milliseconds: whole seconds would count a token with 0.3 s left as 1 s left and hand
      // it to a client that is renewing because its token is about to expire.
      (last.exp * 1000 - nowMs) * 2 >= this.#ttl * 1000
    ) {
      return {
        ok: true,
        token: {
          access_token: last.jwt,
          token_type: "bearer",
          expires_in: Math.floor((last.exp * 1000 - nowMs) / 1000),
        },
      };
    }
    const exp = nowSeconds + this.#ttl;
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
      .setIssuer(issuer)
      .setSubject(client.id)
      .setAudience(this.#audienceFor(issuer))
      .setIssuedAt(nowSeconds)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(key.privateKey);
    this.#issued?.set(reuseKey, { jwt, kid: key.kid, iat: nowSeconds, exp });
    return { ok: true, token: { access_token: jwt, token_type: "bearer", expires_in: this.#ttl } };
  }

  peekToken(token: string, context: RequestContext): Principal | undefined {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
    return this.#cache.peek(`${this.issuer(context)}\n${token}`, this.#now());
  }

  async verifyToken(token: string, context: RequestContext): Promise<VerifyResult> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      return { ok: false, failure: { reason: "invalid", detail: "token length out of bounds" } };
    }
    const issuer = this.issuer(context);
    const cacheKey = `${issuer}\n${token}`;
    const now = this.#now();
    const cached = this.#cache.get(cacheKey, now);
    if (cached) {
      return cached.expired
        ? { ok: false, failure: { reason: "expired", detail: "token has expired" } }
        : { ok: true, principal: cached.value, expiresAt: 0 };
    }
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      kid = typeof header.kid === "string" ? header.kid : undefined;
    } catch {
      return { ok: false, failure: { reason: "invalid", detail: "token is not a JWS" } };
    }
    const key = kid ? this.#keys.find(kid) : undefined;
    if (!key) return { ok: false, failure: { reason: "invalid", detail: "unknown or missing kid" } };
    try {
      const { payload } = await jwtVerify(token, key.publicJwk, {
        algorithms: ["RS256"],
        issuer,
        audience: this.#audienceFor(issuer),
        requiredClaims: ["sub", "exp", "iat", "jti"],
        currentDate: new Date(now),
        clockTolerance: 0,
      });
      if ((payload.iat as number) * 1000 > now + MAX_CLOCK_SKEW_MS) {
        return { ok: false, failure: { reason: "invalid", detail: "token issued in the future" } };
      }
      const client = this.#clients.get(payload.sub as string);
      if (!client) return { ok: false, failure: { reason: "invalid", detail: "client no longer exists" } };
      const principal: Principal = {
        subject: client.id,
        clientId: client.id,
        roles: client.roles ?? [],
        grants: grantsOf(client),
        ...(client.organizationId ? { organizationId: client.organizationId } : {}),
      };
      const expiresAt = (payload.exp as number) * 1000;
      this.#cache.set(cacheKey, principal, expiresAt);
      return { ok: true, principal, expiresAt };
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired)
        return { ok: false, failure: { reason: "expired", detail: "token has expired" } };
      return {
        ok: false,
        failure: {
          reason: "invalid",
          detail: e instanceof joseErrors.JOSEError ? e.code : "verification failed",
        },
      };
    }
  }

  async jwks() {
    return this.#keys.jwks;
  }
}
