import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { ProductFootprint, TAD, ValidationIssue } from "../../src/model/types.ts";
import {
  compileSchema,
  nullIssues,
  precompileValidators,
  schemaIssues,
  validateHoc,
  validateProductFootprint,
  validateShipmentFootprint,
  validateTad,
  validateToc,
} from "../../src/model/validate.ts";
import { DEMO_FOOTPRINT_IDS, demoFootprints, demoTad } from "../../src/testing/demo-data.ts";
import { edit, edits, OFFICIAL_SHA256, REMOVE, shippedPath } from "./helpers.ts";

function demo(id: string): ProductFootprint {
  const found = demoFootprints().find((f) => f.document.id === id);
  assert.ok(found, id);
  return found.document;
}

/** Asserts exactly one issue with this pointer and rule (other issues may exist elsewhere). */
function hasIssue(issues: readonly ValidationIssue[], pointer: string, rule: string): ValidationIssue {
  const hit = issues.filter((i) => i.pointer === pointer && i.rule === rule);
  assert.equal(hit.length, 1, `expected one ${rule} at ${pointer}, got ${JSON.stringify(issues, null, 1)}`);
  return hit[0]!;
}

const SF = DEMO_FOOTPRINT_IDS.sfMultimodal;
const TCES = "/extensions/0/data/tces";

describe("shipped schemas", () => {
  it("are byte-identical to the official publications (SHA-256), licences included", () => {
    for (const [shipped, sha256] of Object.entries(OFFICIAL_SHA256)) {
      const actual = createHash("sha256")
        .update(readFileSync(shippedPath(shipped)))
        .digest("hex");
      assert.equal(actual, sha256, `${shipped} differs from the official file`);
    }
  });
});

