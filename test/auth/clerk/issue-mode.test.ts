import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import {
  ACME,
  CLERK_TEST_PASSWORD,
  GLOBEX,
  makeClock,
  type RunningClerkHost,
  startClerkHost,
  startTestEmulator,
  USERS,
} from "../../helpers/clerk.ts";

type OAuthError = { error: string; error_description: string };

describe("Clerk provider, issue mode: sign-in, tokens, cache", () => {
  let h: RunningClerkHost;
  before(async () => {
    h = await startClerkHost();
  });
  after(() => h.close());
  beforeEach(() => h.emulator.control.reset());

  it("signs in through Clerk and mints our own RS256 token for the Clerk user", async () => {
    const res = await h.token("service@example.com", CLERK_TEST_PASSWORD);
    assert.equal(res.status, 200, res.text);
    const body = res.json as { access_token: string; token_type: string; expires_in: number };
    assert.equal(body.token_type, "bearer");
    assert.equal(body.expires_in, 3600);
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.sub, USERS.service);
    assert.equal(claims.iss, h.baseUrl);
    assert.equal(claims.aud, h.baseUrl);
    assert.equal((claims.exp as number) - (claims.iat as number), 3600);
    assert.match(String(claims.sid), /^sess_/);
    const kid = decodeProtectedHeader(body.access_token).kid;
    const jwks = (await h.get("/jwks", "x")).json as { keys: Array<{ kid: string }> };
    assert.ok(jwks.keys.some((k) => k.kid === kid));
    const discovery = (await h.get("/.well-known/openid-configuration", "x")).json as { issuer: string };
    assert.equal(discovery.issuer, h.baseUrl);

    assert.equal((await h.get("/2/footprints", body.access_token)).status, 200);
    assert.equal((await h.get("/2/ileap/tad", body.access_token)).status, 200);
    const stats = h.emulator.control.stats();
    assert.equal(stats.signIns.complete, 1);
    assert.equal(stats.calls["GET /.well-known/jwks.json"] ?? 0, 0, "issue mode never fetches Clerk's JWKS");

    for (const line of h.logs.lines) {
      assert.ok(!line.includes(CLERK_TEST_PASSWORD), "password logged");
      assert.ok(!line.includes(body.access_token), "token logged");
    }
    assert.ok(h.logs.lines.some((l) => l.includes('"event":"clerk_sign_in"')));
  });

  it("100 concurrent identical token requests cause exactly one Clerk sign-in; later ones hit the cache", async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, () => h.token("member@example.com", CLERK_TEST_PASSWORD)),
    );
    assert.ok(results.every((r) => r.status === 200));
    const tokens = new Set(results.map((r) => (r.json as { access_token: string }).access_token));
    assert.equal(tokens.size, 1);
    assert.equal(h.emulator.control.signInCount, 1);
    const again = await Promise.all(
      Array.from({ length: 20 }, () => h.token("MEMBER@example.com", CLERK_TEST_PASSWORD)),
    );
    assert.ok(
      again.every(
        (r) => r.status === 200 && (r.json as { access_token: string }).access_token === [...tokens][0],
      ),
    );
    assert.equal(h.emulator.control.signInCount, 1);
    // A wrong password is never served from the cache.
    assert.equal((await h.token("member@example.com", "not the password")).status, 400);
    assert.equal(h.emulator.control.signInCount, 2);
  });

  it("serves the cached token with its remaining lifetime, and signs in again when too little remains", async () => {
    const first = (await h.token("loner@example.com", CLERK_TEST_PASSWORD)).json as {
      access_token: string;
      expires_in: number;
    };
    h.clock.advance(1000 * 1000);
    const second = (await h.token("loner@example.com", CLERK_TEST_PASSWORD)).json as {
      access_token: string;
      expires_in: number;
    };
    assert.equal(second.access_token, first.access_token);
    assert.equal(second.expires_in, 2600);
    h.clock.advance(2400 * 1000);
    const third = (await h.token("loner@example.com", CLERK_TEST_PASSWORD)).json as {
      access_token: string;
      expires_in: number;
    };
    assert.notEqual(third.access_token, first.access_token);
    assert.equal(third.expires_in, 3600);
    assert.equal(h.emulator.control.signInCount, 2);
  });

  it("an expired token answers 401 TokenExpired on footprints and TAD", async () => {
    const token = await h.accessToken("outsider@example.com");
    assert.equal((await h.get("/2/footprints", token)).status, 200);
    h.clock.advance(3601 * 1000);
    for (const path of ["/2/footprints", "/2/ileap/tad"]) {
      const res = await h.get(path, token);
      assert.equal(res.status, 401, path);
      assert.equal((res.json as { code: string }).code, "TokenExpired");
    }
  });

  it("refuses tokens it did not mint: forged signature, Clerk's own session token, garbage", async () => {
    const valid = await h.accessToken("service@example.com");
    const claims = decodeJwt(valid);
    const other = await generateKeyPair("RS256");
    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "RS256", kid: decodeProtectedHeader(valid).kid as string })
      .sign(other.privateKey);
    const clerkSession = await h.emulator.control.signJwt({
      iss: h.emulator.url,
      sub: USERS.service,
      iat: Math.floor(h.clock.now() / 1000),
      exp: Math.floor(h.clock.now() / 1000) + 60,
      sid: "sess_x",
    });
    for (const token of [forged, clerkSession, "garbage"]) {
      const fp = await h.get("/2/footprints", token);
      assert.equal(fp.status, 400);
      assert.equal((fp.json as { code: string }).code, "BadRequest");
      const tad = await h.get("/2/ileap/tad", token);
      assert.equal(tad.status, 403);
      assert.equal((tad.json as { code: string }).code, "AccessDenied");
    }
  });

  it("MFA, Client Trust and password-reset accounts fail with 400 and a description for the operator", async () => {
    const cases: Array<[string, RegExp]> = [
      ["mfa@example.com", /second factor.*MFA off/],
      ["trust@example.com", /Client Trust/],
      ["reset@example.com", /new password/],
    ];
    for (const [user, pattern] of cases) {
      for (let i = 0; i < 6; i++) {
        const res = await h.token(user, CLERK_TEST_PASSWORD);
        assert.equal(res.status, 400, `${user}: ${res.text}`);
        assert.equal((res.json as OAuthError).error, "invalid_client");
        assert.match((res.json as OAuthError).error_description, pattern);
      }
    }
    // Correct passwords: never throttled (6 attempts each above, none refused with 429).
    assert.equal(h.provider.stats().throttled, 0);
  });

  it("refuses empty credentials and a malformed organization_id without calling Clerk", async () => {
    assert.equal((await h.token("service@example.com", "")).status, 400);
    const res = await h.token("service@example.com", CLERK_TEST_PASSWORD, {
      organization_id: "org with space",
    });
    assert.equal(res.status, 400);
    assert.equal((res.json as OAuthError).error, "invalid_request");
    assert.equal(h.emulator.control.signInCount, 0);
  });
});

