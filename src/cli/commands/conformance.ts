/**
 * `ileap conformance BASE_URL`: runs the conformance suite (PACT v2 test cases and iLEAP
 * TC001–TC008, or the PACT v3.0 cases with `--version 3.0`) against any host, optionally with an
 * in-process listener for the host's answers to request events (TC13, TC14.B). Exit code 0 only
 * when every mandatory case passed.
 * @module
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { ConformanceOptions, ConformanceReport } from "../../conformance/index.ts";
import type { CliContext } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { formatJson, type Terminal } from "../output.ts";
import { getProfile, loadProfiles, selectedProfileName } from "../profiles.ts";
import { resolveSecret } from "../secrets.ts";
import type { ProfileTls } from "../tls.ts";

/** Default of `--max-wait`: how long the suite may wait for a fresh token to expire. */
export const DEFAULT_MAX_WAIT_SECONDS = 120;
/** Default client id the host uses at the callback listener. */
export const DEFAULT_CALLBACK_CLIENT_ID = "ileap-conformance";
/**
 * Default client secret at the callback listener: fixed, so that the peer entry printed by
 * `--print-peer` stays valid for later runs (the listener only receives test answers).
 */
export const DEFAULT_CALLBACK_CLIENT_SECRET = "ileap-conformance-callback";

interface ConformanceFlags {
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly clientSecretStdin?: boolean;
  readonly authBaseUrl?: string;
  readonly profile?: string;
  readonly json?: boolean;
  readonly expiredToken?: string | boolean;
  readonly maxWait?: string;
  readonly ca?: string;
  readonly insecure?: boolean;
  readonly httpRefusal?: boolean;
  readonly httpBaseUrl?: string;
  readonly cases?: string;
  readonly timeout?: string;
  readonly version?: string;
  readonly callbackPort?: string;
  readonly callbackHost?: string;
  readonly callbackUrl?: string;
  readonly callbackClientId?: string;
  readonly callbackTimeout?: string;
  readonly printPeer?: boolean;
  readonly self?: boolean;
}

function port(flag: string, value: string): number {
  const n = positiveInt(flag, value);
  if (n > 65535) throw new CliError(`${flag} must be a port (1–65535), got ${value}`, EXIT.usage);
  return n;
}

/** Where the callback listener listens and how the host reaches and authenticates at it. */
function callbackSettings(flags: ConformanceFlags, env: NodeJS.ProcessEnv) {
  if (flags.callbackPort === undefined) {
    if (flags.printPeer) throw new CliError("--print-peer needs --callback-port", EXIT.usage);
    for (const f of ["callbackHost", "callbackUrl", "callbackClientId", "callbackTimeout"] as const) {
      if (flags[f] !== undefined) {
        throw new CliError(
          `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --callback-port`,
          EXIT.usage,
        );
      }
    }
    return undefined;
  }
  const listenPort = port("--callback-port", flags.callbackPort);
  const host = flags.callbackHost ?? "127.0.0.1";
  const url = (
    flags.callbackUrl ?? `http://${host.includes(":") ? `[${host}]` : host}:${listenPort}`
  ).replace(/\/+$/, "");
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new CliError(
      `--callback-url must be an absolute http(s) URL, got ${JSON.stringify(url)}`,
      EXIT.usage,
    );
  }
  const clientId = flags.callbackClientId ?? DEFAULT_CALLBACK_CLIENT_ID;
  const clientSecret = env.ILEAP_CALLBACK_CLIENT_SECRET || DEFAULT_CALLBACK_CLIENT_SECRET;
  const timeoutMs =
    flags.callbackTimeout !== undefined
      ? positiveInt("--callback-timeout", flags.callbackTimeout) * 1000
      : 60_000;
  return { port: listenPort, host, url, clientId, clientSecret, timeoutMs };
}

function positiveInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new CliError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`, EXIT.usage);
  }
  return Number(value);
}

function colourReport(text: string, term: Terminal): string {
  const s = term.out;
  return text
    .split("\n")
    .map((line) => {
      if (line.startsWith("PASS ")) return `${s.green("PASS")}${line.slice(4)}`;
      if (line.startsWith("FAIL ")) return `${s.red("FAIL")}${line.slice(4)}`;
      if (line.startsWith("SKIP ")) return `${s.yellow("SKIP")}${line.slice(4)}`;
      if (line.startsWith("PASSED")) return s.bold(s.green(line));
      if (line.startsWith("NOT PASSED")) return s.bold(s.red(line));
      if (line.startsWith("     note:")) return s.dim(line);
      return line;
    })
    .join("\n");
}

/** Registers `conformance`. */
export function registerConformanceCommand(program: Command, ctx: CliContext): void {
  program
    .command("conformance")
    .description("run the PACT v2 / iLEAP or PACT v3.0 conformance suite against any host")
    .argument("[base-url]", "API base URL of the host, incl. any path prefix (default: the profile's)")
    .option("--client-id <id>", "client id of the test client (default: the profile's)")
    .option("--client-secret <secret>", "client secret (visible in shell history: prefer the next two)")
    .option(
      "--client-secret-stdin",
      "read the client secret from stdin (else env ILEAP_CLIENT_SECRET, else a prompt)",
    )
    .option("--auth-base-url <url>", "base URL of the auth endpoints, when not the API base URL")
    .option("--profile <name>", "take the base URL and credentials from a login profile")
    .option(
      "--expired-token [token]",
      "run the expired-token cases: with TOKEN (an expired token of the host), or by waiting for a fresh token to expire",
    )
    .option(
      "--max-wait <seconds>",
      `longest wait for a token to expire (default ${DEFAULT_MAX_WAIT_SECONDS})`,
    )
    .option("--ca <file>", "extra trusted CA certificate(s), PEM, for https hosts")
    .option("--insecure", "do not verify the host's TLS certificate")
    .option("--no-http-refusal", "skip the checks that plain-HTTP requests are refused (https hosts)")
    .option("--http-base-url <url>", "plain-HTTP variant of the base URL for the refusal checks")
    .option("--version <version>", "PACT version to check: 2.3 (with the iLEAP cases) or 3.0", "2.3")
    .option(
      "--callback-port <port>",
      "listen on this port for the host's answers to request events (cases 13 and 14.B)",
    )
    .option("--callback-host <host>", "interface of the callback listener (default 127.0.0.1)")
    .option(
      "--callback-url <url>",
      "URL the host reaches the listener at, when not http://HOST:PORT (the events' source)",
    )
    .option(
      "--callback-client-id <id>",
      `client id the host authenticates with at the listener (default ${DEFAULT_CALLBACK_CLIENT_ID}; secret: env ILEAP_CALLBACK_CLIENT_SECRET)`,
    )
    .option("--callback-timeout <seconds>", "how long to wait for each answer (default 60)")
    .option("--print-peer", "print the peer entry the host needs for the callback listener, and exit")
    .option("--cases <ids>", "comma-separated case ids to run (default: all)")
    .option("--timeout <ms>", "timeout of each request in milliseconds (default 10000)")
    .option("--json", "print the report as JSON")
    .option(
      "--self",
      "check this package: start a throw-away demo host over HTTPS (self-signed, 2-second tokens) and run the whole suite against it",
    )
    .addHelpText(
      "after",
      `
The iLEAP and PACT expired-token cases (ileap-tc008 is mandatory) need a token that has expired:
pass --expired-token TOKEN, or --expired-token alone to obtain one and wait for it to expire (hosts
whose tokens live longer than --max-wait seconds are skipped). The plain-HTTP refusal cases (PACT
TC9–TC11, TC17) run only against https:// base URLs.

Case ids (for --cases) are those of the report. PACT 2.3: pact-tc01 … pact-tc21, pact-tc14a,
pact-tc14b, pact-ext-…, ileap-tc001 … ileap-tc008. PACT 3.0: pact-tc01 … pact-tc40, pact-tc14a,
pact-tc14b, pact-ext-….

Cases 13 and 14.B check the host's answers to request events: with --callback-port the suite runs a
listener (OIDC discovery, /auth/token, /2/events and /3/events) that must be configured as a peer of
the host beforehand: --print-peer prints the entry for an ileap-ts host. Without it they are skipped.

Exit code 0 when every mandatory case passed, 1 when not, 2 for usage errors.

