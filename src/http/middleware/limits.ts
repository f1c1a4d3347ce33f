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

/**
 * Refuses bodies over `maxBodyBytes` (declared or streamed) with 413 and a JSON error body. Requests
 * whose method carries no body skip the check (it would materialise the request stream).
 */
export function requestBodyLimit(maxBodyBytes: number): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) =>
      jsonErrorResponse(
        c as Context<AppEnv>,
        413,
        "BadRequest",
        `Request body is larger than ${maxBodyBytes} bytes`,
      ),
  });
  return (c, next) => (WITHOUT_BODY.has(c.req.method) ? next() : limit(c, next));
}
