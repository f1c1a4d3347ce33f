import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../env.ts";
import { jsonErrorResponse, oauthErrorResponse } from "../responses.ts";

/**
 * A limit's refusal: an OAuth2 error body (RFC 6749 §5.2, `invalid_request`) on the token
 * endpoint, whose clients parse `{"error":…}`; the PACT-shaped `{code, message}` elsewhere.
 */
function refusal(c: Context<AppEnv>, status: number, message: string, oauthPath: string | undefined) {
  return oauthPath !== undefined && c.req.path === oauthPath
    ? oauthErrorResponse(c, status, "invalid_request", message)
    : jsonErrorResponse(c, status, "BadRequest", message);
}

/** Whether the request target (path + query) of absolute `url` is longer than `maxUrlBytes` (UTF-8). */
export function urlTooLong(url: string, maxUrlBytes: number): boolean {
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  const target = url.slice(pathStart);
  // Every UTF-16 unit is at least one UTF-8 byte and at most three: skip the count when it cannot matter.
  if (target.length * 3 <= maxUrlBytes) return false;
  return Buffer.byteLength(target) > maxUrlBytes;
}

/**
 * Refuses URLs (path + query) longer than `maxUrlBytes` with 414 and a JSON body (OAuth-shaped on
 * `oauthPath`, the token endpoint's path incl. prefix; default: none).
 */
export function urlLimit(maxUrlBytes: number, oauthPath?: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (urlTooLong(c.req.url, maxUrlBytes)) {
      return refusal(c, 414, `Request URL is longer than ${maxUrlBytes} bytes`, oauthPath);
    }
    await next();
  };
}

const WITHOUT_BODY = new Set(["GET", "HEAD", "OPTIONS"]);

/** A different body limit for the requests whose path starts with `pathPrefix` (e.g. the admin API). */
export interface BodyLimitOverride {
  readonly pathPrefix: string;
  readonly maxBodyBytes: number;
}

function limitOf(maxBodyBytes: number, oauthPath: string | undefined): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) =>
      refusal(c as Context<AppEnv>, 413, `Request body is larger than ${maxBodyBytes} bytes`, oauthPath),
  });
}

/**
 * Refuses bodies over `maxBodyBytes` (declared or streamed) with 413 and a JSON error body; a
 * request whose path starts with an override's `pathPrefix` gets that override's limit instead
 * (first match wins). Requests whose method carries no body skip the check (it would materialise
 * the request stream). Default overrides: none. On `oauthPath` (the token endpoint) the 413 body is
 * an OAuth2 error.
 */
export function requestBodyLimit(
  maxBodyBytes: number,
  overrides: readonly BodyLimitOverride[] = [],
  oauthPath?: string,
): MiddlewareHandler<AppEnv> {
  const limit = limitOf(maxBodyBytes, oauthPath);
  const special = overrides.map((o) => ({
    prefix: o.pathPrefix,
    limit: limitOf(o.maxBodyBytes, oauthPath),
  }));
  return (c, next) => {
    if (WITHOUT_BODY.has(c.req.method)) return next();
    const path = c.req.path;
    return (special.find((o) => path.startsWith(o.prefix))?.limit ?? limit)(c, next);
  };
}
