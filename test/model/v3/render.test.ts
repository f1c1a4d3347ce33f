import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { numberToDecimal, v2ToV3, v3ToV2 } from "../../../src/model/v3/convert.ts";
import { renderFootprint } from "../../../src/model/v3/render.ts";
import { validateV3Footprint } from "../../../src/model/v3/validate.ts";
import { validateProductFootprint } from "../../../src/model/validate.ts";
import { DEMO_FOOTPRINT_IDS, demoFootprints } from "../../../src/testing/demo-data.ts";
import { v3Footprint } from "./fixtures.ts";

type Doc = Record<string, unknown>;
const pcfOf = (d: Doc | undefined) => (d?.pcf ?? {}) as Doc;

function demo(id: string): Doc {
  const found = demoFootprints().find((f) => f.document.id === id);
  assert.ok(found);
  return found.document as unknown as Doc;
}

describe("v3 → v2 rendering", () => {
  it("divides every per-declared-unit value by declaredUnitAmount, exactly", () => {
    const r = renderFootprint(v3Footprint());
    assert.equal(r.authored, "3");
    assert.ok(r.v2, r.v2Absent);
    assert.deepEqual(validateProductFootprint(r.v2), []);
    const p = pcfOf(r.v2);
    assert.equal(p.declaredUnit, "liter");
    assert.equal(p.unitaryProductAmount, "12.5");
    assert.equal(p.pCfExcludingBiogenic, "0.4"); // 5 / 12.5
    assert.equal(p.pCfIncludingBiogenic, "0.2"); // 2.5 / 12.5
    assert.equal(p.fossilGhgEmissions, "0.36"); // 4.5 / 12.5
    assert.equal(r.v2?.productCategoryCpc, "34131");
    assert.equal(r.v2?.version, 1);
    assert.equal(p.exemptedEmissionsPercent, 0.5);
  });

  it("is absent, with a reason, when v2 cannot represent the footprint", () => {
    const piece = v3ToV2({
      ...v3Footprint(),
      pcf: { ...pcfOf(v3Footprint()), declaredUnitOfMeasurement: "piece" },
    });
    assert.equal(piece.ok, false);
    assert.match((piece as { reason: string }).reason, /no declared unit "piece"/);
    const thirds = v3ToV2({ ...v3Footprint(), pcf: { ...pcfOf(v3Footprint()), declaredUnitAmount: "3" } });
    assert.equal(thirds.ok, false);
    assert.match((thirds as { reason: string }).reason, /not a finite decimal/);
    const noCpc = renderFootprint(
      v3Footprint({ productClassifications: ["urn:pact:productclassification:cas:64-17-5"] }),
    );
    assert.equal(noCpc.v2, undefined);
    assert.match(noCpc.v2Absent ?? "", /productCategoryCpc/);
    assert.ok(noCpc.v3);
  });
});

describe("v2 → v3 rendering", () => {
  it("multiplies by unitaryProductAmount and maps the renamed fields", () => {
    const v2 = demo(DEMO_FOOTPRINT_IDS.pcfBox);
    const scaled = { ...v2, pcf: { ...pcfOf(v2), unitaryProductAmount: "2.5" } };
    const r = renderFootprint(scaled);
    assert.equal(r.authored, "2");
    assert.ok(r.v3, r.v3Absent);
    assert.deepEqual(validateV3Footprint(r.v3), []);
    const p = pcfOf(r.v3);
    assert.equal(p.declaredUnitAmount, "2.5");
    assert.equal(p.pcfExcludingBiogenicUptake, "2.175"); // 0.87 × 2.5
    assert.equal(p.pcfIncludingBiogenicUptake, "1.025"); // 0.41 × 2.5
    assert.equal(p.productMassPerDeclaredUnit, "2.5"); // kilogram
    assert.equal(p.exemptedEmissionsPercent, "1.2");
    assert.deepEqual(p.crossSectoralStandards, ["GHGP-Product", "ISO14067"]);
    assert.deepEqual(r.v3?.productClassifications, ["urn:pact:productclassification:un-cpc:32151"]);
    for (const gone of ["version", "updated", "productCategoryCpc", "statusComment"])
      assert.ok(!(gone in (r.v3 ?? {})));
  });

  it("keeps iLEAP values (already per product) and the iLEAP extension", () => {
    const sf = demo(DEMO_FOOTPRINT_IDS.sfMultimodal);
    const r = renderFootprint(sf);
    assert.ok(r.v3, r.v3Absent);
    assert.deepEqual(validateV3Footprint(r.v3), []);
    assert.equal(pcfOf(r.v3).pcfExcludingBiogenicUptake, pcfOf(sf).pCfExcludingBiogenic);
    assert.equal(pcfOf(r.v3).pcfIncludingBiogenicUptake, pcfOf(sf).pCfExcludingBiogenic);
    assert.deepEqual(r.v3?.extensions, sf.extensions);
    assert.ok((pcfOf(r.v3).crossSectoralStandards as string[]).includes("ISO14083"));
  });

  it("is absent without pCfIncludingBiogenic on a plain PCF", () => {
    const r = renderFootprint(demo(DEMO_FOOTPRINT_IDS.pcfPellets));
    assert.equal(r.v3, undefined);
    assert.match(r.v3Absent ?? "", /pcfIncludingBiogenicUptake/);
  });

  it("round-trips v3 → v2 → v3 values", () => {
    const v2 = v3ToV2(v3Footprint());
    assert.ok(v2.ok);
    const back = v2ToV3((v2 as { doc: Doc }).doc);
    assert.ok(back.ok);
    const p = pcfOf((back as { doc: Doc }).doc);
    assert.equal(p.pcfExcludingBiogenicUptake, "5");
    assert.equal(p.fossilGhgEmissions, "4.5");
  });
});

describe("numberToDecimal", () => {
  it("writes JSON numbers as exact decimal strings", () => {
    assert.equal(numberToDecimal(1.2), "1.2");
    assert.equal(numberToDecimal(1e-7), "0.0000001");
    assert.equal(numberToDecimal(1.5e21), "1500000000000000000000");
    assert.equal(numberToDecimal(-0), "0");
    assert.equal(numberToDecimal("1"), undefined);
  });
});
