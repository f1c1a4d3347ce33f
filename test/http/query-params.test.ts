/**
 * Issue 15, finding 6: query parameters a route does not define used to be ignored (`$top`,
 * `$orderby`, `$FILTER=x`, an empty `$filter=` … answered the full unfiltered list with 200).
 * Every data route now refuses them with 400 naming the parameter.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { unexpectedQueryParam } from "../../src/http/query-params.ts";
import { CLIENTS, startAdminServer } from "../helpers/admin.ts";
import { getToken, getWithToken, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

const ODATA_OPTIONS = [
  "$top=1",
  "$skip=1",
  "$orderby=created",
  "$select=id",
  "$expand=pcf",
  "$count=true",
  "$search=x",
];

describe("no silently ignored query parameters", () => {
  let server: RunningDemoServer;
  let token: string;
  before(async () => {
    server = await startDemoServer();
    token = await getToken(server.baseUrl, "hello", "pathfinder");
  });
  after(() => server.close());

  const expect400 = async (path: string, code: string, mentions: string) => {
    const res = await getWithToken(`${server.baseUrl}${path}`, token);
    assert.equal(res.status, 400, `${path}: ${res.status} ${res.text}`);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    const body = res.json as { code: string; message: string };
    assert.equal(body.code, code, `${path}: ${res.text}`);
    assert.ok(body.message.includes(mentions), `${path}: message names ${mentions}: ${body.message}`);
  };

  it("ListFootprints: OData options other than $filter, misspelt names and unknown names → 400 BadRequest naming them", async () => {
    for (const q of [...ODATA_OPTIONS, "filter=x", "foo=bar", "limit=2&offset=3"]) {
      const name = q.split("&").at(-1)?.split("=")[0] as string;
      await expect400(`/2/footprints?${q}`, "BadRequest", JSON.stringify(name));
    }
    await expect400("/2/footprints?$FILTER=x", "BadRequest", 'did you mean "$filter"');
    await expect400(
      `/2/footprints?$filter=${encodeURIComponent("created ge '2020-01-01T00:00:00Z'")}&$top=1`,
      "BadRequest",
      '"$top"',
    );
  });

  it("ListFootprints: an empty or blank $filter → 400 BadRequest", async () => {
    await expect400("/2/footprints?$filter=", "BadRequest", "$filter is empty");
    await expect400("/2/footprints?$filter=%20+", "BadRequest", "$filter is empty");
  });

  it("ListFootprints: the defined parameters still work, and Link URLs pass the check", async () => {
    const res = await getWithToken(`${server.baseUrl}/2/footprints?limit=2`, token);
    assert.equal(res.status, 200);
    const next = /^<([^>]+)>; rel="next"$/.exec(String(res.headers.link))?.[1];
    assert.ok(next);
    const page2 = await getWithToken(next, token);
    assert.equal(page2.status, 200, page2.text);
    const filtered = await getWithToken(
      `${server.baseUrl}/2/footprints?$filter=${encodeURIComponent("created ge '2020-01-01T00:00:00Z'")}&limit=1`,
      token,
    );
    assert.equal(filtered.status, 200, filtered.text);
  });

  it("GetFootprint: any query parameter → 400 BadRequest", async () => {
    const list = await getWithToken(`${server.baseUrl}/2/footprints?limit=1`, token);
    const id = (list.json as { data: { id: string }[] }).data[0]?.id as string;
    assert.equal((await getWithToken(`${server.baseUrl}/2/footprints/${id}`, token)).status, 200);
    await expect400(`/2/footprints/${id}?$select=id`, "BadRequest", '"$select"');
  });

  it("TAD: OData options → 400 BadRequest; unknown field names stay 400 NotImplemented (PROTOCOL.md §5)", async () => {
    for (const q of [...ODATA_OPTIONS, "$filter=mode%20eq%20'Rail'", "$FILTER=x"]) {
      await expect400(`/2/ileap/tad?${q}`, "BadRequest", JSON.stringify(q.split("=")[0]));
    }
    await expect400("/2/ileap/tad?filter=x", "NotImplemented", "'filter'");
    await expect400("/2/ileap/tad?mode=", "BadRequest", "empty value");
    const ok = await getWithToken(`${server.baseUrl}/2/ileap/tad?mode=Rail&limit=1`, token);
    assert.equal(ok.status, 200, ok.text);
  });

  it("POST /2/events: a query parameter → 400 BadRequest, nothing recorded", async () => {
    const res = await send(`${server.baseUrl}/2/events?dryRun=true`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/cloudevents+json" },
      body: JSON.stringify({
        specversion: "1.0",
        id: "q-1",
        source: "https://example.com",
        type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
        data: { pfIds: ["d9be4477-e351-45b3-acd9-e1da05e6f633"] },
      }),
    });
    assert.equal(res.status, 400, res.text);
    assert.equal((res.json as { code: string }).code, "BadRequest");
  });

  it("the check is a reusable rule: names, extra acceptance and the case hint", () => {
    const rules = {
      route: "GET /3/footprints",
      names: ["productId", "limit"],
      accepts: (n: string) => n === "x",
    };
    assert.equal(
      unexpectedQueryParam(
        [
          ["productId", "a"],
          ["x", "1"],
        ],
        rules,
      ),
      undefined,
    );
    const error = unexpectedQueryParam([["ProductId", "a"]], rules);
    assert.equal(error?.code, "BadRequest");
    assert.match(
      error?.message ?? "",
      /"ProductId" is not supported by GET \/3\/footprints \(names are case-sensitive: did you mean "productId"\?\); accepted: productId, limit/,
    );
  });
});

describe("admin API: no silently ignored query parameters", () => {
  it("a misspelt dryRun is refused instead of writing", async () => {
    const server = await startAdminServer();
    try {
      const admin = await getToken(server.baseUrl, CLIENTS.admin.id, CLIENTS.admin.secret);
      const res = await send(`${server.baseUrl}/admin/v1/tad?dryrun=true`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: "[]",
      });
      assert.equal(res.status, 400, res.text);
      assert.match((res.json as { message: string }).message, /"dryrun".*did you mean "dryRun"/);
    } finally {
      await server.close();
    }
  });
});
