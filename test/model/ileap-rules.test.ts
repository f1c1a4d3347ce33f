import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkFootprint, checkFootprintSet, checkTad, checkTadSet } from "../../src/model/check.ts";
import {
  energyCarrierRules,
  footprintSetRules,
  ileapFootprintRules,
  ileapMappingRecommendations,
  ileapMappingRules,
  pactRules,
  RULE,
  shipmentFootprintRules,
  tadRules,
  tocRules,
} from "../../src/model/ileap-rules.ts";
import type {
  ProductFootprint,
  ShipmentFootprint,
  TAD,
  TOC,
  ValidationIssue,
} from "../../src/model/types.ts";
import { DEMO_FOOTPRINT_IDS, demoFootprints, demoTad } from "../../src/testing/demo-data.ts";
import { edit, edits, REMOVE } from "./helpers.ts";

const IDS = DEMO_FOOTPRINT_IDS;
const TCES = "/extensions/0/data/tces";

function docs(): ProductFootprint[] {
  return demoFootprints().map((f) => f.document);
}

function demo(id: string): ProductFootprint {
  const found = docs().find((d) => d.id === id);
  assert.ok(found, id);
  return found;
}

function dataOf<T>(doc: ProductFootprint): T {
  return doc.extensions![0]!.data as T;
}

function hasIssue(issues: readonly ValidationIssue[], pointer: string, rule: string): ValidationIssue {
  const hit = issues.filter((i) => i.pointer === pointer && i.rule === rule);
  assert.equal(hit.length, 1, `expected one ${rule} at ${pointer}, got ${JSON.stringify(issues, null, 1)}`);
  return hit[0]!;
}