describe("Clerk provider, issue mode: Clerk failures", () => {
  let h: RunningClerkHost;
  before(async () => {
    h = await startClerkHost({
      env: { ILEAP_CLERK_TIMEOUT_MS: "400", ILEAP_CLERK_RETRY_AFTER_SECONDS: "4" },
    });
  });
  after(() => h.close());
  beforeEach(() => h.emulator.control.reset());

  const expect503 = async (user: string, retryAfter = "4") => {
    const res = await h.token(user, CLERK_TEST_PASSWORD);
    assert.equal(res.status, 503, res.text);
    assert.equal((res.json as OAuthError).error, "temporarily_unavailable");
    assert.equal(res.headers["retry-after"], retryAfter);
  };

  it("Clerk down: new logins get 503 with Retry-After while existing tokens keep working", async () => {
    const token = await h.accessToken("service@example.com");
    h.emulator.control.injectFault({ kind: "status", status: 503 });
    await expect503("member@example.com");
    // The outage is remembered for this credential for its Retry-After (no call to Clerk meanwhile).
    const calls = h.emulator.control.signInCount;
    await expect503("member@example.com");
    assert.equal(h.emulator.control.signInCount, calls);
    h.clock.advance(5000);
    h.emulator.control.clearFaults();
    h.emulator.control.injectFault({ kind: "status", status: 502, retryAfterSeconds: 17 });
    await expect503("member@example.com", "17");
    for (const path of ["/2/footprints", "/2/ileap/tad"])
      assert.equal((await h.get(path, token)).status, 200);
    // The cached token of a known credential is still handed out.
    assert.equal((await h.token("service@example.com", CLERK_TEST_PASSWORD)).status, 200);
    h.emulator.control.clearFaults();
    h.clock.advance(17_000);
    assert.equal((await h.token("member@example.com", CLERK_TEST_PASSWORD)).status, 200);
  });

  it("timeouts (hang, latency), malformed JSON and connection resets answer 503", async () => {
    const started = Date.now();
    h.emulator.control.injectFault({ kind: "hang", times: 1 });
    await expect503("outsider@example.com");
    h.clock.advance(5000); // past the short memory of the outage
    assert.ok(Date.now() - started < 3000, "the timeout bounds the wait");
    h.emulator.control.releaseHangs();
    h.emulator.control.injectFault({ kind: "latency", latencyMs: 1500, times: 1 });
    await expect503("outsider@example.com");
    h.clock.advance(5000); // past the short memory of the outage
    h.emulator.control.injectFault({ kind: "malformed_json", times: 1 });
    await expect503("outsider@example.com");
    h.clock.advance(5000); // past the short memory of the outage
    h.emulator.control.injectFault({ kind: "malformed_json", status: 500, times: 1 });
    await expect503("outsider@example.com");
    h.clock.advance(5000); // past the short memory of the outage
    h.emulator.control.injectFault({ kind: "reset", times: 1 });
    await expect503("outsider@example.com");
    h.clock.advance(5000); // past the short memory of the outage
    assert.equal(h.provider.stats().throttled, 0);
    assert.equal((await h.token("outsider@example.com", CLERK_TEST_PASSWORD)).status, 200, "recovered");
    const warnings = h.logs.lines.filter((l) => l.includes('"event":"clerk_sign_in_failed"'));
    assert.ok(
      warnings.some((l) => l.includes('"clerkTraceId"')),
      "Clerk's trace id is logged",
    );
  });

  it("passes Clerk's 429 through with its Retry-After", async () => {
    h.emulator.control.injectFault({
      kind: "status",
      status: 429,
      retryAfterSeconds: 7,
      path: "/v1/client/sign_ins",
    });
    const res = await h.token("loner@example.com", CLERK_TEST_PASSWORD);
    assert.equal(res.status, 429);
    assert.equal((res.json as OAuthError).error, "temporarily_unavailable");
    assert.equal(res.headers["retry-after"], "7");
  });
});

