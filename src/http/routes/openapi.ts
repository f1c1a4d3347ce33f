import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { openApiDocumentFor } from "../openapi.ts";
import { jsonTextResponse } from "../responses.ts";

/** `GET /openapi.json`: the OpenAPI 3.1 description of this API, `servers` set to the request's base URL. */
export function openApiRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/openapi.json", (c) =>
    jsonTextResponse(c, JSON.stringify(openApiDocumentFor(c.get("baseUrl"))), {
      "cache-control": "public, max-age=300",
    }),
  );
  return app;
}
