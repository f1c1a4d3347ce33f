/**
 * `ileap secret new`: mints a high-entropy client secret and its fast hash for the config file.
 * @module
 */
import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** Registers `secret new`. */
export function registerSecretCommand(program: Command, ctx: CliContext): void {
  const secret = program.command("secret").description("client secrets for the built-in issuer");
  secret
    .command("new")
    .description(
      "mint a client secret (ilsk_ + 256 random bits) and print it with its hmac-sha256 hash for auth.clients",
    )
    .addHelpText(
      "after",
      [
        "",
        "Prints two YAML lines: `secret` (give it to the client, once; it is not stored) and",
        "`secretHash` (put it in the config file under auth.clients). Minted secrets are checked",
        "with HMAC-SHA256 in microseconds; secrets chosen by people (ileap hash-secret) with scrypt.",
        "",
        "Example:",
        "  $ ileap secret new",
      ].join("\n"),
    )
    .action(async () => {
      const { hashSecret, mintSecret } = await import("../../auth/secret-hash.ts");
      const value = mintSecret();
      ctx.term.stdout.write(`secret: ${value}\nsecretHash: "${await hashSecret(value)}"\n`);
    });
}
