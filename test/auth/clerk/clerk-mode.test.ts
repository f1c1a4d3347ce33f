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

/** Asserts the status-matrix answers for a token that does not verify. */
async function assertInvalid(h: RunningClerkHost, token: string, label: string): Promise<void> {
  const fp = await h.get("/2/footprints", token);
  assert.equal(fp.status, 400, `${label}: footprints ${fp.text}`);
  assert.equal((fp.json as { code: string }).code, "BadRequest");
  const tad = await h.get("/2/ileap/tad", token);
  assert.equal(tad.status, 403, `${label}: tad ${tad.text}`);
  assert.equal((tad.json as { code: string }).code, "AccessDenied");
}

describe("Clerk provider, clerk mode: Clerk's session tokens", () => {
  let h: RunningClerkHost;
  const seconds = () => Math.floor(h.clock.now() / 1000);
  before(async () => {
    h = await startClerkHost({ env: { ILEAP_CLERK_TOKEN_MODE: "clerk" } });
  });
  after(() => h.close());
  beforeEach(() => h.emulator.control.reset());
  /** A second host on the same emulator whose sign-ins activate Acme. */
  const acmeHost = () =>
    startClerkHost({
      emulator: h.emulator,
      clock: h.clock,
      env: { ILEAP_CLERK_TOKEN_MODE: "clerk", ILEAP_CLERK_ORGANIZATION_ID: ACME.id },
    });

  it("returns Clerk's session token and verifies it locally; discovery and /jwks describe Clerk", async () => {
    const res = await h.token("service@example.com", CLERK_TEST_PASSWORD);
    assert.equal(res.status, 200, res.text);
    const body = res.json as { access_token: string; expires_in: number };
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.iss, h.emulator.url);
    assert.equal(claims.sub, USERS.service);
    assert.equal(claims.v, 2);
    assert.ok(body.expires_in > 0 && body.expires_in <= 60, String(body.expires_in));
    assert.equal(decodeProtectedHeader(body.access_token).kid, h.emulator.control.currentKid);
    const jwksCalls = () => h.emulator.control.stats().calls["GET /.well-known/jwks.json"] ?? 0;
    const before = jwksCalls();
    for (let i = 0; i < 5; i++) {
      assert.equal((await h.get("/2/footprints", body.access_token)).status, 200);
      assert.equal((await h.get("/2/ileap/tad", body.access_token)).status, 200);
    }
    assert.equal(jwksCalls(), before, "no JWKS fetch per request");
    const discovery = (await h.get("/.well-known/openid-configuration", "x")).json as { issuer: string };
    assert.equal(discovery.issuer, h.emulator.url);
    for (const line of h.logs.lines) {
      assert.ok(!line.includes(CLERK_TEST_PASSWORD), "password logged");
      assert.ok(!line.includes(body.access_token), "token logged");
    }
    const jwks = (await h.get("/jwks", "x")).json as { keys: Array<{ kid: string }> };
    assert.deepEqual(
      jwks.keys.map((k) => k.kid),
      h.emulator.control.jwks().keys.map((k) => k.kid),
    );
  });

  it("100 concurrent identical token requests cause one sign-in", async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, () => h.token("member@example.com", CLERK_TEST_PASSWORD)),
    );
    assert.ok(results.every((r) => r.status === 200));
    assert.equal(new Set(results.map((r) => (r.json as { access_token: string }).access_token)).size, 1);
    assert.equal(h.emulator.control.signInCount, 1);
  });

  it("an expired Clerk token answers 401 TokenExpired on footprints and TAD", async () => {
    const token = await h.accessToken("loner@example.com");
    assert.equal((await h.get("/2/footprints", token)).status, 200);
    h.clock.advance(30_000);
    assert.equal((await h.get("/2/footprints", token)).status, 200);
    h.clock.advance(36_000); // 66 s after issue: past the 60 s lifetime and the 5 s skew
    for (const path of ["/2/footprints", "/2/ileap/tad"]) {
      const res = await h.get(path, token);
      assert.equal(res.status, 401, path);
      assert.equal((res.json as { code: string }).code, "TokenExpired");
    }
    // A token that expired before we ever saw it is expired too (not invalid).
    const stale = await h.emulator.control.signJwt({
      iss: h.emulator.url,
      sub: USERS.loner,
      iat: seconds() - 120,
      exp: seconds() - 60,
      sts: "active",
    });
    assert.equal((await h.get("/2/ileap/tad", stale)).status, 401);
  });

  it("a token signed by another Clerk instance is invalid", async () => {
    const clock = makeClock();
    const other = await startTestEmulator(clock);
    try {
      const res = await fetch(`${other.url}/v1/client/sign_ins?_is_native=1`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          strategy: "password",
          identifier: "service@example.com",
          password: CLERK_TEST_PASSWORD,
        }),
      });
      const envelope = (await res.json()) as {
        client: { sessions: Array<{ last_active_token: { jwt: string } }> };
      };
      const foreign = envelope.client.sessions[0]?.last_active_token.jwt as string;
      await assertInvalid(h, foreign, "other instance");
      // The same claims as ours but signed by the other instance's key.
      const forgedIss = await other.control.signJwt({
        iss: h.emulator.url,
        sub: USERS.service,
        iat: seconds(),
        exp: seconds() + 60,
      });
      await assertInvalid(h, forgedIss, "other instance, our iss");
    } finally {
      await other.close();
    }
  });

  it("wrong iss, our kid with another key, pending session, missing sub, alg none are invalid", async () => {
    const now = seconds();
    const good = {
      iss: h.emulator.url,
      sub: USERS.service,
      sid: "sess_1",
      iat: now,
      nbf: now - 10,
      exp: now + 60,
      sts: "active",
    };
    const other = await generateKeyPair("RS256");
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const cases: Record<string, string> = {
      wrongIss: await h.emulator.control.signJwt({ ...good, iss: "https://evil.example" }),
      trailingSlashIss: await h.emulator.control.signJwt({ ...good, iss: `${h.emulator.url}/` }),
      ourKidOtherKey: await new SignJWT(good)
        .setProtectedHeader({ alg: "RS256", kid: h.emulator.control.currentKid })
        .sign(other.privateKey),
      pending: await h.emulator.control.signJwt({ ...good, sts: "pending" }),
      noSub: await h.emulator.control.signJwt({ iss: good.iss, iat: now, exp: now + 60 }),
      notYetValid: await h.emulator.control.signJwt({ ...good, nbf: now + 600 }),
      futureIat: await h.emulator.control.signJwt({ ...good, iat: now + 600 }),
      algNone: `${b64({ alg: "none", kid: h.emulator.control.currentKid })}.${b64(good)}.`,
    };
    for (const [label, token] of Object.entries(cases)) await assertInvalid(h, token, label);
    // The same claims, properly signed, pass.
    assert.equal((await h.get("/2/footprints", await h.emulator.control.signJwt(good))).status, 200);
  });

  it("a token whose key was rotated away is invalid; tokens of the new key verify", async () => {
    const oldToken = await h.accessToken("outsider@example.com");
    assert.equal((await h.get("/2/footprints", oldToken)).status, 200); // the verifier now holds the old key
    const oldKid = h.emulator.control.currentKid;
    const unseen = await h.emulator.control.signJwt({
      iss: h.emulator.url,
      sub: USERS.member,
      iat: seconds(),
      exp: seconds() + 60,
    });
    h.emulator.control.rotateKeys({ keepPrevious: false });
    // A token of the new key: unknown kid → one JWKS refetch → verifies.
    const newToken = await h.accessToken("loner@example.com");
    assert.notEqual(decodeProtectedHeader(newToken).kid, oldKid);
    assert.equal((await h.get("/2/footprints", newToken)).status, 200);
    // A token of the dropped key that was never verified before is refused.
    assert.equal(decodeProtectedHeader(unseen).kid, oldKid);
    await assertInvalid(h, unseen, "rotated-away key");
  });

  it("refreshes a token from the signed-in Clerk session instead of signing in again", async () => {
    const o = await acmeHost();
    try {
      const first = await o.accessToken("member@example.com");
      o.clock.advance(31_000); // under half of the 60 s lifetime left: the cache no longer serves it
      const res = await o.token("member@example.com", CLERK_TEST_PASSWORD);
      assert.equal(res.status, 200, res.text);
      const second = (res.json as { access_token: string }).access_token;
      assert.notEqual(second, first);
      assert.equal((decodeJwt(second).o as { id: string }).id, ACME.id, "the session keeps its organization");
      const stats = h.emulator.control.stats();
      assert.equal(stats.signIns.attempts, 1);
      assert.equal(stats.calls["POST /v1/client/sessions/{session_id}/tokens"], 1);
      assert.equal((await o.get("/2/footprints", second)).status, 200);
      // The session is gone (signed out in Clerk): sign in again.
      h.emulator.control.reset({ sessions: true });
      o.clock.advance(31_000);
      assert.equal((await o.token("member@example.com", CLERK_TEST_PASSWORD)).status, 200);
      assert.equal(h.emulator.control.stats().signIns.attempts, 1);
      // Clerk down during a refresh: 503, not a sign-in.
      o.clock.advance(31_000);
      h.emulator.control.injectFault({ kind: "status", status: 503 });
      const down = await o.token("member@example.com", CLERK_TEST_PASSWORD);
      assert.equal(down.status, 503);
      assert.equal(h.emulator.control.stats().signIns.attempts, 1, "no new sign-in");
      assert.ok(o.provider.stats().refreshes >= 1);
    } finally {
      await o.close();
    }
  });

  it("signs in again once the session reuse period is over", async () => {
    const reuse = await startClerkHost({
      emulator: h.emulator,
      clock: h.clock,
      env: { ILEAP_CLERK_TOKEN_MODE: "clerk", ILEAP_CLERK_SESSION_REUSE_SECONDS: "60" },
    });
    try {
      await reuse.accessToken("loner@example.com");
      reuse.clock.advance(31_000);
      await reuse.accessToken("loner@example.com");
      assert.equal(h.emulator.control.stats().signIns.attempts, 1);
      reuse.clock.advance(31_000);
      await reuse.accessToken("loner@example.com");
      assert.equal(h.emulator.control.stats().signIns.attempts, 2);
    } finally {
      await reuse.close();
    }
  });

  it("organization claims of v2 session tokens make the principal's organization", async () => {
    const o = await acmeHost();
    try {
      const token = await o.accessToken("service@example.com");
      const claims = decodeJwt(token) as { o?: { id: string; rol: string } };
      assert.deepEqual({ id: claims.o?.id, rol: claims.o?.rol }, { id: ACME.id, rol: "admin" });
    } finally {
      await o.close();
    }
  });
});

