import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  MAX_TAD_FILTER_NAME_LENGTH,
  MAX_TAD_FILTER_PAIRS,
  MAX_TAD_FILTER_VALUE_LENGTH,
  parseTadFilter,
  TAD_LEAF_PATHS,
  tadIndexEntries,
  tadPathsFor,
} from "../../src/protocol/tad-filter.ts";

import { shippedPath } from "../model/helpers.ts";

/** The official iLEAP TAD schema, as shipped (byte-identical: see test/model/validate.test.ts). */
const TAD_SCHEMA = shippedPath("tad.json");
const RESERVED: ReadonlySet<string> = new Set(["limit", "page"]);

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  definitions?: Record<string, Schema>;
};

/** Scalar leaf paths of a draft-07 schema, array levels transparent, `$ref`/`anyOf` followed. */
function leafPaths(root: Schema): string[] {
  const out = new Set<string>();
  const resolve = (s: Schema): Schema => {
    if (s.$ref === undefined) return s;
    const name = s.$ref.replace("#/definitions/", "");
    const target = root.definitions?.[name];
    assert.ok(target, `unresolved $ref ${s.$ref}`);
    return resolve(target);
  };
  const walk = (schema: Schema, path: string): void => {
    const s = resolve(schema);
    const types = s.type === undefined ? [] : [s.type].flat();
    for (const [key, child] of Object.entries(s.properties ?? {}))
      walk(child, path === "" ? key : `${path}.${key}`);
    if (s.items !== undefined) walk(s.items, path);
    for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(sub, path);
    if (s.enum !== undefined || types.some((t) => ["string", "number", "integer", "boolean"].includes(t))) {
      out.add(path);
    }
  };
  walk(root, "");
  return [...out];
}

describe("TAD_LEAF_PATHS", () => {
  it("equals the leaf paths recomputed from tad.json", () => {
    const schema = JSON.parse(readFileSync(TAD_SCHEMA, "utf8")) as Schema;
    assert.deepEqual([...TAD_LEAF_PATHS].sort(), leafPaths(schema).sort());
  });

  it("contains the fields the iLEAP examples filter on, and no duplicates", () => {
    for (const p of [
      "mode",
      "packagingOrTrEqType",
      "energyCarriers.feedstocks.feedstock",
      "origin.country",
      "distance.actual",
      "consignmentIds",
      "temperatureControl",
    ]) {
      assert.ok(TAD_LEAF_PATHS.includes(p), p);
    }
    assert.equal(new Set(TAD_LEAF_PATHS).size, TAD_LEAF_PATHS.length);
  });
});

