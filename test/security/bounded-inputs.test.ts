/**
 * Issue 15, finding 8: request-derived log fields are bounded (a 100,000-character event `id` was
 * logged whole); a repeated `grant_type` is refused (RFC 6749 §3.2); 413, 414 and 431 on
 * `/auth/token` answer an OAuth2 error body (`{"error":…}`), elsewhere `{code, message}`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { clip, MAX_LOG_FIELD } from "../../src/log-fields.ts";
import { basic, getToken, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

const FORM = "application/x-www-form-urlencoded";

describe("bounded inputs (issue 15, finding 8)", () => {
  let server: RunningDemoServer;
  before(async () => {
    server = await startDemoServer();
  });
  after(() => server.close());

  it("clip keeps short values and marks what it cut", () => {
    assert.equal(clip("abc"), "abc");
    const long = clip("x".repeat(1000));
    assert.equal(long, `${"x".repeat(MAX_LOG_FIELD)}…(+${1000 - MAX_LOG_FIELD} chars)`);
  });

  it("a 100,000-character event id and source, and a long path, are logged clipped", async () => {
    const token = await getToken(server.baseUrl, "hello", "pathfinder");
    const id = `evt-${"i".repeat(100_000)}`;
    const source = `https://peer.example/${"s".repeat(100_000)}`;
    const res = await send(`${server.baseUrl}/2/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/cloudevents+json" },
      body: JSON.stringify({
        specversion: "1.0",
        id,
        source,
        type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
        data: { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] },
      }),
    });
    assert.equal(res.status, 200, res.text);
    await send(`${server.baseUrl}/${"p".repeat(6000)}`);
    const recorded = server.logs.lines.find((l) => l.includes("published event recorded"));
    assert.ok(recorded, "the event was logged");
    const fields = JSON.parse(recorded) as { eventId: string; source: string };
    assert.ok(fields.eventId.startsWith("evt-iii"));
    assert.ok(fields.eventId.length < 300, `eventId logged with ${fields.eventId.length} chars`);
    assert.ok(fields.source.length < 300, `source logged with ${fields.source.length} chars`);
    const longest = Math.max(...server.logs.lines.map((l) => l.length));
    assert.ok(longest < 2000, `longest log line ${longest} chars`);
  });

  it("refuses a repeated grant_type (and any repeated parameter) with invalid_request", async () => {
    for (const body of [
      "grant_type=client_credentials&grant_type=client_credentials",
      "grant_type=client_credentials&scope=a&scope=b",
    ]) {
      const res = await send(`${server.baseUrl}/auth/token`, {
        method: "POST",
        headers: { authorization: basic("hello", "pathfinder"), "content-type": FORM },
        body,
      });
      assert.equal(res.status, 400, body);
      assert.equal((res.json as { error: string }).error, "invalid_request", body);
      assert.equal(res.headers["cache-control"], "no-store");
    }
  });

  it("413, 414 and 431 on /auth/token are OAuth2 errors; elsewhere PACT-shaped", async () => {
    const oauth = (
      res: { status: number; json: unknown; headers: Record<string, unknown> },
      status: number,
    ) => {
      assert.equal(res.status, status);
      const body = res.json as { error?: string; error_description?: string };
      assert.equal(body.error, "invalid_request", `${status}: ${JSON.stringify(body)}`);
      assert.match(String(body.error_description), /larger|longer/);
      assert.equal(res.headers["cache-control"], "no-store");
    };
    const headers = { authorization: basic("hello", "pathfinder"), "content-type": FORM };
    oauth(
      await send(`${server.baseUrl}/auth/token`, {
        method: "POST",
        headers,
        body: `grant_type=client_credentials&x=${"a".repeat(1024 * 1024)}`,
      }),
      413,
    );
    oauth(
      await send(`${server.baseUrl}/auth/token?x=${"a".repeat(9000)}`, {
        method: "POST",
        headers,
        body: "grant_type=client_credentials",
      }),
      414,
    );
    oauth(
      await send(`${server.baseUrl}/auth/token`, {
        method: "POST",
        headers: { ...headers, "x-big": "y".repeat(20_000) },
        body: "grant_type=client_credentials",
      }),
      431,
    );
    const pact = await send(`${server.baseUrl}/health`, { headers: { "x-big": "y".repeat(20_000) } });
    assert.equal(pact.status, 431);
    assert.equal((pact.json as { code: string }).code, "BadRequest");
    assert.equal(pact.headers["x-content-type-options"], "nosniff");
    const long = await send(`${server.baseUrl}/2/footprints?x=${"a".repeat(9000)}`);
    assert.equal(long.status, 414);
    assert.equal((long.json as { code: string }).code, "BadRequest");
  });
});
