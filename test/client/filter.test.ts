/** The typed `$filter` builder: every output parses back to the same filter. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { and, type FootprintFilterExpression, footprintFilter as f } from "../../src/client/index.ts";
import { parseFootprintFilter } from "../../src/protocol/odata-filter.ts";

function roundTrip(expr: FootprintFilterExpression): void {
  const parsed = parseFootprintFilter(String(expr));
  assert.ok(parsed.ok, `${String(expr)}: ${parsed.ok ? "" : parsed.error.message}`);
  assert.deepEqual(parsed.value, expr.ast);
}

describe("footprintFilter", () => {
  it("prints PACT filters", () => {
    assert.equal(String(f.updated.gt("2025-01-01T00:00:00Z")), "updated gt '2025-01-01T00:00:00.000Z'");
    assert.equal(
      String(f.referencePeriodStart.ge(new Date("2024-01-01T01:00:00+01:00"))),
      "pcf/referencePeriodStart ge '2024-01-01T00:00:00.000Z'",
    );
    assert.equal(String(f.geographyCountry.eq("DE")), "pcf/geographyCountry eq 'DE'");
    assert.equal(String(f.productIds.contains("urn:x:'q'")), "productIds/any(p:(p eq 'urn:x:''q'''))");
    assert.equal(
      String(
        f.productCategoryCpc
          .eq("83117")
          .and(f.companyIds.contains("urn:c"), f.created.le("2025-02-01T00:00:00Z")),
      ),
      "productCategoryCpc eq '83117' and companyIds/any(p:(p eq 'urn:c')) and created le '2025-02-01T00:00:00.000Z'",
    );
  });

  it("flattens nested and, and round-trips through the server's parser", () => {
    const nested = and(
      f.updated.lt("2025-01-01T00:00:00Z"),
      and(f.productIds.contains("a"), f.companyIds.contains("b")),
    );
    assert.equal(nested.ast.kind, "and");
    assert.equal(nested.ast.kind === "and" ? nested.ast.clauses.length : 0, 3);
    roundTrip(nested);
    roundTrip(f.productIds.contains("one"));
  });

  it("refuses values that would not make a valid filter", () => {
    assert.throws(() => f.updated.gt("yesterday"), TypeError);
    assert.throws(() => f.updated.gt(new Date(Number.NaN)), TypeError);
    assert.throws(() => f.created.eq(new Date("+010000-01-01T00:00:00Z")), TypeError);
    assert.throws(() => and(), TypeError);
  });

  it("round-trips arbitrary combinations (property)", () => {
    const time = fc.date({
      min: new Date("0001-01-01T00:00:00Z"),
      max: new Date("9999-12-31T23:59:59Z"),
      noInvalidDate: true,
    });
    const op = fc.constantFrom("eq", "lt", "le", "gt", "ge" as const);
    const clause = fc.oneof(
      fc
        .tuple(
          fc.constantFrom("created", "updated", "referencePeriodStart", "referencePeriodEnd" as const),
          op,
          time,
        )
        .map(([p, o, d]) => f[p][o](d)),
      fc
        .tuple(fc.constantFrom("productCategoryCpc", "geographyCountry" as const), op, fc.string())
        .map(([p, o, v]) => f[p][o](v)),
      fc
        .tuple(fc.constantFrom("productIds", "companyIds" as const), fc.string())
        .map(([p, v]) => f[p].contains(v)),
    );
    fc.assert(
      fc.property(fc.array(clause, { minLength: 1, maxLength: 4 }), (clauses) => roundTrip(and(...clauses))),
      { numRuns: 300 },
    );
  });
});
