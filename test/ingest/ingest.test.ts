import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Principal } from "../../src/auth/principal.ts";
import {
  deprecate,
  type IngestOptions,
  IngestSession,
  ingest,
  inputsOf,
  Pipeline,
} from "../../src/ingest/ingest.ts";
import { derivedFootprintId, nameBasedUuid } from "../../src/ingest/native.ts";
import { ileapProductId } from "../../src/model/constants.ts";
import type { ProductFootprint, ShipmentFootprint, TOC } from "../../src/model/types.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { DeprecatedFootprintError } from "../../src/store/store.ts";
import { demoTad } from "../../src/testing/demo-data.ts";
import { fixtures } from "../helpers/admin.ts";

const company = {
  companyName: "Ingest Test Carrier",
  companyIds: ["urn:uuid:11111111-2222-4333-8444-555555555555"],
};
const all: Principal = {
  subject: "all",
  clientId: "all",
  roles: [],
  grants: new Set(["pcf", "shipment-footprint", "toc", "hoc", "tad"]),
};
const uuid = (n: number) => `8c2d6f4e-3b5a-4c7d-8e9f-${String(n).padStart(12, "0")}`;
const pcf = (n: number, extra: Record<string, unknown> = {}): ProductFootprint =>
  ({
    ...fixtures().pcfs[1],
    id: uuid(n),
    productIds: [`urn:pathfinder:product:customcode:vendor-assigned:ingest-${n}`],
    ...extra,
  }) as ProductFootprint;

function setup(extra: Partial<IngestOptions> = {}) {
  const store = new SqliteStore({ file: ":memory:" });
  let clock = Date.parse("2025-06-01T12:00:00Z");
  const options: IngestOptions = { store, company, now: () => clock, ...extra };
  return {
    store,
    options,
    tick: (ms: number) => {
      clock += ms;
    },
    get: async (id: string) => {
      const text = await store.getFootprint(id, all);
      return text === undefined ? undefined : (JSON.parse(text) as ProductFootprint);
    },
  };
}

