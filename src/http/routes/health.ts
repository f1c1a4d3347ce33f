import { Hono } from "hono";
import type { EventsService } from "../../events/service.ts";
import type { Store } from "../../store/store.ts";
import type { AppEnv } from "../env.ts";
import type { ResponseCache } from "../response-cache.ts";

/**
 * `GET /health` (the process answers) and `GET /ready` (the store answers too; with `events`, the
 * outbox delivery counts by status are added as `details.events`; with a response cache, its
 * hits, misses, entries and bytes as `details.responseCache`).
 */
export function healthRoutes(store: Store, events?: EventsService, cache?: ResponseCache): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    try {
      await store.ping();
      const counts = await events?.counts().catch(() => undefined);
      const details = {
        ...(counts ? { events: counts } : {}),
        ...(cache?.enabled && store.dataVersion ? { responseCache: cache.stats } : {}),
      };
      return c.json({
        status: "ready",
        checks: { store: "ok" },
        ...(Object.keys(details).length > 0 ? { details } : {}),
      });
    } catch {
      return c.json({ status: "unavailable", checks: { store: "unavailable" } }, 503, { "retry-after": "5" });
    }
  });
  return app;
}
