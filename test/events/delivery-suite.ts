/** End-to-end event flows, run against both stores by sqlite.test.ts and postgres.test.ts. */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { EventsService } from "../../src/events/service.ts";
import { getToken } from "../helpers/http.ts";
import { READY_ADMIN, requestEvent, startTestHost, type TestHost, until } from "./host.ts";
import { type Requester, startRequester } from "./requester.ts";

const BOX_PRODUCT = "urn:gtin:4012345000017";
const FULFILLED = "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1";
const REJECTED = "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1";

/**
 * Defines the suite. `database` gives a fresh PostgreSQL URL per host (undefined = SQLite), or
 * a skip reason.
 */
export function defineDeliverySuite(
  name: string,
  database: () => Promise<string | undefined>,
  options: { skip?: string; teardown?: () => Promise<void> } = {},
): void {
  describe(name, { skip: options.skip ?? false }, () => {
    let requester: Requester;
    let host: TestHost;
    before(async () => {
      requester = await startRequester();
      const databaseUrl = await database();
      host = await startTestHost({
        requesterUrl: requester.baseUrl,
        subscribe: true,
        ...(databaseUrl ? { databaseUrl } : {}),
      });
    });
    after(async () => {
      await host?.close();
      await requester?.close();
      await options.teardown?.();
    });
    beforeEach(() => {
      requester.failWith = undefined;
    });

    it("fulfils a request with the matching footprints, authenticated, as a structured CloudEvent", async () => {
      const before = requester.events.length;
      const req = requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT] }, "test-run-id-12345");
      const res = await host.post(req);
      assert.equal(res.status, 200);
      assert.equal(res.text, "");
      await requester.waitFor(before + 1);
      const got = requester.events[before];
      assert.ok(got);
      assert.equal(got.headers["content-type"], "application/cloudevents+json; charset=UTF-8");
      assert.equal(got.headers.authorization, "Bearer requester-token-abc");
      assert.equal(got.body.specversion, "1.0");
      assert.equal(got.body.type, FULFILLED);
      assert.equal(got.body.source, host.baseUrl);
      assert.notEqual(got.body.id, req.id, "the answer has its own id");
      assert.equal(got.body.data.requestEventId, "test-run-id-12345");
      const pfs = got.body.data.pfs as { productIds: string[]; id: string }[];
      assert.equal(pfs.length, 1);
      assert.ok(pfs[0]?.productIds.includes(BOX_PRODUCT));
      await until(() => host.logs.lines.some((l) => l.includes("event delivered")));
      assert.ok(
        !host.logs.lines.some((l) => l.includes("s3cret-at-requester") || l.includes("requester-token-abc")),
      );
    });

    it("rejects with NoSuchFootprint when nothing matches, or when matches are hidden from the requester", async () => {
      const before = requester.events.length;
      await host.post(requestEvent(requester.baseUrl, { productIds: ["urn:pact:null"] }, "rej-1"));
      // transport_service_user may only see ShipmentFootprints: the box PCF exists but is hidden.
      await host.post(requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT] }, "rej-2"), [
        "transport_service_user",
        "ileap",
      ]);
      await requester.waitFor(before + 2);
      const answers = requester.events.slice(before).map((e) => e.body);
      for (const id of ["rej-1", "rej-2"]) {
        const a = answers.find((b) => b.data.requestEventId === id);
        assert.ok(a, `answer to ${id}`);
        assert.equal(a.type, REJECTED);
        assert.deepEqual(a.data.error, {
          code: "NoSuchFootprint",
          message: "No footprint matching the request was found",
        });
      }
    });

    it("matches further fragment properties (all must match)", async () => {
      const before = requester.events.length;
      await host.post(
        requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT], productCategoryCpc: "00000" }, "frag-1"),
      );
      await host.post(
        requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT], productCategoryCpc: "32151" }, "frag-2"),
      );
      await requester.waitFor(before + 2);
      const answers = requester.events.slice(before).map((e) => e.body);
      assert.equal(answers.find((b) => b.data.requestEventId === "frag-1")?.type, REJECTED);
      assert.equal(answers.find((b) => b.data.requestEventId === "frag-2")?.type, FULFILLED);
    });

    it("answers each request once even when the request is re-sent, with distinct response ids", async () => {
      const before = requester.events.length;
      const ids = ["order-a", "order-b", "order-c"];
      for (const id of ids)
        await host.post(requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT] }, id));
      await host.post(requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT] }, "order-a"));
      await requester.waitFor(before + 3);
      await host.host.events.runOnce();
      await new Promise((r) => setTimeout(r, 150));
      const answers = requester.events
        .slice(before)
        .map((e) => e.body)
        .filter((b) => ids.includes(b.data.requestEventId as string));
      assert.equal(answers.length, 3);
      assert.deepEqual(answers.map((a) => a.data.requestEventId).sort(), ids);
      assert.equal(new Set(answers.map((a) => a.id)).size, 3);
    });

    it("gets a new token when the requester stops accepting the cached one (400), without a dead letter", async () => {
      const before = requester.events.length;
      const tokensBefore = requester.tokenRequests;
      requester.rotateTokens();
      await host.post(requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT] }, "rotated-1"));
      await requester.waitFor(before + 1);
      const got = requester.events[before];
      assert.equal(got?.body.data.requestEventId, "rotated-1");
      assert.equal(got?.headers.authorization, "Bearer requester-token-abc-1");
      assert.equal(requester.tokenRequests, tokensBefore + 1);
      const find = async () =>
        (await host.host.events.outbox.list({ limit: 100 })).find((d) => d.request?.event.id === "rotated-1");
      await until(async () => (await find())?.status === "delivered");
      assert.equal((await find())?.attempts, 1, "the new token was fetched within the first attempt");
    });

    it("refuses a source that is no configured peer: never called, dead-lettered", async () => {
      const before = requester.events.length;
      const res = await host.post(
        requestEvent("http://127.0.0.1:9/evil", { productIds: [BOX_PRODUCT] }, "ssrf-1"),
      );
      assert.equal(res.status, 200);
      const dead = await host.host.events.outbox.list({ status: "dead" });
      const row = dead.find((d) => d.request?.event.id === "ssrf-1");
      assert.ok(row);
      assert.equal(row.attempts, 0);
      assert.match(row.lastError ?? "", /not a configured peer/);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(requester.events.length, before);
    });

    it("retries while the requester is down (honouring Retry-After) and delivers when it is back", async () => {
      const before = requester.events.length;
      await requester.down();
      await host.post(requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT] }, "down-1"));
      const find = async () =>
        (await host.host.events.outbox.list({ limit: 100 })).find((d) => d.request?.event.id === "down-1");
      await until(async () => ((await find())?.attempts ?? 0) >= 2);
      assert.equal((await find())?.status, "pending");
      assert.ok(host.logs.lines.some((l) => l.includes("will retry")));
      await requester.up();
      requester.failWith = { status: 503, retryAfter: "0" };
      await until(async () => ((await find())?.attempts ?? 0) >= 3);
      requester.failWith = undefined;
      await requester.waitFor(before + 1);
      await until(async () => (await find())?.status === "delivered");
      assert.equal(requester.events[before]?.body.data.requestEventId, "down-1");
    });

    it("after a worker crash between claim and acknowledgement, delivers exactly once", async () => {
      const outbox = host.host.events.outbox;
      await host.host.events.stop();
      const before = requester.events.length;
      await host.post(requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT] }, "crash-1"));
      // The "crashed" worker: claims the delivery, then dies without sending or marking.
      const claimed = await outbox.claimDue(Date.now(), 10, 300);
      assert.equal(claimed.length, 1);
      // A worker started meanwhile cannot take it while the lease lasts.
      assert.equal((await outbox.claimDue(Date.now(), 10, 300)).length, 0);
      // A late mark by the crashed worker with a foreign token changes nothing.
      assert.equal(await outbox.markDelivered(claimed[0]?.id ?? "", "not-the-token", Date.now()), false);
      host.host.events.start();
      await requester.waitFor(before + 1);
      // Further rounds never send it again.
      for (let i = 0; i < 3; i++) await host.host.events.runOnce();
      await new Promise((r) => setTimeout(r, 500));
      const answers = requester.events.slice(before).filter((e) => e.body.data.requestEventId === "crash-1");
      assert.equal(answers.length, 1);
      assert.equal((await outbox.get(claimed[0]?.id ?? ""))?.status, "delivered");
    });

    it("two workers on the same outbox never both claim a delivery", async () => {
      const second = new EventsService({
        outbox: host.host.events.outbox,
        store: host.host.store,
        peers: [],
        settings: { ...host.host.events.settings },
        source: "http://unused",
        logger: host.host.logger,
      });
      const before = requester.events.length;
      for (const id of ["pair-1", "pair-2", "pair-3"]) {
        await host.post(requestEvent(requester.baseUrl, { productIds: [BOX_PRODUCT] }, id));
      }
      // The second worker (no peers configured) would dead-letter what it claims.
      const claims = await Promise.all([second.runOnce(), host.host.events.runOnce()]);
      await requester.waitFor(before + 3 - claims[0]);
      const dead = (await host.host.events.outbox.list({ status: "dead", limit: 100 })).filter((d) =>
        d.request?.event.id.startsWith("pair-"),
      );
      assert.equal(dead.length, claims[0]);
    });

    it("sends Published events to subscribed peers and records inbound Published events", async () => {
      const before = requester.events.length;
      const pfId = "3893bb5d-da16-4dc1-9185-11d97476c254";
      assert.equal(await host.host.events.footprintsChanged([pfId]), 1);
      await requester.waitFor(before + 1);
      const got = requester.events[before]?.body;
      assert.equal(got?.type, "org.wbcsd.pathfinder.ProductFootprint.Published.v1");
      assert.deepEqual(got?.data, { pfIds: [pfId] });
      const res = await host.post({
        specversion: "1.0",
        id: "pub-1",
        source: requester.baseUrl,
        type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
        data: { pfIds: [pfId] },
      });
      assert.equal(res.status, 200);
      const inbound = await host.host.events.outbox.listInboundPublished();
      assert.deepEqual(
        inbound.map((e) => [e.eventId, e.source, e.pfIds, e.receivedFrom]),
        [["pub-1", requester.baseUrl, [pfId], "hello"]],
      );
    });

    it("reports delivery counts in /ready to an admin token only", async () => {
      const plain = await fetch(`${host.baseUrl}/ready`);
      assert.deepEqual(await plain.json(), { status: "ready", checks: { store: "ok" } });
      const admin = await getToken(host.baseUrl, READY_ADMIN.id, READY_ADMIN.secret);
      const notAdmin = await getToken(host.baseUrl, "hello", "pathfinder");
      const other = await fetch(`${host.baseUrl}/ready`, {
        headers: { authorization: `Bearer ${notAdmin}` },
      });
      assert.equal(
        ((await other.json()) as { details?: unknown }).details,
        undefined,
        "no details for a non-admin",
      );
      const res = await fetch(`${host.baseUrl}/ready`, { headers: { authorization: `Bearer ${admin}` } });
      const body = (await res.json()) as { details?: { events?: Record<string, number> } };
      assert.equal(res.status, 200);
      assert.ok((body.details?.events?.delivered ?? 0) >= 5);
      assert.ok((body.details?.events?.dead ?? 0) >= 1);
    });

    it("purges finished history older than the retention in batches, never a pending delivery", async () => {
      const events = host.host.events;
      await events.stop();
      const outbox = events.outbox;
      const day = 86_400_000;
      const old = Date.now() - 40 * day;
      // More than one purge batch (1000) of old dead-lettered deliveries.
      for (let i = 0; i < 1_050; i++) {
        await outbox.enqueue(
          {
            id: crypto.randomUUID(),
            kind: "published",
            target: "https://peer.example",
            dedupeKey: `old-dead:${i}`,
            body: "{}",
            refusedReason: "test",
          },
          old,
        );
      }
      const pendingId = crypto.randomUUID();
      await outbox.enqueue(
        { id: pendingId, kind: "published", target: requester.baseUrl, dedupeKey: "old-pending", body: "{}" },
        old,
      );
      const before = await outbox.counts();
      const withRetention = (retentionMs: number) =>
        new EventsService({
          outbox,
          store: host.host.store,
          peers: [],
          settings: { ...events.settings, retentionMs },
          source: "http://unused",
          logger: host.host.logger,
        });
      assert.deepEqual(await withRetention(0).purgeHistory(), { deliveries: 0, inbound: 0 });
      // 30 days: only the 40-day-old dead rows go; the recent ones of the tests above stay.
      assert.deepEqual(await withRetention(30 * day).purgeHistory(), { deliveries: 1_050, inbound: 0 });
      assert.deepEqual(await outbox.counts(), { ...before, dead: before.dead - 1_050 });
      // Everything finished goes with a tiny retention; the old pending delivery stays.
      await new Promise((r) => setTimeout(r, 5));
      const all = await outbox.purge(Date.now());
      assert.equal(all.deliveries, before.delivered + before.dead - 1_050);
      assert.equal(all.inbound, 1);
      assert.deepEqual(await outbox.counts(), { pending: before.pending, delivered: 0, dead: 0 });
      assert.equal((await outbox.get(pendingId))?.status, "pending");
      assert.deepEqual(await outbox.listInboundPublished(), []);
    });
  });
}
