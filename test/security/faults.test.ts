/**
 * Fault tests: the identity provider (Clerk emulator) down, slow, hanging or answering garbage
 * while other routes stay responsive and in-flight token requests stay bounded by the FAPI
 * timeout, then recovery without a restart; and slow clients (idle connections, headers or a body
 * trickled byte by byte) cut off by the header and request timeouts while normal requests keep
 * being served. (Per-fault status mapping is covered in test/auth/clerk/issue-mode.test.ts.)
 */
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import type { RunningClerkEmulator } from "../../src/testing/clerk-emulator/index.ts";
import {
  CLERK_TEST_PASSWORD,
  makeClock,
  type RunningClerkHost,
  startClerkHost,
  startTestEmulator,
} from "../helpers/clerk.ts";
import { getToken, getWithToken, send, type WireResponse } from "../helpers/http.ts";
import { type RunningDemoServer, startDemoServer } from "../helpers/servers.ts";

const CLERK_TIMEOUT_MS = 1500;

type OAuthError = { error: string; error_description: string };

/** Milliseconds `work` takes. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

function assertUnavailable(res: WireResponse, label: string): void {
  assert.ok(res.status === 503 || res.status === 429, `${label}: ${res.status} ${res.text}`);
  assert.equal((res.json as OAuthError).error, "temporarily_unavailable", label);
  assert.match(String(res.headers["retry-after"]), /^\d+$/, `${label}: Retry-After`);
}

/**
 * Other routes are served while calls to Clerk are outstanding: health, a listing with an
 * existing token, the JWKS. With `held`, each answer must arrive while the emulator still holds
 * the hanging calls — an order of events, not a wall-clock bound (timed assertions flake on a
 * busy machine).
 */
async function assertResponsive(
  h: RunningClerkHost,
  token: string,
  label: string,
  held = false,
): Promise<void> {
  for (const path of ["/health", "/2/footprints?limit=1", "/2/ileap/tad?limit=1", "/jwks"]) {
    const value = await h.get(path, token);
    assert.equal(value.status, 200, `${label}: ${path} ${value.text}`);
    if (held)
      assert.ok(h.emulator.control.hangingRequests > 0, `${label}: ${path} answered only after Clerk let go`);
  }
}

