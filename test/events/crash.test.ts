import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { getToken, send } from "../helpers/http.ts";
import { type PostgresTestServer, postgresSkipReason, startPostgres } from "../helpers/postgres.ts";
import { type ChildHost, startChildHost } from "./crash-child.ts";
import { requestEvent, until } from "./host.ts";
import { startRequester } from "./requester.ts";

/**
 * The same scenario on each store. `database` gives the PostgreSQL URL (undefined = SQLite);
 * `teardown` runs in `after`.
 */
function defineCrashTest(
  name: string,
  database: () => Promise<string | undefined>,
  options: { skip?: string; teardown?: () => Promise<void> } = {},
): void {
  describe(`worker killed in the middle of a delivery (SIGKILL), ${name}`, {
    skip: options.skip ?? false,
  }, () => {
    let dataDir: string | undefined;
    const children: ChildHost[] = [];
    after(async () => {
      await Promise.all(children.map((c) => c.kill()));
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      await options.teardown?.();
    });

    it("delivers the answer exactly once to the acknowledging peer after a restart", async () => {
      const requester = await startRequester();
      try {
        const databaseUrl = await database();
        const dir = mkdtempSync(join(tmpdir(), "ileap-events-crash-"));
        dataDir = dir;
        const start = async () => {
          const child = await startChildHost({
            requesterUrl: requester.baseUrl,
            dataDir: dir,
            ...(databaseUrl ? { databaseUrl } : {}),
          });
          children.push(child);
          return child;
        };
        requester.hang = true;
        const first = await start();
        const token = await getToken(first.baseUrl, "hello", "pathfinder");
        const res = await send(`${first.baseUrl}/2/events`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/cloudevents+json; charset=UTF-8",
          },
          body: JSON.stringify(
            requestEvent(requester.baseUrl, { productIds: ["urn:gtin:4012345000017"] }, "kill-1"),
          ),
        });
        assert.equal(res.status, 200);
        await until(() => requester.hung.length === 1);
        await first.kill();
        requester.hang = false;
        // The restarted worker takes the delivery over once the dead worker's lease has expired.
        const second = await start();
        await requester.waitFor(1, 15_000);
        await new Promise((r) => setTimeout(r, 600));
        const acked = requester.events.filter((e) => e.body.data.requestEventId === "kill-1");
        assert.equal(acked.length, 1);
        assert.equal(
          acked[0]?.body.id,
          requester.hung[0]?.body.id,
          "the same event is re-sent, not a new one",
        );
        assert.equal(requester.events.length, 1);
        await second.kill();
      } finally {
        await requester.close();
      }
    });
  });
}

defineCrashTest("SQLite", async () => undefined);

let server: PostgresTestServer | undefined;
const skip = postgresSkipReason();
defineCrashTest(
  "PostgreSQL",
  async () => {
    server = await startPostgres({ database: "ileap_events_crash" });
    return server.connectionString;
  },
  {
    ...(skip ? { skip } : {}),
    teardown: async () => {
      await server?.stop();
    },
  },
);
