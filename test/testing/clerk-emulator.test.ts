import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from "jose";
import {
  type ClerkEmulatorOptions,
  type ClerkErrorsJSON,
  createClerkEmulator,
  DEMO_CLERK_PASSWORD,
  type RunningClerkEmulator,
  type SessionEnvelopeJSON,
  type SignInEnvelopeJSON,
  startClerkEmulator,
  type TokenJSON,
} from "../../src/testing/clerk-emulator/index.ts";

const ORG = { id: "org_2testAcme0000000000000000000", slug: "acme", name: "Acme" };
const OTHER_ORG = { id: "org_2testOther000000000000000000", slug: "other", name: "Other" };
const PASSWORD = "correct horse battery staple";
const ADMIN_ID = "user_2testAdmin00000000000000000";

/** A controllable clock (ms). */
function makeClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function baseOptions(clock: { now: () => number }): ClerkEmulatorOptions {
  return {
    now: clock.now,
    signInRateLimit: false,
    organizations: [ORG, OTHER_ORG],
    users: [
      {
        id: ADMIN_ID,
        email: "admin@example.com",
        username: "admin",
        password: PASSWORD,
        memberships: [
          {
            organizationId: ORG.id,
            role: "org:admin",
            permissions: ["org:invoices:read", "org:invoices:manage"],
          },
        ],
      },
      { email: "member@example.com", password: PASSWORD, memberships: [{ organizationId: ORG.id }] },
      { email: "mfa@example.com", password: PASSWORD, mfa: true },
      { email: "trust@example.com", password: PASSWORD, needsClientTrust: true },
      { email: "reset@example.com", password: PASSWORD, needsNewPassword: true },
    ],
    jwtTemplates: {
      long: {
        lifetimeSeconds: 3600,
        claims: { email: "{{user.primary_email_address}}", org: "{{org.slug}}" },
      },
    },
  };
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };

async function signIn(
  base: string,
  identifier: string,
  password: string,
  extra: { headers?: Record<string, string>; strategy?: string } = {},
): Promise<Response> {
  const body = new URLSearchParams({ strategy: extra.strategy ?? "password", identifier, password });
  return fetch(`${base}/v1/client/sign_ins?_is_native=1`, {
    method: "POST",
    headers: { ...FORM, ...extra.headers },
    body,
  });
}

interface Flow {
  readonly clientToken: string;
  readonly sessionId: string;
  readonly body: SignInEnvelopeJSON;
}

async function signedIn(base: string, identifier = "admin@example.com"): Promise<Flow> {
  const res = await signIn(base, identifier, PASSWORD);
  assert.equal(res.status, 200);
  const body = (await res.json()) as SignInEnvelopeJSON;
  const clientToken = res.headers.get("authorization");
  assert.ok(clientToken);
  assert.ok(body.response.created_session_id);
  return { clientToken, sessionId: body.response.created_session_id, body };
}

