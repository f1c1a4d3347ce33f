/**
 * Issue 15, finding 1: one client's slow queries starved every other client (the embedded store
 * ran them on the event loop, in arrival order). The query budget serves clients round-robin with a
 * per-client limit and a time budget; the SQLite store reads on worker threads.
 * `bench/slow-query.ts` measures the effect; these tests pin the behaviour.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import pino from "pino";
import type { Principal } from "../../src/auth/principal.ts";
import { loadConfig } from "../../src/config/load.ts";
import { parseTadFilter } from "../../src/protocol/tad-filter.ts";
import { createIleapServer } from "../../src/server.ts";
import { FairScheduler, withQueryBudget } from "../../src/store/query-budget.ts";
import { listTadSql } from "../../src/store/sql/queries.ts";
import { SqliteReaderPool } from "../../src/store/sqlite/reader-pool.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { QueryTimeoutError, StoreUnavailableError } from "../../src/store/store.ts";
import { getToken, getWithToken } from "../helpers/http.ts";
import { LogSink } from "../helpers/servers.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** SQL that keeps a SQLite connection busy for a long while (counts to 20 million). */
const SLOW_SQL = {
  text: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000) SELECT COUNT(*) AS n FROM c",
  params: [],
};

describe("FairScheduler", () => {
  it("a client with many queries queues behind itself: another client's query runs next", async () => {
    const scheduler = new FairScheduler({ concurrency: 2, perClient: 2, timeoutMs: 60_000 });
    const order: string[] = [];
    const gates = Array.from({ length: 8 }, deferred);
    const slow = gates.map((gate, i) =>
      scheduler.run("attacker", async () => {
        order.push(`attacker-${i}`);
        await gate.promise;
      }),
    );
    const victim = scheduler.run("victim", async () => {
      order.push("victim");
    });
    assert.deepEqual(order, ["attacker-0", "attacker-1"]);
    assert.deepEqual(scheduler.stats, { running: 2, waiting: 7 });
    gates[0]?.resolve();
    await victim;
    assert.deepEqual(order, ["attacker-0", "attacker-1", "victim"], "the victim ran before attacker-2");
    for (const gate of gates) gate.resolve();
    await Promise.all(slow);
    assert.equal(order.length, 9);
    assert.deepEqual(scheduler.stats, { running: 0, waiting: 0 });
  });

  it("per-client limit: one client never holds more than perClient slots, even when others are idle", async () => {
    const scheduler = new FairScheduler({ concurrency: 4, perClient: 1, timeoutMs: 60_000 });
    const gate = deferred();
    let running = 0;
    let most = 0;
    const runs = Array.from({ length: 5 }, () =>
      scheduler.run("a", async () => {
        running++;
        most = Math.max(most, running);
        await gate.promise;
        running--;
      }),
    );
    const other = deferred();
    const b = scheduler.run("b", () => other.promise);
    assert.deepEqual(scheduler.stats, { running: 2, waiting: 4 });
    gate.resolve();
    other.resolve();
    await Promise.all([...runs, b]);
    assert.equal(most, 1);
  });

  it("time budget: a query waiting or running past it is refused with QueryTimeoutError (a 503)", async () => {
    const scheduler = new FairScheduler({ concurrency: 1, perClient: 1, timeoutMs: 50 });
    const never = new Promise<void>(() => {});
    const running = scheduler.run("a", () => never);
    const waiting = scheduler.run("b", async () => "never started");
    await assert.rejects(running, (e: unknown) => {
      assert.ok(e instanceof QueryTimeoutError && e instanceof StoreUnavailableError);
      assert.match(e.message, /time budget of 50 ms/);
      return true;
    });
    await assert.rejects(waiting, /waited longer than its time budget of 50 ms/);
    // The overrunning task keeps its slot until it settles: nothing else starts meanwhile.
    assert.deepEqual(scheduler.stats, { running: 1, waiting: 0 });
  });

  it("a full per-client queue is refused at once", async () => {
    const scheduler = new FairScheduler({
      concurrency: 1,
      perClient: 1,
      timeoutMs: 60_000,
      maxQueuedPerClient: 2,
    });
    const gate = deferred();
    const first = scheduler.run("a", () => gate.promise);
    const queued = [scheduler.run("a", async () => {}), scheduler.run("a", async () => {})];
    await assert.rejects(
      scheduler.run("a", async () => {}),
      /3|2 queries waiting already/,
    );
    gate.resolve();
    await Promise.all([first, ...queued]);
  });
});