describe("Clerk provider, clerk mode: visibility by organization (v1 and v2 tokens)", () => {
  const restrictedId = "7f3c1a2b-9d8e-4c6b-8a5f-1e2d3c4b5a69";
  for (const tokenVersion of [2, 1] as const) {
    it(`v${tokenVersion}: records restricted to Acme are visible only to Acme tokens`, async () => {
      const h = await startClerkHost({
        env: { ILEAP_CLERK_TOKEN_MODE: "clerk", ILEAP_CLERK_ORGANIZATIONS: `${ACME.id},${GLOBEX.id}` },
        emulatorOptions: { tokenVersion },
      });
      try {
        const { demoFootprints } = await import("../../../src/testing/demo-data.ts");
        const pcf = demoFootprints().find((f) => f.kind === "pcf" && f.document.status === "Active");
        assert.ok(pcf);
        const document = {
          ...(pcf.document as unknown as Record<string, unknown>),
          id: restrictedId,
          productIds: ["urn:acme:only"],
        };
        await h.host.store.putFootprints([
          { document, kind: "pcf", visibility: { organizationIds: [ACME.id] } },
        ]);
        const acme = await h.accessToken("member@example.com", CLERK_TEST_PASSWORD, {
          organization_id: ACME.id,
        });
        const claims = decodeJwt(acme);
        assert.equal(tokenVersion === 1 ? claims.org_id : (claims.o as { id: string }).id, ACME.id);
        const globex = await h.accessToken("outsider@example.com", CLERK_TEST_PASSWORD, {
          organization_id: GLOBEX.id,
        });
        // With organizations configured, a token without one of them is not handed out at all.
        assert.equal((await h.token("loner@example.com", CLERK_TEST_PASSWORD)).status, 400);
        assert.equal((await h.get(`/2/footprints/${restrictedId}`, acme)).status, 200);
        assert.equal((await h.get(`/2/footprints/${restrictedId}`, globex)).status, 404);
      } finally {
        await h.close();
      }
    });
  }
});

