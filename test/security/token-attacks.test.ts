/**
 * Token attack suite: crafted bearer tokens against every protected endpoint in each auth mode
 * (built-in issuer; Clerk `issue` mode; Clerk `clerk` mode against the emulator). Each token must be
 * refused with the PROTOCOL.md §2 status of the surface, and no refused request may reach the store
 * (the store handed to the host is a counting proxy). A loopback "attacker" server stands behind
 * every `jku`/`x5u`/URL `kid`: it must never be called.
 */
import assert from "node:assert/strict";
import { KeyObject } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type JWK, type JWTPayload, SignJWT } from "jose";
import pino from "pino";
import { createClerkAuthProvider } from "../../src/auth/clerk/clerk-provider.ts";
import { loadClerkConfig } from "../../src/auth/clerk/config.ts";
import { type KeyRing, loadKeyRing } from "../../src/auth/local/keyring.ts";
import type { AuthProvider } from "../../src/auth/provider.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { RunningClerkEmulator } from "../../src/testing/clerk-emulator/index.ts";
import { demoFootprints } from "../../src/testing/demo-data.ts";
import { CLERK_TEST_PASSWORD, makeClock, startTestEmulator, USERS } from "../helpers/clerk.ts";
import { type CountingStore, countingStore } from "../helpers/counting-store.ts";
import { type AttackToken, attackTokens, forgedTokens } from "../helpers/forge.ts";
import { basic, send, type WireResponse } from "../helpers/http.ts";
import { LogSink } from "../helpers/servers.ts";

const FOOTPRINT_ID = String(demoFootprints()[0]!.document.id);
const EVENT = JSON.stringify({
  specversion: "1.0",
  id: "attack-evt-1",
  source: "https://requester.example",
  type: "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
  data: { pfIds: ["3a8d1c9f-5a6b-4c2d-9e8f-1a2b3c4d5e6f"] },
});

/** The protected endpoints and their status for a token that does not verify (PROTOCOL.md §2; the admin API as footprints). */
const SURFACES = [
  { name: "ListFootprints", method: "GET", path: "/2/footprints?limit=1", invalid: [400, "BadRequest"] },
  {
    name: "GetFootprint",
    method: "GET",
    path: `/2/footprints/${FOOTPRINT_ID}`,
    invalid: [400, "BadRequest"],
  },
  { name: "Events", method: "POST", path: "/2/events", invalid: [400, "BadRequest"] },
  { name: "TAD", method: "GET", path: "/2/ileap/tad?limit=1", invalid: [403, "AccessDenied"] },
  // The admin API answers like footprints; a valid token without the admin role gets 403.
  {
    name: "AdminImport",
    method: "POST",
    path: "/admin/v1/footprints?dryRun=true",
    invalid: [400, "BadRequest"],
    valid: 403,
  },
] as const;

const BODIES: Record<string, { type: string; body: string }> = {
  Events: { type: "application/cloudevents+json", body: EVENT },
  AdminImport: { type: "application/json", body: "[]" },
};

interface Host {
  readonly baseUrl: string;
  readonly host: IleapServer;
  readonly counter: CountingStore;
  readonly logs: LogSink;
  close(): Promise<void>;
}

