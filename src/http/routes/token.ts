import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CredentialHasher } from "../../auth/credential-hasher.ts";
import { lruByCount } from "../../auth/lru.ts";
import type { AuthProvider, OAuthErrorCode, TokenFailure } from "../../auth/provider.ts";
import { parseBasicCredentials } from "../../protocol/basic-auth.ts";
import type { AppEnv, HttpOptions } from "../env.ts";
import { RateLimiter } from "../rate-limit.ts";
import { clientAddress, remoteAddress } from "../request-context.ts";
import { NO_STORE } from "../responses.ts";

const FORM = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;

/** Credentials that authenticated are remembered this long (as keyed fingerprints) to skip the failure limit. */
const VERIFIED_TTL_MS = 24 * 3600_000;
/** Fingerprints of credentials that authenticated, at most. */
const VERIFIED_MAX = 10_000;

/**
 * The form's parameters (RFC 6749 §3.2: a parameter without a value counts as omitted; none may be
 * sent more than once), or the name of the first repeated one.
 */
function readForm(body: string): { ok: true; form: Map<string, string> } | { ok: false; repeated: string } {
  const form = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (value === "") continue;
    if (form.has(name)) return { ok: false, repeated: name };
    form.set(name, value);
  }
  return { ok: true, form };
}

/** A failure that says the credentials were wrong (as opposed to the provider being unable to decide). */
function isAuthenticationFailure(f: TokenFailure): boolean {
  return f.error === "invalid_client";
}

/** A token request as {@link TokenEndpoint} reads it (from Hono or from the raw fast path). */
export interface TokenRequest {
  /** `Content-Type` as `Headers.get` reads it. */
  readonly contentType: string | undefined;
  /** `Authorization` as `Headers.get` reads it. */
  readonly authorization: string | undefined;
  /** Reads the whole body as text (UTF-8, as `Request.text()`); rejects when it cannot be read. */
  readonly body: () => Promise<string>;
  /** The client's address for the limits (see `clientAddress`); `undefined` in-process. */
  readonly source: string | undefined;
  /** Peer address of the connection; `undefined` in-process. */
  readonly peer: string | undefined;
  /** Public base URL of the request. */
  readonly baseUrl: string;
}

/** An answer of the token endpoint: every one is JSON with `Cache-Control: no-store`. */
export interface TokenAnswer {
  readonly status: ContentfulStatusCode;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const TOKEN_HEADERS = { "content-type": "application/json", ...NO_STORE } as const;

/** An OAuth2 error answer (RFC 6749 §5.2), as `oauthErrorResponse` writes it. */
function oauthError(
  status: number,
  error: OAuthErrorCode,
  description: string,
  retryAfterSeconds?: number,
): TokenAnswer {
  return {
    status: status as ContentfulStatusCode,
    headers:
      retryAfterSeconds === undefined
        ? TOKEN_HEADERS
        : { ...TOKEN_HEADERS, "retry-after": String(retryAfterSeconds) },
    body: JSON.stringify({ error, error_description: description }),
  };
}

/**
 * `POST /auth/token`: OAuth2 client-credentials grant with HTTP Basic client authentication.
 * Framework-free: the Hono route ({@link tokenRoutes}) and the raw fast path (`fast-path.ts`) call
 * the same instance, so both share its limits and state.
 *
 * Order (so that malformed requests cost nothing and cannot lock a client out): the per-address
 * limit (`limits.tokenRatePerAddress`, every request, address behind `trustProxy`); then the whole
 * request is parsed and validated (content type, form, repeated parameters, Basic header,
 * `grant_type`), answering 400 without touching any per-client budget; then the per-client
 * failure limit (`limits.tokenRatePerClient`): failed authentications per client id *and* source
 * address, so an attacker's wrong secrets never spend the budget of the same client id from
 * another address; credentials that already authenticated on this host (remembered as keyed
 * fingerprints for 24 h) are never throttled by it. A request is charged before the provider
 * runs (so concurrent guesses cannot overshoot; identical credentials in flight from the same
 * address share one charge) and refunded unless it fails with `invalid_client`. Over a limit: 429 `temporarily_unavailable` with `Retry-After`. Provider-
 * agnostic (built-in issuer, Clerk or any {@link AuthProvider}). Default (no options): no limits.
 * Errors of the provider other than typed failures are thrown (the caller answers 500).
 */
export class TokenEndpoint {
  readonly #auth: AuthProvider;
  readonly #perAddress: RateLimiter;
  readonly #failures: RateLimiter;
  readonly #hasher = new CredentialHasher();
  readonly #verified = lruByCount<string, true>(VERIFIED_MAX, { ttl: VERIFIED_TTL_MS });
  /** Attempts in flight per (client id, address, credentials); entries live only while requests do. */
  readonly #inFlight = new Map<string, number>();
  /** Trusted proxies, for the caller's `clientAddress`. */
  readonly trustProxy: boolean | readonly string[];