function post(
  base: string,
  path: string,
  clientToken: string | null,
  form: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}${path}${path.includes("?") ? "&" : "?"}_is_native=1`, {
    method: "POST",
    headers: { ...FORM, ...(clientToken === null ? {} : { authorization: clientToken }) },
    body: new URLSearchParams(form),
  });
}

async function clerkError(res: Response, status: number, code: string): Promise<ClerkErrorsJSON> {
  assert.equal(res.status, status);
  const body = (await res.json()) as ClerkErrorsJSON;
  assert.equal(body.errors[0]?.code, code);
  assert.equal(typeof body.errors[0]?.message, "string");
  assert.equal(typeof body.errors[0]?.long_message, "string");
  assert.equal(typeof body.clerk_trace_id, "string");
  assert.ok(body.clerk_trace_id.length > 0);
  return body;
}

describe("clerk emulator: sign-in, sessions, tokens", () => {
  const clock = makeClock();
  let emu: RunningClerkEmulator;
  let verify: (jwt: string) => Promise<JWTPayload>;

  before(async () => {
    emu = await startClerkEmulator(baseOptions(clock));
    const jwks = createRemoteJWKSet(new URL(`${emu.url}/.well-known/jwks.json`));
    verify = async (jwt) =>
      (
        await jwtVerify(jwt, jwks, {
          issuer: emu.url,
          algorithms: ["RS256"],
          currentDate: new Date(clock.now()),
        })
      ).payload;
  });
  after(() => emu.close());
  beforeEach(() => emu.control.reset());

  it("signs in with a form body: status complete, session in client, Authorization header", async () => {
    const res = await signIn(emu.url, "admin@example.com", PASSWORD);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const clientToken = res.headers.get("authorization");
    assert.ok(clientToken && clientToken.length > 20);
    const { response, client } = (await res.json()) as SignInEnvelopeJSON;
    assert.equal(response.object, "sign_in_attempt");
    assert.match(response.id, /^sia_/);
    assert.equal(response.status, "complete");
    assert.equal(response.identifier, "admin@example.com");
    assert.match(response.created_session_id ?? "", /^sess_/);
    assert.equal(client.object, "client");
    assert.match(client.id, /^client_/);
    assert.equal(client.last_active_session_id, response.created_session_id);
    assert.equal(client.sign_in, null);
    const session = client.sessions.find((s) => s.id === response.created_session_id);
    assert.ok(session);
    assert.equal(session.object, "session");
    assert.equal(session.status, "active");
    assert.equal(session.user.id, ADMIN_ID);
    assert.equal(session.last_active_organization_id, null);
    assert.equal(session.last_active_token?.object, "token");
    assert.equal(session.user.organization_memberships[0]?.role, "org:admin");
    assert.equal(session.user.organization_memberships[0]?.organization.id, ORG.id);
  });

  it("accepts a username identifier and a JSON body", async () => {
    const res = await fetch(`${emu.url}/v1/client/sign_ins?_is_native=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ strategy: "password", identifier: "ADMIN", password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as SignInEnvelopeJSON).response.status, "complete");
  });

  it("issues a v2 session token that verifies against the JWKS", async () => {
    const { body, sessionId } = await signedIn(emu.url);
    const jwt = body.client.sessions[0]?.last_active_token?.jwt ?? "";
    const header = decodeProtectedHeader(jwt);
    assert.equal(header.alg, "RS256");
    assert.equal(header.kid, emu.control.currentKid);
    const claims = await verify(jwt);
    assert.equal(claims.iss, emu.url);
    assert.equal(claims.sub, ADMIN_ID);
    assert.equal(claims.sid, sessionId);
    assert.equal(claims.v, 2);
    assert.equal(claims.sts, "active");
    assert.equal(claims.azp, emu.url);
    assert.equal(claims.iat, Math.floor(clock.now() / 1000));
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 60);
    assert.ok((claims.nbf ?? Number.POSITIVE_INFINITY) <= (claims.iat ?? 0));
    assert.deepEqual(claims.fva, [0, -1]);
    assert.equal(claims.o, undefined);
  });

  it("uses the request Origin as azp, like Clerk", async () => {
    const res = await signIn(emu.url, "admin@example.com", PASSWORD, {
      headers: { origin: "https://app.example" },
    });
    const body = (await res.json()) as SignInEnvelopeJSON;
    const claims = await verify(body.client.sessions[0]?.last_active_token?.jwt ?? "");
    assert.equal(claims.azp, "https://app.example");
  });

  it("touch with active_organization_id puts the org claims in the new token", async () => {
    const flow = await signedIn(emu.url);
    const res = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/touch`, flow.clientToken, {
      active_organization_id: ORG.id,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("authorization"), flow.clientToken);
    const { response, client } = (await res.json()) as SessionEnvelopeJSON;
    assert.equal(response.object, "session");
    assert.equal(response.id, flow.sessionId);
    assert.equal(response.last_active_organization_id, ORG.id);
    assert.equal(client.sessions[0]?.last_active_organization_id, ORG.id);
    const claims = await verify(response.last_active_token?.jwt ?? "");
    assert.deepEqual(claims.o, { id: ORG.id, rol: "admin", slg: "acme", per: "read,manage", fpm: "3" });
    assert.equal(claims.fea, "o:invoices");

    // Later session tokens keep the active organization; an empty value returns to the personal account.
    const tok = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken);
    assert.equal(((await verify(((await tok.json()) as TokenJSON).jwt)).o as { id: string }).id, ORG.id);
    const personal = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/touch`, flow.clientToken, {
      active_organization_id: "",
    });
    const personalBody = (await personal.json()) as SessionEnvelopeJSON;
    assert.equal(personalBody.response.last_active_organization_id, null);
    assert.equal((await verify(personalBody.response.last_active_token?.jwt ?? "")).o, undefined);
  });

  it("touch accepts an organization slug; a member gets rol member", async () => {
    const flow = await signedIn(emu.url, "member@example.com");
    const res = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/touch`, flow.clientToken, {
      active_organization_id: "acme",
    });
    const { response } = (await res.json()) as SessionEnvelopeJSON;
    assert.deepEqual((await verify(response.last_active_token?.jwt ?? "")).o, {
      id: ORG.id,
      rol: "member",
      slg: "acme",
    });
  });

  it("touch with an organization the user is not a member of answers 404 resource_not_found", async () => {
    const flow = await signedIn(emu.url);
    for (const org of [OTHER_ORG.id, "org_doesNotExist"]) {
      const res = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/touch`, flow.clientToken, {
        active_organization_id: org,
      });
      const body = await clerkError(res, 404, "resource_not_found");
      assert.equal(body.errors[0]?.meta.param_name, "active_organization_id");
    }
  });

  it("session tokens last 60 s and expire on the injected clock", async () => {
    const flow = await signedIn(emu.url);
    const res = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken);
    assert.equal(res.status, 200);
    const token = (await res.json()) as TokenJSON;
    assert.equal(token.object, "token");
    const claims = await verify(token.jwt);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 60);
    clock.advance(61_000);
    await assert.rejects(verify(token.jwt), { code: "ERR_JWT_EXPIRED" });
    // A fresh token after the clock moved is valid again.
    const again = (await (
      await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken)
    ).json()) as TokenJSON;
    assert.equal((await verify(again.jwt)).sid, flow.sessionId);
  });

  it("tokens with organization_id scopes one token without changing the session", async () => {
    const flow = await signedIn(emu.url);
    const res = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken, {
      organization_id: ORG.id,
    });
    const claims = await verify(((await res.json()) as TokenJSON).jwt);
    assert.equal((claims.o as { id: string }).id, ORG.id);
    const bad = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken, {
      organization_id: OTHER_ORG.id,
    });
    await clerkError(bad, 404, "resource_not_found");
  });

  it("template tokens use the template lifetime and claims; unknown templates are 404", async () => {
    const flow = await signedIn(emu.url);
    await post(emu.url, `/v1/client/sessions/${flow.sessionId}/touch`, flow.clientToken, {
      active_organization_id: ORG.id,
    });
    const res = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens/long`, flow.clientToken);
    assert.equal(res.status, 200);
    const token = (await res.json()) as TokenJSON;
    assert.equal(token.object, "token");
    const claims = await verify(token.jwt);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
    assert.equal(claims.sub, ADMIN_ID);
    assert.equal(claims.email, "admin@example.com");
    assert.equal(claims.org, "acme");
    assert.equal(typeof claims.jti, "string");
    clock.advance(3000_000);
    assert.equal((await verify(token.jwt)).sub, ADMIN_ID);
    const missing = await post(
      emu.url,
      `/v1/client/sessions/${flow.sessionId}/tokens/nope`,
      flow.clientToken,
    );
    await clerkError(missing, 404, "resource_not_found");
  });

  it("requires the client token verbatim on touch and tokens (401 signed_out)", async () => {
    const flow = await signedIn(emu.url);
    const path = `/v1/client/sessions/${flow.sessionId}/touch`;
    await clerkError(await post(emu.url, path, null), 401, "signed_out");
    await clerkError(await post(emu.url, path, `${flow.clientToken}x`), 401, "signed_out");
    await clerkError(await post(emu.url, path, `Bearer ${flow.clientToken}`), 401, "signed_out");
    await clerkError(
      await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, null),
      401,
      "signed_out",
    );
    // Without ?_is_native=1 a development instance has no way to find the client.
    const noNative = await fetch(`${emu.url}${path}`, {
      method: "POST",
      headers: { authorization: flow.clientToken },
    });
    await clerkError(noNative, 401, "dev_browser_unauthenticated");
    // Another client's session is not found.
    const other = await signedIn(emu.url);
    await clerkError(await post(emu.url, path, other.clientToken), 404, "resource_not_found");
  });

  it("reports needs_second_factor, needs_client_trust and needs_new_password without a session", async () => {
    const cases = [
      ["mfa@example.com", "needs_second_factor"],
      ["trust@example.com", "needs_client_trust"],
      ["reset@example.com", "needs_new_password"],
    ] as const;
    for (const [identifier, status] of cases) {
      const res = await signIn(emu.url, identifier, PASSWORD);
      assert.equal(res.status, 200);
      const { response, client } = (await res.json()) as SignInEnvelopeJSON;
      assert.equal(response.status, status);
      assert.equal(response.created_session_id, null);
      assert.deepEqual(client.sessions, []);
      assert.equal(client.sign_in?.status, status);
    }
  });

  it("rejects bad credentials and strategies with Clerk's 422 codes", async () => {
    const wrong = await clerkError(
      await signIn(emu.url, "admin@example.com", "nope"),
      422,
      "form_password_incorrect",
    );
    assert.equal(wrong.errors[0]?.meta.param_name, "password");
    await clerkError(await signIn(emu.url, "ghost@example.com", PASSWORD), 422, "form_identifier_not_found");
    await clerkError(
      await signIn(emu.url, "admin@example.com", PASSWORD, { strategy: "email_code" }),
      422,
      "strategy_for_user_invalid",
    );
    await clerkError(await signIn(emu.url, "admin@example.com", ""), 422, "form_param_missing");
    assert.deepEqual(emu.control.stats().signIns, { attempts: 4, complete: 0, incomplete: 0, rejected: 4 });
  });

  it("GET /v1/client returns the client for its token, nulls without one", async () => {
    const flow = await signedIn(emu.url);
    const get = (headers: Record<string, string>): Promise<Response> =>
      fetch(`${emu.url}/v1/client?_is_native=1`, { headers });
    const known = (await (await get({ authorization: flow.clientToken })).json()) as {
      response: { id: string };
    };
    assert.equal(known.response.id, flow.body.client.id);
    assert.deepEqual(await (await get({})).json(), { response: null, client: null });
  });

  it("creates an incomplete attempt without a strategy and refuses unparsable JSON", async () => {
    const res = await fetch(`${emu.url}/v1/client/sign_ins?_is_native=1`, {
      method: "POST",
      headers: FORM,
      body: new URLSearchParams({ identifier: "admin@example.com" }),
    });
    assert.equal(((await res.json()) as SignInEnvelopeJSON).response.status, "needs_first_factor");
    const bad = await fetch(`${emu.url}/v1/client/sign_ins?_is_native=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    await clerkError(bad, 400, "malformed_request");
  });

  it("serves the JWKS at both paths", async () => {
    for (const path of ["/.well-known/jwks.json", "/v1/jwks"]) {
      const res = await fetch(`${emu.url}${path}`);
      assert.equal(res.status, 200);
      const jwks = (await res.json()) as { keys: Record<string, string>[] };
      assert.equal(jwks.keys[0]?.kid, emu.control.currentKid);
      assert.equal(jwks.keys[0]?.alg, "RS256");
      assert.equal(jwks.keys[0]?.kty, "RSA");
      assert.equal(jwks.keys[0]?.use, "sig");
      assert.equal(jwks.keys[0]?.d, undefined);
    }
  });
});