Examples:
  $ ileap conformance https://api.example.com --client-id acme --client-secret-stdin --expired-token < secret.txt
  $ ILEAP_CLIENT_SECRET=… ileap conformance https://localhost:8443 --client-id hello --ca cert.pem --expired-token --json
  $ ileap conformance --profile staging --cases pact-tc01,ileap-tc004
  $ ileap conformance --print-peer --callback-port 18500 >> ileap.yaml   # then (re)start the host
  $ ileap conformance https://localhost:8443 --version 3.0 --callback-port 18500 --client-id hello --ca cert.pem
  $ ileap conformance --self            # this package against itself (npm run selfcheck)`,
    )
    .action(async (baseArg: string | undefined, flags: ConformanceFlags) => {
      const { term } = ctx;
      // Loaded on use: the suite compiles the JSON Schemas.
      const { callbackPeerConfig, caseIdsFor, formatReport, parsePactVersion, runConformance } = await import(
        "../../conformance/index.ts"
      );
      let version: ReturnType<typeof parsePactVersion>;
      try {
        version = parsePactVersion(flags.version ?? "2.3");
      } catch (err) {
        throw new CliError((err as Error).message, EXIT.usage);
      }
      const callback = callbackSettings(flags, ctx.env);
      if (flags.printPeer && callback) {
        term.stdout.write(callbackPeerConfig(callback));
        return;
      }
      const CASE_IDS = caseIdsFor(version);
      if (flags.self) {
        await runSelfCheck(baseArg, flags, ctx, CASE_IDS, version);
        return;
      }
      let baseUrl = baseArg;
      let expired = flags.expiredToken;
      // `--expired-token URL …`: the optional value swallowed the base URL.
      if (baseUrl === undefined && typeof expired === "string" && /^https?:\/\//i.test(expired)) {
        baseUrl = expired;
        expired = true;
      }
      let clientId = flags.clientId;
      let authBaseUrl = flags.authBaseUrl;
      let secret: string | undefined;
      let profileTls: ProfileTls | undefined;
      if (baseUrl === undefined || flags.profile !== undefined) {
        const file = loadProfiles(ctx.env, ctx.warn);
        const name = selectedProfileName(flags.profile, file, ctx.env);
        const profile = getProfile(file, name);
        if (profile === undefined) {
          throw new CliError(
            baseUrl === undefined
              ? "missing BASE_URL (and no login profile to take it from)"
              : `no profile named ${name}`,
            EXIT.usage,
            "ileap conformance BASE_URL --client-id ID --client-secret-stdin",
          );
        }
        baseUrl ??= profile.baseUrl;
        clientId ??= profile.clientId;
        profileTls = profile.tls;
        authBaseUrl ??= profile.authBaseUrl;
        if (flags.clientId === undefined || flags.clientId === profile.clientId)
          secret = profile.clientSecret;
      }
      if (clientId === undefined) throw new CliError("--client-id is required", EXIT.usage);
      if (flags.clientSecret !== undefined && !flags.clientSecretStdin) {
        ctx.warn(
          "--client-secret puts the secret in shell history and process lists; prefer --client-secret-stdin or ILEAP_CLIENT_SECRET",
        );
      }
      if (secret === undefined || flags.clientSecret !== undefined || flags.clientSecretStdin) {
        secret = (await resolveSecret(flags, ctx.env, `Client secret for ${clientId}: `)).secret;
      }
      const cases = flags.cases
        ?.split(",")
        .map((c) => c.trim())
        .filter(Boolean);
      const unknown = cases?.filter((c) => !CASE_IDS.includes(c));
      if (unknown && unknown.length > 0) {
        throw new CliError(
          `unknown case id(s) for PACT ${version}: ${unknown.join(", ")}`,
          EXIT.usage,
          `cases: ${CASE_IDS.join(", ")}`,
        );
      }
      let ca: string | undefined;
      if (flags.ca !== undefined) {
        try {
          ca = readFileSync(flags.ca, "utf8");
        } catch (err) {
          throw new CliError(`cannot read --ca ${flags.ca}: ${(err as Error).message}`, EXIT.usage);
        }
      }
      // The profile's TLS trust (auth login --ca/--insecure) unless flags say otherwise.
      const insecure = flags.insecure ?? (flags.ca === undefined && profileTls?.insecure === true);
      if (flags.ca === undefined && !flags.insecure) ca = profileTls?.ca;
      const options: ConformanceOptions = {
        baseUrl,
        version,
        ...(callback
          ? {
              callbacks: {
                host: callback.host,
                port: callback.port,
                publicUrl: callback.url,
                clientId: callback.clientId,
                clientSecret: callback.clientSecret,
              },
              callbackTimeoutMs: callback.timeoutMs,
            }
          : {}),
        clientId,
        clientSecret: secret,
        ...(authBaseUrl !== undefined ? { authBaseUrl } : {}),
        ...(ca !== undefined || insecure
          ? { tls: { ...(ca ? { ca } : {}), ...(insecure ? { rejectUnauthorized: false } : {}) } }
          : {}),
        ...(typeof expired === "string" ? { expiredToken: expired } : {}),
        ...(expired === true
          ? {
              maxWaitForExpirySeconds: flags.maxWait
                ? positiveInt("--max-wait", flags.maxWait)
                : DEFAULT_MAX_WAIT_SECONDS,
            }
          : {}),
        ...(flags.httpRefusal === false ? { checkHttpRefusal: false } : {}),
        ...(flags.httpBaseUrl !== undefined ? { httpBaseUrl: flags.httpBaseUrl } : {}),
        ...(cases !== undefined ? { cases } : {}),
        ...(flags.timeout !== undefined ? { timeoutMs: positiveInt("--timeout", flags.timeout) } : {}),
      };
      if (term.stderr.isTTY && !flags.json) {
        term.stderr.write(
          `${term.err.dim(`running the PACT ${version} conformance suite against ${baseUrl}…`)}\n`,
        );
      }
      let report: ConformanceReport;
      try {
        report = await runConformance(options);
      } catch (err) {
        if (err instanceof TypeError) throw new CliError(err.message, EXIT.usage);
        throw err;
      }
      if (flags.json) {
        term.stdout.write(formatJson(report, term.stdout));
      } else {
        term.stdout.write(`${colourReport(formatReport(report), term)}\n`);
        const skippedExpiry = report.results.some(
          (r) => r.status === "skipped" && /expired token/i.test(r.reason ?? ""),
        );
        if (skippedExpiry && expired === undefined) {
          term.stdout.write(
            `${term.out.dim("hint:")} the expired-token cases need --expired-token (a token, or none to wait for one to expire)\n`,
          );
        }
        if (
          report.results.some((r) => r.status === "skipped" && /no callback listener/.test(r.reason ?? ""))
        ) {
          term.stdout.write(
            `${term.out.dim("hint:")} cases 13 and 14.B need --callback-port (and the host configured with the entry of --print-peer)\n`,
          );
        }
        if (
          !baseUrl.startsWith("https://") &&
          report.summary.mandatoryNotPassed.some((id) =>
            ["pact-tc09", "pact-tc10", "pact-tc11", "pact-tc17"].includes(id),
          )
        ) {
          term.stdout.write(
            `${term.out.dim("hint:")} the plain-HTTP refusal cases need an https:// base URL\n`,
          );
        }
      }
      if (!report.passed) process.exitCode = EXIT.failure;
    });
}

