import { readFileSync } from "node:fs";
import { Command } from "commander";
import { rotateKeyRing } from "../auth/local/keyring.ts";
import { hashSecret } from "../auth/secret-hash.ts";
import { serveCommand } from "./serve.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** Builds the `ileap` command line. */
export function buildCli(): Command {
  const program = new Command("ileap")
    .description("iLEAP host, client and conformance tools (PACT Data Exchange Protocol v2 + iLEAP v1.0)")
    .version(pkg.version, "-v, --version");

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
    .addHelpText(
      "after",
      "\nExamples:\n  $ ileap serve --demo\n  $ ileap serve --config ileap.yaml --tls-cert cert.pem --tls-key key.pem",
    )
    .action((flags) => serveCommand(flags, process.env));

  program
    .command("hash-secret")
    .description("read a client secret from stdin and print its scrypt hash for the config file")
    .addHelpText("after", "\nExample:\n  $ printf '%s' \"$SECRET\" | ileap hash-secret")
    .action(async () => {
      const secret = await readStdin();
      if (!secret) {
        process.stderr.write("ileap: no secret on stdin\n");
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`${await hashSecret(secret)}\n`);
    });

  program
    .command("keys")
    .description("manage the signing keys in the data directory")
    .command("rotate")
    .description("make a new signing key; the old one stays published until the next rotation")
    .option("--data-dir <dir>", "data directory", process.env.ILEAP_DATA_DIR ?? "./.ileap")
    .action(async (flags: { dataDir: string }) => {
      const ring = await rotateKeyRing(flags.dataDir);
      process.stdout.write(
        `new signing key ${ring.current.kid}${ring.previous ? ` (previous ${ring.previous.kid})` : ""}\n`,
      );
    });

  program
    .command("version")
    .description("print the version")
    .action(() => {
      process.stdout.write(`${pkg.version}\n`);
    });
  return program;
}

await buildCli().parseAsync(process.argv);