describe("TCE rules", () => {
  const sf = dataOf<ShipmentFootprint>(demo(IDS.sfMultimodal));

  it("accept the demo ShipmentFootprints", () => {
    for (const id of [IDS.sfRoad, IDS.sfMultimodal, IDS.sfPreMainOn]) {
      assert.deepEqual(shipmentFootprintRules(dataOf(demo(id))), [], id);
    }
  });

  it("reject a TCE with both tocId and hocId", () => {
    const issues = shipmentFootprintRules(edit(sf, "/tces/0/hocId", "hoc-duisburg-rail-road-terminal"));
    hasIssue(issues, "/tces/0/hocId", RULE.tceTocOrHoc);
    const viaCheck = checkFootprint(edit(demo(IDS.sfMultimodal), `${TCES}/0/hocId`, "hoc-x"));
    hasIssue(viaCheck, `${TCES}/0/hocId`, RULE.tceTocOrHoc);
  });

  it("reject a TCE with neither tocId nor hocId", () => {
    hasIssue(shipmentFootprintRules(edit(sf, "/tces/2/tocId", REMOVE)), "/tces/2", RULE.tceTocOrHoc);
  });

  it("check transportActivity = distance × mass / 1000 with a small tolerance", () => {
    const wrong = shipmentFootprintRules(edit(sf, "/tces/0/transportActivity", "700"));
    const i = hasIssue(wrong, "/tces/0/transportActivity", RULE.tceTransportActivity);
    assert.match(i.message, /650 \(distance\.actual\)/);
    // 0.1 % relative tolerance by default
    assert.deepEqual(shipmentFootprintRules(edit(sf, "/tces/0/transportActivity", "650.5")), []);
    assert.equal(shipmentFootprintRules(edit(sf, "/tces/0/transportActivity", "651")).length, 1);
    assert.deepEqual(
      shipmentFootprintRules(edit(sf, "/tces/0/transportActivity", "651"), { relativeTolerance: "0.01" }),
      [],
    );
    // a value rounded to its own precision passes: 0.0617 × 700 / 1000 = 0.04319
    const small = edits(sf, [
      ["/tces/0/mass", "0.0617"],
      ["/tces/0/distance", { actual: "700" }],
      ["/tces/0/transportActivity", "0.04"],
    ]);
    assert.deepEqual(shipmentFootprintRules(small), []);
    // any one of the given distances may be the basis (gcd 50 km here, sfd below)
    assert.deepEqual(shipmentFootprintRules(edit(sf, "/tces/0/transportActivity", "500")), []);
    assert.equal(shipmentFootprintRules(edit(sf, "/tces/0/transportActivity", "600")).length, 1);
    assert.deepEqual(
      shipmentFootprintRules(edit(sf, "/tces/0/distance", { actual: "70", gcd: "50" })).length,
      1,
    );
    assert.deepEqual(shipmentFootprintRules(edit(sf, "/tces/0/distance", { actual: "99", sfd: "65" })), []);
  });

  it("check prevTceIds: same shipment, not itself, no cycle", () => {
    hasIssue(
      shipmentFootprintRules(edit(sf, "/tces/1/prevTceIds/0", "tce-999")),
      "/tces/1/prevTceIds/0",
      RULE.tcePrevTceIds,
    );
    hasIssue(
      shipmentFootprintRules(edit(sf, "/tces/1/prevTceIds/0", "tce-102-2")),
      "/tces/1/prevTceIds/0",
      RULE.tcePrevTceIds,
    );
    const cyclic = shipmentFootprintRules(edit(sf, "/tces/0/prevTceIds", ["tce-102-5"]));
    assert.equal(cyclic.filter((i) => i.rule === RULE.tcePrevTceIds).length, 1, JSON.stringify(cyclic));
  });

  it("reject a TCE whose shipmentId is not the ShipmentFootprint's", () => {
    const i = hasIssue(
      shipmentFootprintRules(edit(sf, "/tces/3/shipmentId", "other")),
      "/tces/3/shipmentId",
      RULE.tceShipmentId,
    );
    assert.match(i.message, new RegExp(`"${sf.shipmentId}"`));
  });

  it("reject duplicate tceIds, empty tces and arrival before departure", () => {
    hasIssue(
      shipmentFootprintRules(edit(sf, "/tces/1/tceId", "tce-102-1")),
      "/tces/1/tceId",
      RULE.tceDuplicateId,
    );
    hasIssue(shipmentFootprintRules(edit(sf, "/tces", [])), "/tces", RULE.nonEmpty);
    hasIssue(
      shipmentFootprintRules(edit(sf, "/tces/0/arrivalAt", "2025-03-10T05:00:00Z")),
      "/tces/0/arrivalAt",
      RULE.timeOrder,
    );
    hasIssue(
      shipmentFootprintRules(edit(sf, "/tces/4/destination/lng", REMOVE)),
      "/tces/4/destination/lng",
      RULE.latLng,
    );
  });
});

describe("energy carrier rules", () => {
  const toc = dataOf<TOC>(demo(IDS.tocRoadHvo));

  it("reject relativeShare values that sum to 0.9", () => {
    const issues = tocRules(edit(toc, "/energyCarriers/0/relativeShare", "0.8"));
    const i = hasIssue(issues, "/energyCarriers", RULE.shareSum);
    assert.match(i.message, /0\.9/);
    const viaCheck = checkFootprint(
      edit(demo(IDS.tocRoadHvo), "/extensions/0/data/energyCarriers/0/relativeShare", "0.8"),
    );
    hasIssue(viaCheck, "/extensions/0/data/energyCarriers", RULE.shareSum);
  });

  it("reject shares outside (0, 1], feedstock shares above 1 in total, a consumption without unit", () => {
    const carriers = toc.energyCarriers;
    hasIssue(
      energyCarrierRules(edit(carriers, "/1/relativeShare", "0"), "/ec"),
      "/ec/1/relativeShare",
      RULE.range,
    );
    const twoFeedstocks = edit(carriers, "/0/feedstocks", [
      { feedstock: "Cooking oil", feedstockShare: "0.7" },
      { feedstock: "Fossil", feedstockShare: "0.4" },
    ]);
    hasIssue(energyCarrierRules(twoFeedstocks, "/ec"), "/ec/0/feedstocks", RULE.feedstockShareSum);
    hasIssue(
      energyCarrierRules(edit(carriers, "/0/energyConsumptionUnit", REMOVE), "/ec"),
      "/ec/0/energyConsumptionUnit",
      RULE.consumptionUnit,
    );
    hasIssue(energyCarrierRules([], "/ec"), "/ec", RULE.nonEmpty);
  });

  it("accept shares written with different precision", () => {
    const carriers = edits(toc.energyCarriers, [
      ["/0/relativeShare", "0.90"],
      ["/1/relativeShare", "0.1000"],
    ]);
    assert.deepEqual(energyCarrierRules(carriers, ""), []);
  });
});

