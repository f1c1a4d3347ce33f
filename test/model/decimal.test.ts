import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  absDecimal,
  addDecimal,
  compareDecimal,
  DecimalError,
  decimalEquals,
  divideDecimal,
  equalWithinTolerance,
  formatDecimal,
  fractionDigits,
  isDecimalString,
  multiplyDecimal,
  normalizeDecimal,
  parseDecimal,
  roundDecimal,
  scaleByPowerOfTen,
  subtractDecimal,
  sumDecimal,
  withinRoundingOrRelative,
} from "../../src/model/decimal.ts";

describe("decimal: parse and normalise", () => {
  it("normalises without exponent, leading or trailing zeros, and never -0", () => {
    const cases: [string, string][] = [
      ["10", "10"],
      ["007.50", "7.5"],
      ["0.10", "0.1"],
      ["-1.20", "-1.2"],
      ["-0", "0"],
      ["-0.000", "0"],
      ["0.000", "0"],
      ["1.000", "1"],
      ["100", "100"],
      ["-0.123", "-0.123"],
      [
        "123456789012345678901234567890.000000000000000000001",
        "123456789012345678901234567890.000000000000000000001",
      ],
    ];
    for (const [input, expected] of cases) assert.equal(normalizeDecimal(input), expected, input);
  });

  it("rejects anything that is not ^-?\\d+(\\.\\d+)?$", () => {
    for (const bad of [
      "",
      "1e3",
      "1E-2",
      "1,5",
      ".5",
      "5.",
      "+1",
      " 1",
      "1 ",
      "NaN",
      "Infinity",
      "--1",
      "0x10",
      "1.2.3",
    ]) {
      assert.equal(isDecimalString(bad), false, bad);
      assert.throws(() => parseDecimal(bad), DecimalError, bad);
    }
    assert.equal(isDecimalString(1), false);
    assert.equal(isDecimalString(null), false);
  });

  it("parses into units and scale and formats back", () => {
    assert.deepEqual(parseDecimal("-12.340"), { units: -1234n, scale: 2 });
    assert.equal(formatDecimal({ units: -5n, scale: 3 }), "-0.005");
    assert.equal(formatDecimal({ units: 1200n, scale: 2 }), "12");
  });

  it("counts fraction digits as written", () => {
    assert.equal(fractionDigits("1.50"), 2);
    assert.equal(fractionDigits("15"), 0);
  });
});

describe("decimal: arithmetic", () => {
  it("adds, subtracts and sums exactly", () => {
    assert.equal(addDecimal("0.1", "0.2"), "0.3");
    assert.equal(addDecimal("-1.5", "1.5"), "0");
    assert.equal(subtractDecimal("1", "1.0001"), "-0.0001");
    assert.equal(sumDecimal([]), "0");
    assert.equal(sumDecimal(["15.21", "16", "27.6", "12.5", "115.2"]), "186.51");
    assert.equal(sumDecimal(Array.from({ length: 10 }, () => "0.1")), "1");
  });

  it("multiplies exactly", () => {
    assert.equal(multiplyDecimal("780", "12000"), "9360000");
    assert.equal(multiplyDecimal("650", "0.0234"), "15.21");
    assert.equal(multiplyDecimal("-0.5", "0.5"), "-0.25");
    assert.equal(multiplyDecimal("0", "-3.2"), "0");
  });

  it("divides with a fixed scale and rounding mode", () => {
    assert.equal(divideDecimal("10", "4"), "2.5");
    assert.equal(divideDecimal("1", "3", { scale: 5 }), "0.33333");
    assert.equal(divideDecimal("2", "3", { scale: 5 }), "0.66667");
    assert.equal(divideDecimal("-2", "3", { scale: 2 }), "-0.67");
    assert.equal(divideDecimal("-2", "3", { scale: 2, rounding: "down" }), "-0.66");
    assert.equal(divideDecimal("0.125", "1", { scale: 2 }), "0.13");
    assert.equal(divideDecimal("0.125", "1", { scale: 2, rounding: "half-even" }), "0.12");
    assert.equal(divideDecimal("0.135", "1", { scale: 2, rounding: "half-even" }), "0.14");
    assert.equal(divideDecimal("1", "-8", { scale: 2 }), "-0.13");
    assert.equal(divideDecimal("1", "3"), "0.333333333333");
    assert.throws(() => divideDecimal("1", "0.000"), DecimalError);
    assert.throws(() => divideDecimal("1", "3", { scale: -1 }), DecimalError);
  });

  it("rounds and scales by powers of ten", () => {
    assert.equal(roundDecimal("2.345", 2), "2.35");
    assert.equal(roundDecimal("2.345", 2, "half-even"), "2.34");
    assert.equal(roundDecimal("-2.345", 2), "-2.35");
    assert.equal(roundDecimal("2.3", 4), "2.3");
    assert.equal(roundDecimal("-0.004", 2), "0");
    assert.equal(scaleByPowerOfTen("161000", -3), "161");
    assert.equal(scaleByPowerOfTen("1.5", 2), "150");
    assert.equal(scaleByPowerOfTen("1.5", -2), "0.015");
  });

  it("compares numerically and with a tolerance", () => {
    assert.equal(compareDecimal("1.50", "1.5"), 0);
    assert.equal(compareDecimal("-2", "1"), -1);
    assert.equal(compareDecimal("10", "9.999"), 1);
    assert.equal(decimalEquals("0.0", "-0"), true);
    assert.equal(absDecimal("-3.25"), "3.25");
    assert.equal(equalWithinTolerance("1.001", "1", "0.001"), true);
    assert.equal(equalWithinTolerance("1.0011", "1", "0.001"), false);
    assert.equal(equalWithinTolerance("1", "1.00"), true);
    assert.throws(() => equalWithinTolerance("1", "1", "-0.1"), DecimalError);
  });
});

