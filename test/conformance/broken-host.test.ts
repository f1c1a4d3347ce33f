/**
 * Runs the suite against a deliberately broken host and checks that each defect is reported as a
 * failure with a specific reason.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { type ConformanceReport, formatReport, runConformance } from "../../src/conformance/index.ts";

const GOOD_TOKEN = "good-token";

function footprint(id: string, created: string): Record<string, unknown> {
  return {
    id,
    specVersion: "2.2.0",
    version: 1,
    created,
    status: "Active",
    companyName: "Broken Corp",
    companyIds: ["urn:uuid:0d1a3d3c-33f3-4b8a-9b39-3a3f4e2c1a10"],
    productDescription: "Road transport",
    productIds: [`urn:gtin:${id.slice(0, 8)}`],
    productCategoryCpc: "83117",
    productNameCompany: "Transport",
    comment: "",
    pcf: {
      declaredUnit: "ton kilometer",
      unitaryProductAmount: "1",
      pCfExcludingBiogenic: "0.1",
      fossilGhgEmissions: "0.1",
      fossilCarbonContent: "0",
      biogenicCarbonContent: "0",
      characterizationFactors: "AR6",
      ipccCharacterizationFactorsSources: ["AR6"],
      crossSectoralStandardsUsed: ["GHG Protocol Product standard"],
      boundaryProcessesDescription: "WTW",
      referencePeriodStart: "2024-01-01T00:00:00Z",
      referencePeriodEnd: "2025-01-01T00:00:00Z",
      exemptedEmissionsPercent: 0,
      exemptedEmissionsDescription: "",
      packagingEmissionsIncluded: false,
    },
  };
}

const valid = footprint("6c1e2a57-5a8e-4b59-9d0e-6f3b1a2c4d5e", "2024-02-01T00:00:00Z");
const { comment: _dropped, ...withoutComment } = footprint(
  "7d2f3b68-6b9f-4c6a-8e1f-7a4c2b3d5e6f",
  "2024-03-01T00:00:00Z",
);
const invalid = { ...withoutComment, updated: null };
const FOOTPRINTS: Record<string, unknown>[] = [valid, invalid];

const TAD = [
  {
    activityId: "A1",
    consignmentIds: ["C1"],
    distance: { actual: "100" },
    origin: { city: "Berlin", country: "DE" },
    destination: { city: "Hamburg", country: "DE" },
    departureAt: "2024-01-01T00:00:00Z",
    arrivalAt: "2024-01-01T05:00:00Z",
    mode: "Road",
  },
  {
    activityId: "A2",
    consignmentIds: ["C2"],
    distance: { actual: "200" },
    origin: { city: "Berlin", country: "DE" },
    destination: { city: "Munich", country: "DE" },
    departureAt: "2024-01-02T00:00:00Z",
    arrivalAt: "2024-01-02T05:00:00Z",
    mode: "Rail",
  },
];

function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** A host that gets many things wrong in small ways. */
function brokenHost(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = new URL(req.url ?? "/", "http://x");
      // Under /nolink, footprint lists are cut to `limit` without a Link header.
      const noLink = raw.pathname.startsWith("/nolink/");
      const url = noLink ? new URL(raw.href.replace("/nolink/", "/")) : raw;
      const body = Buffer.concat(chunks).toString("utf8");
      const bearer = req.headers.authorization === `Bearer ${GOOD_TOKEN}`;
      if (url.pathname === "/auth/token" && req.method === "POST") {
        const form = new URLSearchParams(body);
        // Defect: any grant type is answered like a credentials problem.
        const ok = req.headers.authorization === `Basic ${Buffer.from("client:secret").toString("base64")}`;
        if (ok && form.get("grant_type") === "client_credentials") {
          json(res, 200, { access_token: GOOD_TOKEN, token_type: "bearer", expires_in: 3600 });
        } else {
          // Defect: wrong OAuth2 error code.
          json(res, 401, { error: "unauthorized_client" });
        }
        return;
      }
      if (url.pathname === "/2/footprints" && req.method === "GET") {
        // Defect: 403 for an invalid token (the tool accepts only 400 or 401).
        if (!bearer) return json(res, 403, { code: "AccessDenied", message: "no" });
        // Defect: 501 instead of 400 NotImplemented.
        if (url.searchParams.has("$filter"))
          return json(res, 501, { code: "NotImplemented", message: "no filters" });
        const offset = Number(url.searchParams.get("offset") ?? "0");
        const limit = Number(url.searchParams.get("limit") ?? "100");
        const page = FOOTPRINTS.slice(offset, offset + limit);
        const headers: http.OutgoingHttpHeaders = {};
        // Defect: relative link, unquoted rel.
        if (offset + limit < FOOTPRINTS.length && !noLink)
          headers.link = `</2/footprints?offset=${offset + limit}&limit=${limit}>; rel=next`;
        return json(res, 200, { data: page }, headers);
      }
      if (url.pathname.startsWith("/2/footprints/") && req.method === "GET") {
        if (!bearer) return json(res, 403, { code: "AccessDenied", message: "no" });
        const pf = FOOTPRINTS.find((f) => `/2/footprints/${String(f.id)}` === url.pathname);
        if (pf) return json(res, 200, { data: pf });
        // Defect: not a JSON error body.
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
        return;
      }
      if (url.pathname === "/2/events" && req.method === "POST") {
        if (!bearer) return json(res, 403, { code: "AccessDenied", message: "no" });
        // Defect: 202 instead of 200, and URN pfIds accepted.
        res.writeHead(202);
        res.end();
        return;
      }
      if (url.pathname === "/2/ileap/tad" && req.method === "GET") {
        // Defect: 400 instead of 403 AccessDenied.
        if (!bearer) return json(res, 400, { code: "BadRequest", message: "bad token" });
        // Defects: filters ignored, limit ignored.
        return json(res, 200, { data: TAD });
      }
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("no route");
    });
  });
}