describe("ingest: footprints", () => {
  it("stores valid PACT footprints and reports created/replaced/unchanged", async () => {
    const { store, options, get } = setup();
    const first = await ingest("footprints", inputsOf([pcf(1), pcf(2)]), options);
    const { singleVersion, ...rest } = first;
    // These fixtures lack pCfIncludingBiogenic (mandatory in v3): served on /2 only.
    assert.deepEqual(
      singleVersion?.map((s) => s.servedIn),
      ["2", "2"],
    );
    assert.deepEqual(
      { ...rest, rejected: first.rejected.length },
      {
        accepted: 2,
        created: 2,
        replaced: 0,
        unchanged: 0,
        notWritten: 0,
        rejected: 0,
        written: true,
        changedIds: [pcf(1).id, pcf(2).id],
        conflict: false,
      },
    );
    const next = pcf(1, { version: 3, updated: "2025-01-01T00:00:00Z" });
    const second = await ingest("footprints", inputsOf([next, pcf(2)]), options);
    assert.equal(second.replaced, 1);
    assert.equal(second.unchanged, 1);
    assert.equal((await get(uuid(1)))?.version, 3);
    await store.close();
  });

  it("names the record, the pointer, the value and the rule of every error", async () => {
    const { options } = setup();
    const bad = pcf(3, { specVersion: "x.y.z", pcf: { ...pcf(3).pcf, unitaryProductAmount: "1,5" } });
    const report = await ingest("footprints", [...inputsOf([pcf(4), bad, 42, { ...pcf(5), extra: null }])], {
      ...options,
      mode: "partial",
    });
    assert.equal(report.accepted, 1);
    const byIndex = new Map(report.rejected.map((r) => [r.index, r]));
    assert.equal(byIndex.get(1)?.id, uuid(3));
    assert.deepEqual(
      byIndex
        .get(1)
        ?.errors.map((e) => [e.pointer, e.value, e.rule])
        .sort(),
      [
        ["/pcf/unitaryProductAmount", "1,5", "schema.pattern"],
        ["/specVersion", "x.y.z", "schema.pattern"],
      ],
    );
    assert.deepEqual(
      byIndex.get(2)?.errors.map((e) => e.rule),
      ["ingest.not-object"],
    );
    assert.ok(byIndex.get(3)?.errors.some((e) => e.pointer === "/extra" && e.rule === "no-null"));
  });

  it("is atomic by default: one rejected record, nothing stored; partial stores the valid ones", async () => {
    const { options, get } = setup();
    const batch = inputsOf([pcf(6), { ...pcf(7), status: "Gone" }]);
    const atomic = await ingest("footprints", batch, options);
    assert.equal(atomic.accepted, 0);
    assert.equal(atomic.notWritten, 1);
    assert.equal(atomic.written, false);
    assert.equal(await get(uuid(6)), undefined);
    const partial = await ingest("footprints", batch, { ...options, mode: "partial" });
    assert.equal(partial.accepted, 1);
    assert.ok(await get(uuid(6)));
    assert.equal(await get(uuid(7)), undefined);
  });

  it("applies the PACT lifecycle: higher versions with a later updated, deprecated frozen, precedingPfIds known", async () => {
    const { options, get } = setup();
    await ingest("footprints", inputsOf([pcf(8, { version: 2, updated: "2024-11-18T14:30:00Z" })]), options);
    const lower = await ingest("footprints", inputsOf([pcf(8, { version: 1, updated: undefined })]), options);
    assert.equal(lower.conflict, true);
    assert.deepEqual(
      lower.rejected[0]?.errors.map((e) => [e.pointer, e.value, e.rule]),
      [["/version", 1, "pact.lifecycle.version"]],
    );
    const stale = await ingest(
      "footprints",
      inputsOf([pcf(8, { version: 3, updated: "2024-10-01T00:00:00Z" })]),
      options,
    );
    assert.equal(stale.conflict, false);
    assert.equal(stale.rejected[0]?.errors[0]?.rule, "pact.lifecycle.updated");
    const deprecated = pcf(8, { version: 3, updated: "2025-01-01T00:00:00Z", status: "Deprecated" });
    const inBatch = await ingest(
      "footprints",
      inputsOf([deprecated, pcf(8, { version: 4, updated: "2025-02-01T00:00:00Z" })]),
      { ...options, mode: "partial" },
    );
    assert.equal(inBatch.accepted, 1);
    assert.equal(inBatch.rejected[0]?.index, 1);
    assert.equal(inBatch.rejected[0]?.errors[0]?.rule, "pact.lifecycle.deprecated");
    assert.equal((await get(uuid(8)))?.status, "Deprecated");
    const refs = await ingest(
      "footprints",
      inputsOf([pcf(9, { precedingPfIds: [uuid(8), uuid(10), uuid(404)] }), pcf(10)]),
      { ...options, mode: "partial" },
    );
    assert.deepEqual(
      refs.rejected[0]?.errors.map((e) => [e.pointer, e.value, e.rule]),
      [["/precedingPfIds/2", uuid(404), "pact.lifecycle.preceding-pf-ids"]],
    );
    assert.ok(await get(uuid(10)));
  });

  it("deprecates as a new version with updated after the previous one", async () => {
    const { store, options, get } = setup();
    await ingest("footprints", inputsOf([pcf(11)]), options);
    const text = await deprecate(store, uuid(11), { statusComment: "superseded", now: options.now });
    const doc = JSON.parse(text ?? "{}") as ProductFootprint;
    assert.equal(doc.version, 3);
    assert.equal(doc.status, "Deprecated");
    assert.equal(doc.updated, "2025-06-01T12:00:00Z");
    assert.deepEqual(await get(uuid(11)), doc);
    await assert.rejects(deprecate(store, uuid(11)), DeprecatedFootprintError);
    assert.equal(await deprecate(store, uuid(12)), undefined);
  });
});

