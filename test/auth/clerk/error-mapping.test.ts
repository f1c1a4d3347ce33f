/**
 * Issue 13, finding 6: Clerk's answers map to answers that tell an unauthenticated caller nothing
 * more than "wrong credentials": a banned user and a locked account answer exactly like a wrong
 * password (and count as failures), a captcha demand (Bot protection) is a retryable 503 with
 * guidance, and Clerk's own messages go to the log, never to the caller.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLERK_TEST_PASSWORD, makeClock, startClerkHost, startTestEmulator } from "../../helpers/clerk.ts";

type OAuthError = { error: string; error_description: string };

describe("Clerk error mapping (finding 6)", () => {
  it("a banned user answers like a wrong password, and its attempts count toward the cap", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock, {
      users: [
        { email: "banned@example.com", password: CLERK_TEST_PASSWORD, banned: true },
        { email: "ok@example.com", password: CLERK_TEST_PASSWORD },
      ],
    });
    const h = await startClerkHost({ emulator, clock });
    try {
      const wrong = await h.token("ok@example.com", "wrong password");
      const banned = await h.token("banned@example.com", CLERK_TEST_PASSWORD);
      assert.equal(banned.status, 400, banned.text);
      assert.deepEqual(banned.json, wrong.json);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await h.token("banned@example.com", CLERK_TEST_PASSWORD)).status);
      assert.deepEqual(statuses, [400, 400, 400, 400, 429]);
      assert.ok(
        h.logs.lines.some((l) => l.includes('"clerkCode":"not_allowed_access"')),
        "the operator sees why",
      );
    } finally {
      await h.close();
      await emulator.close();
    }
  });

  it("an account Clerk locked answers exactly like a wrong password (no hint that it exists)", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock, { lockoutThreshold: 2 });
    const h = await startClerkHost({ emulator, clock });
    try {
      // Locked in Clerk by failures elsewhere (e.g. the customer's own app).
      for (let i = 0; i < 2; i++) {
        await fetch(`${emulator.url}/v1/client/sign_ins?_is_native=1`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            strategy: "password",
            identifier: "member@example.com",
            password: "x",
          }),
        });
      }
      const locked = await h.token("member@example.com", CLERK_TEST_PASSWORD);
      const unknown = await h.token("nobody@example.com", CLERK_TEST_PASSWORD);
      assert.equal(locked.status, 400);
      assert.deepEqual(locked.json, unknown.json);
      assert.deepEqual(locked.json, {
        error: "invalid_client",
        error_description: "Client authentication failed",
      });
      assert.ok(
        h.logs.lines.some(
          (l) => l.includes('"clerkCode":"user_locked"') && l.includes("lockoutExpiresInSeconds"),
        ),
      );
    } finally {
      await h.close();
      await emulator.close();
    }
  });

  it("Bot protection (requires_captcha) is a 503 with guidance, not a failure of the credentials", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock, { botProtection: true });
    const h = await startClerkHost({ emulator, clock, env: { ILEAP_CLERK_RETRY_AFTER_SECONDS: "7" } });
    try {
      for (let i = 0; i < 6; i++) {
        const res = await h.token("service@example.com", CLERK_TEST_PASSWORD);
        assert.equal(res.status, 503, res.text);
        assert.equal((res.json as OAuthError).error, "temporarily_unavailable");
        assert.match((res.json as OAuthError).error_description, /Bot protection/);
        assert.ok(Number(res.headers["retry-after"]) >= 1);
        clock.advance(10_000);
      }
      assert.equal(h.provider.stats().throttled, 0, "not counted as failed sign-ins");
      assert.equal(await h.provider.failures("service@example.com"), 0);
    } finally {
      await h.close();
      await emulator.close();
    }
  });

  it("Clerk's own error text never reaches the caller; it is logged", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const h = await startClerkHost({ emulator, clock });
    try {
      emulator.control.injectFault({ kind: "status", status: 400, path: "/v1/client/sign_ins" });
      const res = await h.token("service@example.com", CLERK_TEST_PASSWORD);
      assert.equal(res.status, 500);
      assert.doesNotMatch(res.text, /Injected fault|emulator_fault/);
      assert.ok(h.logs.lines.some((l) => l.includes('"clerkMessage":"Injected fault: HTTP 400."')));
    } finally {
      await h.close();
      await emulator.close();
    }
  });
});