  constructor(auth: AuthProvider, options?: Pick<HttpOptions, "limits" | "trustProxy">) {
    this.#auth = auth;
    this.#perAddress = new RateLimiter({ perMinute: options?.limits.tokenRatePerAddress ?? 0 });
    this.#failures = new RateLimiter({ perMinute: options?.limits.tokenRatePerClient ?? 0 });
    this.trustProxy = options?.trustProxy ?? false;
  }

  async handle(request: TokenRequest): Promise<TokenAnswer> {
    const tooMany = (what: string, retryAfterSeconds: number) =>
      oauthError(
        429,
        "temporarily_unavailable",
        `Too many token requests ${what}; retry later`,
        retryAfterSeconds,
      );
    const { source, peer } = request;
    const address = source ?? "in-process";
    if (this.#perAddress.enabled) {
      const decision = this.#perAddress.take(address);
      if (!decision.allowed) return tooMany("from this address", decision.retryAfterSeconds);
    }
    const contentType = request.contentType ?? "";
    if (!FORM.test(contentType)) {
      return oauthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
    }
    let parsed: ReturnType<typeof readForm>;
    try {
      parsed = readForm(await request.body());
    } catch {
      return oauthError(400, "invalid_request", "The request body is not a readable form");
    }
    if (!parsed.ok) {
      return oauthError(
        400,
        "invalid_request",
        `Parameter ${JSON.stringify(parsed.repeated.slice(0, 64))} is repeated; each parameter may be sent once (RFC 6749 §3.2)`,
      );
    }
    const form = parsed.form;
    const credentials = parseBasicCredentials(request.authorization);
    if (!credentials.ok) return oauthError(400, "invalid_request", credentials.description);
    const grantType = form.get("grant_type");
    if (grantType === undefined)
      return oauthError(400, "unsupported_grant_type", "grant_type is required; use client_credentials");
    if (grantType !== "client_credentials") {
      return oauthError(
        400,
        "unsupported_grant_type",
        `grant_type ${JSON.stringify(grantType.slice(0, 64))} is not supported; use client_credentials`,
      );
    }
    const failures = this.#failures;
    const credentialKey = this.#hasher.fingerprint(credentials.clientId, credentials.clientSecret);
    const failureKey = this.#hasher.fingerprint(credentials.clientId, address);
    let charged = false;
    // Identical credentials already being checked from this address are one guess, not many:
    // they join that charge (so a client starting many workers at once is not throttled).
    const attemptKey = `${failureKey}\n${credentialKey}`;
    if (failures.enabled && !this.#verified.has(credentialKey) && !this.#inFlight.has(attemptKey)) {
      const decision = failures.take(failureKey);
      if (!decision.allowed) {
        return tooMany(
          "with failed authentication for this client id from this address",
          decision.retryAfterSeconds,
        );
      }
      charged = true;
    }
    const inFlight = this.#inFlight;
    inFlight.set(attemptKey, (inFlight.get(attemptKey) ?? 0) + 1);
    let result: Awaited<ReturnType<AuthProvider["issueToken"]>>;
    try {
      result = await this.#auth.issueToken(
        { clientId: credentials.clientId, clientSecret: credentials.clientSecret },
        {
          form,
          publicBaseUrl: request.baseUrl,
          ...(peer ? { remoteAddress: peer } : {}),
          ...(source ? { sourceAddress: source } : {}),
        },
      );
    } catch (e) {
      if (charged) failures.refund(failureKey);
      throw e;
    } finally {
      const left = (inFlight.get(attemptKey) ?? 1) - 1;
      if (left > 0) inFlight.set(attemptKey, left);
      else inFlight.delete(attemptKey);
    }
    if (!result.ok) {
      const f = result.failure;
      if (charged && !isAuthenticationFailure(f)) failures.refund(failureKey);
      return oauthError(f.status, f.error, f.description, f.retryAfterSeconds);
    }
    if (charged) failures.refund(failureKey);
    this.#verified.set(credentialKey, true);
    return { status: 200, headers: TOKEN_HEADERS, body: JSON.stringify(result.token) };
  }
}

/** The Hono route of a {@link TokenEndpoint}. */
export function tokenRoutes(endpoint: TokenEndpoint): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/auth/token", async (c) => {
    const answer = await endpoint.handle({
      contentType: c.req.header("content-type"),
      authorization: c.req.header("authorization"),
      body: () => c.req.text(),
      source: clientAddress(c, endpoint.trustProxy),
      peer: remoteAddress(c),
      baseUrl: c.get("baseUrl"),
    });
    return c.body(answer.body, answer.status, answer.headers);
  });
  return app;
}
