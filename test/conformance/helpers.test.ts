import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { type CaseDefinition, type CaseScope, joinProblems, runCase } from "../../src/conformance/case.ts";
import type { SuiteContext } from "../../src/conformance/context.ts";
import { checkIleapFootprint, tc001, tc002, tc003 } from "../../src/conformance/ileap-footprints.ts";
import { formatIssues } from "../../src/conformance/issues.ts";
import { canonicalJson } from "../../src/conformance/json.ts";
import { findNextLink, hasRel, parseLinkHeader } from "../../src/conformance/link.ts";
import { selectCases } from "../../src/conformance/registry.ts";
import { buildReport, isPass, summarize } from "../../src/conformance/report.ts";
import { loadSchemaValidators, SCHEMA_FILES } from "../../src/conformance/schemas.ts";
import type { CaseResult } from "../../src/conformance/types.ts";
import { demoFootprints, demoTad, DEMO_FOOTPRINT_IDS as IDS } from "../../src/testing/demo-data.ts";
import { edits, REMOVE, shippedPath } from "../model/helpers.ts";

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

describe("json helpers", () => {
  it("serialises canonically", () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] }), canonicalJson({ a: [{ c: 2, d: 1 }], b: 1 }));
  });
});

describe("formatIssues", () => {
  it("merges missing properties, words nulls, appends short values, caps and dedupes", () => {
    const lines = formatIssues(
      [
        { pointer: "/a", message: "is required", rule: "schema.required" },
        { pointer: "/x/y", message: "must not be null", value: null, rule: "no-null" },
        { pointer: "/b~1c", message: "is required", rule: "schema.required" },
        { pointer: "/mode", message: 'must be one of "Road"', value: "road", rule: "schema.enum" },
        { pointer: "/mode", message: 'must be one of "Road"', value: "road", rule: "schema.enum" },
        { pointer: "", message: "must be object", value: { big: true }, rule: "schema.type" },
      ],
      { base: "/data/0" },
    );
    assert.deepEqual(lines, [
      '/data/0 is missing required properties "a", "b/c"',
      "/data/0/x/y is null (omit absent optional fields)",
      '/data/0/mode must be one of "Road" (found "road")',
      "/data/0 must be object",
    ]);
    const capped = formatIssues(
      [1, 2, 3].map((n) => ({ pointer: `/${n}`, message: "bad", rule: "r" })),
      { max: 2, noun: "schema errors" },
    );
    assert.deepEqual(capped, ["/1 bad", "/2 bad", "… and 1 more schema errors"]);
  });
});

type Json = Record<string, unknown>;

function demoDoc(id: string): Json {
  const found = demoFootprints().find((f) => f.document.id === id);
  assert.ok(found, id);
  return found.document as unknown as Json;
}

