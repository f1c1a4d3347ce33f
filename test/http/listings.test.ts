import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getToken, getWithToken, type WireResponse } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

type Doc = Record<string, unknown> & { id: string };

function nextLink(res: WireResponse): string | undefined {
  const link = res.headers.link;
  if (link === undefined) return undefined;
  const m = /^<([^>]+)>; rel="next"$/.exec(String(link));
  assert.ok(m, `Link header format: ${link}`);
  return m[1];
}

async function walk(url: string, token: string): Promise<{ items: Doc[]; pages: number; maxPage: number }> {
  const items: Doc[] = [];
  let pages = 0;
  let maxPage = 0;
  let next: string | undefined = url;
  while (next) {
    const res = await getWithToken(next, token);
    assert.equal(res.status, 200, `${next}: ${res.text}`);
    const data = (res.json as { data: Doc[] }).data;
    items.push(...data);
    maxPage = Math.max(maxPage, data.length);
    pages++;
    next = nextLink(res);
    assert.ok(pages < 200, "pagination terminates");
  }
  return { items, pages, maxPage };
}

describe("ListFootprints, GetFootprint and TAD listings", () => {
  let server: RunningDemoServer;
  let token: string;
  before(async () => {
    server = await startDemoServer();
    token = await getToken(server.baseUrl, "hello", "pathfinder");
  });
  after(() => server.close());

  it("lists every footprint as {data:[…]} with JSON content type", async () => {
    const res = await getWithToken(`${server.baseUrl}/2/footprints`, token);
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    const data = (res.json as { data: Doc[] }).data;
    assert.ok(data.length >= 12, `demo has many footprints, got ${data.length}`);
    assert.equal(res.headers.link, undefined);
    assert.ok(!res.text.includes("null"), "never emits null");
  });

  it("paginates with absolute Link URLs that keep filters and limit, repeatably, to the end", async () => {
    const full = (await walk(`${server.baseUrl}/2/footprints`, token)).items.map((d) => d.id);
    const paged = await walk(`${server.baseUrl}/2/footprints?limit=2`, token);
    assert.deepEqual(
      paged.items.map((d) => d.id),
      full,
    );
    assert.ok(paged.pages > 2);
    assert.ok(paged.maxPage <= 2);
    const first = await getWithToken(`${server.baseUrl}/2/footprints?limit=2`, token);
    const link = nextLink(first)!;
    assert.ok(link.startsWith(`${server.baseUrl}/2/footprints?`), link);
    assert.match(link, /limit=2/);
    const a = await getWithToken(link, token);
    const b = await getWithToken(link, token);
    assert.equal(a.text, b.text, "same link, same page");

    const filter = "productCategoryCpc eq '83117'";
    const filtered = await walk(
      `${server.baseUrl}/2/footprints?$filter=${encodeURIComponent(filter)}&limit=1`,
      token,
    );
    const unpaged = await walk(`${server.baseUrl}/2/footprints?$filter=${encodeURIComponent(filter)}`, token);
    assert.deepEqual(
      filtered.items.map((d) => d.id),
      unpaged.items.map((d) => d.id),
    );
    assert.ok(filtered.items.every((d) => d.productCategoryCpc === "83117"));
    assert.ok(filtered.items.length >= 9 && filtered.items.length < full.length);
  });

  it("refuses a forged or foreign page token with 400 BadRequest", async () => {
    const first = await getWithToken(`${server.baseUrl}/2/footprints?limit=1`, token);
    const link = nextLink(first)!;
    const tampered = link.replace(/pageToken=([^&]+)/, (_m, t: string) => `pageToken=${t.slice(0, -2)}xx`);
    const res = await getWithToken(tampered, token);
    assert.equal(res.status, 400);
    assert.equal((res.json as { code: string }).code, "BadRequest");
    const foreign = await getWithToken(
      `${link}&$filter=${encodeURIComponent("productCategoryCpc eq '1'")}`,
      token,
    );
    assert.equal(foreign.status, 400, "a token is bound to its filter");
  });

  it("answers timestamp filters, including a + offset that arrived as a space", async () => {
    for (const raw of [
      "created%20ge%20'2020-01-01T00:00:00%2B00:00'",
      "created+ge+'2020-01-01T00:00:00+00:00'",
      `${encodeURIComponent("created ge '2020-01-01T00:00:00Z'")}`,
    ]) {
      const res = await getWithToken(`${server.baseUrl}/2/footprints?$filter=${raw}`, token);
      assert.equal(res.status, 200, `${raw}: ${res.text}`);
      assert.ok((res.json as { data: Doc[] }).data.length > 0);
    }
    const none = await getWithToken(
      `${server.baseUrl}/2/footprints?$filter=${encodeURIComponent("created gt '2999-01-01T00:00:00Z'")}`,
      token,
    );
    assert.deepEqual((none.json as { data: Doc[] }).data, []);
  });

  it("answers unsupported filters with 400 NotImplemented and broken ones with 400 BadRequest", async () => {
    for (const f of [
      "productCategoryCpc ne '1'",
      "created ge '2020-01-01T00:00:00Z' or created lt '2020-01-01T00:00:00Z'",
      "contains(productDescription,'x')",
      "companyName eq 'x'",
    ]) {
      const res = await getWithToken(
        `${server.baseUrl}/2/footprints?$filter=${encodeURIComponent(f)}`,
        token,
      );
      assert.equal(res.status, 400, f);
      assert.equal((res.json as { code: string }).code, "NotImplemented", f);
    }
    const broken = await getWithToken(
      `${server.baseUrl}/2/footprints?$filter=${encodeURIComponent("created ge '2020")}`,
      token,
    );
    assert.equal(broken.status, 400);
    assert.equal((broken.json as { code: string }).code, "BadRequest");
  });

  it("validates limit", async () => {
    for (const bad of ["0", "-1", "abc", "1.5", "", "1e3", "99999999999"]) {
      const res = await getWithToken(`${server.baseUrl}/2/footprints?limit=${bad}`, token);
      assert.equal(res.status, 400, `limit=${bad}`);
      assert.equal((res.json as { code: string }).code, "BadRequest");
    }
    const res = await getWithToken(`${server.baseUrl}/2/footprints?limit=1`, token);
    assert.equal((res.json as { data: Doc[] }).data.length, 1);
  });

  it("gets a footprint by id and answers 404 NoSuchFootprint for unknown and malformed ids", async () => {
    const list = (await getWithToken(`${server.baseUrl}/2/footprints`, token)).json as { data: Doc[] };
    for (const doc of list.data) {
      const res = await getWithToken(`${server.baseUrl}/2/footprints/${doc.id}`, token);
      assert.equal(res.status, 200);
      assert.deepEqual((res.json as { data: Doc }).data, doc);
    }
    for (const id of ["non-existent-id", "00000000-0000-0000-0000-000000000000", "%00", "x".repeat(300)]) {
      const res = await getWithToken(`${server.baseUrl}/2/footprints/${id}`, token);
      assert.equal(res.status, 404, id);
      assert.equal((res.json as { code: string }).code, "NoSuchFootprint");
    }
  });

  it("lists the latest version only", async () => {
    const list = (await getWithToken(`${server.baseUrl}/2/footprints`, token)).json as { data: Doc[] };
    const ids = list.data.map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(list.data.some((d) => d.version === 2 && typeof d.updated === "string"));
    assert.ok(list.data.some((d) => d.status === "Deprecated"));
  });

  it("lists TAD with mode filters for all five modes, nested and dotted names, ANDed pairs", async () => {
    const all = (await walk(`${server.baseUrl}/2/ileap/tad`, token)).items;
    assert.ok(all.length >= 20);
    for (const mode of ["Road", "Rail", "Air", "Sea", "InlandWaterway"]) {
      const res = await walk(`${server.baseUrl}/2/ileap/tad?mode=${mode.toLowerCase()}&limit=3`, token);
      assert.ok(res.items.length > 0, mode);
      assert.ok(
        res.items.every((t) => t.mode === mode),
        mode,
      );
      assert.equal(res.items.length, all.filter((t) => t.mode === mode).length, mode);
    }
    const fossil = await walk(`${server.baseUrl}/2/ileap/tad?feedstock=fossil`, token);
    assert.ok(fossil.items.length > 0);
    const json = (t: Doc) => JSON.stringify(t);
    assert.ok(fossil.items.every((t) => /"feedstock":"Fossil"/.test(json(t))));
    const country = all.find((t) => (t.origin as { country?: string }).country)!;
    const c = (country.origin as { country: string }).country;
    const byOrigin = await walk(`${server.baseUrl}/2/ileap/tad?origin.country=${c.toLowerCase()}`, token);
    assert.ok(
      byOrigin.items.length > 0 &&
        byOrigin.items.every((t) => (t.origin as { country: string }).country === c),
    );
    const both = await walk(`${server.baseUrl}/2/ileap/tad?mode=Road&feedstock=Fossil`, token);
    assert.ok(both.items.every((t) => t.mode === "Road" && /"feedstock":"Fossil"/.test(json(t))));
  });

  it("answers unknown TAD filter fields with 400 NotImplemented and a bad limit with 400 BadRequest", async () => {
    const res = await getWithToken(`${server.baseUrl}/2/ileap/tad?colour=blue`, token);
    assert.equal(res.status, 400);
    assert.equal((res.json as { code: string }).code, "NotImplemented");
    assert.match((res.json as { message: string }).message, /colour/);
    const lim = await getWithToken(`${server.baseUrl}/2/ileap/tad?limit=0`, token);
    assert.equal(lim.status, 400);
    assert.equal((lim.json as { code: string }).code, "BadRequest");
  });

  it("TAD limit=1 gives one item and a working next link", async () => {
    const res = await getWithToken(`${server.baseUrl}/2/ileap/tad?limit=1`, token);
    assert.equal((res.json as { data: Doc[] }).data.length, 1);
    const link = nextLink(res)!;
    assert.ok(link.startsWith(`${server.baseUrl}/2/ileap/tad?`));
    const next = await getWithToken(link, token);
    assert.equal(next.status, 200);
    assert.equal((next.json as { data: Doc[] }).data.length, 1);
  });
});
