import { type Context, Hono } from "hono";
import type { AuthProvider } from "../../auth/provider.ts";
import { parseBasicCredentials } from "../../protocol/basic-auth.ts";
import type { AppEnv, HttpOptions } from "../env.ts";
import { RateLimiter } from "../rate-limit.ts";
import { clientAddress, remoteAddress } from "../request-context.ts";
import { NO_STORE, oauthErrorResponse } from "../responses.ts";

const FORM = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;

/**
 * `POST /auth/token`: OAuth2 client-credentials grant with HTTP Basic client authentication.
 * With `options`, requests are rate-limited per client address (`limits.tokenRatePerAddress`,
 * behind `trustProxy`) and per client id (`limits.tokenRatePerClient`): 429
 * `temporarily_unavailable` with `Retry-After`. Default (no options): no rate limits.
 */
export function tokenRoutes(
  auth: AuthProvider,
  options?: Pick<HttpOptions, "limits" | "trustProxy">,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const perAddress = new RateLimiter({ perMinute: options?.limits.tokenRatePerAddress ?? 0 });
  const perClient = new RateLimiter({ perMinute: options?.limits.tokenRatePerClient ?? 0 });
  const tooMany = (c: Context<AppEnv>, what: string, retryAfterSeconds: number) =>
    oauthErrorResponse(
      c,
      429,
      "temporarily_unavailable",
      `Too many token requests ${what}; retry later`,
      retryAfterSeconds,
    );
  app.post("/auth/token", async (c) => {
    if (perAddress.enabled) {
      const decision = perAddress.take(clientAddress(c, options?.trustProxy ?? false) ?? "in-process");
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
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await c.req.text());
    } catch {
      return oauthErrorResponse(c, 400, "invalid_request", "The request body is not a readable form");
    }
    const credentials = parseBasicCredentials(c.req.header("authorization"));
    if (!credentials.ok) return oauthErrorResponse(c, 400, "invalid_request", credentials.description);
    if (perClient.enabled) {
      const decision = perClient.take(credentials.clientId);
      if (!decision.allowed) return tooMany(c, "for this client id", decision.retryAfterSeconds);
    }
    const grantType = form.get("grant_type");
    if (grantType === null)
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
    const address = remoteAddress(c);
    const result = await auth.issueToken(
      { clientId: credentials.clientId, clientSecret: credentials.clientSecret },
      {
        form: new Map(form),
        publicBaseUrl: c.get("baseUrl"),
        ...(address ? { remoteAddress: address } : {}),
      },
    );
    if (!result.ok) {
      const f = result.failure;
      return oauthErrorResponse(c, f.status, f.error, f.description, f.retryAfterSeconds);
    }
    return c.json(result.token, 200, NO_STORE);
  });
  return app;
}
