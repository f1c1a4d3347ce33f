import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { parseTadFilter } from "../../protocol/tad-filter.ts";
import type { AppDependencies, AppEnv } from "../env.ts";
import { canReadTad } from "../grants.ts";
import { authenticate } from "../middleware/authenticate.ts";
import { PAGE_TOKEN_PARAM, pageResponse, parseListingQuery } from "../pagination.ts";
import { onlyQueryParams } from "../query-params.ts";
import { cacheResponses } from "../response-cache.ts";
import { pactErrorResponse } from "../responses.ts";
import { noPermissionError } from "../status-matrix.ts";

const RESERVED = new Set(["limit", PAGE_TOKEN_PARAM]);

/** `GET /2/ileap/tad`: Transport Activity Data with query-pair filters (ANDed), `limit` and `Link`. */
export function tadRoutes(deps: AppDependencies): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const tadGrant = createMiddleware<AppEnv>(async (c, next) => {
    if (!canReadTad(c.get("principal")))
      return pactErrorResponse(c, noPermissionError("transport activity data"));
    await next();
  });
  app.get(
    "/2/ileap/tad",
    authenticate(deps.auth, "tad"),
    tadGrant,
    // TAD filters are `field=value` pairs: names starting with `$` (OData options such as `$top`,
    // `$filter`) are no TAD field and would otherwise be dropped; other unknown names are left to
    // the filter parser (400 `NotImplemented`, PROTOCOL.md §5).
    onlyQueryParams({
      route: "GET /2/ileap/tad",
      names: ["limit", PAGE_TOKEN_PARAM],
      accepts: (name) => !name.startsWith("$"),
      describe: `TAD field names (e.g. mode, origin.country), limit, ${PAGE_TOKEN_PARAM}`,
    }),
    cacheResponses(deps.store, deps.responseCache),
    async (c) => {
      const principal = c.get("principal");
      const listing = parseListingQuery(c, "tad", deps.options, deps.pageTokens);
      if (!listing.ok) return pactErrorResponse(c, listing.error);
      const query = listing.value;
      const filter = parseTadFilter(query.pairs, RESERVED);
      if (!filter.ok) return pactErrorResponse(c, filter.error);
      const page = await deps.store.listTad({
        principal,
        filter: filter.value,
        limit: query.pageSize,
        ...(query.after !== undefined ? { after: query.after } : {}),
      });
      return pageResponse(c, "/2/ileap/tad", query, deps.pageTokens, page);
    },
  );
  return app;
}
