/**
 * The client a data command uses: from a login profile, or from `ILEAP_BASE_URL`,
 * `ILEAP_CLIENT_ID` and `ILEAP_CLIENT_SECRET` (scripts and CI, no profile file needed).
 * @module
 */
import type { Command } from "commander";
import { IleapClient, type PactMajor } from "../client/client.ts";
import { CliError, EXIT } from "./exit-codes.ts";
import { getProfile, loadProfiles, profileTokenCache, selectedProfileName } from "./profiles.ts";
import { CLIENT_SECRET_ENV } from "./secrets.ts";
import { tlsFetch } from "./tls.ts";

/** Flags shared by the commands that talk to a host. */
export interface HostFlags {
  readonly profile?: string;
}

/** A ready client and where its settings came from. */
export interface Session<P extends PactMajor = 2> {
  readonly client: IleapClient<P>;
  /** Profile name, or `undefined` when the environment was used. */
  readonly profile?: string;
  /** The command that logs in again (for hints). */
  readonly loginHint: string;
}

/**
 * Client tuning from the environment: `ILEAP_TIMEOUT_MS` (per request, default 30000) and
 * `ILEAP_RETRIES` (default 3).
 * @throws CliError (usage) for values that are not non-negative integers.
 */
export function clientTuning(env: NodeJS.ProcessEnv): { timeoutMs?: number; retries?: number } {
  const read = (name: string, min: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === "") return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      throw new CliError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`, EXIT.usage);
    }
    return Number(raw);
  };
  const timeoutMs = read("ILEAP_TIMEOUT_MS", 1);
  const retries = read("ILEAP_RETRIES", 0);
  return { ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(retries !== undefined ? { retries } : {}) };
}

/** Adds `--profile <name>` to a command. */
export function addProfileOption(cmd: Command): Command {
  return cmd.option(
    "--profile <name>",
    "login profile to use (env ILEAP_PROFILE; default: the default profile)",
  );
}

function loginCommand(name: string, baseUrl?: string, clientId?: string): string {
  return `ileap auth login${name === "default" ? "" : ` --profile ${name}`} --base-url ${baseUrl ?? "URL"} --client-id ${clientId ?? "ID"}`;
}

/**
 * Opens a session: an explicit `--profile` (or `ILEAP_PROFILE`) wins; else `ILEAP_BASE_URL` with
 * `ILEAP_CLIENT_ID` and `ILEAP_CLIENT_SECRET`; else the default profile.
 * @throws CliError (auth) when not logged in; (usage) for an incomplete environment.
 */
export function openSession<P extends PactMajor = 2>(
  flags: HostFlags,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
  /** PACT version of the footprint and event calls. Default: 2. */
  pact?: P,
): Session<P> {
  const explicit = flags.profile ?? env.ILEAP_PROFILE;
  if (explicit === undefined && env.ILEAP_BASE_URL) {
    const clientId = env.ILEAP_CLIENT_ID;
    const clientSecret = env[CLIENT_SECRET_ENV];
    if (!clientId || !clientSecret) {
      throw new CliError(
        `ILEAP_BASE_URL is set: ILEAP_CLIENT_ID and ${CLIENT_SECRET_ENV} are needed too`,
        EXIT.usage,
      );
    }
    return {
      client: new IleapClient<P>({
        ...(pact !== undefined ? { pact } : {}),
        baseUrl: env.ILEAP_BASE_URL,
        clientId,
        clientSecret,
        ...clientTuning(env),
      }),
      loginHint: "check ILEAP_CLIENT_ID and ILEAP_CLIENT_SECRET",
    };
  }
  const file = loadProfiles(env, warn);
  const name = selectedProfileName(flags.profile, file, env);
  const profile = getProfile(file, name);
  if (profile === undefined) {
    const known = Object.keys(file.profiles);
    throw new CliError(
      known.length === 0
        ? "not logged in"
        : `no profile named ${JSON.stringify(name)} (profiles: ${known.join(", ")})`,
      EXIT.auth,
      `log in with: ${loginCommand(name)}`,
    );
  }
  return {
    client: new IleapClient<P>({
      ...(pact !== undefined ? { pact } : {}),
      baseUrl: profile.baseUrl,
      ...(profile.authBaseUrl ? { authBaseUrl: profile.authBaseUrl } : {}),
      clientId: profile.clientId,
      clientSecret: profile.clientSecret ?? env[CLIENT_SECRET_ENV] ?? "",
      tokenCache: profileTokenCache(name, env, warn),
      ...(profile.tls ? { fetch: tlsFetch(profile.tls) } : {}),
      ...clientTuning(env),
    }),
    profile: name,
    loginHint: loginCommand(name, profile.baseUrl, profile.clientId),
  };
}
