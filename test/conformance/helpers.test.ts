import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type CaseDefinition, type CaseScope, joinProblems, runCase } from "../../src/conformance/case.ts";
import type { SuiteContext } from "../../src/conformance/context.ts";
import {
  closeToDec,
  formatDec,
  mulDec,
  parseDec,
  shiftDec,
  sumCanEqual,
  sumDec,
} from "../../src/conformance/decimal.ts";
import { checkIleapFootprint, parseIleapProductId } from "../../src/conformance/ileap-rules.ts";
import { canonicalJson, findNulls } from "../../src/conformance/json.ts";
import { findNextLink, hasRel, parseLinkHeader } from "../../src/conformance/link.ts";
import { selectCases } from "../../src/conformance/registry.ts";
import { buildReport, isPass, summarize } from "../../src/conformance/report.ts";
import { DEFAULT_SCHEMA_DIR, loadSchemaValidators, SCHEMA_FILES } from "../../src/conformance/schemas.ts";
import type { CaseResult } from "../../src/conformance/types.ts";

describe("parseLinkHeader", () => {
  it("parses several links with quoted and token parameters", () => {
    const r = parseLinkHeader(
      '<https://h/2/footprints?offset=1&limit=10>; rel="first", <https://h/2/footprints?offset=3>; rel=next; title="a, b; c"',
    );
    assert.ok(r.ok);
    assert.equal(r.links.length, 2);
    assert.equal(r.links[0]?.target, "https://h/2/footprints?offset=1&limit=10");
    assert.deepEqual(r.links[0]?.quoted, ["rel"]);
    assert.equal(r.links[1]?.params.rel, "next");
    assert.deepEqual(r.links[1]?.quoted, ["title"]);
    assert.equal(r.links[1]?.params.title, "a, b; c");
  });

  it("handles rel lists, escapes and first-occurrence-wins", () => {
    const r = parseLinkHeader('<a>; REL="prev next"; rel="last"; x="q\\"d"');
    assert.ok(r.ok);
    const link = r.links[0];
    assert.ok(link);
    assert.ok(hasRel(link, "next"));
    assert.ok(!hasRel(link, "last"));
    assert.equal(link.params.x, 'q"d');
  });

  it("reports syntax errors", () => {
    assert.equal(parseLinkHeader("https://h/x; rel=next").ok, false);
    assert.equal(parseLinkHeader('<https://h/x; rel="next"').ok, false);
    assert.equal(parseLinkHeader('<https://h/x>; rel="next').ok, false);
  });

  it("treats an empty header as no links", () => {
    assert.deepEqual(parseLinkHeader(""), { ok: true, links: [] });
  });
});

describe("findNextLink", () => {
  const req = "https://h:8443/ileap/2/footprints?limit=1";

  it("accepts an absolute, quoted link under the base URL", () => {
    const next = findNextLink('<https://h:8443/ileap/2/footprints?limit=1&page=x>; rel="next"', req, {
      baseUrl: "https://h:8443/ileap",
      host: "h:8443",
    });
    assert.deepEqual(next?.problems, []);
    assert.equal(next?.url, "https://h:8443/ileap/2/footprints?limit=1&page=x");
  });

  it("reports a relative target but resolves it", () => {
    const next = findNextLink('</ileap/2/footprints?page=2>; rel="next"', req);
    assert.match(next?.problems[0] ?? "", /relative/);
    assert.equal(next?.url, "https://h:8443/ileap/2/footprints?page=2");
  });

  it("reports an unquoted rel, a foreign prefix and a foreign host", () => {
    const next = findNextLink("<https://other/2/footprints?page=2>; rel=next", req, {
      baseUrl: "https://h:8443/ileap",
      host: "h:8443",
    });
    assert.equal(next?.problems.length, 3);
    assert.match(next?.problems.join("\n") ?? "", /double quotes/);
    assert.match(next?.problems.join("\n") ?? "", /does not start with the base URL/);
    assert.match(next?.problems.join("\n") ?? "", /host other/);
  });

  it("returns undefined without a next link", () => {
    assert.equal(findNextLink(undefined, req), undefined);
    assert.equal(findNextLink('<https://h/x>; rel="prev"', req), undefined);
  });

  it("reports a malformed header that mentions next", () => {
    const next = findNextLink("https://h/x; rel=next", req);
    assert.equal(next?.url, "");
    assert.match(next?.problems[0] ?? "", /RFC 8288/);
  });
});

function result(id: string, mandatory: boolean, status: CaseResult["status"]): CaseResult {
  return { id, title: id, mandatory, status, durationMs: 1 };
}