describe("Clerk provider, issue mode: Clerk's per-IP rate limit", () => {
  it("answers 429 with the Retry-After of Clerk's limiter", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock, { signInRateLimit: { max: 2, windowSeconds: 30 } });
    const h = await startClerkHost({ emulator, clock });
    try {
      assert.equal((await h.token("service@example.com", CLERK_TEST_PASSWORD)).status, 200);
      assert.equal((await h.token("member@example.com", CLERK_TEST_PASSWORD)).status, 200);
      const res = await h.token("loner@example.com", CLERK_TEST_PASSWORD);
      assert.equal(res.status, 429);
      assert.equal(res.headers["retry-after"], "30");
      clock.advance(30_000);
      assert.equal((await h.token("loner@example.com", CLERK_TEST_PASSWORD)).status, 200);
    } finally {
      await h.close();
      await emulator.close();
    }
  });
});

describe("Clerk provider, issue mode: lockout protection", () => {
  let h: RunningClerkHost;
  before(async () => {
    h = await startClerkHost({ env: { ILEAP_CLERK_CACHE_SIZE: "0" } });
  });
  after(() => h.close());

  it("concurrent wrong passwords cannot overshoot the limit", async () => {
    h.emulator.control.reset();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => h.token("member@example.com", `bad-${i}`)),
    );
    assert.equal(results.filter((r) => r.status === 400).length, 5);
    assert.equal(results.filter((r) => r.status === 429).length, 25);
    assert.equal(h.emulator.control.signInCount, 5);
  });

  it("a credential that signed in before still gets through while its identifier is throttled", async () => {
    h.emulator.control.reset();
    assert.equal((await h.token("outsider@example.com", CLERK_TEST_PASSWORD)).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await h.token("outsider@example.com", `bad-${i}`)).status, 400);
    assert.equal((await h.token("outsider@example.com", "bad-again")).status, 429);
    // No token cache here: the known-good credential passes a real sign-in.
    const res = await h.token("outsider@example.com", CLERK_TEST_PASSWORD);
    assert.equal(res.status, 200, res.text);
    assert.equal(h.emulator.control.stats().signIns.complete, 2);
  });
});

