import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { decodeProtectedHeader } from "jose";
import { rotateKeyRing } from "../../src/auth/local/keyring.ts";
import { getToken, getWithToken, send } from "../helpers/http.ts";
import { startDemoServer } from "../helpers/servers.ts";

describe("signing key rotation", () => {
  it("keeps tokens signed by the previous key valid and publishes both keys", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ileap-rotate-"));
    const env = {
      ILEAP_DATA_DIR: dataDir,
      ILEAP_TOKEN_ISSUER: "https://issuer.example",
      ILEAP_TOKEN_AUDIENCE: "ileap",
    };
    try {
      const first = await startDemoServer({ env });
      const oldToken = await getToken(first.baseUrl, "hello", "pathfinder");
      await first.close();
      const ring = await rotateKeyRing(dataDir);
      assert.equal(ring.previous?.kid, decodeProtectedHeader(oldToken).kid);

      const second = await startDemoServer({ env });
      try {
        const jwks = (await send(`${second.baseUrl}/jwks`)).json as { keys: { kid: string }[] };
        assert.deepEqual(
          jwks.keys.map((k) => k.kid),
          [ring.current.kid, ring.previous?.kid],
        );
        assert.equal((await getWithToken(`${second.baseUrl}/2/footprints?limit=1`, oldToken)).status, 200);
        const newToken = await getToken(second.baseUrl, "hello", "pathfinder");
        assert.equal(decodeProtectedHeader(newToken).kid, ring.current.kid);
        const discovery = (await send(`${second.baseUrl}/.well-known/openid-configuration`)).json as {
          issuer: string;
        };
        assert.equal(discovery.issuer, "https://issuer.example");
      } finally {
        await second.close();
      }
      await rotateKeyRing(dataDir);
      const third = await startDemoServer({ env });
      try {
        const res = await getWithToken(`${third.baseUrl}/2/footprints?limit=1`, oldToken);
        assert.equal(res.status, 400, "two rotations later the old key is gone");
      } finally {
        await third.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
