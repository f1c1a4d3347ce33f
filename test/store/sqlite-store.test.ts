import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withQueryBudget } from "../../src/store/query-budget.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { storeContract } from "./store-contract.ts";
import { storeV3Contract } from "./store-v3-contract.ts";

storeContract("SQLite (file, WAL)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ileap-store-"));
  const store = new SqliteStore({ file: join(dir, "test.sqlite") });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

storeContract("SQLite (reads on the main thread)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ileap-store-"));
  const store = new SqliteStore({ file: join(dir, "test.sqlite"), readers: 0 });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

storeContract("SQLite behind the query budget", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ileap-store-"));
  const store = withQueryBudget(new SqliteStore({ file: join(dir, "test.sqlite") }), {
    concurrency: 2,
    perClient: 1,
    timeoutMs: 10_000,
  });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

storeV3Contract("SQLite (file, WAL)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ileap-store-v3-"));
  const store = new SqliteStore({ file: join(dir, "test.sqlite") });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