describe("TOC, HOC and TAD rules", () => {
  it("check TOC factors and mode-specific properties", () => {
    const toc = dataOf<TOC>(demo(IDS.tocRailElectric));
    hasIssue(tocRules(edit(toc, "/loadFactor", "0")), "/loadFactor", RULE.range);
    hasIssue(tocRules(edit(toc, "/loadFactor", "high")), "/loadFactor", RULE.decimal);
    hasIssue(tocRules(edit(toc, "/emptyDistanceFactor", "1")), "/emptyDistanceFactor", RULE.range);
    hasIssue(tocRules(edit(toc, "/truckLoadingSequence", "FTL")), "/truckLoadingSequence", RULE.modeSpecific);
    hasIssue(tocRules(edit(toc, "/certifications", ["GLECv3", "GLECv3"])), "/certifications/1", RULE.unique);
  });

  it("check TADs", () => {
    const tad: TAD = demoTad()[0]!;
    assert.deepEqual(tadRules(tad), []);
    hasIssue(tadRules(edit(tad, "/consignmentIds", [])), "/consignmentIds", RULE.nonEmpty);
    hasIssue(tadRules(edit(tad, "/loadFactor", "1.2")), "/loadFactor", RULE.range);
    hasIssue(tadRules(edit(tad, "/arrivalAt", "2025-03-02T00:00:00Z")), "/arrivalAt", RULE.timeOrder);
    hasIssue(
      tadRules(edit(tad, "/departureAt", "2025-03-03T05:00:00+01:00")),
      "/departureAt",
      RULE.utcTimestamp,
    );
    hasIssue(tadRules(edit(tad, "/origin/lat", REMOVE)), "/origin/lat", RULE.latLng);
    hasIssue(tadRules(edit(tad, "/energyCarriers/0/relativeShare", "0.5")), "/energyCarriers", RULE.shareSum);
    hasIssue(checkTad(edit(tad, "/energyCarriers/0/relativeShare", "0.5")), "/energyCarriers", RULE.shareSum);
    hasIssue(checkTadSet([tad, tad]), "/1/activityId", RULE.tadDuplicateId);
  });
});

