/**
 * Test helpers for the Clerk auth provider: a Clerk FAPI emulator with test users and
 * organizations, and the real host wired to a `ClerkAuthProvider` on loopback with demo data.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { ClerkAuthProvider } from "../../src/auth/clerk/clerk-provider.ts";
import { createClerkAuthProvider } from "../../src/auth/clerk/clerk-provider.ts";
import type { ClerkConfig } from "../../src/auth/clerk/config.ts";
import { loadClerkConfig } from "../../src/auth/clerk/config.ts";
import type { ClerkSharedState } from "../../src/auth/clerk/shared-state.ts";
import type { KeyRing } from "../../src/auth/local/keyring.ts";
import { loadKeyRing } from "../../src/auth/local/keyring.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { IleapConfig } from "../../src/config/types.ts";
import { createIleapServer, type IleapServer } from "../../src/server.ts";
import {
  type ClerkEmulatorOrganization,
  type ClerkEmulatorUser,
  type RunningClerkEmulator,
  type StartClerkEmulatorOptions,
  startClerkEmulator,
} from "../../src/testing/clerk-emulator/index.ts";
import { basic, send, type WireResponse } from "./http.ts";
import { LogSink } from "./servers.ts";

/** Password of every test user. */
export const CLERK_TEST_PASSWORD = "correct horse battery staple";

export const ACME = { id: "org_2testAcme0000000000000000000", slug: "acme", name: "Acme" } as const;
export const GLOBEX = { id: "org_2testGlobex00000000000000000", slug: "globex", name: "Globex" } as const;
export const TEST_ORGANIZATIONS: readonly ClerkEmulatorOrganization[] = [ACME, GLOBEX];

/** Clerk user ids of the test users. */
export const USERS = {
  service: "user_2testService000000000000000",
  member: "user_2testMember0000000000000000",
  outsider: "user_2testOutsider00000000000000",
  loner: "user_2testLoner00000000000000000",
} as const;

/**
 * - `service@example.com`: `org:admin` of Acme, `org:member` of Globex.
 * - `member@example.com`: `org:member` of Acme.
 * - `outsider@example.com`: `org:member` of Globex only.
 * - `loner@example.com`: no organization.
 * - `mfa@`, `trust@`, `reset@example.com`: MFA, Client Trust, password reset required.
 */
export const TEST_USERS: readonly ClerkEmulatorUser[] = [
  {
    id: USERS.service,
    email: "service@example.com",
    username: "service",
    password: CLERK_TEST_PASSWORD,
    memberships: [
      { organizationId: ACME.id, role: "org:admin" },
      { organizationId: GLOBEX.id, role: "org:member" },
    ],
  },
  {
    id: USERS.member,
    email: "member@example.com",
    password: CLERK_TEST_PASSWORD,
    memberships: [{ organizationId: ACME.id }],
  },
  {
    id: USERS.outsider,
    email: "outsider@example.com",
    password: CLERK_TEST_PASSWORD,
    memberships: [{ organizationId: GLOBEX.id }],
  },
  { id: USERS.loner, email: "loner@example.com", password: CLERK_TEST_PASSWORD },
  { email: "mfa@example.com", password: CLERK_TEST_PASSWORD, mfa: true },
  { email: "trust@example.com", password: CLERK_TEST_PASSWORD, needsClientTrust: true },
  { email: "reset@example.com", password: CLERK_TEST_PASSWORD, needsNewPassword: true },
];

/** A controllable clock (ms) starting at the real time (whole second), shared by the emulator and the provider. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export function makeClock(start = Math.floor(Date.now() / 1000) * 1000): TestClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * Starts the emulator with the test users, no per-IP rate limit and the given clock. Its signing
 * key is made before it returns (the emulator makes it lazily on the first sign-in, which on a
 * loaded CPU can take longer than a small FAPI timeout).
 */
export async function startTestEmulator(
  clock: TestClock,
  options: StartClerkEmulatorOptions = {},
): Promise<RunningClerkEmulator> {
  const emulator = await startClerkEmulator({
    users: TEST_USERS,
    organizations: TEST_ORGANIZATIONS,
    signInRateLimit: false,
    now: clock.now,
    jwtTemplates: {
      ileap: {
        lifetimeSeconds: 3600,
        claims: { aud: "ileap", org_id: "{{org.id}}", org_role: "{{org.role}}" },
      },
    },
    ...options,
  });
  await emulator.control.signJwt({});
  return emulator;
}

export interface ClerkHostOptions {
  /** Extra Clerk settings (`ILEAP_CLERK_*`, `CLERK_*`); `ILEAP_CLERK_FRONTEND_API` defaults to the emulator. */
  readonly env?: Record<string, string>;
  /** Emulator options (when the helper starts the emulator). */
  readonly emulatorOptions?: StartClerkEmulatorOptions;
  /** Use this emulator instead of starting one (it is not closed by `close`). */
  readonly emulator?: RunningClerkEmulator;
  /** Host token lifetime (issue mode). Default 3600. */
  readonly tokenTtlSeconds?: number;
  /** Clock. Default: a new {@link makeClock}. */
  readonly clock?: TestClock;
  /** Shared state of the provider (e.g. an `SqlClerkState` shared by two hosts). Default: in memory. */
  readonly state?: ClerkSharedState;
}

