import { Hono } from "hono";
import { parseEvent } from "../../protocol/cloudevents.ts";
import { parseEventV3 } from "../../protocol/cloudevents-v3.ts";
import type { AppDependencies, AppEnv } from "../env.ts";
import { authenticate } from "../middleware/authenticate.ts";
import { onlyQueryParams } from "../query-params.ts";
import { pactErrorResponse } from "../responses.ts";

/**
 * `POST /2/events` and `POST /3/events`: CloudEvents 1.0 (structured JSON). A valid event is persisted before we answer
 * 200 with an empty body, so an accepted request is never lost; fulfilment is asynchronous.
 */
export function eventRoutes(deps: AppDependencies): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const noQuery = onlyQueryParams({ route: "POST /2/events", names: [] });
  app.post("/2/events", authenticate(deps.auth, "events"), noQuery, async (c) => {
    const body = await c.req.text();
    const parsed = parseEvent(c.req.header("content-type"), body);
    if (!parsed.ok) return pactErrorResponse(c, parsed.error);
    const event = parsed.value;
    await deps.store.recordInboundEvent({
      id: event.id,
      source: event.source,
      type: event.type,
      body,
      receivedFrom: c.get("principal").clientId,
    });
    // Answers and records are durable before the 200; a crash before it makes the sender retry,
    // and both writes are idempotent per (source, id).
    await deps.events?.handleInbound(event, c.get("principal"));
    return c.body(null, 200);
  });
  // PACT v3: the same flow with the v3 event types; request events are answered at the
  // requester's `/3/events` with v3 events and v3 footprints.
  app.post("/3/events", authenticate(deps.auth, "events-v3"), async (c) => {
    const body = await c.req.text();
    const parsed = parseEventV3(c.req.header("content-type"), body);
    if (!parsed.ok) return pactErrorResponse(c, parsed.error);
    const event = parsed.value;
    await deps.store.recordInboundEvent({
      id: event.id,
      source: event.source,
      type: event.type,
      body,
      receivedFrom: c.get("principal").clientId,
    });
    await deps.events?.handleInbound(event, c.get("principal"));
    return c.body(null, 200);
  });
  return app;
}
