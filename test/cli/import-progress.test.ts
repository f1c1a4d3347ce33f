/**
 * `ileap import` progress on a terminal: records read and what became of them (written or valid,
 * rejected), not only the share of bytes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runImport } from "../../src/cli/commands/import.ts";
import type { OutStream } from "../../src/cli/output.ts";
import { demoTad } from "../../src/testing/demo-data.ts";

class Capture {
  text = "";
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe("ileap import progress", () => {
  const dir = mkdtempSync(join(tmpdir(), "ileap-progress-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("names records read, written and rejected on a terminal", async () => {
    const good = demoTad().map((t, i) => ({ ...t, activityId: `progress-${i}` }));
    const bad = { ...good[0], activityId: "progress-bad", mode: "Teleport" };
    const file = join(dir, "tad.ndjson");
    writeFileSync(file, `${[...good, bad].map((r) => JSON.stringify(r)).join("\n")}\n`);
    const stderr = new Capture(true);
    const stdout = new Capture(false);
    const code = await runImport(
      [file],
      { kind: "tad", mode: "partial", batchSize: "5", progress: true, dataDir: join(dir, "data") },
      { PATH: process.env.PATH ?? "" },
      {
        stdout: stdout as unknown as OutStream,
        stderr: stderr as unknown as OutStream,
        readStdin: async () => "",
      },
    );
    assert.equal(code, 1, stderr.text);
    const lines = stderr.text.split("\r\u001b[2K").filter((l) => l.startsWith("["));
    assert.ok(lines.length > 0, JSON.stringify(stderr.text.slice(0, 400)));
    const last = lines.at(-1)!;
    assert.match(
      last,
      new RegExp(`100% ${good.length + 1} records: ${good.length} written, 1 rejected`),
      last,
    );
    assert.match(last, /rec\/s {2}ETA/);
  });
});
