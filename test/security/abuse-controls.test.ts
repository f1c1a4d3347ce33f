/**
 * Abuse controls: token-endpoint limits on failed authentications per client id and address, and
 * on requests per source address (trusted proxies
 * honoured, untrusted `X-Forwarded-For` ignored), 429 with `Retry-After`; the token bucket itself;
 * constant-time client authentication; `X-Content-Type-Options: nosniff` on every answer and
 * `Cache-Control: no-store` on every token answer.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RateLimiter } from "../../src/http/rate-limit.ts";
import { startInProcessHost } from "../helpers/fuzz-targets.ts";
import { basic, getToken, send, type WireResponse } from "../helpers/http.ts";
import { startDemoServer } from "../helpers/servers.ts";

const FORM = "application/x-www-form-urlencoded";

function tokenRequest(baseUrl: string, id: string, secret: string, headers: Record<string, string> = {}) {
  return send(`${baseUrl}/auth/token`, {
    method: "POST",
    headers: { authorization: basic(id, secret), "content-type": FORM, ...headers },
    body: "grant_type=client_credentials",
  });
}

function assertRateLimited(res: WireResponse, label: string): void {
  assert.equal(res.status, 429, `${label}: ${res.status} ${res.text}`);
  assert.equal((res.json as { error: string }).error, "temporarily_unavailable", label);
  assert.match(String(res.headers["retry-after"]), /^[1-9]\d*$/, `${label}: Retry-After`);
  assert.equal(res.headers["cache-control"], "no-store", label);
}

describe("token bucket", () => {
  it("allows a burst of perMinute, then refills at perMinute per minute, with Retry-After", () => {
    let t = 0;
    const limiter = new RateLimiter({ perMinute: 6, now: () => t });
    for (let i = 0; i < 6; i++) assert.equal(limiter.take("a").allowed, true);
    const refused = limiter.take("a");
    assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 10 });
    assert.equal(limiter.take("b").allowed, true, "keys are independent");
    t += 9_999;
    assert.equal(limiter.take("a").allowed, false);
    t += 1;
    assert.equal(limiter.take("a").allowed, true, "one token after 10 s");
    t += 3_600_000;
    for (let i = 0; i < 6; i++) assert.equal(limiter.take("a").allowed, true, "never more than the burst");
    assert.equal(limiter.take("a").allowed, false);
  });

  it("refund gives back a token taken, never beyond the burst", () => {
    const t = 0;
    const limiter = new RateLimiter({ perMinute: 2, now: () => t });
    assert.equal(limiter.take("a").allowed, true);
    assert.equal(limiter.take("a").allowed, true);
    assert.equal(limiter.take("a").allowed, false);
    limiter.refund("a");
    assert.equal(limiter.take("a").allowed, true);
    for (let i = 0; i < 5; i++) limiter.refund("a");
    assert.equal(limiter.take("a").allowed, true);
    assert.equal(limiter.take("a").allowed, true);
    assert.equal(limiter.take("a").allowed, false, "refunds never exceed the burst");
  });

  it("is bounded in memory and off at 0", () => {
    const limiter = new RateLimiter({ perMinute: 1, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) limiter.take(`k${i}`);
    assert.equal(limiter.size, 100);
    const off = new RateLimiter({ perMinute: 0 });
    for (let i = 0; i < 1000; i++) assert.equal(off.take("x").allowed, true);
    assert.equal(off.size, 0);
  });
});

describe("token endpoint rate limits", () => {
  it("per client id and address: failed authentications only; 429 with Retry-After once spent; other clients unaffected", async () => {
    const server = await startDemoServer({
      env: { ILEAP_TOKEN_RATE_PER_CLIENT: "3", ILEAP_TOKEN_RATE_PER_ADDRESS: "1000" },
    });
    try {
      // A success and malformed requests are not failures: they spend nothing.
      assert.equal((await tokenRequest(server.baseUrl, "hello", "pathfinder")).status, 200);
      for (let i = 0; i < 5; i++)
        assert.equal(
          (await tokenRequest(server.baseUrl, "hello", "x", { "content-type": "text/plain" })).status,
          400,
        );
      // Wrong secrets spend the budget: that is what stops guessing.
      for (const secret of ["wrong-1", "wrong-2", "wrong-3"])
        assert.equal((await tokenRequest(server.baseUrl, "hello", secret)).status, 400);
      const limited = await tokenRequest(server.baseUrl, "hello", "wrong-4");
      assertRateLimited(limited, "4th failure for hello");
      assert.ok(Number(limited.headers["retry-after"]) <= 20, String(limited.headers["retry-after"]));
      assert.equal(
        (await tokenRequest(server.baseUrl, "hello", "pathfinder")).status,
        200,
        "credentials that authenticated before are not throttled",
      );
      assert.equal((await tokenRequest(server.baseUrl, "transport_service_user", "ileap")).status, 200);
      assert.ok(server.logs.lines.some((l) => l.includes('"status":429')));
    } finally {
      await server.close();
    }
  });

  it("per source address: 429 across client ids; X-Forwarded-For counts only from a trusted proxy", async () => {
    const direct = await startDemoServer({
      env: { ILEAP_TOKEN_RATE_PER_ADDRESS: "4", ILEAP_TOKEN_RATE_PER_CLIENT: "1000" },
    });
    try {
      const ids = ["hello", "transport_service_user", "transport_service_organizer", "nobody"];
      for (const [i, id] of ids.entries()) {
        // A spoofed X-Forwarded-For from an untrusted peer changes nothing.
        const res = await tokenRequest(direct.baseUrl, id, "x", { "x-forwarded-for": `198.51.100.${i}` });
        assert.notEqual(res.status, 429, id);
      }
      assertRateLimited(
        await tokenRequest(direct.baseUrl, "someone-else", "x"),
        "5th request from 127.0.0.1",
      );
      // Other routes are not limited.
      assert.equal((await send(`${direct.baseUrl}/health`)).status, 200);
    } finally {
      await direct.close();
    }

    const proxied = await startDemoServer({
      env: {
        ILEAP_TOKEN_RATE_PER_ADDRESS: "2",
        ILEAP_TOKEN_RATE_PER_CLIENT: "1000",
        ILEAP_TRUST_PROXY: "127.0.0.1",
      },
    });
    try {
      const from = (client: string, chain = client) =>
        tokenRequest(proxied.baseUrl, "nobody", "x", { "x-forwarded-for": chain });
      assert.equal((await from("203.0.113.1")).status, 400);
      assert.equal((await from("203.0.113.1")).status, 400);
      assertRateLimited(await from("203.0.113.1"), "third request of 203.0.113.1 behind the proxy");
      assert.equal(
        (await from("203.0.113.2")).status,
        400,
        "another client behind the proxy has its own budget",
      );
      // The client cannot escape by prepending addresses: the right-most untrusted entry counts.
      assertRateLimited(await from("x", "10.9.9.9, 203.0.113.1"), "spoofed left-most entry");
      assertRateLimited(await from("x", "203.0.113.1, 127.0.0.1"), "trusted hops are skipped");
    } finally {
      await proxied.close();
    }
  });
});

describe("constant-time client authentication", () => {
  it("an unknown client id takes as long as a wrong secret (a scrypt check vs a delay drawn from measured checks)", async () => {
    const host = await startInProcessHost();
    try {
      const time = async (id: string, secret: string) => {
        const started = performance.now();
        const res = await host.app.request("/auth/token", {
          method: "POST",
          headers: { authorization: basic(id, secret), "content-type": FORM },
          body: "grant_type=client_credentials",
        });
        assert.equal(res.status, 400);
        return performance.now() - started;
      };
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
      const unknown: number[] = [];
      const wrong: number[] = [];
      for (let i = 0; i < 9; i++) {
        unknown.push(await time(`no-such-client-${i}`, `guess-${i}`));
        wrong.push(await time("hello", `guess-${i}`));
      }
      const ratio = median(unknown) / median(wrong);
      assert.ok(
        ratio > 0.5 && ratio < 2,
        `unknown ${median(unknown).toFixed(1)} ms vs wrong secret ${median(wrong).toFixed(1)} ms`,
      );
      assert.ok(median(wrong) > 5, "the secret check is a deliberate key derivation, not a string compare");
    } finally {
      await host.close();
    }
  });
});

describe("security headers on every answer", () => {
  it("X-Content-Type-Options: nosniff everywhere (successes, errors, 404, 413, 414); no-store on every token answer", async () => {
    const server = await startDemoServer({ env: { ILEAP_TOKEN_RATE_PER_CLIENT: "1" } });
    try {
      const base = server.baseUrl;
      const token = await getToken(base, "hello", "pathfinder");
      const bearer = { authorization: `Bearer ${token}` };
      const answers: [string, WireResponse][] = [];
      const add = async (label: string, res: Promise<WireResponse>) => answers.push([label, await res]);
      for (const path of [
        "/health",
        "/ready",
        "/jwks",
        "/.well-known/openid-configuration",
        "/openapi.json",
        "/",
        "/nope",
        "/2/footprints/x/y",
      ])
        await add(`GET ${path}`, send(`${base}${path}`));
      for (const path of [
        "/2/footprints",
        "/2/footprints/00000000-0000-0000-0000-000000000000",
        "/2/ileap/tad",
        "/2/ileap/tad?colour=red",
        "/2/footprints?limit=0",
      ]) {
        await add(`GET ${path} (no token)`, send(`${base}${path}`));
        await add(`GET ${path}`, send(`${base}${path}`, { headers: bearer }));
      }
      await add("414", send(`${base}/2/footprints?$filter=${"a".repeat(9000)}`, { headers: bearer }));
      await add(
        "events 200",
        send(`${base}/2/events`, {
          method: "POST",
          headers: { ...bearer, "content-type": "application/json" },
          body: JSON.stringify({
            specversion: "1.0",
            id: "h-1",
            source: "https://x.example",
            type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
            data: { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] },
          }),
        }),
      );
      await add(
        "events 400",
        send(`${base}/2/events`, {
          method: "POST",
          headers: { ...bearer, "content-type": "application/json" },
          body: "{",
        }),
      );
      await add("DELETE 404", send(`${base}/2/footprints`, { method: "DELETE", headers: bearer }));
      const tokenAnswers: [string, WireResponse][] = [];
      for (const [label, headers, body] of [
        [
          "200",
          { authorization: basic("hello", "pathfinder"), "content-type": FORM },
          "grant_type=client_credentials",
        ],
        [
          "invalid_client",
          { authorization: basic("hello", "nope"), "content-type": FORM },
          "grant_type=client_credentials",
        ],
        [
          "unsupported_grant_type",
          { authorization: basic("hello", "pathfinder"), "content-type": FORM },
          "grant_type=password",
        ],
        ["invalid_request", { "content-type": "text/plain" }, "x"],
        [
          "429",
          { authorization: basic("hello", "nope-again"), "content-type": FORM },
          "grant_type=client_credentials",
        ],
      ] as const) {
        const res = await send(`${base}/auth/token`, { method: "POST", headers, body });
        tokenAnswers.push([`token ${label}`, res]);
      }
      assert.equal(tokenAnswers.at(-1)?.[1].status, 429);
      const big = await send(`${base}/auth/token`, {
        method: "POST",
        headers: { authorization: basic("hello", "pathfinder"), "content-type": FORM },
        body: `grant_type=client_credentials&x=${"a".repeat(1024 * 1024)}`,
      }).catch(() => undefined);
      if (big) answers.push(["413", big]);
      for (const [label, res] of [...answers, ...tokenAnswers]) {
        assert.equal(res.headers["x-content-type-options"], "nosniff", `${label} (${res.status})`);
        if (res.status >= 400) assert.match(String(res.headers["content-type"]), /^application\/json/, label);
      }
      for (const [label, res] of tokenAnswers) assert.equal(res.headers["cache-control"], "no-store", label);
      const statuses = new Set(answers.map(([, r]) => r.status));
      for (const s of [200, 400, 403, 404, 414]) assert.ok(statuses.has(s), `status ${s} covered`);
    } finally {
      await server.close();
    }
  });
});
