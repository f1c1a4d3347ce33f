import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { PactErrorCode } from "../../src/protocol/errors.ts";
import type { FootprintFilter } from "../../src/protocol/filter-ast.ts";
import {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseFootprintFilter,
  printFootprintFilter,
} from "../../src/protocol/odata-filter.ts";

const T2023 = Date.UTC(2023, 0, 1);
const T2024 = Date.UTC(2024, 0, 1);

function parsed(raw: string): FootprintFilter | null {
  const r = parseFootprintFilter(raw);
  assert.ok(r.ok, `expected ${JSON.stringify(raw)} to parse, got ${r.ok ? "" : JSON.stringify(r.error)}`);
  return r.value;
}

function failure(raw: string, code: PactErrorCode, ...fragments: string[]): string {
  const r = parseFootprintFilter(raw);
  assert.ok(!r.ok, `expected ${JSON.stringify(raw)} to fail, got ${JSON.stringify(r)}`);
  assert.equal(r.error.code, code, `${JSON.stringify(raw)}: ${r.error.message}`);
  for (const f of fragments)
    assert.ok(r.error.message.includes(f), `message ${JSON.stringify(r.error.message)} lacks ${f}`);
  return r.error.message;
}

describe("parseFootprintFilter: accepted filters", () => {
  it("returns null for empty and whitespace-only input", () => {
    assert.equal(parsed(""), null);
    assert.equal(parsed("  \t\n "), null);
  });

  it("parses the official PACT examples", () => {
    assert.deepEqual(parsed("productCategoryCpc eq '3342'"), {
      kind: "text",
      property: "productCategoryCpc",
      op: "eq",
      value: "3342",
    });
    assert.deepEqual(parsed("pcf/geographyCountry eq 'DE'"), {
      kind: "text",
      property: "pcf/geographyCountry",
      op: "eq",
      value: "DE",
    });
    assert.deepEqual(
      parsed(
        "(pcf/referencePeriodStart ge '2023-01-01T00:00:00.000Z') and (pcf/referencePeriodEnd lt '2024-01-01T00:00:00.000Z') ",
      ),
      {
        kind: "and",
        clauses: [
          { kind: "time", property: "pcf/referencePeriodStart", op: "ge", epochMs: T2023 },
          { kind: "time", property: "pcf/referencePeriodEnd", op: "lt", epochMs: T2024 },
        ],
      },
    );
    assert.deepEqual(parsed("productIds/any(productId:(productId eq 'urn:...'))"), {
      kind: "any",
      property: "productIds",
      value: "urn:...",
    });
  });

  it("parses the conformance tool's TC20 filter", () => {
    assert.deepEqual(parsed("created ge '2023-01-15T10:15:30Z'"), {
      kind: "time",
      property: "created",
      op: "ge",
      epochMs: Date.UTC(2023, 0, 15, 10, 15, 30),
    });
  });

  it("supports every operator on every property", () => {
    const times = ["created", "updated", "pcf/referencePeriodStart", "pcf/referencePeriodEnd"] as const;
    const texts = ["productCategoryCpc", "pcf/geographyCountry"] as const;
    for (const op of ["eq", "lt", "le", "gt", "ge"] as const) {
      for (const property of times) {
        assert.deepEqual(parsed(`${property} ${op} '2023-01-01T00:00:00Z'`), {
          kind: "time",
          property,
          op,
          epochMs: T2023,
        });
      }
      for (const property of texts) {
        assert.deepEqual(parsed(`${property} ${op} 'X'`), { kind: "text", property, op, value: "X" });
      }
    }
  });

  it("accepts operators and keywords in any case, but properties only as spelled", () => {
    assert.deepEqual(parsed("productCategoryCpc EQ '1' AND productIds/ANY(p:p Eq '2')"), {
      kind: "and",
      clauses: [
        { kind: "text", property: "productCategoryCpc", op: "eq", value: "1" },
        { kind: "any", property: "productIds", value: "2" },
      ],
    });
    failure("ProductCategoryCpc eq '1'", "NotImplemented", "property 'ProductCategoryCpc'");
  });

  it("parses lambdas on both collections, with any variable name and optional inner parentheses", () => {
    const expected = (property: "productIds" | "companyIds", value: string) => ({
      kind: "any",
      property,
      value,
    });
    assert.deepEqual(parsed("companyIds/any(c:(c eq 'urn:uuid:1'))"), expected("companyIds", "urn:uuid:1"));
    assert.deepEqual(parsed("companyIds/any(c: c eq 'urn:uuid:1')"), expected("companyIds", "urn:uuid:1"));
    assert.deepEqual(parsed("productIds/any( x_1 : ((x_1 eq 'a')) )"), expected("productIds", "a"));
    assert.deepEqual(parsed("productIds/any(p:'a' eq p)"), expected("productIds", "a"));
    assert.deepEqual(parsed("productIds/any(eq:eq eq 'a')"), expected("productIds", "a"));
  });

  it("decodes '' escapes in string literals", () => {
    assert.deepEqual(parsed("productCategoryCpc eq 'it''s'"), {
      kind: "text",
      property: "productCategoryCpc",
      op: "eq",
      value: "it's",
    });
    assert.deepEqual(parsed("productIds/any(p:p eq '''')"), {
      kind: "any",
      property: "productIds",
      value: "'",
    });
    assert.deepEqual(parsed("productCategoryCpc eq ''"), {
      kind: "text",
      property: "productCategoryCpc",
      op: "eq",
      value: "",
    });
    assert.deepEqual(parsed("productCategoryCpc eq 'a b (c) and d eq ''e'''"), {
      kind: "text",
      property: "productCategoryCpc",
      op: "eq",
      value: "a b (c) and d eq 'e'",
    });
  });

  it("flattens and chains, also through parentheses, and unwraps single clauses", () => {
    const a = "productCategoryCpc eq 'a'";
    const b = "pcf/geographyCountry eq 'b'";
    const c = "productIds/any(p:p eq 'c')";
    const clauses = [
      { kind: "text", property: "productCategoryCpc", op: "eq", value: "a" },
      { kind: "text", property: "pcf/geographyCountry", op: "eq", value: "b" },
      { kind: "any", property: "productIds", value: "c" },
    ];
    for (const raw of [
      `${a} and ${b} and ${c}`,
      `(${a} and ${b}) and ${c}`,
      `${a} and (${b} and (${c}))`,
      `((${a}) and ((${b}) and ${c}))`,
    ]) {
      assert.deepEqual(parsed(raw), { kind: "and", clauses }, raw);
    }
    assert.deepEqual(parsed(`((((${a}))))`), clauses[0]);
  });

  it("accepts literal-first comparisons by mirroring the operator", () => {
    assert.deepEqual(parsed("'2023-01-01T00:00:00Z' lt created"), {
      kind: "time",
      property: "created",
      op: "gt",
      epochMs: T2023,
    });
    assert.deepEqual(parsed("'DE' le pcf/geographyCountry"), {
      kind: "text",
      property: "pcf/geographyCountry",
      op: "ge",
      value: "DE",
    });
  });

  it("tolerates missing and extra whitespace between tokens", () => {
    assert.deepEqual(parsed("(created ge'2023-01-01T00:00:00Z')and(updated lt '2024-01-01T00:00:00Z')"), {
      kind: "and",
      clauses: [
        { kind: "time", property: "created", op: "ge", epochMs: T2023 },
        { kind: "time", property: "updated", op: "lt", epochMs: T2024 },
      ],
    });
  });
});

