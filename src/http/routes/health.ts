import { Hono } from "hono";
import type { AuthProvider } from "../../auth/provider.ts";
import type { EventsService } from "../../events/service.ts";
import type { Store } from "../../store/store.ts";
import type { AppEnv } from "../env.ts";
import type { ResponseCache } from "../response-cache.ts";
import { ADMIN_ROLE } from "./admin.ts";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * `GET /health` (the process answers) and `GET /ready` (the store answers too). With a bearer
 * token of a principal with the `admin` role (and `auth` given), `/ready` adds `details`: the
 * outbox delivery counts by status (`details.events`, with `events`) and the response cache's hits,
 * misses, entries and bytes (`details.responseCache`). Everyone else gets the plain status (issue
 * 15, finding 9: internal counters are not for anyone who asks); a missing or bad token never
 * changes the status, so probes keep working.
 */
export function healthRoutes(
  store: Store,
  events?: EventsService,
  cache?: ResponseCache,
  auth?: AuthProvider,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const isAdmin = async (header: string | undefined, publicBaseUrl: string): Promise<boolean> => {
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (!auth || token === undefined) return false;
    const result = await auth.verifyToken(token, { publicBaseUrl }).catch(() => undefined);
    return result?.ok === true && result.principal.roles.includes(ADMIN_ROLE);
  };
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    try {
      await store.ping();
    } catch {
      return c.json({ status: "unavailable", checks: { store: "unavailable" } }, 503, { "retry-after": "5" });
    }
    if (!(await isAdmin(c.req.header("authorization"), c.get("baseUrl")))) {
      return c.json({ status: "ready", checks: { store: "ok" } });
    }
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
  });
  return app;
}
