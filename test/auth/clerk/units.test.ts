import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mapSignInFailure } from "../../../src/auth/clerk/error-mapping.ts";
import { FapiClient, type FapiError, parseRetryAfter } from "../../../src/auth/clerk/fapi-client.ts";
import { ClerkLockout } from "../../../src/auth/clerk/lockout.ts";
import { MemoryClerkState } from "../../../src/auth/clerk/shared-state.ts";
import { signInWithPassword } from "../../../src/auth/clerk/sign-in.ts";
import { SingleFlight, TokenCache } from "../../../src/auth/clerk/token-cache.ts";
import { CredentialHasher } from "../../../src/auth/credential-hasher.ts";

interface Call {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fake FAPI: answers in order, records calls. */
function fakeFetch(answers: Array<(call: Call, signal: AbortSignal) => Response | Promise<Response>>): {
  fetch: typeof fetch;
  calls: Call[];
} {
  const calls: Call[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const call = { url: String(input), headers, body: String(init?.body ?? "") };
    calls.push(call);
    const answer = answers.shift();
    if (!answer) throw new Error("unexpected call");
    return answer(call, init?.signal as AbortSignal);
  };
  return { fetch: impl as typeof fetch, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const session = (id: string, userId: string, extra: Record<string, unknown> = {}) => ({
  object: "session",
  id,
  status: "active",
  last_active_token: { object: "token", jwt: `jwt-of-${id}` },
  last_active_organization_id: null,
  user: { id: userId, organization_memberships: [] },
  ...extra,
});

describe("FAPI client and sign-in flow", () => {
  it("takes the session named by created_session_id, not sessions[0], and sends the client token back verbatim", async () => {
    const clientToken = "eyJ.client.token";
    const { fetch, calls } = fakeFetch([
      () =>
        json(
          {
            response: {
              object: "sign_in_attempt",
              id: "sia_1",
              status: "complete",
              created_session_id: "sess_new",
            },
            client: { sessions: [session("sess_old", "user_old"), session("sess_new", "user_new")] },
          },
          200,
          { authorization: clientToken },
        ),
      () =>
        json({
          response: session("sess_new", "user_new", {
            last_active_organization_id: "org_1",
            user: {
              id: "user_new",
              organization_memberships: [{ role: "org:admin", organization: { id: "org_1" } }],
            },
          }),
          client: { sessions: [] },
        }),
      () => json({ object: "token", jwt: "template-jwt" }),
    ]);
    const fapi = new FapiClient({ baseUrl: "https://clerk.example.com/", fetch });
    const result = await signInWithPassword(fapi, {
      identifier: "a@example.com",
      password: "p+ss word&=",
      organization: { id: "org_1", source: "default" },
      template: "long",
    });
    assert.equal(result.ok, true);
    assert.deepEqual(result.ok && result.identity, {
      userId: "user_new",
      sessionId: "sess_new",
      organizationId: "org_1",
      organizationRole: "org:admin",
      sessionJwt: "jwt-of-sess_new",
      templateJwt: "template-jwt",
      clientToken,
      identifiers: [],
    });
    assert.equal(
      calls[0]?.url,
      "https://clerk.example.com/v1/client/sign_ins?_is_native=1&__clerk_api_version=2025-11-10",
    );
    assert.equal(calls[0]?.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(calls[0]?.headers.authorization, undefined);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(calls[0]?.body)), {
      strategy: "password",
      identifier: "a@example.com",
      password: "p+ss word&=",
    });
    assert.equal(
      calls[1]?.url,
      "https://clerk.example.com/v1/client/sessions/sess_new/touch?_is_native=1&__clerk_api_version=2025-11-10",
    );
    assert.equal(calls[1]?.headers.authorization, clientToken);
    assert.equal(calls[1]?.body, "active_organization_id=org_1");
    assert.equal(
      calls[2]?.url,
      "https://clerk.example.com/v1/client/sessions/sess_new/tokens/long?_is_native=1&__clerk_api_version=2025-11-10",
    );
    assert.equal(calls[2]?.headers.authorization, clientToken);
  });

  it("fails when the created session is missing, when status is not complete, and when touch does not activate", async () => {
    const envelope = (status: string, created: string | null) => ({
      response: { status, created_session_id: created },
      client: { sessions: [session("sess_other", "u")] },
    });
    let r = await signInWithPassword(
      new FapiClient({
        baseUrl: "https://c",
        fetch: fakeFetch([() => json(envelope("complete", "sess_x"))]).fetch,
      }),
      {
        identifier: "a",
        password: "b",
      },
    );
    assert.equal(!r.ok && r.failure.stage, "session");
    r = await signInWithPassword(
      new FapiClient({
        baseUrl: "https://c",
        fetch: fakeFetch([() => json(envelope("needs_second_factor", null))]).fetch,
      }),
      {
        identifier: "a",
        password: "b",
      },
    );
    assert.deepEqual(!r.ok && r.failure, { stage: "status", status: "needs_second_factor" });
    const { fetch } = fakeFetch([
      () => json(envelope("complete", "sess_other"), 200, { authorization: "ct" }),
      () => json({ response: session("sess_other", "u") }),
    ]);
    r = await signInWithPassword(new FapiClient({ baseUrl: "https://c", fetch }), {
      identifier: "a",
      password: "b",
      organization: { id: "org_9", source: "request" },
    });
    assert.deepEqual(!r.ok && r.failure, {
      stage: "organization",
      organizationId: "org_9",
      source: "request",
      error: undefined,
    });
  });

  it("returns typed errors: Clerk envelope with trace id and Retry-After, non-JSON, wrong shape, timeout, network", async () => {
    const signIn = (answer: (c: Call, s: AbortSignal) => Response | Promise<Response>, timeoutMs = 1000) =>
      new FapiClient({ baseUrl: "https://c", fetch: fakeFetch([answer]).fetch, timeoutMs }).signIn("a", "b");
    let r = await signIn(() =>
      json(
        {
          errors: [{ code: "too_many_requests", message: "m", long_message: "lm", meta: {} }],
          clerk_trace_id: "trace-1",
        },
        429,
        {
          "retry-after": "7",
        },
      ),
    );
    assert.deepEqual(!r.ok && r.error, {
      kind: "clerk",
      status: 429,
      errors: [{ code: "too_many_requests", message: "m", longMessage: "lm", meta: {} }],
      traceId: "trace-1",
      retryAfterSeconds: 7,
    });
    r = await signIn(() => new Response("<html>bad gateway</html>", { status: 502 }));
    assert.equal(!r.ok && r.error.kind, "malformed");
    r = await signIn(
      () => new Response('{"response":{', { status: 200, headers: { "content-type": "application/json" } }),
    );
    assert.equal(!r.ok && r.error.kind, "malformed");
    r = await signIn(() => json({ hello: "world" }));
    assert.equal(!r.ok && r.error.kind, "malformed");
    r = await signIn(() => new Response(null, { status: 307, headers: { location: "https://elsewhere" } }));
    assert.equal(!r.ok && r.error.kind, "malformed");
    const started = Date.now();
    // AbortSignal.timeout's timer does not keep the process alive; a real server does.
    const keepAlive = setTimeout(() => undefined, 5000);
    r = await signIn(
      (_c, signal) =>
        new Promise<Response>((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
        ),
      50,
    );
    assert.deepEqual(!r.ok && r.error, { kind: "timeout", timeoutMs: 50 });
    clearTimeout(keepAlive);
    assert.ok(Date.now() - started < 1000);
    r = await signIn(() => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
      });
    });
    assert.deepEqual(!r.ok && r.error, { kind: "network", detail: "ECONNREFUSED" });
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    assert.equal(parseRetryAfter("12"), 12);
    assert.equal(parseRetryAfter("0"), 1);
    assert.equal(
      parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1)),
      30,
    );
    assert.equal(parseRetryAfter("soon"), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });
});

