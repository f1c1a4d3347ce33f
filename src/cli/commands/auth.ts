/**
 * `ileap auth login|logout|status`: login profiles for several hosts.
 * @module
 */
import type { Command } from "commander";
import { IleapClient } from "../../client/client.ts";
import { type AccessToken, isFresh } from "../../client/token.ts";
import type { CliContext } from "../context.ts";
import { toCliError } from "../errors.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { formatJson } from "../output.ts";
import {
  checkProfileName,
  DEFAULT_PROFILE,
  getProfile,
  loadProfiles,
  type Profile,
  type ProfilesFile,
  profilesPath,
  saveProfiles,
  selectedProfileName,
  withProfile,
} from "../profiles.ts";
import { resolveSecret } from "../secrets.ts";
import { clientTuning, openSession } from "../session.ts";
import { tlsFetch, tlsFromFlags } from "../tls.ts";

interface LoginFlags {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly authBaseUrl?: string;
  readonly profile?: string;
  readonly clientSecretStdin?: boolean;
  readonly storeSecret: boolean;
  readonly default?: boolean;
  readonly json?: boolean;
  readonly ca?: string;
  readonly insecure?: boolean;
}

interface LogoutFlags {
  readonly profile?: string;
  readonly all?: boolean;
}

interface StatusFlags {
  readonly profile?: string;
  readonly verify?: boolean;
  readonly json?: boolean;
}

/** State of a profile's token, for `auth status`. */
export type TokenState = "valid" | "expired" | "none";

function tokenState(token: AccessToken | undefined, now: number): TokenState {
  if (token === undefined) return "none";
  return isFresh(token, now) ? "valid" : "expired";
}

function checkUrl(flag: string, value: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new CliError(`${flag} must be an absolute http(s) URL, got ${JSON.stringify(value)}`, EXIT.usage);
  }
  return value.replace(/\/+$/, "");
}

function until(ms: number, now: number): string {
  const minutes = Math.round((ms - now) / 60_000);
  const when = new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  if (minutes < 1) return `${when} (less than a minute)`;
  return minutes < 120 ? `${when} (in ${minutes} min)` : `${when} (in ${Math.round(minutes / 60)} h)`;
}

/** The status of one profile, without secrets. */
interface ProfileStatus {
  readonly name: string;
  readonly default: boolean;
  readonly baseUrl: string;
  readonly clientId: string;
  readonly secretStored: boolean;
  readonly token: TokenState;
  readonly tokenExpiresAt?: string;
  /** Whether a command can run without logging in again. */
  readonly usable: boolean;
}

function statusOf(name: string, profile: Profile, file: ProfilesFile, now: number): ProfileStatus {
  const state = tokenState(profile.token, now);
  return {
    name,
    default: (file.defaultProfile ?? DEFAULT_PROFILE) === name,
    baseUrl: profile.baseUrl,
    clientId: profile.clientId,
    secretStored: profile.clientSecret !== undefined,
    token: state,
    ...(profile.token?.expiresAt !== undefined
      ? { tokenExpiresAt: new Date(profile.token.expiresAt).toISOString() }
      : {}),
    usable: profile.clientSecret !== undefined || state === "valid",
  };
}