describe("identity provider outages (Clerk issue mode)", () => {
  let h: RunningClerkHost;
  let token: string;
  before(async () => {
    h = await startClerkHost({
      // No token cache: every token request below really asks Clerk.
      env: {
        ILEAP_CLERK_TIMEOUT_MS: String(CLERK_TIMEOUT_MS),
        ILEAP_CLERK_RETRY_AFTER_SECONDS: "2",
        ILEAP_CLERK_CACHE_SIZE: "0",
      },
    });
    token = await h.accessToken("service@example.com");
  });
  after(() => h.close());

  it("a hanging Clerk: 40 concurrent sign-ins end with 503 within the timeout, other routes stay fast, nothing stays in flight", async () => {
    h.emulator.control.injectFault({ kind: "hang" });
    const signIns = Array.from({ length: 40 }, (_, i) =>
      timed(() => h.token(`nobody-${i}@example.com`, CLERK_TEST_PASSWORD)),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(h.emulator.control.hangingRequests > 0, "the sign-ins are held by the emulator");
    await assertResponsive(h, token, "while Clerk hangs", true);
    // The emulator never answers a hanging call: that every sign-in ends at all is our timeout.
    const results = await Promise.all(signIns);
    for (const [i, r] of results.entries()) assertUnavailable(r.value, `sign-in ${i}`);
    // Our side gave up on every call: the emulator sees the connections go.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(h.emulator.control.hangingRequests, 0, "no call to Clerk is left in flight");
    assert.equal(h.provider.stats().throttled, 0, "outages do not count as failed sign-ins");
    h.emulator.control.clearFaults();
    assert.equal((await h.token("member@example.com", CLERK_TEST_PASSWORD)).status, 200, "recovered");
  });

  it("slow, failing and garbage-answering Clerk: bounded 503/429 while routes stay fast, then recovery", async () => {
    const faults = [
      {
        label: "slow beyond the timeout",
        spec: { kind: "latency" as const, latencyMs: CLERK_TIMEOUT_MS + 500 },
      },
      { label: "5xx", spec: { kind: "status" as const, status: 502 } },
      { label: "rate-limited", spec: { kind: "status" as const, status: 429, retryAfterSeconds: 9 } },
      { label: "truncated JSON", spec: { kind: "malformed_json" as const } },
      { label: "connection reset", spec: { kind: "reset" as const } },
    ];
    const users = ["loner@example.com", "outsider@example.com", "member@example.com"];
    let recovered = 0;
    for (const [i, f] of faults.entries()) {
      h.emulator.control.clearFaults();
      h.emulator.control.injectFault(f.spec);
      const user = users[i % users.length] as string;
      const pending = timed(() => h.token(user, `${CLERK_TEST_PASSWORD}`));
      await assertResponsive(h, token, f.label);
      // A correct password: waiting for the slow answer would have given 200, so 503/429 shows
      // the call was cut off (no wall-clock bound: those flake on a busy machine).
      const { value } = await pending;
      assertUnavailable(value, f.label);
      h.emulator.control.clearFaults();
      h.emulator.control.reset({ stats: true });
      h.clock.advance(31_000); // past Clerk's Retry-After (circuit) and the memory of the outage
      const again = await h.token(user, CLERK_TEST_PASSWORD);
      assert.equal(again.status, 200, `${f.label}: recovery ${again.text}`);
      recovered++;
    }
    // Slow but within the timeout: answered, just later.
    h.emulator.control.injectFault({ kind: "latency", latencyMs: 300 });
    assert.equal((await h.token("member@example.com", "another password")).status, 400);
    h.emulator.control.clearFaults();
    assert.equal(recovered, faults.length);
  });

  it("Clerk gone (connection refused): 503 at once, other routes unaffected", async () => {
    const clock = makeClock();
    const emulator = await startTestEmulator(clock);
    const dead = await startClerkHost({
      emulator,
      clock,
      env: { ILEAP_CLERK_TIMEOUT_MS: String(CLERK_TIMEOUT_MS) },
    });
    try {
      const own = await dead.accessToken("service@example.com");
      await emulator.close();
      const { value } = await timed(() => dead.token("member@example.com", CLERK_TEST_PASSWORD));
      assertUnavailable(value, "Clerk gone");
      await assertResponsive(dead, own, "Clerk gone");
      // The cached token of a known credential is still handed out.
      assert.equal((await dead.token("service@example.com", CLERK_TEST_PASSWORD)).status, 200);
    } finally {
      await dead.close();
    }
  });
});

describe("identity provider outages (Clerk clerk mode: JWKS)", () => {
  let h: RunningClerkHost;
  let emulator: RunningClerkEmulator;
  before(async () => {
    const clock = makeClock();
    emulator = await startTestEmulator(clock);
    h = await startClerkHost({
      emulator,
      clock,
      env: {
        ILEAP_CLERK_TOKEN_MODE: "clerk",
        ILEAP_CLERK_TIMEOUT_MS: "800",
        ILEAP_CLERK_JWKS_COOLDOWN_SECONDS: "0",
      },
    });
  });
  after(async () => {
    await h.close();
    await emulator.close().catch(() => undefined);
  });

  it("with Clerk unreachable, tokens verified before keep working and unknown keys get 503 within the timeout", async () => {
    const token = await h.accessToken("service@example.com");
    assert.equal((await h.get("/2/footprints?limit=1", token)).status, 200);
    emulator.control.injectFault({ kind: "hang" });
    emulator.control.rotateKeys();
    const unknownKid = await emulator.control.signJwt({
      iss: emulator.url,
      sub: "user_x",
      iat: Math.floor(h.clock.now() / 1000),
      exp: Math.floor(h.clock.now() / 1000) + 60,
    });
    await assertResponsive(h, token, "JWKS endpoint hanging");
    const { value } = await timed(() => h.get("/2/ileap/tad", unknownKid));
    // Its key may be a new one of Clerk's: "cannot decide now" (503, retry), not "invalid".
    assert.equal(value.status, 503, value.text);
    assert.equal((value.json as { code: string }).code, "InternalError");
    assert.ok(value.headers["retry-after"], "Retry-After");
    emulator.control.clearFaults();
  });
});

/** Opens `n` raw connections that run `drip` every 100 ms; resolves with helpers to watch them. */
async function slowClients(
  port: number,
  n: number,
  first: string,
  drip: (i: number) => string | undefined,
): Promise<{ closed: () => number; responses: () => string[]; stop: () => void }> {
  const sockets: Socket[] = [];
  let closed = 0;
  const answers: string[] = [];
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve) => {
          const s = connect(port, "127.0.0.1", () => {
            if (first) s.write(first);
            resolve();
          });
          s.setNoDelay(true);
          s.on("data", (d: Buffer) => answers.push(d.toString("latin1").split("\r\n")[0] ?? ""));
          s.on("close", () => closed++);
          s.on("error", () => undefined);
          sockets.push(s);
        }),
    ),
  );
  let tick = 0;
  const timer = setInterval(() => {
    const chunk = drip(tick++);
    if (chunk === undefined) return;
    for (const s of sockets) if (!s.destroyed) s.write(chunk);
  }, 100);
  return {
    closed: () => closed,
    responses: () => answers,
    stop: () => {
      clearInterval(timer);
      for (const s of sockets) s.destroy();
    },
  };
}

