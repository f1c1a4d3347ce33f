import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Principal } from "../../src/auth/principal.ts";
import { ingest, inputsOf, prepare } from "../../src/ingest/ingest.ts";
import { INGEST_RULE } from "../../src/ingest/types.ts";
import { parseV3Criteria } from "../../src/protocol/v3-filter.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { DEMO_FOOTPRINT_IDS, demoFootprints } from "../../src/testing/demo-data.ts";
import { v3Footprint } from "../model/v3/fixtures.ts";

const all: Principal = {
  subject: "all",
  clientId: "all",
  roles: [],
  grants: new Set(["pcf", "shipment-footprint", "toc", "hoc", "tad"]),
};
type Doc = Record<string, unknown>;
const A = "7a1b2c3d-4e5f-4a6b-8c7d-000000000001";
const B = "7a1b2c3d-4e5f-4a6b-8c7d-000000000002";
const pieceOf = (id: string, extra: Doc = {}) =>
  v3Footprint({ id, ...extra, pcf: { ...(v3Footprint().pcf as Doc), declaredUnitOfMeasurement: "piece" } });

describe("importing PACT v3 documents beside v2 ones", () => {
  it("accepts v2 and v3 in one batch, detected by specVersion, and reports single-version records", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    const pellets = demoFootprints().find((f) => f.document.id === DEMO_FOOTPRINT_IDS.pcfPellets)?.document;
    const report = await ingest("footprints", inputsOf([v3Footprint({ id: A }), pieceOf(B), pellets]), {
      store,
      now: () => Date.parse("2025-06-01T00:00:00Z"),
    });
    assert.equal(report.accepted, 3, JSON.stringify(report));
    assert.deepEqual(
      report.singleVersion?.map((s) => [s.index, s.id, s.servedIn]),
      [
        [1, B, "3"],
        [2, DEMO_FOOTPRINT_IDS.pcfPellets, "2"],
      ],
    );
    assert.match(report.singleVersion?.[0]?.reason ?? "", /piece/);
    assert.match(report.singleVersion?.[1]?.reason ?? "", /pcfIncludingBiogenicUptake/);
    assert.ok(await store.getFootprint(A, all), "A on /2");
    assert.ok(await store.getFootprintV3(A, all), "A on /3");
    assert.equal(await store.getFootprint(B, all), undefined, "B only on /3");
    await store.close();
  });

  it("rejects an invalid v3 document with the v3 schema's pointers", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    const bad = v3Footprint({ id: A, pcf: { ...(v3Footprint().pcf as Doc), declaredUnitAmount: 12.5 } });
    const report = await ingest("footprints", inputsOf([bad]), { store });
    assert.equal(report.accepted, 0);
    assert.deepEqual(
      report.rejected[0]?.errors.map((e) => [e.pointer, e.rule]),
      [["/pcf/declaredUnitAmount", "schema.type"]],
    );
    await store.close();
  });

  it("keeps v3 footprints immutable: same document unchanged, changed one 409, successor deprecates", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    const now = () => Date.parse("2025-06-01T00:00:00Z");
    await ingest("footprints", inputsOf([v3Footprint({ id: A })]), { store, now });
    const again = await ingest("footprints", inputsOf([v3Footprint({ id: A })]), { store, now });
    assert.equal(again.unchanged, 1);
    const changed = await ingest("footprints", inputsOf([v3Footprint({ id: A, comment: "changed" })]), {
      store,
      now,
    });
    assert.equal(changed.accepted, 0);
    assert.equal(changed.conflict, true);
    assert.equal(changed.rejected[0]?.errors[0]?.rule, INGEST_RULE.v3Immutable);
    assert.match(changed.rejected[0]?.errors[0]?.message ?? "", /new id with precedingPfIds/);

    const successor = await ingest(
      "footprints",
      inputsOf([v3Footprint({ id: B, precedingPfIds: [A], comment: "changed" })]),
      { store, now },
    );
    assert.equal(successor.created, 1);
    assert.deepEqual(successor.deprecated, [A]);
    const old = JSON.parse((await store.getFootprintV3(A, all)) ?? "null") as Doc;
    assert.equal(old.status, "Deprecated");
    const criteria = parseV3Criteria([["status", "Active"]]);
    assert.ok(criteria.ok);
    const active = await store.listFootprintsV3({ principal: all, criteria: criteria.value, limit: 10 });
    assert.deepEqual(
      active.items.map((t) => (JSON.parse(t) as Doc).id),
      [B],
    );
    await store.close();
  });

  it("deprecates a stored v2 footprint named by a v3 successor (v2 keeps its version path)", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    const now = () => Date.parse("2025-06-01T00:00:00Z");
    const box = demoFootprints().filter(
      (f) =>
        f.document.id === DEMO_FOOTPRINT_IDS.pcfBox || f.document.id === DEMO_FOOTPRINT_IDS.pcfBoxDeprecated,
    );
    const first = await ingest("footprints", inputsOf(box.map((f) => f.document)), { store, now });
    assert.equal(first.accepted, 2, JSON.stringify(first.rejected));
    const report = await ingest(
      "footprints",
      inputsOf([v3Footprint({ id: B, precedingPfIds: [DEMO_FOOTPRINT_IDS.pcfBox] })]),
      { store, now },
    );
    assert.deepEqual(report.deprecated, [DEMO_FOOTPRINT_IDS.pcfBox]);
    const v2 = JSON.parse((await store.getFootprint(DEMO_FOOTPRINT_IDS.pcfBox, all)) ?? "null") as Doc;
    assert.equal(v2.status, "Deprecated");
    assert.equal(v2.version, 2);
    assert.equal(v2.updated, "2025-06-01T00:00:00Z");
    await store.close();
  });

  it("treats what /2 and /3 served as unchanged, and refuses a v2 version of a v3-authored footprint", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    const now = () => Date.parse("2025-06-01T00:00:00Z");
    await ingest("footprints", inputsOf([v3Footprint({ id: A })]), { store, now });
    const box = demoFootprints().filter(
      (f) =>
        f.document.id === DEMO_FOOTPRINT_IDS.pcfBox || f.document.id === DEMO_FOOTPRINT_IDS.pcfBoxDeprecated,
    );
    await ingest("footprints", inputsOf(box.map((f) => f.document)), { store, now });
    const servedV2 = JSON.parse((await store.getFootprint(A, all)) ?? "null") as Doc;
    const servedV3 = JSON.parse(
      (await store.getFootprintV3(DEMO_FOOTPRINT_IDS.pcfBox, all)) ?? "null",
    ) as Doc;
    const again = await ingest("footprints", inputsOf([servedV2, servedV3]), { store, now });
    assert.equal(again.unchanged, 2, JSON.stringify(again.rejected));
    const v2update = await ingest(
      "footprints",
      inputsOf([{ ...servedV2, version: 2, updated: "2025-07-01T00:00:00Z", comment: "changed" }]),
      { store, now },
    );
    assert.equal(v2update.rejected[0]?.errors[0]?.rule, INGEST_RULE.v3Immutable);
    await store.close();
  });

  it("deprecates a predecessor accepted in the same batch, after writing it", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    const report = await ingest(
      "footprints",
      inputsOf([v3Footprint({ id: A }), v3Footprint({ id: B, precedingPfIds: [A], comment: "changed" })]),
      { store, now: () => Date.parse("2025-06-01T00:00:00Z") },
    );
    assert.equal(report.created, 2);
    assert.deepEqual(report.deprecated, [A]);
    assert.deepEqual([...(report.changedIds ?? [])].sort(), [A, B].sort());
    assert.equal((JSON.parse((await store.getFootprintV3(A, all)) ?? "null") as Doc).status, "Deprecated");
    await store.close();
  });
});

