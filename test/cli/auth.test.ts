/**
 * `ileap auth login|logout|status` as child processes against our host: profiles in a private
 * XDG config dir with mode 0600, secrets and tokens never printed, renewal with a stored secret
 * and "log in again" without one.
 */
import assert from "node:assert/strict";
import { chmodSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type CliHome, type CliResult, cliHome } from "../helpers/cli.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

const SECRET = "pathfinder";
const TTL_SECONDS = 1;

interface StoredProfile {
  baseUrl: string;
  clientId: string;
  clientSecret?: string;
  token?: { accessToken: string; expiresAt?: number };
}

function profiles(home: CliHome): { defaultProfile?: string; profiles: Record<string, StoredProfile> } {
  return JSON.parse(readFileSync(home.profilesFile, "utf8"));
}

/** No output of any run may contain a secret (as a whole word: URNs contain `:pathfinder:`) or a token. */
function assertNoSecrets(results: readonly CliResult[], tokens: ReadonlySet<string>): void {
  const secrets = [/(?<![\w:])pathfinder(?![\w:])/, /not-the-secret/];
  for (const r of results) {
    for (const text of [r.stdout, r.stderr]) {
      for (const pattern of secrets) assert.doesNotMatch(text, pattern);
      for (const token of tokens) assert.ok(!text.includes(token), "an access token was printed");
    }
  }
}

