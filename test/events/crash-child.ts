/**
 * Starting and controlling hosts in child processes (`child-host.ts`), for the crash and
 * multi-worker tests: kill one outright (SIGKILL), freeze one (SIGSTOP) and let it go on
 * (SIGCONT), read its log lines.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { until } from "./host.ts";

const CHILD = new URL("./child-host.ts", import.meta.url).pathname;

/** Options of {@link startChildHost}. */
export interface ChildHostOptions {
  readonly requesterUrl: string;
  readonly dataDir: string;
  /** PostgreSQL URL (default: SQLite in `dataDir`). */
  readonly databaseUrl?: string;
  /** Extra `events` settings. */
  readonly events?: Record<string, unknown>;
  /** Collect the host's log lines in {@link ChildHost.logs}. */
  readonly log?: boolean;
  /** Most time to wait for the base URL. Default 60 s (a loaded machine starting tsx). */
  readonly startTimeoutMs?: number;
}

/** A host running in a child process. */
export interface ChildHost {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly baseUrl: string;
  /** Log lines (pino JSON) received so far, with `log: true`. */
  readonly logs: string[];
  /** The child's stderr so far (for failure messages). */
  stderr(): string;
  /** Parsed log records with this `msg`. */
  records(msg: string): Record<string, unknown>[];
  /** Kills the process (SIGKILL, also when frozen) and waits for its exit. Idempotent. */
  kill(): Promise<void>;
  /** Freezes the process (SIGSTOP) and waits until it is stopped. */
  pause(): Promise<void>;
  /** Lets a frozen process go on (SIGCONT) and waits until it runs. */
  resume(): Promise<void>;
}

/** Process state letter from `/proc/PID/stat` (`T` = stopped), or undefined when unknown. */
function procState(pid: number): string | undefined {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return undefined;
  try {
    const stat = readFileSync(file, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

const hasProc = existsSync("/proc/self/stat");

/** Starts `child-host.ts`; resolves once it printed its base URL. */
export function startChildHost(options: ChildHostOptions): Promise<ChildHost> {
  const args = [
    "--import",
    "tsx",
    CHILD,
    options.requesterUrl,
    options.dataDir,
    ...(options.databaseUrl ? [options.databaseUrl] : []),
    ...(options.events ? [`--events=${JSON.stringify(options.events)}`] : []),
    ...(options.log ? ["--log"] : []),
  ];
  // stdin is a pipe the child watches: should this process die, the child exits too.
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
  const logs: string[] = [];
  let err = "";
  let pending = "";
  let baseUrl: string | undefined;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child host did not start in time; stderr:\n${err}`));
    }, options.startTimeoutMs ?? 60_000);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child host exited early (${code ?? signal}); stderr:\n${err}`));
    });
    child.stdout?.on("data", (d: Buffer) => {
      pending += d.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (baseUrl === undefined) {
          baseUrl = line.trim();
          clearTimeout(timer);
          resolve(host(baseUrl));
        } else if (line) logs.push(line);
      }
    });
  });

  function host(url: string): ChildHost {
    const pid = child.pid as number;
    const alive = () => child.exitCode === null && child.signalCode === null;
    return {
      child,
      pid,
      baseUrl: url,
      logs,
      stderr: () => err,
      records: (msg) =>
        logs
          .map((l) => {
            try {
              return JSON.parse(l) as Record<string, unknown>;
            } catch {
              return {};
            }
          })
          .filter((r) => r.msg === msg),
      kill: async () => {
        if (alive()) child.kill("SIGKILL");
        await exited;
      },
      pause: async () => {
        child.kill("SIGSTOP");
        if (hasProc) await until(() => procState(pid) === "T", 10_000);
        else await new Promise((r) => setTimeout(r, 300));
      },
      resume: async () => {
        child.kill("SIGCONT");
        if (hasProc) await until(() => procState(pid) !== "T", 10_000);
      },
    };
  }
}