describe("SQLite reader threads", () => {
  it("each reader connection runs with the page cache it was given (issue 14: small by default)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-readers-"));
    const store = new SqliteStore({ file: join(dir, "r.sqlite") });
    const pool = new SqliteReaderPool({
      file: join(dir, "r.sqlite"),
      size: 1,
      timeoutMs: 60_000,
      busyTimeoutMs: 1000,
      cacheSizeKiB: 3072,
    });
    try {
      assert.deepEqual(await pool.all({ text: "PRAGMA cache_size", params: [] }), [{ cache_size: -3072 }]);
    } finally {
      await pool.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a slow query runs off the event loop: timers and other reads are answered meanwhile", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-readers-"));
    const store = new SqliteStore({ file: join(dir, "r.sqlite") });
    const pool = new SqliteReaderPool({
      file: join(dir, "r.sqlite"),
      size: 2,
      timeoutMs: 60_000,
      busyTimeoutMs: 1000,
      cacheSizeKiB: 1024,
    });
    try {
      const events: string[] = [];
      const slow = pool.all(SLOW_SQL).then((rows) => {
        events.push("slow query");
        return rows;
      });
      const fast = pool.all({ text: "SELECT 1 AS one", params: [] }).then(() => events.push("other read"));
      const timer = new Promise<void>((r) => setTimeout(r, 1)).then(() => events.push("timer"));
      await Promise.all([fast, timer]);
      assert.deepEqual((await slow)[0], { n: 20_000_000 });
      assert.equal(events.at(-1), "slow query", `order: ${events.join(", ")}`);
    } finally {
      await pool.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a query past the reader's time budget fails with QueryTimeoutError; the pool keeps serving", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-readers-"));
    const store = new SqliteStore({ file: join(dir, "r.sqlite") });
    const pool = new SqliteReaderPool({
      file: join(dir, "r.sqlite"),
      size: 1,
      timeoutMs: 100,
      busyTimeoutMs: 1000,
      cacheSizeKiB: 1024,
    });
    try {
      // The reader's start-up has its own allowance: warm it up first.
      assert.deepEqual(await pool.all({ text: "SELECT 1 AS one", params: [] }), [{ one: 1 }]);
      await assert.rejects(pool.all(SLOW_SQL), QueryTimeoutError);
      // A generous budget for the next query: a busy machine must not fail the test.
      assert.deepEqual(await pool.all({ text: "SELECT 2 AS two", params: [] }, 60_000), [{ two: 2 }]);
    } finally {
      await pool.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an idle reader stops after idleMs; the next read starts one again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-readers-"));
    const store = new SqliteStore({ file: join(dir, "r.sqlite") });
    const pool = new SqliteReaderPool({
      file: join(dir, "r.sqlite"),
      size: 2,
      timeoutMs: 60_000,
      busyTimeoutMs: 1000,
      cacheSizeKiB: 1024,
      idleMs: 200,
    });
    try {
      assert.equal(pool.threads, 0, "started on first use");
      assert.deepEqual(await pool.all({ text: "SELECT 1 AS one", params: [] }), [{ one: 1 }]);
      assert.equal(pool.threads, 1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(pool.threads, 0, "the idle reader stopped");
      assert.deepEqual(await pool.all({ text: "SELECT 2 AS two", params: [] }), [{ two: 2 }]);
      assert.equal(pool.threads, 1);
    } finally {
      await pool.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("query budget over HTTP", () => {
  it("a read past ILEAP_QUERY_TIMEOUT_MS answers 503 InternalError with Retry-After; other clients are served", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ileap-budget-"));
    const inner = new SqliteStore({ file: join(dataDir, "ileap.sqlite") });
    const gate = deferred();
    // An own store whose TAD listing hangs (a query the budget must cut off).
    const store = new Proxy(inner, {
      get(target, property) {
        if (property === "listTad") return () => gate.promise.then(() => ({ items: [] }));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const config = loadConfig({
      env: {
        ILEAP_HOST: "127.0.0.1",
        PORT: "0",
        ILEAP_DATA_DIR: dataDir,
        ILEAP_DEMO: "true",
        ILEAP_QUERY_TIMEOUT_MS: "300",
        ILEAP_RESPONSE_CACHE_MB: "0",
      },
    });
    const host = await createIleapServer(config, { store, logger: pino({ level: "warn" }, new LogSink()) });
    const running = await host.listen();
    try {
      const base = running.url;
      const slowClient = await getToken(base, "transport_service_organizer", "ileap");
      const other = await getToken(base, "hello", "pathfinder");
      const stuck = getWithToken(`${base}/2/ileap/tad?mode=Rail`, slowClient);
      const ok = await getWithToken(`${base}/2/footprints?limit=1`, other);
      assert.equal(ok.status, 200, "another client is served while the slow one waits");
      const res = await stuck;
      assert.equal(res.status, 503, res.text);
      assert.equal(res.headers["retry-after"], "1");
      const body = res.json as { code: string; message: string };
      assert.equal(body.code, "InternalError");
      assert.match(body.message, /time budget of 300 ms/);
    } finally {
      gate.resolve();
      await running.close(500);
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("withQueryBudget keeps the store's other methods (writes, dataVersion, instanceof)", async () => {
    const store = withQueryBudget(new SqliteStore({ file: ":memory:" }), {
      concurrency: 1,
      perClient: 1,
      timeoutMs: 1000,
    });
    const principal: Principal = { subject: "a", clientId: "a", roles: [], grants: new Set(["tad"]) };
    assert.ok(store instanceof SqliteStore);
    const before = store.dataVersion();
    await store.putTad([{ document: { activityId: "x", mode: "Road" } }]);
    assert.notEqual(store.dataVersion(), before);
    assert.equal((await store.listTad({ principal, filter: [], limit: 10 })).items.length, 1);
    await store.close();
  });
});

describe("TAD filters read an index range (SQLite query plans)", () => {
  it("mode, country, city, dates and ids drive the listing from the (path, value, seq) index", () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-plan-"));
    const store = new SqliteStore({ file: join(dir, "p.sqlite"), readers: 0 });
    const db = new Database(join(dir, "p.sqlite"), { readonly: true });
    try {
      const principal: Principal = { subject: "a", clientId: "a", roles: [], grants: new Set(["tad"]) };
      for (const name of [
        "mode",
        "country",
        "city",
        "departureAt",
        "arrivalAt",
        "activityId",
        "consignmentIds",
      ]) {
        const parsed = parseTadFilter([[name, "x"]], new Set());
        assert.ok(parsed.ok, name);
        const sql = listTadSql({ principal, filter: parsed.value, limit: 10 });
        assert.ok(sql);
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql.text}`).all(...sql.params) as { detail: string }[])
          .map((r) => r.detail)
          .join("; ");
        assert.match(
          plan,
          /SEARCH d USING (COVERING )?INDEX tad_values_lookup \(path=\? AND value=\?\)/,
          `${name}: ${plan}`,
        );
        assert.doesNotMatch(plan, /SCAN t\b/, `${name}: ${plan}`);
      }
    } finally {
      db.close();
      void store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
