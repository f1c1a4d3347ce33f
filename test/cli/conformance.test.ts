/**
 * `ileap conformance` as a child process: every case passes against our own host over HTTPS (with
 * the expired-token cases), failures are reported against a deliberately broken host, and the
 * exit codes say so.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  DEFAULT_CALLBACK_CLIENT_ID,
  DEFAULT_CALLBACK_CLIENT_SECRET,
} from "../../src/cli/commands/conformance.ts";
import { type ConformanceReport, callbackPeerConfig } from "../../src/conformance/index.ts";
import { runCli } from "../helpers/cli.ts";
import { type FakeHost, type FakeResponse, startFakeHost } from "../helpers/fake-host.ts";
import { type RunningDemoServer, startDemoServer, TLS_CERT_FILE } from "../helpers/servers.ts";

const SECRET = "pathfinder";

/** A host that issues tokens but answers every API call wrongly (200 without data, no errors). */
function brokenHandler(req: {
  path: string;
  method: string;
  headers: Record<string, unknown>;
}): FakeResponse {
  if (req.path === "/auth/token" && req.method === "POST") {
    const ok = req.headers.authorization === `Basic ${Buffer.from("client:s3cret").toString("base64")}`;
    return ok
      ? { status: 200, body: { access_token: "t", token_type: "bearer", expires_in: 3600 } }
      : { status: 401, body: { error: "unauthorized_client" } }; // wrong OAuth error
  }
  if (req.path.startsWith("/2/footprints"))
    return { status: 403, body: { code: "AccessDenied", message: "no" } };
  if (req.path === "/2/ileap/tad") return { status: 200, body: { items: [] } };
  return { status: 404, body: "not found" };
}

