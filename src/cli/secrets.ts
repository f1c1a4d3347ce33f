/**
 * Reading secrets without putting them in shell history: from stdin, from the environment, or
 * from a prompt that does not echo.
 * @module
 */
import { CliError, EXIT } from "./exit-codes.ts";

/** Environment variable that may hold the client secret. */
export const CLIENT_SECRET_ENV = "ILEAP_CLIENT_SECRET";

/** Reads all of stdin as UTF-8 and removes one trailing line break. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/**
 * Asks for a secret on the terminal without echoing it (raw mode on stdin, prompt on stderr).
 * @throws CliError (usage) when stdin is not a TTY; exits with 130 on Ctrl-C.
 */
export function promptSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return Promise.reject(
      new CliError(
        "no client secret: stdin is not a terminal",
        EXIT.usage,
        `pipe it with --client-secret-stdin or set ${CLIENT_SECRET_ENV}`,
      ),
    );
  }
  return new Promise((resolve) => {
    process.stderr.write(prompt);
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const finish = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      process.stderr.write("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          finish();
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          finish();
          process.exit(130);
        }
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** Where a secret came from. */
export type SecretSource = "stdin" | "env" | "flag" | "prompt";

/**
 * The client secret: `--client-secret-stdin` reads stdin; else a `--client-secret` value (when the
 * command has that flag); else `ILEAP_CLIENT_SECRET`; else a prompt when stdin is a TTY.
 * @throws CliError (usage) when none is available or it is empty.
 */
export async function resolveSecret(
  flags: { readonly clientSecretStdin?: boolean; readonly clientSecret?: string },
  env: NodeJS.ProcessEnv,
  prompt: string,
): Promise<{ secret: string; source: SecretSource }> {
  let secret: string;
  let source: SecretSource;
  if (flags.clientSecretStdin) {
    if (flags.clientSecret !== undefined) {
      throw new CliError("use either --client-secret or --client-secret-stdin, not both", EXIT.usage);
    }
    secret = await readStdin();
    source = "stdin";
  } else if (flags.clientSecret !== undefined) {
    secret = flags.clientSecret;
    source = "flag";
  } else if (env[CLIENT_SECRET_ENV] !== undefined && env[CLIENT_SECRET_ENV] !== "") {
    secret = env[CLIENT_SECRET_ENV];
    source = "env";
  } else {
    secret = await promptSecret(prompt);
    source = "prompt";
  }
  if (secret === "") throw new CliError("the client secret is empty", EXIT.usage);
  return { secret, source };
}