describe("error mapping", () => {
  const clerk = (
    status: number,
    code: string,
    extra: Partial<FapiError & { kind: "clerk" }> = {},
  ): FapiError => ({
    kind: "clerk",
    status,
    errors: [
      { code, message: code, meta: code === "user_locked" ? { lockout_expires_in_seconds: 1800 } : {} },
    ],
    traceId: "t",
    retryAfterSeconds: undefined,
    ...extra,
  });
  const signIn = (error: FapiError) =>
    mapSignInFailure({ stage: "sign_in", error }, { retryAfterSeconds: 5 });

  it("maps credentials, lockout, rate limits and outages", () => {
    for (const code of ["form_password_incorrect", "form_identifier_not_found"]) {
      const m = signIn(clerk(422, code));
      assert.deepEqual(m.failure, {
        status: 400,
        error: "invalid_client",
        description: "Client authentication failed",
      });
      assert.equal(m.credentialFailure, true);
      assert.equal(m.logFields.clerkTraceId, "t");
    }
    const locked = signIn(clerk(403, "user_locked"));
    assert.equal(locked.failure.status, 400);
    assert.equal(locked.failure.error, "invalid_client");
    assert.equal(
      locked.failure.description,
      "Client authentication failed",
      "no hint that the account exists",
    );
    const limited = signIn(clerk(429, "too_many_requests", { retryAfterSeconds: 8 }));
    assert.deepEqual(
      {
        s: limited.failure.status,
        e: limited.failure.error,
        r: limited.failure.retryAfterSeconds,
        c: limited.credentialFailure,
      },
      { s: 429, e: "temporarily_unavailable", r: 8, c: false },
    );
    for (const error of [
      clerk(503, "internal_clerk_error"),
      { kind: "timeout", timeoutMs: 5 } as const,
      { kind: "network", detail: "ECONNRESET" } as const,
      {
        kind: "malformed",
        status: 200,
        detail: "x",
        traceId: undefined,
        retryAfterSeconds: undefined,
      } as const,
    ]) {
      const m = signIn(error);
      assert.equal(m.failure.status, 503, error.kind);
      assert.equal(m.failure.error, "temporarily_unavailable");
      assert.equal(m.failure.retryAfterSeconds, 5);
      assert.equal(m.credentialFailure, false);
    }
    assert.equal(signIn(clerk(503, "x", { retryAfterSeconds: 30 })).failure.retryAfterSeconds, 30);
    const devBrowser = signIn(clerk(401, "dev_browser_unauthenticated"));
    assert.equal(devBrowser.failure.status, 500);
    assert.match(devBrowser.failure.description, /Native API/);
  });

  it("tells the operator what to change for incomplete sign-ins, organizations and templates", () => {
    const status = (s: string) => mapSignInFailure({ stage: "status", status: s }).failure;
    assert.match(status("needs_second_factor").description, /MFA off/);
    assert.match(status("needs_client_trust").description, /Client Trust/);
    assert.match(status("needs_first_factor").description, /password sign-in/);
    assert.match(status("needs_new_password").description, /new password/);
    assert.match(status("something_new").description, /something_new/);
    for (const s of ["needs_second_factor", "needs_client_trust"]) assert.equal(status(s).status, 400);

    const org = (source: "request" | "default", error?: FapiError) =>
      mapSignInFailure({ stage: "organization", organizationId: "org_x", source, error }).failure;
    assert.equal(org("request", clerk(404, "resource_not_found")).error, "invalid_request");
    assert.match(org("request", clerk(404, "resource_not_found")).description, /organization "org_x"/);
    assert.equal(org("default").error, "invalid_client");
    assert.match(org("default").description, /ILEAP_CLERK_ORGANIZATION_ID/);
    assert.equal(org("default", { kind: "timeout", timeoutMs: 1 }).status, 503);

    const template = (error: FapiError) =>
      mapSignInFailure({ stage: "template", template: "long", error }).failure;
    assert.equal(template(clerk(404, "resource_not_found")).status, 500);
    assert.match(template(clerk(404, "resource_not_found")).description, /ILEAP_CLERK_JWT_TEMPLATE/);
    assert.equal(template(clerk(500, "x")).status, 503);
    assert.equal(
      mapSignInFailure({ stage: "session", detail: "x", sessionStatus: "pending" }).failure.error,
      "invalid_request",
    );
  });
});

