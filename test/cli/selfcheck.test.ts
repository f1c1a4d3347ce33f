/**
 * `ileap conformance --self` (`npm run selfcheck`): the whole suite against a throw-away demo host
 * over HTTPS with a fresh self-signed certificate and 2-second tokens — every case must pass,
 * the plain-HTTP refusal and expired-token cases included.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConformanceReport } from "../../src/conformance/index.ts";
import { runCli } from "../helpers/cli.ts";

describe("ileap conformance --self", () => {
  it("passes every case, refusal and expiry cases included, and cleans up", async () => {
    const res = await runCli(["conformance", "--self", "--json"]);
    assert.equal(res.code, 0, res.stderr);
    const report = JSON.parse(res.stdout) as ConformanceReport & { selfCheck: boolean; baseUrl: string };
    assert.equal(report.selfCheck, true);
    assert.match(report.baseUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(report.passed, true);
    const notPassed = report.results.filter((r) => r.status !== "passed");
    assert.deepEqual(notPassed, []);
    for (const id of ["pact-tc09", "pact-tc17", "ileap-tc008"])
      assert.ok(
        report.results.some((r) => r.id === id && r.status === "passed"),
        id,
      );
  });

  it("refuses host flags with --self (exit 2)", async () => {
    const res = await runCli(["conformance", "--self", "https://api.example.com"]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--self checks a throw-away host/);
  });
});
