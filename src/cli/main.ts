/**
 * The `ileap` command line: one module per command group in `./commands/`. Running this module
 * runs the CLI (`bin/ileap.js` imports it); errors are printed once, here, and mapped to the exit
 * codes of `./exit-codes.ts`.
 * @module
 */
import { Command } from "commander";
import { registerAuthCommands } from "./commands/auth.ts";
import { registerCompletionCommand } from "./commands/completion.ts";
import { registerConformanceCommand } from "./commands/conformance.ts";
import { registerEventsCommand } from "./commands/events.ts";
import { registerFootprintsCommands } from "./commands/footprints.ts";
import { registerHashSecretCommand } from "./commands/hash-secret.ts";
import { registerKeysCommands } from "./commands/keys.ts";
import { registerSecretCommand } from "./commands/secret.ts";
import { registerServeCommand } from "./commands/serve.ts";
import { registerTadCommands } from "./commands/tad.ts";
import { registerValidateCommand } from "./commands/validate.ts";
import { registerVersionCommand, VERSION } from "./commands/version.ts";
import { type CliContext, createContext } from "./context.ts";
import { reportError } from "./errors.ts";
import { EXIT } from "./exit-codes.ts";
import { processTerminal } from "./output.ts";

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure: invalid documents, conformance not passed, request refused by the host
  2  usage or configuration error
  3  authentication error: not logged in, credentials refused, token expired
  4  network or server error: no connection, timeout, 5xx, rate limited`;

/** Builds the `ileap` program for a context (terminal and environment). */
export function buildCli(ctx: CliContext): Command {
  const program = new Command("ileap")
    .description("iLEAP host, client and conformance tools (PACT Data Exchange Protocol v2 + iLEAP v1.0)")
    .version(VERSION, "-v, --version")
    // `ileap -v` / `ileap --version` only before a command: `ileap conformance --version 3.0` is
    // the command's own option.
    .enablePositionalOptions()
    .showHelpAfterError("(add --help for more information)")
    .configureOutput({
      writeOut: (s) => ctx.term.stdout.write(s),
      writeErr: (s) => ctx.term.stderr.write(s),
      outputError: (s, write) => write(ctx.term.err.red(s)),
    })
    .exitOverride()
    .addHelpText(
      "after",
      `
Examples:
  $ ileap serve --demo
  $ ileap auth login --base-url http://127.0.0.1:8080 --client-id hello
  $ ileap footprints list --all
  $ ileap tad list --mode Rail --json
  $ ileap validate footprints.ndjson
  $ ileap conformance https://api.example.com --client-id acme --client-secret-stdin --expired-token
${EXIT_CODES_HELP}`,
    );

  program.commandsGroup("Host:");
  registerServeCommand(program, ctx);
  registerHashSecretCommand(program, ctx);
  registerSecretCommand(program, ctx);
  registerKeysCommands(program, ctx);

  program.commandsGroup("Client:");
  registerAuthCommands(program, ctx);
  registerFootprintsCommands(program, ctx);
  registerTadCommands(program, ctx);
  registerEventsCommand(program, ctx);
  // `import`, `db` and `clerk-emulator` load the server, the database drivers or the emulator:
  // they are registered through LAZY_COMMANDS.

  program.commandsGroup("Tools:");
  registerValidateCommand(program, ctx);
  registerConformanceCommand(program, ctx);
  registerCompletionCommand(program, ctx);
  registerVersionCommand(program, ctx);
  program.helpCommand("help [command]", "display help for a command");
  return program;
}

/**
 * Commands of other modules that import heavy dependencies (servers, emulators) at load time: they
 * are registered only when the command line may need them, so that the client commands start fast.
 */
const LAZY_COMMANDS: Readonly<Record<string, (program: Command) => Promise<void>>> = {
  import: async (program) => {
    const { registerImportCommand } = await import("./commands/import.ts");
    registerImportCommand(program);
  },
  db: async (program) => {
    const { registerDbCommand } = await import("./commands/db.ts");
    registerDbCommand(program);
  },
  clerk: async (program) => {
    const { registerClerkCommand } = await import("./commands/clerk.ts");
    registerClerkCommand(program);
  },
  "clerk-emulator": async (program) => {
    const { registerClerkEmulatorCommand } = await import("./commands/clerk-emulator.ts");
    registerClerkEmulatorCommand(program);
  },
};

/** Whether `argv` may need the lazy command `name`: it is the command, or help / completion / no command. */
function mayNeed(argv: readonly string[], name: string): boolean {
  const first = argv.slice(2).find((a) => !a.startsWith("-"));
  return first === undefined || first === name || first === "help" || first === "completion";
}

/** Runs the CLI with `argv` (as in `process.argv`); resolves with the exit code to use. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  try {
    const program = buildCli(ctx);
    for (const [name, register] of Object.entries(LAZY_COMMANDS)) {
      if (mayNeed(argv, name)) await register(program);
    }
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    return reportError(err, ctx.term, ctx.env);
  }
}

// `ileap … | head`: a closed pipe ends the run quietly, as in other command-line tools.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    throw err;
  });
}
const ctx = createContext(processTerminal(process.env), process.env);
process.exitCode = await runCli(process.argv, ctx);
