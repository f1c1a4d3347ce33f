import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../env.ts";
import { jsonErrorResponse } from "../responses.ts";

/** Refuses URLs (path + query) longer than `maxUrlBytes` with 414 and a JSON body. */
export function urlLimit(maxUrlBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = c.req.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    if (Buffer.byteLength(url.slice(pathStart)) > maxUrlBytes) {
      return jsonErrorResponse(414, "BadRequest", `Request URL is longer than ${maxUrlBytes} bytes`);
    }
    await next();
  };
}

/** Refuses bodies over `maxBodyBytes` (declared or streamed) with 413 and a PACT error body. */
export function requestBodyLimit(maxBodyBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => jsonErrorResponse(413, "BadRequest", `Request body is larger than ${maxBodyBytes} bytes`),
  });
}