describe("ileap auth", () => {
  let server: RunningDemoServer;
  let home: CliHome;
  const outputs: CliResult[] = [];
  const tokens = new Set<string>();
  const run = async (args: string[], options?: Parameters<CliHome["run"]>[1]) => {
    const r = await home.run(args, options);
    outputs.push(r);
    try {
      for (const p of Object.values(profiles(home).profiles)) if (p.token) tokens.add(p.token.accessToken);
    } catch {
      // no profiles file yet
    }
    return r;
  };
  before(async () => {
    server = await startDemoServer({ tokenTtlSeconds: TTL_SECONDS });
    home = cliHome();
  });
  after(async () => {
    home.cleanup();
    await server.close();
  });

  it("reports 'not logged in' with exit code 3 before any login", async () => {
    const [list, status] = await Promise.all([run(["footprints", "list"]), run(["auth", "status"])]);
    assert.equal(list.code, 3, list.stderr);
    assert.match(list.stderr, /not logged in/);
    assert.match(list.stderr, /ileap auth login/);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /Not logged in/);
  });

  it("logs in with the secret on stdin and stores the profile with mode 0600", async () => {
    const r = await run(
      ["auth", "login", "--base-url", server.baseUrl, "--client-id", "hello", "--client-secret-stdin"],
      {
        stdin: `${SECRET}\n`,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Logged in to .* as hello \(profile default\)/);
    assert.equal(statSync(home.profilesFile).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(home.profilesFile)).mode & 0o777, 0o700);
    const stored = profiles(home).profiles.default!;
    assert.equal(stored.baseUrl, server.baseUrl);
    assert.equal(stored.clientSecret, SECRET, "stored for renewal");
    assert.ok(stored.token?.accessToken);
    const list = await run(["footprints", "list", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal((JSON.parse(list.stdout) as unknown[]).length, 12);
  });

  it("refuses wrong credentials with exit code 3 and does not save them", async () => {
    const r = await run(
      [
        "auth",
        "login",
        "--profile",
        "wrong",
        "--base-url",
        server.baseUrl,
        "--client-id",
        "hello",
        "--client-secret-stdin",
      ],
      { stdin: "not-the-secret" },
    );
    assert.equal(r.code, 3);
    assert.match(r.stderr, /invalid_client/);
    assert.ok(!r.stderr.includes("not-the-secret"));
    assert.equal(profiles(home).profiles.wrong, undefined);
  });

  it("never takes a secret from nowhere: no TTY, no stdin flag, no env → usage error", async () => {
    const [r, flag] = await Promise.all([
      run(["auth", "login", "--base-url", server.baseUrl, "--client-id", "hello"]),
      run(["auth", "login", "--base-url", server.baseUrl, "--client-id", "hello", "--client-secret", SECRET]),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--client-secret-stdin|ILEAP_CLIENT_SECRET/);
    assert.equal(flag.code, 2, "there is no plain --client-secret flag on login");
  });

  it("keeps only the token with --no-store-secret, then asks to log in again when it expires", async () => {
    const r = await run(
      [
        "auth",
        "login",
        "--profile",
        "nosecret",
        "--base-url",
        server.baseUrl,
        "--client-id",
        "transport_service_user",
        "--no-store-secret",
        "--json",
      ],
      { env: { ILEAP_CLIENT_SECRET: "ileap" } },
    );
    assert.equal(r.code, 0, r.stderr);
    const login = JSON.parse(r.stdout) as {
      name: string;
      secretStored: boolean;
      token: string;
      usable: boolean;
    };
    assert.deepEqual(
      [login.name, login.secretStored, login.token, login.usable],
      ["nosecret", false, "valid", true],
    );
    assert.equal(profiles(home).profiles.nosecret?.clientSecret, undefined);
    await sleep(TTL_SECONDS * 1000 + 200);
    const [expired, status] = await Promise.all([
      run(["tad", "list", "--profile", "nosecret"]),
      run(["auth", "status", "--profile", "nosecret"]),
    ]);
    assert.equal(expired.code, 3);
    assert.match(expired.stderr, /log in again/);
    assert.match(expired.stderr, /ileap auth login --profile nosecret/);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /token expired: log in again/);
  });

  it("renews an expired token with the stored secret and saves the new one", async () => {
    const before = profiles(home).profiles.default!.token!.accessToken;
    const r = await run(["footprints", "get", "1860b074-7254-43e0-9d53-6a0715866916", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { id: string }).id, "1860b074-7254-43e0-9d53-6a0715866916");
    const after = profiles(home).profiles.default!.token!.accessToken;
    assert.notEqual(after, before);
    assert.equal(statSync(home.profilesFile).mode & 0o777, 0o600, "still private after the update");
  });

  it("shows every profile with auth status, as text and JSON; makes a file readable by others private", async () => {
    chmodSync(home.profilesFile, 0o644);
    const [text, json] = await Promise.all([
      run(["auth", "status"]),
      run(["auth", "status", "--json", "--verify"]),
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stderr + json.stderr, /readable by others/);
    assert.equal(statSync(home.profilesFile).mode & 0o777, 0o600);
    assert.match(text.stdout, /\* default \(default\): .* as hello/);
    assert.match(text.stdout, /nosecret: .* as transport_service_user/);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as {
      selected: string;
      verified: boolean;
      profiles: { name: string }[];
    };
    assert.equal(parsed.selected, "default");
    assert.equal(parsed.verified, true);
    assert.deepEqual(
      parsed.profiles.map((p) => p.name),
      ["default", "nosecret"],
    );
  });

  it("logs out of one profile, then of all", async () => {
    const one = await run(["auth", "logout", "--profile", "nosecret"]);
    assert.equal(one.code, 0);
    assert.equal(profiles(home).profiles.nosecret, undefined);
    const [again, all] = await Promise.all([
      run(["auth", "logout", "--profile", "nosecret"]),
      run(["auth", "logout", "--all"]),
    ]);
    assert.equal(again.code, 3);
    assert.equal(all.code, 0);
    assert.deepEqual(profiles(home).profiles, {});
  });

  it("uses ILEAP_BASE_URL / ILEAP_CLIENT_ID / ILEAP_CLIENT_SECRET without a profile", async () => {
    const env = { ILEAP_BASE_URL: server.baseUrl, ILEAP_CLIENT_ID: "hello", ILEAP_CLIENT_SECRET: SECRET };
    const [r, partial] = await Promise.all([
      run(["footprints", "list", "--limit", "2", "--json"], { env }),
      run(["footprints", "list"], { env: { ILEAP_BASE_URL: server.baseUrl } }),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2);
    assert.equal(partial.code, 2);
  });

  it("never printed a secret or token", () => {
    assert.ok(tokens.size >= 3);
    assertNoSecrets(outputs, tokens);
  });
});
