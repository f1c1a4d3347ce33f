/** Runs the `ileap` CLI as a child process with a private HOME / XDG_CONFIG_HOME. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = new URL("../../scripts/ileap-dev.js", import.meta.url).pathname;

/** Result of one CLI run. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Extra environment (on top of PATH, HOME, XDG_CONFIG_HOME). */
  readonly env?: Record<string, string>;
  /** Text for stdin. Default: empty (stdin closed). */
  readonly stdin?: string;
  /** Kill after this many ms. Default 60000. */
  readonly timeoutMs?: number;
}

/** A private home for CLI runs: `run()` uses it, `cleanup()` deletes it. */
export interface CliHome {
  readonly home: string;
  /** `XDG_CONFIG_HOME` of the runs. */
  readonly configHome: string;
  /** The profiles file. */
  readonly profilesFile: string;
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  cleanup(): void;
}

/** Makes a temporary HOME and XDG_CONFIG_HOME for CLI runs. */
export function cliHome(): CliHome {
  const home = mkdtempSync(join(tmpdir(), "ileap-cli-home-"));
  const configHome = join(home, "xdg");
  return {
    home,
    configHome,
    profilesFile: join(configHome, "ileap", "profiles.json"),
    run: (args, options = {}) =>
      runCli(args, { ...options, env: { HOME: home, XDG_CONFIG_HOME: configHome, ...options.env } }),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** Runs `ileap ARGS…`; never rejects for a non-zero exit. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}
