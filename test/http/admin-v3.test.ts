import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type AdminServer, CLIENTS, startAdminServer } from "../helpers/admin.ts";
import { getToken, getWithToken, send } from "../helpers/http.ts";
import { v3Footprint } from "../model/v3/fixtures.ts";

type Doc = Record<string, unknown>;
const A = "3b9e7c1a-5d2f-4e6a-9b8c-000000000001";
const B = "3b9e7c1a-5d2f-4e6a-9b8c-000000000002";

describe("admin API with PACT v3 documents", () => {
  let server: AdminServer;
  let admin: string;
  let reader: string;
  const post = (body: unknown) =>
    send(`${server.baseUrl}/admin/v1/footprints`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  before(async () => {
    server = await startAdminServer();
    admin = await getToken(server.baseUrl, CLIENTS.admin.id, CLIENTS.admin.secret);
    reader = await getToken(server.baseUrl, CLIENTS.reader.id, CLIENTS.reader.secret);
  });
  after(() => server.close());

  it("imports a v3 document, serves it on /3 and /2, and reports v3-only records", async () => {
    const piece = v3Footprint({
      id: B,
      pcf: { ...(v3Footprint().pcf as Doc), declaredUnitOfMeasurement: "hour" },
    });
    const res = await post([v3Footprint({ id: A }), piece]);
    assert.equal(res.status, 200, res.text);
    const report = res.json as {
      created: number;
      singleVersion: { id: string; servedIn: string; reason: string }[];
    };
    assert.equal(report.created, 2);
    assert.deepEqual(
      report.singleVersion.map((s) => [s.id, s.servedIn]),
      [[B, "3"]],
    );
    const v3 = await getWithToken(`${server.baseUrl}/3/footprints/${A}`, reader);
    assert.equal(v3.status, 200);
    assert.equal(((v3.json as { data: Doc }).data.pcf as Doc).pcfExcludingBiogenicUptake, "5");
    const v2 = await getWithToken(`${server.baseUrl}/2/footprints/${A}`, reader);
    assert.equal(((v2.json as { data: Doc }).data.pcf as Doc).pCfExcludingBiogenic, "0.4");
    assert.equal((await getWithToken(`${server.baseUrl}/2/footprints/${B}`, reader)).status, 404);
  });

  it("answers 409 for a changed v3 footprint under a stored id", async () => {
    const res = await post([v3Footprint({ id: A, comment: "changed" })]);
    assert.equal(res.status, 409, res.text);
    const body = res.json as { rejected: { errors: { rule: string }[] }[] };
    assert.equal(body.rejected[0]?.errors[0]?.rule, "pact.lifecycle.v3-immutable");
  });

  it("deprecates a v3-authored footprint through the admin API", async () => {
    const res = await send(`${server.baseUrl}/admin/v1/footprints/${A}/deprecate`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(res.status, 200, res.text);
    const doc = (res.json as { data: Doc }).data;
    assert.equal(doc.status, "Deprecated");
    assert.equal(doc.specVersion, "3.0.0");
    const v3 = await getWithToken(`${server.baseUrl}/3/footprints/${A}`, reader);
    assert.equal((v3.json as { data: Doc }).data.status, "Deprecated");
    const v2 = await getWithToken(`${server.baseUrl}/2/footprints/${A}`, reader);
    assert.equal((v2.json as { data: Doc }).data.version, 2);
  });
});
