import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../env.ts";
import { jsonErrorResponse } from "../responses.ts";

/** Refuses URLs (path + query) longer than `maxUrlBytes` with 414 and a JSON body. */
export function urlLimit(maxUrlBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = c.req.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    if (Buffer.byteLength(url.slice(pathStart)) > maxUrlBytes) {
      return jsonErrorResponse(c, 414, "BadRequest", `Request URL is longer than ${maxUrlBytes} bytes`);
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

function limitOf(maxBodyBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) =>
      jsonErrorResponse(
        c as Context<AppEnv>,
        413,
        "BadRequest",
        `Request body is larger than ${maxBodyBytes} bytes`,
      ),
  });
}

/**
 * Refuses bodies over `maxBodyBytes` (declared or streamed) with 413 and a JSON error body; a
 * request whose path starts with an override's `pathPrefix` gets that override's limit instead
 * (first match wins). Requests whose method carries no body skip the check (it would materialise
 * the request stream). Default overrides: none.
 */
export function requestBodyLimit(
  maxBodyBytes: number,
  overrides: readonly BodyLimitOverride[] = [],
): MiddlewareHandler<AppEnv> {
  const limit = limitOf(maxBodyBytes);
  const special = overrides.map((o) => ({ prefix: o.pathPrefix, limit: limitOf(o.maxBodyBytes) }));
  return (c, next) => {
    if (WITHOUT_BODY.has(c.req.method)) return next();
    const path = c.req.path;
    return (special.find((o) => path.startsWith(o.prefix))?.limit ?? limit)(c, next);
  };
}