export interface RunningClerkHost {
  readonly baseUrl: string;
  readonly emulator: RunningClerkEmulator;
  readonly provider: ClerkAuthProvider;
  readonly clerkConfig: ClerkConfig;
  readonly config: IleapConfig;
  readonly host: IleapServer;
  readonly logs: LogSink;
  readonly clock: TestClock;
  /** `POST /auth/token` with Basic credentials and optional extra form fields. */
  token(id: string, secret: string, form?: Record<string, string>): Promise<WireResponse>;
  /** Like {@link token} but returns the access token, failing on anything but 200. */
  accessToken(id: string, secret?: string, form?: Record<string, string>): Promise<string>;
  /** GET a path with a bearer token. */
  get(path: string, token: string): Promise<WireResponse>;
  close(): Promise<void>;
}

let sharedKeys: Promise<KeyRing> | undefined;

/** One key ring per test process: RSA key generation is the slowest part of starting a host. */
function testKeyRing(): Promise<KeyRing> {
  if (!sharedKeys) {
    const dir = mkdtempSync(join(tmpdir(), "ileap-clerk-keys-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    sharedKeys = loadKeyRing({ dataDir: dir });
  }
  return sharedKeys;
}

/** Starts the emulator (unless given) and the real host with demo data and a Clerk provider. */
export async function startClerkHost(options: ClerkHostOptions = {}): Promise<RunningClerkHost> {
  const clock = options.clock ?? makeClock();
  const emulator = options.emulator ?? (await startTestEmulator(clock, options.emulatorOptions));
  const dataDir = mkdtempSync(join(tmpdir(), "ileap-clerk-test-"));
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  const config = loadConfig({
    env: {
      ILEAP_HOST: "127.0.0.1",
      PORT: "0",
      ILEAP_DATA_DIR: dataDir,
      ILEAP_DEMO: "true",
      ILEAP_TOKEN_TTL_SECONDS: String(tokenTtlSeconds),
    },
  });
  const clerkConfig = loadClerkConfig({
    ILEAP_CLERK_FRONTEND_API: emulator.url,
    ILEAP_CLERK_JWKS_COOLDOWN_SECONDS: "0",
    // Like the emulator's per-IP limit, the host's sign-in budget is off unless a test turns it on.
    ILEAP_CLERK_SIGN_IN_BUDGET: "0",
    ...options.env,
  });
  const logs = new LogSink();
  const logger = pino({ level: "debug" }, logs);
  const keys = await testKeyRing();
  const provider = createClerkAuthProvider(clerkConfig, {
    keys,
    logger,
    tokenTtlSeconds,
    now: clock.now,
    ...(options.state ? { state: options.state } : {}),
  });
  const host = await createIleapServer(config, { auth: provider, logger });
  const running = await host.listen();
  const baseUrl = `${running.url}${config.pathPrefix}`;
  const token = (id: string, secret: string, form: Record<string, string> = {}) =>
    send(`${baseUrl}/auth/token`, {
      method: "POST",
      headers: { authorization: basic(id, secret), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", ...form }).toString(),
    });
  return {
    baseUrl,
    emulator,
    provider,
    clerkConfig,
    config,
    host,
    logs,
    clock,
    token,
    async accessToken(id, secret = CLERK_TEST_PASSWORD, form = {}) {
      const res = await token(id, secret, form);
      if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
      return (res.json as { access_token: string }).access_token;
    },
    get: (path, bearer) => send(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${bearer}` } }),
    async close() {
      await running.close(1000);
      await host.close();
      if (!options.emulator) await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * What an end user of the customer's app can do with Clerk directly (no host involved): sign in
 * through the FAPI, optionally create an organization (becoming its `org:admin`) and activate it.
 * Returns the session token Clerk hands to that user's browser.
 */
export async function clerkUserSession(
  emulator: RunningClerkEmulator,
  identifier: string,
  options: { readonly createOrganization?: string; readonly template?: string } = {},
): Promise<{ jwt: string; sessionId: string; organizationId?: string }> {
  const q = "?_is_native=1";
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const signIn = await fetch(`${emulator.url}/v1/client/sign_ins${q}`, {
    method: "POST",
    headers: form,
    body: new URLSearchParams({ strategy: "password", identifier, password: CLERK_TEST_PASSWORD }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in failed: ${signIn.status}`);
  const clientToken = signIn.headers.get("authorization") ?? "";
  const body = (await signIn.json()) as {
    response: { created_session_id: string };
    client: { sessions: Array<{ id: string; last_active_token: { jwt: string } }> };
  };
  const sessionId = body.response.created_session_id;
  let jwt = body.client.sessions.find((s) => s.id === sessionId)?.last_active_token.jwt ?? "";
  let organizationId: string | undefined;
  const post = (path: string, params: Record<string, string> = {}) =>
    fetch(`${emulator.url}${path}${q}`, {
      method: "POST",
      headers: { ...form, authorization: clientToken },
      body: new URLSearchParams(params),
    });
  if (options.createOrganization) {
    const created = await post("/v1/organizations", { name: options.createOrganization });
    organizationId = ((await created.json()) as { response: { id: string } }).response.id;
    const touched = await post(`/v1/client/sessions/${sessionId}/touch`, {
      active_organization_id: organizationId,
    });
    jwt = ((await touched.json()) as { response: { last_active_token: { jwt: string } } }).response
      .last_active_token.jwt;
  }
  if (options.template) {
    const t = await post(`/v1/client/sessions/${sessionId}/tokens/${options.template}`);
    jwt = ((await t.json()) as { jwt: string }).jwt;
  }
  return { jwt, sessionId, ...(organizationId ? { organizationId } : {}) };
}
