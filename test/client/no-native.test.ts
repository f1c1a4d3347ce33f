/**
 * `ileap-ts/client` stays cheap: importing it loads neither native module (better-sqlite3, pg),
 * not even transitively, so a Node app that only consumes iLEAP data never builds or loads them.
 * Checked in a fresh process (CommonJS packages imported from ESM land in `require.cache`).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Packages under node_modules that were loaded after importing `entry` (a path under src/). */
function loadedPackages(entry: string): string[] {
  const script = `
    import { createRequire } from "node:module";
    await import(${JSON.stringify(`./${entry}`)});
    const names = Object.keys(createRequire(import.meta.url).cache)
      .map((p) => /[\\\\/]node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(p)?.[1])
      .filter(Boolean);
    console.log(JSON.stringify([...new Set(names)]));`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").at(-1) ?? "[]") as string[];
}

describe("ileap-ts/client", () => {
  it("loads neither better-sqlite3 nor pg", () => {
    const loaded = loadedPackages("src/client/index.ts");
    assert.ok(!loaded.includes("better-sqlite3"), `loaded: ${loaded.join(", ")}`);
    assert.ok(!loaded.includes("pg"), `loaded: ${loaded.join(", ")}`);
  });

  it("while the host entry does (the check sees them)", () => {
    const loaded = loadedPackages("src/index.ts");
    assert.ok(loaded.includes("better-sqlite3") && loaded.includes("pg"), `loaded: ${loaded.join(", ")}`);
  });
});
