import { type Context, Hono } from "hono";
import { type PactEvent, parseEvent } from "../../protocol/cloudevents.ts";
import { type PactV3Event, parseEventV3 } from "../../protocol/cloudevents-v3.ts";
import type { Parsed } from "../../protocol/errors.ts";
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
  /** One flow for both versions; only the parser (event types, data shapes) differs. */
  const receive =
    (parse: (contentType: string | undefined, body: string) => Parsed<PactEvent | PactV3Event>) =>
    async (c: Context<AppEnv>) => {
      const body = await c.req.text();
      const parsed = parse(c.req.header("content-type"), body);
      if (!parsed.ok) return pactErrorResponse(c, parsed.error);
      const event = parsed.value;
      await deps.store.recordInboundEvent({
        id: event.id,
        source: event.source,
        type: event.type,
        body,
        receivedFrom: c.get("principal").clientId,
      });
      // Answers and records are durable before the 200; a crash before it makes the sender
      // retry, and both writes are idempotent per (source, id).
      await deps.events?.handleInbound(event, c.get("principal"));
      return c.body(null, 200);
    };
  app.post(
    "/2/events",
    authenticate(deps.auth, "events"),
    onlyQueryParams({ route: "POST /2/events", names: [] }),
    receive(parseEvent),
  );
  // PACT v3: the v3 event types; request events are answered at the requester's `/3/events`
  // with v3 events and v3 footprints.
  app.post(
    "/3/events",
    authenticate(deps.auth, "events-v3"),
    onlyQueryParams({ route: "POST /3/events", names: [] }),
    receive(parseEventV3),
  );
  return app;
}
