/**
 * The PACT v3.0 cases against an independent v3 host (test/helpers/fake-v3-host.ts): all pass
 * when it behaves, and each case fails, with a specific reason, when the host has the defect the
 * case is about. Together with own-server.test.ts this shows that no v3 check passes regardless.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type CallbackListener,
  type ConformanceReport,
  formatReport,
  runConformance,
  startCallbackListener,
  V3_CASES,
} from "../../src/conformance/index.ts";
import { validateV3Footprint } from "../../src/model/v3/validate.ts";
import { type FakeV3Host, startFakeV3Host, V3_FOOTPRINTS, type V3Defect } from "../helpers/fake-v3-host.ts";

async function runAgainst(defects: readonly V3Defect[], cases?: string[]): Promise<ConformanceReport> {
  const host: FakeV3Host = await startFakeV3Host(defects);
  const listener: CallbackListener = await startCallbackListener();
  host.setPeer({ clientId: listener.clientId, clientSecret: listener.clientSecret });
  try {
    return await runConformance({
      baseUrl: host.url,
      httpBaseUrl: host.plainUrl,
      checkHttpRefusal: true,
      version: "3.0",
      clientId: "client",
      clientSecret: "secret",
      callbacks: listener,
      callbackTimeoutMs: 3000,
      timeoutMs: 5000,
      ...(cases ? { cases } : {}),
    });
  } finally {
    await listener.close();
    await host.close();
  }
}

const ALL_DEFECTS: readonly V3Defect[] = [
  "no-discovery",
  "wrong-oauth-error",
  "get-wrong-id",
  "schema-error",
  "relative-link",
  "invalid-token-403",
  "v2-not-found-code",
  "events-202",
  "answer-v2-shape",
  "reject-without-error",
  "accept-malformed-published",
  "ignore-filters",
  "serve-plain-http",
];

describe("PACT v3.0 conformance cases against an independent v3 host", () => {
  let good: ConformanceReport;
  let broken: ConformanceReport;
  before(async () => {
    [good, broken] = await Promise.all([runAgainst([]), runAgainst(ALL_DEFECTS)]);
  });
  after(() => undefined);

  it("uses valid v3 footprints", () => {
    for (const pf of V3_FOOTPRINTS) assert.deepEqual(validateV3Footprint(pf), [], String(pf.id));
  });

  it("runs the official tool's 41 cases (TC18, TC19 optional) plus our extras", () => {
    const ids = V3_CASES.map((c) => c.id);
    const official = ids.filter((id) => /^pact-tc\d/.test(id));
    assert.equal(official.length, 41);
    assert.deepEqual(
      V3_CASES.filter((c) => /^pact-tc\d/.test(c.id) && !c.mandatory).map((c) => c.id),
      ["pact-tc18", "pact-tc19"],
    );
    assert.equal(good.version, "3.0");
  });

  it("passes every case against the well-behaved host (the expired-token case is skipped: 1-hour tokens)", () => {
    const text = formatReport(good);
    for (const r of good.results) {
      const expected = r.id === "pact-ext-token-expired" ? "skipped" : "passed";
      assert.equal(r.status, expected, `${r.id}: ${r.reason ?? ""}\n${text}`);
    }
    assert.equal(good.passed, true, text);
  });

  it("fails the callback cases when the answers come without the requester's token", async () => {
    const r = await runAgainst(["answer-without-token"], ["pact-tc13", "pact-tc14b"]);
    for (const c of r.results) {
      assert.equal(c.status, "failed", c.id);
      assert.match(
        c.reason ?? "",
        /was sent 1 time\(s\) within 3 s, each refused by the listener: no Authorization header/,
      );
    }
  });

  it("fails every case against the broken host except the token request, each with its reason", () => {
    const text = formatReport(broken);
    const reason = (id: string): string => {
      const r = broken.results.find((x) => x.id === id);
      assert.ok(r, `no result for ${id}`);
      assert.equal(r.status, "failed", `${id} should fail:\n${text}`);
      return r.reason ?? "";
    };
    assert.equal(broken.results.find((r) => r.id === "pact-tc01")?.status, "passed");
    assert.equal(broken.results.find((r) => r.id === "pact-tc19")?.status, "skipped");
    assert.match(reason("pact-tc02"), /"error" is "unauthorized_client", expected "invalid_client"/);
    assert.match(reason("pact-tc03"), /data\.id is "00000003-.*", expected "00000001-/);
    assert.match(
      reason("pact-tc04"),
      /\/data\/1\/pcf is missing required property "fossilGhgEmissions" \(PACT v3 ProductFootprint schema\)/,
    );
    assert.match(reason("pact-tc05"), /Link target <\/3\/footprints\?limit=1&offset=1> is relative/);
    for (const id of ["pact-tc06", "pact-tc07"])
      assert.match(reason(id), /\/3\/footprints.* → 403, expected 400 or 401/);
    assert.match(reason("pact-tc08"), /error code "NoSuchFootprint", expected "NotFound" or "BadRequest"/);
    assert.match(reason("pact-tc09"), /an access token was issued over plain HTTP/);
    for (const id of ["pact-tc10", "pact-tc11"])
      assert.match(reason(id), /data was returned over plain HTTP/);
    assert.match(reason("pact-tc17"), /the event was accepted over plain HTTP/);
    for (const id of ["pact-tc12", "pact-tc14a", "pact-tc15"])
      assert.match(reason(id), /\/3\/events → 202, expected 200/);
    assert.match(reason("pact-tc13"), /the answer was sent to \/2\/events, expected \/3\/events/);
    assert.match(
      reason("pact-tc13"),
      /type is "org\.wbcsd\.pathfinder\.ProductFootprintRequest\.Fulfilled\.v1", expected "org\.wbcsd\.pact\.ProductFootprint\.RequestFulfilledEvent\.3"/,
    );
    assert.match(reason("pact-tc14b"), /data\.error missing/);
    assert.match(reason("pact-tc16"), /\/3\/events → 403, expected 400 or 401/);
    assert.match(reason("pact-tc18"), /no OpenID provider configuration/);
    assert.match(
      reason("pact-tc20"),
      /2 of 3 footprint\(s\) do not satisfy productIds contains urn:gtin:1000000000001/,
    );
    assert.match(reason("pact-tc21"), /do not satisfy companyIds contains urn:company:example:c1/);
    assert.match(reason("pact-tc22"), /do not satisfy pcf geography = DE/);
    assert.match(reason("pact-tc23"), /do not satisfy productClassifications contains/);
    assert.match(
      reason("pact-tc24"),
      /do not satisfy validity start <= 2025-01-01T00:00:00\.000Z <= validity end/,
    );
    assert.match(reason("pact-tc25"), /do not satisfy validity start > 2024-12-31T00:00:00\.000Z/);
    assert.match(reason("pact-tc26"), /do not satisfy validity end < 2026-01-02T00:00:00\.000Z/);
    assert.match(reason("pact-tc27"), /do not satisfy status = Active/);
    assert.match(reason("pact-tc28"), /do not satisfy status = Active AND productIds contains/);
    assert.match(reason("pact-tc29"), /do not satisfy companyIds contains urn:company:example:c1/);
    for (let n = 30; n <= 39; n++) {
      assert.match(
        reason(`pact-tc${n}`),
        /3 footprint\(s\) listed, expected "data": \[\] for a value nothing matches/,
      );
    }
    assert.match(reason("pact-tc40"), /\/3\/events → 202, expected 400/);
    assert.match(reason("pact-ext-v3-bad-query"), /bogusParameter=1 → 200, expected 400 BadRequest/);
    const mandatory = V3_CASES.filter((c) => c.mandatory).map((c) => c.id);
    assert.deepEqual(
      broken.summary.mandatoryNotPassed,
      mandatory.filter((id) => id !== "pact-tc01"),
    );
  });
});
