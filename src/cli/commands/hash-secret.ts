/**
 * `ileap hash-secret`: hash of a client secret for the config file (scrypt; `hmac-sha256` for a
 * secret minted by `ileap secret new`).
 * @module
 */
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { readStdin } from "../secrets.ts";

/** Registers `hash-secret`. */
export function registerHashSecretCommand(program: Command, ctx: CliContext): void {
  program
    .command("hash-secret")
    .description(
      "read a client secret from stdin and print its hash for the config file (scrypt; hmac-sha256 for secrets from 'ileap secret new')",
    )
    .addHelpText("after", "\nExample:\n  $ printf '%s' \"$SECRET\" | ileap hash-secret")
    .action(async () => {
      const secret = await readStdin();
      if (!secret) throw new CliError("no secret on stdin", EXIT.usage);
      const { hashSecret } = await import("../../auth/secret-hash.ts");
      ctx.term.stdout.write(`${await hashSecret(secret)}\n`);
    });
}
