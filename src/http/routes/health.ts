import { Hono } from "hono";
import type { Store } from "../../store/store.ts";
import type { AppEnv } from "../env.ts";

/** `GET /health` (the process answers) and `GET /ready` (the store answers too). */
export function healthRoutes(store: Store): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    try {
      await store.ping();
      return c.json({ status: "ready", checks: { store: "ok" } });
    } catch {
      return c.json({ status: "unavailable", checks: { store: "unavailable" } }, 503, { "retry-after": "5" });
    }
  });
  return app;
}