describe("PACT mapping rules (iLEAP §PACT Integration)", () => {
  it("accept the demo footprints", () => {
    for (const doc of docs()) assert.deepEqual(ileapMappingRules(doc), [], doc.id);
  });

  it("check productCategoryCpc, declaredUnit and packagingEmissionsIncluded", () => {
    const sf = demo(IDS.sfRoad);
    hasIssue(
      ileapMappingRules(edit(sf, "/productCategoryCpc", "83100")),
      "/productCategoryCpc",
      RULE.pactCpc,
    );
    hasIssue(
      ileapMappingRules(edit(sf, "/pcf/declaredUnit", "kilogram")),
      "/pcf/declaredUnit",
      RULE.pactDeclaredUnit,
    );
    const hoc = demo(IDS.hocDuisburg);
    hasIssue(
      ileapMappingRules(edit(hoc, "/pcf/declaredUnit", "ton kilometer")),
      "/pcf/declaredUnit",
      RULE.pactDeclaredUnit,
    );
    hasIssue(
      ileapMappingRules(edit(sf, "/pcf/packagingEmissionsIncluded", true)),
      "/pcf/packagingEmissionsIncluded",
      RULE.pactPackaging,
    );
    hasIssue(
      ileapMappingRules(edit(sf, "/pcf/biogenicCarbonContent", "1")),
      "/pcf/biogenicCarbonContent",
      RULE.pactBiogenic,
    );
    assert.deepEqual(ileapMappingRules(edit(sf, "/pcf/biogenicCarbonContent", "0.000")), []);
  });

  it("check unitaryProductAmount and the emission sums", () => {
    const sf = demo(IDS.sfMultimodal);
    const amount = hasIssue(
      ileapMappingRules(edit(sf, "/pcf/unitaryProductAmount", "12000")),
      "/pcf/unitaryProductAmount",
      RULE.pactUnitaryAmount,
    );
    assert.match(amount.message, /12550/);
    const wrong = ileapMappingRules(
      edits(sf, [
        ["/pcf/pCfExcludingBiogenic", "190"],
        ["/pcf/fossilGhgEmissions", "186.5"],
      ]),
    );
    hasIssue(wrong, "/pcf/pCfExcludingBiogenic", RULE.pactEmissions);
    assert.equal(wrong.length, 1, "186.5 is 186.51 rounded to its own precision");
    hasIssue(
      ileapMappingRules(edit(sf, "/pcf/fossilGhgEmissions", "188")),
      "/pcf/fossilGhgEmissions",
      RULE.pactEmissions,
    );
    const toc = demo(IDS.tocSea);
    hasIssue(
      ileapMappingRules(edit(toc, "/pcf/unitaryProductAmount", "1000")),
      "/pcf/unitaryProductAmount",
      RULE.pactUnitaryAmount,
    );
    hasIssue(
      ileapMappingRules(edit(toc, "/pcf/fossilCarbonContent", "0.13")),
      "/pcf/fossilCarbonContent",
      RULE.pactEmissions,
    );
    const hoc = demo(IDS.hocRotterdam);
    hasIssue(
      ileapMappingRules(edit(hoc, "/pcf/unitaryProductAmount", "1")),
      "/pcf/unitaryProductAmount",
      RULE.pactUnitaryAmount,
    );
    assert.deepEqual(ileapMappingRules(edit(hoc, "/pcf/unitaryProductAmount", "1000.0")), []);
  });

  it("check the productIds URN", () => {
    const toc = demo(IDS.tocRoadDiesel);
    hasIssue(
      ileapMappingRules(
        edit(toc, "/productIds", ["urn:pathfinder:product:customcode:vendor-assigned:toc:other"]),
      ),
      "/productIds",
      RULE.pactProductIds,
    );
    hasIssue(
      ileapMappingRules(
        edit(toc, "/productIds", [
          "urn:pathfinder:product:customcode:vendor-assigned:hoc:toc-road-diesel-ftl-40t",
        ]),
      ),
      "/productIds",
      RULE.pactProductIds,
    );
    const buyer = edit(toc, "/productIds", [
      "urn:x:1",
      "urn:pathfinder:product:customcode:buyer-assigned:toc:toc-road-diesel-ftl-40t",
    ]);
    assert.deepEqual(ileapMappingRules(buyer), []);
  });

  it("check the extension: count, specVersion, dataSchema, documentation", () => {
    const sf = demo(IDS.sfRoad);
    hasIssue(
      ileapMappingRules(edit(sf, "/extensions/0/specVersion", "1.0.0")),
      "/extensions/0/specVersion",
      RULE.pactExtension,
    );
    hasIssue(
      ileapMappingRules(edit(sf, "/extensions/0/documentation", "https://example.com/")),
      "/extensions/0/documentation",
      RULE.pactExtension,
    );
    assert.deepEqual(ileapMappingRules(edit(sf, "/extensions/0/documentation", REMOVE)), []);
    hasIssue(
      ileapMappingRules(
        edit(sf, "/extensions/0/dataSchema", "https://ileap.example.com/v1/shipment-footprint.json"),
      ),
      "/extensions/0/dataSchema",
      RULE.pactExtension,
    );
    const unknownSchema = edit(sf, "/extensions/0/dataSchema", "https://example.com/sf.json");
    hasIssue(ileapMappingRules(unknownSchema), "/extensions", RULE.pactExtension);
    const two = edit(sf, "/extensions/1", {
      specVersion: "2.0.0",
      dataSchema: "https://example.com/x.json",
      data: {},
    });
    const policy = hasIssue(ileapMappingRules(two), "/extensions", RULE.pactExtension);
    assert.equal(policy.level, "should", "iLEAP allows other extensions: only our policy forbids them");
    const twoIleap = edit(sf, "/extensions/1", {
      specVersion: "2.0.0",
      dataSchema: "https://api.ileap.sine.dev/toc.json",
      data: {},
    });
    const cannot = hasIssue(ileapMappingRules(twoIleap), "/extensions", RULE.pactExtension);
    assert.equal(cannot.level, undefined, "CANNOT contain more than one iLEAP Data Type");
    assert.match(cannot.message, /more than one iLEAP data type/);
  });

  it("reject productIds that designate another iLEAP data type", () => {
    const sf = demo(IDS.sfRoad);
    const both = edit(sf, "/productIds/1", "urn:pathfinder:product:customcode:vendor-assigned:toc:T-1");
    const i = hasIssue(ileapMappingRules(both), "/productIds/1", RULE.pactProductIds);
    assert.match(i.message, /designates a TOC, but the footprint carries a ShipmentFootprint/);
    assert.equal(i.level, undefined);
  });

  it('check productMassPerDeclaredUnit: the shipment mass, "1" for a TOC, "1000" for a HOC', () => {
    // iLEAP v1.0 §PACT Integration, per kind: "MUST equal the mass of the shipment", "MUST be set
    // to "1"", "MUST be set to "1000"" (the property itself is optional in PACT v2).
    const sf = demo(IDS.sfMultimodal);
    const mass = dataOf<ShipmentFootprint>(sf).mass;
    assert.equal(sf.pcf.productMassPerDeclaredUnit, mass);
    assert.deepEqual(ileapMappingRules(edit(sf, "/pcf/productMassPerDeclaredUnit", `${mass}.000`)), []);
    const wrong = hasIssue(
      ileapMappingRules(edit(sf, "/pcf/productMassPerDeclaredUnit", "1")),
      "/pcf/productMassPerDeclaredUnit",
      RULE.pactMassPerDeclaredUnit,
    );
    assert.match(wrong.message, new RegExp(`the shipment mass \\(${mass}\\)`));
    assert.equal(wrong.level, undefined);
    hasIssue(
      ileapMappingRules(edit(sf, "/pcf/productMassPerDeclaredUnit", 10)),
      "/pcf/productMassPerDeclaredUnit",
      RULE.pactMassPerDeclaredUnit,
    );
    const toc = demo(IDS.tocSea);
    assert.equal(toc.pcf.productMassPerDeclaredUnit, "1");
    hasIssue(
      ileapMappingRules(edit(toc, "/pcf/productMassPerDeclaredUnit", "1000")),
      "/pcf/productMassPerDeclaredUnit",
      RULE.pactMassPerDeclaredUnit,
    );
    const hoc = demo(IDS.hocDuisburg);
    assert.equal(hoc.pcf.productMassPerDeclaredUnit, "1000");
    hasIssue(
      ileapMappingRules(edit(hoc, "/pcf/productMassPerDeclaredUnit", "1")),
      "/pcf/productMassPerDeclaredUnit",
      RULE.pactMassPerDeclaredUnit,
    );
    assert.deepEqual(ileapMappingRules(edit(hoc, "/pcf/productMassPerDeclaredUnit", "1000.0")), []);
    // absent: not a write error (optional in PACT v2), only a recommendation
    for (const doc of [sf, toc, hoc]) {
      const absent = edit(doc, "/pcf/productMassPerDeclaredUnit", REMOVE);
      assert.deepEqual(ileapMappingRules(absent), []);
      assert.deepEqual(checkFootprint(absent), []);
      const rec = hasIssue(
        ileapMappingRecommendations(absent),
        "/pcf/productMassPerDeclaredUnit",
        RULE.pactMassPerDeclaredUnit,
      );
      assert.equal(rec.level, "should");
    }
  });

  it("mark the SHOULDs of the mapping table with level should", () => {
    const sf = demo(IDS.sfRoad);
    const biogenic = ileapMappingRules(edit(sf, "/pcf/biogenicCarbonContent", "1"));
    assert.equal(hasIssue(biogenic, "/pcf/biogenicCarbonContent", RULE.pactBiogenic).level, "should");
    const toc = ileapMappingRules(edit(demo(IDS.tocSea), "/pcf/unitaryProductAmount", "1000"));
    assert.equal(hasIssue(toc, "/pcf/unitaryProductAmount", RULE.pactUnitaryAmount).level, "should");
    const hoc = ileapMappingRules(edit(demo(IDS.hocRotterdam), "/pcf/unitaryProductAmount", "1"));
    assert.equal(hasIssue(hoc, "/pcf/unitaryProductAmount", RULE.pactUnitaryAmount).level, undefined);
    const fossil = ileapMappingRules(edit(sf, "/pcf/fossilCarbonContent", "1"));
    assert.equal(hasIssue(fossil, "/pcf/fossilCarbonContent", RULE.pactEmissions).level, undefined);
  });
});