describe("conformance suite against a broken host", () => {
  let server: http.Server;
  let report: ConformanceReport;

  before(async () => {
    server = brokenHost();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    report = await runConformance({
      baseUrl: `http://127.0.0.1:${port}/`,
      clientId: "client",
      clientSecret: "secret",
      timeoutMs: 5000,
    });
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const byId = (id: string) => {
    const r = report.results.find((x) => x.id === id);
    assert.ok(r, `no result for ${id}`);
    return r;
  };
  const expectFailure = (id: string, ...patterns: RegExp[]): void => {
    const r = byId(id);
    assert.equal(r.status, "failed", `${id} should fail:\n${formatReport(report)}`);
    for (const p of patterns) assert.match(r.reason ?? "", p, `${id} reason`);
  };

  it("does not pass, and names the mandatory cases that did not pass", () => {
    assert.equal(report.passed, false);
    assert.equal(report.baseUrl.endsWith("/"), false);
    assert.ok(report.summary.mandatoryNotPassed.includes("pact-tc06"));
  });

  it("passes what the broken host does right", () => {
    for (const id of ["pact-tc01", "pact-tc03", "pact-tc19"]) {
      assert.notEqual(byId(id).status, "failed", `${id}: ${byId(id).reason}`);
    }
    assert.equal(byId("pact-tc01").status, "passed");
    assert.equal(byId("pact-tc03").status, "passed");
  });

  it("reports a wrong OAuth2 error code and grant-type handling", () => {
    expectFailure("pact-tc02", /"error" is "unauthorized_client", expected "invalid_client"/);
    expectFailure("pact-ext-grant-type", /→ 401, expected 400/);
    expectFailure(
      "pact-tc18",
      /no OpenID provider configuration at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration/,
    );
    assert.equal(byId("pact-tc19").status, "skipped");
  });

  it("reports schema errors with JSON pointers and nulls", () => {
    expectFailure(
      "pact-tc04",
      /\/2\/footprints: \/data\/1 is missing required property "comment"/,
      /\/data\/1\/updated is null/,
    );
  });

  it("reports a relative, unquoted pagination link", () => {
    expectFailure(
      "pact-tc05",
      /Link target <\/2\/footprints\?offset=1&limit=1> is relative/,
      /not in double quotes/,
    );
  });

  it("reports 403 on invalid tokens for footprints", () => {
    expectFailure("pact-tc06", /GET http:\/\/127\.0\.0\.1:\d+\/2\/footprints → 403, expected 400 or 401/);
    expectFailure("pact-tc07", /→ 403, expected 400 or 401/);
    expectFailure("pact-tc16", /POST http:\/\/127\.0\.0\.1:\d+\/2\/events → 403, expected 400 or 401/);
  });

  it("reports a non-JSON 404 for unknown ids", () => {
    expectFailure(
      "pact-tc08",
      /→ 404: expected a JSON error body with code "NoSuchFootprint" or "BadRequest"/,
      /"text\/plain"/,
    );
  });

  it("reports events answered 202 and malformed events accepted", () => {
    expectFailure("pact-tc12", /POST .*\/2\/events → 202, expected 200/);
    expectFailure("pact-tc15", /→ 202, expected 200/);
    expectFailure("pact-tc21", /→ 202, expected 400/);
  });

  it("reports 501 for an unsupported filter", () => {
    expectFailure("pact-tc20", /→ 501, expected 200/);
  });

  it("reports TAD defects", () => {
    expectFailure("ileap-tc005", /\?mode=Road → 200: 1 of 2 item\(s\) do not have mode "Road"/);
    expectFailure("ileap-tc006", /\/2\/ileap\/tad\?limit=1 → 200: 2 items returned for limit=1/);
    expectFailure("ileap-tc007", /→ 400, expected 403 AccessDenied/);
    assert.equal(byId("ileap-tc004").status, "passed", byId("ileap-tc004").reason);
  });

  it("reports missing iLEAP footprints", () => {
    expectFailure(
      "ileap-tc001",
      /none of the 2 listed footprints has a productId urn:pathfinder:product:customcode/,
    );
    expectFailure("ileap-tc002", /no listed footprint has a productId .*:toc:/);
  });

  it("skips what cannot be checked, with reasons", () => {
    for (const id of ["pact-tc09", "pact-tc10", "pact-tc11", "pact-tc17"]) {
      assert.equal(byId(id).status, "skipped");
      assert.match(byId(id).reason ?? "", /is not https/);
    }
    for (const id of ["pact-ext-token-expired", "ileap-tc008"]) {
      assert.equal(byId(id).status, "skipped");
      assert.match(byId(id).reason ?? "", /valid for 3600 s, more than maxWaitForExpirySeconds=0/);
    }
    assert.ok(report.summary.mandatoryNotPassed.includes("ileap-tc008"));
  });

  it("reports a missing Link header", async () => {
    const { port } = server.address() as AddressInfo;
    const r = await runConformance({
      baseUrl: `http://127.0.0.1:${port}/nolink`,
      authBaseUrl: `http://127.0.0.1:${port}`,
      clientId: "client",
      clientSecret: "secret",
      cases: ["pact-tc05"],
    });
    assert.equal(r.results[0]?.status, "failed");
    assert.match(
      r.results[0]?.reason ?? "",
      /GET http:\/\/127\.0\.0\.1:\d+\/nolink\/2\/footprints\?limit=1 → 200: no Link header with rel="next" although more footprints exist/,
    );
  });

  it("runs only the selected cases", async () => {
    const { port } = server.address() as AddressInfo;
    const subset = await runConformance({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: "client",
      clientSecret: "secret",
      cases: ["pact-tc01", "ileap-tc004"],
    });
    assert.deepEqual(
      subset.results.map((r) => [r.id, r.status]),
      [
        ["pact-tc01", "passed"],
        ["ileap-tc004", "passed"],
      ],
    );
    assert.equal(subset.passed, true);
  });

  it("reports an unreachable host per case without throwing", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await runConformance({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: "client",
      clientSecret: "secret",
      cases: ["pact-tc01", "pact-tc04"],
    });
    assert.equal(r.passed, false);
    for (const res of r.results) {
      assert.equal(res.status, "failed");
      assert.match(res.reason ?? "", /ECONNREFUSED/);
    }
  });
});
