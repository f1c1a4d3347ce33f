import { Hono } from "hono";
import { pactError } from "../protocol/errors.ts";
import { InvalidPagePositionError, QueryTimeoutError, StoreUnavailableError } from "../store/store.ts";
import type { AppDependencies, AppEnv } from "./env.ts";
import { createFastPath, registerFastPath } from "./fast-path.ts";
import { accessLog } from "./middleware/access-log.ts";
import { hostGuard } from "./middleware/host-guard.ts";
import { requestBodyLimit, urlLimit } from "./middleware/limits.ts";
import { requireHttps } from "./middleware/require-https.ts";
import { publicBaseUrl } from "./request-context.ts";
import { requestIdFor } from "./request-id.ts";
import { internalError, jsonErrorResponse, pactErrorResponse, unavailableResponse } from "./responses.ts";
import { adminBodyLimit, adminRoutes } from "./routes/admin.ts";
import { discoveryRoutes } from "./routes/discovery.ts";
import { docsRoutes } from "./routes/docs.ts";
import { eventRoutes } from "./routes/events.ts";
import { footprintRoutes } from "./routes/footprints.ts";
import { footprintV3Routes } from "./routes/footprints-v3.ts";
import { healthRoutes } from "./routes/health.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { tadRoutes } from "./routes/tad.ts";
import { TokenEndpoint, tokenRoutes } from "./routes/token.ts";

/**
 * Builds the iLEAP host (PACT v2 + iLEAP v1.0 endpoints) from its dependencies. Web-standard
 * Request/Response: serve it with {@link startHttpServer} or call `app.request()` in tests.
 */
export function createApp(deps: AppDependencies): Hono<AppEnv> {
  const { options, logger } = deps;
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const id = requestIdFor(c.req.header("x-request-id"));
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    c.set("baseUrl", publicBaseUrl(c, options));
    c.header("x-content-type-options", "nosniff");
    await next();
  });
  app.use(accessLog(logger));
  app.use(hostGuard(options));
  const tokenPath = `${options.pathPrefix}/auth/token`;
  app.use(urlLimit(options.limits.maxUrlBytes, tokenPath));
  if (options.requireHttps) app.use(requireHttps(options));
  app.use(requestBodyLimit(options.limits.maxBodyBytes, [adminBodyLimit(options)], tokenPath));

  const api = new Hono<AppEnv>();
  api.route("/", healthRoutes(deps.store, deps.events, deps.responseCache, deps.auth));
  api.route("/", discoveryRoutes(deps.auth));
  const tokenEndpoint = new TokenEndpoint(deps.auth, options);
  api.route("/", tokenRoutes(tokenEndpoint));
  api.route("/", footprintRoutes(deps));
  api.route("/", footprintV3Routes(deps));
  api.route("/", eventRoutes(deps));
  api.route("/", tadRoutes(deps));
  api.route("/", adminRoutes(deps));
  api.route("/", openApiRoutes());
  api.route("/", docsRoutes(options.pathPrefix));
  app.route(options.pathPrefix || "/", api);

  app.notFound((c) =>
    jsonErrorResponse(c, 404, "NotFound", `No route for ${c.req.method} ${c.req.path.slice(0, 200)}`),
  );
  app.onError((err, c) => {
    if (err instanceof InvalidPagePositionError) {
      return pactErrorResponse(
        c,
        pactError("BadRequest", "Invalid page position; follow the Link header URL unchanged"),
      );
    }
    if (err instanceof QueryTimeoutError) {
      logger.warn({ reqId: c.get("requestId"), err: err.message }, "query budget exceeded");
      return unavailableResponse(
        c,
        `${err.message}; retry later, or narrow the request (a filter on an indexed field, a smaller limit)`,
        1,
      );
    }
    if (err instanceof StoreUnavailableError) {
      logger.warn({ reqId: c.get("requestId"), err: err.message }, "store unavailable");
      return unavailableResponse(c, "The data store is temporarily unavailable; retry later");
    }
    if ((err as NodeJS.ErrnoException).code === "ECONNRESET" && err.message === "aborted") {
      // The client went away (or was cut off by the request timeout) before its body was read:
      // nobody reads this answer, and it is not our failure (slow clients must not flood the error log).
      logger.info({ reqId: c.get("requestId") }, "request aborted by the client or the request timeout");
      return jsonErrorResponse(c, 400, "BadRequest", "The request was aborted before its body was received");
    }
    logger.error(
      { reqId: c.get("requestId"), err: { name: err.name, message: err.message, stack: err.stack } },
      "unhandled error",
    );
    const answer = internalError(c.get("requestId"));
    return c.body(answer.body, answer.status, answer.headers);
  });
  if (options.fastPath !== false) registerFastPath(app, createFastPath(deps, tokenEndpoint));
  return app;
}
