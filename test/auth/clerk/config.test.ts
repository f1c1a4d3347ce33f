import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { CLERK_CONFIG_DEFAULTS, loadClerkConfig } from "../../../src/auth/clerk/config.ts";
import {
  frontendApiFromPublishableKey,
  isLoopbackHost,
  parseFrontendApiUrl,
} from "../../../src/auth/clerk/publishable-key.ts";
import { DATA_KINDS } from "../../../src/auth/principal.ts";
import { ConfigError } from "../../../src/config/load.ts";
import { publishableKeyFor } from "../../../src/testing/clerk-emulator/index.ts";

const pk = (host: string, kind = "live") => `pk_${kind}_${Buffer.from(`${host}$`).toString("base64")}`;

function throwsConfig(env: Record<string, string>, pattern: RegExp): void {
  assert.throws(
    () => loadClerkConfig(env),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
  );
}

describe("publishable keys and Frontend API URLs", () => {
  it("derives https://host from pk_live_ and pk_test_ keys", () => {
    assert.deepEqual(frontendApiFromPublishableKey(pk("clerk.example.com")), {
      ok: true,
      url: "https://clerk.example.com",
    });
    assert.deepEqual(frontendApiFromPublishableKey(pk("happy-cat-12.clerk.accounts.dev", "test")), {
      ok: true,
      url: "https://happy-cat-12.clerk.accounts.dev",
    });
    // Clerk keys may come without base64 padding.
    const unpadded = pk("clerk.example.com").replace(/=+$/, "");
    assert.equal(frontendApiFromPublishableKey(unpadded).ok, true);
    assert.deepEqual(frontendApiFromPublishableKey(publishableKeyFor("http://127.0.0.1:4321")), {
      ok: true,
      url: "https://127.0.0.1:4321",
    });
  });

  it("refuses keys with a wrong prefix, without the $ end marker or not naming a host", () => {
    for (const bad of [
      "sk_live_abc",
      "pk_prod_Y2xlcmsuZXhhbXBsZS5jb20k",
      `pk_live_${Buffer.from("clerk.example.com").toString("base64")}`,
      `pk_live_${Buffer.from("not a host$").toString("base64")}`,
      `pk_live_${Buffer.from("evil.com/path$").toString("base64")}`,
      "pk_live_",
      "pk_live_!!!",
    ]) {
      assert.equal(frontendApiFromPublishableKey(bad).ok, false, bad);
    }
  });

  it("accepts https URLs and http only for loopback hosts", () => {
    assert.deepEqual(parseFrontendApiUrl("https://clerk.example.com/"), {
      ok: true,
      url: "https://clerk.example.com",
    });
    assert.deepEqual(parseFrontendApiUrl("http://127.0.0.1:8080"), {
      ok: true,
      url: "http://127.0.0.1:8080",
    });
    assert.deepEqual(parseFrontendApiUrl("http://localhost:8080"), {
      ok: true,
      url: "http://localhost:8080",
    });
    assert.deepEqual(parseFrontendApiUrl("http://[::1]:8080"), { ok: true, url: "http://[::1]:8080" });
    for (const bad of [
      "http://clerk.example.com",
      "ftp://x",
      "clerk.example.com",
      "https://u:p@clerk.example.com",
      "https://c.example.com/?a=1",
      "https://c.example.com/#x",
    ]) {
      assert.equal(parseFrontendApiUrl(bad).ok, false, bad);
    }
    assert.equal(isLoopbackHost("127.1.2.3"), true);
    assert.equal(isLoopbackHost("128.0.0.1"), false);
  });
});

