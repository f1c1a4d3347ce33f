import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isV3Document, V3_RULES, validateV3Footprint } from "../../../src/model/v3/validate.ts";
import { v3Footprint } from "./fixtures.ts";

function pcf(extra: Record<string, unknown>): Record<string, unknown> {
  return v3Footprint({ pcf: { ...(v3Footprint().pcf as object), ...extra } });
}

describe("validateV3Footprint", () => {
  it("accepts a complete v3 footprint", () => {
    assert.deepEqual(validateV3Footprint(v3Footprint()), []);
  });

  it("names the path of a missing required property", () => {
    const doc = v3Footprint();
    delete (doc.pcf as Record<string, unknown>).pcfIncludingBiogenicUptake;
    const issues = validateV3Footprint(doc);
    assert.deepEqual(
      issues.map((i) => [i.pointer, i.rule]),
      [["/pcf/pcfIncludingBiogenicUptake", "schema.required"]],
    );
  });

  it("rejects a decimal given as a JSON number and a v2 unit name", () => {
    const issues = validateV3Footprint(
      pcf({ declaredUnitAmount: 12.5, declaredUnitOfMeasurement: "parsec" }),
    );
    assert.ok(issues.some((i) => i.pointer === "/pcf/declaredUnitAmount" && i.rule === "schema.type"));
    assert.ok(issues.some((i) => i.pointer === "/pcf/declaredUnitOfMeasurement" && i.rule === "schema.enum"));
  });

  it("allows at most one geography property", () => {
    assert.notDeepEqual(validateV3Footprint(pcf({ geographyRegionOrSubregion: "Europe" })), []);
    const none = v3Footprint();
    delete (none.pcf as Record<string, unknown>).geographyCountry;
    assert.deepEqual(validateV3Footprint(none), []);
  });

  it("rejects null anywhere, v2 specVersion, DQR outside 1..5 and validity outside the window", () => {
    const issues = validateV3Footprint(
      v3Footprint({
        comment: null,
        specVersion: "2.3.0",
        validityPeriodStart: "2024-06-01T00:00:00Z",
        validityPeriodEnd: "2028-06-01T00:00:00Z",
        pcf: {
          ...(v3Footprint().pcf as object),
          dqi: { technologicalDQR: "6", geographicalDQR: "2", temporalDQR: "0.5" },
        },
      }),
    );
    const rules = issues.map((i) => `${i.pointer} ${i.rule}`);
    for (const expected of [
      "/comment no-null",
      `/specVersion ${V3_RULES.specVersion}`,
      `/validityPeriodStart ${V3_RULES.validityStart}`,
      `/validityPeriodEnd ${V3_RULES.validityEnd}`,
      `/pcf/dqi/technologicalDQR ${V3_RULES.dqrRange}`,
      `/pcf/dqi/temporalDQR ${V3_RULES.dqrRange}`,
    ])
      assert.ok(rules.includes(expected), `${expected} in ${rules.join(", ")}`);
  });

  it("checks an iLEAP extension's data against the iLEAP schema", () => {
    const issues = validateV3Footprint(
      v3Footprint({
        extensions: [
          {
            specVersion: "2.0.0",
            dataSchema: "https://api.ileap.sine.dev/toc.json",
            data: { tocId: "t1" },
          },
        ],
      }),
    );
    assert.ok(
      issues.some((i) => i.pointer.startsWith("/extensions/0/data")),
      JSON.stringify(issues),
    );
  });

  it("detects v3 documents by specVersion", () => {
    assert.equal(isV3Document(v3Footprint()), true);
    assert.equal(isV3Document({ specVersion: "2.3.0" }), false);
    assert.equal(isV3Document(null), false);
  });
});