describe("ingest: iLEAP-native records", () => {
  it("builds ProductFootprints with the configured company and stable derived ids", async () => {
    const { options, get } = setup();
    const { tocs } = fixtures();
    const report = await ingest("tocs", inputsOf(tocs), options);
    assert.equal(report.created, tocs.length, JSON.stringify(report.rejected));
    const id = derivedFootprintId(company, "toc", tocs[0]!.tocId);
    assert.equal(id, nameBasedUuid(`ileap-ts:${company.companyIds[0]}:toc:${tocs[0]!.tocId}`));
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const doc = await get(id);
    assert.equal(doc?.companyName, company.companyName);
    assert.deepEqual(doc?.productIds, [ileapProductId("toc", tocs[0]!.tocId)]);
    assert.equal(doc?.created, "2025-06-01T12:00:00Z");
    assert.deepEqual(doc?.extensions?.[0]?.data, tocs[0]);
  });

  it("versions a changed object, leaves an identical one alone, honours envelope properties", async () => {
    const { options, get, tick } = setup();
    const toc = fixtures().tocs[0] as TOC;
    const id = derivedFootprintId(company, "toc", toc.tocId);
    await ingest("tocs", inputsOf([toc]), options);
    tick(60_000);
    assert.equal((await ingest("tocs", inputsOf([toc]), options)).unchanged, 1);
    const changed = await ingest("tocs", inputsOf([{ ...toc, loadFactor: "0.7" }]), options);
    assert.equal(changed.replaced, 1);
    const v2 = await get(id);
    assert.equal(v2?.version, 2);
    assert.equal(v2?.created, "2025-06-01T12:00:00Z");
    assert.equal(v2?.updated, "2025-06-01T12:01:00Z");
    const envelope = {
      data: { ...toc, tocId: "toc-envelope" },
      id: uuid(20),
      version: 5,
      created: "2025-01-01T00:00:00Z",
      comment: "from an envelope",
      pcf: { geographyCountry: "FR" },
    };
    const report = await ingest("tocs", inputsOf([envelope]), options);
    assert.equal(report.created, 1, JSON.stringify(report.rejected));
    const doc = await get(uuid(20));
    assert.equal(doc?.version, 5);
    assert.equal(doc?.comment, "from an envelope");
    assert.equal(doc?.pcf.geographyCountry, "FR");
  });

  it("maps error pointers into the record (bare object or envelope data) and checks envelopes and company", async () => {
    const { options } = setup({ mode: "partial" });
    const toc = fixtures().tocs[0] as TOC;
    const report = await ingest(
      "tocs",
      inputsOf([
        { ...toc, mode: "Teleport" },
        { data: { ...toc, co2eIntensityWTW: "lots" }, colour: "red" },
        { data: toc, pcf: { geographyCountry: "Narnia" } },
      ]),
      options,
    );
    const errors = (i: number) =>
      report.rejected.find((r) => r.index === i)?.errors.map((e) => [e.pointer, e.rule]) ?? [];
    assert.deepEqual(errors(0), [["/mode", "schema.enum"]]);
    assert.deepEqual(errors(1), [
      ["/colour", "ingest.envelope"],
      ["/data/co2eIntensityWTW", "schema.pattern"],
    ]);
    assert.ok(
      errors(2).some(([p]) => p === "/pcf/geographyCountry"),
      JSON.stringify(errors(2)),
    );
    const noCompany = await ingest("tocs", inputsOf([toc]), { ...options, company: undefined });
    assert.equal(noCompany.rejected[0]?.errors[0]?.rule, "ingest.company");
    const ownCompany = await ingest(
      "tocs",
      inputsOf([{ data: toc, companyName: "Other", companyIds: ["urn:x:other"] }]),
      { ...options, company: undefined },
    );
    assert.equal(ownCompany.created, 1, JSON.stringify(ownCompany.rejected));
  });

  it("requires the TOCs/HOCs a ShipmentFootprint references to be stored or in the batch", async () => {
    const { options } = setup({ mode: "partial" });
    const { tocs, hocs, shipments } = fixtures();
    const road = shipments[0] as ShipmentFootprint;
    const missing = await ingest("shipment-footprints", inputsOf([road]), options);
    assert.deepEqual(
      missing.rejected[0]?.errors.map((e) => [e.pointer, e.value, e.rule]),
      [["/tces/0/tocId", road.tces[0]?.tocId, "ileap.set.reference"]],
    );
    await ingest("tocs", inputsOf(tocs), options);
    await ingest("hocs", inputsOf(hocs), options);
    const ok = await ingest("shipment-footprints", inputsOf(shipments), options);
    assert.equal(ok.created, shipments.length, JSON.stringify(ok.rejected));
    // Emissions inconsistent with the referenced (stored) TOC.
    const tce = { ...road.tces[0]!, co2eWTW: "1" };
    const off = await ingest(
      "shipment-footprints",
      inputsOf([{ ...road, shipmentId: "S2", tces: [{ ...tce, shipmentId: "S2" }] }]),
      options,
    );
    assert.deepEqual(
      off.rejected[0]?.errors.map((e) => [e.pointer, e.rule]),
      [["/tces/0/co2eWTW", "ileap.tce.co2e-wtw"]],
    );
  });

  it("rejects a ShipmentFootprint whose TOC is rejected in the same batch (full PACT documents)", async () => {
    const { options } = setup({ mode: "partial" });
    const { demoFootprints } = await import("../../src/testing/demo-data.ts");
    const docs = demoFootprints().map((f) => f.document);
    const road = docs.find((d) => d.productIds.some((p) => p.includes(":shipment:SHP-2025-000101")))!;
    const tocId = (road.extensions![0]!.data as unknown as ShipmentFootprint).tces[0]!.tocId!;
    const toc = docs.find((d) => d.productIds.includes(ileapProductId("toc", tocId)))!;
    const broken = { ...toc, pcf: { ...toc.pcf, declaredUnit: "liter" } };
    const report = await ingest("footprints", inputsOf([broken, road]), options);
    assert.equal(report.accepted, 0);
    assert.deepEqual(
      report.rejected.map((r) => r.index),
      [0, 1],
    );
    assert.ok(report.rejected[0]?.errors.some((e) => e.pointer === "/pcf/declaredUnit"));
    assert.deepEqual(
      report.rejected[1]?.errors.map((e) => [e.pointer, e.rule]),
      [["/extensions/0/data/tces/0/tocId", "ileap.set.reference"]],
    );
  });

  it("carries accepted records across batches of a dry run", async () => {
    const session = new IngestSession();
    const { options, get } = setup({ dryRun: true, session });
    const { tocs, hocs, shipments } = fixtures();
    assert.equal((await ingest("tocs", inputsOf(tocs), options)).accepted, tocs.length);
    assert.equal((await ingest("hocs", inputsOf(hocs), options)).accepted, hocs.length);
    const sf = await ingest("shipment-footprints", inputsOf(shipments), options);
    assert.equal(sf.rejected.length, 0, JSON.stringify(sf.rejected));
    assert.equal(await get(derivedFootprintId(company, "toc", tocs[0]!.tocId)), undefined, "nothing written");
    const again = await ingest("footprints", inputsOf([pcf(30)]), options);
    const conflict = await ingest("footprints", inputsOf([pcf(30)]), options);
    assert.equal(again.accepted, 1);
    assert.equal(
      conflict.rejected[0]?.errors[0]?.rule,
      "pact.lifecycle.version",
      "the dry run remembers versions",
    );
  });
});