describe("Clerk provider, issue mode: organizations and visibility", () => {
  let h: RunningClerkHost;
  const restrictedFootprintId = "0b9e3e5a-5f4e-4b8f-9a57-3c1f6a2b7d10";
  before(async () => {
    h = await startClerkHost({
      env: { ILEAP_CLERK_ORGANIZATION_ID: ACME.id, ILEAP_CLERK_ORGANIZATIONS: GLOBEX.id },
    });
    // One footprint and one TAD record visible to Acme only.
    const { demoFootprints, demoTad } = await import("../../../src/testing/demo-data.ts");
    const pcf = demoFootprints().find((f) => f.kind === "pcf" && f.document.status === "Active");
    assert.ok(pcf);
    const document = {
      ...(pcf.document as unknown as Record<string, unknown>),
      id: restrictedFootprintId,
      productIds: ["urn:acme:only"],
    };
    await h.host.store.putFootprints([{ document, kind: "pcf", visibility: { organizationIds: [ACME.id] } }]);
    const tad = { ...(demoTad()[0] as unknown as Record<string, unknown>), activityId: "tad-acme-only" };
    await h.host.store.putTad([{ document: tad, visibility: { organizationIds: [ACME.id] } }]);
  });
  after(() => h.close());
  beforeEach(() => h.emulator.control.reset());

  it("activates the configured organization: the token carries its id and role", async () => {
    const claims = decodeJwt(await h.accessToken("service@example.com"));
    assert.equal(claims.org_id, ACME.id);
    assert.equal(claims.org_role, "admin");
    assert.equal(h.emulator.control.stats().calls["POST /v1/client/sessions/{session_id}/touch"], 1);
  });

  it("activates a per-request organization_id (an accepted id; slugs are refused)", async () => {
    let claims = decodeJwt(
      await h.accessToken("service@example.com", CLERK_TEST_PASSWORD, { organization_id: GLOBEX.id }),
    );
    assert.equal(claims.org_id, GLOBEX.id);
    assert.equal(claims.org_role, "member");
    claims = decodeJwt(
      await h.accessToken("outsider@example.com", CLERK_TEST_PASSWORD, { organization_id: GLOBEX.id }),
    );
    assert.equal(claims.org_id, GLOBEX.id);
    const slug = await h.token("outsider@example.com", CLERK_TEST_PASSWORD, { organization_id: "globex" });
    assert.equal(slug.status, 400);
  });

  it("a failed activation is its own error, not bad credentials", async () => {
    let res = await h.token("outsider@example.com", CLERK_TEST_PASSWORD, { organization_id: ACME.id });
    assert.equal(res.status, 400);
    assert.equal((res.json as OAuthError).error, "invalid_request");
    assert.match(
      (res.json as OAuthError).error_description,
      /could not activate organization "org_2testAcme/,
    );
    res = await h.token("loner@example.com", CLERK_TEST_PASSWORD);
    assert.equal(res.status, 400);
    assert.equal((res.json as OAuthError).error, "invalid_client");
    assert.match((res.json as OAuthError).error_description, /ILEAP_CLERK_ORGANIZATION_ID/);
    assert.equal(h.provider.stats().throttled, 0);
  });

  it("records restricted to an organization are visible only to tokens of that organization", async () => {
    const acme = await h.accessToken("member@example.com");
    const globex = await h.accessToken("outsider@example.com", CLERK_TEST_PASSWORD, {
      organization_id: GLOBEX.id,
    });
    const ids = async (token: string) => {
      const res = await h.get("/2/footprints?limit=100", token);
      assert.equal(res.status, 200);
      return (res.json as { data: Array<{ id: string }> }).data.map((f) => f.id);
    };
    const tadIds = async (token: string) => {
      const res = await h.get("/2/ileap/tad?limit=100", token);
      assert.equal(res.status, 200);
      return (res.json as { data: Array<{ activityId: string }> }).data.map((t) => t.activityId);
    };
    assert.ok((await ids(acme)).includes(restrictedFootprintId));
    assert.ok(!(await ids(globex)).includes(restrictedFootprintId));
    assert.ok((await ids(globex)).length > 0, "unrestricted records stay visible");
    assert.ok((await tadIds(acme)).includes("tad-acme-only"));
    assert.ok(!(await tadIds(globex)).includes("tad-acme-only"));
    assert.equal((await h.get(`/2/footprints/${restrictedFootprintId}`, acme)).status, 200);
    assert.equal((await h.get(`/2/footprints/${restrictedFootprintId}`, globex)).status, 404);
  });
});

describe("Clerk provider, issue mode: grants from configuration", () => {
  it("ILEAP_CLERK_GRANTS limits what Clerk principals may read", async () => {
    const h = await startClerkHost({ env: { ILEAP_CLERK_GRANTS: "pcf" } });
    try {
      const token = await h.accessToken("loner@example.com");
      assert.equal((await h.get("/2/footprints", token)).status, 200);
      const tad = await h.get("/2/ileap/tad", token);
      assert.equal(tad.status, 403);
      assert.equal((tad.json as { code: string }).code, "AccessDenied");
    } finally {
      await h.close();
    }
  });
});
