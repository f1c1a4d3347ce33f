/**
 * The GET response cache: served only while the store's data version is unchanged (writes by
 * this process and by other connections to the same file), per principal and base URL, bounded.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { hashSecret } from "../../src/auth/secret-hash.ts";
import { loadConfig } from "../../src/config/load.ts";
import { ResponseCache } from "../../src/http/response-cache.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";
import { PostgresStore } from "../../src/store/postgres/postgres-store.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { Store } from "../../src/store/store.ts";
import { type CountingStore, countingStore } from "../helpers/counting-store.ts";
import { type PostgresTestServer, postgresSkipReason, startPostgres } from "../helpers/postgres.ts";

/** An admin client (may read `/ready` details); minted-format secret, fast hash. */
const CACHE_ADMIN_SECRET = `ilsk_${"c".repeat(43)}`;
const CLIENTS: Record<string, string> = {
  "cache-admin": CACHE_ADMIN_SECRET,
  hello: "pathfinder",
  transport_service_user: "ileap",
  transport_service_organizer: "ileap",
};

interface Host {
  readonly host: IleapServer;
  readonly counter: CountingStore;
  /** Opens another connection to the same data (as another process would). */
  other(): Promise<Store>;
  /** GET `path` as `client`, at `origin` (default `http://localhost`). */
  get(path: string, client: string, origin?: string): Promise<Response>;
  close(): Promise<void>;
}

/** Where the host keeps its data: SQLite in the data directory, or a PostgreSQL database. */
type Backend = { readonly kind: "sqlite" } | { readonly kind: "postgres"; readonly url: () => string };

async function openBackendStore(backend: Backend, file: string): Promise<Store> {
  return backend.kind === "sqlite"
    ? new SqliteStore({ file })
    : PostgresStore.connect({ connectionString: backend.url() });
}

