import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hashSecret } from "../../src/auth/secret-hash.ts";
import { demoFootprints } from "../../src/testing/demo-data.ts";
import { getToken, send } from "../helpers/http.ts";
import { startTestHost, type TestHost } from "./host.ts";
import { type Requester, startRequester } from "./requester.ts";

describe("footprints written through the admin API are announced to subscribed peers", () => {
  let requester: Requester;
  let host: TestHost;
  before(async () => {
    requester = await startRequester();
    host = await startTestHost({
      requesterUrl: requester.baseUrl,
      subscribe: true,
      clients: [{ id: "ops", secretHash: await hashSecret("ops-secret"), grants: ["*"], roles: ["admin"] }],
    });
  });
  after(async () => {
    await host?.close();
    await requester?.close();
  });

  it("sends one Published event with the ids of a new version and of a deprecation", async () => {
    const token = await getToken(host.baseUrl, "ops", "ops-secret");
    const plain = demoFootprints().find((f) => f.kind === "pcf" && f.document.status === "Active")!.document;
    const next = { ...plain, version: (plain.version ?? 1) + 10, updated: "2026-01-01T00:00:00Z" };
    const before = requester.events.length;
    const res = await send(`${host.baseUrl}/admin/v1/footprints`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify([next]),
    });
    assert.equal(res.status, 200, res.text);
    await requester.waitFor(before + 1);
    const published = requester.events[before]?.body;
    assert.equal(published?.type, "org.wbcsd.pathfinder.ProductFootprint.Published.v1");
    assert.deepEqual(published?.data, { pfIds: [plain.id] });

    const dep = await send(`${host.baseUrl}/admin/v1/footprints/${plain.id}/deprecate`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(dep.status, 200, dep.text);
    await requester.waitFor(before + 2);
    assert.deepEqual(requester.events[before + 1]?.body.data, { pfIds: [plain.id] });
  });
});
