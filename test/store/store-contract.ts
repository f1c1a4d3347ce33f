import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DataKind, Principal } from "../../src/auth/principal.ts";
import { parseFootprintFilter } from "../../src/protocol/odata-filter.ts";
import { parseTadFilter } from "../../src/protocol/tad-filter.ts";
import {
  DeprecatedFootprintError,
  type FootprintRecord,
  type Store,
  UnknownReferenceError,
  VersionConflictError,
} from "../../src/store/store.ts";

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
      created:
        n <= 31
          ? `2024-01-${String(n).padStart(2, "0")}T00:00:00Z`
          : `2023-06-${String((n % 28) + 1).padStart(2, "0")}T00:00:00Z`,
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

    it("pages filtered listings by keyset, one latest version per id", async () => {
      const walk = async (text: string | null, limit: number) => {
        const seen: string[] = [];
        let after: string | undefined;
        for (let i = 0; i < 50; i++) {
          const page = await store.listFootprints({
            principal: all,
            filter: text === null ? null : filter(text),
            limit,
            ...(after ? { after } : {}),
          });
          assert.ok(page.items.length <= limit);
          seen.push(...ids(page.items));
          if (!page.next) break;
          after = page.next;
        }
        return seen;
      };
      // Driven by the side table (id order), also combined with other clauses.
      assert.deepEqual(await walk("companyIds/any(c:(c eq 'urn:test:company:0'))", 1), [3, 6, 9].map(uuid));
      assert.deepEqual(
        await walk("companyIds/any(c:(c eq 'urn:test:company:1')) and productCategoryCpc eq '111'", 1),
        [1, 7].map(uuid),
      );
      assert.deepEqual(
        await walk(
          "productIds/any(p:(p eq 'urn:test:product:4')) and companyIds/any(c:(c eq 'urn:test:company:1'))",
          1,
        ),
        [4].map(uuid),
      );
      const cpc = await walk("productCategoryCpc eq '222'", 2);
      assert.deepEqual(cpc, await walk("productCategoryCpc eq '222'", 1000));
      assert.deepEqual(cpc.slice(0, 5), [2, 4, 6, 8, 10].map(uuid));
      await store.putFootprints([footprint(15, { productIds: ["urn:test:shared"] })]);
      await store.putFootprints([
        footprint(15, { version: 2, productIds: ["urn:test:shared", "urn:test:v2"] }),
      ]);
      await store.putFootprints([footprint(16, { productIds: ["urn:test:shared"] })]);
      assert.deepEqual(await walk("productIds/any(p:(p eq 'urn:test:shared'))", 1), [15, 16].map(uuid));
      const v1only = await store.listFootprints({
        principal: all,
        filter: filter("productIds/any(p:(p eq 'urn:test:product:15'))"),
        limit: 5,
      });
      assert.deepEqual(v1only.items, [], "only the latest version's product ids match");
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
      // A name designating several fields (origin or destination) reads its own index path.
      assert.deepEqual(await tad([["country", "de"]]), ["a1", "a2"]);
      assert.deepEqual(
        await tad([
          ["country", "DE"],
          ["mode", "road"],
        ]),
        ["a1"],
      );
      assert.deepEqual(await tad([["country", "zz"]]), []);
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
      // The alias entries (`country`) follow the replacement too.
      const countryOf = async (value: string) => {
        const parsed = parseTadFilter([["country", value]], new Set());
        assert.ok(parsed.ok);
        const page = await store.listTad({ principal: all, filter: parsed.value, limit: 10 });
        return page.items.map((t) => (JSON.parse(t) as { activityId: string }).activityId);
      };
      assert.ok((await countryOf("fr")).includes("a2"));
      await store.putTad([{ document: { activityId: "a2", mode: "Air", origin: { country: "ES" } } }]);
      assert.ok(!(await countryOf("fr")).includes("a2"));
      assert.ok(!(await countryOf("de")).includes("a2"));
      assert.ok((await countryOf("es")).includes("a2"));
    });

    it("records inbound events idempotently", async () => {
      const event = { id: "e1", source: "https://a.example", type: "t", body: "{}", receivedFrom: "hello" };
      await store.recordInboundEvent(event);
      await store.recordInboundEvent(event);
      await store.ping();
    });

    it("refuses lower or equal versions with the conflict's details", async () => {
      await store.putFootprints([footprint(40, { version: 3 })]);
      await assert.rejects(store.putFootprints([footprint(40, { version: 2 })]), (e: unknown) => {
        assert.ok(e instanceof VersionConflictError);
        assert.deepEqual(e.conflict, { id: uuid(40), version: 2, currentVersion: 3 });
        return true;
      });
      await assert.rejects(store.putFootprints([footprint(40, { version: 3 })]), VersionConflictError);
      // Within one batch too: versions of one id must increase.
      await assert.rejects(
        store.putFootprints([footprint(41, { version: 2 }), footprint(41, { version: 2 })]),
        VersionConflictError,
      );
      assert.equal(await store.getFootprint(uuid(41), all), undefined, "nothing of the batch was written");
    });

    it("freezes a Deprecated footprint", async () => {
      await store.putFootprints([
        footprint(42),
        footprint(42, { version: 2, status: "Deprecated", updated: "2024-03-01T00:00:00Z" }),
      ]);
      await assert.rejects(
        store.putFootprints([footprint(42, { version: 3, updated: "2024-04-01T00:00:00Z" })]),
        (e: unknown) => {
          assert.ok(e instanceof DeprecatedFootprintError);
          assert.ok(
            e instanceof VersionConflictError,
            "a DeprecatedFootprintError is a version conflict (409)",
          );
          assert.match(e.message, /deprecated/);
          return true;
        },
      );
      const doc = JSON.parse((await store.getFootprint(uuid(42), all)) ?? "{}") as Record<string, unknown>;
      assert.equal(doc.status, "Deprecated");
      assert.equal(doc.version, 2);
    });

    it("requires precedingPfIds to exist, in the store or in the same batch", async () => {
      await assert.rejects(
        store.putFootprints([footprint(43, { precedingPfIds: [uuid(1), uuid(999)] })]),
        (e: unknown) => {
          assert.ok(e instanceof UnknownReferenceError);
          assert.equal(e.id, uuid(43));
          assert.deepEqual(e.missing, [uuid(999)]);
          return true;
        },
      );
      assert.equal(await store.getFootprint(uuid(43), all), undefined);
      await store.putFootprints([
        footprint(43, { precedingPfIds: [uuid(1), uuid(44)] }),
        footprint(44, { precedingPfIds: [uuid(2)] }),
      ]);
      assert.ok(await store.getFootprint(uuid(43), all));
    });

    it("keeps a replaced version's visibility unless the new version names one", async () => {
      const alice = principal("alice");
      await store.putFootprints([{ ...footprint(45), visibility: { clientIds: ["alice"] } }]);
      await store.putFootprints([footprint(45, { version: 2 })]);
      assert.equal(await store.getFootprint(uuid(45), all), undefined, "still restricted");
      assert.match((await store.getFootprint(uuid(45), alice)) ?? "", /"version":2/);
      await store.putFootprints([{ ...footprint(45, { version: 3 }), visibility: {} }]);
      assert.match((await store.getFootprint(uuid(45), all)) ?? "", /"version":3/);

      await store.putTad([
        { document: { activityId: "v1", mode: "Road" }, visibility: { clientIds: ["alice"] } },
      ]);
      await store.putTad([{ document: { activityId: "v1", mode: "Rail" } }]);
      const seen = async (who: Principal) =>
        (await store.listTad({ principal: who, filter: [], limit: 100 })).items.filter((t) =>
          t.includes('"v1"'),
        );
      assert.equal((await seen(all)).length, 0);
      assert.deepEqual(await seen(alice), [JSON.stringify({ activityId: "v1", mode: "Rail" })]);
      await store.putTad([{ document: { activityId: "v1", mode: "Sea" }, visibility: {} }]);
      assert.equal((await seen(all)).length, 1);
    });

    it("write side: looks up latest versions and product ids regardless of visibility", async () => {
      assert.ok(store.latestFootprints && store.latestFootprintsByProductIds);
      await store.putFootprints([
        { ...footprint(46), visibility: { clientIds: ["carol"], organizationIds: ["org_c"] } },
      ]);
      await store.putFootprints([footprint(46, { version: 5 })]);
      const heads = await store.latestFootprints([uuid(46), uuid(1), uuid(998), uuid(46)]);
      assert.deepEqual([...heads.keys()].sort(), [uuid(1), uuid(46)]);
      const head = heads.get(uuid(46));
      assert.equal(head?.version, 5);
      assert.equal(head?.status, "Active");
      assert.deepEqual(head?.visibility, { clientIds: ["carol"], organizationIds: ["org_c"] });
      assert.deepEqual(JSON.parse(head?.document ?? "{}"), footprint(46, { version: 5 }).document);
      assert.deepEqual(heads.get(uuid(1))?.visibility, {});
      const byProduct = await store.latestFootprintsByProductIds([
        "urn:test:product:46",
        "urn:test:product:2",
        "urn:x",
      ]);
      assert.deepEqual(
        byProduct
          .map((t) => JSON.parse(t) as { id: string; version: number })
          .map((d) => `${d.id}@${d.version}`)
          .sort(),
        [`${uuid(2)}@1`, `${uuid(46)}@5`],
      );
      assert.equal((await store.latestFootprints([])).size, 0);
    });

    it("write side: deprecates a footprint as a new version that keeps its visibility", async () => {
      assert.ok(store.deprecateFootprint);
      await store.putFootprints([
        { ...footprint(47, { statusComment: "fine" }), visibility: { clientIds: ["alice"] } },
      ]);
      const text = await store.deprecateFootprint(uuid(47), {
        updated: "2024-05-01T00:00:00Z",
        statusComment: "superseded",
      });
      const doc = JSON.parse(text ?? "{}") as Record<string, unknown>;
      assert.equal(doc.version, 2);
      assert.equal(doc.status, "Deprecated");
      assert.equal(doc.statusComment, "superseded");
      assert.equal(doc.updated, "2024-05-01T00:00:00Z");
      assert.equal(doc.created, footprint(47).document.created);
      assert.equal(await store.getFootprint(uuid(47), principal("alice")), text);
      assert.equal(await store.getFootprint(uuid(47), all), undefined);
      await assert.rejects(
        store.deprecateFootprint(uuid(47), { updated: "2024-06-01T00:00:00Z" }),
        DeprecatedFootprintError,
      );
      assert.equal(await store.deprecateFootprint(uuid(997), { updated: "2024-06-01T00:00:00Z" }), undefined);
    });

    it("write side: replaces the visibility of a footprint (every version) and of a TAD record", async () => {
      assert.ok(store.setFootprintVisibility && store.setTadVisibility);
      await store.putFootprints([footprint(48), footprint(48, { version: 2 })]);
      assert.equal(await store.setFootprintVisibility(uuid(48), { organizationIds: ["org_z"] }), true);
      assert.equal(await store.getFootprint(uuid(48), all), undefined);
      assert.ok(await store.getFootprint(uuid(48), principal("zed", undefined, "org_z")));
      assert.equal(await store.setFootprintVisibility(uuid(48), {}), true);
      assert.ok(await store.getFootprint(uuid(48), all));
      assert.equal(await store.setFootprintVisibility(uuid(996), {}), false);

      await store.putTad([{ document: { activityId: "v2", mode: "Air" } }]);
      const air = parseTadFilter([["activityId", "v2"]], new Set());
      assert.ok(air.ok);
      const count = async (who: Principal) =>
        (await store.listTad({ principal: who, filter: air.value, limit: 10 })).items.length;
      assert.equal(await count(all), 1);
      assert.equal(await store.setTadVisibility("v2", { clientIds: ["alice"] }), true);
      assert.equal(await count(all), 0);
      assert.equal(await count(principal("alice")), 1);
      assert.equal(await store.setTadVisibility("nope", {}), false);
    });

    it("pages filtered TAD listings by keyset (single- and multi-path clauses)", async () => {
      await store.putTad(
        Array.from({ length: 7 }, (_, i) => ({
          document: {
            activityId: `p${i}`,
            mode: i % 2 ? "Air" : "InlandWaterway",
            origin: { country: i % 3 ? "PL" : "CZ" },
            destination: { country: "PL" },
          },
        })),
      );
      const walk = async (pairs: [string, string][], limit: number) => {
        const parsed = parseTadFilter(pairs, new Set());
        assert.ok(parsed.ok);
        const seen: string[] = [];
        let after: string | undefined;
        for (let i = 0; i < 50; i++) {
          const page = await store.listTad({
            principal: all,
            filter: parsed.value,
            limit,
            ...(after ? { after } : {}),
          });
          seen.push(...page.items.map((t) => (JSON.parse(t) as { activityId: string }).activityId));
          if (!page.next) break;
          after = page.next;
        }
        return seen;
      };
      assert.deepEqual(await walk([["mode", "inlandwaterway"]], 2), ["p0", "p2", "p4", "p6"]);
      assert.deepEqual(await walk([["country", "cz"]], 1), ["p0", "p3", "p6"]);
      assert.deepEqual(await walk([["country", "pl"]], 3), ["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
      assert.deepEqual(
        await walk(
          [
            ["mode", "air"],
            ["origin.country", "pl"],
          ],
          1,
        ),
        ["p1", "p5"],
      );
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
