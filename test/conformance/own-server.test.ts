/**
 * End-to-end: the conformance suite against our own host (demo data), over HTTP and HTTPS, with
 * short-lived tokens so that the expired-token cases run.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ConformanceReport, formatReport, runConformance } from "../../src/conformance/index.ts";
import { startDemoServer } from "../helpers/servers.ts";

const TOKEN_TTL_SECONDS = 2;
const HTTP_REFUSAL_CASES = ["pact-tc09", "pact-tc10", "pact-tc11", "pact-tc17"];

async function run(tls: boolean): Promise<ConformanceReport> {
  const server = await startDemoServer({ tls, tokenTtlSeconds: TOKEN_TTL_SECONDS });
  try {
    return await runConformance({
      baseUrl: server.baseUrl,
      clientId: "hello",
      clientSecret: "pathfinder",
      maxWaitForExpirySeconds: 15,
      ...(server.ca !== undefined ? { tls: { ca: server.ca } } : {}),
      ...(server.httpBaseUrl !== undefined ? { httpBaseUrl: server.httpBaseUrl } : {}),
    });
  } finally {
    await server.close();
  }
}

describe("conformance suite against our own server", () => {
  it("passes every case over HTTPS, including the plain-HTTP refusal and expired-token cases", async () => {
    const report = await run(true);
    const text = formatReport(report);
    assert.equal(report.passed, true, text);
    for (const r of report.results) assert.equal(r.status, "passed", `${r.id}: ${r.reason ?? ""}\n${text}`);
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
});