describe("iLEAP footprint checks (the model's rules)", () => {
  const schemas = loadSchemaValidators();
  const TCES = "/extensions/0/data/tces";

  it("accept every demo footprint without notes, and skip plain PACT footprints", () => {
    for (const { document, kind } of demoFootprints()) {
      const check = checkIleapFootprint(document as unknown as Json, schemas);
      if (kind === "pcf") {
        assert.equal(check, undefined);
        continue;
      }
      assert.deepEqual([check?.kind, check?.problems, check?.notes], [kind, [], []], document.id);
    }
  });

  it("report mapping and TCE violations of a ShipmentFootprint as problems, SHOULDs as notes", () => {
    const pf = edits(demoDoc(IDS.sfMultimodal), [
      [`${TCES}/1/tocId`, "toc-x"],
      [`${TCES}/2/prevTceIds/0`, "t0"],
      [`${TCES}/0/transportActivity`, "700"],
      [`${TCES}/3/shipmentId`, "other"],
      ["/pcf/unitaryProductAmount", "100"],
      ["/pcf/fossilGhgEmissions", "4"],
      ["/pcf/productMassPerDeclaredUnit", "1"],
      ["/pcf/biogenicCarbonContent", "0.5"],
      ["/pcf/pCfIncludingBiogenic", "1"],
    ]);
    const check = checkIleapFootprint(pf, schemas);
    assert.ok(check);
    assert.equal(check.footprintId, IDS.sfMultimodal);
    const text = check.problems.join("\n");
    for (const expected of [
      /tces\/1\/hocId must not be defined together with tocId/,
      /tces\/2\/prevTceIds\/0 must reference a TCE of the same ShipmentFootprint \(found "t0"\)/,
      /tces\/0\/transportActivity must equal distance × mass \/ 1000 = 650 \(distance\.actual\)/,
      /tces\/3\/shipmentId must equal the ShipmentFootprint's shipmentId/,
      /\/pcf\/unitaryProductAmount must equal the sum of tces\[\]\.transportActivity \(12600\) \(found "100"\)/,
      /\/pcf\/fossilGhgEmissions must equal the sum of tces\[\]\.co2eWTW \(186\.51\)/,
      /\/pcf\/productMassPerDeclaredUnit must equal the shipment mass \(10000\) \(found "1"\)/,
    ]) {
      assert.match(text, expected);
    }
    assert.doesNotMatch(text, /pCfExcludingBiogenic|biogenicCarbonContent/);
    assert.deepEqual(check.notes, [
      '/pcf/biogenicCarbonContent should be "0"',
      "/pcf/pCfIncludingBiogenic should be kept undefined",
    ]);
  });

  it("check the fixed values of a HOC footprint and its data against hoc.json", () => {
    const pf = edits(demoDoc(IDS.hocDuisburg), [
      ["/pcf/declaredUnit", "ton kilometer"],
      ["/pcf/packagingEmissionsIncluded", true],
      ["/pcf/unitaryProductAmount", "1"],
      ["/pcf/productMassPerDeclaredUnit", REMOVE],
      ["/comment", null],
      ["/extensions/0/specVersion", "1.0.0"],
      ["/extensions/0/documentation", "https://example.com/"],
      ["/extensions/0/data/energyCarriers/0/relativeShare", "0.1"],
      ["/extensions/0/data/hocId", "H2"],
      ["/extensions/0/data/co2eIntensityWTW", REMOVE],
    ]);
    const check = checkIleapFootprint(pf, schemas);
    const problems = check?.problems.join("\n") ?? "";
    for (const expected of [
      /\/pcf\/declaredUnit must be "kilogram" \(found "ton kilometer"\)/,
      /\/pcf\/packagingEmissionsIncluded must be false \(found true\)/,
      /\/pcf\/unitaryProductAmount must be "1000" \(found "1"\)/,
      /\/comment is null/,
      /\/extensions\/0\/specVersion must be "2\.0\.0" \(found "1\.0\.0"\)/,
      /\/extensions\/0\/documentation must be "https:\/\/sine-fdn\.github\.io\/ileap-extension\/"/,
      /\/extensions\/0\/data\/energyCarriers relativeShare values must sum to 1 \(sum 0\.4\)/,
      /\/productIds must contain urn:pathfinder:product:customcode:\{vendor\|buyer\}-assigned:hoc:H2/,
      /\/extensions\/0\/data is missing required property "co2eIntensityWTW"/,
    ]) {
      assert.match(problems, expected);
    }
    // iLEAP: optional in PACT v2, mandatory from v3 → a note, not a failure
    assert.deepEqual(check?.notes, [
      '/pcf/productMassPerDeclaredUnit should be set to "1000" (optional in PACT v2, mandatory from v3)',
    ]);
  });

  it("note a TOC unitaryProductAmount other than 1 (a SHOULD)", () => {
    const check = checkIleapFootprint(
      edits(demoDoc(IDS.tocSea), [["/pcf/unitaryProductAmount", "2"]]),
      schemas,
    );
    assert.deepEqual([check?.problems, check?.notes], [[], ['/pcf/unitaryProductAmount should be "1"']]);
  });
});

