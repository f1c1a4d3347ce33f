/**
 * Several delivery workers (host processes) on one PostgreSQL database: every request is answered
 * exactly once, whichever process received it and whichever claimed it.
 *
 * That more than one process delivers is made certain, not left to scheduling: in phase 1 only A
 * runs (B and C are frozen with SIGSTOP), so A delivers those answers; in phase 2 A is frozen, so
 * B or C delivers those; in phase 3 all three run and compete for the rest.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { getToken, send } from "../helpers/http.ts";
import { type PostgresTestServer, postgresSkipReason, startPostgres } from "../helpers/postgres.ts";
import { type ChildHost, startChildHost } from "./crash-child.ts";
import { requestEvent, until } from "./host.ts";
import { type Requester, startRequester } from "./requester.ts";

const BOX_PRODUCT = "urn:gtin:4012345000017";
const FULFILLED = "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1";
/** Requests per phase (3 phases). */
const PER_PHASE = 10;
/**
 * A lease far longer than any delivery here (and > 3 × timeoutMs, so the host does not warn): a
 * duplicate can then only come from a real fault, not from a slow machine letting a lease lapse.
 */
const EVENTS = { leaseMs: 60_000, timeoutMs: 10_000 };

interface Worker {
  readonly name: string;
  readonly host: ChildHost;
  readonly token: string;
}

const skip = postgresSkipReason();

