/**
 * Issue 15, finding 4: a file holding versions 1 and 2 of some footprints, killed mid-import and
 * re-run, rejected the already-stored version 1 records as version conflicts and, in the default
 * atomic mode, wrote nothing of the rest. A killed import leaves whole batches in the store
 * (test/security/kill-during-import.test.ts); here the state it leaves is made by importing the
 * file's first batches, then the whole file is imported again with `ileap import`, on SQLite and on
 * PostgreSQL: every stored record is `unchanged`, the rest is written, exit code 0.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Principal } from "../../src/auth/principal.ts";
import type { ImportReportFile } from "../../src/cli/commands/import.ts";
import { derivedFootprintId } from "../../src/ingest/native.ts";
import type { ProductFootprint, TOC } from "../../src/model/types.ts";
import { PostgresStore } from "../../src/store/postgres/postgres-store.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { Store } from "../../src/store/store.ts";
import { fixtures, TEST_COMPANY } from "../helpers/admin.ts";
import { type PostgresTestServer, postgresSkipReason, startPostgres } from "../helpers/postgres.ts";

const ENTRY = new URL("../../scripts/ileap-dev.js", import.meta.url).pathname;
const all: Principal = {
  subject: "all",
  clientId: "all",
  roles: [],
  grants: new Set(["pcf", "shipment-footprint", "toc", "hoc", "tad"]),
};

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

const uuid = (n: number) => `5e4d3c2b-1a0f-4e9d-8c7b-${String(n).padStart(12, "0")}`;
const pcf = (n: number, version = 1): ProductFootprint =>
  ({
    ...fixtures().pcfs[1],
    id: uuid(n),
    productIds: [`urn:pathfinder:product:customcode:vendor-assigned:reimport-${n}`],
    version,
    ...(version > 1 ? { updated: `2025-0${version}-01T00:00:00Z` } : {}),
  }) as ProductFootprint;

/** Versions 1 and 2 of footprints 1–6 (v2 in the same batch as v1 for some, in a later one for others), then 7–12. */
function pactFile(): ProductFootprint[] {
  return [
    pcf(1),
    pcf(2),
    pcf(1, 2), // same batch as its v1 (batch size 3)
    pcf(3),
    pcf(4),
    pcf(2, 2), // a later batch than its v1
    pcf(3, 2),
    pcf(4, 2),
    pcf(4, 3),
    ...[7, 8, 9, 10, 11, 12].map((n) => pcf(n)),
  ];
}

/** Two different contents of the same TOC (iLEAP-native, no version): versioned in file order. */
function nativeFile(): unknown[] {
  const toc = fixtures().tocs[0] as TOC;
  const changed = { ...toc, co2eIntensityWTW: `${Number(toc.co2eIntensityWTW) + 0.001}` };
  const other = { ...toc, tocId: `${toc.tocId}-other` };
  return [toc, changed, other];
}

async function scenario(
  target: Record<string, string>,
  open: () => Promise<Store>,
  dir: string,
): Promise<void> {
  const importFile = async (name: string, records: unknown[], kind: string) => {
    const file = join(dir, name);
    writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const report = join(dir, `${name}.report.json`);
    const result = await run(
      ["import", file, "--kind", kind, "--batch-size", "3", "--report", report],
      target,
    );
    return { ...result, report: JSON.parse(readFileSync(report, "utf8")) as ImportReportFile };
  };
  // What a killed import leaves: the first three batches (9 records) of the PACT file.
  const crashed = await importFile("pact-prefix.ndjson", pactFile().slice(0, 9), "footprints");
  assert.equal(crashed.code, 0, crashed.stderr);
  const rerun = await importFile("pact.ndjson", pactFile(), "footprints");
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(
    {
      unchanged: rerun.report.unchanged,
      created: rerun.report.created,
      rejected: rerun.report.rejectedCount,
      notWritten: rerun.report.notWritten,
    },
    { unchanged: 9, created: 6, rejected: 0, notWritten: 0 },
  );
  // The native file: one batch holding both contents, stored, then re-run → nothing new.
  const nativeEnv = {
    ...target,
    ILEAP_COMPANY_NAME: TEST_COMPANY.name,
    ILEAP_COMPANY_IDS: TEST_COMPANY.ids.join(","),
  };
  const first = await run(["import", writeNative(dir), "--kind", "tocs"], nativeEnv);
  assert.equal(first.code, 0, first.stderr);
  const again = await run(
    ["import", writeNative(dir), "--kind", "tocs", "--report", join(dir, "n.json")],
    nativeEnv,
  );
  assert.equal(again.code, 0, again.stderr);
  const nativeReport = JSON.parse(readFileSync(join(dir, "n.json"), "utf8")) as ImportReportFile;
  assert.equal(nativeReport.unchanged, 3, JSON.stringify(nativeReport));
  assert.equal(nativeReport.created + nativeReport.replaced, 0);

  const store = await open();
  try {
    for (const n of [1, 2, 3, 4, 7, 12])
      assert.ok(await store.getFootprint(uuid(n), all), `footprint ${n} stored`);
    const latest = await store.latestFootprints?.([uuid(1), uuid(4)]);
    assert.equal(latest?.get(uuid(1))?.version, 2);
    assert.equal(latest?.get(uuid(4))?.version, 3);
    const tocId = derivedFootprintId(
      { companyName: TEST_COMPANY.name, companyIds: [...TEST_COMPANY.ids] },
      "toc",
      (fixtures().tocs[0] as TOC).tocId,
    );
    assert.equal((await store.latestFootprints?.([tocId]))?.get(tocId)?.version, 2, "two versions, not four");
  } finally {
    await store.close();
  }
}

function writeNative(dir: string): string {
  const file = join(dir, "tocs.ndjson");
  writeFileSync(
    file,
    `${nativeFile()
      .map((r) => JSON.stringify(r))
      .join("\n")}\n`,
  );
  return file;
}

describe("re-import after a crash converges", () => {
  it("SQLite: stored versions (older ones too) are unchanged, the rest is written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-reimport-"));
    try {
      const dataDir = join(dir, "data");
      await scenario(
        { ILEAP_DATA_DIR: dataDir },
        async () => new SqliteStore({ file: join(dataDir, "ileap.sqlite") }),
        dir,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const skip = postgresSkipReason();
  let server: PostgresTestServer | undefined;
  after(() => server?.stop());
  it("PostgreSQL: the same", { skip: skip ?? false }, async () => {
    server = await startPostgres({ database: "reimport" });
    const dir = mkdtempSync(join(tmpdir(), "ileap-reimport-pg-"));
    try {
      const url = server.connectionString;
      await scenario(
        { DATABASE_URL: url, ILEAP_DATA_DIR: join(dir, "data") },
        () => PostgresStore.connect({ connectionString: url }),
        dir,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
