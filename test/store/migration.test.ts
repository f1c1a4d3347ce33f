import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import type { Principal } from "../../src/auth/principal.ts";
import { parseFootprintFilter } from "../../src/protocol/odata-filter.ts";
import { parseTadFilter, tadIndexEntries } from "../../src/protocol/tad-filter.ts";
import { PostgresStore } from "../../src/store/postgres/postgres-store.ts";
import { type Dialect, MIGRATIONS, POSTGRES_DIALECT, SQLITE_DIALECT } from "../../src/store/sql/schema.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { Store } from "../../src/store/store.ts";
import { postgresSkipReason, startPostgres } from "../helpers/postgres.ts";

const all: Principal = {
  subject: "all",
  clientId: "all",
  roles: [],
  grants: new Set(["pcf", "shipment-footprint", "toc", "hoc", "tad"]),
};
const ID = "00000000-0000-4000-8000-000000000001";
const doc = {
  id: ID,
  version: 1,
  created: "2024-01-01T00:00:00Z",
  productIds: ["urn:p:1"],
  companyIds: ["urn:c:1"],
};
const tad = { activityId: "t1", mode: "Road", origin: { country: "DE" } };

/** Schema version 1 with one footprint and one TAD record, written as version 1 of the store did. */
function v1Statements(d: Dialect): string[] {
  const text = JSON.stringify(doc);
  return [
    ...(MIGRATIONS[0]?.statements(d) ?? []),
    `INSERT INTO footprints (id, version, is_latest, kind, status, created_ms, restricted, document) VALUES ('${ID}', 1, 1, 'pcf', 'Active', 1704067200000, 0, '${text}')`,
    "INSERT INTO footprint_product_ids (seq, value) VALUES (1, 'urn:p:1')",
    "INSERT INTO footprint_company_ids (seq, value) VALUES (1, 'urn:c:1')",
    `INSERT INTO tad (activity_id, restricted, document) VALUES ('t1', 0, '${JSON.stringify(tad)}')`,
    ...tadIndexEntries(tad).map(
      (e) => `INSERT INTO tad_values (seq, path, value) VALUES (1, '${e.path}', '${e.value}')`,
    ),
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    "INSERT INTO schema_migrations (version, applied_at) VALUES (1, '2024-01-01T00:00:00Z')",
  ];
}

async function checkMigrated(store: Store): Promise<void> {
  const filter = parseFootprintFilter(
    "productIds/any(p:(p eq 'urn:p:1')) and companyIds/any(c:(c eq 'urn:c:1'))",
  );
  assert.ok(filter.ok);
  const page = await store.listFootprints({ principal: all, filter: filter.value, limit: 10 });
  assert.deepEqual(page.items, [JSON.stringify(doc)], "side tables got the footprint id");
  const road = parseTadFilter([["mode", "road"]], new Set());
  assert.ok(road.ok);
  assert.equal((await store.listTad({ principal: all, filter: road.value, limit: 10 })).items.length, 1);
  await store.putTad([{ document: { ...tad, mode: "Rail" } }]);
  assert.equal((await store.listTad({ principal: all, filter: road.value, limit: 10 })).items.length, 0);
  await store.putFootprints([{ kind: "pcf", document: { ...doc, version: 2 } }]);
  assert.match((await store.getFootprint(ID, all)) ?? "", /"version":2/);
}

describe("migration 1 → 2 keeps existing data listable", () => {
  it("SQLite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-migrate-"));
    try {
      const file = join(dir, "v1.sqlite");
      const db = new Database(file);
      db.transaction(() => {
        for (const s of v1Statements(SQLITE_DIALECT)) db.exec(s);
      })();
      db.close();
      const store = new SqliteStore({ file });
      assert.deepEqual(
        store.appliedMigrations,
        MIGRATIONS.filter((m) => m.version !== 1).map((m) => m.version),
      );
      await checkMigrated(store);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const skip = postgresSkipReason();
  it("PostgreSQL", { skip: skip ?? false }, async () => {
    const cluster = await startPostgres({ database: "migrate" });
    after(() => cluster.stop());
    const client = new pg.Client({ connectionString: cluster.connectionString });
    await client.connect();
    try {
      await client.query("BEGIN");
      for (const s of v1Statements(POSTGRES_DIALECT)) await client.query(s);
      await client.query("COMMIT");
    } finally {
      await client.end();
    }
    const store = await PostgresStore.connect({ connectionString: cluster.connectionString });
    try {
      await checkMigrated(store);
    } finally {
      await store.close();
    }
  });
});
