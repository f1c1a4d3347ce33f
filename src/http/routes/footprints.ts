import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { pactError } from "../../protocol/errors.ts";
import { parseFootprintFilter } from "../../protocol/odata-filter.ts";
import type { AppDependencies, AppEnv } from "../env.ts";
import { canReadFootprints } from "../grants.ts";
import { authenticate } from "../middleware/authenticate.ts";
import { PAGE_TOKEN_PARAM, pageResponse, parseListingQuery } from "../pagination.ts";
import { onlyQueryParams } from "../query-params.ts";
import { cacheResponses, markCacheable } from "../response-cache.ts";
import { pactErrorResponse } from "../responses.ts";
import { noPermissionError, unknownFootprintError } from "../status-matrix.ts";

/** `GET /2/footprints` (ListFootprints) and `GET /2/footprints/{id}` (GetFootprint). */
export function footprintRoutes(deps: AppDependencies): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const guard = [
    authenticate(deps.auth, "footprints"),
    createMiddleware<AppEnv>(async (c, next) => {
      if (!canReadFootprints(c.get("principal"))) {
        return pactErrorResponse(c, noPermissionError("product footprints"));
      }
      await next();
    }),
    cacheResponses(deps.store, deps.responseCache),
  ] as const;
  // No silently ignored parameters (checked after the cache: only 200 answers are ever cached).
  const listParams = onlyQueryParams({
    route: "GET /2/footprints",
    names: ["$filter", "limit", PAGE_TOKEN_PARAM],
  });
  const getParams = onlyQueryParams({ route: "GET /2/footprints/{id}", names: [] });

  app.get("/2/footprints", ...guard, listParams, async (c) => {
    const listing = parseListingQuery(c, "footprints", deps.options, deps.pageTokens);
    if (!listing.ok) return pactErrorResponse(c, listing.error);
    const query = listing.value;
    const filters = query.filterPairs.filter(([k]) => k === "$filter");
    if (filters.length > 1)
      return pactErrorResponse(c, pactError("BadRequest", "$filter is given more than once"));
    if (filters[0] !== undefined && filters[0][1].trim() === "")
      return pactErrorResponse(
        c,
        pactError("BadRequest", "$filter is empty; omit the parameter to list every footprint"),
      );
    const filter = parseFootprintFilter(filters[0]?.[1] ?? "");
    if (!filter.ok) return pactErrorResponse(c, filter.error);
    const page = await deps.store.listFootprints({
      principal: c.get("principal"),
      filter: filter.value,
      limit: query.pageSize,
      ...(query.after !== undefined ? { after: query.after } : {}),
    });
    return pageResponse(c, "/2/footprints", query, deps.pageTokens, page);
  });

  app.get("/2/footprints/:id", ...guard, getParams, async (c) => {
    const id = c.req.param("id");
    const notFound = () => pactErrorResponse(c, unknownFootprintError("footprints", id));
    if (id.length > 100) return notFound();
    const doc = await deps.store.getFootprint(id, c.get("principal"));
    return doc === undefined ? notFound() : markCacheable(c, `{"data":${doc}}`);
  });
  return app;
}
