import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkFootprint } from "../../src/model/check.ts";
import {
  ILEAP_DATA_SCHEMA,
  ILEAP_DOCUMENTATION_URL,
  ileapProductId,
  LOGISTICS_CPC,
  PACT_SPEC_VERSION,
} from "../../src/model/constants.ts";
import { buildProductFootprint, footprintKind, kindOfDataSchema } from "../../src/model/ileap-mapping.ts";
import type { HOC, ShipmentFootprint, TOC } from "../../src/model/types.ts";
import { DEMO_COMPANY, DEMO_FOOTPRINT_IDS, demoFootprints } from "../../src/testing/demo-data.ts";
import { edit, REMOVE } from "./helpers.ts";

const ID = "0b9c4a1e-7f3d-4e2a-9c6b-5d8e7f1a2b3c";
const CREATED = "2025-05-02T10:00:00Z";

const TOC_FIXTURE: TOC = {
  tocId: "toc-test-1",
  mode: "Rail",
  energyCarriers: [
    { energyCarrier: "Electric", emissionFactorWTW: "0.3", emissionFactorTTW: "0", relativeShare: "1" },
  ],
  co2eIntensityWTW: "0.0150",
  co2eIntensityTTW: "0",
  transportActivityUnit: "tkm",
};

const HOC_FIXTURE: HOC = {
  hocId: "hoc-test-1",
  hubType: "Warehouse",
  energyCarriers: [
    { energyCarrier: "Electric", emissionFactorWTW: "0.3", emissionFactorTTW: "0", relativeShare: "0.5" },
    { energyCarrier: "LPG", emissionFactorWTW: "3.3", emissionFactorTTW: "2.9", relativeShare: "0.5" },
  ],
  co2eIntensityWTW: "4.2",
  co2eIntensityTTW: "2.1",
  hubActivityUnit: "tonnes",
};

const SF_FIXTURE: ShipmentFootprint = {
  mass: "2000",
  shipmentId: "S-1",
  tces: [
    {
      tceId: "t1",
      prevTceIds: [],
      tocId: "toc-test-1",
      shipmentId: "S-1",
      mass: "2000",
      distance: { actual: "100" },
      transportActivity: "200",
      departureAt: "2025-04-01T08:00:00Z",
      arrivalAt: "2025-04-01T10:00:00Z",
      co2eWTW: "3",
      co2eTTW: "0",
    },
    {
      tceId: "t2",
      prevTceIds: ["t1"],
      hocId: "hoc-test-1",
      shipmentId: "S-1",
      mass: "2000",
      distance: { actual: "0" },
      transportActivity: "0",
      departureAt: "2025-04-01T11:00:00Z",
      arrivalAt: "2025-04-02T07:30:00Z",
      co2eWTW: "8.4",
      co2eTTW: "4.2",
    },
  ],
};