describe("parseFootprintFilter: timestamps", () => {
  const epoch = (literal: string): number => {
    const f = parsed(`created ge ${literal}`);
    assert.ok(f !== null && f.kind === "time");
    return f.epochMs;
  };

  it("reads whole-second, fractional, Z and ±HH:MM forms as instants", () => {
    assert.equal(epoch("'2023-01-01T00:00:00Z'"), T2023);
    assert.equal(epoch("'2023-01-01T00:00:00.000Z'"), T2023);
    assert.equal(epoch("'2023-01-01T00:00:00.5Z'"), T2023 + 500);
    assert.equal(epoch("'2023-01-01T00:00:00.123Z'"), T2023 + 123);
    assert.equal(epoch("'2023-01-01T00:00Z'"), T2023);
    assert.equal(epoch("'2023-01-01t00:00:00z'"), T2023);
    assert.equal(epoch("'2023-01-01T01:00:00+01:00'"), T2023);
    assert.equal(epoch("'2022-12-31T19:00:00-05:00'"), T2023);
    assert.equal(epoch("'2023-01-01T05:30:00+05:30'"), T2023);
    assert.equal(epoch("'2023-01-01T00:00:00+00:00'"), T2023);
    assert.equal(epoch("'2023-01-01T00:00:00-00:00'"), T2023);
  });

  it("reads a space in the offset position as a URL-decoded '+'", () => {
    assert.equal(epoch("'2023-01-01T00:00:00 00:00'"), T2023);
    assert.equal(epoch("'2023-01-01T01:00:00 01:00'"), T2023);
    assert.equal(epoch("'2023-01-01T01:00:00.000 01:00'"), T2023);
    assert.equal(epoch("'2023-01-01T01:00:00+01:00'"), epoch("'2023-01-01T01:00:00 01:00'"));
  });

  it("accepts unquoted DateTimeOffset literals, also with a space-decoded '+'", () => {
    assert.equal(epoch("2023-01-01T00:00:00Z"), T2023);
    assert.equal(epoch("2023-01-01T00:00:00.000Z"), T2023);
    assert.equal(epoch("2023-01-01T01:00:00+01:00"), T2023);
    assert.equal(epoch("2023-01-01T01:00:00 01:00"), T2023);
    assert.deepEqual(parsed("(created ge 2023-01-01T01:00:00 01:00) and updated lt 2024-01-01T00:00:00Z"), {
      kind: "and",
      clauses: [
        { kind: "time", property: "created", op: "ge", epochMs: T2023 },
        { kind: "time", property: "updated", op: "lt", epochMs: T2024 },
      ],
    });
  });

  it("handles leap days, the years 0000–9999 and the instants near the edges", () => {
    assert.equal(epoch("'2024-02-29T00:00:00Z'"), Date.UTC(2024, 1, 29));
    assert.equal(epoch("'2000-02-29T00:00:00Z'"), Date.UTC(2000, 1, 29));
    assert.equal(epoch("'9999-12-31T23:59:59.999Z'"), Date.parse("9999-12-31T23:59:59.999Z"));
    assert.equal(epoch("'0000-01-01T00:00:00Z'"), Date.parse("0000-01-01T00:00:00Z"));
    assert.equal(epoch("'0099-03-01T00:00:00Z'"), Date.parse("0099-03-01T00:00:00Z"));
    assert.equal(epoch("'1969-12-31T23:59:59.999Z'"), -1);
  });

  it("rounds sub-millisecond bounds so that comparisons keep their meaning", () => {
    const at = (op: string) => {
      const f = parsed(`created ${op} '2023-01-01T00:00:00.0001Z'`);
      assert.ok(f !== null && f.kind === "time");
      return f.epochMs;
    };
    assert.equal(at("lt"), T2023 + 1);
    assert.equal(at("ge"), T2023 + 1);
    assert.equal(at("gt"), T2023);
    assert.equal(at("le"), T2023);
    assert.equal(at("eq"), T2023);
    assert.equal(epoch("'2023-01-01T00:00:00.000000000Z'"), T2023);
  });

  it("rejects unparsable timestamps with BadRequest naming the value", () => {
    for (const value of [
      "2023-01-01",
      "2023-01-01T00:00:00",
      "2023-02-29T00:00:00Z",
      "2023-13-01T00:00:00Z",
      "2023-00-10T00:00:00Z",
      "2023-01-32T00:00:00Z",
      "2023-01-01T24:00:00Z",
      "2023-01-01T00:60:00Z",
      "2023-01-01T00:00:60Z",
      "2023-01-01T00:00:00+24:00",
      "2023-01-01T00:00:00+01:60",
      "2023-01-01T00:00:00+0100",
      "2023-01-01T00:00:00.Z",
      "2023-01-01 00:00:00Z",
      " 2023-01-01T00:00:00Z",
      "2023-01-01T00:00:00Z ",
      "2023-01-01T00:00:00  00:00",
      "yesterday",
      "",
    ]) {
      failure(`created ge '${value}'`, "BadRequest", `invalid timestamp '${value}'`, "'created'");
    }
    failure("created ge 2023-01-01", "BadRequest", "invalid timestamp '2023-01-01'");
    failure("created ge 1672531200000", "BadRequest", "invalid timestamp '1672531200000'");
  });
});

