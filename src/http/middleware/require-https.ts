import type { MiddlewareHandler } from "hono";
import { pactError } from "../../protocol/errors.ts";
import type { AppEnv, HttpOptions } from "../env.ts";
import { type AnyRequest, effectiveScheme } from "../request-context.ts";
import { oauthErrorResponse, pactErrorResponse } from "../responses.ts";

/**
 * Whether `options.requireHttps` refuses this request: it arrived as plain HTTP (the connection's
 * scheme, or a trusted proxy's `X-Forwarded-Proto`) and its path (without the route prefix) is not
 * a probe (`/health`, `/ready`). Used by {@link requireHttps} and the raw fast path.
 */
export function refusedAsPlainHttp(
  c: AnyRequest,
  path: string,
  options: Pick<HttpOptions, "requireHttps" | "trustProxy" | "pathPrefix">,
): boolean {
  if (!options.requireHttps || path === "/health" || path === "/ready") return false;
  return effectiveScheme(c, options) !== "https";
}

/** Refuses plain-HTTP requests (see {@link refusedAsPlainHttp}): OAuth2 400 on the token endpoint, else PACT 400. */
export function requireHttps(options: HttpOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = c.req.path.slice(options.pathPrefix.length);
    if (!refusedAsPlainHttp(c, path, options)) return next();
    const message = "HTTPS is required; this request arrived over plain HTTP and was not processed";
    return path === "/auth/token"
      ? oauthErrorResponse(c, 400, "invalid_request", message)
      : pactErrorResponse(c, pactError("BadRequest", message));
  };
}