describe("decimal: properties", () => {
  const decimal = fc
    .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }))
    .map(([units, scale]) => formatDecimal({ units, scale }));

  it("normalised output always matches the pattern and never reads -0", () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        for (const r of [addDecimal(a, b), subtractDecimal(a, b), multiplyDecimal(a, b)]) {
          assert.ok(isDecimalString(r));
          assert.notEqual(r, "-0");
          assert.equal(normalizeDecimal(r), r);
        }
      }),
    );
  });

  it("subtraction inverts addition and exact division inverts multiplication", () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        assert.equal(subtractDecimal(addDecimal(a, b), b), normalizeDecimal(a));
        if (!decimalEquals(b, "0")) {
          assert.equal(divideDecimal(multiplyDecimal(a, b), b, { scale: 30 }), normalizeDecimal(a));
        }
      }),
    );
  });

  it("matches a reported figure as the composed tolerance check does", () => {
    // The definition withinRoundingOrRelative computes in one pass (see its doc comment).
    const composed = (reported: string, expected: string, relative: string): boolean => {
      const rounding = scaleByPowerOfTen("5", -(fractionDigits(reported) + 1));
      const rel = multiplyDecimal(absDecimal(expected), relative);
      return equalWithinTolerance(reported, expected, compareDecimal(rounding, rel) >= 0 ? rounding : rel);
    };
    // Reported figures as written (trailing zeros count), expected ones near them.
    const written = fc
      .tuple(decimal, fc.integer({ min: 0, max: 3 }))
      .map(([d, zeros]) => (zeros === 0 ? d : `${d}${d.includes(".") ? "" : "."}${"0".repeat(zeros)}`));
    const near = fc
      .tuple(written, fc.bigInt({ min: -2000n, max: 2000n }), fc.integer({ min: 0, max: 8 }))
      .map(([r, delta, scale]) => [r, addDecimal(r, formatDecimal({ units: delta, scale }))] as const);
    const tolerance = fc.constantFrom("0.001", "0", "0.05", "0.0000001", "1");
    fc.assert(
      fc.property(near, tolerance, ([reported, expected], relative) => {
        assert.equal(
          withinRoundingOrRelative(reported, expected, relative),
          composed(reported, expected, relative),
          `${reported} vs ${expected} within ${relative}`,
        );
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(written, decimal, tolerance, (reported, expected, relative) => {
        assert.equal(
          withinRoundingOrRelative(reported, expected, relative),
          composed(reported, expected, relative),
        );
      }),
    );
    // Both bounds are inclusive.
    assert.equal(withinRoundingOrRelative("12.3", "12.35", "0"), true);
    assert.equal(withinRoundingOrRelative("12.30", "12.305", "0"), true);
    assert.equal(withinRoundingOrRelative("1001", "1000", "0.001"), true);
    assert.equal(withinRoundingOrRelative("-1001", "-1000", "0.001"), true);
    assert.equal(withinRoundingOrRelative("12.3", "12.34", "0"), true);
    assert.equal(withinRoundingOrRelative("12.3", "12.36", "0"), false);
    assert.equal(withinRoundingOrRelative("1000", "1000.9", "0.001"), true);
    assert.equal(withinRoundingOrRelative("1000", "1001.1", "0.001"), false);
    assert.throws(() => withinRoundingOrRelative("1e3", "1", "0"), DecimalError);
  });

  it("ordering agrees with subtraction", () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const diff = subtractDecimal(a, b);
        const sign = diff === "0" ? 0 : diff.startsWith("-") ? -1 : 1;
        assert.equal(compareDecimal(a, b), sign);
      }),
    );
  });
});
