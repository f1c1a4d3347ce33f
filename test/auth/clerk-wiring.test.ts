import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { DEMO_CLERK_PASSWORD, startClerkEmulator } from "../../src/testing/clerk-emulator/index.ts";
import { getToken, getWithToken, send } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

describe("ILEAP_AUTH=clerk wires the Clerk provider from the environment", () => {
  let emulator: Awaited<ReturnType<typeof startClerkEmulator>>;
  let server: RunningDemoServer;
  before(async () => {
    emulator = await startClerkEmulator({ signInRateLimit: false });
    server = await startDemoServer({
      env: {
        ILEAP_AUTH: "clerk",
        ILEAP_CLERK_FRONTEND_API: emulator.url,
        ILEAP_CLERK_ORGANIZATION_ID: "org_2ileapDemoAcme0000000000000",
      },
    });
  });
  after(async () => {
    await server?.close();
    await emulator?.close();
  });

  it("signs a Clerk user in and serves footprints and TAD with the issued token", async () => {
    const token = await getToken(server.baseUrl, "service@example.com", DEMO_CLERK_PASSWORD);
    const claims = decodeJwt(token);
    assert.equal(claims.sub, "user_2ileapDemoService0000000000");
    assert.equal((await getWithToken(`${server.baseUrl}/2/footprints?limit=1`, token)).status, 200);
    assert.equal((await getWithToken(`${server.baseUrl}/2/ileap/tad?limit=1`, token)).status, 200);
    assert.equal(emulator.control.signInCount, 1);
  });

  it("refuses wrong Clerk credentials with invalid_client and the demo clients are not accepted", async () => {
    for (const [id, secret] of [
      ["service@example.com", "wrong"],
      ["hello", "pathfinder"],
    ]) {
      const res = await send(`${server.baseUrl}/auth/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      assert.equal(res.status, 400, id);
      assert.equal((res.json as { error: string }).error, "invalid_client");
    }
  });

  it("refuses an invalid Clerk configuration at start-up, naming the variable", async () => {
    await assert.rejects(
      startDemoServer({ env: { ILEAP_AUTH: "clerk" } }),
      /ILEAP_CLERK_FRONTEND_API|CLERK_PUBLISHABLE_KEY/,
    );
    await assert.rejects(
      startDemoServer({ env: { ILEAP_AUTH: "clerk", ILEAP_CLERK_FRONTEND_API: "http://clerk.example.com" } }),
      /ILEAP_CLERK_FRONTEND_API/,
    );
  });
});