/** The real host on loopback with demo data and a counting store; headers up to 256 KiB reach the app. */
async function startHost(
  auth?: (keys: KeyRing, logger: pino.Logger) => AuthProvider,
): Promise<Host & { keys: KeyRing }> {
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-attack-"));
  const config = loadConfig({
    env: {
      ILEAP_HOST: "127.0.0.1",
      PORT: "0",
      ILEAP_DATA_DIR: dataDir,
      ILEAP_DEMO: "true",
      ILEAP_MAX_HEADER_BYTES: String(256 * 1024),
    },
  });
  const logs = new LogSink();
  const logger = pino({ level: "debug" }, logs);
  const counter = countingStore(new SqliteStore({ file: join(dataDir, "ileap.sqlite") }));
  const keys = await loadKeyRing({ dataDir });
  const host = await createIleapServer(config, {
    store: counter.store,
    logger,
    ...(auth ? { auth: auth(keys, logger) } : {}),
  });
  const running = await host.listen();
  return {
    baseUrl: running.url,
    host,
    counter,
    logs,
    keys,
    close: async () => {
      await running.close(1000);
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A loopback server that counts every request (the attacker's `jku`/`x5u` target). */
async function startAttackerServer(): Promise<{
  url: string;
  hits: () => number;
  close: () => Promise<void>;
}> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function call(baseUrl: string, surface: (typeof SURFACES)[number], token: string): Promise<WireResponse> {
  const payload = BODIES[surface.name];
  return send(`${baseUrl}${surface.path}`, {
    method: surface.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(payload ? { "content-type": payload.type } : {}),
    },
    ...(payload ? { body: payload.body } : {}),
  });
}

/** Sends every token to every surface; asserts the §2 answer and that the store was never called. */
async function assertRefused(h: Host, tokens: Record<string, AttackToken>): Promise<number> {
  h.counter.reset();
  let refused = 0;
  for (const [name, attack] of Object.entries(tokens)) {
    for (const s of SURFACES) {
      const res = await call(h.baseUrl, s, attack.token);
      const [status, code] = attack.expect === "expired" ? [401, "TokenExpired"] : s.invalid;
      assert.equal(res.status, status, `${name} on ${s.name}: ${res.status} ${res.text.slice(0, 200)}`);
      assert.match(String(res.headers["content-type"]), /^application\/json/, `${name} on ${s.name}`);
      assert.equal((res.json as { code: string }).code, code, `${name} on ${s.name}`);
    }
    refused++;
  }
  assert.equal(
    h.counter.total(),
    0,
    `refused requests reached the store: ${JSON.stringify([...h.counter.calls])}`,
  );
  return refused;
}

/** A genuine token still works everywhere (and reaches the store): the attacks were refused for cause. */
async function assertAccepted(h: Host, token: string): Promise<void> {
  h.counter.reset();
  for (const s of SURFACES) {
    const res = await call(h.baseUrl, s, token);
    const expected = "valid" in s ? s.valid : 200;
    assert.equal(res.status, expected, `valid token on ${s.name}: ${res.text.slice(0, 200)}`);
  }
  assert.ok(h.counter.total() >= SURFACES.length - 1);
}

const signWith = (keys: KeyRing) => (payload: JWTPayload) =>
  new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", kid: keys.current.kid, typ: "JWT" })
    .sign(keys.current.privateKey);

async function tokenFrom(baseUrl: string, id: string, secret: string): Promise<string> {
  const res = await send(`${baseUrl}/auth/token`, {
    method: "POST",
    headers: { authorization: basic(id, secret), "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  assert.equal(res.status, 200, res.text);
  return (res.json as { access_token: string }).access_token;
}

const MIN_TOKENS_PER_MODE = 30;

describe("token attacks: built-in issuer", () => {
  let h: Awaited<ReturnType<typeof startHost>>;
  let attacker: Awaited<ReturnType<typeof startAttackerServer>>;
  before(async () => {
    h = await startHost();
    attacker = await startAttackerServer();
  });
  after(async () => {
    await h.close();
    await attacker.close();
  });

  it("refuses every crafted token with the §2 status on every protected endpoint, without touching the store", async (t) => {
    const valid = await tokenFrom(h.baseUrl, "hello", "pathfinder");
    await assertAccepted(h, valid);
    const dataDir = mkdtempSync(join(tmpdir(), "ileap-attack-other-"));
    try {
      const otherKeys = await loadKeyRing({ dataDir });
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: h.baseUrl, aud: h.baseUrl, sub: "hello", iat: now, exp: now + 600, jti: "other" };
      const tokens: Record<string, AttackToken> = {
        ...(await attackTokens({
          issuer: h.baseUrl,
          audience: h.baseUrl,
          claims: { sub: "hello", jti: "attack" },
          kid: h.keys.current.kid,
          publicJwk: h.keys.current.publicJwk as JWK,
          signGenuine: signWith(h.keys),
          genuineKey: KeyObject.from(h.keys.current.privateKey),
          valid,
          attackerUrl: attacker.url,
          nowSeconds: now,
        })),
        otherHostInstance: { token: await signWith(otherKeys)(claims), expect: "invalid" },
        unknownClient: { token: await signWith(h.keys)({ ...claims, sub: "mallory" }), expect: "invalid" },
        missingJti: {
          token: await signWith(h.keys)({
            iss: h.baseUrl,
            aud: h.baseUrl,
            sub: "hello",
            iat: now,
            exp: now + 600,
          }),
          expect: "invalid",
        },
      };
      // The forged tokens of the status-matrix test, under their own names.
      for (const [name, token] of Object.entries(await forgedTokens(dataDir, h.baseUrl, valid))) {
        tokens[`statusMatrix.${name}`] = { token, expect: "invalid" };
      }
      const refused = await assertRefused(h, tokens);
      assert.ok(refused >= MIN_TOKENS_PER_MODE, String(refused));
      t.diagnostic(`builtin: ${refused} crafted tokens refused on ${SURFACES.length} endpoints`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    assert.equal(attacker.hits(), 0, "the host fetched an attacker-supplied URL");
    await assertAccepted(h, valid);
  });
});

describe("token attacks: Clerk provider, issue mode", () => {
  let h: Awaited<ReturnType<typeof startHost>>;
  let emulator: RunningClerkEmulator;
  let attacker: Awaited<ReturnType<typeof startAttackerServer>>;
  const clock = makeClock();
  before(async () => {
    emulator = await startTestEmulator(clock);
    attacker = await startAttackerServer();
    h = await startHost((keys, logger) =>
      createClerkAuthProvider(loadClerkConfig({ ILEAP_CLERK_FRONTEND_API: emulator.url }), {
        keys,
        logger,
        tokenTtlSeconds: 3600,
        now: clock.now,
      }),
    );
  });
  after(async () => {
    await h.close();
    await emulator.close();
    await attacker.close();
  });

  it("refuses every crafted token with the §2 status on every protected endpoint, without touching the store", async (t) => {
    const valid = await tokenFrom(h.baseUrl, "service@example.com", CLERK_TEST_PASSWORD);
    await assertAccepted(h, valid);
    const now = Math.floor(clock.now() / 1000);
    const clerkSession = await emulator.control.signJwt({
      iss: emulator.url,
      sub: USERS.service,
      sid: "sess_attack",
      iat: now,
      nbf: now - 10,
      exp: now + 60,
      sts: "active",
      v: 2,
    });
    const dataDir = mkdtempSync(join(tmpdir(), "ileap-attack-other-"));
    try {
      const otherKeys = await loadKeyRing({ dataDir });
      const claims = {
        iss: h.baseUrl,
        aud: h.baseUrl,
        sub: USERS.service,
        sid: "sess_x",
        iat: now,
        exp: now + 600,
      };
      const tokens: Record<string, AttackToken> = {
        ...(await attackTokens({
          issuer: h.baseUrl,
          audience: h.baseUrl,
          claims: { sub: USERS.service, sid: "sess_attack", jti: "attack" },
          kid: h.keys.current.kid,
          publicJwk: h.keys.current.publicJwk as JWK,
          signGenuine: signWith(h.keys),
          genuineKey: KeyObject.from(h.keys.current.privateKey),
          valid,
          attackerUrl: attacker.url,
          nowSeconds: now,
        })),
        clerkSessionToken: { token: clerkSession, expect: "invalid" },
        otherHostInstance: { token: await signWith(otherKeys)({ ...claims, jti: "o" }), expect: "invalid" },
        missingSid: {
          token: await signWith(h.keys)({
            iss: h.baseUrl,
            aud: h.baseUrl,
            sub: USERS.service,
            iat: now,
            exp: now + 600,
            jti: "s",
          }),
          expect: "invalid",
        },
        emptySid: { token: await signWith(h.keys)({ ...claims, sid: "", jti: "e" }), expect: "invalid" },
      };
      const refused = await assertRefused(h, tokens);
      assert.ok(refused >= MIN_TOKENS_PER_MODE, String(refused));
      t.diagnostic(`clerk issue mode: ${refused} crafted tokens refused on ${SURFACES.length} endpoints`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    assert.equal(attacker.hits(), 0, "the host fetched an attacker-supplied URL");
    assert.equal(
      emulator.control.stats().calls["GET /.well-known/jwks.json"] ?? 0,
      0,
      "issue mode never fetches Clerk's JWKS",
    );
  });
});

describe("token attacks: Clerk provider, clerk mode (emulator)", () => {
  let h: Awaited<ReturnType<typeof startHost>>;
  let emulator: RunningClerkEmulator;
  let other: RunningClerkEmulator;
  let attacker: Awaited<ReturnType<typeof startAttackerServer>>;
  const clock = makeClock();
  before(async () => {
    emulator = await startTestEmulator(clock, { authorizedParty: "https://app.example.com" });
    other = await startTestEmulator(clock);
    attacker = await startAttackerServer();
    h = await startHost((keys, logger) =>
      createClerkAuthProvider(
        loadClerkConfig({
          ILEAP_CLERK_FRONTEND_API: emulator.url,
          ILEAP_CLERK_TOKEN_MODE: "clerk",
          ILEAP_CLERK_AUTHORIZED_PARTIES: "https://app.example.com",
        }),
        { keys, logger, tokenTtlSeconds: 3600, now: clock.now },
      ),
    );
  });
  after(async () => {
    await h.close();
    await emulator.close();
    await other.close();
    await attacker.close();
  });

  it("refuses every crafted token with the §2 status on every protected endpoint, without touching the store", async (t) => {
    const valid = await tokenFrom(h.baseUrl, "service@example.com", CLERK_TEST_PASSWORD);
    await assertAccepted(h, valid);
    const now = Math.floor(clock.now() / 1000);
    const claims = { sub: USERS.service, sid: "sess_attack", sts: "active", v: 2 };
    const jwk = emulator.control.jwks().keys.find((k) => k.kid === emulator.control.currentKid) as JWK;
    const ownIss = { ...claims, iss: emulator.url, iat: now, nbf: now - 5, exp: now + 50 };
    const jwksBefore = emulator.control.stats().calls["GET /.well-known/jwks.json"] ?? 0;
    const tokens: Record<string, AttackToken> = {
      ...(await attackTokens({
        issuer: emulator.url,
        claims,
        kid: emulator.control.currentKid,
        publicJwk: jwk,
        signGenuine: (p) => emulator.control.signJwt(p),
        valid,
        attackerUrl: attacker.url,
        nowSeconds: now,
      })),
      otherInstanceOwnIssuer: {
        token: await other.control.signJwt({ ...claims, iss: other.url, iat: now, exp: now + 60 }),
        expect: "invalid",
      },
      otherInstanceOurIssuer: { token: await other.control.signJwt(ownIss), expect: "invalid" },
      pendingSession: {
        token: await emulator.control.signJwt({ ...ownIss, sts: "pending" }),
        expect: "invalid",
      },
      azpNotAllowed: {
        token: await emulator.control.signJwt({ ...ownIss, azp: "https://evil.example" }),
        expect: "invalid",
      },
      azpNotAString: {
        token: await emulator.control.signJwt({ ...ownIss, azp: 42 as unknown as string }),
        expect: "invalid",
      },
    };
    const refused = await assertRefused(h, tokens);
    assert.ok(refused >= MIN_TOKENS_PER_MODE, String(refused));
    t.diagnostic(`clerk mode: ${refused} crafted tokens refused on ${SURFACES.length} endpoints`);
    assert.equal(attacker.hits(), 0, "the host fetched an attacker-supplied URL");
    const jwksFetches = (emulator.control.stats().calls["GET /.well-known/jwks.json"] ?? 0) - jwksBefore;
    assert.ok(jwksFetches <= 2, `unknown kids caused ${jwksFetches} JWKS fetches (cooldown must bound them)`);
  });
});
