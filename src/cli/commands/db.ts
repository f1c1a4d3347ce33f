/**
 * `ileap db migrate`: applies the pending migrations of the store configured like the server
 * (`DATABASE_URL`, else the SQLite store in `ILEAP_DATA_DIR`).
 * @module
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { PostgresStore } from "../../store/postgres/postgres-store.ts";
import { MIGRATIONS } from "../../store/sql/schema.ts";
import { SqliteStore } from "../../store/sqlite/sqlite-store.ts";
import { StoreUnavailableError } from "../../store/store.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { loadStorageConfig } from "../storage-config.ts";

/** Flags of `ileap db migrate`. */
export interface DbFlags {
  readonly config?: string;
  readonly dataDir?: string;
}

/** Registers `ileap db` (`ileap db migrate`) on the program. */
export function registerDbCommand(program: Command): void {
  const db = program.command("db").description("maintain the store's database");
  db.command("migrate")
    .description(
      "apply pending schema migrations to the configured store (DATABASE_URL, else the SQLite store in ILEAP_DATA_DIR); several hosts may run it at once",
    )
    .option("-c, --config <file>", "config file, as for `ileap serve`")
    .option("--data-dir <dir>", "data directory of the embedded store (default ILEAP_DATA_DIR or ./.ileap)")
    .action(async (flags: DbFlags) => {
      const lines = await migrateCommand(flags, process.env);
      for (const line of lines) process.stdout.write(`${line}\n`);
    });
}

/**
 * Applies the pending migrations.
 * @returns the lines to print (what was applied, the schema version).
 * @throws {CliError} for configuration errors (exit 2) and an unreachable database (exit 4).
 */
export async function migrateCommand(flags: DbFlags, env: NodeJS.ProcessEnv): Promise<string[]> {
  const config = loadStorageConfig(flags, env);
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  const describe = (applied: readonly number[], where: string): string[] => [
    applied.length > 0
      ? `applied migration${applied.length === 1 ? "" : "s"} ${applied.join(", ")} to ${where}`
      : `${where} is up to date`,
    `schema version ${latest}`,
  ];
  const db = config.database;
  if (!db.url) {
    const dir = resolve(config.dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, "ileap.sqlite");
    const store = new SqliteStore({ file });
    await store.close();
    return describe(store.appliedMigrations, `the SQLite store ${file}`);
  }
  const store = new PostgresStore({
    connectionString: db.url,
    connectionTimeoutMs: db.connectionTimeoutMs,
    migrate: false,
  });
  try {
    return describe(await store.migrate(), "the PostgreSQL database");
  } catch (e) {
    if (e instanceof StoreUnavailableError)
      throw new CliError(`the database is unreachable: ${e.message}`, EXIT.network);
    throw e;
  } finally {
    await store.close();
  }
}
