import { type Context, Hono } from "hono";
import { LRUCache } from "lru-cache";
import { CredentialHasher } from "../../auth/credential-hasher.ts";
import type { AuthProvider, TokenFailure } from "../../auth/provider.ts";
import { parseBasicCredentials } from "../../protocol/basic-auth.ts";
import type { AppEnv, HttpOptions } from "../env.ts";
import { RateLimiter } from "../rate-limit.ts";
import { clientAddress, remoteAddress } from "../request-context.ts";
import { NO_STORE, oauthErrorResponse } from "../responses.ts";

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

/**
 * `POST /auth/token`: OAuth2 client-credentials grant with HTTP Basic client authentication.
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
 */
export function tokenRoutes(
  auth: AuthProvider,
  options?: Pick<HttpOptions, "limits" | "trustProxy">,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const perAddress = new RateLimiter({ perMinute: options?.limits.tokenRatePerAddress ?? 0 });
  const failures = new RateLimiter({ perMinute: options?.limits.tokenRatePerClient ?? 0 });
  const hasher = new CredentialHasher();
  const verified = new LRUCache<string, true>({ max: VERIFIED_MAX, ttl: VERIFIED_TTL_MS });
  /** Attempts in flight per (client id, address, credentials); entries live only while requests do. */
  const inFlight = new Map<string, number>();
  const tooMany = (c: Context<AppEnv>, what: string, retryAfterSeconds: number) =>
    oauthErrorResponse(
      c,
      429,
      "temporarily_unavailable",
      `Too many token requests ${what}; retry later`,
      retryAfterSeconds,
    );
  app.post("/auth/token", async (c) => {
    const source = clientAddress(c, options?.trustProxy ?? false);
    const address = source ?? "in-process";
    if (perAddress.enabled) {
      const decision = perAddress.take(address);
      if (!decision.allowed) return tooMany(c, "from this address", decision.retryAfterSeconds);
    }
    const contentType = c.req.header("content-type") ?? "";
    if (!FORM.test(contentType)) {
      return oauthErrorResponse(
        c,
        400,
        "invalid_request",
        "Content-Type must be application/x-www-form-urlencoded",
      );
    }
    let parsed: ReturnType<typeof readForm>;
    try {
      parsed = readForm(await c.req.text());
    } catch {
      return oauthErrorResponse(c, 400, "invalid_request", "The request body is not a readable form");
    }
    if (!parsed.ok) {
      return oauthErrorResponse(
        c,
        400,
        "invalid_request",
        `Parameter ${JSON.stringify(parsed.repeated.slice(0, 64))} is repeated; each parameter may be sent once (RFC 6749 §3.2)`,
      );
    }
    const form = parsed.form;
    const credentials = parseBasicCredentials(c.req.header("authorization"));
    if (!credentials.ok) return oauthErrorResponse(c, 400, "invalid_request", credentials.description);
    const grantType = form.get("grant_type");
    if (grantType === undefined)
      return oauthErrorResponse(
        c,
        400,
        "unsupported_grant_type",
        "grant_type is required; use client_credentials",
      );
    if (grantType !== "client_credentials") {
      return oauthErrorResponse(
        c,
        400,
        "unsupported_grant_type",
        `grant_type ${JSON.stringify(grantType.slice(0, 64))} is not supported; use client_credentials`,
      );
    }
    const credentialKey = hasher.fingerprint(credentials.clientId, credentials.clientSecret);
    const failureKey = hasher.fingerprint(credentials.clientId, address);
    let charged = false;
    // Identical credentials already being checked from this address are one guess, not many:
    // they join that charge (so a client starting many workers at once is not throttled).
    const attemptKey = `${failureKey}\n${credentialKey}`;
    if (failures.enabled && !verified.has(credentialKey) && !inFlight.has(attemptKey)) {
      const decision = failures.take(failureKey);
      if (!decision.allowed) {
        return tooMany(
          c,
          "with failed authentication for this client id from this address",
          decision.retryAfterSeconds,
        );
      }
      charged = true;
    }
    inFlight.set(attemptKey, (inFlight.get(attemptKey) ?? 0) + 1);
    const peer = remoteAddress(c);
    let result: Awaited<ReturnType<AuthProvider["issueToken"]>>;
    try {
      result = await auth.issueToken(
        { clientId: credentials.clientId, clientSecret: credentials.clientSecret },
        {
          form,
          publicBaseUrl: c.get("baseUrl"),
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
      return oauthErrorResponse(c, f.status, f.error, f.description, f.retryAfterSeconds);
    }
    if (charged) failures.refund(failureKey);
    verified.set(credentialKey, true);
    return c.json(result.token, 200, NO_STORE);
  });
  return app;
}
