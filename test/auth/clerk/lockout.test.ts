/**
 * Issue 13, finding 3: the lockout protection is a hard cap below Clerk's (10 failures, no decay):
 * 5 consecutive failures per Clerk user (across its identifiers once known) refuse further
 * sign-ins until the known-good credential signs in or an operator unlocks — never decaying into
 * Clerk's lockout. Finding 4 (first half): the real client's known-good credential is served from
 * the cache or signs in while the identifier is capped.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  CLERK_TEST_PASSWORD,
  makeClock,
  type RunningClerkHost,
  startClerkHost,
  startTestEmulator,
} from "../../helpers/clerk.ts";

type OAuthError = { error: string; error_description: string };

describe("Clerk lockout: a cap, not a rate (finding 3)", () => {
  const clock = makeClock();
  let h: RunningClerkHost;
  before(async () => {
    // Clerk's real behaviour: 10 failures lock the account, and failures never decay.
    const emulator = await startTestEmulator(clock, { lockoutThreshold: 10, lockoutDurationSeconds: 3600 });
    h = await startClerkHost({ emulator, clock, env: { ILEAP_CLERK_CACHE_SIZE: "0" } });
  });
  after(async () => {
    await h.close();
    await h.emulator.close();
  });
  beforeEach(() => h.emulator.control.reset());

  it("an attacker spreading wrong passwords over hours and windows never locks the Clerk account", async () => {
    const answers: number[] = [];
    for (let window = 0; window < 4; window++) {
      for (let i = 0; i < 6; i++)
        answers.push((await h.token("service@example.com", `wrong-${window}-${i}`)).status);
      clock.advance(3 * 3600_000); // far beyond any window
    }
    assert.deepEqual(answers.slice(0, 6), [400, 400, 400, 400, 400, 429]);
    assert.ok(
      answers.slice(6).every((s) => s === 429),
      String(answers),
    );
    assert.equal(h.emulator.control.stats().signIns.rejected, 5, "Clerk saw 5 failures, never 10");
    // The right password of a client not yet known to work waits for the operator (no decay).
    const res = await h.token("service@example.com", CLERK_TEST_PASSWORD);
    assert.equal(res.status, 429);
    assert.match((res.json as OAuthError).error_description, /ileap clerk unlock/);
    assert.ok(Number(res.headers["retry-after"]) > 0);
    assert.equal(await h.provider.unlock("service@example.com"), true);
    assert.equal((await h.token("service@example.com", CLERK_TEST_PASSWORD)).status, 200);
    assert.ok(!h.logs.lines.some((l) => l.includes("user_locked")), "Clerk never locked the account");
  });

  it("the identifiers of one user share one count once the user is known (email, username)", async () => {
    assert.equal((await h.token("service", CLERK_TEST_PASSWORD)).status, 200); // learns service's identifiers
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      answers.push((await h.token("service@example.com", `bad-email-${i}`)).status);
      answers.push((await h.token("SERVICE", `bad-username-${i}`)).status);
    }
    assert.deepEqual(answers, [400, 400, 400, 400, 400, 429, 429, 429]);
    assert.equal(h.emulator.control.stats().signIns.rejected, 5);
    // The known-good credential still signs in (and clears the count), by either identifier.
    assert.equal((await h.token("service@example.com", CLERK_TEST_PASSWORD)).status, 200);
    assert.equal(await h.provider.failures("service"), 0);
  });
});

describe("Clerk lockout: the real client keeps working while its identifier is capped (finding 4, first half)", () => {
  it("served from the cache, and signing in with the known-good credential once the cache is stale", async () => {
    const clock = makeClock();
    const h = await startClerkHost({ clock });
    try {
      const token = await h.accessToken("member@example.com");
      for (let i = 0; i < 7; i++) await h.token("member@example.com", `guess-${i}`);
      assert.equal((await h.token("member@example.com", "guess-again")).status, 429);
      // Cached token for the real credential.
      const cached = await h.token("member@example.com", CLERK_TEST_PASSWORD);
      assert.equal(cached.status, 200);
      assert.equal((cached.json as { access_token: string }).access_token, token);
      // The cache no longer serves it: the known-good credential signs in despite the cap.
      clock.advance(3400_000);
      const fresh = await h.token("member@example.com", CLERK_TEST_PASSWORD);
      assert.equal(fresh.status, 200, fresh.text);
      assert.notEqual((fresh.json as { access_token: string }).access_token, token);
      assert.equal(await h.provider.failures("member@example.com"), 0, "the success cleared the count");
    } finally {
      await h.close();
    }
  });
});