describe("clerk emulator: token version 1", () => {
  it("emits org_id, org_role and org_slug instead of o", async () => {
    const clock = makeClock();
    const emu = await startClerkEmulator({ ...baseOptions(clock), tokenVersion: 1 });
    try {
      const flow = await signedIn(emu.url);
      const res = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/touch`, flow.clientToken, {
        active_organization_id: ORG.id,
      });
      const { response } = (await res.json()) as SessionEnvelopeJSON;
      const { payload } = await jwtVerify(
        response.last_active_token?.jwt ?? "",
        createLocalJWKSet(emu.control.jwks()),
        {
          issuer: emu.url,
          currentDate: new Date(clock.now()),
        },
      );
      assert.equal(payload.org_id, ORG.id);
      assert.equal(payload.org_role, "org:admin");
      assert.equal(payload.org_slug, "acme");
      assert.deepEqual(payload.org_permissions, ["org:invoices:read", "org:invoices:manage"]);
      assert.equal(payload.v, undefined);
      assert.equal(payload.o, undefined);
    } finally {
      await emu.close();
    }
  });
});

describe("clerk emulator: lockout and rate limit", () => {
  it("locks the account after N wrong passwords (403 user_locked) until the lock expires", async () => {
    const clock = makeClock();
    const emu = await startClerkEmulator({
      ...baseOptions(clock),
      lockoutThreshold: 3,
      lockoutDurationSeconds: 600,
    });
    try {
      await clerkError(await signIn(emu.url, "admin@example.com", "bad1"), 422, "form_password_incorrect");
      await clerkError(await signIn(emu.url, "admin@example.com", "bad2"), 422, "form_password_incorrect");
      const locked = await clerkError(await signIn(emu.url, "admin@example.com", "bad3"), 403, "user_locked");
      assert.equal(locked.errors[0]?.meta.lockout_expires_in_seconds, 600);
      assert.match(locked.errors[0]?.long_message ?? "", /10 minutes/);
      // Even the right password is refused while locked.
      clock.advance(300_000);
      const still = await clerkError(
        await signIn(emu.url, "admin@example.com", PASSWORD),
        403,
        "user_locked",
      );
      assert.equal(still.errors[0]?.meta.lockout_expires_in_seconds, 300);
      clock.advance(300_000);
      assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 200);
      // reset() clears lockouts.
      for (let i = 0; i < 3; i++) await signIn(emu.url, "admin@example.com", "bad");
      assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 403);
      emu.control.reset();
      assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 200);
    } finally {
      await emu.close();
    }
  });

  it("limits sign-ins per IP: 429 too_many_requests with Retry-After", async () => {
    const clock = makeClock();
    const emu = await startClerkEmulator({
      ...baseOptions(clock),
      signInRateLimit: { max: 2, windowSeconds: 10 },
    });
    try {
      assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 200);
      clock.advance(4000);
      assert.equal((await signIn(emu.url, "admin@example.com", "wrong")).status, 422);
      const limited = await signIn(emu.url, "admin@example.com", PASSWORD);
      await clerkError(limited, 429, "too_many_requests");
      assert.equal(limited.headers.get("retry-after"), "6");
      clock.advance(6000);
      assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 200);
      emu.control.reset();
      assert.equal(emu.control.signInCount, 0);
    } finally {
      await emu.close();
    }
  });

  it("uses the default limit of 5 per 10 s and keys it by the configured IP header", async () => {
    const clock = makeClock();
    const { signInRateLimit: _, ...options } = baseOptions(clock);
    const emu = await startClerkEmulator({ ...options, clientIpHeader: "x-forwarded-for" });
    try {
      assert.equal(
        Buffer.from(emu.publishableKey.replace("pk_test_", ""), "base64").toString(),
        `127.0.0.1:${emu.port}$`,
      );
      const from = (ip: string): Promise<Response> =>
        signIn(emu.url, "admin@example.com", PASSWORD, { headers: { "x-forwarded-for": ip } });
      for (let i = 0; i < 5; i++) assert.equal((await from("10.0.0.1")).status, 200);
      assert.equal((await from("10.0.0.1")).status, 429);
      assert.equal((await from("10.0.0.2, 10.9.9.9")).status, 200);
    } finally {
      await emu.close();
    }
  });
});

describe("clerk emulator: faults, keys, stats", () => {
  const clock = makeClock();
  let emu: RunningClerkEmulator;

  before(async () => {
    emu = await startClerkEmulator(baseOptions(clock));
  });
  after(() => emu.close());
  beforeEach(() => emu.control.reset());

  it("injects a 5xx with a Clerk envelope, limited to N occurrences", async () => {
    emu.control.injectFault({ kind: "status", status: 503, times: 2, retryAfterSeconds: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await signIn(emu.url, "admin@example.com", PASSWORD);
      await clerkError(res, 503, "internal_clerk_error");
      assert.equal(res.headers.get("retry-after"), "2");
    }
    assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 200);
    assert.deepEqual(emu.control.faults(), []);
    assert.equal(emu.control.stats().faultsApplied, 2);
  });

  it("scopes a fault to a path template", async () => {
    const flow = await signedIn(emu.url);
    emu.control.injectFault({ kind: "status", status: 500, path: "/v1/client/sessions/{session_id}/touch" });
    assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 200);
    const touched = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/touch`, flow.clientToken);
    await clerkError(touched, 500, "internal_clerk_error");
    assert.equal(
      (await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken)).status,
      200,
    );
  });

  it("adds latency", async () => {
    emu.control.injectFault({ kind: "latency", latencyMs: 150, times: 1 });
    const started = performance.now();
    assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 200);
    assert.ok(performance.now() - started >= 140);
  });

  it("answers malformed JSON", async () => {
    emu.control.injectFault({ kind: "malformed_json", times: 1 });
    const res = await signIn(emu.url, "admin@example.com", PASSWORD);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /json/);
    await assert.rejects(res.json(), SyntaxError);
  });

  it("resets the connection", async () => {
    emu.control.injectFault({ kind: "reset", times: 1 });
    await assert.rejects(signIn(emu.url, "admin@example.com", PASSWORD), TypeError);
    assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 200);
  });

  it("hangs until the client gives up", async () => {
    emu.control.injectFault({ kind: "hang", path: "/v1/client/sign_ins", times: 1 });
    const body = new URLSearchParams({
      strategy: "password",
      identifier: "admin@example.com",
      password: PASSWORD,
    });
    await assert.rejects(
      fetch(`${emu.url}/v1/client/sign_ins?_is_native=1`, {
        method: "POST",
        headers: FORM,
        body,
        signal: AbortSignal.timeout(150),
      }),
      (e: Error) => e.name === "TimeoutError" || e.name === "AbortError",
    );
    for (let i = 0; i < 50 && emu.control.hangingRequests > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(emu.control.hangingRequests, 0);
    assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 200);
  });

  it("drives faults, stats and reset over the /__emulator HTTP endpoints", async () => {
    const created = await fetch(`${emu.url}/__emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "status", status: 502, path: "/v1/client/sign_ins", times: 1 }),
    });
    assert.equal(created.status, 201);
    const fault = (await created.json()) as { id: string; remaining: number };
    assert.equal(fault.remaining, 1);
    assert.equal((await signIn(emu.url, "admin@example.com", PASSWORD)).status, 502);
    const bad = await fetch(`${emu.url}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "boom" }),
    });
    assert.equal(bad.status, 400);

    await fetch(`${emu.url}/.well-known/jwks.json`);
    const stats = (await (await fetch(`${emu.url}/__emulator/stats`)).json()) as {
      calls: Record<string, number>;
      signIns: { attempts: number };
    };
    assert.equal(stats.calls["POST /v1/client/sign_ins"], 1);
    assert.equal(stats.calls["GET /.well-known/jwks.json"], 1);
    assert.equal(stats.signIns.attempts, 1);

    const reset = await fetch(`${emu.url}/__emulator/reset`, { method: "POST" });
    assert.equal(reset.status, 200);
    assert.equal(emu.control.signInCount, 0);
  });

  it("counts calls per endpoint", async () => {
    const flow = await signedIn(emu.url);
    await post(emu.url, `/v1/client/sessions/${flow.sessionId}/touch`, flow.clientToken, {
      active_organization_id: ORG.id,
    });
    await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken);
    await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken);
    await signIn(emu.url, "mfa@example.com", PASSWORD);
    assert.equal(emu.control.signInCount, 2);
    assert.deepEqual(emu.control.stats(), {
      calls: {
        "POST /v1/client/sign_ins": 2,
        "POST /v1/client/sessions/{session_id}/touch": 1,
        "POST /v1/client/sessions/{session_id}/tokens": 2,
      },
      signIns: { attempts: 2, complete: 1, incomplete: 1, rejected: 0 },
      faultsApplied: 0,
      sessionsEnded: 0,
      apiVersions: { none: 5 },
    });
  });

  it("rotates keys, keeping or dropping the old one", async () => {
    const flow = await signedIn(emu.url);
    const oldJwt = flow.body.client.sessions[0]?.last_active_token?.jwt ?? "";
    const oldKid = emu.control.currentKid;
    const fetchJwks = async (): Promise<ReturnType<typeof createLocalJWKSet>> =>
      createLocalJWKSet((await (await fetch(`${emu.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
    const check = async (jwt: string): Promise<JWTPayload> =>
      (await jwtVerify(jwt, await fetchJwks(), { issuer: emu.url, currentDate: new Date(clock.now()) }))
        .payload;

    const newKid = emu.control.rotateKeys();
    assert.notEqual(newKid, oldKid);
    assert.deepEqual(
      emu.control.jwks().keys.map((k) => k.kid),
      [newKid, oldKid],
    );
    const fresh = (await (
      await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken)
    ).json()) as TokenJSON;
    assert.equal(decodeProtectedHeader(fresh.jwt).kid, newKid);
    assert.equal((await check(oldJwt)).sid, flow.sessionId);
    assert.equal((await check(fresh.jwt)).sid, flow.sessionId);

    emu.control.rotateKeys({ keepPrevious: false });
    await assert.rejects(check(oldJwt), { code: "ERR_JWKS_NO_MATCHING_KEY" });
    // The client token still works after rotation (it is compared verbatim).
    assert.equal(
      (await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken)).status,
      200,
    );
  });
});

describe("clerk emulator: in-process and defaults", () => {
  it("works through app.request with the request origin as issuer", async () => {
    const { app, control } = createClerkEmulator({ signInRateLimit: false });
    const res = await app.request("http://clerk.test/v1/client/sign_ins?_is_native=1", {
      method: "POST",
      headers: FORM,
      body: new URLSearchParams({
        strategy: "password",
        identifier: "service@example.com",
        password: DEMO_CLERK_PASSWORD,
      }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as SignInEnvelopeJSON;
    const { payload } = await jwtVerify(
      body.client.sessions[0]?.last_active_token?.jwt ?? "",
      createLocalJWKSet(control.jwks()),
      {
        issuer: "http://clerk.test",
      },
    );
    assert.equal(payload.sub, body.client.sessions[0]?.user.id);
    assert.equal(control.signInCount, 1);
    const notFound = await app.request("http://clerk.test/v1/nothing");
    assert.equal(notFound.status, 404);
  });

  it("ships demo users: MFA and client trust accounts", async () => {
    const { app } = createClerkEmulator({ signInRateLimit: false });
    const statusOf = async (identifier: string): Promise<string> => {
      const res = await app.request("http://clerk.test/v1/client/sign_ins?_is_native=1", {
        method: "POST",
        headers: FORM,
        body: new URLSearchParams({ strategy: "password", identifier, password: DEMO_CLERK_PASSWORD }),
      });
      return ((await res.json()) as SignInEnvelopeJSON).response.status;
    };
    assert.equal(await statusOf("service@example.com"), "complete");
    assert.equal(await statusOf("mfa@example.com"), "needs_second_factor");
    assert.equal(await statusOf("trust@example.com"), "needs_client_trust");
  });

  it("rejects an inconsistent configuration", () => {
    assert.throws(
      () =>
        createClerkEmulator({
          users: [{ email: "a@example.com", password: "x", memberships: [{ organizationId: "org_x" }] }],
        }),
      /unknown organization/,
    );
    assert.throws(() => createClerkEmulator({ users: [{ password: "x" }] }), /email or a username/);
  });
});

describe("clerk emulator: what the adapter must distrust", () => {
  const clock = makeClock();
  let emu: RunningClerkEmulator;
  before(async () => {
    emu = await startClerkEmulator({
      ...baseOptions(clock),
      users: [
        ...(baseOptions(clock).users ?? []),
        { email: "banned@example.com", password: PASSWORD, banned: true },
      ],
    });
  });
  after(() => emu.close());
  beforeEach(() => emu.control.reset());

  it("any signed-in user creates an organization and becomes its org:admin", async () => {
    const flow = await signedIn(emu.url, "member@example.com");
    const created = await post(emu.url, "/v1/organizations", flow.clientToken, { name: "Evil Corp" });
    assert.equal(created.status, 200);
    const org = ((await created.json()) as { response: { id: string; slug: string } }).response;
    assert.match(org.id, /^org_/);
    assert.equal(org.slug, "evil-corp");
    const touched = await post(emu.url, `/v1/client/sessions/${flow.sessionId}/touch`, flow.clientToken, {
      active_organization_id: org.id,
    });
    assert.equal(touched.status, 200);
    const session = ((await touched.json()) as SessionEnvelopeJSON).response;
    const claims = JSON.parse(
      Buffer.from((session.last_active_token?.jwt ?? "").split(".")[1] ?? "", "base64url").toString(),
    ) as { o: { id: string; rol: string } };
    assert.deepEqual({ id: claims.o.id, rol: claims.o.rol }, { id: org.id, rol: "admin" });
    // Without a session: 401 signed_out.
    await clerkError(await post(emu.url, "/v1/organizations", null, { name: "x" }), 401, "signed_out");
    // The control surface does the same.
    const id = emu.control.createOrganization(ADMIN_ID, "Side Project");
    assert.match(id, /^org_/);
  });

  it("token headers carry Clerk's category: session, template and machine (M2M) tokens", async () => {
    const flow = await signedIn(emu.url);
    const session = flow.body.client.sessions[0]?.last_active_token?.jwt ?? "";
    assert.equal(decodeProtectedHeader(session).cat, "cl_B7d4PD111AAA");
    const template = (await (
      await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens/long`, flow.clientToken)
    ).json()) as TokenJSON;
    assert.equal(decodeProtectedHeader(template.jwt).cat, "cl_B7d4PD222AAA");
    const machine = await emu.control.machineToken();
    assert.equal(decodeProtectedHeader(machine).cat, "cl_B7d4PD333AAA");
    const payload = JSON.parse(Buffer.from(machine.split(".")[1] ?? "", "base64url").toString()) as {
      sub: string;
      iss: string;
    };
    assert.match(payload.sub, /^mch_/);
    assert.equal(payload.iss, emu.url);
    const verified = await jwtVerify(machine, createLocalJWKSet(emu.control.jwks()), {
      currentDate: new Date(clock.now()),
    });
    assert.equal(verified.payload.sub, payload.sub, "signed by the instance key like any token");
  });

  it("a banned user gets 403 not_allowed_access whatever the password; Bot protection asks for a captcha", async () => {
    await clerkError(await signIn(emu.url, "banned@example.com", PASSWORD), 403, "not_allowed_access");
    await clerkError(await signIn(emu.url, "banned@example.com", "wrong"), 403, "not_allowed_access");
    const bot = await startClerkEmulator({ ...baseOptions(clock), botProtection: true });
    try {
      await clerkError(await signIn(bot.url, "admin@example.com", PASSWORD), 401, "requires_captcha");
    } finally {
      await bot.close();
    }
  });

  it("ends sessions (sign-out) and records __clerk_api_version", async () => {
    const flow = await signedIn(emu.url);
    assert.equal(emu.control.activeSessions >= 1, true);
    const before = emu.control.activeSessions;
    const ended = await post(
      emu.url,
      `/v1/client/sessions/${flow.sessionId}/end?__clerk_api_version=2025-11-10`,
      flow.clientToken,
    );
    assert.equal(ended.status, 200);
    assert.equal(((await ended.json()) as SessionEnvelopeJSON).response.status, "ended");
    assert.equal(emu.control.activeSessions, before - 1);
    assert.equal(emu.control.stats().sessionsEnded, 1);
    await clerkError(
      await post(emu.url, `/v1/client/sessions/${flow.sessionId}/tokens`, flow.clientToken),
      401,
      "signed_out",
    );
    const versions = emu.control.stats().apiVersions;
    assert.equal(versions["2025-11-10"], 1);
    assert.ok((versions.none ?? 0) >= 1);
  });

  it("locks after 10 failures that never decay (hours apart), until the lock expires", async () => {
    for (let i = 0; i < 9; i++) {
      await clerkError(
        await signIn(emu.url, "member@example.com", `bad-${i}`),
        422,
        "form_password_incorrect",
      );
      clock.advance(6 * 3600_000);
    }
    await clerkError(await signIn(emu.url, "member@example.com", "bad-9"), 403, "user_locked");
    await clerkError(await signIn(emu.url, "member@example.com", PASSWORD), 403, "user_locked");
  });
});
