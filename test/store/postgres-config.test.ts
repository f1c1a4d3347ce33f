import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getToken, getWithToken } from "../helpers/http.ts";
import { type PostgresTestServer, postgresSkipReason, startPostgres } from "../helpers/postgres.ts";
import { startDemoServer } from "../helpers/servers.ts";

const skip = postgresSkipReason();

describe("DATABASE_URL selects the PostgreSQL store", { skip }, () => {
  let pg: PostgresTestServer;
  before(async () => {
    pg = await startPostgres();
  });
  after(() => pg?.stop());

  it("seeds the demo data into an empty database once and serves it from there", async () => {
    const env = { DATABASE_URL: pg.connectionString };
    const first = await startDemoServer({ env });
    let ids: string[];
    try {
      const token = await getToken(first.baseUrl, "hello", "pathfinder");
      const res = await getWithToken(`${first.baseUrl}/2/footprints`, token);
      assert.equal(res.status, 200);
      ids = (res.json as { data: { id: string }[] }).data.map((d) => d.id);
      assert.ok(ids.length >= 12);
      assert.ok(first.logs.lines.some((l) => l.includes("demo data loaded")));
      assert.ok(!first.logs.lines.join("\n").includes(pg.connectionString), "the URL is never logged");
    } finally {
      await first.close();
    }
    const second = await startDemoServer({ env });
    try {
      assert.ok(!second.logs.lines.some((l) => l.includes("demo data loaded")), "not seeded twice");
      const token = await getToken(second.baseUrl, "hello", "pathfinder");
      const res = await getWithToken(`${second.baseUrl}/2/footprints`, token);
      assert.deepEqual(
        (res.json as { data: { id: string }[] }).data.map((d) => d.id),
        ids,
      );
    } finally {
      await second.close();
    }
  });
});
