import type { MiddlewareHandler } from "hono";
import { clip } from "../../log-fields.ts";
import type { AppEnv } from "../env.ts";
import {
  type AnyRequest,
  effectiveScheme,
  hostAllowed,
  type PublicUrlOptions,
  requestedHost,
} from "../request-context.ts";
import { jsonErrorResponse, oauthErrorResponse } from "../responses.ts";

/** Paths answered for any host: load balancers and orchestrators probe them by address. */
const PROBES = new Set(["/health", "/ready"]);

/**
 * The host a request asked for when `options.allowedHosts` does not list it (so it must be refused
 * with 421), else `undefined`. `path` is the request path without the route prefix: `/health` and
 * `/ready` are answered for every host. Used by {@link hostGuard} and the raw fast path.
 */
export function misdirectedHost(c: AnyRequest, path: string, options: PublicUrlOptions): string | undefined {
  const allowed = options.allowedHosts;
  if (!allowed || PROBES.has(path)) return undefined;
  const host = requestedHost(c, options);
  return hostAllowed(host, allowed, effectiveScheme(c, options)) ? undefined : host;
}

/**
 * Host trust (issue 15, finding 7): with `options.allowedHosts`, a request for any other host
 * (`Host`, or a trusted proxy's `X-Forwarded-Host`) is refused with 421 Misdirected Request
 * (RFC 9110 §15.5.20) before anything is built from it, so discovery, issuer and `Link` URLs can
 * never name an attacker's host. `/health` and `/ready` are answered for every host. On the
 * token endpoint the body is an OAuth2 error, elsewhere `{code, message}`.
 */
export function hostGuard(options: PublicUrlOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!options.allowedHosts) return next();
    const path = c.req.path.slice(options.pathPrefix.length);
    const host = misdirectedHost(c, path, options);
    if (host === undefined) return next();
    const message = `Host ${JSON.stringify(clip(host, 100))} is not served here; use the host's public URL`;
    return path === "/auth/token"
      ? oauthErrorResponse(c, 421, "invalid_request", message)
      : jsonErrorResponse(c, 421, "BadRequest", message);
  };
}
