/**
 * Issue 13, finding 2: `clerk` mode accepts only the token category it hands out — session tokens
 * of sessions (`cat` cl_B7d4PD111AAA, `sid`, `sts` active) or the configured template's tokens
 * (`cat` cl_B7d4PD222AAA, its `aud`) — never machine tokens, tokens without the configured
 * organization, tokens without an allowed `azp`, or (by default) tokens of users who did not get
 * them from our token endpoint.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ACME,
  CLERK_TEST_PASSWORD,
  clerkUserSession,
  makeClock,
  type RunningClerkHost,
  startClerkHost,
  startTestEmulator,
  USERS,
} from "../../helpers/clerk.ts";

const SESSION = "cl_B7d4PD111AAA";
const TEMPLATE = "cl_B7d4PD222AAA";
const MACHINE = "cl_B7d4PD333AAA";

async function assertInvalid(h: RunningClerkHost, token: string, label: string): Promise<void> {
  const fp = await h.get("/2/footprints", token);
  assert.equal(fp.status, 400, `${label}: footprints answered ${fp.status} ${fp.text}`);
  const tad = await h.get("/2/ileap/tad", token);
  assert.equal(tad.status, 403, `${label}: tad answered ${tad.status}`);
}

describe("Clerk clerk mode, session tokens: only our category, our users, our organization (finding 2)", () => {
  const clock = makeClock();
  let h: RunningClerkHost;
  let open: RunningClerkHost;
  const seconds = () => Math.floor(clock.now() / 1000);
  before(async () => {
    const emulator = await startTestEmulator(clock, { authorizedParty: "https://app.example.com" });
    h = await startClerkHost({
      emulator,
      clock,
      env: {
        ILEAP_CLERK_TOKEN_MODE: "clerk",
        ILEAP_CLERK_ORGANIZATION_ID: ACME.id,
        ILEAP_CLERK_AUTHORIZED_PARTIES: "https://app.example.com",
      },
    });
    open = await startClerkHost({
      emulator,
      clock,
      env: { ILEAP_CLERK_TOKEN_MODE: "clerk", ILEAP_CLERK_ACCEPT_ANY_USER: "true" },
    });
    // service@ gets its token from us (and so becomes a known user).
    await h.accessToken("service@example.com");
  });
  after(async () => {
    await h.close();
    await open.close();
    await h.emulator.close();
  });

  const genuine = (extra: Record<string, unknown> = {}) => ({
    iss: h.emulator.url,
    sub: USERS.service,
    sid: "sess_x",
    sts: "active",
    v: 2,
    azp: "https://app.example.com",
    o: { id: ACME.id, rol: "admin" },
    iat: seconds(),
    nbf: seconds() - 5,
    exp: seconds() + 60,
    ...extra,
  });

  it("accepts a genuine session token of a user we signed in, in the configured organization", async () => {
    const token = await h.emulator.control.signJwt(genuine(), SESSION);
    assert.equal((await h.get("/2/footprints", token)).status, 200);
  });

  it("refuses machine tokens, other categories, sessionless and inactive tokens", async () => {
    const cases: Record<string, string> = {
      m2m: await h.emulator.control.machineToken({
        o: { id: ACME.id, rol: "admin" },
        azp: "https://app.example.com",
      }),
      machineCategory: await h.emulator.control.signJwt(genuine(), MACHINE),
      machineSubject: await h.emulator.control.signJwt(genuine({ sub: "mch_2abc" }), SESSION),
      templateCategory: await h.emulator.control.signJwt(genuine(), TEMPLATE),
      unknownCategory: await h.emulator.control.signJwt(genuine(), "cl_other"),
      noSid: await h.emulator.control.signJwt(genuine({ sid: undefined }), SESSION),
      endedSession: await h.emulator.control.signJwt(genuine({ sts: "ended" }), SESSION),
    };
    for (const [label, token] of Object.entries(cases)) await assertInvalid(h, token, label);
  });

  it("refuses tokens without azp when authorized parties are configured", async () => {
    await assertInvalid(h, await h.emulator.control.signJwt(genuine({ azp: undefined }), SESSION), "no azp");
  });

  it("refuses tokens without the configured organization, or of another one", async () => {
    await assertInvalid(h, await h.emulator.control.signJwt(genuine({ o: undefined }), SESSION), "no org");
    const other = genuine({ o: { id: "org_2other000000000000000000000", rol: "admin" } });
    await assertInvalid(h, await h.emulator.control.signJwt(other, SESSION), "other org");
  });

  it("refuses the browser session of an end user who never used our token endpoint; the switch accepts it", async () => {
    // member@ is in Acme and signs in to the customer's app directly (not through us).
    const browser = await clerkUserSession(h.emulator, "member@example.com");
    const inAcme = await h.emulator.control.signJwt(
      genuine({ sub: USERS.member, sid: browser.sessionId }),
      SESSION,
    );
    await assertInvalid(h, inAcme, "foreign user");
    // With ILEAP_CLERK_ACCEPT_ANY_USER=true (documented switch), the same user's token verifies.
    assert.equal((await open.get("/2/footprints", browser.jwt)).status, 200);
    // Once the user signs in through our token endpoint, its tokens verify.
    await h.accessToken("member@example.com");
    assert.equal((await h.get("/2/footprints", inAcme)).status, 200);
  });
});

describe("Clerk clerk mode, JWT template: only that template's tokens (finding 2)", () => {
  const clock = makeClock();
  let h: RunningClerkHost;
  before(async () => {
    const emulator = await startTestEmulator(clock, {
      jwtTemplates: {
        ileap: {
          lifetimeSeconds: 3600,
          claims: { aud: "ileap", sid: "{{session.id}}", org_id: "{{org.id}}", org_role: "{{org.role}}" },
        },
        other: { lifetimeSeconds: 3600, claims: { aud: "supabase", org_id: "{{org.id}}" } },
      },
    });
    h = await startClerkHost({
      emulator,
      clock,
      env: {
        ILEAP_CLERK_TOKEN_MODE: "clerk",
        ILEAP_CLERK_JWT_TEMPLATE: "ileap",
        ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE: "ileap",
        ILEAP_CLERK_ORGANIZATION_ID: ACME.id,
      },
    });
  });
  after(async () => {
    await h.close();
    await h.emulator.close();
  });

  it("accepts the template's token; refuses session tokens and other templates' tokens of the same user", async () => {
    const res = await h.token("service@example.com", CLERK_TEST_PASSWORD);
    assert.equal(res.status, 200, res.text);
    const token = (res.json as { access_token: string }).access_token;
    assert.equal((await h.get("/2/footprints", token)).status, 200);
    const now = Math.floor(clock.now() / 1000);
    const base = { iss: h.emulator.url, sub: USERS.service, iat: now, exp: now + 600, org_id: ACME.id };
    const session = await h.emulator.control.signJwt({ ...base, sid: "sess_1", sts: "active" }, SESSION);
    await assertInvalid(h, session, "session token in template mode");
    const other = await h.emulator.control.signJwt({ ...base, aud: "supabase" }, TEMPLATE);
    await assertInvalid(h, other, "another template");
    const m2m = await h.emulator.control.signJwt({ ...base, aud: "ileap" }, MACHINE);
    await assertInvalid(h, m2m, "machine token with our aud");
  });
});
