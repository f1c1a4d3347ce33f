/**
 * End-to-end: the conformance suite against our own host (demo data), over HTTP and HTTPS, with
 * short-lived tokens so that the expired-token cases run, and with the in-process callback
 * listener configured as the host's peer so that the asynchronous answers (TC13, TC14.B) are
 * checked.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ConformanceReport,
  formatReport,
  runConformance,
  startCallbackListener,
} from "../../src/conformance/index.ts";
import { startDemoServer } from "../helpers/servers.ts";

const TOKEN_TTL_SECONDS = 2;
const HTTP_REFUSAL_CASES = ["pact-tc09", "pact-tc10", "pact-tc11", "pact-tc17"];
/** Quick delivery retries for the tests. */
const FAST_EVENTS = "  pollIntervalMs: 100\n  backoffBaseMs: 100\n  backoffMaxMs: 1000\n";

async function run(tls: boolean, version: "2.3" | "3.0" = "2.3"): Promise<ConformanceReport> {
  const listener = await startCallbackListener();
  const server = await startDemoServer({
    tls,
    tokenTtlSeconds: TOKEN_TTL_SECONDS,
    configYaml: listener.peerConfig() + FAST_EVENTS,
  });
  try {
    return await runConformance({
      baseUrl: server.baseUrl,
      clientId: "hello",
      clientSecret: "pathfinder",
      version,
      maxWaitForExpirySeconds: 15,
      callbacks: listener,
      callbackTimeoutMs: 20_000,
      ...(server.ca !== undefined ? { tls: { ca: server.ca } } : {}),
      ...(server.httpBaseUrl !== undefined ? { httpBaseUrl: server.httpBaseUrl } : {}),
    });
  } finally {
    await server.close();
    await listener.close();
  }
}

describe("conformance suite against our own server", () => {
  it("passes every case over HTTPS, including the plain-HTTP refusal, expired-token and callback cases", async () => {
    const report = await run(true);
    const text = formatReport(report);
    assert.equal(report.version, "2.3");
    assert.equal(report.passed, true, text);
    for (const r of report.results) assert.equal(r.status, "passed", `${r.id}: ${r.reason ?? ""}\n${text}`);
    assert.ok(report.results.some((r) => r.id === "pact-tc13"));
    assert.ok(report.results.some((r) => r.id === "pact-tc14b"));
  });

  it("passes every PACT v3.0 case over HTTPS, the callbacks (TC13, TC14.B on /3/events) included", async () => {
    const report = await run(true, "3.0");
    const text = formatReport(report);
    assert.equal(report.version, "3.0");
    assert.equal(report.results.length, 44, text);
    for (const r of report.results) assert.equal(r.status, "passed", `${r.id}: ${r.reason ?? ""}\n${text}`);
    assert.equal(report.passed, true, text);
  });

  it("passes every case over plain HTTP except the refusal cases, which are skipped", async () => {
    const report = await run(false);
    const text = formatReport(report);
    for (const r of report.results) {
      const expected = HTTP_REFUSAL_CASES.includes(r.id) ? "skipped" : "passed";
      assert.equal(r.status, expected, `${r.id}: ${r.reason ?? ""}\n${text}`);
    }
    // A mandatory case that was skipped is not a pass.
    assert.equal(report.passed, false);
    assert.deepEqual(report.summary.mandatoryNotPassed, HTTP_REFUSAL_CASES);
  });

  it("skips the callback cases without a listener, naming how to get one", async () => {
    const server = await startDemoServer();
    try {
      const report = await runConformance({
        baseUrl: server.baseUrl,
        clientId: "hello",
        clientSecret: "pathfinder",
        cases: ["pact-tc12", "pact-tc13", "pact-tc14b"],
      });
      assert.deepEqual(
        report.results.map((r) => [r.id, r.status]),
        [
          ["pact-tc12", "passed"],
          ["pact-tc13", "skipped"],
          ["pact-tc14b", "skipped"],
        ],
      );
      assert.match(report.results[1]?.reason ?? "", /no callback listener/);
      assert.deepEqual(report.summary.mandatoryNotPassed, ["pact-tc13", "pact-tc14b"]);
    } finally {
      await server.close();
    }
  });

  it("fails the callback cases when the host does not know the listener (no answer in time)", async () => {
    const listener = await startCallbackListener();
    const server = await startDemoServer();
    try {
      const report = await runConformance({
        baseUrl: server.baseUrl,
        clientId: "hello",
        clientSecret: "pathfinder",
        cases: ["pact-tc13"],
        callbacks: listener,
        callbackTimeoutMs: 1500,
      });
      const r = report.results[0];
      assert.equal(r?.status, "failed");
      assert.match(
        r?.reason ?? "",
        /no event with data\.requestEventId "ileap-ts-conformance-[0-9a-f-]+" arrived at http:\/\/127\.0\.0\.1:\d+\/2\/events within 2 s/,
      );
    } finally {
      await server.close();
      await listener.close();
    }
  });
});
