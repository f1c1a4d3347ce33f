import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkFootprint, checkFootprintSet, checkTad, checkTadSet } from "../../src/model/check.ts";
import { decimalEquals, multiplyDecimal, scaleByPowerOfTen, sumDecimal } from "../../src/model/decimal.ts";
import { footprintKind } from "../../src/model/ileap-mapping.ts";
import type { HOC, ProductFootprint, ShipmentFootprint, TCE, TOC } from "../../src/model/types.ts";
import { DEMO_COMPANY, DEMO_FOOTPRINT_IDS, demoFootprints, demoTad } from "../../src/testing/demo-data.ts";
import { compileReference, referenceAjv } from "../model/helpers.ts";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const footprints = demoFootprints();
const tads = demoTad();
const byKind = (kind: string) => footprints.filter((f) => f.kind === kind).map((f) => f.document);
const dataOf = <T>(doc: ProductFootprint): T => doc.extensions![0]!.data as T;
const sfs = byKind("shipment-footprint");
const tocs = new Map(byKind("toc").map((d) => [dataOf<TOC>(d).tocId, dataOf<TOC>(d)]));
const hocs = new Map(byKind("hoc").map((d) => [dataOf<HOC>(d).hocId, dataOf<HOC>(d)]));

/** Every string value in a document, with its JSON Pointer. */
function strings(value: unknown, at = ""): [string, string][] {
  if (typeof value === "string") return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}/${i}`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}/${k}`));
  return [];
}

describe("demo footprints: coverage", () => {
  it("has the required kinds and counts", () => {
    assert.ok(footprints.length >= 2, "the PACT tool needs at least 2 footprints");
    assert.ok(sfs.length >= 3);
    assert.ok(tocs.size >= 4);
    assert.ok(hocs.size >= 2);
    assert.ok(byKind("pcf").length >= 3);
    const modes = new Set([...tocs.values()].map((t) => t.mode));
    for (const m of ["Road", "Rail", "Sea"]) assert.ok(modes.has(m as TOC["mode"]), m);
    const roadCarriers = new Set(
      [...tocs.values()]
        .filter((t) => t.mode === "Road")
        .flatMap((t) => t.energyCarriers.map((e) => e.energyCarrier)),
    );
    assert.ok(roadCarriers.has("Diesel") && roadCarriers.has("HVO"));
  });

  it("has a single road leg, a multimodal road–rail–sea chain with a hub, and pre/main/on-carriage", () => {
    const road = dataOf<ShipmentFootprint>(sfs.find((d) => d.id === DEMO_FOOTPRINT_IDS.sfRoad)!);
    assert.equal(road.tces.length, 1);
    assert.equal(tocs.get(road.tces[0]!.tocId!)?.mode, "Road");

    const multi = dataOf<ShipmentFootprint>(sfs.find((d) => d.id === DEMO_FOOTPRINT_IDS.sfMultimodal)!);
    const modes = multi.tces.flatMap((t) => (t.tocId ? [tocs.get(t.tocId)!.mode] : []));
    assert.deepEqual(modes, ["Road", "Rail", "Sea"]);
    assert.ok(multi.tces.some((t) => t.hocId !== undefined));

    const chain = dataOf<ShipmentFootprint>(sfs.find((d) => d.id === DEMO_FOOTPRINT_IDS.sfPreMainOn)!);
    const main = chain.tces.find((t) => (t.prevTceIds?.length ?? 0) >= 2);
    assert.ok(main, "a main leg with two pre-carriage predecessors");
    assert.ok(
      chain.tces.some((t) => t.prevTceIds?.includes(main.tceId)),
      "an on-carriage after the main leg",
    );
  });

  it("lists every TOC/HOC that a ShipmentFootprint references", () => {
    for (const sf of sfs) {
      for (const tce of dataOf<ShipmentFootprint>(sf).tces) {
        if (tce.tocId) assert.ok(tocs.has(tce.tocId), tce.tocId);
        if (tce.hocId) assert.ok(hocs.has(tce.hocId), tce.hocId);
      }
    }
  });

  it("has plain footprints at version 2 with updated, and Deprecated with statusComment", () => {
    const plain = byKind("pcf");
    assert.ok(plain.some((d) => d.version === 2 && d.updated !== undefined && d.status === "Active"));
    assert.ok(plain.some((d) => d.status === "Deprecated" && (d.statusComment ?? "").length > 0));
  });

  it("uses fixed UUID v4 ids, UTC timestamps with Z, the demo company and the §7 productIds format", () => {
    const ids = footprints.map((f) => f.document.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const { document, kind } of footprints) {
      assert.match(document.id, UUID_V4);
      assert.equal(document.specVersion, "2.2.0");
      assert.equal(document.companyName, DEMO_COMPANY.companyName);
      assert.deepEqual(document.companyIds, DEMO_COMPANY.companyIds);
      for (const [at, v] of strings(document)) {
        if (/(created|updated|At|Start|End)$/.test(at)) assert.match(v, UTC, at);
      }
      if (kind !== "pcf") {
        const segment = kind === "shipment-footprint" ? "shipment" : kind;
        assert.ok(
          document.productIds.some((p) =>
            p.startsWith(`urn:pathfinder:product:customcode:vendor-assigned:${segment}:`),
          ),
        );
      }
    }
  });

  it("is deterministic and returns fresh objects", () => {
    assert.equal(JSON.stringify(demoFootprints()), JSON.stringify(demoFootprints()));
    assert.equal(JSON.stringify(demoTad()), JSON.stringify(demoTad()));
    const a = demoFootprints();
    (a[0]!.document as { comment: string }).comment = "changed";
    assert.notEqual(demoFootprints()[0]!.document.comment, "changed");
  });

  it("declares the kind that footprintKind derives", () => {
    for (const { document, kind } of footprints) assert.equal(footprintKind(document), kind, document.id);
  });
});

