/**
 * Login profiles of the CLI: `$XDG_CONFIG_HOME/ileap/profiles.json` (default
 * `~/.config/ileap/profiles.json`), directory mode 0700, file mode 0600, written atomically.
 * A profile holds a host's base URL, the client id, optionally the client secret, and the last
 * access token (so that commands do not ask for a new token every time).
 * @module
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { AccessToken, TokenCache } from "../client/token.ts";
import { CliError, EXIT } from "./exit-codes.ts";
import type { ProfileTls } from "./tls.ts";

/** Name of the profile used when none is given. */
export const DEFAULT_PROFILE = "default";

/** One host login. */
export interface Profile {
  /** API base URL incl. path prefix. */
  readonly baseUrl: string;
  /** Base URL of the auth endpoints when not `baseUrl`. Default: none (= `baseUrl`). */
  readonly authBaseUrl?: string;
  readonly clientId: string;
  /** Stored only with `auth login` (not `--no-store-secret`); lets the CLI renew tokens. */
  readonly clientSecret?: string;
  /** The last access token. */
  readonly token?: AccessToken;
  /** TLS trust for this host (`auth login --ca/--insecure`). Default: the system's CAs. */
  readonly tls?: ProfileTls;
}

/** The profiles file. */
export interface ProfilesFile {
  readonly version: 1;
  /** Profile used without `--profile`. Default: `default`. */
  readonly defaultProfile?: string;
  readonly profiles: Readonly<Record<string, Profile>>;
}

const EMPTY: ProfilesFile = { version: 1, profiles: {} };

/** `$XDG_CONFIG_HOME/ileap`, or `$HOME/.config/ileap` when `XDG_CONFIG_HOME` is unset or not absolute. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg?.startsWith("/") ? xdg : join(env.HOME || homedir(), ".config");
  return join(base, "ileap");
}

/** Path of the profiles file. */
export function profilesPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), "profiles.json");
}

/** Profile names: a letter or digit, then letters, digits, `.`, `_`, `-`; 1–64 characters. */
export function checkProfileName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new CliError(
      `invalid profile name ${JSON.stringify(name)}: use letters, digits, '.', '_' or '-' (starting with a letter or digit)`,
      EXIT.usage,
    );
  }
  return name;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the profiles file (an empty set when it does not exist). A file readable by others is
 * made private (0600) and `warn` is called.
 * @throws CliError (usage) when the file is not valid JSON of the expected shape.
 */
export function loadProfiles(
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => {},
): ProfilesFile {
  const path = profilesPath(env);
  if (!existsSync(path)) return EMPTY;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    chmodSync(path, 0o600);
    warn(`${path} was readable by others (mode ${mode.toString(8)}); changed to 0600`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new CliError(
      `cannot read ${path}: ${(err as Error).message}`,
      EXIT.usage,
      "fix or delete the file",
    );
  }
  if (!isRecord(parsed) || parsed.version !== 1 || !isRecord(parsed.profiles)) {
    throw new CliError(
      `${path} is not an ileap profiles file (version 1)`,
      EXIT.usage,
      "fix or delete the file",
    );
  }
  return parsed as unknown as ProfilesFile;
}

/** Writes the profiles file atomically with mode 0600 (directory 0700). */
export function saveProfiles(file: ProfilesFile, env: NodeJS.ProcessEnv = process.env): string {
  const path = profilesPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return path;
}

/** Name of the profile to use: `--profile`, else `ILEAP_PROFILE`, else the file's default, else `default`. */
export function selectedProfileName(
  flag: string | undefined,
  file: ProfilesFile,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return checkProfileName(flag ?? env.ILEAP_PROFILE ?? file.defaultProfile ?? DEFAULT_PROFILE);
}

/** The profile `name` of `file` (own properties only), or `undefined`. */
export function getProfile(file: ProfilesFile, name: string): Profile | undefined {
  return Object.hasOwn(file.profiles, name) ? file.profiles[name] : undefined;
}

/** A copy of `file` with `name` set to `profile` (or removed when `undefined`). */
export function withProfile(file: ProfilesFile, name: string, profile: Profile | undefined): ProfilesFile {
  const profiles: Record<string, Profile> = { ...file.profiles };
  if (profile === undefined) delete profiles[name];
  else profiles[name] = profile;
  let defaultProfile = file.defaultProfile;
  if (defaultProfile !== undefined && !Object.hasOwn(profiles, defaultProfile)) defaultProfile = undefined;
  return { version: 1, ...(defaultProfile !== undefined ? { defaultProfile } : {}), profiles };
}

/**
 * A {@link TokenCache} backed by one profile: loads its token, and saves new tokens into the file
 * (re-read first, so that concurrent changes to other profiles are kept). A failed save is only
 * reported through `warn` (default: silent).
 */
export function profileTokenCache(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => {},
): TokenCache {
  return {
    load: () => getProfile(loadProfiles(env), name)?.token,
    save: (token) => {
      try {
        const file = loadProfiles(env);
        const profile = getProfile(file, name);
        if (profile === undefined) return; // logged out meanwhile: do not resurrect the profile
        saveProfiles(withProfile(file, name, { ...profile, token }), env);
      } catch (err) {
        // The token still serves this run; the next run asks for a new one.
        warn(`could not save the new token in ${profilesPath(env)}: ${(err as Error).message}`);
      }
    },
  };
}
