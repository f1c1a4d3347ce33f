/**
 * Issue 15, finding 2 (cheap token lockout): malformed token requests (`grant_type=nope`, repeated
 * parameters, garbled Basic) are refused before any per-client accounting; failed authentications
 * are counted per client id *and* source address (≤ 10 per minute, then 429 + `Retry-After`), so an
 * attacker cannot lock the real client out from another address; credentials that already
 * authenticated are never throttled. The same for the built-in issuer and the Clerk provider.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLERK_TEST_PASSWORD, startClerkHost } from "../helpers/clerk.ts";
import { basic, send, type WireResponse } from "../helpers/http.ts";
import { startDemoServer } from "../helpers/servers.ts";

const FORM = "application/x-www-form-urlencoded";

interface Attempt {
  readonly id: string;
  readonly secret: string;
  readonly body?: string;
  readonly from?: string;
  readonly authorization?: string;
}

function attempt(baseUrl: string, a: Attempt): Promise<WireResponse> {
  return send(`${baseUrl}/auth/token`, {
    method: "POST",
    headers: { authorization: a.authorization ?? basic(a.id, a.secret), "content-type": FORM },
    body: a.body ?? "grant_type=client_credentials",
    ...(a.from ? { localAddress: a.from } : {}),
  });
}

function oauthError(res: WireResponse): string | undefined {
  return (res.json as { error?: string } | undefined)?.error;
}

/**
 * The scenario, for any provider: `id`/`secret` are a real client's credentials. The Clerk provider
 * has a stricter per-identifier throttle of its own (to protect the Clerk account), so only the
 * bound (≤ 10) is asserted there.
 */
async function lockoutScenario(
  baseUrl: string,
  id: string,
  secret: string,
  /** Failures answered before the first 429, when the provider adds no stricter limit of its own. */
  exactFailures?: number,
): Promise<void> {
  // Finding 2 replayed: 305 requests with a bad grant type for the real client id, from 127.0.0.1.
  for (let i = 0; i < 305; i++) {
    const res = await attempt(baseUrl, { id, secret: `guess-${i}`, body: "grant_type=nope" });
    assert.equal(res.status, 400, `bad grant type #${i}: ${res.text}`);
    assert.equal(oauthError(res), "unsupported_grant_type");
  }
  // Repeated parameters, garbled Basic: invalid_request, not counted either.
  for (let i = 0; i < 20; i++) {
    const dup = await attempt(baseUrl, {
      id,
      secret: `guess-${i}`,
      body: "grant_type=client_credentials&grant_type=client_credentials",
    });
    assert.equal(dup.status, 400, dup.text);
    assert.equal(oauthError(dup), "invalid_request");
    assert.match((dup.json as { error_description: string }).error_description, /grant_type.*repeated/);
    const garbled = await attempt(baseUrl, { id, secret: "x", authorization: "Basic !!!" });
    assert.equal(oauthError(garbled), "invalid_request");
  }
  // The real client, from another address, is served at once.
  const real = await attempt(baseUrl, { id, secret, from: "127.0.0.2" });
  assert.equal(real.status, 200, `real client after the malformed flood: ${real.text}`);

  // Wrong secrets from 127.0.0.3: ten are answered invalid_client, then 429 with Retry-After.
  const statuses: number[] = [];
  let limited: WireResponse | undefined;
  for (let i = 0; i < 12; i++) {
    const res = await attempt(baseUrl, { id, secret: `wrong-${i}`, from: "127.0.0.3" });
    statuses.push(res.status);
    if (res.status === 429) limited ??= res;
  }
  const served = statuses.indexOf(429);
  assert.ok(served > 0 && served <= 10, `at most 10 failures per minute, then 429: ${statuses}`);
  assert.ok(
    statuses.every((s, i) => s === (i < served ? 400 : 429)),
    `400 until the limit, 429 after: ${statuses}`,
  );
  if (exactFailures !== undefined) {
    assert.equal(served, exactFailures);
    // One more failure is allowed every 60 / 10 = 6 s.
    assert.ok(Number(limited?.headers["retry-after"]) <= 6, `Retry-After ${limited?.headers["retry-after"]}`);
  }
  assert.ok(limited);
  assert.equal(oauthError(limited), "temporarily_unavailable");
  assert.match(String(limited.headers["retry-after"]), /^[1-9]\d*$/);
  assert.equal(limited.headers["cache-control"], "no-store");
  // The attacker's address stays limited…
  assert.equal((await attempt(baseUrl, { id, secret: "wrong-13", from: "127.0.0.3" })).status, 429);
  // …but credentials that already authenticated are never throttled by others' failures, from
  // any address, including the attacker's.
  assert.equal((await attempt(baseUrl, { id, secret, from: "127.0.0.3" })).status, 200);
  assert.equal((await attempt(baseUrl, { id, secret, from: "127.0.0.2" })).status, 200);
  assert.equal((await attempt(baseUrl, { id, secret })).status, 200);
}

describe("token endpoint: no cheap lockout (issue 15, finding 2)", () => {
  it("built-in issuer: malformed requests are not charged; failures count per client and address", async () => {
    const server = await startDemoServer({ env: { ILEAP_TOKEN_RATE_PER_ADDRESS: "100000" } });
    try {
      await lockoutScenario(server.baseUrl, "hello", "pathfinder", 10);
      // Another client id from the attacker's address has its own budget.
      assert.equal(
        (await attempt(server.baseUrl, { id: "transport_service_user", secret: "x", from: "127.0.0.3" }))
          .status,
        400,
      );
    } finally {
      await server.close();
    }
  });

  it("concurrent requests: identical credentials share one charge, distinct guesses cannot overshoot", async () => {
    const server = await startDemoServer({ env: { ILEAP_TOKEN_RATE_PER_ADDRESS: "100000" } });
    try {
      // 30 workers of one client start at once with a secret the host has not seen yet.
      const same = await Promise.all(
        Array.from({ length: 30 }, () =>
          attempt(server.baseUrl, { id: "transport_service_organizer", secret: "ileap", from: "127.0.0.4" }),
        ),
      );
      assert.deepEqual(
        same.map((r) => r.status),
        Array(30).fill(200),
      );
      // 30 different guesses at once: at most 10 are checked.
      const guesses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          attempt(server.baseUrl, { id: "transport_service_user", secret: `guess-${i}`, from: "127.0.0.5" }),
        ),
      );
      const counts = new Map<number, number>();
      for (const r of guesses) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      assert.equal(counts.get(400), 10, JSON.stringify([...counts]));
      assert.equal(counts.get(429), 20);
    } finally {
      await server.close();
    }
  });

  it("Clerk provider (through the AuthProvider seam): the same order and keys", async () => {
    const host = await startClerkHost();
    try {
      await lockoutScenario(host.baseUrl, "service@example.com", CLERK_TEST_PASSWORD);
    } finally {
      await host.close();
    }
  });
});
