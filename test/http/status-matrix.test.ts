import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expiredToken, forgedTokens } from "../helpers/forge.ts";
import { getToken, send, type WireResponse } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

const EVENT = JSON.stringify({
  specversion: "1.0",
  id: "evt-1",
  source: "https://requester.example",
  type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
  data: { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] },
});

const EVENT_V3 = JSON.stringify({
  specversion: "1.0",
  id: "evt-v3-1",
  source: "https://requester.example",
  time: "2025-05-01T00:00:00Z",
  type: "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
  data: { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] },
});

function assertPactError(res: WireResponse, status: number, code: string, label: string) {
  assert.equal(res.status, status, `${label}: status (body ${res.text})`);
  assert.match(String(res.headers["content-type"]), /^application\/json/, `${label}: content type`);
  const body = res.json as { code: string; message: string };
  assert.equal(body.code, code, `${label}: code`);
  assert.ok(body.message.length > 0, `${label}: message`);
}

describe("authentication status matrix (PROTOCOL.md §2, §9)", () => {
  let server: RunningDemoServer;
  let valid: string;
  let footprintId: string;
  let forged: Record<string, string>;
  let expired: string;
  before(async () => {
    server = await startDemoServer();
    valid = await getToken(server.baseUrl, "hello", "pathfinder");
    const list = await send(`${server.baseUrl}/2/footprints?limit=1`, {
      headers: { authorization: `Bearer ${valid}` },
    });
    footprintId = (list.json as { data: { id: string }[] }).data[0]!.id;
    forged = await forgedTokens(server.dataDir, server.baseUrl, valid);
    expired = await expiredToken(server.dataDir, server.baseUrl);
  });
  after(() => server.close());

  const surfaces = () => [
    {
      name: "ListFootprints",
      url: `${server.baseUrl}/2/footprints`,
      method: "GET",
      invalid: [400, "BadRequest"] as const,
    },
    {
      name: "GetFootprint",
      url: `${server.baseUrl}/2/footprints/${footprintId}`,
      method: "GET",
      invalid: [400, "BadRequest"] as const,
    },
    {
      name: "Events",
      url: `${server.baseUrl}/2/events`,
      method: "POST",
      invalid: [400, "BadRequest"] as const,
    },
    {
      name: "TAD",
      url: `${server.baseUrl}/2/ileap/tad`,
      method: "GET",
      invalid: [403, "AccessDenied"] as const,
    },
    {
      name: "ListFootprints v3",
      url: `${server.baseUrl}/3/footprints`,
      method: "GET",
      invalid: [401, "BadRequest"] as const,
    },
    {
      name: "GetFootprint v3",
      url: `${server.baseUrl}/3/footprints/${footprintId}`,
      method: "GET",
      invalid: [401, "BadRequest"] as const,
    },
    {
      name: "Events v3",
      url: `${server.baseUrl}/3/events`,
      method: "POST",
      invalid: [401, "BadRequest"] as const,
      body: EVENT_V3,
    },
  ];
  const call = (s: ReturnType<typeof surfaces>[number], authorization?: string) =>
    send(s.url, {
      method: s.method,
      headers: {
        ...(authorization !== undefined ? { authorization } : {}),
        ...(s.method === "POST" ? { "content-type": "application/cloudevents+json; charset=UTF-8" } : {}),
      },
      ...(s.method === "POST" ? { body: "body" in s ? s.body : EVENT } : {}),
    });

  it("accepts the valid token everywhere", async () => {
    for (const s of surfaces()) {
      const res = await call(s, `Bearer ${valid}`);
      assert.equal(res.status, 200, `${s.name}: ${res.text}`);
    }
  });

  it("answers a missing or non-Bearer Authorization header per surface", async () => {
    for (const s of surfaces()) {
      for (const header of [
        undefined,
        `Basic ${Buffer.from("hello:pathfinder").toString("base64")}`,
        "Bearer",
        valid,
      ]) {
        assertPactError(
          await call(s, header),
          s.invalid[0],
          s.invalid[1],
          `${s.name} with ${header?.slice(0, 12)}`,
        );
      }
    }
  });

  it("never accepts a forged token, and never calls it expired", async () => {
    for (const s of surfaces()) {
      for (const [name, token] of Object.entries(forged)) {
        assertPactError(await call(s, `Bearer ${token}`), s.invalid[0], s.invalid[1], `${s.name} / ${name}`);
      }
    }
  });

  it("answers a signature-valid expired token with 401 TokenExpired everywhere", async () => {
    for (const s of surfaces()) {
      assertPactError(await call(s, `Bearer ${expired}`), 401, "TokenExpired", s.name);
    }
  });

  it("answers 403 AccessDenied for a valid token without permission", async () => {
    const organizer = await getToken(server.baseUrl, "transport_service_organizer", "ileap");
    const list = await send(`${server.baseUrl}/2/footprints`, {
      headers: { authorization: `Bearer ${organizer}` },
    });
    assert.equal(list.status, 200);
    const kinds = (list.json as { data: { productIds: string[] }[] }).data.map((f) => f.productIds.join(" "));
    assert.ok(kinds.length > 0);
    for (const ids of kinds) assert.match(ids, /:(toc|hoc):/, "organizer sees only TOCs and HOCs");
  });
});
