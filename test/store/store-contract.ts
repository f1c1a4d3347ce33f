import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DataKind, Principal } from "../../src/auth/principal.ts";
import { parseFootprintFilter } from "../../src/protocol/odata-filter.ts";
import { parseTadFilter } from "../../src/protocol/tad-filter.ts";
import { type FootprintRecord, type Store, VersionConflictError } from "../../src/store/store.ts";

/** The behaviour every Store must have; run by each dialect's test file. */
export function storeContract(
  name: string,
  open: () => Promise<{ store: Store; dispose(): Promise<void> }>,
): void {
  const principal = (
    clientId: string,
    grants: DataKind[] = ["pcf", "shipment-footprint", "toc", "hoc", "tad"],
    organizationId?: string,
  ): Principal => ({
    subject: clientId,
    clientId,
    roles: [],
    grants: new Set(grants),
    ...(organizationId ? { organizationId } : {}),
  });
  const all = principal("all");
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const footprint = (n: number, extra: Record<string, unknown> = {}): FootprintRecord => ({
    kind: "pcf",
    document: {
      id: uuid(n),
      version: 1,
      status: "Active",
      created: `2024-01-${String(n).padStart(2, "0")}T00:00:00Z`,
      productCategoryCpc: n % 2 ? "111" : "222",
      productIds: [`urn:test:product:${n}`],
      companyIds: [`urn:test:company:${n % 3}`],
      pcf: {
        geographyCountry: n % 2 ? "DE" : "FR",
        referencePeriodStart: "2023-01-01T00:00:00Z",
        referencePeriodEnd: "2024-01-01T00:00:00Z",
      },
      ...extra,
    },
  });
  const filter = (text: string) => {
    const parsed = parseFootprintFilter(text);
    assert.ok(parsed.ok, text);
    return parsed.value;
  };
  const ids = (items: readonly string[]) => items.map((t) => (JSON.parse(t) as { id: string }).id);

  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store, dispose } = await open());
      await store.putFootprints([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => footprint(n)));
      await store.putFootprints([
        { ...footprint(11), kind: "toc" },
        { ...footprint(12), visibility: { clientIds: ["alice"] } },
        { ...footprint(13), visibility: { organizationIds: ["org_a"] } },
      ]);
      await store.putTad([
        {
          document: {
            activityId: "a1",
            mode: "Road",
            origin: { country: "DE" },
            destination: { country: "FR" },
            energyCarriers: [{ energyCarrier: "Diesel", feedstocks: [{ feedstock: "Fossil" }] }],
          },
        },
        {
          document: {
            activityId: "a2",
            mode: "Rail",
            origin: { country: "FR" },
            destination: { country: "DE" },
          },
        },
        {
          document: {
            activityId: "a3",
            mode: "Road",
            origin: { country: "NL" },
            destination: { country: "BE" },
            packagingOrTrEqType: "Pallet",
          },
        },
        {
          document: {
            activityId: "a4",
            mode: "Sea",
            origin: { country: "DE" },
            destination: { country: "US" },
          },
          visibility: { clientIds: ["alice"] },
        },
      ]);
    });
    after(() => dispose());

    it("returns stored documents byte for byte", async () => {
      const doc = await store.getFootprint(uuid(1), all);
      assert.equal(doc, JSON.stringify(footprint(1).document));
      assert.equal(await store.getFootprint(uuid(999), all), undefined);
    });

    it("pages in a stable order without duplicates or gaps", async () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await store.listFootprints({
          principal: all,
          filter: null,
          limit: 3,
          ...(after ? { after } : {}),
        });
        assert.ok(page.items.length <= 3);
        seen.push(...ids(page.items));
        if (!page.next) break;
        after = page.next;
      }
      assert.deepEqual(seen, [...seen].sort());
      assert.equal(new Set(seen).size, seen.length);
      assert.equal(seen.length, 11, "10 pcf + 1 toc visible to a principal without org or client grants");
    });

    it("applies kinds and visibility", async () => {
      const pcfOnly = await store.listFootprints({
        principal: principal("x", ["pcf"]),
        filter: null,
        limit: 100,
      });
      assert.ok(!ids(pcfOnly.items).includes(uuid(11)));
      const alice = await store.listFootprints({ principal: principal("alice"), filter: null, limit: 100 });
      assert.ok(ids(alice.items).includes(uuid(12)));
      assert.ok(!ids(alice.items).includes(uuid(13)));
      const org = await store.listFootprints({
        principal: principal("bob", undefined, "org_a"),
        filter: null,
        limit: 100,
      });
      assert.ok(ids(org.items).includes(uuid(13)));
      assert.equal(await store.getFootprint(uuid(12), all), undefined);
      assert.equal(
        (await store.listFootprints({ principal: principal("t", ["tad"]), filter: null, limit: 100 })).items
          .length,
        0,
      );
    });

    it("pushes every $filter construct down", async () => {
      const cases: [string, number[]][] = [
        ["productCategoryCpc eq '111'", [1, 3, 5, 7, 9, 11]],
        ["pcf/geographyCountry eq 'FR'", [2, 4, 6, 8, 10]],
        ["created ge '2024-01-05T00:00:00Z' and created lt '2024-01-07T00:00:00+00:00'", [5, 6]],
        ["productIds/any(p:(p eq 'urn:test:product:4'))", [4]],
        ["companyIds/any(c:(c eq 'urn:test:company:0'))", [3, 6, 9]],
        [
          "(pcf/referencePeriodStart ge '2023-01-01T00:00:00.000Z') and (pcf/referencePeriodEnd lt '2024-01-01T00:00:00.001Z') and productCategoryCpc eq '222'",
          [2, 4, 6, 8, 10],
        ],
        ["updated gt '2000-01-01T00:00:00Z'", []],
      ];
      for (const [text, expected] of cases) {
        const page = await store.listFootprints({ principal: all, filter: filter(text), limit: 100 });
        assert.deepEqual(ids(page.items), expected.map(uuid), text);
      }
    });

    it("keeps versions: a newer version replaces the listed one, an older or equal one is refused", async () => {
      await store.putFootprints([footprint(14)]);
      await store.putFootprints([footprint(14, { version: 2, updated: "2024-02-01T00:00:00Z" })]);
      const doc = JSON.parse((await store.getFootprint(uuid(14), all)) ?? "{}") as { version: number };
      assert.equal(doc.version, 2);
      const listed = await store.listFootprints({
        principal: all,
        filter: filter(`productIds/any(p:(p eq 'urn:test:product:14'))`),
        limit: 10,
      });
      assert.equal(listed.items.length, 1);
      await assert.rejects(store.putFootprints([footprint(14, { version: 2 })]), VersionConflictError);
    });

    it("writes a batch all or nothing", async () => {
      await assert.rejects(store.putFootprints([footprint(20), footprint(1)]));
      assert.equal(await store.getFootprint(uuid(20), all), undefined);
    });

    it("filters TAD by nested, dotted and leaf names, case-insensitively, ANDed", async () => {
      const tad = async (pairs: [string, string][], who = all) => {
        const parsed = parseTadFilter(pairs, new Set(["limit"]));
        assert.ok(parsed.ok, JSON.stringify(pairs));
        const page = await store.listTad({ principal: who, filter: parsed.value, limit: 100 });
        return page.items.map((t) => (JSON.parse(t) as { activityId: string }).activityId);
      };
      assert.deepEqual(await tad([]), ["a1", "a2", "a3"]);
      assert.deepEqual(await tad([["mode", "road"]]), ["a1", "a3"]);
      assert.deepEqual(await tad([["feedstock", "FOSSIL"]]), ["a1"]);
      assert.deepEqual(await tad([["origin.country", "de"]]), ["a1"]);
      assert.deepEqual(
        await tad([
          ["mode", "Road"],
          ["packagingOrTrEqType", "pallet"],
        ]),
        ["a3"],
      );
      assert.deepEqual(await tad([["mode", "Air"]]), []);
      assert.deepEqual(await tad([["mode", "Sea"]], principal("alice")), ["a4"]);
      assert.deepEqual(await tad([], principal("nobody", ["pcf"])), []);
    });

    it("replaces a TAD record by activityId and re-indexes it", async () => {
      await store.putTad([
        {
          document: {
            activityId: "a2",
            mode: "Air",
            origin: { country: "FR" },
            destination: { country: "DE" },
          },
        },
      ]);
      const parsed = parseTadFilter([["mode", "air"]], new Set());
      assert.ok(parsed.ok);
      const page = await store.listTad({ principal: all, filter: parsed.value, limit: 10 });
      assert.equal(page.items.length, 1);
      const rail = parseTadFilter([["mode", "rail"]], new Set());
      assert.ok(rail.ok);
      assert.equal((await store.listTad({ principal: all, filter: rail.value, limit: 10 })).items.length, 0);
    });

    it("records inbound events idempotently", async () => {
      const event = { id: "e1", source: "https://a.example", type: "t", body: "{}", receivedFrom: "hello" };
      await store.recordInboundEvent(event);
      await store.recordInboundEvent(event);
      await store.ping();
    });

    it("serves non-ASCII text as ASCII JSON escapes of the same value", async () => {
      const record = footprint(30, { productDescription: "Kühlcontainer – Köln → Genève 🚚" });
      await store.putFootprints([record]);
      const text = (await store.getFootprint(uuid(30), all)) ?? "";
      assert.match(text, /^[\x20-\x7e]*$/);
      assert.deepEqual(JSON.parse(text), record.document);
    });
  });
}
