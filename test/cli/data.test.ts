/**
 * `ileap footprints list|get` and `ileap tad list` as child processes: tables, --json/--ndjson,
 * --all, filters, colours, and exit codes for API, auth and network errors.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { DEMO_FOOTPRINT_IDS } from "../../src/testing/demo-data.ts";
import { runCli } from "../helpers/cli.ts";
import { type FakeHost, startFakeHost, tokenResponse } from "../helpers/fake-host.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

interface Row {
  id?: string;
  activityId?: string;
  mode?: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting ANSI colour codes
const ANSI = /\u001b\[/;

describe("ileap footprints / tad", () => {
  let server: RunningDemoServer;
  let env: Record<string, string>;
  const ileap = (args: string[], extra: Record<string, string> = {}) =>
    runCli(args, { env: { ...env, ...extra } });
  before(async () => {
    server = await startDemoServer();
    env = { ILEAP_BASE_URL: server.baseUrl, ILEAP_CLIENT_ID: "hello", ILEAP_CLIENT_SECRET: "pathfinder" };
  });
  after(() => server.close());

  it("prints a table of the first page, without colours when not on a TTY", async () => {
    const [all, page] = await Promise.all([
      ileap(["footprints", "list"]),
      ileap(["footprints", "list", "--limit", "5"]),
    ]);
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^ID\s+KIND\s+PRODUCT\s+COMPANY\s+PCF\s+DECLARED UNIT\s+STATUS\s+UPDATED$/);
    assert.equal(lines.length, 13);
    assert.ok(
      lines.some(
        (l) => l.startsWith(DEMO_FOOTPRINT_IDS.sfRoad) && /\bSF\b.*748\.8\s+ton kilometer\s+Active/.test(l),
      ),
    );
    assert.doesNotMatch(all.stdout, ANSI);
    assert.match(all.stderr, /12 footprints/);
    assert.doesNotMatch(all.stderr, /more available/);
    assert.equal(page.code, 0);
    assert.equal(page.stdout.trimEnd().split("\n").length, 6);
    assert.match(page.stderr, /more available: add --all/);
  });

  it("colours with FORCE_COLOR and never with NO_COLOR", async () => {
    const [forced, none] = await Promise.all([
      ileap(["footprints", "list", "--limit", "2"], { FORCE_COLOR: "1" }),
      ileap(["footprints", "list", "--limit", "2"], { NO_COLOR: "1" }),
    ]);
    assert.match(forced.stdout, ANSI);
    assert.doesNotMatch(none.stdout, ANSI);
  });

  it("walks every page with --all for --json and --ndjson", async () => {
    const [json, ndjson] = await Promise.all([
      ileap(["footprints", "list", "--all", "--limit", "5", "--json"]),
      ileap(["footprints", "list", "--all", "--limit", "5", "--ndjson"]),
    ]);
    assert.equal(json.code, 0, json.stderr);
    const items = JSON.parse(json.stdout) as Row[];
    assert.equal(items.length, 12);
    assert.equal(new Set(items.map((i) => i.id)).size, 12);
    assert.equal(ndjson.code, 0);
    const lines = ndjson.stdout.trimEnd().split("\n");
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as Row).id),
      items.map((i) => i.id),
    );
    assert.equal(json.stderr, "", "no progress noise when stderr is not a TTY");
  });

  it("gets one footprint; an unknown id exits 1 with the PACT code", async () => {
    const [text, json, missing] = await Promise.all([
      ileap(["footprints", "get", DEMO_FOOTPRINT_IDS.tocSea]),
      ileap(["footprints", "get", DEMO_FOOTPRINT_IDS.tocSea, "--json"]),
      ileap(["footprints", "get", "00000000-0000-0000-0000-000000000000"]),
    ]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^id\s+3f5e0fe4-5da2-4ff6-a5f1-bbf31ebcc54a$/m);
    assert.match(text.stdout, /^kind\s+toc$/m);
    assert.equal((JSON.parse(json.stdout) as Row).id, DEMO_FOOTPRINT_IDS.tocSea);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /NoSuchFootprint/);
    assert.match(missing.stderr, /HTTP 404/);
  });

  it("sends --filter; a syntax error is a usage error, an unsupported one comes from the host", async () => {
    const [filtered, syntax, unsupported] = await Promise.all([
      ileap([
        "footprints",
        "list",
        "--json",
        "--filter",
        "productIds/any(p:(p eq 'urn:pathfinder:product:customcode:vendor-assigned:shipment:SHP-2025-000101'))",
      ]),
      ileap(["footprints", "list", "--filter", "updated gt"]),
      ileap(["footprints", "list", "--filter", "updated ne '2025-01-01T00:00:00Z'"]),
    ]);
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.deepEqual(
      (JSON.parse(filtered.stdout) as Row[]).map((r) => r.id),
      [DEMO_FOOTPRINT_IDS.sfRoad],
    );
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /--filter:/);
    assert.equal(unsupported.code, 1);
    assert.match(unsupported.stderr, /NotImplemented/);
  });

  it("lists TAD with --mode and repeated --where", async () => {
    const [rail, road, badMode, badWhere, unknownField] = await Promise.all([
      ileap(["tad", "list", "--mode", "rail", "--all", "--limit", "2", "--json"]),
      ileap(["tad", "list", "--where", "feedstock=Fossil", "--where", "mode=Road", "--ndjson"]),
      ileap(["tad", "list", "--mode", "Teleport"]),
      ileap(["tad", "list", "--where", "mode"]),
      ileap(["tad", "list", "--where", "colour=red"]),
    ]);
    assert.equal(rail.code, 0, rail.stderr);
    const rows = JSON.parse(rail.stdout) as Row[];
    assert.ok(rows.length >= 3);
    for (const r of rows) assert.equal(r.mode, "Rail");
    assert.equal(road.code, 0, road.stderr);
    const roadRows = road.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Row);
    assert.ok(roadRows.length > 0);
    for (const r of roadRows) assert.equal(r.mode, "Road");
    assert.equal(badMode.code, 2);
    assert.match(badMode.stderr, /--mode must be one of Road, Rail/);
    assert.equal(badWhere.code, 2);
    assert.equal(unknownField.code, 1);
    assert.match(unknownField.stderr, /NotImplemented/);
    const table = await ileap(["tad", "list", "--mode", "Rail"]);
    assert.match(table.stdout, /^ACTIVITY ID\s+MODE\s+FROM\s+TO\s+DEPARTURE\s+DISTANCE KM\s+MASS KG$/m);
  });

  it("refuses conflicting or bad flags with exit code 2", async () => {
    const results = await Promise.all([
      ileap(["footprints", "list", "--json", "--ndjson"]),
      ileap(["footprints", "list", "--limit", "0"]),
      ileap(["footprints", "list", "--bogus"]),
      ileap(["footprints", "get"]),
    ]);
    for (const r of results) assert.equal(r.code, 2, r.stderr);
  });

  it("exits 3 when the host refuses the token or credentials", async () => {
    const [creds] = await Promise.all([ileap(["footprints", "list"], { ILEAP_CLIENT_SECRET: "wrong" })]);
    assert.equal(creds.code, 3);
    assert.match(creds.stderr, /invalid_client/);
  });
});

describe("ileap against failing hosts", () => {
  let fake: FakeHost;
  before(async () => {
    fake = await startFakeHost((req) => {
      if (req.path === "/auth/token") return tokenResponse();
      if (req.path === "/2/ileap/tad")
        return { status: 403, body: { code: "AccessDenied", message: "no TAD for you" } };
      if (req.path === "/2/footprints") {
        return {
          status: 503,
          headers: { "retry-after": "0" },
          body: { code: "InternalError", message: "down" },
        };
      }
      return { status: 404, body: { code: "NotFound", message: "no" } };
    });
  });
  after(() => fake.close());

  const env = (baseUrl: string) => ({
    ILEAP_BASE_URL: baseUrl,
    ILEAP_CLIENT_ID: "c",
    ILEAP_CLIENT_SECRET: "s",
    ILEAP_RETRIES: "1",
  });

  it("exits 3 on 403 AccessDenied and 4 on 503 after retries", async () => {
    const [denied, down] = await Promise.all([
      runCli(["tad", "list"], { env: env(fake.url) }),
      runCli(["footprints", "list"], { env: env(fake.url) }),
    ]);
    assert.equal(denied.code, 3, denied.stderr);
    assert.match(denied.stderr, /AccessDenied: no TAD for you/);
    assert.equal(down.code, 4, down.stderr);
    assert.match(down.stderr, /InternalError/);
    assert.equal(fake.requests.filter((r) => r.path === "/2/footprints").length, 2, "one retry");
  });

  it("exits 4 when the host cannot be reached", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await runCli(["footprints", "list"], {
      env: { ...env(`http://127.0.0.1:${port}`), ILEAP_RETRIES: "0" },
    });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /ECONNREFUSED/);
  });
});
