/**
 * A throw-away PostgreSQL cluster for tests, built from the installed server binaries (no Docker,
 * no network): `initdb` into a temporary directory, `pg_ctl start` on a free loopback port with
 * trust authentication, one database per caller. Everything is removed again by `stop()`, by a
 * process exit hook, and — should this process be killed outright — by a detached watchdog that
 * notices the parent is gone.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** Where the binaries are looked for first (PostgreSQL 15, Debian/Ubuntu layout). */
export const DEFAULT_POSTGRES_BIN_DIR = "/usr/lib/postgresql/15/bin";

/** Whether a cluster can be started here, and if not, why. */
export type PostgresAvailability =
  | { readonly ok: true; readonly binDir: string; readonly runAs?: string }
  | { readonly ok: false; readonly reason: string };

const REQUIRED_BINARIES = ["initdb", "pg_ctl", "postgres"] as const;

function hasBinaries(dir: string): boolean {
  return REQUIRED_BINARIES.every((b) => existsSync(join(dir, b)));
}

function findBinDir(): string | undefined {
  const fromEnv = process.env.ILEAP_TEST_PG_BIN;
  if (fromEnv) return hasBinaries(fromEnv) ? fromEnv : undefined;
  if (hasBinaries(DEFAULT_POSTGRES_BIN_DIR)) return DEFAULT_POSTGRES_BIN_DIR;
  try {
    const versions = readdirSync("/usr/lib/postgresql")
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const dir = `/usr/lib/postgresql/${v}/bin`;
      if (hasBinaries(dir)) return dir;
    }
  } catch {
    // No Debian-style installation.
  }
  try {
    const dir = execFileSync("pg_config", ["--bindir"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (dir && hasBinaries(dir)) return dir;
  } catch {
    // pg_config not on PATH.
  }
  return undefined;
}

function userExists(name: string): boolean {
  try {
    execFileSync("id", ["-u", name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Tells whether the PostgreSQL server binaries are installed (`ILEAP_TEST_PG_BIN`, else
 * {@link DEFAULT_POSTGRES_BIN_DIR}, else another `/usr/lib/postgresql/N/bin`, else `pg_config
 * --bindir`) and, when running as root, whether the `postgres` user and `runuser` exist (the
 * server refuses to run as root).
 */
export function postgresAvailability(): PostgresAvailability {
  const binDir = findBinDir();
  if (!binDir && process.env.ILEAP_TEST_PG_BIN) {
    return {
      ok: false,
      reason: `ILEAP_TEST_PG_BIN=${process.env.ILEAP_TEST_PG_BIN} lacks initdb, pg_ctl or postgres`,
    };
  }
  if (!binDir) {
    return {
      ok: false,
      reason: `PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in ${DEFAULT_POSTGRES_BIN_DIR}, /usr/lib/postgresql/*/bin or pg_config --bindir; install postgresql-15 or set ILEAP_TEST_PG_BIN`,
    };
  }
  if (process.getuid?.() === 0) {
    if (!userExists("postgres"))
      return { ok: false, reason: "running as root, but there is no `postgres` user to run the server as" };
    if (!existsSync("/usr/sbin/runuser") && !existsSync("/sbin/runuser") && !existsSync("/usr/bin/runuser")) {
      return { ok: false, reason: "running as root, but `runuser` is missing" };
    }
    return { ok: true, binDir, runAs: "postgres" };
  }
  return { ok: true, binDir };
}

/**
 * Decides how a PostgreSQL test file proceeds: `undefined` = run; a string = skip with that
 * message. On CI (`CI=true`) it never skips: missing binaries must fail the run, so it returns
 * `undefined` and {@link startPostgres} then rejects with the reason.
 */
export function postgresSkipReason(): string | undefined {
  const availability = postgresAvailability();
  if (availability.ok || process.env.CI === "true") return undefined;
  return `skipped: ${availability.reason} (these tests fail instead of skipping when CI=true)`;
}

/** A running throw-away cluster. */
export interface PostgresTestServer {
  /** Connection string of the database created for the caller. */
  readonly connectionString: string;
  /** Loopback TCP port of the server. */
  readonly port: number;
  /** Temporary directory holding the cluster, its socket and its log. */
  readonly dir: string;
  /**
   * Creates another database on the same server and returns its connection string. `icuLocale`
   * (e.g. `en-US`) makes it use an ICU collation by default, like many production databases.
   */
  createDatabase(name: string, options?: { readonly icuLocale?: string }): Promise<string>;
  /** Stops the server (`pg_ctl stop`, `fast` by default: clients get 57P01); data is kept. */
  stopServer(mode?: "smart" | "fast" | "immediate"): Promise<void>;
  /** Starts the stopped server again on the same port. */
  startServer(): Promise<void>;
  /** Stops and starts the server. */
  restart(): Promise<void>;
  /** Stops the server and deletes the cluster. Idempotent. */
  stop(): Promise<void>;
  /** Last lines of the server log (for failure messages). */
  logTail(lines?: number): string;
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Name of the database created for the caller. Default `ileap_test`. */
  readonly database?: string;
  /** Most seconds `pg_ctl` waits for start or stop. Default 30. */
  readonly timeoutSeconds?: number;
}

const live = new Set<() => void>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const cleanupAll = (): void => {
    for (const cleanup of [...live]) cleanup();
  };
  process.on("exit", cleanupAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = (): void => {
      cleanupAll();
      process.off(signal, handler);
      // Let the default action (or another handler, e.g. the test runner's) end the process.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Starts a fresh PostgreSQL cluster (trust auth, `fsync=off`, loopback only, Unix socket in its
 * temporary directory) and creates one database. Rejects — after removing whatever it created —
 * when the binaries are missing or the server does not come up.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresTestServer> {
  const availability = postgresAvailability();
  if (!availability.ok) throw new Error(`cannot start PostgreSQL for tests: ${availability.reason}`);
  const { binDir, runAs } = availability;
  const timeout = String(options.timeoutSeconds ?? 30);
  const dir = mkdtempSync(join(tmpdir(), "ileap-pg-"));
  const dataDir = join(dir, "data");
  const logFile = join(dir, "server.log");
  if (runAs) {
    const uid = Number(execFileSync("id", ["-u", runAs], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", runAs], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const command = (bin: string, args: readonly string[]): [string, string[]] => {
    const file = join(binDir, bin);
    return runAs ? ["runuser", ["-u", runAs, "--", file, ...args]] : [file, [...args]];
  };
  /** Runs a server binary synchronously (exit hooks, where nothing asynchronous runs any more). */
  const runSync = (bin: string, args: readonly string[]): void => {
    const [cmd, cmdArgs] = command(bin, args);
    execFileSync(cmd, cmdArgs, { stdio: ["ignore", "pipe", "pipe"], cwd: dir, timeout: 60_000 });
  };
  /** Runs a server binary without blocking the event loop (servers under test keep answering). */
  const run = (bin: string, args: readonly string[]): Promise<void> => {
    const [cmd, cmdArgs] = command(bin, args);
    return new Promise((resolve, reject) => {
      execFile(cmd, cmdArgs, { cwd: dir, timeout: 60_000 }, (error, _stdout, stderr) => {
        if (error) reject(Object.assign(error, { stderr }));
        else resolve();
      });
    });
  };
  let port = 0;
  let running = false;
  let removed = false;
  const stopSync = (mode: "fast" | "immediate"): void => {
    // Also when a start may be under way: a postmaster.pid means a server may be running.
    if (!running && !existsSync(join(dataDir, "postmaster.pid"))) return;
    try {
      runSync("pg_ctl", ["-D", dataDir, "-m", mode, "-w", "-t", timeout, "stop"]);
    } catch {
      // Already stopped or unable to: the directory is removed anyway.
    }
    running = false;
  };
  const removeSync = (): void => {
    if (removed) return;
    stopSync("immediate");
    rmSync(dir, { recursive: true, force: true });
    removed = true;
    live.delete(removeSync);
  };
  installExitHooks();
  live.add(removeSync);
  startWatchdog(dir, dataDir, binDir, runAs);

  const logTail = (lines = 30): string => {
    try {
      return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no server log)";
    }
  };
  const start = async (): Promise<void> => {
    const serverOptions = `-k "${dir}" -c listen_addresses=127.0.0.1 -p ${port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
    try {
      await run("pg_ctl", ["-D", dataDir, "-l", logFile, "-o", serverOptions, "-w", "-t", timeout, "start"]);
    } catch (e) {
      throw new Error(`pg_ctl start failed on port ${port}: ${describe(e)}\n${logTail()}`);
    }
    running = true;
  };

  try {
    try {
      await run("initdb", [
        "-D",
        dataDir,
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync",
        "-E",
        "UTF8",
        "--no-locale",
      ]);
    } catch (e) {
      throw new Error(`initdb failed: ${describe(e)}`);
    }
    // A port found free may be taken by someone else before the server binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    const adminUrl = (database: string) =>
      `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    const createDatabase = async (
      name: string,
      dbOptions: { readonly icuLocale?: string } = {},
    ): Promise<string> => {
      const client = new pg.Client({ connectionString: adminUrl("postgres") });
      await client.connect();
      try {
        const icu = dbOptions.icuLocale
          ? ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${dbOptions.icuLocale.replaceAll("'", "''")}'`
          : "";
        await client.query(`CREATE DATABASE ${quoteIdent(name)}${icu}`);
      } finally {
        await client.end();
      }
      return adminUrl(name);
    };
    const connectionString = await createDatabase(options.database ?? "ileap_test");
    return {
      connectionString,
      port,
      dir,
      createDatabase,
      logTail,
      stopServer: async (mode = "fast") => {
        if (!running) return;
        await run("pg_ctl", ["-D", dataDir, "-m", mode, "-w", "-t", timeout, "stop"]);
        running = false;
      },
      startServer: async () => {
        if (!running) await start();
      },
      restart: async () => {
        if (running) {
          await run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", timeout, "stop"]);
          running = false;
        }
        await start();
      },
      stop: async () => {
        if (running) {
          await run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", timeout, "stop"]).then(
            () => {
              running = false;
            },
            () => undefined,
          );
        }
        removeSync();
      },
    };
  } catch (e) {
    removeSync();
    throw e;
  }
}

function describe(e: unknown): string {
  const stderr = (e as { stderr?: Buffer | string } | null)?.stderr;
  const text = stderr ? stderr.toString().trim() : "";
  return text || (e instanceof Error ? e.message : String(e));
}

/**
 * Spawns a detached shell that waits while this process lives and the cluster directory exists;
 * if the process dies first (even by SIGKILL), it stops the server and removes the directory.
 */
function startWatchdog(dir: string, dataDir: string, binDir: string, runAs: string | undefined): void {
  const pgCtl = join(binDir, "pg_ctl");
  const asUser = runAs ? `runuser -u ${runAs} -- ` : "";
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null && [ -d '${dir}' ]; do sleep 1; done`,
    `if [ -d '${dir}' ]; then ${asUser}'${pgCtl}' -D '${dataDir}' -m immediate -w -t 10 stop >/dev/null 2>&1; rm -rf '${dir}'; fi`,
  ].join("\n");
  const child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  child.unref();
}

/** A loopback TCP proxy that can silently stop forwarding, like a network partition. */
export interface FreezableProxy {
  /** Port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** Stops forwarding in both directions; connections stay open, bytes are dropped. */
  freeze(): void;
  /** Forwards again (bytes dropped while frozen stay lost, so old connections are unusable). */
  thaw(): void;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy to `127.0.0.1:targetPort`. While frozen, nothing is forwarded and no
 * connection is closed: a client only notices through its own timeouts.
 */
export async function startFreezableProxy(targetPort: number): Promise<FreezableProxy> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = createServer((inbound) => {
    const outbound = connect(targetPort, "127.0.0.1");
    track(inbound);
    track(outbound);
    inbound.on("data", (chunk) => {
      if (!frozen) outbound.write(chunk);
    });
    outbound.on("data", (chunk) => {
      if (!frozen) inbound.write(chunk);
    });
    inbound.on("close", () => outbound.destroy());
    outbound.on("close", () => inbound.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
