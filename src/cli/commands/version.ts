/**
 * `ileap version` (and the package version for `--version`).
 * @module
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** The package version from `package.json`. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** Registers `version`. */
export function registerVersionCommand(program: Command, ctx: CliContext): void {
  program
    .command("version")
    .description("print the version")
    .action(() => {
      ctx.term.stdout.write(`${VERSION}\n`);
    });
}