describe("partial mode after a concurrent write (one transaction per record)", () => {
  const C = "7a1b2c3d-4e5f-4a6b-8c7d-000000000003";
  const now = () => Date.parse("2025-06-01T00:00:00Z");

  it("still deprecates a stored predecessor in its successor's transaction", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    await ingest("footprints", inputsOf([v3Footprint({ id: A })]), { store, now });
    const batch = await prepare(
      "footprints",
      inputsOf([v3Footprint({ id: C }), v3Footprint({ id: B, precedingPfIds: [A], comment: "changed" })]),
      { store, now, mode: "partial" },
    );
    // Another writer stores C between the checks and the commit: the batch's write conflicts.
    await ingest("footprints", inputsOf([v3Footprint({ id: C, comment: "theirs" })]), { store, now });
    const report = await batch.commit();
    assert.deepEqual(
      report.rejected.map((r) => r.id),
      [C],
    );
    assert.equal(report.created, 1, JSON.stringify(report));
    assert.deepEqual(report.deprecated, [A]);
    assert.equal((JSON.parse((await store.getFootprintV3(A, all)) ?? "null") as Doc).status, "Deprecated");
    assert.equal((JSON.parse((await store.getFootprintV3(C, all)) ?? "null") as Doc).comment, "theirs");
    await store.close();
  });

  it("deprecates a predecessor of the same batch once both are stored", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    const batch = await prepare(
      "footprints",
      inputsOf([
        v3Footprint({ id: C }),
        v3Footprint({ id: A }),
        v3Footprint({ id: B, precedingPfIds: [A], comment: "changed" }),
      ]),
      { store, now, mode: "partial" },
    );
    await ingest("footprints", inputsOf([v3Footprint({ id: C, comment: "theirs" })]), { store, now });
    const report = await batch.commit();
    assert.equal(report.created, 2, JSON.stringify(report));
    assert.deepEqual(report.deprecated, [A]);
    assert.deepEqual([...(report.changedIds ?? [])].sort(), [A, B].sort());
    assert.equal((JSON.parse((await store.getFootprintV3(A, all)) ?? "null") as Doc).status, "Deprecated");
    const criteria = parseV3Criteria([["status", "Active"]]);
    assert.ok(criteria.ok);
    const active = await store.listFootprintsV3({ principal: all, criteria: criteria.value, limit: 10 });
    assert.deepEqual(active.items.map((t) => (JSON.parse(t) as Doc).id).sort(), [B, C].sort());
    await store.close();
  });
});
