import { Hono } from "hono";
import type { EventsService } from "../../events/service.ts";
import type { Store } from "../../store/store.ts";
import type { AppEnv } from "../env.ts";

/**
 * `GET /health` (the process answers) and `GET /ready` (the store answers too; with `events`, the
 * outbox delivery counts by status are added as `details.events`).
 */
export function healthRoutes(store: Store, events?: EventsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    try {
      await store.ping();
      const counts = await events?.counts().catch(() => undefined);
      return c.json({
        status: "ready",
        checks: { store: "ok" },
        ...(counts ? { details: { events: counts } } : {}),
      });
    } catch {
      return c.json({ status: "unavailable", checks: { store: "unavailable" } }, 503, { "retry-after": "5" });
    }
  });
  return app;
}
