import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderFootprint } from "../../src/model/v3/render.ts";
import { validateV3Footprint } from "../../src/model/v3/validate.ts";
import { DEMO_FOOTPRINT_IDS, demoFootprints } from "../../src/testing/demo-data.ts";
import { DEMO_V3_FOOTPRINT_IDS, demoFootprintsV3 } from "../../src/testing/demo-data-v3.ts";

describe("v3 demo data", () => {
  const docs = demoFootprintsV3();

  it("is valid PACT v3", () => {
    for (const d of docs) assert.deepEqual(validateV3Footprint(d), [], String(d.id));
  });

  it("has a complete footprint that sorts first among every demo id", () => {
    const all = [...Object.values(DEMO_FOOTPRINT_IDS), ...Object.values(DEMO_V3_FOOTPRINT_IDS)].sort();
    assert.equal(all[0], DEMO_V3_FOOTPRINT_IDS.complete);
    const first = docs.find((d) => d.id === DEMO_V3_FOOTPRINT_IDS.complete) as Record<string, unknown>;
    for (const k of [
      "productIds",
      "companyIds",
      "productClassifications",
      "validityPeriodStart",
      "validityPeriodEnd",
    ])
      assert.ok(first[k] !== undefined, k);
    assert.equal((first.pcf as Record<string, unknown>).geographyCountry, "DE");
    assert.match(
      renderFootprint(first).v2Absent ?? "",
      /piece/,
      "v3-only: the /2 listing keeps the v2 demo set",
    );
  });

  it("has a deprecated footprint and its successor, v3-only", () => {
    const successor = docs.find((d) => d.id === DEMO_V3_FOOTPRINT_IDS.successor);
    const deprecated = docs.find((d) => d.id === DEMO_V3_FOOTPRINT_IDS.deprecated);
    assert.deepEqual(successor?.precedingPfIds, [DEMO_V3_FOOTPRINT_IDS.deprecated]);
    assert.equal(deprecated?.status, "Deprecated");
    for (const d of [successor, deprecated]) assert.match(renderFootprint(d ?? {}).v2Absent ?? "", /piece/);
  });

  it("leaves every iLEAP demo footprint representable in v3", () => {
    for (const f of demoFootprints().filter((x) => x.kind !== "pcf")) {
      const r = renderFootprint(f.document as unknown as Record<string, unknown>);
      assert.ok(r.v3, `${f.document.id}: ${r.v3Absent}`);
      assert.deepEqual(r.v3.extensions, f.document.extensions);
    }
  });
});
