import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getToken, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

describe("page tokens across instances (ILEAP_PAGE_TOKEN_KEY_FILE)", () => {
  let dir: string;
  let a: RunningDemoServer;
  let b: RunningDemoServer;
  let c: RunningDemoServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ileap-pt-"));
    const keyFile = join(dir, "page-token.key");
    writeFileSync(keyFile, randomBytes(32));
    [a, b, c] = await Promise.all([
      startDemoServer({ env: { ILEAP_PAGE_TOKEN_KEY_FILE: keyFile } }),
      startDemoServer({ env: { ILEAP_PAGE_TOKEN_KEY_FILE: keyFile } }),
      startDemoServer(),
    ]);
  });
  after(async () => {
    await Promise.all([a.close(), b.close(), c.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets another instance with the same key follow a Link URL; a different key refuses it", async () => {
    const tokenA = await getToken(a.baseUrl, "hello", "pathfinder");
    const first = await send(`${a.baseUrl}/2/footprints?limit=2`, {
      headers: { authorization: `Bearer ${tokenA}` },
    });
    const link = /<([^>]+)>/.exec(String(first.headers.link))?.[1];
    assert.ok(link, "a next page exists");
    const next = new URL(link);
    const onB = await send(`${b.baseUrl}${next.pathname}${next.search}`, {
      headers: { authorization: `Bearer ${await getToken(b.baseUrl, "hello", "pathfinder")}` },
    });
    assert.equal(onB.status, 200, onB.text);
    const onA = await send(link, { headers: { authorization: `Bearer ${tokenA}` } });
    assert.equal(onB.text, onA.text, "the same page on both instances");
    const onC = await send(`${c.baseUrl}${next.pathname}${next.search}`, {
      headers: { authorization: `Bearer ${await getToken(c.baseUrl, "hello", "pathfinder")}` },
    });
    assert.equal(onC.status, 400);
  });
});
