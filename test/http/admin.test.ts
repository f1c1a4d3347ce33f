import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { derivedFootprintId } from "../../src/ingest/native.ts";
import { ileapProductId } from "../../src/model/constants.ts";
import type { ProductFootprint } from "../../src/model/types.ts";
import { demoTad } from "../../src/testing/demo-data.ts";
import { type AdminServer, CLIENTS, fixtures, startAdminServer, TEST_COMPANY } from "../helpers/admin.ts";
import { expiredToken, forgedTokens } from "../helpers/forge.ts";
import { getToken, send, type WireResponse } from "../helpers/http.ts";

interface Report {
  code?: string;
  message?: string;
  accepted: number;
  created: number;
  replaced: number;
  unchanged: number;
  notWritten?: number;
  dryRun?: boolean;
  rejected: {
    index: number;
    id?: string;
    sourceId?: string;
    errors: { pointer: string; message: string; value?: unknown; rule: string }[];
  }[];
}

const company = { companyName: TEST_COMPANY.name, companyIds: [...TEST_COMPANY.ids] };
const uuid = (n: number) => `6e0a4c2b-1d3f-4a5b-8c7d-${String(n).padStart(12, "0")}`;

describe("admin API (/admin/v1)", () => {
  let server: AdminServer;
  let admin: string;
  let reader: string;
  let alice: string;
  const url = (path: string) => `${server.baseUrl}/admin/v1${path}`;
  const post = (
    path: string,
    body: string,
    type = "application/json",
    token = admin,
  ): Promise<WireResponse> =>
    send(url(path), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": type },
      body,
    });
  const put = (path: string, body: unknown, token = admin): Promise<WireResponse> =>
    send(url(path), {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const getFootprint = (id: string, token = reader) =>
    send(`${server.baseUrl}/2/footprints/${id}`, { headers: { authorization: `Bearer ${token}` } });
  const ndjson = (records: readonly unknown[]) => records.map((r) => JSON.stringify(r)).join("\n");
  const pcf = (n: number, extra: Record<string, unknown> = {}): ProductFootprint =>
    ({
      ...fixtures().pcfs[1],
      id: uuid(n),
      productIds: [`urn:pathfinder:product:customcode:vendor-assigned:admin-test-${n}`],
      ...extra,
    }) as ProductFootprint;

  before(async () => {
    server = await startAdminServer({ ILEAP_MAX_BODY_BYTES: "4096", ILEAP_ADMIN_MAX_BODY_BYTES: "262144" });
    admin = await getToken(server.baseUrl, CLIENTS.admin.id, CLIENTS.admin.secret);
    reader = await getToken(server.baseUrl, CLIENTS.reader.id, CLIENTS.reader.secret);
    alice = await getToken(server.baseUrl, CLIENTS.alice.id, CLIENTS.alice.secret);
  });
  after(() => server.close());

  it("answers missing, invalid and expired tokens like the footprints API, and 403 without the admin role", async () => {
    const body = JSON.stringify([pcf(1)]);
    const none = await send(url("/footprints"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    assert.equal(none.status, 400);
    assert.equal((none.json as { code: string }).code, "BadRequest");
    const forged = await forgedTokens(server.dataDir, server.baseUrl, admin);
    for (const [name, token] of Object.entries(forged)) {
      const res = await post("/footprints", body, "application/json", token);
      assert.equal(res.status, 400, `${name}: ${res.text}`);
    }
    const expired = await post(
      "/footprints",
      body,
      "application/json",
      await expiredToken(server.dataDir, server.baseUrl),
    );
    assert.equal(expired.status, 401);
    assert.equal((expired.json as { code: string }).code, "TokenExpired");
    const denied = await post("/footprints", body, "application/json", reader);
    assert.equal(denied.status, 403, denied.text);
    assert.equal((denied.json as { code: string }).code, "AccessDenied");
    assert.equal((await put(`/footprints/${uuid(1)}/visibility`, {}, reader)).status, 403);
    assert.equal((await getFootprint(uuid(1))).status, 404, "nothing was stored");
  });

  it("imports iLEAP-native TOCs (NDJSON) and HOCs, building ProductFootprints with the configured company", async () => {
    const { tocs, hocs } = fixtures();
    const res = await post("/tocs", ndjson(tocs), "application/x-ndjson; charset=utf-8");
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, {
      accepted: tocs.length,
      created: tocs.length,
      replaced: 0,
      unchanged: 0,
      rejected: [],
    });
    const hocRes = await post("/hocs", JSON.stringify(hocs));
    assert.equal(hocRes.status, 200, hocRes.text);
    const id = derivedFootprintId(company, "toc", tocs[0]!.tocId);
    const got = await getFootprint(id);
    assert.equal(got.status, 200, got.text);
    const doc = (got.json as { data: ProductFootprint }).data;
    assert.equal(doc.companyName, TEST_COMPANY.name);
    assert.deepEqual(doc.companyIds, TEST_COMPANY.ids);
    assert.deepEqual(doc.productIds, [ileapProductId("toc", tocs[0]!.tocId)]);
    assert.equal(doc.version, 1);
    // The same objects again: nothing changes.
    const again = await post("/tocs", ndjson(tocs), "application/x-ndjson");
    assert.deepEqual((again.json as Report).unchanged, tocs.length);
    // A changed TOC becomes version 2 of the same footprint, with `updated`.
    const changed = { ...tocs[0]!, description: "re-measured" };
    const v2 = await post("/tocs", JSON.stringify([changed]));
    assert.equal((v2.json as Report).replaced, 1, v2.text);
    const doc2 = ((await getFootprint(id)).json as { data: ProductFootprint }).data;
    assert.equal(doc2.version, 2);
    assert.equal(doc2.created, doc.created);
    assert.ok(doc2.updated && Date.parse(doc2.updated) > Date.parse(doc2.created));
  });

  it("imports ShipmentFootprints whose TOCs/HOCs are stored, and rejects unknown references with pointers", async () => {
    const { shipments } = fixtures();
    const ok = await post("/shipment-footprints", JSON.stringify(shipments));
    assert.equal(ok.status, 200, ok.text);
    assert.equal((ok.json as Report).created, shipments.length);
    const bad = {
      ...shipments[0]!,
      shipmentId: "SHP-X",
      tces: [{ ...shipments[0]!.tces[0]!, shipmentId: "SHP-X", tocId: "toc-nope" }],
    };
    const res = await post("/shipment-footprints", JSON.stringify([bad]));
    assert.equal(res.status, 400, res.text);
    const report = res.json as Report;
    assert.equal(report.code, "BadRequest");
    assert.equal(report.rejected[0]?.sourceId, "SHP-X");
    assert.deepEqual(
      report.rejected[0]?.errors.map((e) => [e.pointer, e.rule, e.value]),
      [["/tces/0/tocId", "ileap.set.reference", "toc-nope"]],
    );
  });

  it("refuses a whole atomic batch with one invalid record (400), stores the valid ones with mode=partial (207)", async () => {
    const invalid = pcf(3, { pcf: { ...pcf(3).pcf, declaredUnit: "parsec" } });
    const batch = JSON.stringify([pcf(2), invalid]);
    const atomic = await post("/footprints", batch);
    assert.equal(atomic.status, 400, atomic.text);
    const report = atomic.json as Report;
    assert.equal(report.accepted, 0);
    assert.equal(report.notWritten, 1);
    assert.deepEqual(
      report.rejected.map((r) => [r.index, r.id, r.errors[0]?.pointer, r.errors[0]?.value]),
      [[1, uuid(3), "/pcf/declaredUnit", "parsec"]],
    );
    assert.match(report.message ?? "", /mode=partial/);
    assert.equal((await getFootprint(uuid(2))).status, 404, "nothing of the atomic batch was stored");
    const partial = await post("/footprints?mode=partial", batch);
    assert.equal(partial.status, 207, partial.text);
    assert.equal((partial.json as Report).accepted, 1);
    assert.equal((await getFootprint(uuid(2))).status, 200);
    assert.equal((await getFootprint(uuid(3))).status, 404);
  });

  it("answers 409 for version conflicts, accepts identical re-imports, checks precedingPfIds", async () => {
    await post("/footprints", JSON.stringify([pcf(4, { version: 3 })]));
    const lower = await post("/footprints", JSON.stringify([pcf(4, { version: 2 })]));
    assert.equal(lower.status, 409, lower.text);
    assert.equal((lower.json as Report).code, "Conflict");
    assert.equal((lower.json as Report).rejected[0]?.errors[0]?.rule, "pact.lifecycle.version");
    const same = await post("/footprints", JSON.stringify([pcf(4, { version: 3 })]));
    assert.equal(same.status, 200, same.text);
    assert.equal((same.json as Report).unchanged, 1);
    const sameVersionOtherDoc = await post(
      "/footprints",
      JSON.stringify([pcf(4, { version: 3, comment: "x" })]),
    );
    assert.equal(sameVersionOtherDoc.status, 409);
    const noUpdated = await post("/footprints", JSON.stringify([pcf(4, { version: 4 })]));
    assert.equal(noUpdated.status, 400, noUpdated.text);
    assert.equal((noUpdated.json as Report).rejected[0]?.errors[0]?.rule, "pact.lifecycle.updated");
    const dangling = await post("/footprints", JSON.stringify([pcf(5, { precedingPfIds: [uuid(999)] })]));
    assert.equal(dangling.status, 400);
    assert.deepEqual(
      (dangling.json as Report).rejected[0]?.errors.map((e) => [e.pointer, e.rule]),
      [["/precedingPfIds/0", "pact.lifecycle.preceding-pf-ids"]],
    );
    const chained = await post(
      "/footprints",
      JSON.stringify([pcf(5, { precedingPfIds: [uuid(4), uuid(6)] }), pcf(6)]),
    );
    assert.equal(chained.status, 200, chained.text);
  });

  it("deprecates a footprint: a new version that can no longer change", async () => {
    const res = await send(url(`/footprints/${uuid(6)}/deprecate`), {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ statusComment: "replaced by a new calculation" }),
    });
    assert.equal(res.status, 200, res.text);
    const doc = (res.json as { data: ProductFootprint }).data;
    assert.equal(doc.status, "Deprecated");
    assert.equal(doc.version, 3, "the fixture is at version 2");
    assert.equal(doc.statusComment, "replaced by a new calculation");
    assert.deepEqual(((await getFootprint(uuid(6))).json as { data: unknown }).data, doc);
    const again = await send(url(`/footprints/${uuid(6)}/deprecate`), {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(again.status, 409);
    const change = await post(
      "/footprints",
      JSON.stringify([pcf(6, { version: 3, updated: "2030-01-01T00:00:00Z" })]),
    );
    assert.equal(change.status, 409, change.text);
    assert.equal((change.json as Report).rejected[0]?.errors[0]?.rule, "pact.lifecycle.deprecated");
    const unknown = await send(url(`/footprints/${uuid(998)}/deprecate`), {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(unknown.status, 404);
    assert.equal((unknown.json as { code: string }).code, "NoSuchFootprint");
  });

  it("sets who may see a footprint and a TAD record", async () => {
    const set = await put(`/footprints/${uuid(2)}/visibility`, { clientIds: [CLIENTS.alice.id] });
    assert.equal(set.status, 200, set.text);
    assert.equal((await getFootprint(uuid(2))).status, 404);
    assert.equal((await getFootprint(uuid(2), alice)).status, 200);
    assert.equal(
      (await put(`/footprints/${uuid(2)}/visibility`, { clientIds: ["x"], bogus: 1 })).status,
      400,
    );
    assert.equal((await put(`/footprints/${uuid(997)}/visibility`, {})).status, 404);

    const tad = demoTad();
    const imported = await post(
      "/tad?visibleTo=client:alice",
      ndjson(tad.slice(0, 3)),
      "application/x-ndjson",
    );
    assert.equal(imported.status, 200, imported.text);
    const list = async (token: string) =>
      (
        (
          await send(`${server.baseUrl}/2/ileap/tad?limit=100`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json as { data: unknown[] }
      ).data.length;
    assert.equal(await list(reader), 0);
    assert.equal(await list(alice), 3);
    assert.equal((await put(`/tad/${tad[0]!.activityId}/visibility`, {})).status, 200);
    assert.equal(await list(reader), 1);
    assert.equal((await put("/tad/nope/visibility", {})).status, 404);
  });

  it("validates TAD, reports per-record errors, supports dry runs", async () => {
    const tad = demoTad();
    const bad = { ...tad[5]!, mode: "Hovercraft" };
    const res = await post(
      "/tad?mode=partial",
      `${ndjson([tad[4], bad, tad[4]])}\n{oops\n`,
      "application/x-ndjson",
    );
    assert.equal(res.status, 207, res.text);
    const report = res.json as Report;
    assert.equal(report.accepted, 1);
    assert.deepEqual(
      report.rejected.map((r) => [r.index, r.errors[0]?.rule]),
      [
        [1, "schema.enum"],
        [2, "ileap.tad.duplicate-id"],
        [3, "ingest.json"],
      ],
    );
    assert.equal(report.rejected[0]?.errors[0]?.pointer, "/mode");
    const dry = await post("/footprints?dryRun=true", JSON.stringify([pcf(7)]));
    assert.equal(dry.status, 200);
    assert.equal((dry.json as Report).dryRun, true);
    assert.equal((await getFootprint(uuid(7))).status, 404);
  });

  it("has its own body limit (larger than the global one), content types and query checks", async () => {
    const many = Array.from({ length: 30 }, (_, i) => pcf(100 + i));
    const body = JSON.stringify(many);
    assert.ok(body.length > 4096 && body.length < 262144);
    const big = await post("/footprints", body);
    assert.equal(big.status, 200, big.text);
    const huge = JSON.stringify(Array.from({ length: 200 }, (_, i) => pcf(300 + i)));
    assert.ok(huge.length > 262144);
    const tooBig = await post("/footprints", huge);
    assert.equal(tooBig.status, 413);
    const event = await send(`${server.baseUrl}/2/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader}`, "content-type": "application/json" },
      body: "x".repeat(5000),
    });
    assert.equal(event.status, 413, "the global limit still applies elsewhere");
    assert.equal((await post("/footprints", "[]", "text/plain")).status, 415);
    assert.equal((await post("/footprints?mode=sometimes", "[]")).status, 400);
    assert.equal((await post("/footprints", "[]")).status, 400);
    assert.equal((await post("/footprints", "{not json")).status, 400);
    assert.equal((await post("/footprints?visibleTo=team:x", JSON.stringify([pcf(8)]))).status, 400);
  });
});