describe("parseTadFilter", () => {
  const parse = (pairs: Array<[string, string]>) => parseTadFilter(pairs, RESERVED);

  it("parses the iLEAP example and lower-cases values", () => {
    assert.deepEqual(
      parse([
        ["feedstock", "Fossil"],
        ["packagingOrTrEqType", "pallet"],
      ]),
      {
        ok: true,
        value: [
          { name: "feedstock", paths: ["energyCarriers.feedstocks.feedstock"], value: "fossil" },
          { name: "packagingOrTrEqType", paths: ["packagingOrTrEqType"], value: "pallet" },
        ],
      },
    );
  });

  it("resolves short, dotted and full names", () => {
    assert.deepEqual(tadPathsFor("country"), ["origin.country", "destination.country"]);
    assert.deepEqual(tadPathsFor("origin.country"), ["origin.country"]);
    assert.deepEqual(tadPathsFor("feedstocks.feedstock"), ["energyCarriers.feedstocks.feedstock"]);
    assert.deepEqual(tadPathsFor("energyCarriers.feedstocks.feedstock"), [
      "energyCarriers.feedstocks.feedstock",
    ]);
    assert.deepEqual(tadPathsFor("energyCarrier"), ["energyCarriers.energyCarrier"]);
    assert.deepEqual(tadPathsFor("actual"), ["distance.actual"]);
    assert.deepEqual(tadPathsFor("consignmentIds"), ["consignmentIds"]);
    assert.deepEqual(tadPathsFor("mode"), ["mode"]);
    assert.deepEqual(tadPathsFor("ountry"), []);
    assert.deepEqual(tadPathsFor("energyCarriers"), []);
    assert.deepEqual(tadPathsFor("origin"), []);
  });

  it("skips reserved parameters and keeps repeated names as separate clauses", () => {
    const r = parse([
      ["limit", "5"],
      ["mode", "Road"],
      ["page", "abc"],
      ["mode", "RAIL"],
    ]);
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.map((c) => [c.name, c.value]),
      [
        ["mode", "road"],
        ["mode", "rail"],
      ],
    );
  });

  it("accepts no pairs", () => {
    assert.deepEqual(parse([]), { ok: true, value: [] });
    assert.deepEqual(parse([["limit", "1"]]), { ok: true, value: [] });
  });

  it("accepts a URLSearchParams directly", () => {
    const r = parseTadFilter(new URLSearchParams("mode=Road&origin.country=de&limit=2"), RESERVED);
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.map((c) => c.value),
      ["road", "de"],
    );
  });

  it("rejects unknown names with NotImplemented naming the field and some valid names", () => {
    const r = parse([["colour", "red"]]);
    assert.ok(!r.ok);
    assert.equal(r.error.code, "NotImplemented");
    assert.match(r.error.message, /'colour'/);
    assert.match(r.error.message, /mode, feedstock/);
  });

  it("treats names as case-sensitive and hints at the right case", () => {
    const r = parse([["Mode", "Road"]]);
    assert.ok(!r.ok);
    assert.equal(r.error.code, "NotImplemented");
    assert.match(r.error.message, /did you mean 'mode'/);
    const dotted = parse([["Origin.Country", "DE"]]);
    assert.ok(!dotted.ok);
    assert.match(dotted.error.message, /did you mean 'origin.country'/);
  });

  it("rejects empty values and names with BadRequest", () => {
    for (const pairs of [[["mode", ""]], [["", "x"]]] as Array<Array<[string, string]>>) {
      const r = parse(pairs);
      assert.ok(!r.ok);
      assert.equal(r.error.code, "BadRequest");
    }
  });

  it("bounds the number of pairs and the lengths", () => {
    const many = Array.from({ length: MAX_TAD_FILTER_PAIRS }, (): [string, string] => ["mode", "road"]);
    assert.ok(parse(many).ok);
    const tooMany = parse([...many, ["limit", "3"], ["mode", "rail"]]);
    assert.ok(!tooMany.ok);
    assert.equal(tooMany.error.code, "BadRequest");
    assert.match(tooMany.error.message, /at most 20/);

    const longName = parse([["x".repeat(MAX_TAD_FILTER_NAME_LENGTH + 1), "a"]]);
    assert.ok(!longName.ok);
    assert.equal(longName.error.code, "BadRequest");
    assert.ok(parse([["mode", "x".repeat(MAX_TAD_FILTER_VALUE_LENGTH)]]).ok);
    const longValue = parse([["mode", "x".repeat(MAX_TAD_FILTER_VALUE_LENGTH + 1)]]);
    assert.ok(!longValue.ok);
    assert.equal(longValue.error.code, "BadRequest");
  });

  it("stops reading an endless iterable at the bound", () => {
    function* endless(): Generator<[string, string]> {
      for (;;) yield ["mode", "road"];
    }
    const r = parseTadFilter(endless(), RESERVED);
    assert.ok(!r.ok);
    assert.equal(r.error.code, "BadRequest");
  });

  it("never throws and answers only with BadRequest or NotImplemented", () => {
    const name = fc.oneof(
      fc.constantFrom(...TAD_LEAF_PATHS, "feedstock", "country", "limit", "page"),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.string({ unit: "binary" })), { maxLength: 25 }), (pairs) => {
        const r = parseTadFilter(pairs, RESERVED);
        if (r.ok) {
          for (const c of r.value) {
            assert.ok(c.paths.length > 0);
            assert.equal(c.value, c.value.toLowerCase());
          }
        } else {
          assert.ok(r.error.code === "BadRequest" || r.error.code === "NotImplemented");
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("tadIndexEntries", () => {
  const tad = {
    activityId: "ACT-1",
    consignmentIds: ["C-1", "c-1", "C-2"],
    distance: { actual: "423", gcd: null },
    mass: "8700",
    origin: { city: "Berlin", country: "DE", lat: "52.5" },
    destination: { city: "Paris", country: "FR" },
    departureAt: "2024-03-01T08:00:00Z",
    arrivalAt: "2024-03-01T20:00:00Z",
    mode: "Road",
    packagingOrTrEqType: "Pallet",
    packagingOrTrEqAmount: 12,
    energyCarriers: [
      {
        energyCarrier: "Diesel",
        feedstocks: [{ feedstock: "Fossil", feedstockShare: "0.9" }, { feedstock: "Cooking oil" }],
        emissionFactorWTW: "3.2",
        emissionFactorTTW: "2.6",
        relativeShare: "1",
      },
      { energyCarrier: "HVO", feedstocks: [{ feedstock: "fossil" }], relativeShare: "0" },
    ],
    temperatureControl: "refrigerated",
    extra: { flag: true, n: 1.5 },
  };

  it("flattens every scalar leaf with full dotted paths and lower-cased values, deduplicated", () => {
    const entries = tadIndexEntries(tad);
    const has = (path: string, value: string) =>
      assert.ok(
        entries.some((e) => e.path === path && e.value === value),
        `${path}=${value} missing`,
      );
    has("activityId", "act-1");
    has("consignmentIds", "c-1");
    has("consignmentIds", "c-2");
    has("distance.actual", "423");
    has("origin.country", "de");
    has("destination.country", "fr");
    has("mode", "road");
    has("packagingOrTrEqType", "pallet");
    has("packagingOrTrEqAmount", "12");
    has("energyCarriers.energyCarrier", "diesel");
    has("energyCarriers.energyCarrier", "hvo");
    has("energyCarriers.feedstocks.feedstock", "fossil");
    has("energyCarriers.feedstocks.feedstock", "cooking oil");
    has("energyCarriers.feedstocks.feedstockShare", "0.9");
    has("temperatureControl", "refrigerated");
    has("extra.flag", "true");
    has("extra.n", "1.5");
    assert.ok(!entries.some((e) => e.path === "distance.gcd"), "null is not indexed");
    const keys = entries.map((e) => `${e.path}=${e.value}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(keys.filter((k) => k === "consignmentIds=c-1").length, 1);
    assert.equal(keys.filter((k) => k === "energyCarriers.feedstocks.feedstock=fossil").length, 1);
  });

  it("lets every parsed filter clause find the document it describes", () => {
    const entries = tadIndexEntries(tad);
    const r = parseTadFilter(
      new URLSearchParams("mode=ROAD&feedstock=Cooking%20Oil&country=fr&packagingOrTrEqAmount=12"),
      RESERVED,
    );
    assert.ok(r.ok);
    for (const clause of r.value) {
      assert.ok(
        entries.some((e) => clause.paths.includes(e.path) && e.value === clause.value),
        clause.name,
      );
    }
  });

  it("ignores non-objects and survives deep nesting", () => {
    assert.deepEqual(tadIndexEntries(null), []);
    assert.deepEqual(tadIndexEntries("x"), []);
    assert.deepEqual(tadIndexEntries([{ mode: "Rail" }]), [{ path: "mode", value: "rail" }]);
    let deep: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.deepEqual(tadIndexEntries({ a: deep }), [{ path: "a", value: "leaf" }]);
  });

  it("never throws on arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        for (const e of tadIndexEntries(doc)) {
          assert.equal(typeof e.path, "string");
          assert.equal(e.value, e.value.toLowerCase());
        }
      }),
      { numRuns: 1000 },
    );
  });
});