describe("ileapFootprintRules", () => {
  it("run the mapping and embedded-object rules but not the generic PACT rules", () => {
    const toc = edits(demo(IDS.tocRoadHvo), [
      ["/id", "00000000-0000-0000-0000-000000000000"],
      ["/pcf/declaredUnit", "kilogram"],
      ["/extensions/0/data/energyCarriers/0/relativeShare", "0.8"],
    ]);
    const issues = ileapFootprintRules(toc);
    hasIssue(issues, "/pcf/declaredUnit", RULE.pactDeclaredUnit);
    hasIssue(issues, "/extensions/0/data/energyCarriers", RULE.shareSum);
    assert.equal(
      issues.some((i) => i.rule === RULE.pfId),
      false,
    );
    assert.deepEqual(ileapFootprintRules(demo(IDS.pcfBox)), []);
  });
});

describe("iLEAP mapping recommendations", () => {
  it("are empty for the demo footprints and for plain PACT footprints", () => {
    for (const doc of docs()) assert.deepEqual(ileapMappingRecommendations(doc), [], doc.id);
    const plain = edit(demo(IDS.pcfBox), "/pcf/pCfIncludingBiogenic", "3");
    assert.deepEqual(ileapMappingRecommendations(plain), []);
  });

  it("note pCfIncludingBiogenic set and documentation not set, without failing writes", () => {
    const sf = edits(demo(IDS.sfRoad), [
      ["/pcf/pCfIncludingBiogenic", "1"],
      ["/extensions/0/documentation", REMOVE],
    ]);
    const recs = ileapMappingRecommendations(sf);
    hasIssue(recs, "/pcf/pCfIncludingBiogenic", RULE.pactIncludingBiogenic);
    hasIssue(recs, "/extensions/0/documentation", RULE.pactExtension);
    assert.ok(recs.every((i) => i.level === "should"));
    assert.deepEqual(checkFootprint(sf), []);
  });
});