describe("buildProductFootprint", () => {
  it("maps a ShipmentFootprint per iLEAP §PACT Integration", () => {
    const pf = buildProductFootprint({
      kind: "shipment-footprint",
      data: SF_FIXTURE,
      id: ID,
      created: CREATED,
      company: DEMO_COMPANY,
    });
    assert.equal(pf.specVersion, PACT_SPEC_VERSION);
    assert.equal(pf.specVersion, "2.2.0");
    assert.equal(pf.version, 1);
    assert.equal(pf.status, "Active");
    assert.equal(pf.comment, "");
    assert.equal(pf.productCategoryCpc, LOGISTICS_CPC);
    assert.deepEqual(pf.productIds, ["urn:pathfinder:product:customcode:vendor-assigned:shipment:S-1"]);
    assert.equal(pf.companyName, DEMO_COMPANY.companyName);
    assert.equal(pf.pcf.declaredUnit, "ton kilometer");
    assert.equal(pf.pcf.unitaryProductAmount, "200");
    // iLEAP v1.0 §PACT Integration: "MUST equal the mass of the shipment (ShipmentFootprint/mass)"
    assert.equal(pf.pcf.productMassPerDeclaredUnit, "2000");
    assert.equal(pf.pcf.pCfExcludingBiogenic, "11.4");
    assert.equal(pf.pcf.fossilGhgEmissions, "11.4");
    assert.equal(pf.pcf.fossilCarbonContent, "11.4");
    assert.equal(pf.pcf.biogenicCarbonContent, "0");
    assert.equal(pf.pcf.packagingEmissionsIncluded, false);
    assert.equal(pf.pcf.pCfIncludingBiogenic, undefined);
    assert.equal(pf.pcf.referencePeriodStart, "2025-04-01T08:00:00Z");
    assert.equal(pf.pcf.referencePeriodEnd, "2025-04-02T07:30:00Z");
    assert.deepEqual(pf.extensions, [
      {
        specVersion: "2.0.0",
        dataSchema: "https://api.ileap.sine.dev/shipment-footprint.json",
        documentation: ILEAP_DOCUMENTATION_URL,
        data: SF_FIXTURE,
      },
    ]);
    assert.deepEqual(checkFootprint(pf), []);
  });

  it("maps a TOC: unitaryProductAmount 1, pCf = WTW intensity, previous calendar year by default", () => {
    const pf = buildProductFootprint({
      kind: "toc",
      data: TOC_FIXTURE,
      id: ID,
      created: CREATED,
      company: DEMO_COMPANY,
    });
    assert.equal(pf.pcf.declaredUnit, "ton kilometer");
    assert.equal(pf.pcf.unitaryProductAmount, "1");
    assert.equal(pf.pcf.productMassPerDeclaredUnit, "1"); // iLEAP: MUST be set to "1"
    assert.equal(pf.pcf.pCfExcludingBiogenic, "0.015");
    assert.equal(pf.pcf.referencePeriodStart, "2024-01-01T00:00:00Z");
    assert.equal(pf.pcf.referencePeriodEnd, "2025-01-01T00:00:00Z");
    assert.equal(pf.extensions?.[0]?.dataSchema, ILEAP_DATA_SCHEMA.toc);
    assert.deepEqual(pf.productIds, [ileapProductId("toc", "toc-test-1")]);
    assert.deepEqual(checkFootprint(pf), []);
  });

  it("maps a HOC: kilogram, unitaryProductAmount 1000", () => {
    const pf = buildProductFootprint({
      kind: "hoc",
      data: HOC_FIXTURE,
      id: ID,
      created: CREATED,
      company: DEMO_COMPANY,
    });
    assert.equal(pf.pcf.declaredUnit, "kilogram");
    assert.equal(pf.pcf.unitaryProductAmount, "1000");
    assert.equal(pf.pcf.productMassPerDeclaredUnit, "1000"); // iLEAP: MUST be set to "1000"
    assert.equal(pf.pcf.pCfExcludingBiogenic, "4.2");
    assert.equal(pf.extensions?.[0]?.dataSchema, "https://api.ileap.sine.dev/hoc.json");
    assert.deepEqual(checkFootprint(pf), []);
  });

  it("takes the data owner's properties, but never over the derived ones", () => {
    const pf = buildProductFootprint({
      kind: "toc",
      data: TOC_FIXTURE,
      id: ID,
      created: CREATED,
      company: DEMO_COMPANY,
      version: 3,
      updated: "2025-06-01T00:00:00Z",
      status: "Deprecated",
      statusComment: "replaced",
      precedingPfIds: [DEMO_FOOTPRINT_IDS.tocSea],
      comment: "c",
      productNameCompany: "Rail TOC",
      productDescription: "d",
      assignedBy: "buyer",
      additionalProductIds: ["urn:example:1"],
      referencePeriodStart: "2024-07-01T00:00:00Z",
      referencePeriodEnd: "2025-01-01T00:00:00Z",
      pcf: {
        geographyCountry: "AT",
        primaryDataShare: 55,
        characterizationFactors: "AR5",
        ipccCharacterizationFactorsSources: ["AR5"],
        // not allowed by the type; must not win at run time either
        ...({ declaredUnit: "liter", pCfExcludingBiogenic: "99", productMassPerDeclaredUnit: "7" } as object),
      },
    });
    assert.equal(pf.version, 3);
    assert.equal(pf.status, "Deprecated");
    assert.deepEqual(pf.productIds, [
      "urn:pathfinder:product:customcode:buyer-assigned:toc:toc-test-1",
      "urn:example:1",
    ]);
    assert.equal(pf.pcf.geographyCountry, "AT");
    assert.equal(pf.pcf.characterizationFactors, "AR5");
    assert.equal(pf.pcf.declaredUnit, "ton kilometer");
    assert.equal(pf.pcf.pCfExcludingBiogenic, "0.015");
    assert.equal(pf.pcf.productMassPerDeclaredUnit, "1");
    assert.equal(pf.pcf.referencePeriodStart, "2024-07-01T00:00:00Z");
    assert.deepEqual(checkFootprint(pf), []);
  });

  it("omits null and undefined properties of the iLEAP data", () => {
    const data = { ...TOC_FIXTURE, description: null, loadFactor: undefined } as unknown as TOC;
    const pf = buildProductFootprint({ kind: "toc", data, id: ID, created: CREATED, company: DEMO_COMPANY });
    const out = pf.extensions?.[0]?.data as Record<string, unknown>;
    assert.equal("description" in out, false);
    assert.equal("loadFactor" in out, false);
    assert.equal(JSON.stringify(pf).includes("null"), false);
  });

  it("does not emit undefined keys", () => {
    const pf = buildProductFootprint({
      kind: "hoc",
      data: HOC_FIXTURE,
      id: ID,
      created: CREATED,
      company: DEMO_COMPANY,
    });
    const walk = (v: unknown): void => {
      if (v && typeof v === "object")
        for (const x of Object.values(v)) {
          assert.notEqual(x, undefined);
          walk(x);
        }
    };
    walk(pf);
    assert.equal("updated" in pf, false);
    assert.equal("precedingPfIds" in pf, false);
  });
});

