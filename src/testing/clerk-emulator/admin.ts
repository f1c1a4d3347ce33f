/**
 * The control surface over HTTP, under `/__emulator/` (local development and tests only; no auth):
 *
 * | method and path                      | body (JSON)                     | answer                          |
 * | ------------------------------------ | ------------------------------- | ------------------------------- |
 * | `GET /__emulator/stats`              |                                 | 200 {@link ClerkEmulatorStats}  |
 * | `GET /__emulator/faults`             |                                 | 200 `{ faults: InjectedFault[] }` |
 * | `POST /__emulator/faults`            | {@link FaultSpec}               | 201 {@link InjectedFault}; 400 `{ error }` |
 * | `DELETE /__emulator/faults`          |                                 | 204 (all removed, hangs released) |
 * | `DELETE /__emulator/faults/{id}`     |                                 | 204, or 404 `{ error }`         |
 * | `POST /__emulator/reset`             | {@link ResetOptions} (optional) | 200 `{ ok: true }`              |
 * | `POST /__emulator/keys/rotate`       | `{ keepPrevious?: boolean }`    | 200 `{ kid, kids }`             |
 *
 * These routes are not counted in stats and never faulted.
 */
import type { Hono } from "hono";
import { parseFaultSpec } from "./faults.ts";
import type { EmulatorEnv } from "./routes.ts";
import type { EmulatorRuntime } from "./runtime.ts";
import type { ClerkEmulatorStats, FaultSpec, InjectedFault, ResetOptions } from "./types.ts";

/** Reads an optional JSON object body; `undefined` when empty. */
async function jsonBody(req: Request): Promise<Record<string, unknown> | undefined> {
  const text = await req.text();
  if (text.trim() === "") return undefined;
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TypeError("body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function flags(body: Record<string, unknown> | undefined): ResetOptions {
  const pick = (k: keyof ResetOptions): boolean | undefined => {
    const v = body?.[k];
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") throw new TypeError(`${k} must be a boolean`);
    return v;
  };
  const out: { -readonly [K in keyof ResetOptions]: ResetOptions[K] } = {};
  for (const k of ["lockouts", "rateLimits", "faults", "stats", "sessions"] as const) {
    const v = pick(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function registerAdminRoutes(app: Hono<EmulatorEnv>, rt: EmulatorRuntime): void {
  const bad = (e: unknown): Response =>
    Response.json({ error: e instanceof Error ? e.message : "invalid request" }, { status: 400 });

  app.get("/__emulator/stats", (c) => c.json<ClerkEmulatorStats>(rt.stats.snapshot()));
  app.get("/__emulator/faults", (c) => c.json<{ faults: InjectedFault[] }>({ faults: rt.faults.list() }));
  app.post("/__emulator/faults", async (c) => {
    try {
      const spec: FaultSpec = parseFaultSpec(await jsonBody(c.req.raw));
      return c.json<InjectedFault>(rt.faults.add(spec), 201);
    } catch (e) {
      return bad(e);
    }
  });
  app.delete("/__emulator/faults", (c) => {
    rt.faults.clear();
    rt.hangs.releaseAll();
    return c.body(null, 204);
  });
  app.delete("/__emulator/faults/:id", (c) =>
    rt.faults.remove(c.req.param("id")) ? c.body(null, 204) : c.json({ error: "no such fault" }, 404),
  );
  app.post("/__emulator/reset", async (c) => {
    try {
      rt.reset(flags(await jsonBody(c.req.raw)));
      return c.json({ ok: true });
    } catch (e) {
      return bad(e);
    }
  });
  app.post("/__emulator/keys/rotate", async (c) => {
    try {
      const body = await jsonBody(c.req.raw);
      const keep = body?.keepPrevious;
      if (keep !== undefined && typeof keep !== "boolean")
        throw new TypeError("keepPrevious must be a boolean");
      const kid = rt.keys.rotate({ keepPrevious: keep !== false });
      return c.json({ kid, kids: rt.keys.kids });
    } catch (e) {
      return bad(e);
    }
  });
}
