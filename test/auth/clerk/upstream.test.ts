/**
 * Issue 13, findings 5 and 7: Clerk's own limits and sessions. The host pins
 * `__clerk_api_version`, ends the Clerk sessions it no longer needs (after an issue-mode sign-in,
 * after a failed organization activation, when a reused session is retired), keeps to a sign-in
 * budget below Clerk's published limit (5 sign-ins per 10 s per IP), honours Clerk's `Retry-After`
 * for every caller (a circuit), and caches failures briefly.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ACME,
  CLERK_TEST_PASSWORD,
  GLOBEX,
  makeClock,
  startClerkHost,
  startTestEmulator,
} from "../../helpers/clerk.ts";

describe("Clerk sessions and API version (finding 7)", () => {
  it("issue mode signs the Clerk session out after minting, and pins __clerk_api_version on every call", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const h = await startClerkHost({ emulator, clock, env: { ILEAP_CLERK_ORGANIZATION_ID: ACME.id } });
    try {
      assert.equal((await h.token("service@example.com", CLERK_TEST_PASSWORD)).status, 200);
      const stats = emulator.control.stats();
      assert.equal(stats.sessionsEnded, 1);
      assert.equal(emulator.control.activeSessions, 0, "no session left behind in Clerk");
      assert.deepEqual(stats.apiVersions, { "2025-11-10": 3 }, "sign-in, touch, end: all pinned");
      assert.equal(h.provider.stats().signOuts, 1);
    } finally {
      await h.close();
      await emulator.close();
    }
  });

  it("clerk mode ends a reused session when it is retired", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const h = await startClerkHost({
      emulator,
      clock,
      env: { ILEAP_CLERK_TOKEN_MODE: "clerk", ILEAP_CLERK_SESSION_REUSE_SECONDS: "60" },
    });
    try {
      await h.accessToken("loner@example.com");
      assert.equal(emulator.control.activeSessions, 1, "kept for refreshes");
      clock.advance(61_000);
      await h.accessToken("loner@example.com");
      assert.equal(emulator.control.stats().sessionsEnded, 1);
      assert.equal(emulator.control.activeSessions, 1, "only the new session is left");
    } finally {
      await h.close();
      await emulator.close();
    }
  });
});

describe("Clerk upstream budget (finding 5)", () => {
  it("a failed organization activation leaves no dangling session", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const h = await startClerkHost({ emulator, clock, env: { ILEAP_CLERK_ORGANIZATIONS: GLOBEX.id } });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await h.token("member@example.com", CLERK_TEST_PASSWORD, { organization_id: GLOBEX.id });
        assert.equal(res.status, 400, res.text);
        clock.advance(10_000);
      }
      assert.equal(emulator.control.activeSessions, 0);
      assert.equal(emulator.control.stats().sessionsEnded, 3);
    } finally {
      await h.close();
      await emulator.close();
    }
  });
});

describe("Clerk upstream budget, circuit and outage memory (finding 5)", () => {
  it("30 distinct unknown identifiers cannot spend Clerk's per-IP limit; a known-good credential keeps a slot", async () => {
    const clock = makeClock();
    // Clerk's published limit: 5 sign-ins per 10 s per IP address.
    const emulator = await startTestEmulator(clock, { signInRateLimit: { max: 5, windowSeconds: 10 } });
    const h = await startClerkHost({
      emulator,
      clock,
      env: { ILEAP_CLERK_SIGN_IN_BUDGET: "5/10", ILEAP_CLERK_CACHE_SIZE: "0" },
    });
    try {
      assert.equal((await h.token("service@example.com", CLERK_TEST_PASSWORD)).status, 200);
      clock.advance(10_000);
      emulator.control.reset();
      const flood = await Promise.all(
        Array.from({ length: 30 }, (_, i) => h.token(`nobody-${i}@example.com`, "guess")),
      );
      const statuses = flood.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 400).length, 4, String(statuses));
      assert.equal(statuses.filter((s) => s === 429).length, 26);
      for (const r of flood.filter((x) => x.status === 429)) assert.ok(Number(r.headers["retry-after"]) >= 1);
      assert.equal(emulator.control.signInCount, 4, "the host stayed under Clerk's limit");
      // The slot kept for known-good credentials: the real client still signs in.
      const real = await h.token("service@example.com", CLERK_TEST_PASSWORD);
      assert.equal(real.status, 200, real.text);
      assert.equal(emulator.control.stats().signIns.rejected, 4, "Clerk never answered 429");
      clock.advance(10_000);
      assert.equal((await h.token("nobody-x@example.com", "guess")).status, 400, "the budget refills");
    } finally {
      await h.close();
      await emulator.close();
    }
  });

  it("Clerk's 429 Retry-After holds every caller's sign-ins (no call to Clerk) until it has passed", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const h = await startClerkHost({ emulator, clock });
    try {
      emulator.control.injectFault({
        kind: "status",
        status: 429,
        retryAfterSeconds: 30,
        path: "/v1/client/sign_ins",
      });
      const first = await h.token("service@example.com", CLERK_TEST_PASSWORD);
      assert.equal(first.status, 429);
      assert.equal(first.headers["retry-after"], "30");
      clock.advance(10_000);
      for (const user of ["member@example.com", "loner@example.com", "outsider@example.com"]) {
        const res = await h.token(user, CLERK_TEST_PASSWORD);
        assert.equal(res.status, 429);
        assert.equal(res.headers["retry-after"], "20");
      }
      assert.equal(emulator.control.signInCount, 1, "nobody called Clerk while its Retry-After ran");
      emulator.control.clearFaults();
      clock.advance(20_000);
      assert.equal((await h.token("member@example.com", CLERK_TEST_PASSWORD)).status, 200);
    } finally {
      await h.close();
      await emulator.close();
    }
  });

  it("during a Clerk outage, repeated and concurrent requests of a credential call Clerk once per Retry-After", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const h = await startClerkHost({ emulator, clock, env: { ILEAP_CLERK_RETRY_AFTER_SECONDS: "5" } });
    try {
      emulator.control.injectFault({ kind: "status", status: 500 });
      for (let wave = 0; wave < 5; wave++) {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => h.token("service@example.com", CLERK_TEST_PASSWORD)),
        );
        assert.ok(results.every((r) => r.status === 503 && Number(r.headers["retry-after"]) >= 1));
        clock.advance(1000);
      }
      assert.equal(emulator.control.signInCount, 1, "100 requests within the Retry-After: one sign-in");
      clock.advance(5000);
      await h.token("service@example.com", CLERK_TEST_PASSWORD);
      assert.equal(emulator.control.signInCount, 2);
      emulator.control.clearFaults();
      clock.advance(5000);
      assert.equal((await h.token("service@example.com", CLERK_TEST_PASSWORD)).status, 200);
    } finally {
      await h.close();
      await emulator.close();
    }
  });
});
