/**
 * The SDK and `ileap footprints` on PACT v3.0 (`pact: 3`, `--pact 3|auto`) against an independent
 * v3 host (test/helpers/fake-v3-host.ts), and version detection against a v2-only host.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  IleapApiError,
  IleapClient,
  PACT_V3_EVENT_TYPES,
  publishedEventV3,
  v3CriteriaPairs,
} from "../../src/client/index.ts";
import { runCli } from "../helpers/cli.ts";
import { type FakeHost, startFakeHost, tokenResponse } from "../helpers/fake-host.ts";
import { type FakeV3Host, startFakeV3Host, V3_FOOTPRINTS } from "../helpers/fake-v3-host.ts";

const ids = (pfs: readonly { id: string }[]): string[] => pfs.map((pf) => pf.id);
const [FP1, FP2, FP3] = V3_FOOTPRINTS.map((pf) => String(pf.id)) as [string, string, string];

describe("PACT v3 in the SDK and the CLI", () => {
  let host: FakeV3Host;
  let v2only: FakeHost;
  before(async () => {
    host = await startFakeV3Host();
    v2only = await startFakeHost((req) => {
      if (req.path === "/auth/token") return tokenResponse();
      if (req.path === "/2/footprints") return { status: 200, body: { data: [] } };
      return { status: 404, body: { code: "NotFound", message: "no route" } };
    });
  });
  after(async () => {
    await Promise.all([host.close(), v2only.close()]);
  });
  const client = () =>
    new IleapClient({ baseUrl: host.url, clientId: "client", clientSecret: "secret", pact: 3 });

  it("lists /3/footprints with criteria: OR within one, AND across, URNs with commas kept whole", async () => {
    const c = client();
    assert.equal(c.pact, 3);
    assert.deepEqual(ids(await c.listFootprints().toArray()), [FP1, FP2, FP3]);
    const listing = c.listFootprints({ criteria: { geography: ["DE", "FR"], status: "Active" } });
    assert.match(listing.url, /\/3\/footprints\?geography=DE&geography=FR&status=Active$/);
    assert.deepEqual(ids(await listing.toArray()), [FP1]);
    assert.deepEqual(
      ids(await c.listFootprints({ criteria: { productId: "urn:pact:example:product,2" } }).toArray()),
      [FP2],
    );
    const valid = c.listFootprints({ criteria: { validOn: new Date("2027-06-01T00:00:00Z") }, limit: 1 });
    assert.match(valid.url, /validOn=2027-06-01T00%3A00%3A00\.000Z&limit=1$/);
    assert.deepEqual(ids(await valid.toArray()), [FP3]);
    // Pages of one, following the Link header.
    const pages = [];
    for await (const page of c.listFootprints({ limit: 1 }).pages()) pages.push(page.data.length);
    assert.deepEqual(pages, [1, 1, 1]);
  });

  it("gets one footprint; an unknown id is a 404 NotFound", async () => {
    const c = client();
    const pf = await c.getFootprint(FP1);
    assert.equal(pf.pcf.declaredUnitOfMeasurement, "kilogram");
    await assert.rejects(c.getFootprint("00000000-0000-0000-0000-000000000000"), (err: unknown) => {
      assert.ok(err instanceof IleapApiError);
      assert.equal(err.status, 404);
      assert.equal(err.code, "NotFound");
      return true;
    });
  });

  it("sends v3 events to /3/events", async () => {
    const sent = await client().sendEvent(publishedEventV3("https://me.example.com", [FP1]));
    assert.equal(sent.status, 200);
    assert.equal(PACT_V3_EVENT_TYPES.published, "org.wbcsd.pact.ProductFootprint.PublishedEvent.3");
    await assert.rejects(
      client().sendEvent(publishedEventV3("https://me.example.com", ["urn:not-a-uuid"])),
      (err: unknown) => err instanceof IleapApiError && err.status === 400,
    );
  });

  it("refuses what belongs to the other version, and malformed criteria, before any request", () => {
    const v2 = new IleapClient({ baseUrl: host.url, clientId: "client", clientSecret: "secret" });
    assert.equal(v2.pact, 2);
    assert.throws(() => v2.listFootprints({ criteria: { status: "Active" } }), /criteria are PACT v3/);
    assert.throws(
      () => client().listFootprints({ filter: "created ge '2024-01-01T00:00:00Z'" }),
      /\$filter is PACT v2/,
    );
    assert.throws(
      () => v3CriteriaPairs({ validOn: "yesterday" }),
      /validOn must be a date-time, got "yesterday"/,
    );
    assert.throws(() => v3CriteriaPairs({ geography: [""] }), /geography values must be non-empty strings/);
    assert.throws(
      () => v3CriteriaPairs({ productIds: ["x"] } as unknown as Parameters<typeof v3CriteriaPairs>[0]),
      /unknown PACT v3 criteria: productIds/,
    );
    assert.throws(
      () => new IleapClient({ baseUrl: host.url, clientId: "c", clientSecret: "s", pact: 4 as 3 }),
      /pact must be 2 or 3, got 4/,
    );
  });

  it("detects the PACT version a host serves", async () => {
    assert.equal(await client().detectPactVersion(), 3);
    const old = new IleapClient({ baseUrl: v2only.url, clientId: "client", clientSecret: "secret" });
    assert.equal(await old.detectPactVersion(), 2);
  });

  it("ileap footprints list/get --pact 3 and --pact auto", async () => {
    const env = { ILEAP_BASE_URL: host.url, ILEAP_CLIENT_ID: "client", ILEAP_CLIENT_SECRET: "secret" };
    const list = await runCli(
      [
        "footprints",
        "list",
        "--pact",
        "3",
        "--geography",
        "DE",
        "--geography",
        "US",
        "--status",
        "Active",
        "--json",
      ],
      { env },
    );
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(ids(JSON.parse(list.stdout) as { id: string }[]), [FP1, FP3]);
    const table = await runCli(
      ["footprints", "list", "--pact", "auto", "--valid-before", "2023-01-01T00:00:00Z"],
      {
        env,
      },
    );
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`${FP2}.*1\\.5\\s+kilogram\\s+Deprecated`));
    const get = await runCli(["footprints", "get", FP1, "--pact", "3"], { env });
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /pCF \(excl\. biogenic\)\s+1\.5 kgCO2e per 1 kilogram/);
    assert.match(get.stdout, /validity\s+2025-01-01T00:00:00Z – 2026-01-01T00:00:00Z/);
    const missing = await runCli(
      ["footprints", "get", "00000000-0000-0000-0000-000000000000", "--pact", "3"],
      { env },
    );
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /NotFound/);
  });

  it("ileap footprints refuses options of the other version with exit code 2", async () => {
    const env = { ILEAP_BASE_URL: host.url, ILEAP_CLIENT_ID: "client", ILEAP_CLIENT_SECRET: "secret" };
    const [v3OnV2, filterOnV3, badDate, badPact] = await Promise.all([
      runCli(["footprints", "list", "--geography", "DE"], { env }),
      runCli(["footprints", "list", "--pact", "3", "--filter", "created ge '2024-01-01T00:00:00Z'"], { env }),
      runCli(["footprints", "list", "--pact", "3", "--valid-on", "soon"], { env }),
      runCli(["footprints", "list", "--pact", "4"], { env }),
    ]);
    assert.equal(v3OnV2.code, 2);
    assert.match(v3OnV2.stderr, /--geography: PACT v3 criteria; add --pact 3/);
    assert.equal(filterOnV3.code, 2);
    assert.match(filterOnV3.stderr, /--filter is PACT v2/);
    assert.equal(badDate.code, 2);
    assert.match(badDate.stderr, /--valid-on must be a date-time .*"soon"/);
    assert.equal(badPact.code, 2);
    assert.match(badPact.stderr, /--pact must be 2, 3 or auto, got "4"/);
  });
});
