import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { demoTad } from "../../src/testing/demo-data.ts";

const BIN = new URL("../../scripts/ileap-dev.js", import.meta.url).pathname;
const BATCH = 200;

describe("SIGKILL during an import", () => {
  it("leaves only whole batches in the store, and the store opens and takes the rest afterwards", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-kill-"));
    try {
      const template = demoTad();
      const lines: string[] = [];
      for (let i = 0; i < 40_000; i++) {
        const t = template[i % template.length]!;
        lines.push(JSON.stringify({ ...t, activityId: `kill-${i}` }));
      }
      const file = join(dir, "tad.ndjson");
      writeFileSync(file, `${lines.join("\n")}\n`);
      const dataDir = join(dir, "data");
      const run = () =>
        spawn(
          process.execPath,
          [BIN, "import", file, "--kind", "tad", "--batch-size", String(BATCH), "--data-dir", dataDir],
          {
            env: { PATH: process.env.PATH ?? "" },
            stdio: "ignore",
          },
        );
      const count = () => {
        const db = new Database(join(dataDir, "ileap.sqlite"));
        try {
          return (
            db.prepare("SELECT COUNT(*) AS n FROM tad WHERE activity_id LIKE 'kill-%'").get() as { n: number }
          ).n;
        } finally {
          db.close();
        }
      };
      const child = run();
      // Kill once some batches are in: poll the store from outside (WAL allows a concurrent reader).
      const started = Date.now();
      let seen = 0;
      while (Date.now() - started < 60_000) {
        await new Promise((r) => setTimeout(r, 50));
        try {
          seen = count();
        } catch {
          seen = 0; // not created yet
        }
        if (seen >= BATCH * 2) break;
      }
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      assert.ok(seen >= BATCH * 2, "the import had written batches before it was killed");
      const afterKill = count();
      assert.ok(afterKill < lines.length, "killed before the end");
      assert.equal(afterKill % BATCH, 0, `only whole batches are stored (${afterKill})`);
      const again = run();
      const code = await new Promise<number | null>((r) => again.once("exit", r));
      assert.equal(code, 0);
      assert.equal(count(), lines.length, "re-running the import completes it (TAD replaced by activityId)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
