import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { Principal } from "../../auth/principal.ts";
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
 * Writes the access-log line of one request (`url` absolute, `path` without the query, `started`
 * from `performance.now()`). Used by {@link accessLog} and the raw fast path.
 */
export function logAccess(
  logger: Logger,
  reqId: string,
  method: string,
  path: string,
  url: string,
  status: number,
  started: number,
  principal: Principal | undefined,
): void {
  const query = url.indexOf("?");
  // One object per request, nothing else (no split of the URL, no spread of an optional field).
  const line: AccessLine = {
    reqId,
    method: clip(method, 16),
    path: clip(path),
    queryLength: query < 0 ? 0 : url.length - query,
    status,
    ms: Math.round((performance.now() - started) * 10) / 10,
  };
  if (principal) line.clientId = clip(principal.clientId);
  logger.info(line, "request");
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
    const { req } = c;
    logAccess(
      logger,
      c.get("requestId"),
      req.method,
      req.path,
      req.url,
      c.res.status,
      started,
      c.get("principal"),
    );
  };
}