describe("slow clients (slowloris)", () => {
  let server: RunningDemoServer;
  let port: number;
  let token: string;
  before(async () => {
    server = await startDemoServer({
      env: { ILEAP_HEADERS_TIMEOUT_MS: "600", ILEAP_REQUEST_TIMEOUT_MS: "1200" },
    });
    port = Number(new URL(server.baseUrl).port);
    token = await getToken(server.baseUrl, "hello", "pathfinder");
  });
  after(() => server.close());

  const waitFor = async (cond: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return cond();
  };

  const assertServed = async (label: string) => {
    const value = await getWithToken(`${server.baseUrl}/2/footprints?limit=1`, token);
    assert.equal(value.status, 200, label);
  };

  it("idle connections and headers trickled byte by byte are cut off by the header timeout; normal requests are served meanwhile", async () => {
    const idle = await slowClients(port, 100, "", () => undefined);
    const header = "GET /2/footprints HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    const trickle = await slowClients(port, 200, "G", (i) =>
      i < 1000 ? (header[i % header.length] ?? "a") : undefined,
    );
    try {
      await assertServed("during the slow headers");
      assert.ok(
        await waitFor(() => idle.closed() === 100 && trickle.closed() === 200, 4000),
        `closed: idle ${idle.closed()}/100, trickled ${trickle.closed()}/200`,
      );
      await assertServed("after the slow headers");
    } finally {
      idle.stop();
      trickle.stop();
    }
  });

  it("a body trickled byte by byte is cut off by the request timeout (408); normal requests are served meanwhile", async () => {
    const head = `POST /2/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`;
    const bodies = await slowClients(port, 100, head, () => "{");
    try {
      await assertServed("during the slow bodies");
      assert.ok(await waitFor(() => bodies.closed() === 100, 5000), `closed ${bodies.closed()}/100`);
      assert.ok(
        bodies.responses().every((line) => line.startsWith("HTTP/1.1 408")),
        `answers: ${[...new Set(bodies.responses())].join(", ")}`,
      );
      await assertServed("after the slow bodies");
    } finally {
      bodies.stop();
    }
    assert.ok(
      !server.logs.lines.some((l) => l.includes('"level":50')),
      "cut-off clients are not logged as errors",
    );
    assert.equal((await send(`${server.baseUrl}/health`)).status, 200);
  });
});
