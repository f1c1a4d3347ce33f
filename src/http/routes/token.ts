import { Hono } from "hono";
import type { AuthProvider } from "../../auth/provider.ts";
import { parseBasicCredentials } from "../../protocol/basic-auth.ts";
import type { AppEnv } from "../env.ts";
import { remoteAddress } from "../request-context.ts";
import { NO_STORE, oauthErrorResponse } from "../responses.ts";

const FORM = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;

/** `POST /auth/token`: OAuth2 client-credentials grant with HTTP Basic client authentication. */
export function tokenRoutes(auth: AuthProvider): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/auth/token", async (c) => {
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
