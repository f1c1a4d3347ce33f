/**
 * `ileap serve`: starts an iLEAP host (implementation in `../serve.ts`).
 * @module
 */
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import type { ServeFlags } from "../serve.ts";

/** Registers `serve`. */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description("start an iLEAP host")
    .option("--demo", "load demo data and enable the demo clients")
    .option("-c, --config <file>", "JSON or YAML config file")
    .option("-p, --port <port>", "port (env PORT, default 8080)")
    .option("--host <host>", "interface to listen on (default 0.0.0.0)")
    .option("--data-dir <dir>", "data directory (default ./.ileap)")
    .option("--tls-cert <file>", "TLS certificate (PEM)")
    .option("--tls-key <file>", "TLS private key (PEM)")
    .option("--path-prefix <prefix>", "route prefix, e.g. /ileap")
    .option("--public-url <url>", "public base URL used in discovery and Link headers")
    .option(
      "--allowed-hosts <hosts>",
      "host names served (comma-separated, name or name:port); other hosts get 421",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ ileap serve --demo\n  $ ileap serve --config ileap.yaml --tls-cert cert.pem --tls-key key.pem",
    )
    .action(async (flags: ServeFlags) => {
      // Loaded on use: the client commands do not pay for (or depend on) the server's modules.
      const { serveCommand } = await import("../serve.ts");
      await serveCommand(flags, ctx.env);
    });
}