describe("validateProductFootprint", () => {
  it("accepts valid plain and iLEAP footprints", () => {
    for (const { document } of demoFootprints())
      assert.deepEqual(validateProductFootprint(document), [], document.id);
  });

  it("rejects a decimal given as a JSON number, at its pointer", () => {
    const doc = edit(demo(SF), `${TCES}/2/mass`, 10000);
    const issues = validateProductFootprint(doc);
    const i = hasIssue(issues, `${TCES}/2/mass`, "schema.type");
    assert.equal(i.value, 10000);
    assert.match(i.message, /string/);
    assert.equal(issues.length, 1, JSON.stringify(issues));
  });

  it("rejects a PACT decimal given as a number", () => {
    const issues = validateProductFootprint(edit(demo(SF), "/pcf/pCfExcludingBiogenic", 186.51));
    hasIssue(issues, "/pcf/pCfExcludingBiogenic", "schema.type");
  });

  it("rejects a decimal string with an exponent or a comma", () => {
    hasIssue(
      validateProductFootprint(edit(demo(SF), `${TCES}/0/co2eWTW`, "1.5e1")),
      `${TCES}/0/co2eWTW`,
      "schema.pattern",
    );
    hasIssue(
      validateProductFootprint(edit(demo(SF), "/pcf/unitaryProductAmount", "12,5")),
      "/pcf/unitaryProductAmount",
      "schema.pattern",
    );
  });

  it("rejects null anywhere, also where the official schema would allow it", () => {
    const doc = edits(demo(SF), [
      [`${TCES}/0/consignmentId`, null],
      [`${TCES}/4/origin/country`, null],
      ["/productIds/0", null],
    ]);
    const issues = validateProductFootprint(doc);
    hasIssue(issues, `${TCES}/0/consignmentId`, "no-null");
    hasIssue(issues, `${TCES}/4/origin/country`, "no-null");
    hasIssue(issues, "/productIds/0", "no-null");
    assert.equal(issues.length, 3, JSON.stringify(issues));
  });

  it("rejects a wrong-case enum (hubType) with the allowed values", () => {
    const doc = edit(demo(DEMO_FOOTPRINT_IDS.hocDuisburg), "/extensions/0/data/hubType", "transshipment");
    const i = hasIssue(validateProductFootprint(doc), "/extensions/0/data/hubType", "schema.enum");
    assert.match(i.message, /"Transshipment"/);
  });

  it("validates TOC and HOC data through the official pcf-toc/pcf-hoc wrappers", () => {
    const toc = edit(demo(DEMO_FOOTPRINT_IDS.tocRailElectric), "/extensions/0/data/mode", REMOVE);
    const i = hasIssue(validateProductFootprint(toc), "/extensions/0/data/mode", "schema.required");
    assert.equal(i.message, "is required");
    const hoc = edit(demo(DEMO_FOOTPRINT_IDS.hocRotterdam), "/extensions/0/data/packagingOrTrEqAmount", -1);
    hasIssue(validateProductFootprint(hoc), "/extensions/0/data/packagingOrTrEqAmount", "schema.minimum");
  });

  it("reports a missing required PACT property at the property's own pointer", () => {
    const issues = validateProductFootprint(edit(demo(SF), "/pcf/declaredUnit", REMOVE));
    hasIssue(issues, "/pcf/declaredUnit", "schema.required");
  });

  it("merges the GlecDistance alternatives into one issue", () => {
    const issues = validateProductFootprint(edit(demo(SF), `${TCES}/0/distance`, {}));
    const i = hasIssue(issues, `${TCES}/0/distance`, "schema.required");
    assert.match(i.message, /'actual', 'gcd', 'sfd'/);
    assert.equal(issues.length, 1, JSON.stringify(issues));
  });

  it("points into a GlecDistance alternative that is present but wrong", () => {
    const issues = validateProductFootprint(edit(demo(SF), `${TCES}/0/distance`, { actual: 65 }));
    hasIssue(issues, `${TCES}/0/distance/actual`, "schema.type");
    assert.equal(issues.length, 1, JSON.stringify(issues));
  });

  it("rejects two geography properties", () => {
    const issues = validateProductFootprint(edit(demo(SF), "/pcf/geographyCountry", "DE"));
    assert.ok(issues.length > 0);
    assert.ok(
      issues.every((i) => i.pointer.startsWith("/pcf/geography")),
      JSON.stringify(issues),
    );
  });

  it("rejects malformed ids, timestamps and percentages", () => {
    hasIssue(validateProductFootprint(edit(demo(SF), "/id", "not-a-uuid")), "/id", "schema.format");
    hasIssue(
      validateProductFootprint(edit(demo(SF), "/created", "2025-04-01 08:00")),
      "/created",
      "schema.format",
    );
    hasIssue(
      validateProductFootprint(edit(demo(SF), "/pcf/exemptedEmissionsPercent", 7)),
      "/pcf/exemptedEmissionsPercent",
      "schema.maximum",
    );
    hasIssue(
      validateProductFootprint(edit(demo(SF), "/pcf/exemptedEmissionsPercent", "1")),
      "/pcf/exemptedEmissionsPercent",
      "schema.type",
    );
  });

  it("validates the iLEAP data of an extension only for iLEAP footprints", () => {
    const plain = demo(DEMO_FOOTPRINT_IDS.pcfBox);
    const withOther = edit(plain, "/extensions", [
      { specVersion: "2.0.0", dataSchema: "https://example.com/other.json", data: { anything: 1 } },
    ]);
    assert.deepEqual(validateProductFootprint(withOther), []);
  });

  it("does not throw on non-objects", () => {
    for (const v of [undefined, null, 42, "x", []]) assert.ok(validateProductFootprint(v).length > 0);
  });
});

