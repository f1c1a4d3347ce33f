import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MAX_LIMIT_DIGITS, parseLimit } from "../../src/protocol/limit.ts";

describe("parseLimit", () => {
  it("returns undefined when absent", () => {
    assert.deepEqual(parseLimit(undefined, 100), { ok: true, value: undefined });
  });

  it("accepts positive decimal integers", () => {
    assert.deepEqual(parseLimit("1", 100), { ok: true, value: 1 });
    assert.deepEqual(parseLimit("42", 100), { ok: true, value: 42 });
    assert.deepEqual(parseLimit("100", 100), { ok: true, value: 100 });
    assert.deepEqual(parseLimit("007", 100), { ok: true, value: 7 });
  });

  it("clamps values above max", () => {
    assert.deepEqual(parseLimit("101", 100), { ok: true, value: 100 });
    assert.deepEqual(parseLimit("9".repeat(MAX_LIMIT_DIGITS), 1000), { ok: true, value: 1000 });
  });

  it("rejects everything else with BadRequest naming the value", () => {
    for (const raw of [
      "",
      "0",
      "00",
      "-1",
      "+1",
      " 1",
      "1 ",
      "1.0",
      "1e3",
      "0x10",
      "abc",
      "１",
      "1,000",
      "Infinity",
      "NaN",
    ]) {
      const r = parseLimit(raw, 100);
      assert.ok(!r.ok, raw);
      assert.equal(r.error.code, "BadRequest");
      assert.ok(r.error.message.includes(JSON.stringify(raw)), r.error.message);
    }
    const long = parseLimit("1".repeat(MAX_LIMIT_DIGITS + 1), 100);
    assert.ok(!long.ok);
    assert.equal(long.error.code, "BadRequest");
    const huge = parseLimit("1".repeat(10_000), 100);
    assert.ok(!huge.ok);
    assert.ok(huge.error.message.length < 200);
  });

  it("never throws and never exceeds max", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.nat().map(String)),
        fc.integer({ min: 1, max: 1000 }),
        (raw, max) => {
          const r = parseLimit(raw, max);
          if (r.ok) {
            assert.ok(r.value !== undefined && r.value >= 1 && r.value <= max);
          } else {
            assert.equal(r.error.code, "BadRequest");
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
