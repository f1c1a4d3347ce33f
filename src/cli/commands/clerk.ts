/**
 * `ileap clerk unlock <identifier|user_id>…`: clears the Clerk adapter's lockout (issue 13) in the
 * store's database the server uses (`DATABASE_URL`, else the SQLite store in `ILEAP_DATA_DIR`), so
 * a service account capped after too many failed sign-ins through our token endpoint can sign in
 * again. It does not touch Clerk's own lockout (unlock that in the Clerk Dashboard).
 * @module
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { ClerkLockout } from "../../auth/clerk/lockout.ts";
import { SqlClerkState } from "../../auth/clerk/sql-state.ts";
import { PostgresStore } from "../../store/postgres/postgres-store.ts";
import { SqliteStore } from "../../store/sqlite/sqlite-store.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { loadStorageConfig } from "../storage-config.ts";

/** Flags of `ileap clerk unlock`. */
export interface ClerkUnlockFlags {
  readonly config?: string;
  readonly dataDir?: string;
}

/** Registers `ileap clerk` (`ileap clerk unlock`) on the program. */
export function registerClerkCommand(program: Command): void {
  const clerk = program.command("clerk").description("operate the Clerk adapter (ILEAP_AUTH=clerk)");
  clerk
    .command("unlock")
    .description(
      "clear the lockout of Clerk identifiers or user ids after too many failed sign-ins through the token endpoint (in the store's database: DATABASE_URL, else ILEAP_DATA_DIR)",
    )
    .argument(
      "<identifier...>",
      "email address, username or phone number as sent as client id, or a Clerk user id (user_…)",
    )
    .option("-c, --config <file>", "config file, as for `ileap serve`")
    .option("--data-dir <dir>", "data directory of the embedded store (default ILEAP_DATA_DIR or ./.ileap)")
    .action(async (identifiers: string[], flags: ClerkUnlockFlags) => {
      const lines = await clerkUnlockCommand(identifiers, flags, process.env);
      for (const line of lines) process.stdout.write(`${line}\n`);
    });
}

/**
 * Unlocks each identifier or user id.
 * @returns one line per argument saying whether failures were cleared.
 * @throws {CliError} for configuration errors (exit 2) and an unreachable database (exit 4).
 */
export async function clerkUnlockCommand(
  identifiers: readonly string[],
  flags: ClerkUnlockFlags,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const bad = identifiers.find((i) => i.trim() === "" || i.length > 320);
  if (bad !== undefined) throw new CliError(`invalid identifier ${JSON.stringify(bad)}`, EXIT.usage);
  const config = loadStorageConfig(flags, env);
  const url = config.database.url;
  let state: SqlClerkState;
  if (url) {
    // The tables come with the store's migrations (migration 5).
    try {
      await (
        await PostgresStore.connect({ connectionString: url, migrate: config.database.migrate })
      ).close();
    } catch (e) {
      throw new CliError(`the database is unreachable: ${(e as Error).message}`, EXIT.network);
    }
    state = new SqlClerkState({
      connectionString: url,
      connectionTimeoutMs: config.database.connectionTimeoutMs,
    });
  } else {
    const dir = resolve(config.dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, "ileap.sqlite");
    await new SqliteStore({ file }).close();
    state = new SqlClerkState({ sqliteFile: file });
  }
  try {
    const lockout = new ClerkLockout(state, 1);
    const lines: string[] = [];
    for (const id of identifiers) {
      const cleared = await lockout.unlock(id);
      lines.push(`${id}: ${cleared ? "unlocked" : "was not locked"}`);
    }
    return lines;
  } finally {
    await state.close();
  }
}
