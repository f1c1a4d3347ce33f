import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { basic, getToken, getWithToken, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

describe("routes, limits and logs", () => {
  let server: RunningDemoServer;
  let token: string;
  before(async () => {
    server = await startDemoServer();
    token = await getToken(server.baseUrl, "hello", "pathfinder");
  });
  after(() => server.close());

  it("answers unknown routes with 404 and a JSON body", async () => {
    for (const path of ["/", "/2", "/2/footprint", "/4/footprints", "/2/ileap/tad/x"]) {
      const res = await send(`${server.baseUrl}${path}`);
      assert.equal(res.status, 404, path);
      assert.match(String(res.headers["content-type"]), /^application\/json/);
    }
  });

  it("serves health and readiness without authentication", async () => {
    assert.deepEqual((await send(`${server.baseUrl}/health`)).json, { status: "ok" });
    const ready = await send(`${server.baseUrl}/ready`);
    assert.equal(ready.status, 200);
  });

  it("refuses an over-long URL with 414 and a JSON body", async () => {
    const res = await getWithToken(`${server.baseUrl}/2/footprints?$filter=${"a".repeat(9000)}`, token);
    assert.equal(res.status, 414);
    assert.equal((res.json as { code: string }).code, "BadRequest");
  });

  it("refuses oversized headers at the connection", async () => {
    const res = await send(`${server.baseUrl}/health`, { headers: { "x-big": "y".repeat(20000) } });
    assert.equal(res.status, 431);
  });

  it("echoes a well-formed X-Request-Id and makes one otherwise", async () => {
    const given = await send(`${server.baseUrl}/health`, { headers: { "x-request-id": "abc-123" } });
    assert.equal(given.headers["x-request-id"], "abc-123");
    const list = await send(`${server.baseUrl}/2/footprints?limit=1`, {
      headers: { authorization: `Bearer ${token}`, "x-request-id": "list-1" },
    });
    assert.equal(list.headers["x-request-id"], "list-1", "kept on responses built from stored text");
    assert.equal(list.headers["x-content-type-options"], "nosniff");
    const denied = await send(`${server.baseUrl}/2/footprints`, { headers: { "x-request-id": "denied-1" } });
    assert.equal(denied.headers["x-request-id"], "denied-1", "kept on error responses");
    const made = await send(`${server.baseUrl}/health`, { headers: { "x-request-id": "bad id <script>" } });
    assert.match(String(made.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
  });

  it("survives a few hundred generated malformed requests with 4xx answers", async () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const junk = [
      "'",
      "(",
      ")",
      "%27",
      "%00",
      "\u00e9",
      "eq",
      "and",
      "or",
      " ",
      "/",
      "any(",
      "$",
      "%2B",
      "''",
      "created",
      "limit",
      "9".repeat(30),
    ];
    const pick = (k: number) => Array.from({ length: k }, () => junk[rand(junk.length)]).join("");
    const requests: { url: string; init: Parameters<typeof send>[1] }[] = [];
    for (let i = 0; i < 100; i++) {
      requests.push({
        url: `${server.baseUrl}/2/footprints?$filter=${encodeURIComponent(pick(1 + rand(12)))}`,
        init: { headers: { authorization: `Bearer ${token}` } },
      });
      requests.push({
        url: `${server.baseUrl}/2/ileap/tad?${encodeURIComponent(pick(1 + rand(3)))}=${encodeURIComponent(pick(rand(4)))}&limit=${encodeURIComponent(pick(rand(2)))}`,
        init: { headers: { authorization: `Bearer ${token}` } },
      });
      requests.push({
        url: `${server.baseUrl}/2/events`,
        init: {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: `{"specversion":"1.0","id":${JSON.stringify(pick(rand(3)))},"type":${JSON.stringify(pick(2))},"data":${["null", "{}", "[]", "1", pick(2)][rand(5)]}}`,
        },
      });
      requests.push({
        url: `${server.baseUrl}/auth/token`,
        init: {
          method: "POST",
          headers: {
            authorization: [
              `Basic ${Buffer.from(pick(3)).toString("base64")}`,
              `Basic ${pick(2)}`,
              basic(pick(2), pick(2)),
            ][rand(3)]!,
            "content-type": "application/x-www-form-urlencoded",
          },
          body: `grant_type=${pick(rand(3))}`,
        },
      });
    }
    for (const r of requests) {
      const res = await send(r.url, r.init);
      assert.ok(res.status >= 400 && res.status < 500, `${r.url} → ${res.status} ${res.text}`);
      assert.match(String(res.headers["content-type"]), /^application\/json/, r.url);
    }
    assert.equal((await send(`${server.baseUrl}/health`)).status, 200, "still alive");
  });

  it("keeps tokens and secrets out of the logs", async () => {
    const secretToken = await getToken(server.baseUrl, "transport_service_user", "ileap");
    await getWithToken(`${server.baseUrl}/2/footprints`, secretToken);
    await send(`${server.baseUrl}/auth/token`, {
      method: "POST",
      headers: {
        authorization: basic("hello", "wrong-secret-xyz"),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    const text = server.logs.lines.join("\n");
    assert.ok(server.logs.lines.length > 5);
    for (const secret of [
      secretToken,
      token,
      "pathfinder",
      "wrong-secret-xyz",
      secretToken.split(".")[2]!,
      Buffer.from("hello:pathfinder").toString("base64"),
    ]) {
      assert.ok(!text.includes(secret), `log contains ${secret.slice(0, 10)}…`);
    }
    assert.ok(server.logs.lines.some((l) => JSON.parse(l).clientId === "transport_service_user"));
  });

  it("closes a connection that never finishes its headers", async () => {
    const slow = await startDemoServer({
      env: { ILEAP_HEADERS_TIMEOUT_MS: "300", ILEAP_REQUEST_TIMEOUT_MS: "400" },
    });
    try {
      const port = Number(new URL(slow.baseUrl).port);
      const closed = await new Promise<boolean>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => socket.write("GET /health HTTP/1.1\r\nHost: x\r\n"));
        const timer = setTimeout(() => {
          socket.destroy();
          resolve(false);
        }, 5000);
        socket.on("data", () => {});
        socket.on("close", () => {
          clearTimeout(timer);
          resolve(true);
        });
        socket.on("error", () => {});
      });
      assert.ok(closed, "server closed the slow connection");
    } finally {
      await slow.close();
    }
  });
});
