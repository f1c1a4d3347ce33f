/**
 * The repository must work on a clone with nothing beside it: no tracked file may name the shared
 * reference folder of the workspace or a fixed absolute path of some machine. The one exception is
 * `.ci/run`, whose optional official-conformance step calls a tool outside the repository.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Files allowed to break the rule, with the reason. */
const EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  [".ci/run", "calls the official PACT conformance tool next to the workspace when present"],
  [".gitignore", "a leading `/` anchors a pattern at the repository root, it is no machine path"],
]);

/** What must not appear: the workspace's shared folder, and absolute paths of a machine. */
const FORBIDDEN: readonly { name: string; pattern: RegExp }[] = [
  {
    name: "the shared folder beside the repository",
    pattern: /\.\.\/shared\b|(?<![\w.-])shared\/(reference|tools|docs)\b/,
  },
  {
    name: "a fixed absolute machine path",
    // Preceded by start, whitespace, a quote, `(`, `=` or `:` so that URLs and JSON pointers don't count.
    pattern: /(?:^|[\s"'`(=:])\/(?:work|home|Users|root|tmp|mnt)\/[\w.-]/m,
  },
];

/** Tracked files (git), or every file outside node_modules/dist/.git when there is no git metadata. */
function trackedFiles(): string[] {
  if (existsSync(join(ROOT, ".git"))) {
    const out = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
    return out.split("\0").filter((f) => f !== "" && existsSync(join(ROOT, f)));
  }
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name === "dist" || name === ".git" || name === ".ileap") continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(ROOT, path));
    }
  };
  walk(ROOT);
  return files;
}

/** The offending lines of one text, as `line: text`. */
export function offences(text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    for (const { name, pattern } of FORBIDDEN)
      if (pattern.test(line)) found.push(`${i + 1}: ${name}: ${line.trim().slice(0, 160)}`);
  });
  return found;
}

describe("self-contained repository", () => {
  it("the guard recognises what it must refuse, and lets ordinary text pass", () => {
    // Samples are assembled so that this file does not contain them itself.
    const up = "..";
    assert.equal(offences(`const s = "/work/${"shared"}/reference/x.json";`).length, 2);
    assert.equal(offences(`new URL(\`${up}/${up}/${up}/${"shared"}/reference/\${f}\`)`).length, 1);
    assert.equal(offences(`cp file ${"/tmp"}/x/y`).length, 1);
    assert.equal(offences(`see ~/notes or ${"/home"}/me/notes`).length, 1);
    assert.deepEqual(offences('fetch("https://example.com/work/items"); const p = "/2/footprints";'), []);
    assert.deepEqual(offences("a shared key; the /tmp directory; mkdtemp(join(tmpdir(), 'x-'))"), []);
    assert.deepEqual(offences("WorkingDirectory=/opt/ileap"), []);
  });

  it("no tracked file names the shared folder or an absolute machine path", () => {
    const files = trackedFiles();
    assert.ok(files.includes("package.json"), `listing found ${files.length} files`);
    const problems: string[] = [];
    for (const file of files) {
      if (EXCEPTIONS.has(file)) continue;
      const bytes = readFileSync(join(ROOT, file));
      if (bytes.includes(0)) continue; // binary
      for (const o of offences(bytes.toString("utf8"))) problems.push(`${file}:${o}`);
    }
    assert.deepEqual(
      problems,
      [],
      `these files depend on the machine they were written on:\n${problems.join("\n")}`,
    );
  });
});