describe("footprintKind", () => {
  it("classifies the demo footprints", () => {
    for (const f of demoFootprints()) assert.equal(footprintKind(f.document), f.kind, f.document.id);
  });

  it("uses the extension dataSchema first, leniently for other iLEAP URLs", () => {
    const toc = demoFootprints().find((f) => f.kind === "toc")!.document;
    const relocated = edit(
      toc,
      "/extensions/0/dataSchema",
      "https://raw.githubusercontent.com/sine-fdn/ileap-extension/main/schemas/hoc.json",
    );
    assert.equal(footprintKind(relocated), "hoc");
    assert.equal(kindOfDataSchema("https://example.com/toc.json"), undefined);
    assert.equal(
      kindOfDataSchema("https://api.ileap.sine.dev/shipment-footprint.json"),
      "shipment-footprint",
    );
    assert.equal(kindOfDataSchema(42), undefined);
  });

  it("falls back to the productIds URN, then to pcf", () => {
    const toc = demoFootprints().find((f) => f.kind === "toc")!.document;
    const noExtension = edit(toc, "/extensions", REMOVE);
    assert.equal(footprintKind(noExtension), "toc");
    const shipment = edit(noExtension, "/productIds", [
      "urn:pathfinder:product:customcode:buyer-assigned:shipment:X",
    ]);
    assert.equal(footprintKind(shipment), "shipment-footprint");
    assert.equal(footprintKind(edit(noExtension, "/productIds", ["urn:gtin:123"])), "pcf");
    for (const v of [null, undefined, 1, "x", []]) assert.equal(footprintKind(v), "pcf");
  });
});