describe("bare iLEAP validators", () => {
  const sfDoc = demo(SF);
  const sf = sfDoc.extensions![0]!.data;
  const toc = demo(DEMO_FOOTPRINT_IDS.tocRoadHvo).extensions![0]!.data;
  const hoc = demo(DEMO_FOOTPRINT_IDS.hocDuisburg).extensions![0]!.data;

  it("accept valid objects", () => {
    assert.deepEqual(validateShipmentFootprint(sf), []);
    assert.deepEqual(validateToc(toc), []);
    assert.deepEqual(validateHoc(hoc), []);
    for (const tad of demoTad()) assert.deepEqual(validateTad(tad), [], tad.activityId);
  });

  it("report pointers relative to the object", () => {
    hasIssue(
      validateShipmentFootprint(edit(sf, "/tces/1/packagingOrTrEqType", "pallet")),
      "/tces/1/packagingOrTrEqType",
      "schema.enum",
    );
    hasIssue(
      validateToc(edit(toc, "/energyCarriers/0/relativeShare", 0.9)),
      "/energyCarriers/0/relativeShare",
      "schema.type",
    );
    hasIssue(
      validateToc(edit(toc, "/transportActivityUnit", "TKM")),
      "/transportActivityUnit",
      "schema.enum",
    );
    hasIssue(validateHoc(edit(hoc, "/hubActivityUnit", REMOVE)), "/hubActivityUnit", "schema.required");
    hasIssue(validateHoc(edit(hoc, "/hubLocation/country", "de")), "/hubLocation/country", "schema.pattern");
  });

  it("validate TADs: uint amounts, date-times, required fields, nulls", () => {
    const tad: TAD = demoTad()[0]!;
    const fractional = validateTad(edit(tad, "/packagingOrTrEqAmount", 1.5));
    hasIssue(fractional, "/packagingOrTrEqAmount", "schema.type");
    assert.equal(fractional.length, 1, JSON.stringify(fractional));
    hasIssue(validateTad(edit(tad, "/departureAt", "yesterday")), "/departureAt", "schema.format");
    hasIssue(validateTad(edit(tad, "/origin", REMOVE)), "/origin", "schema.required");
    hasIssue(validateTad(edit(tad, "/temperatureControl", "mixed")), "/temperatureControl", "schema.enum");
    hasIssue(validateTad(edit(tad, "/mass", null)), "/mass", "no-null");
  });
});

describe("nullIssues", () => {
  it("finds nulls in nested objects and arrays with escaped pointers", () => {
    const issues = nullIssues({ a: [1, null], "b/c": { "d~e": null }, f: "x" });
    assert.deepEqual(
      issues.map((i) => i.pointer),
      ["/a/1", "/b~1c/d~0e"],
    );
    assert.ok(issues.every((i) => i.rule === "no-null"));
  });

  it("prefixes pointers with a base pointer and reports a null root as the base", () => {
    assert.deepEqual(
      nullIssues({ a: null, b: [1, null] }, "/data/3").map((i) => i.pointer),
      ["/data/3/a", "/data/3/b/1"],
    );
    assert.deepEqual(
      nullIssues(null).map((i) => i.pointer),
      [""],
    );
  });
});

describe("compileSchema", () => {
  it("compiles a parsed schema like the shipped ones (same issues, dangling refs repaired)", () => {
    const tadSchema = JSON.parse(readFileSync(shippedPath("tad.json"), "utf8")) as object;
    const check = compileSchema(tadSchema);
    const tad = edit(demoTad()[0]!, "/origin", REMOVE);
    assert.deepEqual(check(tad), schemaIssues("tad", tad));
    hasIssue(check(tad), "/origin", "schema.required");
    assert.deepEqual(check(demoTad()[0]), []);
    // the official pcf-toc.json references #/definitions/Toc but defines TOC
    const wrapper = JSON.parse(readFileSync(shippedPath("pcf-toc.json"), "utf8")) as object;
    const toc = demo(DEMO_FOOTPRINT_IDS.tocSea);
    assert.deepEqual(compileSchema(wrapper)(toc), []);
    assert.throws(() => compileSchema({ type: "no-such-type" }));
  });
});

describe("precompileValidators", () => {
  it("compiles every shipped schema, including the patched pcf-toc/pcf-hoc/pcf-tad wrappers", () => {
    precompileValidators();
    assert.deepEqual(
      schemaIssues("pcf-tad", {})
        .map((i) => i.pointer)
        .includes("/id"),
      true,
    );
  });
});