/** A port that was free a moment ago (for the CLI's callback listener). */
async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe("ileap conformance", () => {
  let server: RunningDemoServer;
  let broken: FakeHost;
  let callbackPort: number;
  before(async () => {
    callbackPort = await freePort();
    const peer = callbackPeerConfig({
      url: `http://127.0.0.1:${callbackPort}`,
      clientId: DEFAULT_CALLBACK_CLIENT_ID,
      clientSecret: DEFAULT_CALLBACK_CLIENT_SECRET,
    });
    [server, broken] = await Promise.all([
      startDemoServer({
        tls: true,
        tokenTtlSeconds: 2,
        configYaml: `${peer}  pollIntervalMs: 100\n  backoffBaseMs: 100\n  backoffMaxMs: 1000\n`,
      }),
      startFakeHost((req) => brokenHandler(req)),
    ]);
  });
  after(async () => {
    await Promise.all([server.close(), broken.close()]);
  });

  it("passes every case against our own host over HTTPS, exit 0", async () => {
    const r = await runCli(
      [
        "conformance",
        server.baseUrl,
        "--client-id",
        "hello",
        "--client-secret-stdin",
        "--ca",
        TLS_CERT_FILE,
        "--expired-token",
        "--max-wait",
        "15",
        "--callback-port",
        String(callbackPort),
        "--callback-timeout",
        "20",
        "--json",
      ],
      { stdin: SECRET },
    );
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
    const report = JSON.parse(r.stdout) as ConformanceReport;
    assert.equal(report.passed, true);
    for (const c of report.results) assert.equal(c.status, "passed", `${c.id}: ${c.reason ?? ""}`);
    assert.ok(report.results.some((c) => c.id === "ileap-tc008"));
    assert.ok(report.results.some((c) => c.id === "pact-tc13"));
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
  });

  it("runs the PACT v3.0 cases with --version 3.0, callbacks included", async () => {
    const r = await runCli(
      [
        "conformance",
        server.baseUrl,
        "--version",
        "3.0",
        "--client-id",
        "hello",
        "--ca",
        TLS_CERT_FILE,
        "--callback-port",
        String(callbackPort),
        "--callback-timeout",
        "20",
        "--cases",
        "pact-tc08,pact-tc13,pact-tc14b,pact-tc29,pact-tc40",
      ],
      { env: { ILEAP_CLIENT_SECRET: SECRET } },
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /, PACT 3\.0 \(/);
    for (const id of ["pact-tc08", "pact-tc13", "pact-tc14b", "pact-tc29", "pact-tc40"]) {
      assert.match(r.stdout, new RegExp(`^PASS ${id} `, "m"));
    }
    assert.match(r.stdout, /^PASSED: 5 passed, 0 failed, 0 skipped/m);
  });

  it("reports the failures of a broken host with reasons, exit 1", async () => {
    const text = await runCli(["conformance", broken.url, "--client-id", "client", "--client-secret-stdin"], {
      stdin: "s3cret",
    });
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^PASS pact-tc01 /m);
    assert.match(text.stdout, /^FAIL pact-tc02 .*: .+/m, "a failure names its reason");
    assert.match(text.stdout, /^FAIL pact-tc04 /m);
    assert.match(text.stdout, /^FAIL ileap-tc004 /m);
    assert.match(text.stdout, /^NOT PASSED: \d+ passed, \d+ failed/m);
    assert.ok(!text.stdout.includes("s3cret"));
    const json = await runCli(
      ["conformance", broken.url, "--client-id", "client", "--cases", "pact-tc01,pact-tc04", "--json"],
      { env: { ILEAP_CLIENT_SECRET: "s3cret" } },
    );
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as ConformanceReport;
    assert.deepEqual(
      report.results.map((c) => [c.id, c.status]),
      [
        ["pact-tc01", "passed"],
        ["pact-tc04", "failed"],
      ],
    );
    assert.deepEqual(report.summary.mandatoryNotPassed, ["pact-tc04"]);
  });

  it("refuses unusable arguments with exit code 2", async () => {
    const env = { ILEAP_CLIENT_SECRET: "x", HOME: "/nonexistent", XDG_CONFIG_HOME: "/nonexistent/xdg" };
    const [noUrl, badCase, badCa, badUrl] = await Promise.all([
      runCli(["conformance", "--client-id", "c"], { env }),
      runCli(["conformance", broken.url, "--client-id", "c", "--cases", "pact-tc99"], { env }),
      runCli(["conformance", broken.url, "--client-id", "c", "--ca", "/nonexistent.pem"], { env }),
      runCli(["conformance", "ftp://x", "--client-id", "c"], { env }),
    ]);
    assert.equal(noUrl.code, 2, noUrl.stderr);
    assert.match(noUrl.stderr, /BASE_URL/);
    assert.equal(badCase.code, 2);
    assert.match(badCase.stderr, /unknown case id/);
    assert.equal(badCa.code, 2);
    assert.equal(badUrl.code, 2, badUrl.stderr);
    const [badVersion, v2Case, peerNoPort, badPort] = await Promise.all([
      runCli(["conformance", broken.url, "--client-id", "c", "--version", "4.0"], { env }),
      runCli(["conformance", broken.url, "--client-id", "c", "--version", "3.0", "--cases", "ileap-tc004"], {
        env,
      }),
      runCli(["conformance", "--print-peer"], { env }),
      runCli(["conformance", broken.url, "--client-id", "c", "--callback-port", "70000"], { env }),
    ]);
    assert.equal(badVersion.code, 2);
    assert.match(badVersion.stderr, /unknown PACT version "4\.0": use 2\.3 or 3\.0/);
    assert.equal(v2Case.code, 2);
    assert.match(v2Case.stderr, /unknown case id\(s\) for PACT 3\.0: ileap-tc004/);
    assert.equal(peerNoPort.code, 2);
    assert.match(peerNoPort.stderr, /--print-peer needs --callback-port/);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--callback-port must be a port/);
  });

  it("prints the peer entry of the callback listener, with the secret from the environment", async () => {
    const r = await runCli(
      [
        "conformance",
        "--print-peer",
        "--callback-port",
        "18500",
        "--callback-url",
        "https://cb.example.com/",
      ],
      { env: { ILEAP_CALLBACK_CLIENT_SECRET: "cb-secret" } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'peers:\n  - baseUrl: "https://cb.example.com"\n    clientId: "ileap-conformance"\n    clientSecret: "cb-secret"\nevents:\n  allowPrivateNetworks: true   # the listener runs on a loopback or private address\n',
    );
  });
});