/** `--self`: the suite against a throw-away demo host of this package (no host flags apply). */
async function runSelfCheck(
  baseArg: string | undefined,
  flags: ConformanceFlags,
  ctx: CliContext,
  caseIds: readonly string[],
  version: ConformanceOptions["version"],
): Promise<void> {
  const { term } = ctx;
  const hostFlags = [
    "clientId",
    "clientSecret",
    "clientSecretStdin",
    "authBaseUrl",
    "profile",
    "ca",
  ] as const;
  const given = hostFlags.filter((f) => flags[f] !== undefined);
  if (baseArg !== undefined || given.length > 0 || flags.insecure || flags.httpBaseUrl !== undefined) {
    throw new CliError(
      "--self checks a throw-away host of its own: give no base URL, credentials, profile or TLS flags",
      EXIT.usage,
    );
  }
  const cases = flags.cases
    ?.split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  const unknown = cases?.filter((c) => !caseIds.includes(c));
  if (unknown && unknown.length > 0) {
    throw new CliError(
      `unknown case id(s): ${unknown.join(", ")}`,
      EXIT.usage,
      `cases: ${caseIds.join(", ")}`,
    );
  }
  const { formatReport } = await import("../../conformance/index.ts");
  const { selfCheck, SELF_CHECK_TOKEN_TTL_SECONDS } = await import("../../conformance/self-check.ts");
  if (!flags.json) {
    term.stderr.write(
      `${term.err.dim(`starting a throw-away demo host over HTTPS (self-signed certificate, ${SELF_CHECK_TOKEN_TTL_SECONDS}-second tokens) and running the suite against it…`)}\n`,
    );
  }
  const { baseUrl, report } = await selfCheck({
    ...(version !== undefined ? { version } : {}),
    ...(cases !== undefined ? { cases } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: positiveInt("--timeout", flags.timeout) } : {}),
  });
  if (flags.json) term.stdout.write(formatJson({ ...report, selfCheck: true }, term.stdout));
  else
    term.stdout.write(
      `self-check of this package at ${baseUrl}\n${colourReport(formatReport(report), term)}\n`,
    );
  if (!report.passed) process.exitCode = EXIT.failure;
}