describe("generic PACT rules", () => {
  const pcf = demo(IDS.pcfPellets);

  it("accept the demo footprints", () => {
    for (const doc of docs()) assert.deepEqual(pactRules(doc), [], doc.id);
  });

  it("reject non-v4 ids, non-UTC timestamps, updated before created", () => {
    hasIssue(pactRules(edit(pcf, "/id", "00000000-0000-0000-0000-000000000000")), "/id", RULE.pfId);
    hasIssue(pactRules(edit(pcf, "/created", "2024-08-05T12:00:00+02:00")), "/created", RULE.utcTimestamp);
    hasIssue(pactRules(edit(pcf, "/updated", "2024-08-01T00:00:00Z")), "/updated", RULE.updated);
    hasIssue(
      pactRules(edit(pcf, "/pcf/referencePeriodEnd", "2023-01-01T00:00:00Z")),
      "/pcf/referencePeriodEnd",
      RULE.referencePeriod,
    );
  });

  it("check the validity period", () => {
    hasIssue(
      pactRules(edit(pcf, "/validityPeriodEnd", "2027-07-02T00:00:00Z")),
      "/validityPeriodEnd",
      RULE.validityPeriod,
    );
    hasIssue(
      pactRules(edit(pcf, "/validityPeriodStart", "2024-06-30T00:00:00Z")),
      "/validityPeriodStart",
      RULE.validityPeriod,
    );
    hasIssue(pactRules(edit(pcf, "/validityPeriodEnd", REMOVE)), "/validityPeriodEnd", RULE.validityPeriod);
  });

  it("reject packaging emissions that are not included, empty sets, relative dataSchema URLs", () => {
    hasIssue(
      pactRules(edit(pcf, "/pcf/packagingEmissionsIncluded", false)),
      "/pcf/packagingGhgEmissions",
      RULE.packagingGhg,
    );
    hasIssue(
      pactRules(edit(pcf, "/pcf/productOrSectorSpecificRules", [])),
      "/pcf/productOrSectorSpecificRules",
      RULE.emptyArray,
    );
    const ext = edit(pcf, "/extensions", [{ specVersion: "2.0.0", dataSchema: "schemas/x.json", data: {} }]);
    hasIssue(pactRules(ext), "/extensions/0/dataSchema", RULE.dataSchemaUrl);
  });
});