async function startHost(
  env: Record<string, string> = {},
  backend: Backend = { kind: "sqlite" },
): Promise<Host> {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-cache-"));
  const file = join(dataDir, "ileap.sqlite");
  const configFile = join(dataDir, "ileap.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      auth: {
        clients: [
          {
            id: "cache-admin",
            secretHash: await hashSecret(CACHE_ADMIN_SECRET),
            grants: [],
            roles: ["admin"],
          },
        ],
      },
    }),
  );
  const config = loadConfig({
    file: configFile,
    env: {
      ILEAP_DEMO: "true",
      ILEAP_DATA_DIR: dataDir,
      ...(backend.kind === "postgres" ? { DATABASE_URL: backend.url() } : {}),
      ...env,
    },
  });
  const counter = countingStore(await openBackendStore(backend, file));
  const host = await createIleapServer(config, { store: counter.store, logger: pino({ level: "silent" }) });
  const tokens = new Map<string, string>();
  // Tokens are bound to the base URL they were issued at (iss/aud from the request).
  const token = async (client: string, origin: string) => {
    let t = tokens.get(`${origin} ${client}`);
    if (t === undefined) {
      const res = await host.app.request(`${origin}/auth/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${client}:${CLIENTS[client]}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      assert.equal(res.status, 200);
      t = ((await res.json()) as { access_token: string }).access_token;
      tokens.set(`${origin} ${client}`, t);
    }
    return t;
  };
  return {
    host,
    counter,
    other: () => openBackendStore(backend, file),
    get: async (path, client, origin = "http://localhost") =>
      host.app.request(`${origin}${path}`, {
        headers: { authorization: `Bearer ${await token(client, origin)}` },
      }),
    close: async () => {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const reads = (h: Host) =>
  (h.counter.calls.get("listTad") ?? 0) +
  (h.counter.calls.get("listFootprints") ?? 0) +
  (h.counter.calls.get("getFootprint") ?? 0);

function defineCacheSuite(name: string, backend: () => Promise<Backend | undefined>, skip?: string): void {
  describe(name, { skip: skip ?? false }, () => {
    let h: Host;
    before(async () => {
      h = await startHost({}, await backend());
    });
    after(() => h?.close());

    it("answers a repeated request with the same bytes and Link without querying the store", async () => {
      h.counter.reset();
      const first = await h.get("/2/ileap/tad?limit=2", "hello");
      const firstBody = await first.text();
      const second = await h.get("/2/ileap/tad?limit=2", "hello");
      assert.equal(second.status, 200);
      assert.equal(await second.text(), firstBody);
      assert.equal(second.headers.get("link"), first.headers.get("link"));
      assert.ok(first.headers.get("link")?.startsWith("<http://localhost/2/ileap/tad?"));
      assert.equal(second.headers.get("content-type"), "application/json");
      assert.equal(second.headers.get("x-content-type-options"), "nosniff");
      assert.notEqual(second.headers.get("x-request-id"), first.headers.get("x-request-id"));
      assert.equal(reads(h), 1, "one query for two answers");
      // A different query string is a different answer.
      await h.get("/2/ileap/tad?limit=3", "hello");
      assert.equal(reads(h), 2);
      // Single footprints and footprint lists too.
      const list = (await (await h.get("/2/footprints?limit=1", "hello")).json()) as {
        data: { id: string }[];
      };
      const id = list.data[0]?.id ?? "";
      await h.get(`/2/footprints/${id}`, "hello");
      await h.get(`/2/footprints/${id}`, "hello");
      await h.get("/2/footprints?limit=1", "hello");
      assert.equal(reads(h), 4);
      // Operators see the cache at work in /ready.
      // Operators (an admin token) see the cache at work in /ready; others get the plain status.
      const plain = (await (await h.host.app.request("http://localhost/ready")).json()) as {
        details?: unknown;
      };
      assert.equal(plain.details, undefined);
      const ready = (await (await h.get("/ready", "cache-admin")).json()) as {
        details?: { responseCache?: { hits: number; misses: number; entries: number; bytes: number } };
      };
      assert.ok((ready.details?.responseCache?.hits ?? 0) >= 3, JSON.stringify(ready));
      assert.ok((ready.details?.responseCache?.entries ?? 0) >= 4);
    });

    it("keeps answers per principal: a client never gets another client's cached page", async () => {
      const all = (await (await h.get("/2/footprints?limit=100", "hello")).json()) as { data: unknown[] };
      const mine = (await (await h.get("/2/footprints?limit=100", "transport_service_user")).json()) as {
        data: { extensions?: { dataSchema: string }[] }[];
      };
      assert.ok(mine.data.length > 0);
      assert.ok(mine.data.length < all.data.length, "the shipment-only client sees fewer footprints");
      for (const pf of mine.data) {
        assert.match(pf.extensions?.[0]?.dataSchema ?? "", /shipment-footprint/i);
      }
      const organizerRes = await h.get("/2/footprints?limit=100", "transport_service_organizer");
      assert.equal(organizerRes.status, 200, "the organizer may read TOCs and HOCs");
      const organizer = (await organizerRes.json()) as { data: unknown[] };
      assert.notDeepEqual(organizer.data, all.data);
    });

    it("builds Link headers for the base URL of the request (the host is part of the key)", async () => {
      const a = await h.get("/2/ileap/tad?limit=1", "hello", "http://a.example");
      const b = await h.get("/2/ileap/tad?limit=1", "hello", "http://b.example");
      assert.match(a.headers.get("link") ?? "", /^<http:\/\/a\.example\//);
      assert.match(b.headers.get("link") ?? "", /^<http:\/\/b\.example\//);
    });

    it("is never stale: a write by this process, then by another connection, shows at once", async () => {
      const path = "/2/ileap/tad?limit=1000";
      const organizerCount = async () =>
        ((await (await h.get(path, "transport_service_organizer")).json()) as { data: unknown[] }).data
          .length;
      const userBody = async () => (await h.get(path, "transport_service_user")).text();
      const before = await organizerCount();
      const userBefore = await userBody();
      const sample = (
        (await (await h.get("/2/ileap/tad?limit=1", "hello")).json()) as {
          data: Record<string, unknown>[];
        }
      ).data[0];
      assert.ok(sample);
      // In-process write (same connection), visible to the organizer only.
      await h.host.store.putTad([
        {
          document: { ...sample, activityId: "cache-test-1" },
          visibility: { clientIds: ["transport_service_organizer"] },
        },
      ]);
      assert.equal(await organizerCount(), before + 1);
      assert.equal(await userBody(), userBefore, "hidden from the other client");
      // Another connection to the same file (as `ileap import` would write).
      const other = await h.other();
      try {
        await other.putTad([{ document: { ...sample, activityId: "cache-test-2" } }]);
      } finally {
        await other.close();
      }
      assert.equal(await organizerCount(), before + 2);
      const userAfter = JSON.parse(await userBody()) as { data: { activityId: string }[] };
      assert.ok(userAfter.data.some((t) => t.activityId === "cache-test-2"));
      assert.ok(!userAfter.data.some((t) => t.activityId === "cache-test-1"));
    });
  });
}

let pg: PostgresTestServer | undefined;
const pgSkip = postgresSkipReason();
defineCacheSuite("GET response cache (SQLite)", async () => ({ kind: "sqlite" }));
defineCacheSuite(
  "GET response cache (PostgreSQL)",
  async () => {
    pg = await startPostgres({ database: "ileap_cache" });
    const url = pg.connectionString;
    return { kind: "postgres", url: () => url };
  },
  pgSkip,
);
after(async () => {
  await pg?.stop();
});

describe("GET response cache switched off", () => {
  it("queries the store for every request with ILEAP_RESPONSE_CACHE_MB=0", async () => {
    const h = await startHost({ ILEAP_RESPONSE_CACHE_MB: "0" });
    try {
      h.counter.reset();
      for (let i = 0; i < 3; i++) assert.equal((await h.get("/2/ileap/tad?limit=2", "hello")).status, 200);
      assert.equal(reads(h), 3);
    } finally {
      await h.close();
    }
  });
});

describe("ResponseCache", () => {
  it("serves an entry only under the version it was filled with, and drops stale ones", () => {
    const cache = new ResponseCache({ maxBytes: 10_000 });
    cache.set("k", "v1", "body", { link: "<x>" });
    assert.equal(cache.get("k", "v2"), undefined);
    assert.equal(cache.get("k", "v1"), undefined, "the stale entry was dropped");
    cache.set("k", "v2", "body2", undefined);
    assert.equal(cache.get("k", "v2")?.body, "body2");
    assert.deepEqual(
      { hits: cache.stats.hits, misses: cache.stats.misses, entries: cache.stats.entries },
      { hits: 1, misses: 2, entries: 1 },
    );
  });

  it("stays within its byte budget, evicting the least recently used, and skips oversized bodies", () => {
    const cache = new ResponseCache({ maxBytes: 3_000, maxEntryBytes: 1_500 });
    const body = "x".repeat(400); // about 1 KB accounted
    cache.set("a", "v", body, undefined);
    cache.set("b", "v", body, undefined);
    assert.ok(cache.get("a", "v"), "a is now the most recently used");
    cache.set("c", "v", body, undefined);
    assert.ok(cache.stats.bytes <= 3_000);
    assert.equal(cache.get("b", "v"), undefined, "b was evicted");
    assert.ok(cache.get("a", "v"));
    assert.ok(cache.get("c", "v"));
    cache.set("big", "v", "y".repeat(2_000), undefined);
    assert.equal(cache.get("big", "v"), undefined);
    const off = new ResponseCache({ maxBytes: 0 });
    assert.equal(off.enabled, false);
  });
});
