import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { renderFootprint } from "../../model/v3/render.ts";
import { pactError } from "../../protocol/errors.ts";
import { parseV3Criteria } from "../../protocol/v3-filter.ts";
import type { Store } from "../../store/store.ts";
import type { AppDependencies, AppEnv } from "../env.ts";
import { canReadFootprints } from "../grants.ts";
import { authenticate } from "../middleware/authenticate.ts";
import { pageResponse, parseListingQuery } from "../pagination.ts";
import { cacheResponses, markCacheable } from "../response-cache.ts";
import { pactErrorResponse } from "../responses.ts";
import { noPermissionError, unknownFootprintError } from "../status-matrix.ts";

/**
 * PACT v3.0 `GET /3/footprints` (ListFootprints with the v3 criteria) and `GET /3/footprints/{id}`
 * (GetFootprint): the v3 renderings of the stored footprints (README "PACT v3"), with the same
 * token, prefix, limits, pagination and response cache as `/2`, and the v3 column of the status
 * matrix.
 */
export function footprintV3Routes(deps: AppDependencies): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;
  const guard = [
    authenticate(deps.auth, "footprints-v3"),
    createMiddleware<AppEnv>(async (c, next) => {
      if (!canReadFootprints(c.get("principal"))) {
        return pactErrorResponse(c, noPermissionError("product footprints", "footprints-v3"));
      }
      if (!store.getFootprintV3 || !store.listFootprintsV3) {
        return pactErrorResponse(
          c,
          pactError("NotImplemented", "This host's store does not serve PACT v3 footprints", 501),
        );
      }
      await next();
    }),
    cacheResponses(store, deps.responseCache),
  ] as const;

  app.get("/3/footprints", ...guard, async (c) => {
    const listing = parseListingQuery(c, "footprints-v3", deps.options, deps.pageTokens);
    if (!listing.ok) return pactErrorResponse(c, listing.error);
    const query = listing.value;
    const criteria = parseV3Criteria(query.filterPairs);
    if (!criteria.ok) return pactErrorResponse(c, criteria.error);
    const page = await (store.listFootprintsV3 as NonNullable<Store["listFootprintsV3"]>).call(store, {
      principal: c.get("principal"),
      criteria: criteria.value,
      limit: query.pageSize,
      ...(query.after !== undefined ? { after: query.after } : {}),
    });
    return pageResponse(c, "/3/footprints", query, deps.pageTokens, page);
  });

  app.get("/3/footprints/:id", ...guard, async (c) => {
    const id = c.req.param("id");
    const notFound = () => pactErrorResponse(c, unknownFootprintError("footprints-v3", id));
    if (id.length > 100) return notFound();
    const get = store.getFootprintV3 as NonNullable<Store["getFootprintV3"]>; // checked by the guard
    const doc = await get.call(store, id, c.get("principal"));
    if (doc !== undefined) return markCacheable(c, `{"data":${doc}}`);
    // PACT 3.0 GetFootprint: "If it determines that a data recipient is not allowed to access the
    // requested ProductFootprint, the host system MUST return a 403 Forbidden response." A stored
    // footprint that v3 can represent but this client may not see is 403; anything else 404.
    if (await existsInV3(store, id)) {
      return pactErrorResponse(c, noPermissionError("this product footprint", "footprints-v3"));
    }
    return notFound();
  });
  return app;
}

/** Whether footprint `id` is stored (any visibility) and has a v3 rendering (write-side lookup). */
async function existsInV3(store: Store, id: string): Promise<boolean> {
  if (!store.latestFootprints) return false;
  const head = (await store.latestFootprints([id])).get(id);
  if (!head) return false;
  try {
    return (
      renderFootprint(JSON.parse(head.document) as Record<string, unknown>, head.version).v3 !== undefined
    );
  } catch {
    return false;
  }
}