describe("iLEAP cases TC001–TC003 over a listing", () => {
  /** A context that lists `docs`: all the iLEAP cases need. */
  function listing(docs: readonly Json[]): SuiteContext {
    const memos = new Map<string, Promise<unknown>>();
    return {
      schemas: loadSchemaValidators(),
      memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
        if (!memos.has(key)) memos.set(key, compute());
        return memos.get(key) as Promise<T>;
      },
      allFootprints: async () => docs,
    } as unknown as SuiteContext;
  }

  it("report unlisted TOCs in TC002 and TCE co2e deviations as notes of TC001", async () => {
    const docs = demoFootprints()
      .map((f) => f.document as unknown as Json)
      .filter((d) => d.id !== IDS.tocRailElectric)
      .map((d) =>
        d.id === IDS.sfRoad
          ? edits(d, [
              ["/extensions/0/data/tces/0/co2eWTW", "99"],
              ["/pcf/pCfExcludingBiogenic", "99"],
              ["/pcf/fossilGhgEmissions", "99"],
              ["/pcf/fossilCarbonContent", "99"],
            ])
          : d,
      );
    const ctx = listing(docs);
    const [sf, toc, hoc] = await Promise.all([tc001, tc002, tc003].map((c) => runCase(c, ctx)));
    assert.equal(sf?.status, "passed", sf?.reason);
    assert.match(
      sf?.notes?.join("\n") ?? "",
      new RegExp(`tces/0/co2eWTW should equal activity .* in 1 footprint\\(s\\), e\\.g\\. ${IDS.sfRoad}`),
    );
    assert.equal(toc?.status, "failed");
    assert.match(
      toc?.reason ?? "",
      /TOC "[^"]+" is referenced by the ShipmentFootprint\(s\) of footprint .* but no listed footprint carries it/,
    );
    assert.equal(hoc?.status, "passed", hoc?.reason);
  });

  it("fail TC001 with the footprint id and pointer of each problem", async () => {
    const docs = demoFootprints().map((f) =>
      f.document.id === IDS.sfRoad
        ? edits(f.document as unknown as Json, [["/pcf/declaredUnit", "kilogram"]])
        : (f.document as unknown as Json),
    );
    const result = await runCase(tc001, listing(docs));
    assert.equal(result.status, "failed");
    assert.equal(
      result.reason,
      `footprint ${IDS.sfRoad}: /pcf/declaredUnit must be "ton kilometer" (found "kilogram")`,
    );
  });
});

describe("schema validators", () => {
  it("default to the model's validators and load a directory (path or URL) or parsed documents", () => {
    const shipped = loadSchemaValidators();
    const dir = shippedPath("");
    const fromPath = loadSchemaValidators(dir);
    assert.equal(loadSchemaValidators(pathToFileURL(dir)), fromPath, "compiled once per source");
    const read = (name: keyof typeof SCHEMA_FILES): object =>
      JSON.parse(readFileSync(shippedPath(SCHEMA_FILES[name]), "utf8")) as object;
    const fromObjects = loadSchemaValidators({
      productFootprint: read("productFootprint"),
      shipmentFootprint: read("shipmentFootprint"),
      toc: read("toc"),
      hoc: read("hoc"),
      tad: read("tad"),
    });
    const bad = { activityId: "a", mode: "Bike", loadFactor: 1 };
    for (const v of [shipped, fromPath, fromObjects]) {
      assert.deepEqual(v.validate("tad", demoTad()[0]), []);
      const lines = formatIssues(v.validate("tad", bad), { base: "/data/0", max: 5 });
      assert.ok(
        lines.some((p) => /^\/data\/0 is missing required properties .*"consignmentIds"/.test(p)),
        lines.join("\n"),
      );
      assert.ok(lines.some((p) => /^\/data\/0\/mode must be one of .*\(found "Bike"\)/.test(p)));
      assert.ok(lines.length <= 6);
      assert.deepEqual(v.validate("productFootprint", demoDoc(IDS.pcfBox)), []);
    }
    assert.throws(() => loadSchemaValidators("/nonexistent-schema-dir"), /cannot load JSON Schema/);
  });
});
