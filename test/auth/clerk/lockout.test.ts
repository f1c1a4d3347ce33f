/**
 * Issue 13, finding 3: the lockout protection is a hard cap below Clerk's (10 failures, no decay):
 * 5 consecutive failures per Clerk user (across its identifiers once known) refuse further
 * sign-ins until the known-good credential signs in or an operator unlocks — never decaying into
 * Clerk's lockout. Finding 4 (first half): the real client's known-good credential is served from
 * the cache or signs in while the identifier is capped.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { SqlClerkState } from "../../../src/auth/clerk/sql-state.ts";
import { clerkUnlockCommand } from "../../../src/cli/commands/clerk.ts";
import { PostgresStore } from "../../../src/store/postgres/postgres-store.ts";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.ts";
import {
  CLERK_TEST_PASSWORD,
  makeClock,
  type RunningClerkHost,
  startClerkHost,
  startTestEmulator,
  USERS,
} from "../../helpers/clerk.ts";
import { postgresSkipReason, startPostgres } from "../../helpers/postgres.ts";

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

/** Two replicas of the host sharing one Clerk state in the store's database (migrated by the store). */
async function replicas(
  kind: "sqlite" | "postgres",
  env: Record<string, string> = {},
): Promise<{ a: RunningClerkHost; b: RunningClerkHost; close(): Promise<void> }> {
  const clock = makeClock();
  const emulator = await startTestEmulator(clock);
  let url: string | undefined;
  let stopDb: () => Promise<void> = async () => undefined;
  const dir = mkdtempSync(join(tmpdir(), "ileap-clerk-state-"));
  if (kind === "postgres") {
    const cluster = await startPostgres({ database: "clerk_state" });
    url = cluster.connectionString;
    stopDb = () => cluster.stop();
    await (await PostgresStore.connect({ connectionString: url })).close();
  } else {
    await new SqliteStore({ file: join(dir, "ileap.sqlite") }).close();
  }
  const state = () =>
    new SqlClerkState(url ? { connectionString: url } : { sqliteFile: join(dir, "ileap.sqlite") }, clock.now);
  const a = await startClerkHost({ emulator, clock, env, state: state() });
  const b = await startClerkHost({ emulator, clock, env, state: state() });
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      await emulator.close();
      await stopDb();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" ? postgresSkipReason() : undefined;
  describe(`Clerk lockout shared by replicas (${kind}; findings 3 and 4)`, { skip: skip ?? false }, () => {
    it("one cap for all replicas; the real client signs in on a replica that never saw it, while capped", async () => {
      const r = await replicas(kind);
      try {
        // The real client signs in on replica A.
        assert.equal((await r.a.token("outsider@example.com", CLERK_TEST_PASSWORD)).status, 200);
        // An attacker spreads wrong passwords over both replicas: 5 reach Clerk, in total.
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) {
          statuses.push((await r.a.token("outsider@example.com", `a-${i}`)).status);
          statuses.push((await r.b.token("outsider@example.com", `b-${i}`)).status);
        }
        assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429, 429, 429, 429, 429]);
        assert.equal(r.a.emulator.control.stats().signIns.rejected, 5);
        // Replica B has no cached token for the real client: its known-good credential still signs in.
        const res = await r.b.token("outsider@example.com", CLERK_TEST_PASSWORD);
        assert.equal(res.status, 200, res.text);
        // The operator can unlock from any replica (what `ileap clerk unlock` does on the database).
        for (let i = 0; i < 5; i++) await r.a.token("outsider@example.com", `again-${i}`);
        assert.equal((await r.b.token("outsider@example.com", "x")).status, 429);
        assert.equal(await r.b.provider.unlock("outsider@example.com"), true);
        assert.equal(await r.a.provider.failures("outsider@example.com"), 0);
      } finally {
        await r.close();
      }
    });

    it("the sign-in budget is one for the cluster (finding 5)", async () => {
      const r = await replicas(kind, { ILEAP_CLERK_SIGN_IN_BUDGET: "5/10" });
      try {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 ? r.a : r.b).token(`nobody-${i}@example.com`, "guess")),
        );
        assert.equal(results.filter((x) => x.status === 400).length, 4, results.map((x) => x.status).join());
        assert.equal(r.a.emulator.control.signInCount, 4);
      } finally {
        await r.close();
      }
    });
  });
}

describe("ileap clerk unlock", () => {
  it("clears the cap in the store's database, for identifiers and user ids", async () => {
    const clock = makeClock();
    const dir = mkdtempSync(join(tmpdir(), "ileap-clerk-unlock-"));
    await new SqliteStore({ file: join(dir, "ileap.sqlite") }).close();
    const h = await startClerkHost({
      clock,
      state: new SqlClerkState({ sqliteFile: join(dir, "ileap.sqlite") }, clock.now),
    });
    try {
      for (let i = 0; i < 6; i++) await h.token("loner@example.com", `bad-${i}`);
      assert.equal((await h.token("loner@example.com", CLERK_TEST_PASSWORD)).status, 429);
      const lines = await clerkUnlockCommand(["Loner@Example.com", "user_nobody"], { dataDir: dir }, {});
      assert.deepEqual(lines, ["Loner@Example.com: unlocked", "user_nobody: was not locked"]);
      assert.equal((await h.token("loner@example.com", CLERK_TEST_PASSWORD)).status, 200);
      for (let i = 0; i < 6; i++) await h.token("loner@example.com", `bad-again-${i}`);
      assert.deepEqual(await clerkUnlockCommand([USERS.loner], { dataDir: dir }, {}), [
        `${USERS.loner}: unlocked`,
      ]);
      assert.equal(await h.provider.failures("loner@example.com"), 0);
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Clerk behind the token endpoint's failure limit (finding 4, second half)", () => {
  it("310 wrong passwords for the real client's id do not 429 the real client (clerk mode)", async () => {
    const clock = makeClock();
    const h = await startClerkHost({ clock, env: { ILEAP_CLERK_TOKEN_MODE: "clerk" } });
    try {
      const token = await h.accessToken("service@example.com");
      const attack = await Promise.all(
        Array.from({ length: 310 }, (_, i) => h.token("service@example.com", `guess-${i}`)),
      );
      assert.ok(attack.every((r) => r.status === 400 || r.status === 429));
      assert.ok(attack.filter((r) => r.status === 429).length >= 300, "the guessing is throttled");
      assert.equal(h.emulator.control.stats().signIns.rejected <= 5, true, "Clerk saw at most 5 failures");
      // The real client, from the same address and with the same client id, is never throttled.
      for (let i = 0; i < 5; i++) {
        const res = await h.token("service@example.com", CLERK_TEST_PASSWORD);
        assert.equal(res.status, 200, res.text);
        assert.equal((res.json as { access_token: string }).access_token, token);
      }
      // Once its cached token is stale, its known-good credential signs in again despite both limits.
      clock.advance(31_000);
      const fresh = await h.token("service@example.com", CLERK_TEST_PASSWORD);
      assert.equal(fresh.status, 200, fresh.text);
    } finally {
      await h.close();
    }
  });
});
