import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { getToken, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

const PREFIX = "org.wbcsd.pathfinder.";

describe("POST /2/events", () => {
  let server: RunningDemoServer;
  let token: string;
  before(async () => {
    server = await startDemoServer();
    token = await getToken(server.baseUrl, "hello", "pathfinder");
  });
  after(() => server.close());

  const post = (body: unknown, contentType = "application/cloudevents+json; charset=UTF-8") =>
    send(`${server.baseUrl}/2/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const event = (type: string, data: unknown, id = `evt-${Math.random()}`) => ({
    specversion: "1.0",
    id,
    source: "https://requester.example",
    time: "2024-05-19T10:30:00Z",
    type: PREFIX + type,
    data,
  });

  it("accepts a request event with 200 and an empty body, and persists it before answering", async () => {
    const res = await post(
      event(
        "ProductFootprintRequest.Created.v1",
        { pf: { productIds: ["urn:pact:null"] }, comment: "x" },
        "req-1",
      ),
    );
    assert.equal(res.status, 200);
    assert.equal(res.text, "");
    const db = new Database(join(server.dataDir, "ileap.sqlite"), { readonly: true });
    try {
      const row = db
        .prepare("SELECT type, source, received_from FROM inbound_events WHERE event_id = ?")
        .get("req-1") as Record<string, string>;
      assert.deepEqual(row, {
        type: `${PREFIX}ProductFootprintRequest.Created.v1`,
        source: "https://requester.example",
        received_from: "hello",
      });
    } finally {
      db.close();
    }
    const again = await post(
      event("ProductFootprintRequest.Created.v1", { pf: { productIds: ["urn:pact:null"] } }, "req-1"),
    );
    assert.equal(again.status, 200, "a re-sent event is accepted idempotently");
  });

  it("accepts published, fulfilled and rejected events and plain application/json", async () => {
    const ok = [
      event("ProductFootprint.Published.v1", { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] }),
      event("ProductFootprintRequest.Fulfilled.v1", { requestEventId: "r", pfs: [] }),
      event("ProductFootprintRequest.Rejected.v1", {
        requestEventId: "r",
        error: { code: "NoSuchFootprint", message: "none" },
      }),
    ];
    for (const e of ok) assert.equal((await post(e)).status, 200, e.type);
    assert.equal((await post(ok[0], "application/json")).status, 200);
  });

  it("refuses malformed events with 400 BadRequest and a message naming the problem", async () => {
    const base = event("ProductFootprint.Published.v1", { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] });
    const cases: [unknown, RegExp][] = [
      [{ ...base, specversion: "0.3" }, /specversion/],
      [{ ...base, id: "" }, /id/],
      [{ ...base, type: "com.example.Other" }, /type/],
      [{ ...base, data: null }, /data/],
      [{ ...base, data: undefined }, /data/],
      [{ ...base, data: { pfIds: ["urn:gtin:4712345060507"] } }, /pfIds|UUID/i],
      [{ ...base, data: { pfIds: [] } }, /pfIds/],
      ["{not json", /JSON/i],
      ["[]", /object/i],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal((res.json as { code: string }).code, "BadRequest");
      assert.match((res.json as { message: string }).message, message);
    }
    const wrongType = await post(base, "text/plain");
    assert.equal(wrongType.status, 400);
  });

  it("refuses a body over the 1 MiB limit with 413 and a JSON body", async () => {
    const big = JSON.stringify({
      ...event("ProductFootprint.Published.v1", { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] }),
      pad: "x".repeat(1024 * 1024),
    });
    const res = await post(big);
    assert.equal(res.status, 413);
    assert.equal((res.json as { code: string }).code, "BadRequest");
  });
});
