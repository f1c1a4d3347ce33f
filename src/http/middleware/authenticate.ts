import type { MiddlewareHandler } from "hono";
import type { AuthProvider } from "../../auth/provider.ts";
import type { AppEnv } from "../env.ts";
import { pactErrorResponse } from "../responses.ts";
import { authFailureError, type Surface } from "../status-matrix.ts";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Verifies the bearer token and sets `principal`, or answers with the surface's status-matrix error. */
export function authenticate(auth: AuthProvider, surface: Surface): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (token === undefined) return pactErrorResponse(c, authFailureError(surface, { kind: "missing" }));
    const result = await auth.verifyToken(token, { publicBaseUrl: c.get("baseUrl") });
    if (!result.ok)
      return pactErrorResponse(c, authFailureError(surface, { kind: "verify", failure: result.failure }));
    c.set("principal", result.principal);
    await next();
  };
}