describe("Clerk provider, clerk mode: JWT templates", () => {
  let h: RunningClerkHost;
  before(async () => {
    h = await startClerkHost({
      env: {
        ILEAP_CLERK_TOKEN_MODE: "clerk",
        ILEAP_CLERK_JWT_TEMPLATE: "ileap",
        ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE: "ileap",
        ILEAP_CLERK_ORGANIZATION_ID: ACME.id,
      },
    });
  });
  after(() => h.close());
  beforeEach(() => h.emulator.control.reset());

  it("returns the template token with its lifetime and organization claims", async () => {
    const res = await h.token("service@example.com", CLERK_TEST_PASSWORD);
    assert.equal(res.status, 200, res.text);
    const body = res.json as { access_token: string; expires_in: number };
    assert.equal(body.expires_in, 3600);
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.org_id, ACME.id);
    assert.equal(claims.org_role, "org:admin");
    assert.equal((await h.get("/2/footprints", body.access_token)).status, 200);
    assert.equal(
      h.emulator.control.stats().calls["POST /v1/client/sessions/{session_id}/tokens/{template_name}"],
      1,
    );
  });

  it("a failing template fails the token request: no silent fallback to the session token", async () => {
    h.emulator.control.injectFault({
      kind: "status",
      status: 503,
      path: "/v1/client/sessions/{session_id}/tokens/{template_name}",
    });
    const res = await h.token("member@example.com", CLERK_TEST_PASSWORD);
    assert.equal(res.status, 503);
    assert.equal((res.json as OAuthError).error, "temporarily_unavailable");
    assert.ok(res.headers["retry-after"]);
  });

  it("an unknown template is a configuration error (500 naming ILEAP_CLERK_JWT_TEMPLATE)", async () => {
    const bad = await startClerkHost({
      emulator: h.emulator,
      clock: h.clock,
      env: {
        ILEAP_CLERK_TOKEN_MODE: "clerk",
        ILEAP_CLERK_JWT_TEMPLATE: "missing",
        ILEAP_CLERK_JWT_TEMPLATE_AUDIENCE: "ileap",
      },
    });
    try {
      const res = await bad.token("service@example.com", CLERK_TEST_PASSWORD);
      assert.equal(res.status, 500);
      assert.equal((res.json as OAuthError).error, "server_error");
      assert.match(
        (res.json as OAuthError).error_description,
        /"missing" does not exist.*ILEAP_CLERK_JWT_TEMPLATE/,
      );
    } finally {
      await bad.close();
    }
  });
});

