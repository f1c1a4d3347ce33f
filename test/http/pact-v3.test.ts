import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { loadConfig } from "../../src/config/load.ts";
import { validateV3Footprint } from "../../src/model/v3/validate.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { DEMO_FOOTPRINT_IDS } from "../../src/testing/demo-data.ts";
import { type CountingStore, countingStore } from "../helpers/counting-store.ts";

type Doc = Record<string, unknown> & { id: string };
const ORIGIN = "http://localhost";

describe("PACT v3 routes (/3/footprints, /3/footprints/{id}) beside /2", () => {
  let host: IleapServer;
  let dataDir: string;
  let token: string;
  let counter: CountingStore;
  /** GET with the demo token, another token, or none (`null`). */
  const get = (path: string, auth: string | null = token) =>
    host.app.request(
      `${ORIGIN}${path}`,
      auth === null ? {} : { headers: { authorization: `Bearer ${auth}` } },
    );
  const json = async (res: Response) => (await res.json()) as Record<string, unknown>;
  const ids = async (res: Response) => ((await json(res)).data as Doc[]).map((d) => d.id);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "ileap-v3-"));
    const config = loadConfig({ env: { ILEAP_DEMO: "true", ILEAP_DATA_DIR: dataDir } });
    counter = countingStore(new SqliteStore({ file: join(dataDir, "ileap.sqlite") }));
    host = await createIleapServer(config, { store: counter.store, logger: pino({ level: "silent" }) });
    const res = await host.app.request(`${ORIGIN}/auth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("hello:pathfinder").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists valid v3 footprints with the same token as /2", async () => {
    const res = await get("/3/footprints");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const data = (await json(res)).data as Doc[];
    assert.ok(data.length >= 10, `${data.length}`);
    for (const d of data) assert.deepEqual(validateV3Footprint(d), [], d.id);
    assert.equal((await get("/2/footprints")).status, 200);
  });

  it("answers GetFootprint in v3, and 404 NotFound for unknown, malformed and v2-only ids", async () => {
    const res = await get(`/3/footprints/${DEMO_FOOTPRINT_IDS.sfMultimodal}`);
    assert.equal(res.status, 200);
    const doc = (await json(res)).data as Doc;
    assert.equal(doc.id, DEMO_FOOTPRINT_IDS.sfMultimodal);
    assert.match(String(doc.specVersion), /^3\./);
    for (const id of ["00000000-0000-0000-0000-000000000000", "not-a-uuid", DEMO_FOOTPRINT_IDS.pcfPellets]) {
      const r = await get(`/3/footprints/${id}`);
      assert.equal(r.status, 404, id);
      assert.equal((await json(r)).code, "NotFound");
    }
    assert.equal(
      (await get(`/2/footprints/${DEMO_FOOTPRINT_IDS.pcfPellets}`)).status,
      200,
      "v2-only stays on /2",
    );
    const v2 = await get("/2/footprints/00000000-0000-0000-0000-000000000000");
    assert.equal((await json(v2)).code, "NoSuchFootprint");
  });

  it("answers 401 for a missing or invalid token on /3, 400 on /2", async () => {
    for (const path of ["/3/footprints", `/3/footprints/${DEMO_FOOTPRINT_IDS.sfRoad}`]) {
      for (const auth of [null, "very-invalid-access-token"]) {
        const r = await get(path, auth);
        assert.equal(r.status, 401, `${path} ${auth}`);
        assert.equal((await json(r)).code, "BadRequest");
      }
    }
    assert.equal((await get("/2/footprints", "garbage")).status, 400);
  });

  it("filters by every criterion, answering nonsense values with an empty list", async () => {
    const first = ((await json(await get("/3/footprints"))).data as Doc[])[0] as Doc;
    const productId = (first.productIds as string[])[0] as string;
    const byProduct = await ids(await get(`/3/footprints?productId=${encodeURIComponent(productId)}`));
    assert.ok(byProduct.includes(first.id));
    const upper = await ids(
      await get(`/3/footprints?productid=${encodeURIComponent(productId.toUpperCase())}`),
    );
    assert.deepEqual(upper, byProduct, "names and values are case-insensitive");
    for (const q of [
      "geography=XX",
      "status=BogusStatus",
      "productId=urn:bogus:product:x",
      "companyId=urn:bogus:a&companyId=urn:bogus:b",
      "classification=urn:bogus:classification:x",
      "validOn=1900-01-01T00:00:00Z",
      "validAfter=2099-12-31T23:59:59Z",
      "validBefore=1900-01-01T00:00:00Z",
    ]) {
      const r = await get(`/3/footprints?${q}`);
      assert.equal(r.status, 200, q);
      assert.deepEqual(await ids(r), [], q);
    }
    const deprecated = (await json(await get("/3/footprints?status=deprecated"))).data as Doc[];
    assert.ok(deprecated.every((d) => d.status === "Deprecated"));
  });

  it("rejects unknown parameters and malformed dates with 400 naming them", async () => {
    const unknown = await get("/3/footprints?geography=DE&color=red&$filter=x");
    assert.equal(unknown.status, 400);
    const body = await json(unknown);
    assert.equal(body.code, "BadRequest");
    assert.match(String(body.message), /"color"/);
    assert.match(String(body.message), /"\$filter"/);
    const date = await get("/3/footprints?validOn=yesterday");
    assert.equal(date.status, 400);
    assert.match(String((await json(date)).message), /validOn/);
    assert.equal((await get("/3/footprints?limit=0")).status, 400);
  });

  it("paginates with a Link that keeps every filter and the limit", async () => {
    const all = await ids(await get("/3/footprints?status=Active"));
    const seen: string[] = [];
    let next: string | undefined = `${ORIGIN}/3/footprints?status=Active&limit=2`;
    while (next) {
      const r = await host.app.request(next, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200);
      const page = await ids(r);
      assert.ok(page.length <= 2);
      seen.push(...page);
      const link = r.headers.get("link");
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      if (next) {
        assert.match(next, /^http:\/\/localhost\/3\/footprints\?/);
        assert.match(next, /status=Active/);
        assert.match(next, /limit=2/);
      }
    }
    assert.deepEqual(seen, all);
  });

  it("serves repeated /3 reads from the response cache until the data changes", async () => {
    const path = "/3/footprints?geography=DE&limit=3";
    const first = await (await get(path)).text();
    counter.reset();
    assert.equal(await (await get(path)).text(), first);
    assert.equal(await (await get(`/3/footprints/${DEMO_FOOTPRINT_IDS.sfRoad}`)).status, 200);
    await get(`/3/footprints/${DEMO_FOOTPRINT_IDS.sfRoad}`);
    assert.equal(counter.calls.get("listFootprintsV3") ?? 0, 0, "list answered from the cache");
    assert.equal(counter.calls.get("getFootprintV3") ?? 0, 1, "second get answered from the cache");
    await host.store.recordInboundEvent({ id: "x", source: "s", type: "t", body: "{}", receivedFrom: "c" });
    await get(path);
    assert.equal(counter.calls.get("listFootprintsV3"), 1, "a write starts a new data version");
  });

  it("answers 403 AccessDenied on /3 for a stored footprint the client may not see (404 on /2)", async () => {
    const res = await host.app.request(`${ORIGIN}/auth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("transport_service_user:ileap").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    const user = ((await res.json()) as { access_token: string }).access_token;
    const toc = await get(`/3/footprints/${DEMO_FOOTPRINT_IDS.tocRoadDiesel}`, user);
    assert.equal(toc.status, 403);
    assert.equal((await json(toc)).code, "AccessDenied");
    assert.equal((await get(`/2/footprints/${DEMO_FOOTPRINT_IDS.tocRoadDiesel}`, user)).status, 404);
    assert.equal((await get(`/3/footprints/${DEMO_FOOTPRINT_IDS.sfRoad}`, user)).status, 200);
    const unknown = await get("/3/footprints/00000000-0000-0000-0000-000000000000", user);
    assert.equal(unknown.status, 404);
  });
});
