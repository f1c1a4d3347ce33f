import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { clip } from "../../log-fields.ts";
import type { AppEnv } from "../env.ts";

/** The fields of one access-log line. */
interface AccessLine {
  readonly reqId: string;
  readonly method: string;
  readonly path: string;
  readonly queryLength: number;
  readonly status: number;
  readonly ms: number;
  clientId?: string;
}

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
    const url = c.req.url;
    const query = url.indexOf("?");
    // One object per request, nothing else (no split of the URL, no spread of an optional field).
    const line: AccessLine = {
      reqId: c.get("requestId"),
      method: clip(c.req.method, 16),
      path: clip(c.req.path),
      queryLength: query < 0 ? 0 : url.length - query,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (principal) line.clientId = clip(principal.clientId);
    logger.info(line, "request");
  };
}