describe("parseFootprintFilter: unsupported constructs → NotImplemented", () => {
  const ops = "supported: eq, lt, le, gt, ge, and";
  const cases: Array<[string, ...string[]]> = [
    ["productCategoryCpc eq '1' or productCategoryCpc eq '2'", "operator 'or' is not supported", ops],
    ["(productCategoryCpc eq '1') OR (productCategoryCpc eq '2')", "operator 'or'"],
    ["not productCategoryCpc eq '1'", "operator 'not' is not supported", ops],
    ["not(productCategoryCpc eq '1')", "operator 'not'"],
    ["productCategoryCpc ne '1'", "operator 'ne' is not supported", ops],
    ["productCategoryCpc in ('1', '2')", "operator 'in'"],
    ["productCategoryCpc has '1'", "operator 'has'"],
    ["created add duration'P1D' ge '2023-01-01T00:00:00Z'", "arithmetic operator 'add'"],
    ["created sub '2023-01-01T00:00:00Z' gt 1", "arithmetic operator 'sub'"],
    ["contains(productCategoryCpc, '33')", "function 'contains'"],
    ["startswith(productCategoryCpc,'33') eq true", "function 'startswith'"],
    ["year(created) eq 2023", "function 'year'"],
    ["productDescription eq 'x'", "property 'productDescription'", "supported: created"],
    ["pcf/declaredUnit eq 'liter'", "property 'pcf/declaredUnit'"],
    ["id eq '3a6c14a7-4deb-498a-b5ea-16ce2535b576'", "property 'id'"],
    ["productIds/all(p:p eq 'x')", "lambda operator 'all'"],
    ["companyIds/all(c:(c eq 'x'))", "lambda operator 'all'"],
    ["pcf/crossSectoralStandardsUsed/any(s:s eq 'ISO')", "lambda 'any' on 'pcf/crossSectoralStandardsUsed'"],
    ["productIds/any()", "without a lambda expression"],
    ["productIds eq 'urn:x'", "'productIds' at position 1 is a collection"],
    ["productIds/any(p:p ne 'x')", "operator 'ne'", "only the form p eq"],
    ["productIds/any(p:p lt 'x')", "operator 'lt'", "only the form p eq"],
    ["productIds/any(p:p eq 'x' or p eq 'y')", "operator 'or'"],
    ["productIds/any(p:p eq 'x' and p eq 'y')", "'and' inside productIds/any"],
    ["productIds/any(p:(p eq 'x') and (p eq 'y'))", "'and' inside productIds/any"],
    ["productIds/any(p:not (p eq 'x'))", "operator 'not'"],
    ["productIds/any(p:contains(p,'x'))", "'contains'", "only the form p eq"],
    ["productIds/any(p:q eq 'x')", "'q'", "only the form p eq"],
    ["productIds/any(p:p/length eq 'x')", "navigation or function on 'p'"],
    ["productIds/any(p:p eq p)", "only the form p eq"],
    ["created eq null", "literal 'null'"],
    ["pcf/geographyCountry eq null", "literal 'null'"],
    ["created eq datetime'2023-01-01T00:00:00'", "typed literal datetime'2023-01-01T00:00:00'"],
    ["created eq updated", "comparison of two properties"],
    ["'a' eq 'a'", "comparison of two literals"],
    ["created eq ('2023-01-01T00:00:00Z')", "parenthesized value"],
    ["$it/created eq '2023-01-01T00:00:00Z'", "property '$it/created'"],
  ];
  for (const [raw, ...fragments] of cases) {
    it(raw, () => {
      failure(raw, "NotImplemented", ...fragments);
    });
  }

  it("reports an unsupported construct after valid clauses too (never drops a clause)", () => {
    failure(
      "created ge '2023-01-01T00:00:00Z' and productCategoryCpc eq '1' or productCategoryCpc eq '2'",
      "NotImplemented",
      "'or'",
    );
    failure(
      "(created ge '2023-01-01T00:00:00Z' or created lt '2020-01-01T00:00:00Z')",
      "NotImplemented",
      "'or'",
    );
  });
});

