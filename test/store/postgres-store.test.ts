import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import pino from "pino";
import type { Principal } from "../../src/auth/principal.ts";
import { loadConfig } from "../../src/config/load.ts";
import { parseTadFilter } from "../../src/protocol/tad-filter.ts";
import { createIleapServer } from "../../src/server.ts";
import { toPgPlaceholders } from "../../src/store/postgres/placeholders.ts";
import { PostgresStore, SchemaOutOfDateError } from "../../src/store/postgres/postgres-store.ts";
import { MIGRATIONS } from "../../src/store/sql/schema.ts";
import { type FootprintRecord, StoreUnavailableError } from "../../src/store/store.ts";
import { getToken, send } from "../helpers/http.ts";
import {
  type PostgresTestServer,
  postgresSkipReason,
  startFreezableProxy,
  startPostgres,
} from "../helpers/postgres.ts";
import { LogSink } from "../helpers/servers.ts";
import { storeContract } from "./store-contract.ts";
import { storeV3Contract } from "./store-v3-contract.ts";

describe("toPgPlaceholders", () => {
  it("numbers placeholders in order", () => {
    assert.deepEqual(toPgPlaceholders("a = ? AND b IN (?, ?)"), {
      text: "a = $1 AND b IN ($2, $3)",
      count: 3,
    });
    assert.deepEqual(toPgPlaceholders("SELECT 1"), { text: "SELECT 1", count: 0 });
  });

  it("leaves quoted text, identifiers, comments and dollar quotes alone", () => {
    const cases: [string, string][] = [
      ["x = '?' AND y = ?", "x = '?' AND y = $1"],
      ["x = 'it''s ?' AND y = ?", "x = 'it''s ?' AND y = $1"],
      [`"we?ird" = ? AND "a""?" = ?`, `"we?ird" = $1 AND "a""?" = $2`],
      ["x = E'\\'?' AND y = ?", "x = E'\\'?' AND y = $1"],
      ["x = ? -- what?\nAND y = ?", "x = $1 -- what?\nAND y = $2"],
      ["x = ? /* a /* nested? */ b? */ AND y = ?", "x = $1 /* a /* nested? */ b? */ AND y = $2"],
      ["x = $$?$$ AND y = $tag$ ? $$ ? $tag$ AND z = ?", "x = $$?$$ AND y = $tag$ ? $$ ? $tag$ AND z = $1"],
      ["a$b = ? AND c = $1", "a$b = $1 AND c = $1"],
      ["x = 'unterminated ?", "x = 'unterminated ?"],
    ];
    for (const [input, expected] of cases) assert.equal(toPgPlaceholders(input).text, expected, input);
  });
});

const skip = postgresSkipReason();

