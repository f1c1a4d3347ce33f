import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/load.ts";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.host, "0.0.0.0");
    assert.equal(c.port, 8080);
    assert.equal(c.dataDir, "./.ileap");
    assert.equal(c.auth.provider, "builtin");
    assert.equal(c.auth.tokenTtlSeconds, 3600);
    assert.equal(c.limits.maxBodyBytes, 1024 * 1024);
    assert.equal(c.trustProxy, false);
  });

  it("listens on loopback in demo mode unless a host is given", () => {
    assert.equal(loadConfig({ env: { ILEAP_DEMO: "true" } }).host, "127.0.0.1");
    assert.equal(loadConfig({ env: { ILEAP_DEMO: "1", ILEAP_HOST: "0.0.0.0" } }).host, "0.0.0.0");
    assert.equal(loadConfig({ env: {}, overrides: { demo: true, host: "::" } }).host, "::");
  });

  it("lets flags win over the environment and parses proxy lists", () => {
    const c = loadConfig({
      env: { PORT: "9000", ILEAP_TRUST_PROXY: "10.0.0.2, 10.0.0.3" },
      overrides: { port: "9100" },
    });
    assert.equal(c.port, 9100);
    assert.deepEqual(c.trustProxy, ["10.0.0.2", "10.0.0.3"]);
  });

  it("names the variable and the expectation in errors", () => {
    assert.throws(
      () => loadConfig({ env: { ILEAP_PUBLIC_URL: "ftp://x" } }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /ILEAP_PUBLIC_URL: expected an absolute http\(s\) URL/);
        return true;
      },
    );
    assert.throws(
      () => loadConfig({ env: { ILEAP_DEFAULT_PAGE_SIZE: "500", ILEAP_MAX_PAGE_SIZE: "100" } }),
      /must not exceed/,
    );
    assert.throws(() => loadConfig({ env: { ILEAP_PATH_PREFIX: "ileap/" } }), /ILEAP_PATH_PREFIX/);
    assert.throws(() => loadConfig({ env: { DATABASE_URL: "mysql://x" } }), /DATABASE_URL/);
  });

  it("reads peer secrets and Clerk keys only for serving, not for storage commands", () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-config-"));
    try {
      const file = join(dir, "config.json");
      writeFileSync(
        file,
        JSON.stringify({
          auth: { provider: "clerk" },
          peers: [{ baseUrl: "https://peer.example", clientId: "us", clientSecretEnv: "PEER_SECRET" }],
        }),
      );
      assert.throws(
        () => loadConfig({ env: { CLERK_PUBLISHABLE_KEY: "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k" }, file }),
        /'peers\[0\]\.clientSecretEnv': environment variable PEER_SECRET is not set/,
      );
      const storage = loadConfig({ env: { DATABASE_URL: "postgres://db/x" }, file, purpose: "storage" });
      assert.deepEqual(
        storage.peers.map((p) => [p.baseUrl, p.clientId, p.clientSecret]),
        [["https://peer.example", "us", ""]],
        "peers are read, their secrets are not",
      );
      assert.equal(storage.auth.clerk, undefined);
      assert.equal(storage.database.url, "postgres://db/x");
      // The list's shape is still checked.
      writeFileSync(file, JSON.stringify({ peers: [{ baseUrl: "https://peer.example", clientId: "us" }] }));
      assert.throws(
        () => loadConfig({ env: {}, file, purpose: "storage" }),
        /'peers\[0\]': give clientSecret or clientSecretEnv/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
