/**
 * The configuration of CLI commands that work on the host's store or outbox (`ileap db`,
 * `ileap import` without `--url`, `ileap events`): the same sources as `ileap serve`, read with
 * `purpose: "storage"` so peer secrets and Clerk keys need not be present.
 * @module
 */
import { ConfigError, loadConfig } from "../config/load.ts";
import type { IleapConfig } from "../config/types.ts";
import { CliError, EXIT } from "./exit-codes.ts";

/** Flags naming where the host's configuration and data live. */
export interface StorageFlags {
  /** The host's JSON or YAML config file. Default: none. */
  readonly config?: string;
  /** The host's data directory. Default: the configured one (`./.ileap`). */
  readonly dataDir?: string;
}

/**
 * Loads the configuration for a storage command.
 * @throws {CliError} exit code 2 (usage) naming the offending setting.
 */
export function loadStorageConfig(
  flags: StorageFlags,
  env: Readonly<Record<string, string | undefined>>,
): IleapConfig {
  try {
    return loadConfig({
      env,
      purpose: "storage",
      ...(flags.config ? { file: flags.config } : {}),
      overrides: { ...(flags.dataDir ? { dataDir: flags.dataDir } : {}) },
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`configuration error: ${e.message}`, EXIT.usage);
    throw e;
  }
}