describe("demo footprints: validity", () => {
  it("validates against the official PACT schema and the official iLEAP schemas (as published)", () => {
    const ajv = referenceAjv();
    const pact = compileReference(ajv, "data-model-schema.json");
    const wrapperSf = compileReference(ajv, "pcf-shipment-footprint.json");
    const data = {
      "shipment-footprint": compileReference(ajv, "shipment-footprint.json"),
      toc: compileReference(ajv, "toc.json"),
      hoc: compileReference(ajv, "hoc.json"),
    } as const;
    for (const { document, kind } of footprints) {
      assert.ok(pact(document), `${document.id}: ${JSON.stringify(pact.errors)}`);
      if (kind === "pcf") continue;
      const ext = document.extensions![0]!;
      assert.ok(data[kind](ext.data), `${document.id}: ${JSON.stringify(data[kind].errors)}`);
      if (kind === "shipment-footprint") assert.ok(wrapperSf(document), JSON.stringify(wrapperSf.errors));
    }
  });

  it("the published pcf-toc/pcf-hoc wrappers do not compile as-is (dangling Toc/Hoc refs)", () => {
    const ajv = referenceAjv();
    assert.throws(() => compileReference(ajv, "pcf-toc.json"), /Toc/);
    assert.throws(() => compileReference(ajv, "pcf-hoc.json"), /Hoc/);
  });

  it("passes our validators and every iLEAP/PACT rule, one by one and as a set", () => {
    for (const { document } of footprints) assert.deepEqual(checkFootprint(document), [], document.id);
    assert.deepEqual(checkFootprintSet(footprints.map((f) => f.document)), []);
  });

  it("has exactly consistent numbers (no tolerance needed)", () => {
    for (const doc of sfs) {
      const sf = dataOf<ShipmentFootprint>(doc);
      for (const tce of sf.tces) {
        const km = tce.distance.actual ?? tce.distance.sfd ?? tce.distance.gcd!;
        assert.ok(
          decimalEquals(tce.transportActivity, scaleByPowerOfTen(multiplyDecimal(km, tce.mass), -3)),
          tce.tceId,
        );
        const [wtw, ttw] = expectedCo2e(tce);
        assert.ok(decimalEquals(tce.co2eWTW, wtw), `${tce.tceId} WTW ${tce.co2eWTW} ≠ ${wtw}`);
        assert.ok(decimalEquals(tce.co2eTTW, ttw), `${tce.tceId} TTW ${tce.co2eTTW} ≠ ${ttw}`);
      }
      assert.equal(doc.pcf.unitaryProductAmount, sumDecimal(sf.tces.map((t) => t.transportActivity)));
      assert.equal(doc.pcf.pCfExcludingBiogenic, sumDecimal(sf.tces.map((t) => t.co2eWTW)));
      assert.equal(doc.pcf.fossilGhgEmissions, doc.pcf.pCfExcludingBiogenic);
      // iLEAP v1.0 §PACT Integration: "MUST equal the mass of the shipment"
      const massPerUnit = doc.pcf.productMassPerDeclaredUnit;
      assert.ok(
        massPerUnit !== undefined && decimalEquals(massPerUnit, sf.mass),
        `${doc.id}: ${massPerUnit}`,
      );
    }
    for (const doc of [...byKind("toc"), ...byKind("hoc")]) {
      const d = dataOf<TOC | HOC>(doc);
      assert.ok(decimalEquals(sumDecimal(d.energyCarriers.map((e) => e.relativeShare)), "1"));
      assert.ok(decimalEquals(doc.pcf.pCfExcludingBiogenic, d.co2eIntensityWTW));
    }
    // iLEAP v1.0 §PACT Integration: TOC "MUST be set to "1"", HOC "MUST be set to "1000""
    for (const doc of byKind("toc")) assert.equal(doc.pcf.productMassPerDeclaredUnit, "1", doc.id);
    for (const doc of byKind("hoc")) assert.equal(doc.pcf.productMassPerDeclaredUnit, "1000", doc.id);
  });
});

