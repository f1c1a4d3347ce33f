/**
 * Issue 15, finding 5: `POST /2/events` with `data.pf` nested 5000 levels overflowed the stack in
 * the outbox's `JSON.stringify` after the event was recorded (500); admin imports answered 500 at
 * depth 5000/20000. Every inbound JSON body is now scanned before parsing: deeper than 64 levels →
 * 400 naming the JSON Pointer where the limit was hit, nothing recorded.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { RecordFileReader } from "../../src/ingest/read.ts";
import { findDepthExceeded, MAX_JSON_DEPTH, parseBoundedJson } from "../../src/protocol/json-depth.ts";
import { CLIENTS, startAdminServer } from "../helpers/admin.ts";
import { getToken, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

/** `{"a":{"a":…{}…}}` with `levels` objects. */
const nested = (levels: number, inner = "{}") =>
  `${'{"a":'.repeat(levels - 1)}${inner}${"}".repeat(levels - 1)}`;

describe("bounded JSON depth: the scanner", () => {
  it("accepts up to the limit and names the pointer of the first container beyond it", () => {
    assert.equal(findDepthExceeded(nested(MAX_JSON_DEPTH)), undefined);
    const over = findDepthExceeded(nested(MAX_JSON_DEPTH + 1));
    assert.deepEqual(over, { pointer: `/a`.repeat(MAX_JSON_DEPTH), maxDepth: MAX_JSON_DEPTH });
  });

  it("tracks array indexes, escaped keys and brackets inside strings", () => {
    const text = `{"x":"[[[[{{{{", "k\\"/~":[1,{"y":[0,0,[[]]]}]}`;
    assert.equal(findDepthExceeded(text, 6), undefined);
    assert.deepEqual(findDepthExceeded(text, 4), { pointer: '/k"~1~0/1/y/2', maxDepth: 4 });
  });

  it("runs in a loop: 1,000,000 open brackets are scanned without a stack overflow", () => {
    assert.equal(findDepthExceeded("[".repeat(1_000_000))?.maxDepth, MAX_JSON_DEPTH);
    const parsed = parseBoundedJson(nested(20_000));
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? "" : parsed.message, /deeper than 64 levels at "\/a\/a/);
  });
});

describe("bounded JSON depth on the wire", () => {
  let server: RunningDemoServer;
  let token: string;
  before(async () => {
    server = await startDemoServer();
    token = await getToken(server.baseUrl, "hello", "pathfinder");
  });
  after(() => server.close());

  it("POST /2/events with data.pf nested 5000 levels → 400 naming the path; nothing recorded", async () => {
    const body = `{"specversion":"1.0","id":"deep-1","source":"https://requester.example","type":"org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1","data":{"pf":${nested(5000)}}}`;
    const res = await send(`${server.baseUrl}/2/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/cloudevents+json" },
      body,
    });
    assert.equal(res.status, 400, res.text);
    const error = res.json as { code: string; message: string };
    assert.equal(error.code, "BadRequest");
    assert.ok(error.message.includes(`"/data/pf${"/a".repeat(62)}"`), error.message);
    const db = new Database(join(server.dataDir, "ileap.sqlite"), { readonly: true });
    try {
      assert.equal((db.prepare("SELECT COUNT(*) AS n FROM inbound_events").get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
    // A request at the limit is still an ordinary request.
    const ok = await send(`${server.baseUrl}/2/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/cloudevents+json" },
      body: body.replace(nested(5000), nested(MAX_JSON_DEPTH - 2)).replace("deep-1", "deep-2"),
    });
    assert.equal(ok.status, 200, ok.text);
  });
});

describe("bounded JSON depth in imports", () => {
  it("admin imports at depth 5000 and 20000 (JSON array and NDJSON) → 400 naming the path, and admin visibility bodies too", async () => {
    const server = await startAdminServer();
    try {
      const admin = await getToken(server.baseUrl, CLIENTS.admin.id, CLIENTS.admin.secret);
      const post = (path: string, type: string, body: string) =>
        send(`${server.baseUrl}/admin/v1${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${admin}`, "content-type": type },
          body,
        });
      for (const depth of [5000, 20000]) {
        const array = await post("/footprints", "application/json", `[${nested(depth)}]`);
        assert.equal(array.status, 400, array.text);
        assert.match((array.json as { message: string }).message, /deeper than 64 levels at "\/0\/a\/a/);
        const ndjson = await post("/tad", "application/x-ndjson", `{"activityId":"x"}\n${nested(depth)}\n`);
        assert.equal(ndjson.status, 400, ndjson.text);
        const rejected = (
          ndjson.json as { rejected: { index: number; errors: { pointer: string; rule: string }[] }[] }
        ).rejected;
        assert.equal(rejected.find((r) => r.index === 1)?.errors[0]?.rule, "ingest.json-depth");
        assert.equal(rejected.find((r) => r.index === 1)?.errors[0]?.pointer, "/a".repeat(MAX_JSON_DEPTH));
      }
      const visibility = await send(`${server.baseUrl}/admin/v1/tad/x/visibility`, {
        method: "PUT",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: `{"clientIds":${"[".repeat(5000)}${"]".repeat(5000)}}`,
      });
      assert.equal(visibility.status, 400, visibility.text);
      assert.match((visibility.json as { message: string }).message, /deeper than 64 levels at "\/clientIds/);
    } finally {
      await server.close();
    }
  });

  it("ileap import files: an over-deep record is a rejected record naming its pointer, the others are read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-depth-"));
    try {
      for (const [name, text] of [
        ["deep.ndjson", `{"a":1}\n${nested(20000)}\n{"b":2}\n`],
        ["deep.json", `[{"a":1},${nested(20000)},{"b":2}]`],
      ] as const) {
        const file = join(dir, name);
        writeFileSync(file, text);
        const records = [];
        for await (const r of new RecordFileReader(file)) records.push(r);
        assert.equal(records.length, 3, name);
        assert.deepEqual(records[0]?.input, { value: { a: 1 } });
        const error = (records[1]?.input as { error?: { rule: string; pointer: string } } | undefined)?.error;
        assert.equal(error?.rule, "ingest.json-depth", name);
        assert.equal(error?.pointer, "/a".repeat(MAX_JSON_DEPTH));
        assert.deepEqual(records[2]?.input, { value: { b: 2 } });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
