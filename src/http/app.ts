import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { pactError } from "../protocol/errors.ts";
import { InvalidPagePositionError, StoreUnavailableError } from "../store/store.ts";
import type { AppDependencies, AppEnv } from "./env.ts";
import { accessLog } from "./middleware/access-log.ts";
import { hostGuard } from "./middleware/host-guard.ts";
import { requestBodyLimit, urlLimit } from "./middleware/limits.ts";
import { effectiveScheme, publicBaseUrl } from "./request-context.ts";
import {
  jsonErrorResponse,
  oauthErrorResponse,
  pactErrorResponse,
  unavailableResponse,
} from "./responses.ts";
import { adminBodyLimit, adminRoutes } from "./routes/admin.ts";
import { discoveryRoutes } from "./routes/discovery.ts";
import { eventRoutes } from "./routes/events.ts";
import { footprintRoutes } from "./routes/footprints.ts";
import { healthRoutes } from "./routes/health.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { tadRoutes } from "./routes/tad.ts";
import { tokenRoutes } from "./routes/token.ts";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the iLEAP host (PACT v2 + iLEAP v1.0 endpoints) from its dependencies. Web-standard
 * Request/Response: serve it with {@link startHttpServer} or call `app.request()` in tests.
 */
export function createApp(deps: AppDependencies): Hono<AppEnv> {
  const { options, logger } = deps;
  const app = new Hono<AppEnv>();

  app.use(
    requestId({
      generator: (c) => {
        const given = c.req.header("x-request-id");
        return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
      },
    }),
  );
  app.use(async (c, next) => {
    c.set("baseUrl", publicBaseUrl(c, options));
    c.header("x-content-type-options", "nosniff");
    await next();
  });
  app.use(accessLog(logger));
  app.use(hostGuard(options));
  const tokenPath = `${options.pathPrefix}/auth/token`;
  app.use(urlLimit(options.limits.maxUrlBytes, tokenPath));
  if (options.requireHttps) {
    app.use(async (c, next) => {
      const path = c.req.path.slice(options.pathPrefix.length);
      if (effectiveScheme(c, options) === "https" || path === "/health" || path === "/ready") return next();
      const message = "HTTPS is required; this request arrived over plain HTTP and was not processed";
      return path === "/auth/token"
        ? oauthErrorResponse(c, 400, "invalid_request", message)
        : pactErrorResponse(c, pactError("BadRequest", message));
    });
  }
  app.use(requestBodyLimit(options.limits.maxBodyBytes, [adminBodyLimit(options)], tokenPath));

  const api = new Hono<AppEnv>();
  api.route("/", healthRoutes(deps.store, deps.events, deps.responseCache, deps.auth));
  api.route("/", discoveryRoutes(deps.auth));
  api.route("/", tokenRoutes(deps.auth, options));
  api.route("/", footprintRoutes(deps));
  api.route("/", eventRoutes(deps));
  api.route("/", tadRoutes(deps));
  api.route("/", adminRoutes(deps));
  api.route("/", openApiRoutes());
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
    return pactErrorResponse(
      c,
      pactError("InternalError", `Internal error (request id ${c.get("requestId")})`),
    );
  });
  return app;
}