describe("lockout guard (hard cap, no decay)", () => {
  it("refuses after max consecutive failures, counting attempts in flight, and never decays", async () => {
    const t = new ClerkLockout(new MemoryClerkState(), 3);
    const tickets = [];
    for (let i = 0; i < 3; i++) {
      const d = await t.acquire("Bob@Example.com", `wrong-${i}`);
      assert.equal(d.allowed, true);
      if (d.allowed) tickets.push(d.ticket);
    }
    assert.equal((await t.acquire("bob@example.com", "other")).allowed, false, "in-flight attempts count");
    for (const ticket of tickets) await ticket.failure();
    assert.equal(await t.failures(" BOB@example.com "), 3);
    // No window: it stays capped (the clock plays no part).
    assert.equal((await t.acquire("bob@example.com", "right")).allowed, false);
    assert.equal(await t.unlock("bob@example.com"), true);
    const d = await t.acquire("bob@example.com", "right");
    assert.ok(d.allowed);
    await d.ticket.success("user_bob", ["bob@example.com", "bob"]);
    assert.equal(await t.failures("bob@example.com"), 0);
  });

  it("shares one count across the identifiers of a user once known, and lets the known-good credential through", async () => {
    const t = new ClerkLockout(new MemoryClerkState(), 2);
    const first = await t.acquire("svc@example.com", "good");
    assert.ok(first.allowed);
    await first.ticket.success("user_svc", ["svc@example.com", "svc", "+15550100"]);
    for (const id of ["svc@example.com", "SVC"]) {
      const d = await t.acquire(id, `bad-${id}`);
      assert.ok(d.allowed);
      await d.ticket.failure();
    }
    assert.equal(await t.failures("+15550100"), 2, "the phone number shares the user's count");
    assert.equal((await t.acquire("+15550100", "bad")).allowed, false);
    const good = await t.acquire("svc", "good");
    assert.ok(good.allowed && good.knownGood);
    // A known-good credential that now fails (password changed) is forgotten.
    if (good.allowed) await good.ticket.failure();
    assert.equal((await t.acquire("svc", "good")).allowed, false);
    assert.equal(await t.unlock("user_svc"), true);
  });

  it("settles a ticket once; release takes the reserved failure back", async () => {
    const t = new ClerkLockout(new MemoryClerkState(), 1);
    const d = await t.acquire("x", "k");
    assert.ok(d.allowed);
    await d.ticket.release();
    await d.ticket.failure();
    assert.equal(await t.failures("x"), 0);
    assert.equal((await t.acquire("x", "k")).allowed, true);
  });
});

