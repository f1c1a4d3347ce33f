import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
