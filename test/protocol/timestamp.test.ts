import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseTimestamp } from "../../src/protocol/timestamp.ts";

const MIN = Date.parse("0000-01-02T00:00:00Z");
const MAX = Date.parse("9999-12-30T23:59:59.999Z");

describe("parseTimestamp", () => {
  it("agrees with Date for ISO strings in UTC", () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN, max: MAX }), (ms) => {
        assert.deepEqual(parseTimestamp(new Date(ms).toISOString()), { ms, subMs: false });
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees with Date.parse for local times with offsets, also with a space for '+'", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN, max: MAX }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (ms, offset) => {
          const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
          const abs = Math.abs(offset);
          const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
          const text = `${local}${offset < 0 ? "-" : "+"}${hhmm}`;
          assert.equal(parseTimestamp(text)?.ms, ms, text);
          if (offset >= 0) assert.equal(parseTimestamp(`${local} ${hhmm}`)?.ms, ms);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        const r = parseTimestamp(s);
        if (r !== undefined) assert.ok(Number.isInteger(r.ms));
      }),
      { numRuns: 2000 },
    );
  });
});