describe("token cache, single flight, credential hasher", () => {
  it("serves a token while min(minRemaining, lifetime/2) remains, with the remaining lifetime", () => {
    let now = 0;
    const cache = new TokenCache({ minRemainingSeconds: 300, now: () => now });
    cache.set("long", { accessToken: "L", issuedAt: 0, expiresAt: 3600_000 });
    cache.set("short", { accessToken: "S", issuedAt: 0, expiresAt: 60_000 });
    assert.deepEqual(cache.get("long"), { accessToken: "L", expiresInSeconds: 3600 });
    now = 29_000;
    assert.deepEqual(cache.get("short"), { accessToken: "S", expiresInSeconds: 31 });
    now = 31_000;
    assert.equal(cache.get("short"), undefined);
    now = 3300_000;
    assert.deepEqual(cache.get("long"), { accessToken: "L", expiresInSeconds: 300 });
    now = 3300_001;
    assert.equal(cache.get("long"), undefined);
  });

  it("is bounded (LRU) and can be turned off", () => {
    const cache = new TokenCache({ capacity: 2, now: () => 0 });
    const t = { accessToken: "x", issuedAt: 0, expiresAt: 3600_000 };
    cache.set("a", t);
    cache.set("b", t);
    cache.get("a");
    cache.set("c", t);
    assert.ok(cache.get("a"));
    assert.equal(cache.get("b"), undefined);
    assert.equal(cache.size, 2);
    const off = new TokenCache({ capacity: 0 });
    off.set("a", t);
    assert.equal(off.get("a"), undefined);
  });

  it("single flight: concurrent callers share one load; a synchronous throw is not stuck", async () => {
    const flight = new SingleFlight<number>();
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return 42;
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => flight.run("k", load)));
    assert.equal(loads, 1);
    assert.ok(results.every((r) => r === 42));
    await assert.rejects(
      flight.run("k", () => {
        throw new Error("boom");
      }),
    );
    assert.equal(flight.size, 0);
    assert.equal(await flight.run("k", async () => 7), 7);
  });

  it("fingerprints depend on a per-process key and never contain the secret", () => {
    const a = new CredentialHasher();
    const b = new CredentialHasher();
    assert.equal(a.fingerprint("id", "secret"), a.fingerprint("id", "secret"));
    assert.notEqual(a.fingerprint("id", "secret"), b.fingerprint("id", "secret"));
    assert.notEqual(a.fingerprint("ab", "c"), a.fingerprint("a", "bc"));
    assert.ok(!a.fingerprint("id", "secret").includes("secret"));
  });
});
