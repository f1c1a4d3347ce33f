import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalJson } from "../../src/store/canonical-json.ts";

describe("canonicalJson", () => {
  it("writes pure ASCII that parses back to the same value", () => {
    const doc = { city: "Köln – Straße", emoji: "🚚", ctrl: "\u007f", quote: '"\\', n: 1.5, list: ["é"] };
    const text = canonicalJson(doc);
    assert.match(text, /^[\x20-\x7e]*$/);
    assert.deepEqual(JSON.parse(text), doc);
    assert.equal(canonicalJson({ a: "plain" }), '{"a":"plain"}');
    assert.ok(text.includes("\\u00f6") && text.includes("\\ud83d\\ude9a"));
  });
});
