import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type FileRecord, parseRecords, RecordFileReader, RecordSyntaxError } from "../../src/ingest/read.ts";

const dir = mkdtempSync(join(tmpdir(), "ileap-read-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function readAll(path: string): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const r of new RecordFileReader(path)) out.push(r);
  return out;
}

describe("RecordFileReader", () => {
  it("streams a JSON array larger than its read chunks, whatever the strings hold", async () => {
    const records = Array.from({ length: 12000 }, (_, i) => ({
      i,
      tricky: `a,]}{["\\\n ${i} Köln → Genève 🚚 ${"x".repeat(i % 600)}`,
      nested: { list: [1, [2, { three: "]" }]], empty: [], obj: {} },
    }));
    const text = `\n[\n${records.map((r) => JSON.stringify(r, null, i(r.i))).join(" ,\n")}\n]\n`;
    assert.ok(Buffer.byteLength(text) > 3 * 1024 * 1024, "spans several 1 MiB chunks");
    const path = write("big.json", text);
    const reader = new RecordFileReader(path);
    const got: unknown[] = [];
    for await (const r of reader) {
      assert.ok("value" in r.input, JSON.stringify(r.input));
      got.push(r.input.value);
    }
    assert.deepEqual(got, records);
    assert.equal(reader.bytesRead, reader.size);
    function i(n: number) {
      return n % 3 === 0 ? 2 : undefined;
    }
  });

  it("reads NDJSON line by line, with line numbers, CRLF, blank lines and bad lines", async () => {
    const path = write("x.ndjson", '{"a":1}\r\n\n{nope\n"é"\n{"b":[1,2]}');
    const got = await readAll(path);
    assert.deepEqual(
      got.map((r) => [r.index, r.line, "value" in r.input ? r.input.value : r.input.error.rule]),
      [
        [0, 1, { a: 1 }],
        [1, 3, "ingest.json"],
        [2, 4, "é"],
        [3, 5, { b: [1, 2] }],
      ],
    );
  });

  it("detects the format from the content when the extension does not say", async () => {
    assert.equal((await readAll(write("a.json", '{"x":1}\n{"x":2}\n'))).length, 2);
    assert.equal((await readAll(write("b.txt", '  [{"x":1}]'))).length, 1);
    assert.equal((await readAll(write("c.json", "[ ]"))).length, 0);
    assert.equal((await readAll(write("d.json", ""))).length, 0);
  });

  it("yields a malformed element as a record error and refuses a broken array", async () => {
    const got = await readAll(write("e.json", '[{"a":1}, {"b": tru}, 3]'));
    assert.equal(got.length, 3);
    assert.ok("error" in (got[1]?.input ?? {}));
    for (const [name, text] of [
      ["f.json", '[{"a":1} {"b":2}]'],
      ["g.json", '[{"a":1},'],
      ["h.json", '[{"a":1}] trailing'],
      ["i.json", "[,1]"],
    ]) {
      await assert.rejects(readAll(write(name as string, text as string)), RecordSyntaxError, name);
    }
  });
});

describe("parseRecords (request bodies)", () => {
  it("takes a JSON array, one object, or NDJSON", () => {
    assert.deepEqual(parseRecords('[{"a":1},2]', "json"), [{ value: { a: 1 } }, { value: 2 }]);
    assert.deepEqual(parseRecords('{"a":1}', "json"), [{ value: { a: 1 } }]);
    const nd = parseRecords('{"a":1}\n\nbad\n', "ndjson");
    assert.equal(nd.length, 2);
    assert.ok("error" in (nd[1] ?? {}));
    assert.throws(() => parseRecords("[1,", "json"), RecordSyntaxError);
    assert.throws(() => parseRecords('"text"', "json"), RecordSyntaxError);
  });
});