describe("several worker processes on one PostgreSQL database", { skip: skip ?? false }, () => {
  let server: PostgresTestServer | undefined;
  let requester: Requester | undefined;
  let db: pg.Client | undefined;
  const dirs: string[] = [];
  const hosts: ChildHost[] = [];
  const workers: Worker[] = [];

  before(async () => {
    server = await startPostgres({ database: "ileap_events_multi" });
    requester = await startRequester();
    db = new pg.Client({ connectionString: server.connectionString });
    await db.connect();
    const start = async (name: string): Promise<Worker> => {
      const dataDir = mkdtempSync(join(tmpdir(), `ileap-events-multi-worker-${name}-`));
      dirs.push(dataDir);
      const host = await startChildHost({
        requesterUrl: (requester as Requester).baseUrl,
        dataDir,
        databaseUrl: (server as PostgresTestServer).connectionString,
        events: EVENTS,
        log: true,
      });
      hosts.push(host);
      return { name, host, token: await getToken(host.baseUrl, "hello", "pathfinder") };
    };
    // A first: it loads the demo data into the empty database; then the others, side by side.
    workers.push(await start("A"));
    workers.push(...(await Promise.all([start("B"), start("C")])));
  });

  after(async () => {
    await Promise.all(hosts.map((h) => h.kill()));
    await db?.end().catch(() => undefined);
    await requester?.close();
    await server?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("answers every request exactly once, with more than one process delivering", async () => {
    const r = requester as Requester;
    const client = db as pg.Client;
    const [a, b, c] = workers as [Worker, Worker, Worker];
    const post = async (w: Worker, id: string) => {
      const res = await send(`${w.host.baseUrl}/2/events`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${w.token}`,
          "content-type": "application/cloudevents+json; charset=UTF-8",
        },
        body: JSON.stringify(requestEvent(r.baseUrl, { productIds: [BOX_PRODUCT] }, id)),
      });
      assert.equal(res.status, 200, `POST of ${id} to ${w.name}: ${res.status} ${res.text}`);
    };
    const answered = (ids: readonly string[]) =>
      ids.every((id) => r.events.some((e) => e.body.data.requestEventId === id));
    const deliveredCount = async (): Promise<number> => {
      const res = await client.query<{ n: string }>(
        "SELECT COUNT(*) AS n FROM outbox_deliveries WHERE status = 'delivered'",
      );
      return Number(res.rows[0]?.n);
    };
    /** Waits until `ids` are answered and their deliveries marked (no claim is still held). */
    const settled = async (ids: readonly string[], total: number) => {
      await until(() => answered(ids), 30_000);
      await until(async () => (await deliveredCount()) === total, 30_000);
    };
    const ids = (phase: number) => Array.from({ length: PER_PHASE }, (_, i) => `mw-${phase}-${i}`);
    const [phase1, phase2, phase3] = [ids(1), ids(2), ids(3)];

    // Phase 1: only A runs; requests to A.
    await b.host.pause();
    await c.host.pause();
    for (const id of phase1) await post(a, id);
    await settled(phase1, PER_PHASE);

    // Phase 2: A frozen, B and C run; requests alternately to B and C.
    await a.host.pause();
    await b.host.resume();
    await c.host.resume();
    for (const [i, id] of phase2.entries()) await post(i % 2 === 0 ? b : c, id);
    await settled(phase2, 2 * PER_PHASE);

    // Phase 3: all three run; requests to all three at once.
    await a.host.resume();
    await Promise.all(phase3.map((id, i) => post(workers[i % 3] as Worker, id)));
    await settled(phase3, 3 * PER_PHASE);
    // Late duplicates would show up within a few poll rounds (pollIntervalMs is 30).
    await new Promise((res) => setTimeout(res, 500));

    // The requester: each request answered exactly once, Fulfilled, no event id twice.
    const all = [...phase1, ...phase2, ...phase3];
    const perRequest = new Map<string, number>();
    for (const e of r.events) {
      const id = e.body.data.requestEventId as string;
      perRequest.set(id, (perRequest.get(id) ?? 0) + 1);
    }
    assert.deepEqual([...perRequest.keys()].sort(), [...all].sort(), "answers exactly the requests sent");
    assert.deepEqual(
      [...perRequest].filter(([, n]) => n !== 1),
      [],
      "no request answered more than once",
    );
    assert.equal(r.events.length, all.length);
    assert.equal(new Set(r.events.map((e) => e.body.id)).size, r.events.length, "no event id twice");
    for (const e of r.events) {
      assert.equal(e.body.type, FULFILLED, `answer to ${String(e.body.data.requestEventId)}`);
      const pfs = e.body.data.pfs as { productIds: string[] }[];
      assert.ok(pfs.length > 0 && pfs.every((p) => p.productIds.includes(BOX_PRODUCT)));
    }
    assert.equal(r.hung.length, 0);

    // The outbox: one delivery per request, all delivered, the same ids as the events received.
    const rows = (
      await client.query<{ id: string; status: string; attempts: number }>(
        "SELECT id, status, attempts FROM outbox_deliveries",
      )
    ).rows;
    assert.equal(rows.length, all.length);
    assert.deepEqual(
      rows.filter((row) => row.status !== "delivered"),
      [],
      "every delivery is delivered",
    );
    assert.deepEqual(rows.map((row) => row.id).sort(), r.events.map((e) => e.body.id).sort());

    // The workers' logs: each delivery logged as delivered by exactly one process, no lost claims.
    await until(
      () => workers.reduce((n, w) => n + w.host.records("event delivered").length, 0) >= all.length,
    );
    const deliveredBy = new Map<string, string[]>();
    for (const w of workers) {
      for (const rec of w.host.records("event delivered")) {
        const id = rec.deliveryId as string;
        deliveredBy.set(id, [...(deliveredBy.get(id) ?? []), w.name]);
      }
      const lost = w.host.logs.filter((l) => l.includes("claim was lost") || l.includes("claim lost"));
      assert.deepEqual(lost, [], `worker ${w.name} lost no claim`);
    }
    assert.deepEqual([...deliveredBy.keys()].sort(), rows.map((row) => row.id).sort());
    assert.deepEqual(
      [...deliveredBy].filter(([, by]) => by.length !== 1),
      [],
      "each delivery logged once",
    );
    const byRequest = new Map(
      r.events.map((e) => [e.body.data.requestEventId as string, deliveredBy.get(e.body.id)?.[0]]),
    );
    for (const id of phase1) assert.equal(byRequest.get(id), "A", `${id} delivered by A (B, C frozen)`);
    for (const id of phase2) {
      assert.ok(["B", "C"].includes(byRequest.get(id) ?? ""), `${id} delivered by B or C (A frozen)`);
    }
    const deliverers = new Set(byRequest.values());
    assert.ok(deliverers.size >= 2, `deliveries by ${[...deliverers].join(", ")}`);
    // A first attempt's event is built by the process sending it: its `source` is that host.
    const attempts = new Map(rows.map((row) => [row.id, Number(row.attempts)]));
    for (const e of r.events) {
      if (attempts.get(e.body.id) !== 1) continue;
      const by = workers.find((w) => w.name === deliveredBy.get(e.body.id)?.[0]);
      assert.equal(e.body.source, by?.host.baseUrl, `source of ${e.body.id}`);
    }
  });
});