describe("set-level rules", () => {
  it("accept the demo set", () => {
    assert.deepEqual(footprintSetRules(docs()), []);
    assert.deepEqual(checkFootprintSet(docs()), []);
  });

  it("require every TOC/HOC referenced by a ShipmentFootprint to be in the set", () => {
    const all = docs();
    const withoutRail = all.filter((d) => d.id !== IDS.tocRailElectric);
    const issues = footprintSetRules(withoutRail);
    const sfMulti = withoutRail.findIndex((d) => d.id === IDS.sfMultimodal);
    const sfPre = withoutRail.findIndex((d) => d.id === IDS.sfPreMainOn);
    assert.deepEqual(
      issues.map((i) => [i.pointer, i.rule]),
      [
        [`/${sfMulti}${TCES}/2/tocId`, RULE.setReference],
        [`/${sfPre}${TCES}/2/tocId`, RULE.setReference],
      ],
    );
    const withoutHoc = all.filter((d) => d.id !== IDS.hocRotterdam);
    const hocIssue = footprintSetRules(withoutHoc);
    assert.equal(hocIssue.length, 1);
    assert.match(hocIssue[0]!.pointer, /\/tces\/3\/hocId$/);
  });

  it("check TCE co2e against the referenced TOC/HOC intensities", () => {
    const all = docs();
    const i = all.findIndex((d) => d.id === IDS.sfMultimodal);
    const broken = all.map((d, k) =>
      k === i
        ? edits(d, [
            [`${TCES}/0/co2eWTW`, "20"], // road tkm: 650 × 0.0234 = 15.21
            [`${TCES}/1/co2eTTW`, "8"], // hub tonnes: 10 t × 0.9 = 9
            [`${TCES}/4/co2eWTW`, "1152"], // sea TEUkm: 1 TEU × 960 km × 0.12 = 115.2
          ])
        : d,
    );
    const issues = footprintSetRules(broken);
    hasIssue(issues, `/${i}${TCES}/0/co2eWTW`, RULE.tceCo2eWtw);
    hasIssue(issues, `/${i}${TCES}/1/co2eTTW`, RULE.tceCo2eTtw);
    hasIssue(issues, `/${i}${TCES}/4/co2eWTW`, RULE.tceCo2eWtw);
    assert.equal(issues.length, 3, JSON.stringify(issues));
    assert.ok(
      issues.every((x) => x.level === "should"),
      "iLEAP states no formula as a MUST",
    );
    // checkFootprintSet also reports the PACT sum that no longer matches
    const all3 = checkFootprintSet(broken);
    hasIssue(all3, `/${i}/pcf/pCfExcludingBiogenic`, RULE.pactEmissions);
  });

  it("prefix per-document issues with the index in checkFootprintSet", () => {
    const list = docs();
    list[2] = edit(list[2]!, "/pcf/declaredUnit", REMOVE);
    hasIssue(checkFootprintSet(list), "/2/pcf/declaredUnit", "schema.required");
  });
});
