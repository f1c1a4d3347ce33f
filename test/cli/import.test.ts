import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ImportReportFile } from "../../src/cli/commands/import.ts";
import { SqliteOutbox } from "../../src/events/sqlite-outbox.ts";
import { derivedFootprintId } from "../../src/ingest/native.ts";
import type { ProductFootprint } from "../../src/model/types.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { demoTad } from "../../src/testing/demo-data.ts";
import { type AdminServer, CLIENTS, fixtures, startAdminServer, TEST_COMPANY } from "../helpers/admin.ts";
import { getToken, send } from "../helpers/http.ts";

const ENTRY = new URL("../../bin/ileap.js", import.meta.url).pathname;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(stdin ?? "");
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const company = { companyName: TEST_COMPANY.name, companyIds: [...TEST_COMPANY.ids] };
const uuid = (n: number) => `7d1b5e3c-2a4f-4b6c-9d8e-${String(n).padStart(12, "0")}`;
const pcf = (n: number, extra: Record<string, unknown> = {}): ProductFootprint =>
  ({
    ...fixtures().pcfs[1],
    id: uuid(n),
    productIds: [`urn:pathfinder:product:customcode:vendor-assigned:cli-${n}`],
    ...extra,
  }) as ProductFootprint;

describe("ileap import / ileap db migrate", () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const ndjson = (records: readonly unknown[]) => `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
  const storeEnv = (dataDir: string) => ({
    ILEAP_DATA_DIR: dataDir,
    ILEAP_COMPANY_NAME: TEST_COMPANY.name,
    ILEAP_COMPANY_IDS: TEST_COMPANY.ids.join(","),
  });
  const stored = async (dataDir: string, id: string) => {
    const store = new SqliteStore({ file: join(dataDir, "ileap.sqlite") });
    try {
      return (await store.latestFootprints([id])).get(id);
    } finally {
      await store.close();
    }
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ileap-import-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("migrates the configured store", async () => {
    const dataDir = join(dir, "migrate");
    const first = await run(["db", "migrate"], { ILEAP_DATA_DIR: dataDir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied migrations 1, 2(, \d+)* to the SQLite store/);
    const again = await run(["db", "migrate"], { ILEAP_DATA_DIR: dataDir });
    assert.match(again.stdout, /is up to date/);
  });

  it("imports iLEAP-native TOCs, HOCs and ShipmentFootprints directly into the store", async () => {
    const dataDir = join(dir, "direct");
    const { tocs, hocs, shipments } = fixtures();
    const tocFile = file("tocs.ndjson", ndjson(tocs));
    const hocFile = file("hocs.json", JSON.stringify(hocs, null, 2));
    const res = await run(["import", tocFile, "--kind", "tocs"], storeEnv(dataDir));
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      new RegExp(`Imported ${tocs.length} records from 1 file .*: ${tocs.length} created`),
    );
    assert.equal((await run(["import", hocFile, "--kind", "hocs"], storeEnv(dataDir))).code, 0);
    const sf = await run(
      ["import", file("sf.ndjson", ndjson(shipments)), "--kind", "shipment-footprints", "--batch-size", "1"],
      storeEnv(dataDir),
    );
    assert.equal(sf.code, 0, sf.stderr + sf.stdout);
    const head = await stored(dataDir, derivedFootprintId(company, "toc", tocs[0]!.tocId));
    assert.equal(head?.version, 1);
    assert.equal((JSON.parse(head?.document ?? "{}") as ProductFootprint).companyName, TEST_COMPANY.name);
    // Importing the same file again changes nothing.
    const again = await run(["import", tocFile, "--kind", "tocs"], storeEnv(dataDir));
    assert.match(again.stdout, new RegExp(`${tocs.length} unchanged; 0 rejected`));
  });

  it("queues Published events for subscribed peers (no peer secret needed), not on a dry run or for TAD", async () => {
    const dataDir = join(dir, "announce");
    const config = file(
      "announce.json",
      JSON.stringify({
        peers: [
          {
            baseUrl: "https://subscriber.example",
            clientId: "us",
            clientSecretEnv: "UNSET_SECRET",
            subscribe: true,
          },
          { baseUrl: "https://other.example", clientId: "us", clientSecret: "x" },
        ],
        events: { source: "https://us.example" },
      }),
    );
    const records = [pcf(501), pcf(502)];
    const input = file("announce.ndjson", ndjson(records));
    const dry = await run(
      ["import", input, "--kind", "footprints", "--config", config, "--dry-run"],
      storeEnv(dataDir),
    );
    assert.equal(dry.code, 0, dry.stderr);
    const res = await run(
      ["import", input, "--kind", "footprints", "--config", config, "--batch-size", "1"],
      storeEnv(dataDir),
    );
    assert.equal(res.code, 0, res.stderr);
    const tad = await run(
      [
        "import",
        file("announce-tad.ndjson", ndjson(demoTad().slice(0, 2))),
        "--kind",
        "tad",
        "--config",
        config,
      ],
      storeEnv(dataDir),
    );
    assert.equal(tad.code, 0, tad.stderr);
    const outbox = new SqliteOutbox({ file: join(dataDir, "ileap.sqlite") });
    try {
      const queued = await outbox.list({ limit: 100 });
      // One event per written batch (batch size 1), to the subscribed peer only, from our source.
      assert.deepEqual(
        queued.map((d) => [d.kind, d.status, d.target]),
        [
          ["published", "pending", "https://subscriber.example"],
          ["published", "pending", "https://subscriber.example"],
        ],
      );
      const events = queued.map(
        (d) => JSON.parse(d.body ?? "{}") as { source: string; data: { pfIds: string[] } },
      );
      assert.deepEqual(events.flatMap((e) => e.data.pfIds).sort(), records.map((r) => r.id).sort());
      assert.ok(events.every((e) => e.source === "https://us.example"));
    } finally {
      await outbox.close();
    }
  });

  it("checks without writing (--dry-run), references across batches included", async () => {
    const dataDir = join(dir, "dry");
    const { tocs } = fixtures();
    const res = await run(
      ["import", file("dry.ndjson", ndjson(tocs)), "--kind", "tocs", "--dry-run", "--batch-size", "2"],
      storeEnv(dataDir),
    );
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Checked 4 records .*dry run: nothing written/);
    assert.equal(await stored(dataDir, derivedFootprintId(company, "toc", tocs[0]!.tocId)), undefined);
  });

  it("reports rejected records with file, line, pointer and rule, exits 1, and writes nothing of an atomic batch", async () => {
    const dataDir = join(dir, "bad");
    const records = [pcf(1), pcf(2, { pcf: { ...pcf(2).pcf, declaredUnit: "parsec" } }), pcf(3)];
    const path = file("bad.ndjson", `${ndjson(records)}{"broken\n`);
    const reportFile = join(dir, "report.json");
    const res = await run(
      ["import", path, "--kind", "footprints", "--report", reportFile],
      storeEnv(dataDir),
    );
    assert.equal(res.code, 1, res.stderr);
    assert.match(
      res.stderr,
      /bad\.ndjson line 2 \(7d1b5e3c-[^)]*\): \/pcf\/declaredUnit: .*\[schema\.enum\]/,
    );
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as ImportReportFile;
    assert.equal(report.rejectedCount, 2);
    assert.deepEqual(
      report.rejected.map((r) => [r.file, r.index, r.line, r.errors[0]?.pointer, r.errors[0]?.rule]),
      [
        [path, 1, 2, "/pcf/declaredUnit", "schema.enum"],
        [path, 3, 4, "", "ingest.json"],
      ],
    );
    assert.equal(report.accepted, 0);
    assert.equal(report.notWritten, 2);
    assert.deepEqual(report.writingStoppedAt, { file: path, index: 0 });
    assert.equal(await stored(dataDir, uuid(1)), undefined);
    const partial = await run(
      ["import", path, "--kind", "footprints", "--mode", "partial"],
      storeEnv(dataDir),
    );
    assert.equal(partial.code, 1);
    assert.equal((await stored(dataDir, uuid(1)))?.version, 2);
    assert.equal((await stored(dataDir, uuid(3)))?.version, 2);
  });

  it("refuses unusable input with exit code 2", async () => {
    const dataDir = join(dir, "usage");
    const broken = await run(
      ["import", file("broken.json", '[{"a":1} {"b":2}]'), "--kind", "tad"],
      storeEnv(dataDir),
    );
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /not a JSON array of records/);
    assert.equal(
      (await run(["import", join(dir, "missing.json"), "--kind", "tad"], storeEnv(dataDir))).code,
      2,
    );
    assert.equal(
      (await run(["import", file("x.json", "[]")], storeEnv(dataDir))).code,
      2,
      "--kind is required",
    );
    assert.equal(
      (await run(["import", file("y.json", "[]"), "--kind", "tad", "--batch-size", "0"], storeEnv(dataDir)))
        .code,
      2,
    );
  });

  describe("through a host's admin API (--url)", () => {
    let server: AdminServer;
    before(async () => {
      server = await startAdminServer();
    });
    after(() => server.close());

    it("imports with an admin client (secret from the environment or stdin) and visibility", async () => {
      const tad = demoTad().slice(0, 5);
      const path = file("tad.ndjson", ndjson(tad));
      const res = await run(
        [
          "import",
          path,
          "--kind",
          "tad",
          "--url",
          server.baseUrl,
          "--client-id",
          CLIENTS.admin.id,
          "--visible-to",
          "alice",
          "--batch-size",
          "2",
        ],
        { ILEAP_CLIENT_SECRET: CLIENTS.admin.secret },
      );
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /Imported 5 records .*5 accepted; 0 rejected/);
      assert.ok(!res.stdout.includes(CLIENTS.admin.secret) && !res.stderr.includes(CLIENTS.admin.secret));
      const count = async (id: string, secret: string) => {
        const token = await getToken(server.baseUrl, id, secret);
        const list = await send(`${server.baseUrl}/2/ileap/tad?limit=100`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return (list.json as { data: unknown[] }).data.length;
      };
      assert.equal(await count(CLIENTS.alice.id, CLIENTS.alice.secret), 5);
      assert.equal(await count(CLIENTS.reader.id, CLIENTS.reader.secret), 0);

      const fp = file("fp.json", JSON.stringify([pcf(10), pcf(11, { version: -1 })]));
      const reportFile = join(dir, "remote-report.json");
      const bad = await run(
        [
          "import",
          fp,
          "--kind",
          "footprints",
          "--url",
          server.baseUrl,
          "--client-id",
          CLIENTS.admin.id,
          "--client-secret-stdin",
          "--report",
          reportFile,
        ],
        {},
        `${CLIENTS.admin.secret}\n`,
      );
      assert.equal(bad.code, 1, bad.stderr);
      const report = JSON.parse(readFileSync(reportFile, "utf8")) as ImportReportFile;
      assert.equal(report.target, "url");
      assert.deepEqual(
        report.rejected.map((r) => [r.index, r.id, r.errors[0]?.pointer]),
        [[1, uuid(11), "/version"]],
      );
    });

    it("exits 3 when the credentials are refused or the client is not an admin", async () => {
      const path = file("one.ndjson", ndjson([pcf(20)]));
      const wrong = await run(
        ["import", path, "--kind", "footprints", "--url", server.baseUrl, "--client-id", CLIENTS.admin.id],
        {
          ILEAP_CLIENT_SECRET: "wrong",
        },
      );
      assert.equal(wrong.code, 3, wrong.stderr);
      assert.ok(!wrong.stderr.includes("wrong"), "the secret is not echoed");
      const reader = await run(
        ["import", path, "--kind", "footprints", "--url", server.baseUrl, "--client-id", CLIENTS.reader.id],
        {
          ILEAP_CLIENT_SECRET: CLIENTS.reader.secret,
        },
      );
      assert.equal(reader.code, 3, reader.stderr);
      assert.match(reader.stderr, /admin role/);
      const down = await run(
        ["import", path, "--kind", "footprints", "--url", "http://127.0.0.1:9", "--client-id", "x"],
        {
          ILEAP_CLIENT_SECRET: "x",
        },
      );
      assert.equal(down.code, 4, down.stderr);
    });
  });
});
