import type { MiddlewareHandler } from "hono";
import { clip } from "../../log-fields.ts";
import type { AppEnv } from "../env.ts";
import { effectiveScheme, hostAllowed, type PublicUrlOptions, requestedHost } from "../request-context.ts";
import { jsonErrorResponse, oauthErrorResponse } from "../responses.ts";

/** Paths answered for any host: load balancers and orchestrators probe them by address. */
const PROBES = new Set(["/health", "/ready"]);

/**
 * Host trust (issue 15, finding 7): with `options.allowedHosts`, a request for any other host
 * (`Host`, or a trusted proxy's `X-Forwarded-Host`) is refused with 421 Misdirected Request
 * (RFC 9110 §15.5.20) before anything is built from it, so discovery, issuer and `Link` URLs can
 * never name an attacker's host. `/health` and `/ready` are answered for every host. On the
 * token endpoint the body is an OAuth2 error, elsewhere `{code, message}`.
 */
export function hostGuard(options: PublicUrlOptions): MiddlewareHandler<AppEnv> {
  const allowed = options.allowedHosts;
  return async (c, next) => {
    if (!allowed) return next();
    const path = c.req.path.slice(options.pathPrefix.length);
    if (PROBES.has(path)) return next();
    const host = requestedHost(c, options);
    if (hostAllowed(host, allowed, effectiveScheme(c, options))) return next();
    const message = `Host ${JSON.stringify(clip(host, 100))} is not served here; use the host's public URL`;
    return path === "/auth/token"
      ? oauthErrorResponse(c, 421, "invalid_request", message)
      : jsonErrorResponse(c, 421, "BadRequest", message);
  };
}