if (skip) {
  it("PostgreSQL store", { skip }, () => {});
} else {
  let server: PostgresTestServer | undefined;
  let starting: Promise<PostgresTestServer> | undefined;
  /** The file's cluster, started on first use (so a missing binary fails the tests that need it). */
  const cluster = (): Promise<PostgresTestServer> => {
    starting ??= startPostgres().then((s) => {
      server = s;
      return s;
    });
    return starting;
  };
  let databases = 0;
  /** A new database; with `icuLocale`, an ICU default collation (plain C if the build lacks ICU). */
  const freshDatabase = async (options: { readonly icuLocale?: string } = {}): Promise<string> => {
    const pgCluster = await cluster();
    const name = `t${++databases}`;
    try {
      return await pgCluster.createDatabase(name, options);
    } catch (e) {
      if (!options.icuLocale || (e as { code?: string }).code !== "0A000") throw e;
      return pgCluster.createDatabase(name);
    }
  };
  after(async () => {
    await server?.stop();
  });

  const principal = (clientId = "all"): Principal => ({
    subject: clientId,
    clientId,
    roles: [],
    grants: new Set(["pcf", "shipment-footprint", "toc", "hoc", "tad"]),
  });
  const footprint = (id: string, extra: Record<string, unknown> = {}): FootprintRecord => ({
    kind: "pcf",
    document: {
      id,
      version: 1,
      status: "Active",
      created: "2024-01-01T00:00:00Z",
      productIds: [`urn:p:${id}`],
      ...extra,
    },
  });
  const ids = (items: readonly string[]) => items.map((t) => (JSON.parse(t) as { id: string }).id);
  const elapsed = async (work: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    await work();
    return performance.now() - t0;
  };

  // The contract database uses an ICU (en-US) default collation, as many managed servers do.
  storeContract("PostgreSQL 15 (ICU en-US database)", async () => {
    const store = await PostgresStore.connect({
      connectionString: await freshDatabase({ icuLocale: "en-US" }),
    });
    return { store, dispose: () => store.close() };
  });

  storeV3Contract("PostgreSQL 15", async () => {
    const store = await PostgresStore.connect({ connectionString: await freshDatabase() });
    return { store, dispose: () => store.close() };
  });

  describe("PostgresStore: dialect details", () => {
    it("orders and compares ids and text columns bytewise whatever the database locale", async () => {
      const store = await PostgresStore.connect({
        connectionString: await freshDatabase({ icuLocale: "en-US" }),
      });
      try {
        const docIds = ["b", "B", "_c", "a-1", "a1", "A"];
        await store.putFootprints(docIds.map((id) => footprint(id, { productCategoryCpc: id })));
        const seen: string[] = [];
        let position: string | undefined;
        do {
          const page = await store.listFootprints({
            principal: principal(),
            filter: null,
            limit: 2,
            ...(position ? { after: position } : {}),
          });
          seen.push(...ids(page.items));
          position = page.next;
        } while (position);
        assert.deepEqual(seen, [...docIds].sort(), "byte order (SQLite BINARY), not en-US order");
        const lt = await store.listFootprints({
          principal: principal(),
          filter: { kind: "text", property: "productCategoryCpc", op: "lt", value: "_" },
          limit: 10,
        });
        assert.deepEqual(ids(lt.items), ["A", "B"]);
      } finally {
        await store.close();
      }
    });

    it("treats U+0000 in queries as matching nothing, and refuses it in indexed fields", async () => {
      const store = await PostgresStore.connect({ connectionString: await freshDatabase() });
      try {
        await store.putFootprints([footprint("n1")]);
        assert.equal(await store.getFootprint("n1\u0000", principal()), undefined);
        const any = await store.listFootprints({
          principal: principal(),
          filter: { kind: "any", property: "productIds", value: "urn:p:n1\u0000" },
          limit: 10,
        });
        assert.deepEqual(any.items, []);
        await assert.rejects(store.putFootprints([footprint("n\u00002")]), TypeError);
        await store.putTad([{ document: { activityId: "t1", mode: "Road", origin: { city: "x\u0000y" } } }]);
        const parsed = parseTadFilter([["mode", "road\u0000"]], new Set());
        assert.ok(parsed.ok);
        assert.deepEqual(
          (await store.listTad({ principal: principal(), filter: parsed.value, limit: 10 })).items,
          [],
        );
        assert.equal(
          (await store.listTad({ principal: principal(), filter: [], limit: 10 })).items.length,
          1,
        );
      } finally {
        await store.close();
      }
    });

    it("round-trips texts holding U+0001 and empty texts through the batched writes", async () => {
      // Documents and TAD index values travel as U+0001-joined parameters where that round-trips.
      const url = await freshDatabase();
      const store = await PostgresStore.connect({ connectionString: url });
      try {
        const odd = "a\u0001b";
        await store.putFootprints([footprint("c1", { comment: odd, productIds: ["urn:p:\u0001"] })]);
        assert.equal(
          await store.getFootprint("c1", principal()),
          JSON.stringify(footprint("c1", { comment: odd, productIds: ["urn:p:\u0001"] }).document).replace(
            "\u0001",
            "\\u0001",
          ),
        );
        const byProduct = await store.listFootprints({
          principal: principal(),
          filter: { kind: "any", property: "productIds", value: "urn:p:\u0001" },
          limit: 10,
        });
        assert.deepEqual(ids(byProduct.items), ["c1"]);
        await store.putTad([{ document: { activityId: "e", mode: "" } }]);
        await store.putTad([
          { document: { activityId: "s1", mode: odd } },
          { document: { activityId: "s2", mode: "", origin: { city: "" } } },
        ]);
        await store.putTad([
          { document: { activityId: "s3", mode: "Road" } },
          { document: { activityId: "s4", mode: "" } },
        ]);
        const list = async (pairs: [string, string][]) => {
          const parsed = parseTadFilter(pairs, new Set());
          assert.ok(parsed.ok);
          const page = await store.listTad({ principal: principal(), filter: parsed.value, limit: 10 });
          return page.items.map((t) => (JSON.parse(t) as { activityId: string }).activityId);
        };
        assert.deepEqual(await list([["mode", odd]]), ["s1"]);
        assert.deepEqual(await list([["mode", "Road"]]), ["s3"]);
        assert.deepEqual(await list([]), ["e", "s1", "s2", "s3", "s4"]);
        // Empty values (no filter can ask for them) are indexed as empty texts, not lost or NULL.
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const rows = await client.query<{ activity_id: string; path: string; value: string }>(
            `SELECT t.activity_id, v.path, v.value FROM tad_values v JOIN tad t ON t.seq = v.seq
              WHERE v.path IN ('mode', 'origin.city') ORDER BY 1, 2`,
          );
          assert.deepEqual(
            rows.rows.map((r) => [r.activity_id, r.path, r.value]),
            [
              ["e", "mode", ""],
              ["s1", "mode", odd],
              ["s2", "mode", ""],
              ["s2", "origin.city", ""],
              ["s3", "mode", "road"],
              ["s4", "mode", ""],
            ],
          );
        } finally {
          await client.end();
        }
      } finally {
        await store.close();
      }
    });

    it("stores several versions of one id within a batch and lists only the last", async () => {
      const store = await PostgresStore.connect({ connectionString: await freshDatabase() });
      try {
        await store.putFootprints([footprint("v"), footprint("v", { version: 2 }), footprint("w")]);
        const listed = await store.listFootprints({ principal: principal(), filter: null, limit: 10 });
        assert.deepEqual(
          listed.items
            .map((t) => JSON.parse(t) as { id: string; version: number })
            .map((d) => `${d.id}@${d.version}`),
          ["v@2", "w@1"],
        );
        assert.equal(await store.countFootprints(), 3);
        await store.putTad([
          { document: { activityId: "dup", mode: "Road" } },
          { document: { activityId: "dup", mode: "Rail" } },
        ]);
        const tad = await store.listTad({ principal: principal(), filter: [], limit: 10 });
        assert.deepEqual(tad.items, [JSON.stringify({ activityId: "dup", mode: "Rail" })]);
      } finally {
        await store.close();
      }
    });

    it("keeps one latest version when instances write the same ids concurrently", async () => {
      const url = await freshDatabase();
      const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.connect({ connectionString: url })));
      try {
        const batch = (version: number) => ["x", "y", "z"].map((id) => footprint(id, { version }));
        const results = await Promise.allSettled(
          [1, 2, 3, 4, 5, 6].map((v, i) =>
            stores[i % 3]!.putFootprints(v % 2 ? batch(v) : batch(v).reverse()),
          ),
        );
        for (const r of results) {
          if (r.status === "rejected") assert.equal((r.reason as Error).name, "VersionConflictError");
        }
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const latest = await client.query<{ id: string; n: string }>(
            "SELECT id, COUNT(*) AS n FROM footprints WHERE is_latest = 1 GROUP BY id ORDER BY id",
          );
          assert.deepEqual(
            latest.rows.map((r) => [r.id, Number(r.n)]),
            [
              ["x", 1],
              ["y", 1],
              ["z", 1],
            ],
          );
        } finally {
          await client.end();
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });
  });

  describe("PostgresStore: migrations", () => {
    it("applies each migration once when several instances start together", async () => {
      const url = await freshDatabase();
      const stores = await Promise.all(
        [1, 2, 3, 4].map(() => PostgresStore.connect({ connectionString: url })),
      );
      try {
        assert.deepEqual(await stores[0]!.migrate(), [], "nothing left to apply");
        assert.deepEqual(await stores[0]!.pendingMigrations(), []);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const rows = await client.query<{ version: number }>(
            "SELECT version FROM schema_migrations ORDER BY version",
          );
          assert.deepEqual(
            rows.rows.map((r) => r.version),
            MIGRATIONS.map((m) => m.version),
          );
        } finally {
          await client.end();
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it("with migrate: false, refuses a database whose schema is behind", async () => {
      const url = await freshDatabase();
      await assert.rejects(
        PostgresStore.connect({ connectionString: url, migrate: false }),
        SchemaOutOfDateError,
      );
      await (await PostgresStore.connect({ connectionString: url })).close();
      const store = await PostgresStore.connect({ connectionString: url, migrate: false });
      await store.ping();
      await store.close();
    });
  });

  describe("PostgresStore: resilience", () => {
    let pgServer: PostgresTestServer;
    let url: string;
    before(async () => {
      pgServer = await cluster();
      url = await freshDatabase();
    });

    it("reports a server that is down as StoreUnavailableError, quickly, and recovers without a new store", async () => {
      const store = await PostgresStore.connect({
        connectionString: url,
        connectionTimeoutMs: 2000,
        statementTimeoutMs: 2000,
      });
      try {
        await store.putFootprints([footprint("r1")]);
        // Fill the pool with idle connections that the shutdown will break.
        await Promise.all(
          [1, 2, 3, 4].map(() => store.listFootprints({ principal: principal(), filter: null, limit: 5 })),
        );
        await pgServer.stopServer("fast");
        const calls: [string, () => Promise<unknown>][] = [
          ["ping", () => store.ping()],
          ["getFootprint", () => store.getFootprint("r1", principal())],
          ["listFootprints", () => store.listFootprints({ principal: principal(), filter: null, limit: 5 })],
          ["listTad", () => store.listTad({ principal: principal(), filter: [], limit: 5 })],
          ["putFootprints", () => store.putFootprints([footprint("r2")])],
          ["putTad", () => store.putTad([{ document: { activityId: "ra" } }])],
          [
            "recordInboundEvent",
            () =>
              store.recordInboundEvent({ id: "e", source: "s", type: "t", body: "{}", receivedFrom: "c" }),
          ],
        ];
        for (const [name, call] of calls) {
          const ms = await elapsed(() => assert.rejects(call(), StoreUnavailableError, name));
          assert.ok(ms < 2500, `${name} failed within the connection timeout (${ms.toFixed(0)} ms)`);
        }
        await pgServer.startServer();
        await store.ping();
        assert.deepEqual(
          ids((await store.listFootprints({ principal: principal(), filter: null, limit: 5 })).items),
          ["r1"],
        );
        await store.putFootprints([footprint("r2")]);
        assert.ok(await store.getFootprint("r2", principal()));
      } finally {
        await store.close();
        await pgServer.startServer();
      }
    });

    it("replaces pooled connections the server terminated, without a failed call", async () => {
      const store = await PostgresStore.connect({ connectionString: url });
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await Promise.all([1, 2, 3].map(() => store.ping()));
        const killed = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ileap-ts' AND pid <> pg_backend_pid()",
        );
        assert.ok(killed.rowCount && killed.rowCount >= 1, "store connections were terminated");
        for (let i = 0; i < 5; i++) await store.ping();
        await store.putFootprints([footprint(`k${Date.now()}`)]);
      } finally {
        await admin.end();
        await store.close();
      }
    });

    it("bounds calls by the timeouts when the network silently drops everything, then heals", async () => {
      const proxy = await startFreezableProxy(pgServer.port);
      const viaProxy = new URL(url);
      viaProxy.port = String(proxy.port);
      const store = await PostgresStore.connect({
        connectionString: viaProxy.toString(),
        statementTimeoutMs: 300,
        connectionTimeoutMs: 500,
      });
      try {
        await store.putFootprints([footprint("p1")]);
        proxy.freeze();
        // A pooled connection: no answer ever comes, the driver's read timeout (300 + 1000 ms) ends it.
        let ms = await elapsed(() => assert.rejects(store.ping(), StoreUnavailableError));
        assert.ok(ms < 2500, `stale connection gave up after ${ms.toFixed(0)} ms`);
        // New connections: the startup handshake never completes; the connection timeout ends it.
        ms = await elapsed(() =>
          assert.rejects(store.getFootprint("p1", principal()), StoreUnavailableError),
        );
        assert.ok(ms < 1500, `new connection gave up after ${ms.toFixed(0)} ms`);
        proxy.thaw();
        assert.ok(await store.getFootprint("p1", principal()));
      } finally {
        await store.close();
        await proxy.close();
      }
    });

    it("times out a blocked statement per statementTimeoutMs as StoreUnavailableError", async () => {
      const store = await PostgresStore.connect({ connectionString: url, statementTimeoutMs: 300 });
      const locker = new pg.Client({ connectionString: url });
      await locker.connect();
      try {
        await locker.query("BEGIN");
        await locker.query("LOCK TABLE footprints IN ACCESS EXCLUSIVE MODE");
        const ms = await elapsed(() =>
          assert.rejects(
            store.listFootprints({ principal: principal(), filter: null, limit: 5 }),
            (e: unknown) => {
              assert.ok(e instanceof StoreUnavailableError);
              assert.match(e.message, /57014/);
              return true;
            },
          ),
        );
        assert.ok(ms < 2000, `timed out after ${ms.toFixed(0)} ms`);
        await locker.query("ROLLBACK");
        await store.ping();
      } finally {
        await locker.end();
        await store.close();
      }
    });

    it("makes the HTTP host answer 503 with a JSON body while the database is down, and 200 after", async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "ileap-pg-http-"));
      const store = await PostgresStore.connect({
        connectionString: await freshDatabase(),
        connectionTimeoutMs: 2000,
      });
      const config = loadConfig({
        env: { ILEAP_HOST: "127.0.0.1", PORT: "0", ILEAP_DATA_DIR: dataDir, ILEAP_DEMO: "true" },
      });
      const host = await createIleapServer(config, { store, logger: pino({ level: "warn" }, new LogSink()) });
      const running = await host.listen();
      const base = `${running.url}${config.pathPrefix}`;
      try {
        const token = await getToken(base, "hello", "pathfinder");
        const auth = { authorization: `Bearer ${token}` };
        const before = await send(`${base}/2/footprints`, { headers: auth });
        assert.equal(before.status, 200, before.text);
        const listed = (before.json as { data: { id: string }[] }).data;
        assert.ok(listed.length >= 2, "demo data was seeded into PostgreSQL");
        const firstId = listed[0]!.id;

        await pgServer.stopServer("fast");
        const event = JSON.stringify({
          specversion: "1.0",
          id: "ev-1",
          source: "https://requester.example",
          type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
          data: { pfIds: [firstId] },
        });
        const down = [
          await send(`${base}/2/footprints`, { headers: auth }),
          await send(`${base}/2/footprints/${firstId}`, { headers: auth }),
          await send(`${base}/2/ileap/tad`, { headers: auth }),
          await send(`${base}/2/events`, {
            method: "POST",
            headers: { ...auth, "content-type": "application/cloudevents+json" },
            body: event,
          }),
        ];
        for (const res of down) {
          assert.equal(res.status, 503, res.text);
          assert.match(String(res.headers["content-type"]), /^application\/json/);
          const body = res.json as { code: string; message: string };
          assert.equal(typeof body.code, "string");
          assert.equal(typeof body.message, "string");
          assert.ok(!/ECONNREFUSED|127\.0\.0\.1|postgres/i.test(res.text), "no connection details leak");
        }
        assert.equal((await send(`${base}/ready`)).status, 503);

        await pgServer.startServer();
        const back = await send(`${base}/2/footprints`, { headers: auth });
        assert.equal(back.status, 200, back.text);
        assert.deepEqual((back.json as { data: { id: string }[] }).data, listed);
        assert.equal((await send(`${base}/2/footprints/${firstId}`, { headers: auth })).status, 200);
        assert.equal((await send(`${base}/ready`)).status, 200);
      } finally {
        await pgServer.startServer();
        await running.close(1000);
        await host.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