describe("ingest: pipeline", () => {
  it("writes a batch while checking the next, which sees the records in flight", async () => {
    const { store, options, get } = setup();
    const { tocs, hocs, shipments } = fixtures();
    const pipeline = new Pipeline("footprints", { ...options, depth: 2 });
    const { demoFootprints } = await import("../../src/testing/demo-data.ts");
    const docs = demoFootprints().map((f) => f.document);
    const order = [
      ...docs.filter((d) => d.productIds.some((p) => /:(toc|hoc):/.test(p))),
      ...docs.filter((d) => d.productIds.some((p) => p.includes(":shipment:"))),
    ];
    assert.equal(order.length, tocs.length + hocs.length + shipments.length);
    const reports: number[] = [];
    for (let i = 0; i < order.length; i += 2) {
      const rejected = await pipeline.push(inputsOf(order.slice(i, i + 2)), (r) => reports.push(r.accepted));
      assert.equal(rejected, 0);
    }
    await pipeline.flush();
    assert.equal(
      reports.reduce((a, b) => a + b, 0),
      order.length,
    );
    for (const d of order) assert.ok(await get(d.id));
    await store.close();
  });
});

describe("ingest: pipeline write order", () => {
  it("writes batches in order: a later version never commits before an earlier batch's", async () => {
    const { store, options, get } = setup();
    // The first batch's write is held (a slow connection) until the second batch was pushed and
    // had every chance to write.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let writes = 0;
    const putFootprints: typeof store.putFootprints = async (records) => {
      if (writes++ === 0) await held;
      return store.putFootprints(records);
    };
    const slowFirst = new Proxy(store, {
      get: (target, name) => {
        if (name === "putFootprints") return putFootprints;
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const pipeline = new Pipeline("footprints", { ...options, store: slowFirst, mode: "partial", depth: 2 });
    const reports: { accepted: number; rejected: number }[] = [];
    const onReport = (r: { accepted: number; rejected: readonly unknown[] }) =>
      reports.push({ accepted: r.accepted, rejected: r.rejected.length });
    assert.equal(await pipeline.push(inputsOf([pcf(1, { version: 1 })]), onReport), 0);
    assert.equal(
      await pipeline.push(inputsOf([pcf(1, { version: 2, updated: "2025-07-01T00:00:00Z" })]), onReport),
      0,
    );
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await pipeline.flush();
    assert.deepEqual(reports, [
      { accepted: 1, rejected: 0 },
      { accepted: 1, rejected: 0 },
    ]);
    assert.equal((await get(uuid(1)))?.version, 2);
    await store.close();
  });
});

describe("ingest: TAD", () => {
  it("validates each record, refuses duplicate activity ids, replaces stored ones", async () => {
    const { store, options } = setup({ mode: "partial" });
    const tad = demoTad();
    const report = await ingest(
      "tad",
      inputsOf([tad[0], { ...tad[1], mode: "Bicycle" }, tad[0], "x"]),
      options,
    );
    assert.equal(report.accepted, 1);
    assert.deepEqual(
      report.rejected.map((r) => [r.index, r.id, r.errors[0]?.pointer, r.errors[0]?.rule]),
      [
        [1, tad[1]?.activityId, "/mode", "schema.enum"],
        [2, tad[0]?.activityId, "/activityId", "ileap.tad.duplicate-id"],
        [3, undefined, "", "ingest.not-object"],
      ],
    );
    await ingest("tad", inputsOf([{ ...tad[0], mode: "Rail" }]), {
      ...options,
      visibility: { clientIds: ["alice"] },
    });
    const listed = await store.listTad({ principal: { ...all, clientId: "alice" }, filter: [], limit: 10 });
    assert.match(listed.items[0] ?? "", /"mode":"Rail"/);
    assert.equal((await store.listTad({ principal: all, filter: [], limit: 10 })).items.length, 0);
  });
});
