/**
 * Issue 13, finding 1: host roles come only from the configured organization, `organization_id`
 * only picks an accepted organization, and admin is an explicit grant — never "admin of any org"
 * (Clerk lets every user create an organization and makes the creator `org:admin`).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { LocalIssuer } from "../../../src/auth/local/issuer.ts";
import { loadKeyRing } from "../../../src/auth/local/keyring.ts";
import { hashSecret } from "../../../src/auth/secret-hash.ts";
import {
  ACME,
  CLERK_TEST_PASSWORD,
  clerkUserSession,
  GLOBEX,
  makeClock,
  type RunningClerkHost,
  startClerkHost,
  startTestEmulator,
  USERS,
} from "../../helpers/clerk.ts";
import { send, type WireResponse } from "../../helpers/http.ts";

type OAuthError = { error: string; error_description: string };

/** A call the admin API answers 404 once past the admin check, 403 before it. */
function adminCall(h: RunningClerkHost, token: string): Promise<WireResponse> {
  return send(`${h.baseUrl}/admin/v1/footprints/00000000-0000-4000-8000-000000000000/visibility`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  });
}

for (const mode of ["issue", "clerk"] as const) {
  describe(`Clerk ${mode} mode: roles only from the configured organization (finding 1)`, () => {
    const clock = makeClock();
    let h: RunningClerkHost;
    let evilOrg: string;
    before(async () => {
      const emulator = await startTestEmulator(clock);
      h = await startClerkHost({
        emulator,
        clock,
        env: {
          ILEAP_CLERK_TOKEN_MODE: mode,
          ILEAP_CLERK_ORGANIZATION_ID: ACME.id,
          ILEAP_CLERK_ORGANIZATIONS: GLOBEX.id,
          ILEAP_CLERK_ADMIN_ROLE: "org:admin",
          ILEAP_CLERK_ADMIN_USERS: USERS.outsider,
        },
      });
      // Any Clerk user may create an organization and is its org:admin.
      evilOrg = emulator.control.createOrganization(USERS.member, "Evil Corp");
    });
    after(async () => {
      await h.close();
      await h.emulator.close();
    });

    it("organization_id naming an organization the host does not accept is refused before Clerk is called", async () => {
      const before = h.emulator.control.signInCount;
      const res = await h.token("member@example.com", CLERK_TEST_PASSWORD, { organization_id: evilOrg });
      assert.equal(res.status, 400, res.text);
      assert.equal((res.json as OAuthError).error, "invalid_request");
      assert.match((res.json as OAuthError).error_description, /organization this host accepts/);
      // Slugs are not accepted either (they can be renamed).
      const slug = await h.token("member@example.com", CLERK_TEST_PASSWORD, { organization_id: "globex" });
      assert.equal(slug.status, 400);
      assert.equal(h.emulator.control.signInCount, before);
    });

    it("an org:admin of his own organization is not a host admin; members of the configured one neither", async () => {
      const member = await h.accessToken("member@example.com");
      assert.equal((await adminCall(h, member)).status, 403);
      // The user's own organization, activated in Clerk directly: its admin role counts for nothing.
      const own = await clerkUserSession(h.emulator, "member@example.com", { createOrganization: "Evil 2" });
      assert.equal((decodeJwt(own.jwt).o as { rol: string }).rol, "admin");
      const status = (await adminCall(h, own.jwt)).status;
      assert.ok(status === 400 || status === 403, `admin API answered ${status}`);
    });

    it("the admin role of an accepted but not configured organization does not grant admin", async () => {
      // service@ is org:member of Globex, outsider@ is listed in ILEAP_CLERK_ADMIN_USERS.
      const globex = await h.accessToken("service@example.com", CLERK_TEST_PASSWORD, {
        organization_id: GLOBEX.id,
      });
      assert.equal((await adminCall(h, globex)).status, 403);
    });

    it("admin is granted by the configured role in the configured organization, or by user id", async () => {
      const admin = await h.accessToken("service@example.com");
      assert.equal((await adminCall(h, admin)).status, 404);
      const listed = await h.accessToken("outsider@example.com", CLERK_TEST_PASSWORD, {
        organization_id: GLOBEX.id,
      });
      assert.equal((await adminCall(h, listed)).status, 404);
    });
  });
}

describe("Clerk: without ILEAP_CLERK_ADMIN_ROLE nobody is admin through an organization role", () => {
  it("org:admin of the configured organization gets 403 on the admin API", async () => {
    const h = await startClerkHost({ env: { ILEAP_CLERK_ORGANIZATION_ID: ACME.id } });
    try {
      const token = await h.accessToken("service@example.com");
      assert.equal(decodeJwt(token).org_role, "admin");
      assert.equal((await adminCall(h, token)).status, 403);
      // No organizations accepted from requests when only the default is configured… except itself.
      assert.equal(
        (await h.token("service@example.com", CLERK_TEST_PASSWORD, { organization_id: GLOBEX.id })).status,
        400,
      );
    } finally {
      await h.close();
    }
  });
});

describe("Built-in issuer: organization_id cannot pick another organization", () => {
  it("a client configured for one organization is refused a token for another", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ileap-builtin-org-"));
    try {
      const keys = await loadKeyRing({ dataDir: dir });
      const issuer = new LocalIssuer({
        keys,
        clients: [
          {
            id: "acme-shipper",
            secretHash: await hashSecret("s3cret", { N: 1024, r: 8, p: 1 }),
            grants: ["*"],
            organizationId: "org_acme",
          },
        ],
      });
      const ask = (form: Record<string, string>) =>
        issuer.issueToken(
          { clientId: "acme-shipper", clientSecret: "s3cret" },
          { form: new Map(Object.entries(form)), publicBaseUrl: "http://127.0.0.1" },
        );
      const other = await ask({ organization_id: "org_evil" });
      assert.equal(other.ok, false);
      if (!other.ok) {
        assert.equal(other.failure.status, 400);
        assert.equal(other.failure.error, "invalid_request");
      }
      assert.equal((await ask({ organization_id: "org_acme" })).ok, true);
      assert.equal((await ask({})).ok, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
