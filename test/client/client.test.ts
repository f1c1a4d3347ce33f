/**
 * The SDK against our real host (demo data): discovery, pagination to the end, filters, TAD,
 * events, typed errors, one token request for concurrent calls.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  footprintFilter as f,
  IleapApiError,
  IleapAuthError,
  IleapClient,
  type IleapClientOptions,
  publishedEvent,
} from "../../src/client/index.ts";
import { DEMO_FOOTPRINT_IDS } from "../../src/testing/demo-data.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

/** A fetch that counts requests by method and path. */
function countingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const wrapped: typeof fetch = (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    calls.push(`${init?.method ?? "GET"} ${url.pathname}`);
    return fetch(input, init);
  };
  return { fetch: wrapped, calls };
}

describe("IleapClient against our host", () => {
  let server: RunningDemoServer;
  let options: IleapClientOptions;
  before(async () => {
    server = await startDemoServer();
    options = { baseUrl: server.baseUrl, clientId: "hello", clientSecret: "pathfinder" };
  });
  after(() => server.close());

  it("finds the token endpoint by OIDC discovery", async () => {
    const client = new IleapClient(options);
    assert.deepEqual(await client.tokenEndpoint(), {
      url: `${server.baseUrl}/auth/token`,
      source: "discovery",
    });
  });

  it("walks every page of ListFootprints by following Link headers", async () => {
    const counter = countingFetch();
    const client = new IleapClient({ ...options, fetch: counter.fetch });
    const all = await client.listFootprints().toArray();
    assert.equal(all.length, 12);
    const paged: string[] = [];
    let pages = 0;
    for await (const page of client.listFootprints({ limit: 5 }).pages()) {
      pages++;
      assert.ok(page.data.length <= 5);
      paged.push(...page.data.map((pf) => pf.id));
    }
    assert.equal(pages, 3);
    assert.deepEqual(
      paged,
      all.map((pf) => pf.id),
    );
    assert.equal(new Set(paged).size, 12);
    const items: string[] = [];
    for await (const pf of client.listFootprints({ limit: 4 })) items.push(pf.id);
    assert.deepEqual(items, paged);
    assert.equal(counter.calls.filter((c) => c === "POST /auth/token").length, 1, "one token for the client");
  });

  it("returns one page with .page() and the next on demand", async () => {
    const client = new IleapClient(options);
    const first = await client.listFootprints({ limit: 5 }).page();
    assert.equal(first.data.length, 5);
    assert.ok(first.nextUrl?.startsWith(`${server.baseUrl}/2/footprints?`));
    const second = await first.next();
    assert.equal(second?.data.length, 5);
    assert.equal(await first.next(), second, "next() is memoised");
    const third = await second?.next();
    assert.equal(third?.data.length, 2);
    assert.equal(third?.nextUrl, undefined);
    assert.equal(await third?.next(), undefined);
  });

  it("sends filters built with the typed builder", async () => {
    const client = new IleapClient(options);
    const shipments = await client
      .listFootprints({
        filter: f.productIds.contains(
          "urn:pathfinder:product:customcode:vendor-assigned:shipment:SHP-2025-000101",
        ),
      })
      .toArray();
    assert.deepEqual(
      shipments.map((pf) => pf.id),
      [DEMO_FOOTPRINT_IDS.sfRoad],
    );
    const since = await client
      .listFootprints({ filter: f.updated.ge("2025-01-01T00:00:00Z").and(f.productCategoryCpc.eq("83117")) })
      .toArray();
    for (const pf of since) assert.equal(pf.productCategoryCpc, "83117");
    const string = await client.listFootprints({ filter: "pcf/geographyCountry eq 'XX'" }).toArray();
    assert.deepEqual(string, []);
  });

  it("gets one footprint, and NoSuchFootprint as a typed 404", async () => {
    const client = new IleapClient(options);
    const pf = await client.getFootprint(DEMO_FOOTPRINT_IDS.tocSea);
    assert.equal(pf.id, DEMO_FOOTPRINT_IDS.tocSea);
    const err = await client.getFootprint("00000000-0000-0000-0000-000000000000").catch((e: unknown) => e);
    assert.ok(err instanceof IleapApiError);
    assert.equal(err.status, 404);
    assert.equal(err.code, "NoSuchFootprint");
    assert.match(err.message, /404 \(NoSuchFootprint/);
  });

  it("reports a filter outside the PACT subset as NotImplemented", async () => {
    const client = new IleapClient(options);
    const err = await client
      .listFootprints({ filter: "productCategoryCpc ne '83117'" })
      .page()
      .catch((e: unknown) => e);
    assert.ok(err instanceof IleapApiError);
    assert.equal(err.status, 400);
    assert.equal(err.code, "NotImplemented");
  });

  it("lists TAD with query-pair filters to the end", async () => {
    const client = new IleapClient(options);
    const all = await client.listTad().toArray();
    const rail = await client.listTad({ filters: { mode: "Rail" }, limit: 2 }).toArray();
    assert.ok(rail.length > 2, "several pages");
    assert.deepEqual(
      rail.map((t) => t.activityId),
      all.filter((t) => t.mode === "Rail").map((t) => t.activityId),
    );
    const pairs = await client
      .listTad({
        filters: [
          ["mode", "road"],
          ["feedstock", "Fossil"],
        ],
      })
      .toArray();
    for (const t of pairs) assert.equal(t.mode, "Road");
    const err = await client
      .listTad({ filters: { colour: "red" } })
      .page()
      .catch((e: unknown) => e);
    assert.ok(err instanceof IleapApiError);
    assert.equal(err.code, "NotImplemented");
  });

  it("sends events; a refused event is a typed BadRequest", async () => {
    const client = new IleapClient(options);
    const sent = await client.sendEvent(
      publishedEvent("https://shipper.example", [DEMO_FOOTPRINT_IDS.sfRoad]),
    );
    assert.equal(sent.status, 200);
    assert.match(sent.id, /^[0-9a-f-]{36}$/);
    const err = await client
      .sendEvent({ type: "org.example.Unknown.v1", source: "https://shipper.example", data: {} })
      .catch((e: unknown) => e);
    assert.ok(err instanceof IleapApiError);
    assert.equal(err.status, 400);
    assert.equal(err.code, "BadRequest");
  });

  it("reports wrong credentials as an IleapAuthError carrying the OAuth error", async () => {
    const client = new IleapClient({ ...options, clientSecret: "wrong" });
    const err = await client.getFootprint(DEMO_FOOTPRINT_IDS.tocSea).catch((e: unknown) => e);
    assert.ok(err instanceof IleapAuthError);
    assert.equal(err.status, 400);
    assert.equal(err.error, "invalid_client");
    assert.doesNotMatch(err.message, /wrong/, "the secret is not in the message");
  });

  it("replaces a cached token the host no longer accepts (PACT answers it 400 or 403) once", async () => {
    // A token this host never issued (keys rotated, host re-installed): PACT hosts answer it with
    // 403 AccessDenied on TAD and 400 BadRequest on footprints, like a bad request.
    const bogus = {
      accessToken: "not-a-token",
      tokenType: "bearer",
      obtainedAt: Date.now(),
      expiresAt: Date.now() + 3_600_000,
    };
    for (const call of [
      (c: IleapClient) => c.listTad().page(),
      (c: IleapClient) => c.listFootprints().page(),
    ]) {
      const counter = countingFetch();
      const client = new IleapClient({
        ...options,
        fetch: counter.fetch,
        tokenCache: { load: () => bogus, save: () => {} },
      });
      const page = await call(client);
      assert.ok(page.data.length > 0);
      assert.equal(counter.calls.filter((c) => c === "POST /auth/token").length, 1);
    }
  });

  it("reports a bad request answered to a fresh token at once, and a cached token's final refusal", async () => {
    const counter = countingFetch();
    const client = new IleapClient({ ...options, fetch: counter.fetch });
    // Fresh token, unsupported filter: one request, the host's answer as an error.
    const bad = await client
      .listFootprints({ filter: "productCategoryCpc eq" })
      .page()
      .catch((e: unknown) => e);
    assert.equal(bad instanceof IleapApiError ? bad.status : bad, 400);
    assert.equal(counter.calls.filter((c) => c.startsWith("GET /2/footprints")).length, 1);
    // Cached token now: the same bad request is repeated once with a new token, then reported.
    const again = await client
      .listFootprints({ filter: "productCategoryCpc eq" })
      .page()
      .catch((e: unknown) => e);
    assert.equal(again instanceof IleapApiError ? again.code : again, "BadRequest");
    assert.equal(counter.calls.filter((c) => c.startsWith("GET /2/footprints")).length, 3);
    assert.equal(counter.calls.filter((c) => c === "POST /auth/token").length, 2);
  });

  it("obtains a single token for many concurrent calls", async () => {
    const counter = countingFetch();
    const client = new IleapClient({ ...options, fetch: counter.fetch });
    const ids = Object.values(DEMO_FOOTPRINT_IDS).slice(0, 8);
    const docs = await Promise.all(ids.map((id) => client.getFootprint(id)));
    assert.deepEqual(
      docs.map((d) => d.id),
      ids,
    );
    assert.equal(counter.calls.filter((c) => c === "POST /auth/token").length, 1);
    assert.equal(counter.calls.filter((c) => c === "GET /.well-known/openid-configuration").length, 1);
  });

  it("aborts a call through its signal", async () => {
    const client = new IleapClient(options);
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(
      client.getFootprint(DEMO_FOOTPRINT_IDS.tocSea, { signal: controller.signal }),
      /stop/,
    );
  });
});
