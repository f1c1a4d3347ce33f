import type { MiddlewareHandler } from "hono";
import type { AuthProvider } from "../../auth/provider.ts";
import type { AppEnv } from "../env.ts";
import { pactErrorResponse, unavailableResponse } from "../responses.ts";
import { authFailureError, type Surface } from "../status-matrix.ts";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer …` header (RFC 6750 §2.1 syntax), else `undefined`. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/**
 * Verifies the bearer token and sets `principal`, or answers with the surface's status-matrix
 * error; 503 with `Retry-After` when the provider cannot verify tokens right now.
 */
export function authenticate(auth: AuthProvider, surface: Surface): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header("authorization"));
    if (token === undefined) return pactErrorResponse(c, authFailureError(surface, { kind: "missing" }));
    const result = await auth.verifyToken(token, { publicBaseUrl: c.get("baseUrl") });
    if (!result.ok) {
      const { failure } = result;
      if (failure.reason === "unavailable") {
        // Not the token's fault: the client should retry with the same token, not discard it.
        return unavailableResponse(
          c,
          "The access token cannot be verified right now (identity provider unavailable); retry later",
          failure.retryAfterSeconds,
        );
      }
      return pactErrorResponse(c, authFailureError(surface, { kind: "verify", failure }));
    }
    c.set("principal", result.principal);
    await next();
  };
}