describe("result aggregation", () => {
  it("passes only when every mandatory case passed", () => {
    assert.equal(
      isPass([result("a", true, "passed"), result("b", false, "failed"), result("c", false, "skipped")]),
      true,
    );
    assert.equal(isPass([result("a", true, "passed"), result("b", true, "skipped")]), false);
    assert.equal(isPass([result("a", true, "failed")]), false);
    assert.equal(isPass([]), true);
  });

  it("counts and lists mandatory cases not passed", () => {
    const s = summarize([
      result("a", true, "passed"),
      result("b", true, "skipped"),
      result("c", false, "failed"),
      result("d", true, "failed"),
    ]);
    assert.deepEqual(s, { passed: 1, failed: 2, skipped: 1, mandatoryNotPassed: ["b", "d"] });
  });

  it("builds a report", () => {
    const report = buildReport("https://h", new Date(0), 12.4, [result("a", true, "passed")]);
    assert.equal(report.startedAt, "1970-01-01T00:00:00.000Z");
    assert.equal(report.durationMs, 12);
    assert.equal(report.passed, true);
  });

  it("joins problems, deduplicated and capped", () => {
    assert.equal(joinProblems(["a", "b", "a", ""]), "a; b");
    assert.equal(joinProblems(["1", "2", "3"], 2), "1; 2; … and 1 more problems");
  });
});

describe("runCase", () => {
  const ctx = {} as SuiteContext;
  const def = (run: CaseDefinition["run"]): CaseDefinition => ({ id: "x", title: "X", mandatory: true, run });

  it("maps problems, fail, skip, notes and thrown errors", async () => {
    assert.equal(
      (
        await runCase(
          def(async () => {}),
          ctx,
        )
      ).status,
      "passed",
    );
    const failed = await runCase(
      def(async (_c, t: CaseScope) => {
        t.problem("p1");
        t.note("n1");
        t.fail("p2");
      }),
      ctx,
    );
    assert.equal(failed.status, "failed");
    assert.equal(failed.reason, "p1; p2");
    assert.deepEqual(failed.notes, ["n1"]);
    const skipped = await runCase(
      def(async (_c, t: CaseScope) => t.skip("why")),
      ctx,
    );
    assert.deepEqual([skipped.status, skipped.reason], ["skipped", "why"]);
    const crashed = await runCase(
      def(async () => {
        throw new Error("boom");
      }),
      ctx,
    );
    assert.equal(crashed.status, "failed");
    assert.match(crashed.reason ?? "", /boom/);
  });
});

describe("selectCases", () => {
  it("keeps report order and rejects unknown ids", () => {
    assert.deepEqual(
      selectCases(["ileap-tc004", "pact-tc01"]).map((c) => c.id),
      ["pact-tc01", "ileap-tc004"],
    );
    assert.throws(() => selectCases(["pact-tc99"]), /unknown conformance case id/);
  });
});

describe("decimals", () => {
  it("computes exactly and compares within the last digit", () => {
    const d = (s: string) => parseDec(s) ?? assert.fail(`bad decimal ${s}`);
    assert.equal(formatDec(shiftDec(mulDec(d("700"), d("230")), 3)), "161.000");
    assert.equal(formatDec(sumDec([d("0.1"), d("0.2"), d("-0.05")])), "0.25");
    assert.ok(closeToDec(d("161"), d("161.000")));
    assert.ok(closeToDec(d("0.33"), d("0.333")));
    assert.ok(closeToDec(d("0.34"), d("0.335")));
    assert.ok(!closeToDec(d("0.33"), d("0.345")));
    assert.ok(!closeToDec(d("6"), d("5")));
    assert.ok(sumCanEqual([d("0.333"), d("0.333"), d("0.333")], d("1")));
    assert.ok(sumCanEqual([d("0.25"), d("0.75")], d("1")));
    assert.ok(!sumCanEqual([d("0.5"), d("0.4")], d("1")));
    assert.equal(parseDec("1e3"), undefined);
    assert.equal(parseDec(1), undefined);
  });
});

describe("json helpers", () => {
  it("finds nulls as JSON pointers", () => {
    assert.deepEqual(findNulls({ a: null, b: [1, null], "c/d": { e: null } }), ["/a", "/b/1", "/c~1d/e"]);
  });
  it("serialises canonically", () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] }), canonicalJson({ a: [{ c: 2, d: 1 }], b: 1 }));
  });
});

