/**
 * `ileap import --url` against the demo host (`npm start`) with the demo admin client the README
 * documents (`demo_admin` / `ileap-admin`); the data-only demo clients have no admin role.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { demoTad } from "../../src/testing/demo-data.ts";
import { runCli } from "../helpers/cli.ts";
import { getToken, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

const run = (args: string[], env: Record<string, string>) => runCli(args, { env });

describe("ileap import --url against the demo host (npm start)", () => {
  let server: RunningDemoServer;
  let dir: string;
  before(async () => {
    server = await startDemoServer();
    dir = mkdtempSync(join(tmpdir(), "ileap-demo-import-"));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports with the documented demo admin client; the data clients have no admin role", async () => {
    const tad = demoTad()
      .slice(0, 3)
      .map((t, i) => ({ ...t, activityId: `demo-admin-import-${i}` }));
    const path = join(dir, "tad.ndjson");
    writeFileSync(path, `${tad.map((t) => JSON.stringify(t)).join("\n")}\n`);
    const args = ["import", path, "--kind", "tad", "--url", server.baseUrl, "--client-id"];
    const res = await run([...args, "demo_admin"], { ILEAP_CLIENT_SECRET: "ileap-admin" });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Imported 3 records .*3 accepted; 0 rejected/);
    const token = await getToken(server.baseUrl, "hello", "pathfinder");
    const list = await send(`${server.baseUrl}/2/ileap/tad?limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const ids = (list.json as { data: { activityId: string }[] }).data.map((t) => t.activityId);
    assert.ok(ids.includes("demo-admin-import-2"), ids.join(", "));
    const refused = await run([...args, "hello"], { ILEAP_CLIENT_SECRET: "pathfinder" });
    assert.equal(refused.code, 3, refused.stderr);
  });
});
