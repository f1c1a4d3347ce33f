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