describe("iLEAP rules", () => {
  it("parses iLEAP product ids", () => {
    assert.deepEqual(parseIleapProductId("urn:pathfinder:product:customcode:buyer-assigned:toc:T-1"), {
      assigner: "buyer",
      kind: "toc",
      id: "T-1",
    });
    assert.equal(parseIleapProductId("urn:gtin:123"), undefined);
  });

  it("reports mapping violations of a ShipmentFootprint", () => {
    const pf = {
      id: "f1",
      productIds: ["urn:pathfinder:product:customcode:vendor-assigned:shipment:S1"],
      productCategoryCpc: "83117",
      pcf: {
        declaredUnit: "ton kilometer",
        unitaryProductAmount: "100",
        pCfExcludingBiogenic: "5",
        fossilGhgEmissions: "4",
        fossilCarbonContent: "5",
        biogenicCarbonContent: "0",
        packagingEmissionsIncluded: false,
        productMassPerDeclaredUnit: "1000",
      },
      extensions: [
        {
          specVersion: "2.0.0",
          dataSchema: "https://api.ileap.sine.dev/shipment-footprint.json",
          documentation: "https://sine-fdn.github.io/ileap-extension/",
          data: {
            shipmentId: "S1",
            mass: "1000",
            tces: [
              {
                tceId: "t1",
                tocId: "TOC1",
                shipmentId: "S1",
                mass: "1000",
                distance: { actual: "100" },
                transportActivity: "100",
                co2eWTW: "2",
                co2eTTW: "1",
              },
              {
                tceId: "t2",
                prevTceIds: ["t0"],
                tocId: "TOC2",
                hocId: "HOC1",
                shipmentId: "S1",
                mass: "500",
                distance: { gcd: "10" },
                transportActivity: "6",
                co2eWTW: "3",
                co2eTTW: "1",
              },
            ],
          },
        },
      ],
    };
    const check = checkIleapFootprint(pf, "shipment", () => []);
    const text = check.problems.join("\n");
    assert.match(text, /tces\/1: exactly one of tocId and hocId/);
    assert.match(text, /tces\/1\/prevTceIds\/0: "t0"/);
    assert.match(text, /tces\/1\/transportActivity: 6, expected distance × mass \/ 1000 = 5.000/);
    assert.match(text, /unitaryProductAmount: 100, expected the sum of tces\[\]\.transportActivity = 106/);
    assert.match(text, /fossilGhgEmissions: 4, expected the sum of tces\[\]\.co2eWTW = 5/);
    assert.doesNotMatch(text, /pCfExcludingBiogenic/);
    assert.deepEqual(check.references, { toc: ["TOC1", "TOC2"], hoc: ["HOC1"] });
    assert.equal(check.declaredId, "S1");
  });

  it("checks the fixed values of a HOC footprint", () => {
    const pf = {
      id: "f2",
      productIds: ["urn:pathfinder:product:customcode:vendor-assigned:hoc:H1"],
      productCategoryCpc: "83117",
      pcf: {
        declaredUnit: "ton kilometer",
        unitaryProductAmount: "1",
        pCfExcludingBiogenic: "3.2",
        fossilGhgEmissions: "3.2",
        biogenicCarbonContent: "0",
        packagingEmissionsIncluded: true,
        comment: null,
      },
      extensions: [
        {
          specVersion: "1.0.0",
          dataSchema: "https://api.ileap.sine.dev/hoc.json",
          documentation: "https://example.com/",
          data: {
            hocId: "H2",
            co2eIntensityWTW: "3.2",
            energyCarriers: [{ relativeShare: "0.5" }, { relativeShare: "0.4" }],
          },
        },
      ],
    };
    const problems = checkIleapFootprint(pf, "hoc", () => [
      '/extensions/0/data is missing required property "x"',
    ]).problems.join("\n");
    for (const expected of [
      /declaredUnit: "ton kilometer", expected "kilogram"/,
      /packagingEmissionsIncluded: true, expected false/,
      /\/pcf\/comment: null/,
      /specVersion: "1.0.0", expected "2.0.0"/,
      /documentation: "https:\/\/example.com\/"/,
      /unitaryProductAmount: 1, expected "1000"/,
      /relativeShare values sum to 0.9/,
      /no urn:pathfinder:product:customcode:\(vendor\|buyer\)-assigned:hoc:H2/,
      /required property "x"/,
    ]) {
      assert.match(problems, expected);
    }
  });
});

describe("schema validators", () => {
  it("load from the shipped directory, a path, or parsed documents, and report JSON pointers", () => {
    const fromDir = loadSchemaValidators();
    assert.equal(loadSchemaValidators(DEFAULT_SCHEMA_DIR), fromDir, "compiled once per source");
    const read = (name: keyof typeof SCHEMA_FILES): object =>
      JSON.parse(readFileSync(new URL(SCHEMA_FILES[name], DEFAULT_SCHEMA_DIR), "utf8")) as object;
    const fromObjects = loadSchemaValidators({
      productFootprint: read("productFootprint"),
      shipmentFootprint: read("shipmentFootprint"),
      toc: read("toc"),
      hoc: read("hoc"),
      tad: read("tad"),
    });
    const fromPath = loadSchemaValidators(DEFAULT_SCHEMA_DIR.pathname);
    for (const v of [fromDir, fromObjects, fromPath]) {
      const problems = v.validate("tad", { activityId: "a", mode: "Bike", loadFactor: 1 }, "/data/0");
      assert.ok(
        problems.some((p) => /^\/data\/0 is missing required properties .*"consignmentIds"/.test(p)),
        problems.join("\n"),
      );
      assert.ok(problems.length <= 6);
    }
    assert.throws(() => loadSchemaValidators("/nonexistent-schema-dir"), /cannot load JSON Schema/);
  });
});
