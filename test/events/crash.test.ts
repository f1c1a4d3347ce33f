import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { getToken, send } from "../helpers/http.ts";
import { requestEvent, until } from "./host.ts";
import { startRequester } from "./requester.ts";

const CHILD = new URL("./child-host.ts", import.meta.url).pathname;

/** Starts the host in a child process; resolves with its base URL. */
function startChild(
  requesterUrl: string,
  dataDir: string,
): Promise<{ child: ChildProcess; baseUrl: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, requesterUrl, dataDir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) resolve({ child, baseUrl: line.trim() });
    });
    child.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
  });
}

describe("worker killed in the middle of a delivery (SIGKILL)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-events-crash-"));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("delivers the answer exactly once to the acknowledging peer after a restart", async () => {
    const requester = await startRequester();
    try {
      requester.hang = true;
      const first = await startChild(requester.baseUrl, dataDir);
      children.push(first.child);
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
      first.child.kill("SIGKILL");
      await new Promise((r) => first.child.once("exit", r));
      requester.hang = false;
      const second = await startChild(requester.baseUrl, dataDir);
      children.push(second.child);
      await requester.waitFor(1, 15_000);
      await new Promise((r) => setTimeout(r, 600));
      const acked = requester.events.filter((e) => e.body.data.requestEventId === "kill-1");
      assert.equal(acked.length, 1);
      assert.equal(acked[0]?.body.id, requester.hung[0]?.body.id, "the same event is re-sent, not a new one");
      second.child.kill("SIGKILL");
    } finally {
      await requester.close();
    }
  });
});
