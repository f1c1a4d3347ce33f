import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DataKind, Principal } from "../../src/auth/principal.ts";
import { parseV3Criteria } from "../../src/protocol/v3-filter.ts";
import type { FootprintRecord, Store } from "../../src/store/store.ts";
import { DEMO_FOOTPRINT_IDS, demoFootprints } from "../../src/testing/demo-data.ts";
import { v3Footprint } from "../model/v3/fixtures.ts";

type Doc = Record<string, unknown>;

/** PACT v3 beside v2 in one store: both renderings, v3 filters, v3 lifecycle. Run per dialect. */
export function storeV3Contract(
  name: string,
  open: () => Promise<{ store: Store; dispose(): Promise<void> }>,
): void {
  const principal = (grants: DataKind[] = ["pcf", "shipment-footprint", "toc", "hoc", "tad"]): Principal => ({
    subject: "all",
    clientId: "all",
    roles: [],
    grants: new Set(grants),
  });
  const all = principal();
  const ids = (items: readonly string[]) => items.map((t) => (JSON.parse(t) as { id: string }).id);
  const uuid = (n: number) => `0000000${n}-0000-4000-8000-000000000000`;
  const demo = (id: string): FootprintRecord => {
    const f = demoFootprints().find((d) => d.document.id === id);
    assert.ok(f);
    return { document: f.document as unknown as Doc, kind: f.kind };
  };
  // v3-authored: one representable in v2 too, one v3-only (unit `piece`), one Deprecated.
  const v3Both = v3Footprint({ id: uuid(1) });
  const v3Only = v3Footprint({
    id: uuid(2),
    productIds: ["urn:pact:example.com:product-id:Bottle,1L"],
    companyIds: ["urn:company:example:chem-1", "urn:company:example:chem-2"],
    productClassifications: ["urn:pact:productclassification:cas:64-17-5"],
    validityPeriodStart: "2026-01-01T00:00:00Z",
    validityPeriodEnd: "2026-06-30T00:00:00Z",
    pcf: {
      ...(v3Footprint().pcf as Doc),
      declaredUnitOfMeasurement: "piece",
      geographyCountry: undefined,
      geographyRegionOrSubregion: "Western Europe",
    },
  });
  delete (v3Only.pcf as Doc).geographyCountry;
  const v3Old = v3Footprint({
    id: uuid(3),
    status: "Deprecated",
    pcf: { ...(v3Footprint().pcf as Doc), geographyCountrySubdivision: "DE-BW", geographyCountry: undefined },
  });
  delete (v3Old.pcf as Doc).geographyCountry;
  const list = async (query: [string, string][], limit = 100, after?: string) => {
    const criteria = parseV3Criteria(query);
    assert.ok(criteria.ok, JSON.stringify(criteria));
    const listV3 = storeRef.listFootprintsV3?.bind(storeRef);
    assert.ok(listV3);
    return listV3({ principal: all, criteria: criteria.value, limit, ...(after ? { after } : {}) });
  };
  let storeRef: Store;

  describe(`Store PACT v3: ${name}`, () => {
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store: storeRef, dispose } = await open());
      await storeRef.putFootprints([
        demo(DEMO_FOOTPRINT_IDS.pcfBoxDeprecated),
        demo(DEMO_FOOTPRINT_IDS.pcfBox),
        demo(DEMO_FOOTPRINT_IDS.pcfPellets),
        demo(DEMO_FOOTPRINT_IDS.tocRoadDiesel),
        { document: v3Both, kind: "pcf" },
        { document: v3Only, kind: "pcf" },
        { document: v3Old, kind: "pcf" },
      ]);
    });
    after(() => dispose());

    it("serves each footprint in every version that can represent it", async () => {
      const v2 = await storeRef.listFootprints({ principal: all, filter: null, limit: 100 });
      const v3 = await list([]);
      assert.deepEqual(
        ids(v2.items).sort(),
        [
          DEMO_FOOTPRINT_IDS.pcfBox,
          DEMO_FOOTPRINT_IDS.pcfBoxDeprecated,
          DEMO_FOOTPRINT_IDS.pcfPellets,
          DEMO_FOOTPRINT_IDS.tocRoadDiesel,
          uuid(1),
          uuid(3),
        ].sort(),
      );
      assert.deepEqual(
        ids(v3.items),
        [uuid(1), uuid(2), uuid(3), DEMO_FOOTPRINT_IDS.tocRoadDiesel, DEMO_FOOTPRINT_IDS.pcfBox].sort(),
      );
      const box3 = JSON.parse(
        (await storeRef.getFootprintV3?.(DEMO_FOOTPRINT_IDS.pcfBox, all)) ?? "null",
      ) as Doc;
      assert.equal(box3.specVersion, "3.0.0");
      assert.equal((box3.pcf as Doc).pcfExcludingBiogenicUptake, "0.87");
      const both2 = JSON.parse((await storeRef.getFootprint(uuid(1), all)) ?? "null") as Doc;
      assert.equal((both2.pcf as Doc).pCfExcludingBiogenic, "0.4");
      assert.equal(await storeRef.getFootprint(uuid(2), all), undefined, "v3-only is 404 on v2");
      assert.equal(
        await storeRef.getFootprintV3?.(DEMO_FOOTPRINT_IDS.pcfPellets, all),
        undefined,
        "v2-only is 404 on v3",
      );
      assert.equal(await storeRef.getFootprintV3?.(uuid(1), principal(["toc"])), undefined, "kinds apply");
    });

    it("filters: OR within a criterion, AND across, case-insensitive, commas kept", async () => {
      assert.deepEqual(
        ids((await list([["productId", "URN:PACT:example.com:product-id:bottle,1l"]])).items),
        [uuid(2)],
      );
      assert.deepEqual(
        ids(
          (
            await list([
              ["companyId", "urn:company:example:chem-2"],
              ["companyId", "urn:bogus"],
              ["productid", "urn:pact:example.com:product-id:bottle,1l"],
            ])
          ).items,
        ),
        [uuid(2)],
      );
      assert.deepEqual(
        ids(
          (
            await list([
              ["companyId", "urn:company:example:chem-1"],
              ["companyId", "urn:company:example:chem-2"],
            ])
          ).items,
        ),
        [uuid(1), uuid(2), uuid(3)],
      );
      assert.deepEqual(
        ids((await list([["geography", "de"]])).items).sort(),
        [uuid(1), DEMO_FOOTPRINT_IDS.pcfBox, DEMO_FOOTPRINT_IDS.tocRoadDiesel].sort(),
      );
      assert.deepEqual(
        ids(
          (
            await list([
              ["geography", "western europe"],
              ["geography", "DE-BW"],
            ])
          ).items,
        ),
        [uuid(2), uuid(3)],
      );
      assert.deepEqual(
        ids((await list([["classification", "urn:pact:productclassification:un-cpc:32151"]])).items),
        [DEMO_FOOTPRINT_IDS.pcfBox],
      );
      assert.deepEqual(ids((await list([["status", "deprecated"]])).items), [uuid(3)]);
      assert.deepEqual(ids((await list([["status", "Bogus"]])).items), []);
      assert.deepEqual(ids((await list([["geography", "XX"]])).items), []);
      assert.deepEqual(
        ids(
          (
            await list([
              ["geography", "DE"],
              ["status", "Deprecated"],
            ])
          ).items,
        ),
        [],
      );
    });

    it("filters on the effective validity window", async () => {
      // uuid(2): 2026-01-01 … 2026-06-30; uuid(1), uuid(3): 2025-01-01 … 2027-12-31;
      // demo footprints: referencePeriodEnd 2025-01-01 … + 3 years.
      assert.deepEqual(ids((await list([["validOn", "2026-03-01T00:00:00Z"]])).items).length, 5);
      assert.deepEqual(
        ids((await list([["validOn", "2027-06-01T00:00:00Z"]])).items).sort(),
        [uuid(1), uuid(3), DEMO_FOOTPRINT_IDS.pcfBox, DEMO_FOOTPRINT_IDS.tocRoadDiesel].sort(),
      );
      assert.deepEqual(ids((await list([["validAfter", "2025-06-01T00:00:00Z"]])).items), [uuid(2)]);
      assert.deepEqual(ids((await list([["validBefore", "2027-01-01T00:00:00Z"]])).items), [uuid(2)]);
      assert.deepEqual(
        ids(
          (
            await list([
              ["validBefore", "2028-01-01T00:00:00Z"],
              ["validAfter", "2024-12-31"],
            ])
          ).items,
        ),
        [uuid(1), uuid(2), uuid(3)],
      );
      assert.deepEqual(ids((await list([["validOn", "1900-01-01T00:00:00Z"]])).items), []);
    });

    it("pages by id, with and without a driving criterion", async () => {
      const first = await list([], 2);
      assert.equal(first.items.length, 2);
      assert.ok(first.next);
      const second = await list([], 10, first.next);
      assert.deepEqual([...ids(first.items), ...ids(second.items)], ids((await list([])).items));
      const byCompany = await list([["companyId", "urn:company:example:chem-1"]], 1);
      assert.deepEqual(ids(byCompany.items), [uuid(1)]);
      const rest = await list([["companyId", "urn:company:example:chem-1"]], 5, byCompany.next);
      assert.deepEqual(ids(rest.items), [uuid(2), uuid(3)]);
    });

    it("deprecates a v3-authored footprint as a new stored version of the same v3 document", async () => {
      const text = await storeRef.deprecateFootprint?.(uuid(1), { updated: "2025-06-01T00:00:00Z" });
      assert.ok(text);
      assert.equal((JSON.parse(text) as Doc).status, "Deprecated");
      assert.ok(!("version" in (JSON.parse(text) as Doc)));
      const v3 = JSON.parse((await storeRef.getFootprintV3?.(uuid(1), all)) ?? "null") as Doc;
      assert.equal(v3.status, "Deprecated");
      const v2 = JSON.parse((await storeRef.getFootprint(uuid(1), all)) ?? "null") as Doc;
      assert.equal(v2.status, "Deprecated");
      assert.equal(v2.version, 2);
      assert.deepEqual(
        ids(
          (
            await list([
              ["status", "active"],
              ["companyId", "urn:company:example:chem-1"],
            ])
          ).items,
        ),
        [uuid(2)],
      );
    });
  });
}