describe("loadClerkConfig", () => {
  it("applies the documented defaults", () => {
    const c = loadClerkConfig({ ILEAP_CLERK_FRONTEND_API: "https://clerk.example.com" });
    assert.equal(c.frontendApi, "https://clerk.example.com");
    assert.equal(c.tokenMode, "issue");
    assert.equal(c.timeoutMs, CLERK_CONFIG_DEFAULTS.timeoutMs);
    assert.equal(c.maxFailedAttempts, 5);
    assert.equal(c.cacheSize, 10_000);
    assert.equal(c.cacheMinRemainingSeconds, 300);
    assert.equal(c.clockSkewSeconds, 5);
    assert.equal(c.sessionReuseSeconds, 3600);
    assert.equal(c.jwksCooldownSeconds, 30);
    assert.equal(c.jwksCacheSeconds, 3600);
    assert.equal(c.retryAfterSeconds, 5);
    assert.deepEqual([...c.grants].sort(), [...DATA_KINDS].sort());
    assert.deepEqual(c.authorizedParties, []);
    assert.equal(c.jwtKey, undefined);
    assert.equal(c.organizationId, undefined);
    assert.equal(c.jwtTemplate, undefined);
    assert.equal(c.acceptAnyUser, false, "by default only users signed in through this host");
    assert.deepEqual(c.signInBudget, { max: 5, windowSeconds: 10 }, "Clerk's sign-in limit per IP");
  });

  it("derives the Frontend API from CLERK_PUBLISHABLE_KEY and checks it agrees with ILEAP_CLERK_FRONTEND_API", () => {
    assert.equal(
      loadClerkConfig({ CLERK_PUBLISHABLE_KEY: pk("clerk.example.com") }).frontendApi,
      "https://clerk.example.com",
    );
    const emulatorUrl = "http://127.0.0.1:4321";
    assert.equal(
      loadClerkConfig({
        CLERK_PUBLISHABLE_KEY: publishableKeyFor(emulatorUrl),
        ILEAP_CLERK_FRONTEND_API: emulatorUrl,
      }).frontendApi,
      emulatorUrl,
    );
    throwsConfig(
      { CLERK_PUBLISHABLE_KEY: pk("a.example.com"), ILEAP_CLERK_FRONTEND_API: "https://b.example.com" },
      /different Clerk instances/,
    );
    throwsConfig({ CLERK_PUBLISHABLE_KEY: "pk_live_nope" }, /^CLERK_PUBLISHABLE_KEY: /);
    throwsConfig({}, /ILEAP_CLERK_FRONTEND_API or CLERK_PUBLISHABLE_KEY: one is required/);
    throwsConfig(
      { ILEAP_CLERK_FRONTEND_API: "http://clerk.example.com" },
      /^ILEAP_CLERK_FRONTEND_API: http:\/\/ is accepted only for loopback/,
    );
  });

  it("reads every setting and names the variable in each error", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const c = loadClerkConfig({
      ILEAP_CLERK_FRONTEND_API: "https://clerk.example.com",
      CLERK_JWT_KEY: pem.replace(/\n/g, "\\n"),
      ILEAP_CLERK_ORGANIZATION_ID: "org_abc",
      ILEAP_CLERK_TOKEN_MODE: "clerk",
      ILEAP_CLERK_JWT_TEMPLATE: "ileap",
      ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE: "ileap",
      ILEAP_CLERK_ACCEPT_ANY_USER: "true",
      ILEAP_CLERK_TIMEOUT_MS: "1500",
      ILEAP_CLERK_GRANTS: "pcf, tad",
      ILEAP_CLERK_CLOCK_SKEW_SECONDS: "10",
      ILEAP_CLERK_AUTHORIZED_PARTIES: "https://app.example.com, http://localhost:3000/",
      ILEAP_CLERK_MAX_FAILED_ATTEMPTS: "3",
      ILEAP_CLERK_CACHE_SIZE: "0",
      ILEAP_CLERK_CACHE_MIN_REMAINING_SECONDS: "30",
      ILEAP_CLERK_JWKS_COOLDOWN_SECONDS: "0",
      ILEAP_CLERK_JWKS_CACHE_SECONDS: "60",
      ILEAP_CLERK_RETRY_AFTER_SECONDS: "9",
      ILEAP_CLERK_SESSION_REUSE_SECONDS: "0",
    });
    assert.equal(c.sessionReuseSeconds, 0);
    assert.equal(c.jwtKey, pem);
    assert.equal(c.organizationId, "org_abc");
    assert.equal(c.tokenMode, "clerk");
    assert.equal(c.jwtTemplate, "ileap");
    assert.equal(c.jwtTemplateAudience, "ileap");
    assert.equal(c.acceptAnyUser, true);
    assert.equal(c.timeoutMs, 1500);
    assert.deepEqual([...c.grants].sort(), ["pcf", "tad"]);
    assert.deepEqual(c.authorizedParties, ["https://app.example.com", "http://localhost:3000"]);
    assert.equal(c.maxFailedAttempts, 3);
    assert.equal(c.cacheSize, 0);
    assert.equal(c.retryAfterSeconds, 9);

    const base = { ILEAP_CLERK_FRONTEND_API: "https://clerk.example.com" };
    throwsConfig(
      { ...base, ILEAP_CLERK_TOKEN_MODE: "both" },
      /^ILEAP_CLERK_TOKEN_MODE: expected issue or clerk/,
    );
    throwsConfig(
      { ...base, ILEAP_CLERK_JWT_TEMPLATE: "ileap" },
      /^ILEAP_CLERK_JWT_TEMPLATE: only used with ILEAP_CLERK_TOKEN_MODE=clerk/,
    );
    throwsConfig(
      { ...base, ILEAP_CLERK_TOKEN_MODE: "clerk", ILEAP_CLERK_JWT_TEMPLATE: "ileap" },
      /^ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE: required with ILEAP_CLERK_JWT_TEMPLATE/,
    );
    throwsConfig(
      { ...base, ILEAP_CLERK_ACCEPT_ANY_USER: "yes" },
      /^ILEAP_CLERK_ACCEPT_ANY_USER: expected true or false/,
    );
    throwsConfig(
      { ...base, ILEAP_CLERK_TOKEN_MODE: "clerk", ILEAP_CLERK_JWT_TEMPLATE: "a/b" },
      /^ILEAP_CLERK_JWT_TEMPLATE: expected/,
    );
    throwsConfig({ ...base, ILEAP_CLERK_TIMEOUT_MS: "fast" }, /^ILEAP_CLERK_TIMEOUT_MS: expected an integer/);
    throwsConfig(
      { ...base, ILEAP_CLERK_MAX_FAILED_ATTEMPTS: "0" },
      /^ILEAP_CLERK_MAX_FAILED_ATTEMPTS: expected an integer from 1/,
    );
    throwsConfig(
      { ...base, ILEAP_CLERK_GRANTS: "pcf,everything" },
      /^ILEAP_CLERK_GRANTS: expected \* or a comma list/,
    );
    throwsConfig(
      { ...base, ILEAP_CLERK_ORGANIZATION_ID: "org with spaces" },
      /^ILEAP_CLERK_ORGANIZATION_ID: expected/,
    );
    throwsConfig(
      { ...base, ILEAP_CLERK_AUTHORIZED_PARTIES: "https://app.example.com/path" },
      /^ILEAP_CLERK_AUTHORIZED_PARTIES: /,
    );
    throwsConfig(
      { ...base, CLERK_JWT_KEY: "not a key" },
      /^CLERK_JWT_KEY: expected the instance's RSA public key/,
    );
    throwsConfig(
      { ...base, CLERK_JWT_KEY: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" },
      /does not parse/,
    );
  });

  it("organizations and admin grants: ids only, admin role needs the configured organization", () => {
    const base = { ILEAP_CLERK_FRONTEND_API: "https://clerk.example.com" };
    const c = loadClerkConfig({
      ...base,
      ILEAP_CLERK_ORGANIZATION_ID: "org_main",
      ILEAP_CLERK_ORGANIZATIONS: "org_a, org_b",
      ILEAP_CLERK_ADMIN_ROLE: "org:admin",
      ILEAP_CLERK_ADMIN_USERS: "user_1,user_2",
    });
    assert.deepEqual([...c.organizations].sort(), ["org_a", "org_b", "org_main"]);
    assert.equal(c.adminRole, "admin");
    assert.deepEqual([...c.adminUsers], ["user_1", "user_2"]);
    const d = loadClerkConfig(base);
    assert.equal(d.organizations.size, 0);
    assert.equal(d.adminRole, undefined);
    assert.equal(d.adminUsers.size, 0);
    throwsConfig({ ...base, ILEAP_CLERK_ORGANIZATION_ID: "acme" }, /^ILEAP_CLERK_ORGANIZATION_ID: .*slugs/);
    throwsConfig(
      { ...base, ILEAP_CLERK_ORGANIZATIONS: "org_a,acme" },
      /^ILEAP_CLERK_ORGANIZATIONS: .*"acme"/,
    );
    throwsConfig(
      { ...base, ILEAP_CLERK_ADMIN_ROLE: "org:admin" },
      /^ILEAP_CLERK_ADMIN_ROLE: needs ILEAP_CLERK_ORGANIZATION_ID/,
    );
    throwsConfig({ ...base, ILEAP_CLERK_ADMIN_USERS: "alice" }, /^ILEAP_CLERK_ADMIN_USERS: /);
  });
});