describe("Clerk provider, clerk mode: key sources and azp", () => {
  it("CLERK_JWT_KEY: verifies with the PEM key without fetching the JWKS", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const h = await startClerkHost({
      emulator,
      clock,
      env: { ILEAP_CLERK_TOKEN_MODE: "clerk", CLERK_JWT_KEY: emulator.control.publicKeyPem() },
    });
    try {
      const token = await h.accessToken("service@example.com");
      assert.equal((await h.get("/2/footprints", token)).status, 200);
      assert.equal(emulator.control.stats().calls["GET /.well-known/jwks.json"] ?? 0, 0);
      const other = await generateKeyPair("RS256");
      const forged = await new SignJWT(decodeJwt(token))
        .setProtectedHeader({ alg: "RS256", kid: "x" })
        .sign(other.privateKey);
      await assertInvalid(h, forged, "forged under PEM");
    } finally {
      await h.close();
      await emulator.close();
    }
  });

  it("JWKS unreachable → 503 with Retry-After, for a token request and for a bearer token; never accepted without a key", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const h = await startClerkHost({ emulator, clock, env: { ILEAP_CLERK_TOKEN_MODE: "clerk" } });
    try {
      emulator.control.injectFault({ kind: "status", status: 503, path: "/.well-known/jwks.json" });
      const res = await h.token("service@example.com", CLERK_TEST_PASSWORD);
      assert.equal(res.status, 503);
      assert.equal((res.json as OAuthError).error, "temporarily_unavailable");
      const direct = await emulator.control.signJwt({
        iss: emulator.url,
        sub: USERS.service,
        sid: "sess_1",
        iat: Math.floor(clock.now() / 1000),
        exp: Math.floor(clock.now() / 1000) + 60,
      });
      // The token may well be good: the client is told to retry it, not to discard it.
      for (const path of [
        "/2/footprints",
        "/2/ileap/tad",
        "/2/footprints/3893bb5d-da16-4dc1-9185-11d97476c254",
      ]) {
        const outage = await h.get(path, direct);
        assert.equal(outage.status, 503, `${path}: ${outage.text}`);
        assert.equal((outage.json as { code: string }).code, "InternalError");
        assert.match(String(outage.headers["retry-after"]), /^\d+$/);
      }
      // A token that cannot be valid is still refused as invalid without any key.
      await assertInvalid(h, "not-a-jwt", "garbage during the outage");
      emulator.control.clearFaults();
      assert.equal((await h.get("/2/footprints", direct)).status, 200);
    } finally {
      await h.close();
      await emulator.close();
    }
  });

  it("ILEAP_CLERK_AUTHORIZED_PARTIES: refuses tokens whose azp is not listed", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock, { authorizedParty: "https://app.example.com" });
    const h = await startClerkHost({
      emulator,
      clock,
      env: { ILEAP_CLERK_TOKEN_MODE: "clerk", ILEAP_CLERK_AUTHORIZED_PARTIES: "https://app.example.com" },
    });
    const strict = await startClerkHost({
      emulator,
      clock,
      env: { ILEAP_CLERK_TOKEN_MODE: "clerk", ILEAP_CLERK_AUTHORIZED_PARTIES: "https://other.example.com" },
    });
    try {
      const token = await h.accessToken("service@example.com");
      assert.equal(decodeJwt(token).azp, "https://app.example.com");
      assert.equal((await h.get("/2/footprints", token)).status, 200);
      await assertInvalid(strict, token, "azp not allowed");
      const res = await strict.token("member@example.com", CLERK_TEST_PASSWORD);
      assert.equal(res.status, 500);
      assert.match((res.json as OAuthError).error_description, /ILEAP_CLERK_AUTHORIZED_PARTIES/);
    } finally {
      await h.close();
      await strict.close();
      await emulator.close();
    }
  });
});
