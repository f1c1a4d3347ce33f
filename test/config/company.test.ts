import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/load.ts";

describe("config: company and admin body limit", () => {
  it("reads the company from the environment (comma-separated ids) or a file (a list)", () => {
    const env = loadConfig({
      env: { ILEAP_COMPANY_NAME: "ACME", ILEAP_COMPANY_IDS: "urn:uuid:1, urn:acme:2" },
    });
    assert.deepEqual(env.company, { name: "ACME", ids: ["urn:uuid:1", "urn:acme:2"] });
    assert.equal(env.limits.maxAdminBodyBytes, 16 * 1024 * 1024);
    const dir = mkdtempSync(join(tmpdir(), "ileap-cfg-"));
    try {
      const file = join(dir, "c.yaml");
      writeFileSync(
        file,
        "company:\n  name: ACME\n  ids: [urn:uuid:1]\nlimits:\n  maxAdminBodyBytes: 2048\n",
      );
      const fromFile = loadConfig({ env: {}, file });
      assert.deepEqual(fromFile.company, { name: "ACME", ids: ["urn:uuid:1"] });
      assert.equal(fromFile.limits.maxAdminBodyBytes, 2048);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(loadConfig({ env: {} }).company, undefined);
  });

  it("names the variable when a company id is not a URN", () => {
    assert.throws(
      () => loadConfig({ env: { ILEAP_COMPANY_IDS: "urn:ok:1,acme" } }),
      (e: unknown) =>
        e instanceof ConfigError && /ILEAP_COMPANY_IDS/.test(e.message) && /URN/.test(e.message),
    );
    assert.throws(() => loadConfig({ env: { ILEAP_ADMIN_MAX_BODY_BYTES: "10" } }), ConfigError);
  });
});
