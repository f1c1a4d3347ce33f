/** The `ileap` program itself: help with examples and exit codes, usage errors, version, completion scripts. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli.ts";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const COMMANDS = ["serve", "auth", "footprints", "tad", "validate", "conformance", "completion", "version"];

describe("ileap basics", () => {
  it("prints help with every command, examples and the exit codes", async () => {
    const [top, sub] = await Promise.all([runCli(["--help"]), runCli(["tad", "list", "--help"])]);
    assert.equal(top.code, 0);
    for (const c of COMMANDS) assert.match(top.stdout, new RegExp(`^  ${c}\\b`, "m"), c);
    assert.match(top.stdout, /Examples:/);
    assert.match(top.stdout, /Exit codes:\n {2}0 {2}success/);
    assert.match(top.stdout, /3 {2}authentication error/);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--where <field=value>/);
    assert.match(sub.stdout, /\$ ileap tad list --mode Rail/);
  });

  it("exits 2 on usage errors and 0 for version", async () => {
    const [none, unknown, badOption, missingArg, version, versionFlag] = await Promise.all([
      runCli([]),
      runCli(["frobnicate"]),
      runCli(["version", "--nope"]),
      runCli(["auth", "login", "--base-url", "http://x"]),
      runCli(["version"]),
      runCli(["--version"]),
    ]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: ileap/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.equal(badOption.code, 2);
    assert.equal(missingArg.code, 2);
    assert.match(missingArg.stderr, /--client-id/);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), VERSION);
    assert.equal(versionFlag.stdout.trim(), VERSION);
  });

  it("prints completion scripts for bash, zsh and fish", async () => {
    const [bash, zsh, fish, tcsh] = await Promise.all([
      runCli(["completion", "bash"]),
      runCli(["completion", "zsh"]),
      runCli(["completion", "fish"]),
      runCli(["completion", "tcsh"]),
    ]);
    assert.equal(bash.code, 0);
    assert.equal(spawnSync("bash", ["-n"], { input: bash.stdout }).status, 0, "valid bash syntax");
    const words = spawnSync(
      "bash",
      [
        "-c",
        `${bash.stdout}\nCOMP_WORDS=(ileap tad list --w); COMP_CWORD=3; _ileap_complete; echo "\${COMPREPLY[@]}"`,
      ],
      { encoding: "utf8" },
    );
    assert.equal(words.stdout.trim(), "--where");
    assert.match(zsh.stdout, /^#compdef ileap/);
    assert.match(zsh.stdout, /'footprints list'\) cmds=\(\); opts=\(.*'--filter:/);
    assert.match(fish.stdout, /complete -c ileap -f -n '__fish_use_subcommand' -a conformance/);
    assert.match(
      fish.stdout,
      /__fish_seen_subcommand_from tad; and __fish_seen_subcommand_from list' -l mode -r/,
    );
    assert.equal(tcsh.code, 2);
  });
});
