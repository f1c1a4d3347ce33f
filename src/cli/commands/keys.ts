/**
 * `ileap keys rotate`: signing-key rotation in the data directory.
 * @module
 */
import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** Registers `keys rotate`. */
export function registerKeysCommands(program: Command, ctx: CliContext): void {
  program
    .command("keys")
    .description("manage the signing keys in the data directory")
    .command("rotate")
    .description("make a new signing key; the old one stays published until the next rotation")
    .option("--data-dir <dir>", "data directory (env ILEAP_DATA_DIR)", ctx.env.ILEAP_DATA_DIR ?? "./.ileap")
    .addHelpText("after", "\nExample:\n  $ ileap keys rotate --data-dir ./.ileap   # then restart the host")
    .action(async (flags: { dataDir: string }) => {
      const { rotateKeyRing } = await import("../../auth/local/keyring.ts");
      const ring = await rotateKeyRing(flags.dataDir);
      ctx.term.stdout.write(
        `new signing key ${ring.current.kid}${ring.previous ? ` (previous ${ring.previous.kid})` : ""}\n`,
      );
    });
}