describe("parseFootprintFilter: malformed input → BadRequest", () => {
  const cases: Array<[string, ...string[]]> = [
    ["productCategoryCpc eq 'abc", "unterminated string literal starting at position 23"],
    ["productCategoryCpc eq 'it''s", "unterminated string literal"],
    ["(productCategoryCpc eq '1'", "missing ')' to close the '(' at position 1"],
    ["((productCategoryCpc eq '1')", "missing ')' to close the '(' at position 1"],
    ["productCategoryCpc eq '1')", "unexpected ')' at position 26"],
    ["productCategoryCpc eq '1' productCategoryCpc eq '2'", "unexpected 'productCategoryCpc' at position 27"],
    ["productCategoryCpc eq '1' 'x'", "unexpected string 'x' at position 27"],
    ["productCategoryCpc eq", "the filter ended at position 22", "a value after 'eq' at position 20"],
    ["productCategoryCpc", "the filter ended", "comparison operator"],
    ["productCategoryCpc '1'", "unexpected string '1' at position 20", "comparison operator"],
    ["productCategoryCpc foo '1'", "unexpected 'foo' at position 20", "comparison operator"],
    ["productCategoryCpc eq '1' and", "the filter ended at position 30", "a comparison"],
    ["and productCategoryCpc eq '1'", "found operator 'and' at position 1"],
    ["productCategoryCpc eq '1' and and productCategoryCpc eq '2'", "found operator 'and' at position 31"],
    ["productCategoryCpc eq eq '1'", "found operator 'eq'"],
    ["()", "empty parentheses at position 1"],
    ["created eq ()", "empty parentheses at position 12"],
    [")", "unexpected ')' at position 1"],
    ['productCategoryCpc eq "1"', "string literals use single quotes"],
    ["created >= '2023-01-01T00:00:00Z'", "unexpected character '>' at position 9"],
    ["productCategoryCpc eq '1' && created eq '2'", "unexpected character '&'"],
    ["productCategoryCpc eq 3342", "'productCategoryCpc' needs a quoted string literal, found '3342'"],
    ["productIds/any(p:p eq 12)", "needs a quoted string literal"],
    ["productIds/any(p p eq 'x')", "':' after the lambda variable 'p'"],
    ["productIds/any('x')", "a lambda variable"],
    ["productIds/any(p:p eq 'x'", "missing ')' to close the '(' at position 15"],
    ["productIds/any(p:(p eq 'x')", "missing ')'"],
    ["productIds/any(p:p eq)", "unexpected ')'"],
    ["productIds/any(p:)", "unexpected ')'"],
    ["pcf/", "a name after the '/'"],
    ["pcf/ 'x'", "a name after the '/'"],
    ["created eq -", "unexpected character '-'"],
    ["productCategoryCpc eq '1'\u0000", 'unexpected character "\\u0000"'],
  ];
  for (const [raw, ...fragments] of cases) {
    it(JSON.stringify(raw), () => {
      failure(raw, "BadRequest", ...fragments);
    });
  }

  it("bounds the length", () => {
    const clause = "productCategoryCpc eq '1'";
    const long = `${clause} and ${" ".repeat(MAX_FILTER_LENGTH)}${clause}`;
    failure(long, "BadRequest", `at most ${MAX_FILTER_LENGTH}`);
    const justFits = `productCategoryCpc eq '${"x".repeat(MAX_FILTER_LENGTH - 24)}'`;
    assert.equal(justFits.length, MAX_FILTER_LENGTH);
    assert.ok(parseFootprintFilter(justFits).ok);
    failure(`${justFits} `, "BadRequest", "4097 characters");
  });

  it("bounds the nesting depth, in plain and lambda parentheses", () => {
    const nest = (n: number) => `${"(".repeat(n)}productCategoryCpc eq '1'${")".repeat(n)}`;
    assert.ok(parseFootprintFilter(nest(MAX_FILTER_DEPTH)).ok);
    failure(nest(MAX_FILTER_DEPTH + 1), "BadRequest", `deeper than ${MAX_FILTER_DEPTH}`);
    failure("(".repeat(4000), "BadRequest", "deeper than");
    const lambda = (n: number) => `productIds/any(p:${"(".repeat(n)}p eq 'x'${")".repeat(n)})`;
    assert.ok(parseFootprintFilter(lambda(MAX_FILTER_DEPTH - 1)).ok);
    failure(lambda(MAX_FILTER_DEPTH), "BadRequest", "deeper than");
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const codes = new Set(["BadRequest", "NotImplemented"]);

function assertWellFormedResult(raw: string): void {
  const r = parseFootprintFilter(raw);
  if (r.ok) return;
  assert.ok(codes.has(r.error.code), r.error.code);
  assert.equal(typeof r.error.message, "string");
  assert.ok(r.error.message.length > 0);
}

const vocabulary = [
  "(",
  ")",
  "/",
  ":",
  ",",
  "and",
  "AND",
  "or",
  "not",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "in",
  "has",
  "add",
  "any",
  "all",
  "created",
  "updated",
  "productCategoryCpc",
  "pcf",
  "geographyCountry",
  "referencePeriodStart",
  "pcf/referencePeriodEnd",
  "productIds",
  "companyIds",
  "productIds/any(p:",
  "companyIds/any(c:(c",
  "p",
  "c",
  "contains",
  "null",
  "true",
  "'x'",
  "'it''s'",
  "''",
  "'",
  "'2023-01-01T00:00:00Z'",
  "'2023-01-01T00:00:00 00:00'",
  "2023-01-01T00:00:00Z",
  "2023-01-01T00:00:00",
  "00:00",
  "+01:00",
  "3342",
  "-1",
  "datetime'2023-01-01'",
  '"x"',
  "$it",
  "@p",
  "=",
  " ",
];

const arbitraryFootprintFilterLeaf: fc.Arbitrary<FootprintFilter> = fc.oneof(
  fc.record(
    {
      kind: fc.constant("time" as const),
      property: fc.constantFrom(
        "created" as const,
        "updated" as const,
        "pcf/referencePeriodStart" as const,
        "pcf/referencePeriodEnd" as const,
      ),
      op: fc.constantFrom("eq" as const, "lt" as const, "le" as const, "gt" as const, "ge" as const),
      epochMs: fc.integer({
        min: Date.parse("0000-01-01T00:00:00Z"),
        max: Date.parse("9999-12-31T23:59:59.999Z"),
      }),
    },
    { noNullPrototype: true },
  ),
  fc.record(
    {
      kind: fc.constant("text" as const),
      property: fc.constantFrom("productCategoryCpc" as const, "pcf/geographyCountry" as const),
      op: fc.constantFrom("eq" as const, "lt" as const, "le" as const, "gt" as const, "ge" as const),
      value: fc.string({ unit: "binary", maxLength: 30 }),
    },
    { noNullPrototype: true },
  ),
  fc.record(
    {
      kind: fc.constant("any" as const),
      property: fc.constantFrom("productIds" as const, "companyIds" as const),
      value: fc.string({ unit: "binary", maxLength: 30 }),
    },
    { noNullPrototype: true },
  ),
);

const arbitraryFootprintFilter: fc.Arbitrary<FootprintFilter> = fc.oneof(
  arbitraryFootprintFilterLeaf,
  fc
    .array(arbitraryFootprintFilterLeaf, { minLength: 2, maxLength: 6 })
    .map((clauses): FootprintFilter => ({ kind: "and", clauses })),
);

describe("parseFootprintFilter: properties", () => {
  it("never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (raw) => assertWellFormedResult(raw)),
      { numRuns: 2000 },
    );
  });

  it("never throws on arbitrary sequences of filter tokens", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...vocabulary), { maxLength: 40 }),
        fc.constantFrom(" ", ""),
        (tokens, sep) => assertWellFormedResult(tokens.join(sep)),
      ),
      { numRuns: 2000 },
    );
  });

  it("parses a printed filter back to the same filter", () => {
    fc.assert(
      fc.property(arbitraryFootprintFilter, (filter) => {
        const printed = printFootprintFilter(filter);
        const r = parseFootprintFilter(printed);
        assert.ok(r.ok, `${printed}: ${r.ok ? "" : r.error.message}`);
        assert.deepEqual(r.value, filter);
      }),
      { numRuns: 2000 },
    );
  });

  it("flattens a printed nested and", () => {
    const leaf = (value: string): FootprintFilter => ({
      kind: "text",
      property: "productCategoryCpc",
      op: "eq",
      value,
    });
    const nested: FootprintFilter = {
      kind: "and",
      clauses: [leaf("a"), { kind: "and", clauses: [leaf("b"), leaf("c")] }],
    };
    assert.equal(
      printFootprintFilter(nested),
      "productCategoryCpc eq 'a' and (productCategoryCpc eq 'b' and productCategoryCpc eq 'c')",
    );
    assert.deepEqual(parsed(printFootprintFilter(nested)), {
      kind: "and",
      clauses: [leaf("a"), leaf("b"), leaf("c")],
    });
  });
});
