import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { clip } from "../../log-fields.ts";
import type { AppEnv } from "../env.ts";

/**
 * One JSON log line per request: id, method, path (never the query string, which may carry
 * identifiers), status, duration and client id. Headers and bodies are never logged, so tokens and
 * secrets cannot leak into logs. Path and client id are clipped to a bound ({@link clip}).
 */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const principal = c.get("principal");
    logger.info(
      {
        reqId: c.get("requestId"),
        method: clip(c.req.method, 16),
        path: clip(c.req.path),
        queryLength: c.req.url.length - c.req.url.split("?")[0]!.length,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(principal ? { clientId: clip(principal.clientId) } : {}),
      },
      "request",
    );
  };
}
