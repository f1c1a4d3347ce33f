/**
 * Self-signed and private-CA hosts: `auth login` names the certificate problem and the way out,
 * takes `--ca FILE` or `--insecure`, and remembers either in the profile so that later commands
 * (and `conformance --profile`) reach the host without the flags.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CliHome, cliHome } from "../helpers/cli.ts";
import { type RunningDemoServer, startDemoServer, TLS_CA, TLS_CERT_FILE } from "../helpers/servers.ts";

const SECRET = { ILEAP_CLIENT_SECRET: "pathfinder" };

describe("auth login against a self-signed host", () => {
  let server: RunningDemoServer;
  let cli: CliHome;
  before(async () => {
    server = await startDemoServer({ tls: true });
    cli = cliHome();
  });
  after(async () => {
    await server.close();
    cli.cleanup();
  });

  it("without --ca or --insecure: exit 4 naming the certificate problem and both flags", async () => {
    const res = await cli.run(["auth", "login", "--base-url", server.baseUrl, "--client-id", "hello"], {
      env: { ...SECRET, ILEAP_RETRIES: "0" },
    });
    assert.equal(res.code, 4, res.stderr);
    assert.match(res.stderr, /TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    assert.match(res.stderr, /--ca FILE/);
    assert.match(res.stderr, /--insecure/);
  });

  it("--ca FILE: logs in and remembers the CA; later commands need no flag", async () => {
    const login = await cli.run(
      ["auth", "login", "--base-url", server.baseUrl, "--client-id", "hello", "--ca", TLS_CERT_FILE],
      { env: SECRET },
    );
    assert.equal(login.code, 0, login.stderr);
    const file = JSON.parse(readFileSync(cli.profilesFile, "utf8")) as {
      profiles: Record<string, { tls?: { ca?: string; insecure?: boolean } }>;
    };
    assert.equal(file.profiles.default?.tls?.ca, TLS_CA);
    assert.equal(file.profiles.default?.tls?.insecure, undefined);
    const list = await cli.run(["footprints", "list", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    assert.ok((JSON.parse(list.stdout) as unknown[]).length > 0);
    const conformance = await cli.run(["conformance", "--profile", "default", "--cases", "pact-tc01"]);
    assert.equal(conformance.code, 0, conformance.stdout + conformance.stderr);
  });

  it("--insecure: logs in with a warning and remembers it per profile", async () => {
    const login = await cli.run(
      [
        "auth",
        "login",
        "--profile",
        "dev",
        "--base-url",
        server.baseUrl,
        "--client-id",
        "hello",
        "--insecure",
      ],
      { env: SECRET },
    );
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /not verified/);
    const list = await cli.run(["tad", "list", "--profile", "dev", "--json"]);
    assert.equal(list.code, 0, list.stderr);
  });

  it("refuses a --ca file that holds no certificate (exit 2)", async () => {
    const bogus = join(cli.home, "not-a-cert.pem");
    writeFileSync(bogus, "hello\n");
    const res = await cli.run(
      ["auth", "login", "--base-url", server.baseUrl, "--client-id", "hello", "--ca", bogus],
      { env: SECRET },
    );
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /holds no PEM certificate/);
  });
});