function expectedCo2e(tce: TCE): [string, string] {
  const teu = tce.packagingOrTrEqType === "Container-TEU" ? tce.packagingOrTrEqAmount! : undefined;
  if (tce.tocId) {
    const toc = tocs.get(tce.tocId)!;
    const activity =
      toc.transportActivityUnit === "tkm"
        ? tce.transportActivity
        : multiplyDecimal(teu!, tce.distance.actual ?? tce.distance.sfd ?? tce.distance.gcd!);
    return [multiplyDecimal(activity, toc.co2eIntensityWTW), multiplyDecimal(activity, toc.co2eIntensityTTW)];
  }
  const hoc = hocs.get(tce.hocId!)!;
  const activity = hoc.hubActivityUnit === "tonnes" ? scaleByPowerOfTen(tce.mass, -3) : teu!;
  return [multiplyDecimal(activity, hoc.co2eIntensityWTW), multiplyDecimal(activity, hoc.co2eIntensityTTW)];
}

describe("demo TAD", () => {
  it("has at least 20 records across all five modes, with energy carriers and feedstocks", () => {
    assert.ok(tads.length >= 20);
    assert.deepEqual(
      new Set(tads.map((t) => t.mode)),
      new Set(["Road", "Rail", "Air", "Sea", "InlandWaterway"]),
    );
    for (const t of tads) {
      assert.ok(t.energyCarriers && t.energyCarriers.length > 0, t.activityId);
      assert.ok(
        t.energyCarriers.every((e) => (e.feedstocks?.length ?? 0) > 0),
        t.activityId,
      );
      assert.ok(decimalEquals(sumDecimal(t.energyCarriers.map((e) => e.relativeShare)), "1"), t.activityId);
      assert.match(t.departureAt, UTC);
      assert.match(t.arrivalAt, UTC);
    }
    assert.ok(new Set(tads.map((t) => t.packagingOrTrEqType).filter(Boolean)).size >= 3);
    assert.ok(new Set(tads.flatMap((t) => [t.origin.country, t.destination.country])).size >= 5);
    const feedstocks = new Set(
      tads.flatMap((t) => t.energyCarriers!.flatMap((e) => e.feedstocks!.map((f) => f.feedstock))),
    );
    assert.ok(feedstocks.size >= 4);
    assert.equal(new Set(tads.map((t) => t.activityId)).size, tads.length);
  });

  it("validates against the official tad.json and passes the TAD rules", () => {
    const tad = compileReference(referenceAjv(), "tad.json");
    for (const t of tads) {
      assert.ok(tad(t), `${t.activityId}: ${JSON.stringify(tad.errors)}`);
      assert.deepEqual(checkTad(t), [], t.activityId);
    }
    assert.deepEqual(checkTadSet(tads), []);
  });
});