/** Registers `auth login`, `auth logout` and `auth status`. */
export function registerAuthCommands(program: Command, ctx: CliContext): void {
  const { term } = ctx;
  const auth = program
    .command("auth")
    .description("log in to iLEAP hosts (profiles in the XDG config directory)");

  auth
    .command("login")
    .description("check client credentials against a host and save them as a profile")
    .requiredOption("--base-url <url>", "API base URL of the host, incl. any path prefix")
    .requiredOption("--client-id <id>", "OAuth client id")
    .option(
      "--client-secret-stdin",
      "read the client secret from stdin (else env ILEAP_CLIENT_SECRET, else a prompt)",
    )
    .option("--auth-base-url <url>", "base URL of the auth endpoints, when not the API base URL")
    .option("--profile <name>", `profile name (env ILEAP_PROFILE; default "${DEFAULT_PROFILE}")`)
    .option("--no-store-secret", "keep only the access token: log in again when it expires")
    .option("--default", "make this profile the default")
    .option("--ca <file>", "extra trusted CA certificate(s), PEM, for an https host (kept in the profile)")
    .option("--insecure", "do not verify the host's TLS certificate (test hosts only; kept in the profile)")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
The secret is never taken from a plain flag (it would end up in shell history). It is stored in
the profile file (mode 0600) so that tokens can be renewed, unless --no-store-secret is given.

Examples:
  $ ileap auth login --base-url https://api.example.com --client-id acme        # prompts for the secret
  $ printf '%s' "$SECRET" | ileap auth login --base-url https://api.example.com --client-id acme --client-secret-stdin
  $ ILEAP_CLIENT_SECRET=… ileap auth login --profile staging --base-url https://staging.example.com/ileap --client-id acme`,
    )
    .action(async (flags: LoginFlags) => {
      const baseUrl = checkUrl("--base-url", flags.baseUrl);
      const authBaseUrl =
        flags.authBaseUrl === undefined ? undefined : checkUrl("--auth-base-url", flags.authBaseUrl);
      loadProfiles(ctx.env, ctx.warn); // fails early on a broken file, fixes its mode
      const name = checkProfileName(flags.profile ?? ctx.env.ILEAP_PROFILE ?? DEFAULT_PROFILE);
      const tls = tlsFromFlags(flags);
      if (tls?.insecure) ctx.warn("--insecure: the host's certificate is not verified (kept in the profile)");
      const { secret } = await resolveSecret(flags, ctx.env, `Client secret for ${flags.clientId}: `);
      const client = new IleapClient({
        baseUrl,
        ...(authBaseUrl ? { authBaseUrl } : {}),
        clientId: flags.clientId,
        clientSecret: secret,
        ...(tls ? { fetch: tlsFetch(tls) } : {}),
        ...clientTuning(ctx.env),
      });
      let token: AccessToken;
      let endpoint: string;
      try {
        token = await client.authenticate();
        endpoint = (await client.tokenEndpoint()).url;
      } catch (err) {
        throw toCliError(err, "check --base-url, --client-id and the secret");
      }
      const profile: Profile = {
        baseUrl,
        ...(authBaseUrl ? { authBaseUrl } : {}),
        clientId: flags.clientId,
        ...(flags.storeSecret ? { clientSecret: secret } : {}),
        token,
        ...(tls ? { tls } : {}),
      };
      // Re-read: the file may have changed while the user typed the secret.
      let file = withProfile(loadProfiles(ctx.env), name, profile);
      if (flags.default || getProfile(file, file.defaultProfile ?? DEFAULT_PROFILE) === undefined) {
        file = { ...file, defaultProfile: name };
      }
      const path = saveProfiles(file, ctx.env);
      const now = Date.now();
      if (flags.json) {
        term.stdout.write(
          formatJson(
            { ...statusOf(name, profile, file, now), tokenEndpoint: endpoint, file: path },
            term.stdout,
          ),
        );
        return;
      }
      term.stdout.write(
        `${term.out.green("✓")} Logged in to ${baseUrl} as ${flags.clientId} (profile ${name})\n` +
          `  token endpoint: ${endpoint}\n` +
          (token.expiresAt !== undefined ? `  token valid until ${until(token.expiresAt, now)}\n` : "") +
          `  ${flags.storeSecret ? "secret stored" : "secret not stored (log in again when the token expires)"} in ${path}\n`,
      );
    });

  auth
    .command("logout")
    .description("remove a profile (its secret and token)")
    .option("--profile <name>", "profile to remove (env ILEAP_PROFILE; default: the default profile)")
    .option("--all", "remove every profile")
    .addHelpText(
      "after",
      "\nExamples:\n  $ ileap auth logout\n  $ ileap auth logout --profile staging\n  $ ileap auth logout --all",
    )
    .action((flags: LogoutFlags) => {
      const file = loadProfiles(ctx.env, ctx.warn);
      if (flags.all) {
        const names = Object.keys(file.profiles);
        saveProfiles({ version: 1, profiles: {} }, ctx.env);
        term.stdout.write(names.length === 0 ? "no profiles\n" : `Logged out of ${names.join(", ")}\n`);
        return;
      }
      const name = selectedProfileName(flags.profile, file, ctx.env);
      const profile = getProfile(file, name);
      if (profile === undefined)
        throw new CliError(`not logged in: no profile named ${JSON.stringify(name)}`, EXIT.auth);
      saveProfiles(withProfile(file, name, undefined), ctx.env);
      term.stdout.write(`Logged out of ${profile.baseUrl} (profile ${name})\n`);
    });

  auth
    .command("status")
    .description("show the profiles; exit 0 when the selected one can be used without logging in")
    .option("--profile <name>", "profile to check (env ILEAP_PROFILE; default: the default profile)")
    .option("--verify", "also obtain a token from the host to check the credentials")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  $ ileap auth status\n  $ ileap auth status --profile staging --verify\n  $ ileap auth status --json",
    )
    .action(async (flags: StatusFlags) => {
      const file = loadProfiles(ctx.env, ctx.warn);
      const now = Date.now();
      const name = selectedProfileName(flags.profile, file, ctx.env);
      const statuses = Object.entries(file.profiles).map(([n, p]) => statusOf(n, p, file, now));
      const selected = statuses.find((s) => s.name === name);
      let verified: boolean | undefined;
      let verifyFailure: CliError | undefined;
      if (flags.verify && selected) {
        const session = openSession({ profile: name }, ctx.env, ctx.warn);
        try {
          await session.client.authenticate();
          verified = true;
        } catch (err) {
          verified = false;
          verifyFailure = toCliError(err, session.loginHint);
        }
      }
      if (flags.json) {
        term.stdout.write(
          formatJson(
            {
              file: profilesPath(ctx.env),
              selected: name,
              profiles: statuses,
              ...(verified !== undefined
                ? { verified, ...(verifyFailure ? { error: verifyFailure.message } : {}) }
                : {}),
            },
            term.stdout,
          ),
        );
      } else if (statuses.length === 0) {
        term.stdout.write(`Not logged in (no profiles in ${profilesPath(ctx.env)})\n`);
      } else {
        for (const s of statuses) {
          const mark = s.name === name ? term.out.bold("*") : " ";
          const tokenText =
            s.token === "valid" && s.tokenExpiresAt
              ? `token valid until ${until(Date.parse(s.tokenExpiresAt), now)}`
              : s.token === "expired"
                ? s.secretStored
                  ? "token expired (renewed on next use)"
                  : term.out.yellow("token expired: log in again")
                : "no token";
          term.stdout.write(
            `${mark} ${term.out.bold(s.name)}${s.default ? " (default)" : ""}: ${s.baseUrl} as ${s.clientId}\n` +
              `    ${s.secretStored ? "secret stored" : "secret not stored"}; ${tokenText}\n`,
          );
        }
        if (verified) term.stdout.write(`${term.out.green("✓")} credentials of ${name} verified\n`);
      }
      if (selected === undefined) {
        throw new CliError(
          `not logged in${statuses.length > 0 ? `: no profile named ${JSON.stringify(name)}` : ""}`,
          EXIT.auth,
          "ileap auth login --base-url URL --client-id ID",
        );
      }
      if (!selected.usable) {
        throw new CliError(
          `profile ${name}: the token expired and no secret is stored`,
          EXIT.auth,
          `log in again: ileap auth login${name === DEFAULT_PROFILE ? "" : ` --profile ${name}`} --base-url ${selected.baseUrl} --client-id ${selected.clientId}`,
        );
      }
      if (verifyFailure) throw verifyFailure;
    });
}
